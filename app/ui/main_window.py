"""The main window: engagement bar, sidebar of pages, status bar.

Every few seconds the window polls the change log, so edits made by another
window, command or member of the team show without a restart.
"""

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from importlib import import_module
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QSize, Qt, QThreadPool, QTimer, QUrl, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QSizePolicy,
    QStackedWidget,
    QStatusBar,
    QVBoxLayout,
    QWidget,
)

from app import APP_NAME, __version__
from app.domain.changes import Changes, Kind
from app.services.engagements import list_engagements
from app.services.errors import WorkbenchError
from app.services.evidence import purge_unreferenced_content
from app.services.workspace import shown_team_url
from app.ui.context import AppContext
from app.ui.icons import PAGE_ICONS, icon
from app.ui.pages.base import Page
from app.ui.widgets.demo import DemoBadge

if TYPE_CHECKING:
    from app.domain.backups import BackupRow
    from app.ui.widgets.server_dialog import ServerDialog
    from app.ui.widgets.settings_dialog import SettingsDialog
    from app.ui.widgets.table_dialog import TableDialog

log = logging.getLogger(__name__)

SAVED_MESSAGE_MS = 4000
POLL_INTERVAL_MS = 3000
"""How often the window looks for changes others made."""
P = TypeVar("P", bound=Page)


Menu = tuple[str, tuple[tuple[str, str, str], ...]]


@dataclass(frozen=True)
class PageSpec:
    """A sidebar page: its title, where its class lives (imported when first shown) and its menu.

    A menu is ``(title, ((text, shortcut, method of the page), ...))``.
    """

    title: str
    module: str
    class_name: str
    menu: Menu | None = None

    def load(self) -> type[Page]:
        page_type: type[Page] = getattr(import_module(self.module), self.class_name)
        return page_type

    def is_for(self, page_type: type[Page]) -> bool:
        return page_type.__module__ == self.module and page_type.__name__ == self.class_name


PAGES: tuple[PageSpec, ...] = (
    PageSpec(
        "Engagements",
        "app.ui.pages.engagements",
        "EngagementsPage",
        (
            "E&ngagement",
            (
                ("&Rename engagement…", "F2", "rename_selected"),
                ("Roll &forward to the next period…", "", "roll_forward_selected"),
                ("&Delete engagement…", "", "delete_selected"),
                ("Show &history…", "Ctrl+H", "show_history"),
                ("E&xport as a bundle…", "", "export_bundle"),
                ("&Import a bundle…", "", "import_bundle"),
            ),
        ),
    ),
    PageSpec("Readiness", "app.ui.pages.readiness", "ReadinessPage"),
    PageSpec(
        "Scope",
        "app.ui.pages.scope",
        "ScopePage",
        (
            "&Scope",
            (
                ("Run the scoping &wizard…", "", "open_wizard"),
                ("Save scoping &memo…", "", "save_memo"),
            ),
        ),
    ),
    PageSpec(
        "Controls",
        "app.ui.pages.controls",
        "ControlsPage",
        (
            "&Controls",
            (
                ("&Add control", "Ctrl+Shift+N", "add_control"),
                ("D&uplicate", "Ctrl+D", "duplicate_selected"),
                ("&Delete…", "Del", "delete_selected"),
                ("&Map criteria…", "Ctrl+M", "map_criteria"),
                ("&Bulk edit…", "Ctrl+B", "bulk_edit"),
                ("&Seed from the starter library…", "", "seed_from_library"),
                ("&Import edited workbook…", "", "import_workbook"),
                ("Show &history…", "Ctrl+H", "show_history"),
            ),
        ),
    ),
    PageSpec(
        "Evidence",
        "app.ui.pages.evidence",
        "EvidencePage",
        (
            "E&vidence",
            (
                ("&Add files…", "Ctrl+Shift+E", "choose_files"),
                ("&Verify evidence", "", "verify_all"),
                ("&Open", "Ctrl+O", "open_selected"),
                ("&Delete evidence…", "", "delete_selected"),
                ("Show &history…", "Ctrl+H", "show_history"),
            ),
        ),
    ),
    PageSpec(
        "Requests",
        "app.ui.pages.requests",
        "RequestsPage",
        (
            "&Requests",
            (
                ("&Import request list…", "", "import_list"),
                ("E&xport answered list…", "", "export_list"),
                ("Request &package…", "", "export_package"),
                ("Add p&opulation…", "", "add_population"),
                ("&Draw sample…", "", "draw_sample"),
                ("Record e&xception…", "", "record_exception"),
            ),
        ),
    ),
    PageSpec(
        "Documents",
        "app.ui.pages.documents",
        "DocumentsPage",
        (
            "&Documents",
            (
                ("Export this document as &PDF…", "", "export_pdf"),
                ("Export this document as &Word…", "", "export_docx"),
            ),
        ),
    ),
    PageSpec(
        "Policies",
        "app.ui.pages.policies",
        "PoliciesPage",
        (
            "&Policies",
            (
                ("&Seed from the library…", "", "seed_policies"),
                ("Export policy as &PDF…", "", "export_pdf"),
                ("Export policy as &Word…", "", "export_word"),
                ("Import &staff list…", "", "import_staff_list"),
                ("Import sign-off s&heet…", "", "import_signoff_sheet"),
                ("&Attach acknowledgement register as evidence…", "", "attach_register"),
            ),
        ),
    ),
    PageSpec(
        "Exports",
        "app.ui.pages.exports",
        "ExportsPage",
        ("E&xport", (("&Export selected files", "Ctrl+E", "export_selected"),)),
    ),
    PageSpec("Criteria", "app.ui.pages.criteria", "CriteriaPage"),
)
"""The pages in the order of the user's path; a page's module is imported when it is first shown."""


