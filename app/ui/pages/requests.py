"""Requests page: the auditor's request list as they sent it, worked request by request, handed back.

Tabs: the requests (filters, what is overdue and due this week, a detail
panel; drop files on a request's row), the samples with the populations
they come from, and the exceptions found.
"""

from datetime import date
from html import escape
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QItemSelectionModel, QObject, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.changes import Changes, Kind
from app.domain.fieldwork import RequestListRow
from app.domain.requests import RequestRow, RequestStatus
from app.domain.vocab import label
from app.services.errors import CancelledError
from app.services.exports import run_export
from app.services.requests import (
    RequestImport,
    RequestListPreview,
    import_request_list,
    list_requests,
    preview_request_list,
    request_list_info,
)
from app.ui.context import AppContext
from app.ui.evidence_actions import files_dropped_on_row
from app.ui.fieldwork_actions import add_population_file, attach_to_request, draw_sample, record_exception
from app.ui.icons import icon
from app.ui.interaction import documents_folder
from app.ui.models.requests import DUE_COLUMN, STATUS_COLUMN, WAITING, RequestTableModel
from app.ui.pages.base import Page, page_heading, stacked, with_details
from app.ui.tasks import Task
from app.ui.widgets.fieldwork_panels import ExceptionsPanel, SamplesPanel
from app.ui.widgets.request_details import RequestDetails
from app.ui.widgets.request_import import RequestImportDialog
from app.ui.widgets.status_chip import StatusChipDelegate

REQUEST_FILES = "Request lists (*.xlsx *.csv *.txt *.tsv)"


