"""Controls page: the control matrix per Trust Services Category, by criterion, and in detail."""

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QItemSelection, QItemSelectionModel, QModelIndex, QObject, QPoint, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QStackedWidget,
    QTabBar,
    QTableView,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from app.domain.catalog import load_catalog
from app.domain.changes import Changes, Kind
from app.domain.controls import CONTROL_FIELDS, SUMMARY_FIELDS, ControlRow
from app.domain.starter import load_starter
from app.domain.vocab import Status, label
from app.domain.wording import counted
from app.services.control_import import ImportPlan, plan_import
from app.services.controls import (
    add_control,
    delete_controls,
    duplicate_controls,
    existing_controls,
    get_control,
    list_controls,
    restore_controls,
)
from app.services.evidence import evidence_counts
from app.ui.commands import Creation, Deletion, EditControls, ImportWorkbook, SeedControls
from app.ui.context import AppContext
from app.ui.evidence_actions import add_files, files_dropped_on_row
from app.ui.icons import icon
from app.ui.interaction import documents_folder
from app.ui.models.controls import ControlMatrixModel
from app.ui.models.criterion_tree import build_criterion_tree
from app.ui.models.roles import CONTROL_ID_ROLE
from app.ui.pages.base import Page, page_heading, stacked, with_details
from app.ui.tasks import Task
from app.ui.widgets.bulk_edit import BulkEditDialog
from app.ui.widgets.choice_delegate import ChoiceDelegate
from app.ui.widgets.control_details import ControlDetails
from app.ui.widgets.control_evidence import ControlEvidencePanel
from app.ui.widgets.criteria_picker import CriteriaPicker
from app.ui.widgets.fieldwork_panels import ControlFieldworkPanel
from app.ui.widgets.history_dialog import open_history
from app.ui.widgets.objectives import ObjectivesView
from app.ui.widgets.status_chip import StatusChipDelegate
from app.ui.widgets.table_dialog import TableDialog

DEFAULT_COLUMNS = ("ref", "title", "status", "owner", "frequency")
"""The matrix's columns at first, in this order, then the evidence count; the header's menu adds others."""
COLUMN_WIDTHS = {"ref": 80, "title": 240, "criteria": 130, "owner": 110, "is_key": 44, "status": 140}
ALL_TAB = "All controls"
CRITERION_TAB = "By criterion"
OBJECTIVES_TAB = "SOC 1 objectives"
VIEW_TABS = (CRITERION_TAB, OBJECTIVES_TAB)


def next_ref(existing: Sequence[str], prefix: str = "CTL") -> str:
    """The next free ``CTL-001``-style reference."""
    numbers = [
        int(ref[len(prefix) + 1 :])
        for ref in existing
        if ref.startswith(prefix + "-") and ref[len(prefix) + 1 :].isdigit()
    ]
    return f"{prefix}-{max(numbers, default=0) + 1:03d}"