def page_shortcut(index: int) -> str:
    """``Ctrl+1`` … ``Ctrl+9`` for the first nine pages, ``Ctrl+0`` for the tenth, none after."""
    return f"Ctrl+{(index + 1) % 10}" if index < 10 else ""


class MainWindow(QMainWindow):
    """The application's window; each page is built the first time it is shown.

    Signals:
        workspace_chosen(object): the user chose another workspace to open: a team server's URL
            (tested, with the password typed, if any), or ``None`` for the local workspace. The
            choice is already remembered; whoever started the window opens it in a new one.
    """

    workspace_chosen = Signal(object)

    def __init__(self, context: AppContext, pages: Sequence[PageSpec] = PAGES) -> None:
        super().__init__()
        self.context = context
        self.window_state = context.window_state
        self.setWindowTitle(APP_NAME)
        self.pages = list(pages)
        self._built: dict[int, Page] = {}
        self._current = -1
        self._search_texts: dict[int, str] = {}

        self.engagement_box = QComboBox()
        self.engagement_box.setAccessibleName("Current engagement")
        self.engagement_box.setMinimumContentsLength(24)
        self.engagement_box.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.scope_label = QLabel()
        self.scope_label.setAccessibleName("Scope of the current engagement")
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search this page (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.setMaximumWidth(320)
        bar = QWidget()
        bar.setObjectName("engagementBar")
        bar_layout = QHBoxLayout(bar)
        bar_layout.setContentsMargins(10, 6, 10, 6)
        bar_layout.addWidget(self.engagement_box)
        bar_layout.addSpacing(12)
        bar_layout.addWidget(self.scope_label, 1)
        self.demo_badge = DemoBadge(context)
        bar_layout.addWidget(self.demo_badge)
        bar_layout.addWidget(self.search)

        self.sidebar = QListWidget()
        self.sidebar.setAccessibleName("Pages")
        self.sidebar.setFrameShape(QListWidget.Shape.NoFrame)
        self.sidebar.setViewportMargins(6, 8, 0, 0)
        self.sidebar.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Expanding)
        self.stack = QStackedWidget()
        self._fill_sidebar()

        body = QWidget()
        body_layout = QHBoxLayout(body)
        body_layout.setContentsMargins(0, 0, 0, 0)
        body_layout.setSpacing(0)
        body_layout.addWidget(self.sidebar)
        body_layout.addWidget(self.stack, 1)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(bar)
        layout.addWidget(body, 1)
        self.setCentralWidget(central)

        self._build_status_bar()

        self._build_menus()
        self.sidebar.currentRowChanged.connect(self._show_row)
        self.engagement_box.activated.connect(self._engagement_chosen)
        self.search.textChanged.connect(self._search_changed)
        context.engagement_selected.connect(self._engagement_selected)
        context.changed.connect(self._changed)
        context.navigate.connect(self.navigate)

        self._restore_state()
        self.poll_timer.start()

    # --- building -----------------------------------------------------------------------

    def _build_status_bar(self) -> None:
        """Where the data lives and who you are, read-only warning, running tasks, "saved"; and the
        poll for others' changes (a team workspace)."""
        self.status = QStatusBar()
        workspace = self.context.workspace
        self.workspace_label = QLabel(
            f"Team server {workspace.server} · you are {workspace.author.name or 'unnamed'}"
            if workspace.server
            else str(workspace.data_dir)
        )
        self.workspace_label.setToolTip(
            "Team workspace: the data and the evidence are on this server"
            if workspace.server
            else "Workspace folder: the database and the evidence store"
        )
        self.saved_label = QLabel()
        self.status.addWidget(self.workspace_label, 1)
        if self.context.workspace.read_only:
            self.read_only_label = QLabel("<b>Read-only</b>: another window has this workspace open")
            self.status.addPermanentWidget(self.read_only_label)
        self.status.addPermanentWidget(self.context.task_bar)
        self.status.addPermanentWidget(self.saved_label)
        self.setStatusBar(self.status)
        self._saved_timer = QTimer(self)
        self._saved_timer.setSingleShot(True)
        self._saved_timer.timeout.connect(self.saved_label.clear)
        self.poll_timer = QTimer(self)
        self.poll_timer.setInterval(POLL_INTERVAL_MS)
        self.poll_timer.timeout.connect(self.context.poll_changes)
        self.context.others_changed.connect(self._others_changed)

    def _fill_sidebar(self) -> None:
        for index, page in enumerate(self.pages):
            if page.title == "Criteria" and index > 0:
                separator = QListWidgetItem()
                separator.setFlags(Qt.ItemFlag.NoItemFlags)
                separator.setSizeHint(QSize(0, self.fontMetrics().height() // 2))
                self.sidebar.addItem(separator)
            item = QListWidgetItem(icon(PAGE_ICONS.get(page.title, "circle")), page.title)
            item.setSizeHint(QSize(0, int(self.fontMetrics().height() * 1.9)))
            item.setData(Qt.ItemDataRole.UserRole, index)
            item.setToolTip(f"{page.title} ({page_shortcut(index)})" if page_shortcut(index) else page.title)
            self.sidebar.addItem(item)
        size = self.fontMetrics().height() + 2
        self.sidebar.setIconSize(QSize(size, size))
        width = max(self.sidebar.sizeHintForColumn(0), 120) + 28
        self.sidebar.setFixedWidth(width)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        new = QAction("&New engagement…", self)
        new.setShortcut(QKeySequence.StandardKey.New)
        new.triggered.connect(self.new_engagement)
        file_menu.addAction(new)
        settings_action = QAction("&Settings…", self)
        settings_action.setShortcut(QKeySequence.StandardKey.Preferences)
        settings_action.triggered.connect(self.edit_settings)
        file_menu.addAction(settings_action)
        folder = QAction("Open &workspace folder", self)
        folder.triggered.connect(self.open_workspace_folder)
        file_menu.addAction(folder)
        server = QAction("Connect to a &team server…", self)
        server.triggered.connect(self.connect_to_server)
        file_menu.addAction(server)
        local = QAction("Use the &local workspace", self)
        local.setEnabled(self.context.workspace.is_team)
        local.triggered.connect(self.use_local_workspace)
        file_menu.addAction(local)
        file_menu.addSeparator()
        for label, slot in (
            ("&Import an engagement bundle…", self.import_bundle),
            ("&Export the engagement as a bundle…", self.export_bundle),
            ("&Restore from a backup…", self.show_backups),
        ):
            file_action = QAction(label, self)
            file_action.triggered.connect(slot)
            file_menu.addAction(file_action)
        file_menu.addSeparator()
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

        edit_menu = self.menuBar().addMenu("&Edit")
        undo = self.context.undo_stack.createUndoAction(self, "&Undo")
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo = self.context.undo_stack.createRedoAction(self, "&Redo")
        redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence(QKeySequence.StandardKey.Redo)])
        edit_menu.addAction(undo)
        edit_menu.addAction(redo)
        edit_menu.addSeparator()
        find = QAction("&Find on this page", self)
        find.setShortcut(QKeySequence.StandardKey.Find)
        find.triggered.connect(self.focus_search)
        edit_menu.addAction(find)
        self.edit_menu = edit_menu

        go_menu = self.menuBar().addMenu("&Go")
        self.page_actions: list[QAction] = []
        for index, page in enumerate(self.pages):
            action = QAction(page.title, self)
            action.setShortcut(QKeySequence(page_shortcut(index)))
            action.triggered.connect(lambda _checked=False, i=index: self.show_page(i))
            go_menu.addAction(action)
            self.page_actions.append(action)

        self.page_menu_actions: dict[int, list[QAction]] = {}
        for index, spec in enumerate(self.pages):
            if spec.menu is None:
                continue
            title, entries = spec.menu
            menu = self.menuBar().addMenu(title)
            actions = []
            for text, shortcut, method in entries:
                action = QAction(text, self)
                action.setShortcut(QKeySequence(shortcut))
                action.triggered.connect(
                    lambda _checked=False, i=index, m=method: getattr(self.page_at(i), m)()
                )
                menu.addAction(action)
                actions.append(action)
            self.page_menu_actions[index] = actions

        help_menu = self.menuBar().addMenu("&Help")
        about = QAction(f"&About {APP_NAME}", self)
        about.triggered.connect(self.show_about)
        help_menu.addAction(about)

    # --- pages and search ---------------------------------------------------------------

    def _row_of(self, index: int) -> int:
        for row in range(self.sidebar.count()):
            if self.sidebar.item(row).data(Qt.ItemDataRole.UserRole) == index:
                return row
        raise IndexError(index)

    def show_page(self, index: int) -> None:
        self.sidebar.setCurrentRow(self._row_of(index))

    def page_at(self, index: int) -> Page:
        """The page in sidebar position *index*, built now if it never was."""
        page = self._built.get(index)
        if page is None:
            page = self.pages[index].load()(self.context)
            self._built[index] = page
            self.stack.addWidget(page)
        return page

    def index_of(self, page_type: type[Page]) -> int:
        """The sidebar position of the page of this type."""
        return next(index for index, spec in enumerate(self.pages) if spec.is_for(page_type))

    def page(self, page_type: type[P]) -> P:
        page = self.page_at(self.index_of(page_type))
        assert isinstance(page, page_type)
        return page

    def open_page(self, page_type: type[P]) -> P:
        """Show the page of this type and return it."""
        self.show_page(self.index_of(page_type))
        return self.page(page_type)

    def current_page(self) -> Page:
        return self.page_at(self._current)

    def _show_row(self, row: int) -> None:
        if row < 0:
            return
        index = self.sidebar.item(row).data(Qt.ItemDataRole.UserRole)
        if index is None:
            return
        self._current = index
        page = self.page_at(index)
        self.stack.setCurrentWidget(page)
        for page_index, actions in self.page_menu_actions.items():
            for action in actions:
                action.setEnabled(page_index == index)
        self.search.blockSignals(True)
        self.search.setText(self._search_texts.get(index, ""))
        self.search.blockSignals(False)
        self.search.setEnabled(page.searchable)
        page.refresh()

    def _search_changed(self, text: str) -> None:
        self._search_texts[self._current] = text
        self.current_page().apply_search(text)

    def focus_search(self) -> None:
        if self.search.isEnabled():
            self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
            self.search.selectAll()

    def navigate(self, target: tuple[str, object]) -> None:
        """Show what *target* names: ``("control", id)``, ``("control-field", (id, "owner"))``,
        ``("criterion", "CC6.1")``, ``("description", key)``, ``("policy", key)``,
        ``("page", "Readiness")``; or do a step of the path, ``("step", "seed")``."""
        from app.ui.pages.controls import ControlsPage
        from app.ui.pages.criteria import CriteriaPage
        from app.ui.pages.documents import DocumentsPage
        from app.ui.pages.policies import PoliciesPage

        kind, key = target
        if kind == "control":
            self.open_page(ControlsPage).select_control(int(str(key)))
        elif kind == "control-field":
            assert isinstance(key, tuple)
            page = self.open_page(ControlsPage)
            if page.select_control(int(key[0])):
                page.details.focus_field(str(key[1]))
        elif kind == "criterion":
            self.open_page(CriteriaPage).select_criterion(str(key))
        elif kind == "description":
            self.open_page(DocumentsPage).show_section(str(key))
        elif kind == "policy":
            self.open_page(PoliciesPage).select_policy(str(key))
        elif kind == "step":
            self.do_step(str(key))
        elif kind == "page":
            self.show_page([spec.title for spec in self.pages].index(str(key)))

    def do_step(self, key: str) -> None:
        """Do the action of a step of the path (see :mod:`app.domain.guidance`) on its page."""
        from app.ui.pages.controls import ControlsPage
        from app.ui.pages.engagements import EngagementsPage
        from app.ui.pages.evidence import EvidencePage
        from app.ui.pages.exports import ExportsPage
        from app.ui.pages.scope import ScopePage

        if key == "engagement":
            self.open_page(EngagementsPage).new_engagement()
        elif key == "scope":
            self.open_page(ScopePage).open_wizard()
        elif key == "seed":
            self.open_page(ControlsPage).seed_from_library()
        elif key == "owners":
            self.open_page(ControlsPage).assign_owners()
        elif key == "evidence":
            self.open_page(EvidencePage).choose_files()
        elif key == "export":
            self.open_page(ExportsPage).export_package()

    # --- engagements --------------------------------------------------------------------

    def reload_engagements(self) -> None:
        """Refill the engagement chooser and the scope line."""
        current = self.context.engagement_id
        engagements = self.context.run("Load engagements", lambda: list_engagements(self.context.workspace))
        self.engagement_box.blockSignals(True)
        self.engagement_box.clear()
        for engagement in engagements or []:
            self.engagement_box.addItem(engagement.name, engagement.id)
        if not engagements:
            self.engagement_box.addItem("No engagement yet", None)
        self.engagement_box.setEnabled(bool(engagements))
        position = self.engagement_box.findData(current)
        self.engagement_box.setCurrentIndex(max(position, 0))
        self.engagement_box.blockSignals(False)
        if current is not None and position < 0:
            self.context.set_engagement(None)
        self._update_scope()

    def _engagement_chosen(self, row: int) -> None:
        self.context.set_engagement(self.engagement_box.itemData(row))

    def _engagement_selected(self, engagement_id: int | None) -> None:
        position = self.engagement_box.findData(engagement_id)
        if position < 0 and engagement_id is not None:
            self.reload_engagements()
        else:
            self.engagement_box.setCurrentIndex(max(position, 0))
            self._update_scope()
        self.window_state.last_engagement = engagement_id

    def _others_changed(self, names: tuple[str, ...]) -> None:
        self.saved_label.setText(f"Updated with changes by {', '.join(names)}")
        self._saved_timer.start(SAVED_MESSAGE_MS)

    def _changed(self, changes: Changes) -> None:
        self.saved_label.setText("Saved")
        self._saved_timer.start(SAVED_MESSAGE_MS)
        if changes.touches(Kind.ENGAGEMENT, Kind.SCOPE):
            self.reload_engagements()

    def _update_scope(self) -> None:
        engagement = self.context.engagement()
        self.demo_badge.show_for(engagement)
        if engagement is None:
            self.scope_label.setText("Create or choose an engagement to start")
            self.setWindowTitle(APP_NAME)
            return
        self.scope_label.setText(
            f"<b>{escape(engagement.display_company)}</b> · {escape(engagement.scope_words)}"
        )
        read_only = " (read-only)" if self.context.workspace.read_only else ""
        self.setWindowTitle(f"{engagement.name} — {APP_NAME}{read_only}")

    def new_engagement(self) -> None:
        from app.ui.pages.engagements import EngagementsPage

        self.open_page(EngagementsPage).new_engagement()

    def import_bundle(self) -> None:
        from app.ui.pages.engagements import EngagementsPage

        self.open_page(EngagementsPage).import_bundle()

    def export_bundle(self) -> None:
        from app.ui.pages.engagements import EngagementsPage

        self.open_page(EngagementsPage).export_bundle()

    # --- backups --------------------------------------------------------------------------

    def show_backups(self) -> "TableDialog":
        """The copies of the database, with their dates and sizes; Restore… asks, then restores one."""
        from app.services.backups import list_workspace_backups
        from app.ui.models.backups import BackupTableModel
        from app.ui.widgets.table_dialog import TableDialog

        model = BackupTableModel()
        model.set_rows(
            self.context.run("Backups", lambda: list_workspace_backups(self.context.workspace)) or []
        )
        self.backups_dialog = TableDialog(
            "Restore from a backup",
            "A copy of the workspace's data is made each day it is opened (the last seven are kept), and "
            "before each upgrade. Restoring one replaces all the data with that copy; the data it "
            "replaces is kept in the backups folder.",
            model,
            self,
            action="Restore…",
        )
        self.backups_dialog.accepted.connect(lambda: self.restore_backup(self.backups_dialog.chosen()))
        self.backups_dialog.open()
        return self.backups_dialog

    def restore_backup(self, backup: "BackupRow | None") -> None:
        from app.services.backups import restore_workspace_backup

        if backup is None or not self.context.interaction.confirm(
            "Restore from a backup",
            f"Replace all the data of this workspace with the copy of {backup.made_on.isoformat()} "
            f"({backup.name})?\n\nThe data as it is now is kept in the backups folder. Close any other "
            "SOC Workbench window or command on this workspace first.",
            action="Restore",
        ):
            return
        aside = self.context.run(
            "Restore", lambda: restore_workspace_backup(self.context.workspace, backup.name)
        )
        if aside is not None:
            self.context.undo_stack.clear()
            self.context.interaction.info(
                "Backup restored", f"Restored {backup.name}. The data it replaced is kept as backups/{aside}."
            )

    # --- status, folders, about ---------------------------------------------------------

    def open_workspace_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.context.workspace.data_dir)))

    def edit_settings(self) -> "SettingsDialog":
        """Open the settings dialog; OK writes the sample sizes and the Type 1 age limit."""
        from app.services.settings import (
            get_sampling_conventions,
            get_type1_max_age_days,
            set_sampling_conventions,
            set_type1_max_age_days,
        )
        from app.ui.widgets.settings_dialog import SettingsDialog

        workspace = self.context.workspace
        self.settings_dialog = SettingsDialog(
            get_sampling_conventions(workspace),
            get_type1_max_age_days(workspace),
            self,
            user_name=self.context.home_state.user_name,
        )

        def save() -> None:
            samples, days = self.settings_dialog.values()
            self.context.set_user_name(self.settings_dialog.user_name())

            def write() -> None:
                set_sampling_conventions(workspace, samples)
                set_type1_max_age_days(workspace, days)

            self.context.run("Settings", write)

        self.settings_dialog.accepted.connect(save)
        self.settings_dialog.open()
        return self.settings_dialog

    def connect_to_server(self) -> "ServerDialog":
        """Ask for a team server's URL; once tested and accepted, remember it and open it."""
        from app.ui.widgets.server_dialog import ServerDialog

        home = self.context.home_state
        self.server_dialog = ServerDialog(home.team_server or self.context.workspace.server or "", self)

        def chosen() -> None:
            url = self.server_dialog.tested_url
            if url is None:
                return
            home.team_server = self.context.run("Connect to a team server", lambda: shown_team_url(url)) or ""
            home.sync()
            self.workspace_chosen.emit(url)

        self.server_dialog.accepted.connect(chosen)
        self.server_dialog.open()
        return self.server_dialog

    def use_local_workspace(self) -> None:
        """Forget the team server and open the local workspace."""
        self.context.home_state.team_server = ""
        self.context.home_state.sync()
        self.workspace_chosen.emit(None)

    def show_about(self) -> None:
        self.context.interaction.info(
            f"About {APP_NAME}",
            f"{APP_NAME} {__version__}\n\n"
            "Prepares a small company for its SOC 1 and SOC 2 audits, offline.\n\n"
            f"Workspace: {self.context.workspace.location}",
        )

    # --- remembered state ---------------------------------------------------------------

    def _restore_state(self) -> None:
        geometry = self.window_state.geometry
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 800)
        last = self.window_state.last_engagement
        self.reload_engagements()
        if last is not None and self.engagement_box.findData(last) >= 0:
            self.context.set_engagement(last)
        elif self.engagement_box.itemData(0) is not None:
            self.context.set_engagement(self.engagement_box.itemData(0))
        titles = [page.title for page in self.pages]
        last_page = self.window_state.page
        if last_page not in titles:
            last_page = "Readiness" if self.context.engagement_id is not None else titles[0]
        self.show_page(titles.index(last_page) if last_page in titles else 0)

    def _purge_deleted_content(self) -> None:
        """Deleted evidence kept its stored copy so that Undo could bring it back; with the window (and
        its undo history) closing, the copies no record uses any more go."""
        if self.context.workspace.read_only or not self.context.released_content:
            return
        try:
            purge_unreferenced_content(self.context.workspace, released=self.context.released_content)
        except WorkbenchError as error:
            log.warning("stored evidence no record uses was kept: %s", error)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt override)
        running = [task.title for task in self.context.tasks]
        if running and not self.context.interaction.confirm(
            f"Close {APP_NAME}",
            f"{running[0]} is still running. Closing now stops it: it leaves nothing half-written, "
            "and you can start it again later.\n\nClose anyway?",
            action="Stop and close",
        ):
            event.ignore()
            return
        for task in list(self.context.tasks):
            task.cancel()
        QThreadPool.globalInstance().waitForDone(30_000)
        self._purge_deleted_content()
        self.window_state.geometry = self.saveGeometry()
        self.window_state.page = self.pages[self._current].title
        self.window_state.sync()
        self.poll_timer.stop()
        self.context.detach()
        super().closeEvent(event)