class RequestsPage(Page):
    """The auditor's requests with our status; import, edit, link, attach, and hand back."""

    needs_engagement = True
    searchable = True

    def __init__(self, context: AppContext) -> None:
        super().__init__(context)
        self.info: RequestListRow | None = None
        self.count_text = ""
        self.import_dialog: RequestImportDialog | None = None
        self.model = RequestTableModel()
        self.table = self._build_table()
        self.details = RequestDetails(context)
        toolbar = self._build_toolbar()
        filters = self._build_filters()
        self.requests_tab = with_details(stacked(filters, self.table), self.details, (740, 360))
        self.samples = SamplesPanel(context)
        self.exceptions = ExceptionsPanel(context)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.requests_tab, "Requests")
        self.tabs.addTab(self.samples, "Samples and populations")
        self.tabs.addTab(self.exceptions, "Exceptions")
        self.body = QStackedWidget()
        self.body.addWidget(self.tabs)
        self.body.addWidget(self._build_empty_state())
        layout = QVBoxLayout(self)
        layout.addWidget(
            page_heading(
                "Requests",
                "The auditor's request list as they sent it: work each request, attach what you provide, "
                "and hand it back in their own layout.",
            )
        )
        layout.addLayout(toolbar)
        layout.addWidget(self.body, 1)
        self._connect()

    # --- building -----------------------------------------------------------------------

    def _build_table(self) -> QTableView:
        table = QTableView()
        table.setModel(self.model)
        table.setAccessibleName("Requests")
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        table.verticalHeader().hide()
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        table.viewport().setAcceptDrops(True)
        table.viewport().installEventFilter(self)
        table.setSortingEnabled(True)
        table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        header = table.horizontalHeader()
        self.chips = StatusChipDelegate(table)
        for column in (STATUS_COLUMN, DUE_COLUMN):
            table.setItemDelegateForColumn(column, self.chips)
        for column, width in enumerate((65, 200, 110, 170, 75, 100, 60, 40)):
            table.setColumnWidth(column, width)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        return table

    def _build_toolbar(self) -> QHBoxLayout:
        self.import_button = QPushButton(icon("file-input"), "Import request list…")
        self.export_button = QPushButton(icon("file-text"), "Export answered list…")
        self.package_button = QPushButton(icon("package"), "Request package…")
        self.list_label = QLabel()
        self.list_label.setWordWrap(True)
        toolbar = QHBoxLayout()
        for button in (self.import_button, self.export_button, self.package_button):
            toolbar.addWidget(button)
        toolbar.addWidget(self.list_label, 1)
        return toolbar

    def _build_filters(self) -> QHBoxLayout:
        self.overdue_button = QPushButton()
        self.due_soon_button = QPushButton()
        for button, tip in (
            (self.overdue_button, "Show only requests past their due date and still waiting on you"),
            (self.due_soon_button, "Show only requests due within a week and still waiting on you"),
        ):
            button.setCheckable(True)
            button.setToolTip(tip)
        self.status_filter = QComboBox()
        self.status_filter.addItem("All", "")
        self.status_filter.addItem("Waiting on us", WAITING)
        for status in RequestStatus:
            self.status_filter.addItem(label(status.value), status.value)
        self.owner_filter = QComboBox()
        self.owner_filter.setMinimumContentsLength(8)
        self.owner_filter.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.withdrawn_filter = QCheckBox("Withdrawn")
        self.withdrawn_filter.setToolTip("Also show requests the auditor's latest list no longer has")
        filters = QHBoxLayout()
        filters.addWidget(self.overdue_button)
        filters.addWidget(self.due_soon_button)
        for text, widget in (("Status", self.status_filter), ("Owner", self.owner_filter)):
            filters.addWidget(QLabel(text))
            filters.addWidget(widget)
        filters.addWidget(self.withdrawn_filter)
        filters.addStretch(1)
        return filters

    def _build_empty_state(self) -> QWidget:
        self.empty = QLabel()
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_import = QPushButton(icon("file-input"), "Import the auditor's request list…")
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.addStretch(1)
        layout.addWidget(self.empty)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.empty_import)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(2)
        return box

    def _connect(self) -> None:
        self.import_button.clicked.connect(self.import_list)
        self.empty_import.clicked.connect(self.import_list)
        self.export_button.clicked.connect(self.export_list)
        self.package_button.clicked.connect(self.export_package)
        self.overdue_button.toggled.connect(lambda on: self._due_toggled(self.overdue_button, on))
        self.due_soon_button.toggled.connect(lambda on: self._due_toggled(self.due_soon_button, on))
        self.status_filter.currentIndexChanged.connect(lambda _i: self._filters_changed())
        self.owner_filter.currentIndexChanged.connect(lambda _i: self._filters_changed())
        self.withdrawn_filter.toggled.connect(lambda _on: self._filters_changed())
        self.model.filtered.connect(lambda _n: self._show_count())
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._selected())
        self.tabs.currentChanged.connect(lambda _i: self._tab_shown())
        self.context.changed.connect(self._changed)
        self.context.engagement_selected.connect(lambda _id: self._refresh_if_visible())

    # --- loading ------------------------------------------------------------------------

    def _changed(self, changes: Changes) -> None:
        if changes.touches(Kind.REQUESTS, Kind.EVIDENCE, Kind.CONTROLS, Kind.FIELDWORK, Kind.ENGAGEMENT):
            self._refresh_if_visible()

    def _refresh_if_visible(self) -> None:
        if self.isVisible():
            self.refresh()

    def refresh(self) -> None:
        engagement_id = self.context.engagement_id
        if engagement_id is None:
            self.model.set_rows([])
            self._show_empty("Create or choose an engagement on the Engagements page first.", importing=False)
            return
        loaded = self.context.run(
            "Load requests",
            lambda: (
                list_requests(self.context.workspace, engagement_id=engagement_id),
                request_list_info(self.context.workspace, engagement_id=engagement_id),
            ),
        )
        if loaded is None:
            return
        rows, self.info = loaded
        current = self.details.detail.row.id if self.details.detail else None
        self.model.today = date.today()
        self.model.replace_rows(rows)
        self._refill_owners()
        self._show_list_info()
        if not rows:
            self._show_empty(
                "No request list yet. When the auditor sends their request list (PBC list) as a spreadsheet "
                "or CSV file, import it as it is: title rows, merged cells and their own columns are kept, "
                "and it goes back to them in the same layout with your status, dates and files.",
                importing=True,
            )
            return
        self.body.setCurrentIndex(0)
        self._show_count()
        self.select(
            current if current is not None else self.model.row_at(0).id if self.model.rowCount() else None
        )
        self._tab_shown()

    def _show_empty(self, text: str, *, importing: bool) -> None:
        self.empty.setText(text)
        self.empty_import.setVisible(importing)
        self.body.setCurrentIndex(1)
        self.details.show_request(None)
        self.list_label.clear()
        for button in (self.export_button, self.package_button):
            button.setEnabled(False)

    def _show_list_info(self) -> None:
        info = self.info
        for button in (self.export_button, self.package_button):
            button.setEnabled(info is not None)
        if info is None:
            self.list_label.clear()
            return
        firm = f" from {escape(info.auditor_firm)}" if info.auditor_firm else ""
        imported = f"{info.imported_at.astimezone():%Y-%m-%d}"
        self.list_label.setText(
            f"<b>{escape(info.file_name)}</b>{firm}, imported {imported}<br>{escape(self.count_text)}"
        )

    def _tab_shown(self) -> None:
        current = self.tabs.currentWidget()
        if current is self.samples or current is self.exceptions:
            current.reload()

    def _refill_owners(self) -> None:
        current = self.owner_filter.currentData()
        self.owner_filter.blockSignals(True)
        self.owner_filter.clear()
        self.owner_filter.addItem("All", "")
        for owner in self.model.owners():
            self.owner_filter.addItem(owner, owner)
        self.owner_filter.setCurrentIndex(max(self.owner_filter.findData(current), 0))
        self.owner_filter.blockSignals(False)

    def _show_count(self) -> None:
        counts = self.model.counts()
        self.overdue_button.setText(f"Overdue ({counts['overdue']})")
        self.due_soon_button.setText(f"Due this week ({counts['due-soon']})")
        self.overdue_button.setStyleSheet("color: #c62828;" if counts["overdue"] else "")
        self.due_soon_button.setStyleSheet("color: #b26a00;" if counts["due-soon"] else "")
        shown = self.model.rowCount()
        self.count_text = f"{shown} of {counts['requests']} shown · {counts['waiting']} waiting on us"
        self._show_list_info()

    # --- filters and selection ----------------------------------------------------------

    def apply_search(self, text: str) -> None:
        self.model.set_filters(text=text)

    def _due_toggled(self, button: QPushButton, on: bool) -> None:
        other = self.due_soon_button if button is self.overdue_button else self.overdue_button
        if on and other.isChecked():
            other.blockSignals(True)
            other.setChecked(False)
            other.blockSignals(False)
        self._filters_changed()

    def _filters_changed(self) -> None:
        due = (
            "overdue"
            if self.overdue_button.isChecked()
            else "due-soon"
            if self.due_soon_button.isChecked()
            else ""
        )
        self.model.set_filters(
            status=self.status_filter.currentData() or "",
            owner=self.owner_filter.currentData() or "",
            due=due,
            withdrawn=self.withdrawn_filter.isChecked(),
        )

    def select(self, request_id: int | None) -> bool:
        row = self.model.row_of(request_id)
        if row < 0:
            self.details.show_request(None)
            return False
        self.table.selectionModel().setCurrentIndex(
            self.model.index(row, 0),
            QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.scrollTo(self.model.index(row, 0))
        return True

    def selected(self) -> RequestRow | None:
        index = self.table.selectionModel().currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def _selected(self) -> None:
        row = self.selected()
        self.details.show_request(row.id if row else None)

    # --- importing ----------------------------------------------------------------------

    def import_list(self) -> Task | None:
        """Choose the auditor's file and read it off the GUI thread; the preview opens when it is read."""
        engagement_id = self.context.engagement_id
        if engagement_id is None:
            return None
        path = self.context.interaction.open_file(
            "Import the auditor's request list", documents_folder(), REQUEST_FILES
        )
        if path is None:
            return None
        return self._preview(engagement_id, path, {})

    def _preview(self, engagement_id: int, path: Path, choices: dict[str, Any]) -> Task:
        def read(_progress: Any, cancel: Any) -> RequestListPreview:
            preview = preview_request_list(
                self.context.workspace, engagement_id=engagement_id, path=path, **choices
            )
            if cancel():
                raise CancelledError("reading the request list was cancelled")
            return preview

        def failed_or_cancelled() -> None:
            if self.import_dialog is not None:
                self.import_dialog.setEnabled(True)

        task = self.context.start(f"Reading {path.name}", read, self._previewed, failed_or_cancelled)
        task.signals.failed.connect(lambda _message: failed_or_cancelled())
        return task

    def _previewed(self, preview: RequestListPreview) -> None:
        if self.import_dialog is not None and self.import_dialog.isVisible():
            self.import_dialog.set_preview(preview)
            return
        dialog = RequestImportDialog(preview, self)
        dialog.reread_requested.connect(
            lambda choices: self._preview(preview.engagement_id, preview.path, choices)
        )
        dialog.accepted.connect(lambda: self._import(dialog.preview, dialog.remember.isChecked()))
        self.import_dialog = dialog
        dialog.open()

    def _import(self, preview: RequestListPreview, remember: bool) -> Task:
        def work(_progress: Any, cancel: Any) -> RequestImport:
            if cancel():
                raise CancelledError("the import was cancelled; nothing was stored")
            return import_request_list(self.context.workspace, preview, remember=remember)

        return self.context.start(f"Importing {preview.file_name}", work, self._imported)

    def _imported(self, result: RequestImport) -> None:
        self.context.undo_stack.clear()
        lines = result.lines()
        shown = "\n".join(lines[:30]) + (f"\n… and {len(lines) - 30} more lines" if len(lines) > 30 else "")
        self.context.interaction.info("Request list imported", shown)

    # --- handing back -------------------------------------------------------------------

    def export_list(self) -> Task | None:
        name = Path(self.info.file_name).stem if self.info else "request list"
        return self._export("request-list", f"{name} - answered.xlsx", "Excel workbooks (*.xlsx)")

    def export_package(self) -> Task | None:
        name = Path(self.info.file_name).stem if self.info else "request list"
        return self._export("request-package", f"{name} - request package.zip", "Zip archives (*.zip)")

    def _export(self, kind: str, suggested: str, filters: str) -> Task | None:
        engagement_id = self.context.engagement_id
        if engagement_id is None or self.info is None:
            return None
        target = self.context.interaction.save_file("Save", documents_folder() / suggested, filters)
        if target is None:
            return None

        def work(progress: Any, cancel: Any) -> Any:
            return run_export(
                self.context.workspace,
                engagement_id=engagement_id,
                kind=kind,
                target=target,
                progress=progress,
                cancel=cancel,
            )

        return self.context.start(
            f"Writing {target.name}",
            work,
            lambda result: self.context.interaction.info(
                "Saved", f"Wrote {result.path}\nSHA-256 {result.sha256}"
            ),
        )

    # --- populations, samples, exceptions (menu) ----------------------------------------

    def add_population(self) -> Any:
        return add_population_file(self.context, self)

    def draw_sample(self) -> Any:
        return draw_sample(self.context, self)

    def record_exception(self) -> Any:
        return record_exception(self.context, self)

    # --- files dropped on a request -----------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if watched is self.table.viewport() and files_dropped_on_row(self.table, event, self._dropped):
            return True
        return super().eventFilter(watched, event)

    def _dropped(self, row: int, paths: list[Path]) -> None:
        request = self.model.row_at(row)
        self.select(request.id)
        attach_to_request(self.context, request.id, paths)