class ControlsPage(Page):
    """The matrix: tabs per category in scope, filters, a detail panel, undoable edits."""

    needs_engagement = True
    searchable = True

    def __init__(self, context: AppContext) -> None:
        super().__init__(context)
        self._loaded_for: int | None = None
        self._complete = True
        self.soc1 = False
        self.picker: CriteriaPicker | None = None
        self.bulk_dialog: BulkEditDialog | None = None
        self.tab_names: list[str] = []

        self.model = ControlMatrixModel(editor=self.edit)
        self.table = self._build_table()
        self.table.viewport().installEventFilter(self)
        self.objectives_view = ObjectivesView(context)
        self.views = self._build_views()
        filters = self._build_filters()
        toolbar = self._build_toolbar()
        matrix = stacked(toolbar, self.tabs, filters, self.views)
        self.details = ControlDetails()
        self.evidence_panel = ControlEvidencePanel(context)
        self.details.evidence_slot.addWidget(self.evidence_panel)
        self.fieldwork_panel = ControlFieldworkPanel(context)
        self.details.evidence_slot.addWidget(self.fieldwork_panel)
        self.splitter = with_details(matrix, self.details, (720, 380))

        self.body = QStackedWidget()
        self.body.addWidget(self.splitter)
        self.body.addWidget(self._build_empty_state())
        layout = QVBoxLayout(self)
        layout.addWidget(
            page_heading(
                "Control matrix",
                "What the company does to meet each criterion. Every change is saved at once; "
                "Ctrl+Z undoes it.",
            )
        )
        layout.addWidget(self.body, 1)

        self._connect()
        self._restore_columns()

    def _build_table(self) -> QTableView:
        table = QTableView()
        table.setModel(self.model)
        table.setAccessibleName("Control matrix")
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.SelectedClicked
        )
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        table.setTextElideMode(Qt.TextElideMode.ElideRight)
        vertical = table.verticalHeader()
        vertical.hide()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(self.fontMetrics().height() + 8)
        table.viewport().setAcceptDrops(True)
        header = table.horizontalHeader()
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        table.setSortingEnabled(True)
        header.setSectionsMovable(True)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._column_menu)
        self.delegates: list[ChoiceDelegate] = []
        for column, spec in enumerate(CONTROL_FIELDS):
            if spec.kind == "choice":
                delegate = StatusChipDelegate(table) if spec.name == "status" else ChoiceDelegate(spec, table)
                self.delegates.append(delegate)
                table.setItemDelegateForColumn(column, delegate)
            table.setColumnWidth(column, COLUMN_WIDTHS.get(spec.name, 110))
        table.setColumnWidth(self.model.evidence_column, 72)
        return table

    def _build_views(self) -> QStackedWidget:
        """The matrix, the by-criterion tree and the SOC 1 objectives, one shown at a time."""
        self.criterion_view = QTreeView()
        self.criterion_view.setAccessibleName("Controls by criterion")
        self.criterion_view.setUniformRowHeights(True)
        self.criterion_view.setItemDelegateForColumn(2, StatusChipDelegate(self.criterion_view))
        self.criterion_view.doubleClicked.connect(self._open_from_tree)
        self.objectives_view.control_activated.connect(self.select_control)
        views = QStackedWidget()
        views.addWidget(self.table)
        views.addWidget(self.criterion_view)
        views.addWidget(self.objectives_view)
        return views

    def _build_filters(self) -> QHBoxLayout:
        self.tabs = QTabBar()
        self.tabs.setExpanding(False)
        self.tabs.setDocumentMode(True)
        self.status_filter = QComboBox()
        self.status_filter.addItem("All statuses", None)
        for member in Status:
            self.status_filter.addItem(label(member.value), member.value)
        self.owner_filter = QComboBox()
        self.owner_filter.setMinimumContentsLength(14)
        self.key_filter = QCheckBox("Key controls only")
        self.count = QLabel()
        filters = QHBoxLayout()
        filters.addWidget(QLabel("Status"))
        filters.addWidget(self.status_filter)
        filters.addWidget(QLabel("Owner"))
        filters.addWidget(self.owner_filter)
        filters.addWidget(self.key_filter)
        filters.addStretch(1)
        filters.addWidget(self.count)
        return filters

    def _build_toolbar(self) -> QHBoxLayout:
        self.add_button = QPushButton(icon("plus"), "Add control")
        self.duplicate_button = QPushButton(icon("copy"), "Duplicate")
        self.delete_button = QPushButton(icon("trash-2"), "Delete…")
        self.map_button = QPushButton(icon("link"), "Map criteria…")
        self.bulk_button = QPushButton(icon("list-todo"), "Bulk edit…")
        toolbar = QHBoxLayout()
        for button in (
            self.add_button,
            self.duplicate_button,
            self.delete_button,
            self.map_button,
            self.bulk_button,
        ):
            toolbar.addWidget(button)
        toolbar.addStretch(1)
        self.seed_button = QPushButton(icon("sprout"), "Seed…")
        self.seed_button.setToolTip("Seed from the starter library: controls written for a small company")
        self.import_button = QPushButton(icon("file-input"), "Import workbook…")
        toolbar.addWidget(self.seed_button)
        toolbar.addWidget(self.import_button)
        return toolbar

    def _build_empty_state(self) -> QWidget:
        """What the page shows without controls: what goes here and how to start."""
        self.empty = QLabel()
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_add = QPushButton(icon("plus"), "Add a control")
        self.empty_seed = QPushButton(icon("sprout"), "Seed from the starter library…")
        empty_box = QWidget()
        empty_layout = QVBoxLayout(empty_box)
        empty_layout.addStretch(1)
        empty_layout.addWidget(self.empty)
        self.empty_buttons = QHBoxLayout()
        self.empty_buttons.addStretch(1)
        self.empty_buttons.addWidget(self.empty_seed)
        self.empty_buttons.addWidget(self.empty_add)
        self.empty_buttons.addStretch(1)
        empty_layout.addLayout(self.empty_buttons)
        empty_layout.addStretch(2)
        return empty_box

    def _connect(self) -> None:
        self.add_button.clicked.connect(self.add_control)
        self.empty_add.clicked.connect(self.add_control)
        self.empty_seed.clicked.connect(self.seed_from_library)
        self.seed_button.clicked.connect(self.seed_from_library)
        self.import_button.clicked.connect(self.import_workbook)
        self.duplicate_button.clicked.connect(self.duplicate_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.map_button.clicked.connect(self.map_criteria)
        self.bulk_button.clicked.connect(self.bulk_edit)
        self.tabs.currentChanged.connect(self._tab_changed)
        self.status_filter.currentIndexChanged.connect(self._filters_changed)
        self.owner_filter.currentIndexChanged.connect(self._filters_changed)
        self.key_filter.toggled.connect(self._filters_changed)
        self.model.filtered.connect(self._show_count)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._selection_changed())
        self.details.edited.connect(self._detail_edited)
        self.details.criteria_requested.connect(self.map_criteria)
        self.context.changed.connect(self._changed)
        self.context.engagement_selected.connect(lambda _id: self._refresh_if_visible())

    # --- loading ------------------------------------------------------------------------

    def refresh(self) -> None:
        engagement = self.context.engagement()
        if engagement is None:
            self.empty.setText("Create or choose an engagement on the Engagements page first.")
            self.empty_add.hide()
            self.empty_seed.hide()
            self.body.setCurrentIndex(1)
            self.model.set_rows([])
            self._loaded_for = None
            return
        self.soc1 = engagement.soc1
        self._set_tabs(engagement.categories_in_scope)
        if self._loaded_for != engagement.id:
            engagement_id = engagement.id or 0
            rows = self.context.run(
                "Load controls",
                lambda: list_controls(self.context.workspace, engagement_id=engagement_id, summary=True),
            )
            self.model.set_rows(rows or [])
            self._loaded_for = engagement.id
            self._load_evidence_counts()
            self._complete = False
            self._refill_owners()
            if any(
                not self.table.isColumnHidden(column) and spec.name not in SUMMARY_FIELDS
                for column, spec in enumerate(CONTROL_FIELDS)
            ):
                self.complete_rows()
        self._update_empty()

    def _load_evidence_counts(self) -> None:
        engagement_id = self._loaded_for
        if engagement_id is not None:
            counts = self.context.run(
                "Load evidence counts",
                lambda: evidence_counts(self.context.workspace, engagement_id=engagement_id),
            )
            self.model.set_evidence_counts(counts or {})

    def complete_rows(self) -> None:
        """Make sure the model holds every field (a search or a long-text column needs them)."""
        if self._complete or self._loaded_for is None:
            return
        engagement_id = self._loaded_for
        rows = self.context.run(
            "Load controls", lambda: list_controls(self.context.workspace, engagement_id=engagement_id)
        )
        self._complete = True
        self.model.replace_rows(rows or [])

    def _update_empty(self) -> None:
        """The matrix when there are controls, else what goes here and how to start."""
        if self.model.total():
            self.body.setCurrentIndex(0)
            return
        self.empty.setText(
            "No controls yet. A control is something the company does, on a schedule, that meets one or "
            "more criteria and leaves evidence. Seed the matrix from the starter library — controls written "
            "for a small cloud or software company, which you then adapt — or add your own."
        )
        self.empty_add.setVisible(True)
        self.empty_seed.setVisible(True)
        self.body.setCurrentIndex(1)

    def _set_tabs(self, categories: Sequence[str]) -> None:
        names = [ALL_TAB, *categories, CRITERION_TAB, *([OBJECTIVES_TAB] if self.soc1 else [])]
        if names == self.tab_names:
            return
        current = self.tabs.tabText(self.tabs.currentIndex()) if self.tabs.count() else ALL_TAB
        self.tabs.blockSignals(True)
        while self.tabs.count():
            self.tabs.removeTab(0)
        for name in names:
            self.tabs.addTab(name)
        self.tab_names = names
        self.tabs.setCurrentIndex(names.index(current) if current in names else 0)
        self.tabs.blockSignals(False)
        self._tab_changed(self.tabs.currentIndex())

    def categories(self) -> list[str]:
        return [name for name in self.tab_names if name != ALL_TAB and name not in VIEW_TABS]

    def _tab_changed(self, index: int) -> None:
        name = self.tabs.tabText(index)
        if name == CRITERION_TAB:
            self.criterion_view.setModel(build_criterion_tree(self.model.all_rows(), self.categories()))
            self.criterion_view.expandToDepth(0)
            self.criterion_view.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
            self.views.setCurrentWidget(self.criterion_view)
            return
        if name == OBJECTIVES_TAB:
            self.objectives_view.show_objectives(self.model.all_rows())
            self.views.setCurrentWidget(self.objectives_view)
            return
        self.views.setCurrentWidget(self.table)
        criteria = None if name == ALL_TAB else frozenset(c.id for c in load_catalog().in_category(name))
        self.model.set_filters(criteria=criteria)

    def show_tab(self, name: str) -> None:
        self.tabs.setCurrentIndex(self.tab_names.index(name))

    def _refill_owners(self) -> None:
        current = self.owner_filter.currentData()
        self.owner_filter.blockSignals(True)
        self.owner_filter.clear()
        self.owner_filter.addItem("All owners", None)
        for owner in self.model.owners():
            self.owner_filter.addItem(owner, owner)
        self.owner_filter.setCurrentIndex(max(self.owner_filter.findData(current), 0))
        self.owner_filter.blockSignals(False)

    def apply_search(self, text: str) -> None:
        self.complete_rows()
        self.model.set_filters(text=text)

    def _filters_changed(self) -> None:
        status = self.status_filter.currentData()
        self.model.set_filters(
            statuses=[status] if status else [],
            owner=self.owner_filter.currentData(),
            key_only=self.key_filter.isChecked(),
        )

    def _show_count(self, visible: int) -> None:
        total = len(self.model.all_rows())
        self.count.setText(
            f"{visible:,} of {total:,} controls" if visible != total else f"{total:,} controls"
        )

    # --- selection ----------------------------------------------------------------------

    def selected_ids(self) -> list[int]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.model.row_at(row).id for row in rows]

    def select_control(self, control_id: int) -> bool:
        """Select a control in the table (switching to All controls if a tab hides it)."""
        if self.views.currentWidget() is not self.table or self.model.row_of(control_id) < 0:
            self.show_tab(ALL_TAB)
        row = self.model.row_of(control_id)
        if row < 0:
            self.model.set_filters(text="", statuses=[], owner=None, key_only=False)
            row = self.model.row_of(control_id)
        if row < 0:
            return False
        self.table.selectionModel().setCurrentIndex(
            self.model.index(row, 0),
            QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.scrollTo(self.model.index(row, 0))
        return True

    def _selection_changed(self) -> None:
        ids = self.selected_ids()
        selected = (
            self.context.run("Load control", lambda: get_control(self.context.workspace, ids[0]))
            if len(ids) == 1
            else None
        )
        self.details.show_control(selected)
        self.evidence_panel.show_control(selected)
        self.fieldwork_panel.show_control(selected)
        for button in (self.duplicate_button, self.delete_button, self.bulk_button):
            button.setEnabled(bool(ids))
        self.map_button.setEnabled(len(ids) == 1)

    def _open_from_tree(self, index: QModelIndex) -> None:
        control_id = index.data(CONTROL_ID_ROLE)
        if control_id is not None:
            self.select_control(int(control_id))

    # --- editing ------------------------------------------------------------------------

    def edit(self, control_ids: Sequence[int], field: str, value: Any) -> bool:
        """Write one change to the given controls, undoably; False if refused."""
        shown = {row.id: row.version for row in map(self.model.row_by_id, control_ids) if row is not None}
        return self.context.push(EditControls(self.context, control_ids, field, value, shown))

    def _detail_edited(self, field: str, value: Any) -> None:
        row = self.details.row
        if row is not None and not self.edit([row.id], field, value):
            self.details.show_control(self.model.row_by_id(row.id))

    def _creation(self, text: str, create: Any) -> Creation:
        workspace = self.context.workspace
        return Creation(
            self.context,
            text,
            create,
            lambda ids: delete_controls(workspace, ids),
            lambda snapshot: restore_controls(workspace, snapshot),
        )

    def add_control(self) -> ControlRow | None:
        engagement_id = self.context.engagement_id
        if engagement_id is None:
            return None
        ref = next_ref([row.ref for row in self.model.all_rows()])
        workspace = self.context.workspace
        command = self._creation(
            f"Add control {ref}",
            lambda: [add_control(workspace, engagement_id=engagement_id, ref=ref, title="New control").id],
        )
        if not self.context.push(command):
            return None
        self.select_control(command.ids[0])
        self.details.focus_field("title")
        return self.model.row_by_id(command.ids[0])

    def duplicate_selected(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        workspace = self.context.workspace
        command = self._creation(
            f"Duplicate {len(ids)} control(s)", lambda: [row.id for row in duplicate_controls(workspace, ids)]
        )
        if self.context.push(command):
            self.select_control(command.ids[0])

    def delete_selected(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        refs = [row.ref for row in (self.model.row_by_id(i) for i in ids) if row]
        shown = ", ".join(refs[:8]) + (f" and {len(refs) - 8} more" if len(refs) > 8 else "")
        if not self.context.interaction.confirm(
            "Delete controls",
            f"Delete {counted(len(ids), 'control')}: {shown}?\n\n"
            "Their criteria mappings go with them; their evidence stays in the workspace, unlinked. "
            "Edit ▸ Undo brings them back.",
            action="Delete",
        ):
            return
        workspace = self.context.workspace
        self.context.push(
            Deletion(
                self.context,
                f"Delete {counted(len(ids), 'control')}",
                ids,
                lambda ids: delete_controls(workspace, ids),
                lambda snapshot: restore_controls(workspace, snapshot),
            )
        )

    def map_criteria(self) -> CriteriaPicker | None:
        ids = self.selected_ids()
        row = self.model.row_by_id(ids[0]) if len(ids) == 1 else None
        if row is None:
            return None
        self.picker = CriteriaPicker(row.criteria, f"Map criteria — {row.ref}", self)
        self.picker.accepted.connect(
            lambda: self.edit([row.id], "criteria", self.picker.selected() if self.picker else [])
        )
        self.picker.open()
        return self.picker

    def show_history(self) -> TableDialog | None:
        """The history of the selected control (its fields, criteria and evidence links)."""
        ids = self.selected_ids()
        row = self.model.row_by_id(ids[0]) if len(ids) == 1 else None
        if row is None:
            self.context.interaction.info("History", "Select one control to see its history.")
            return None
        self.history_dialog = open_history(self.context, self, f"control {row.ref}", control_id=row.id)
        return self.history_dialog

    def bulk_edit(self, field: str | None = None) -> BulkEditDialog | None:
        """Change owner, status or frequency of the selected controls (*field* ticked and focused)."""
        ids = self.selected_ids()
        if not ids:
            return None
        self.bulk_dialog = BulkEditDialog(len(ids), self.model.owners(), self)
        self.bulk_dialog.accepted.connect(lambda: self._apply_bulk(ids))
        self.bulk_dialog.open()
        if field is not None:
            self.bulk_dialog.start_with(field)
        return self.bulk_dialog

    def assign_owners(self) -> BulkEditDialog | None:
        """Select every control without an owner and ask for one owner for them all."""
        self.show_tab(ALL_TAB)
        self.model.set_filters(text="", statuses=[], owner=None, key_only=False)
        rows = [row for row in range(self.model.rowCount()) if not self.model.row_at(row).owner.strip()]
        if not rows:
            self.context.interaction.info("Assign owners", "Every control has an owner.")
            return None
        selection = QItemSelection()
        last = self.model.columnCount() - 1
        for row in rows:
            selection.select(self.model.index(row, 0), self.model.index(row, last))
        self.table.selectionModel().select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self.table.scrollTo(self.model.index(rows[0], 0))
        return self.bulk_edit("owner")

    def _apply_bulk(self, ids: list[int]) -> None:
        assert self.bulk_dialog is not None
        changes = self.bulk_dialog.changes()
        if not changes:
            return
        self.context.undo_stack.beginMacro(f"Edit {len(ids)} controls")
        for field, value in changes.items():
            self.edit(ids, field, value)
        self.context.undo_stack.endMacro()

    # --- changes from anywhere ------------------------------------------------------------

    def _refresh_if_visible(self) -> None:
        if self.isVisible():
            self.refresh()

    def _changed(self, changes: Changes) -> None:
        """Show controls as the services now hold them: reread the changed ones (or all)."""
        if self._loaded_for is None:
            return
        if Kind.SCOPE in changes:
            self._refresh_if_visible()
        if Kind.CONTROLS in changes:
            ids = changes.ids_of(Kind.CONTROLS)
            if ids:
                self._reread(sorted(ids))
            else:
                self._loaded_for = None
                self._refresh_if_visible()
        if Kind.EVIDENCE in changes:
            self._load_evidence_counts()
        if (
            changes.touches(Kind.CONTROLS, Kind.OBJECTIVES, Kind.EVIDENCE)
            and self.views.currentWidget() is not self.table
        ):
            self._tab_changed(self.tabs.currentIndex())

    def _reread(self, ids: list[int]) -> None:
        engagement_id = self._loaded_for
        assert engagement_id is not None
        rows = self.context.run(
            "Load controls",
            lambda: existing_controls(self.context.workspace, engagement_id=engagement_id, control_ids=ids),
        )
        if rows is None:
            return
        present = {row.id for row in rows}
        self.model.remove_rows([i for i in ids if i not in present])
        self.model.update_rows(rows)
        self.model.add_rows([row for row in rows if self.model.row_by_id(row.id) is None])
        selected = self.details.row
        for row in rows:
            if selected is not None and row.id == selected.id:
                self.details.show_control(row)
                self.evidence_panel.show_control(row)
        self._refill_owners()
        self._update_empty()

    def seed_from_library(self) -> list[str] | None:
        """Copy the starter controls (and SOC 1 objectives) that fit the scope, undoably.

        A SOC 1 is seeded for one business type: the engagement's, or the one
        the user picks now. Returns the refs of the controls added.
        """
        engagement = self.context.engagement()
        if engagement is None:
            return None
        business_type = None
        if engagement.soc1 and not engagement.business_type:
            business_type = self._ask_business_type()
            if business_type is None:
                return None
        reports = " + ".join(engagement.report_kinds) or "not scoped yet (Security assumed)"
        categories = ", ".join(engagement.categories_in_scope) or "none"
        if not self.context.interaction.confirm(
            "Seed from the starter library",
            f"Copy the starter controls that fit this engagement's scope?\n\nReports: {reports}\n"
            f"Categories: {categories}\n\nWhat the matrix already has is left as it is. "
            "The copies are yours to adapt; Edit ▸ Undo removes them again.",
            action="Seed",
        ):
            return None
        command = SeedControls(self.context, engagement.id, business_type)
        self.context.push(command)
        if command.result is None:
            return None
        result = command.result
        self.context.interaction.info(
            "Seed from the starter library",
            f"Added {len(result.added_controls)} controls, {len(result.added_objectives)} SOC 1 objectives, "
            f"{len(result.added_cuecs)} CUECs and {len(result.added_subservice_orgs)} subservice "
            "organizations. "
            "Review each control's owner, frequency and description so that it says what your company "
            "really does.",
        )
        return result.added_controls

    def _ask_business_type(self) -> str | None:
        """The SOC 1 business type to seed for (its id), asked of the user; ``None`` when cancelled."""
        offered = {b.name: b.id for b in load_starter().business_types_with_objectives}
        name = self.context.interaction.choose(
            "SOC 1 business type",
            "A SOC 1's business objectives depend on what your service does for customers. Which fits best?",
            list(offered),
        )
        return offered.get(name) if name else None

    # --- the workbook back from the client ----------------------------------------------

    def import_workbook(self) -> Task | None:
        """Read an edited workbook off the GUI thread, show what it changes, apply after confirmation."""
        engagement_id = self.context.engagement_id
        if engagement_id is None:
            return None
        path = self.context.interaction.open_file(
            "Import edited workbook", documents_folder(), "Excel workbooks (*.xlsx)"
        )
        if path is None:
            return None

        def plan(_progress: Any, _cancel: Any) -> ImportPlan:
            return plan_import(self.context.workspace, engagement_id=engagement_id, path=path)

        return self.context.start("Reading the workbook", plan, self._confirm_import)

    def _confirm_import(self, plan: ImportPlan) -> None:
        if plan.is_empty and not plan.missing:
            self.context.interaction.info(
                "Import workbook", "The workbook matches the matrix; nothing to import."
            )
            return
        lines = plan.lines()
        shown = "\n".join(lines[:40]) + (f"\n… and {len(lines) - 40} more lines" if len(lines) > 40 else "")
        text = (
            f"Importing {plan.source.name} will make these changes ({plan.counts}):\n\n{shown}\n\n"
            "They are applied together, in one step that Edit ▸ Undo takes back, and recorded in the "
            "change log."
        )
        if not plan.missing:
            if self.context.interaction.confirm("Import workbook", text, action="Import"):
                self.context.push(ImportWorkbook(self.context, plan))
            return
        missing = "\n".join(f"  {removal.words}" for removal in plan.missing[:20])
        more = f"\n  … and {len(plan.missing) - 20} more" if len(plan.missing) > 20 else ""
        go_on, delete = self.context.interaction.confirm_with_option(
            "Import workbook",
            f"{text}\n\nNot in the workbook (kept unless you tick the box):\n{missing}{more}",
            f"Also delete the {counted(len(plan.missing), 'control')} the workbook no longer lists",
            action="Import",
        )
        chosen = plan.deleting_missing(delete)
        if go_on and not chosen.is_empty:
            self.context.push(ImportWorkbook(self.context, chosen))

    # --- files dropped on a control -----------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if watched is self.table.viewport() and files_dropped_on_row(self.table, event, self._dropped):
            return True
        return super().eventFilter(watched, event)

    def _dropped(self, row: int, paths: list[Path]) -> None:
        control = self.model.row_at(row)
        self.select_control(control.id)
        add_files(self.context, paths, [control.id])

    # --- columns ------------------------------------------------------------------------

    def _column_menu(self, position: QPoint) -> None:
        menu = QMenu(self)
        header = self.table.horizontalHeader()
        for column in range(self.model.columnCount()):
            action = menu.addAction(str(self.model.headerData(column, Qt.Orientation.Horizontal)))
            action.setCheckable(True)
            action.setChecked(not header.isSectionHidden(column))
            action.setEnabled(column != self.model.column_of("ref"))
            action.toggled.connect(lambda checked, c=column: self.set_column_visible(c, checked))
        menu.popup(header.mapToGlobal(position))

    def set_column_visible(self, column: int, visible: bool) -> None:
        if visible and column < len(CONTROL_FIELDS) and CONTROL_FIELDS[column].name not in SUMMARY_FIELDS:
            self.complete_rows()
        self.table.horizontalHeader().setSectionHidden(column, not visible)
        self._save_columns()

    def _save_columns(self) -> None:
        self.context.window_state.controls_header = self.table.horizontalHeader().saveState()

    def _restore_columns(self) -> None:
        """The columns as the user left them, else Ref, Title, Status, Owner, Frequency and Evidence."""
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(self.model.column_of("title"), QHeaderView.ResizeMode.Stretch)
        state = self.context.window_state.controls_header
        if state is not None and header.restoreState(state) and header.count() == self.model.columnCount():
            return
        for column, spec in enumerate(CONTROL_FIELDS):
            header.setSectionHidden(column, spec.name not in DEFAULT_COLUMNS)
        for position, name in enumerate(DEFAULT_COLUMNS):
            header.moveSection(header.visualIndex(self.model.column_of(name)), position)
        header.moveSection(header.visualIndex(self.model.evidence_column), len(DEFAULT_COLUMNS))

    def hideEvent(self, event: Any) -> None:  # noqa: N802 (Qt override)
        self._save_columns()
        super().hideEvent(event)
