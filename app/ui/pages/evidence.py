"""Evidence page: all evidence with filters, details, links, preview; add, open, verify, delete."""

from html import escape
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
)

from app.domain.catalog import load_catalog
from app.domain.changes import Changes, Kind
from app.domain.evidence import EvidenceRow
from app.domain.files import KINDS, OTHER_KIND
from app.domain.wording import counted
from app.services.controls import list_controls
from app.services.evidence import VerifyReport, list_evidence, remove_evidence, restore_evidence
from app.services.sampling import stale_evidence_ids
from app.ui.commands import Deletion
from app.ui.context import AppContext
from app.ui.evidence_actions import add_files, local_paths, open_evidence, verify
from app.ui.icons import icon
from app.ui.models.evidence import FLAG_COLUMN, EvidenceTableModel
from app.ui.pages.base import Page, page_heading, stacked, with_details
from app.ui.widgets.control_checklist import ControlChecklist
from app.ui.widgets.dates import DateField
from app.ui.widgets.evidence_details import EvidenceDetails
from app.ui.widgets.history_dialog import open_history
from app.ui.widgets.status_chip import StatusChipDelegate
from app.ui.widgets.table_dialog import TableDialog

HIDDEN_COLUMNS = (1, 3, 8)
"""File, Size and SHA-256: shown in the details panel, so the table needs no horizontal scroll."""


class EvidencePage(Page):
    """Every piece of evidence of the engagement; drop files here to add them."""

    needs_engagement = True
    searchable = True

    def __init__(self, context: AppContext) -> None:
        super().__init__(context)
        self.add_dialog: ControlChecklist | None = None
        self.setAcceptDrops(True)
        self.model = EvidenceTableModel()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Evidence")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        for column, width in enumerate((200, 160, 80, 70, 90, 150, 100, 110, 100)):
            self.table.setColumnWidth(column, width)
        header = self.table.horizontalHeader()
        for hidden in HIDDEN_COLUMNS:  # the details panel shows them; the table stays one screen wide
            self.table.setColumnHidden(hidden, True)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setItemDelegateForColumn(FLAG_COLUMN, StatusChipDelegate(self.table))
        filters = self._build_filters()
        self.add_button = QPushButton(icon("file-plus"), "Add files…")
        self.verify_button = QPushButton(icon("shield-check"), "Verify evidence")
        self.delete_button = QPushButton(icon("trash-2"), "Delete…")
        buttons = QHBoxLayout()
        for button in (self.add_button, self.delete_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.count)
        buttons.addWidget(self.verify_button)
        self.drop_hint = QLabel(
            "No evidence yet. Drag files or folders here from your desktop, or click Add files…. Files are "
            "copied into the workspace (your originals are never touched), fingerprinted with SHA-256 and "
            "stored read-only."
        )
        self.drop_hint.setWordWrap(True)
        self.details = EvidenceDetails(context)
        splitter = with_details(
            stacked(buttons, filters, self.drop_hint, self.table), self.details, (760, 340)
        )
        layout = QVBoxLayout(self)
        layout.addWidget(
            page_heading(
                "Evidence", "Files that show controls working, tied to controls and to the review period."
            )
        )
        layout.addWidget(splitter, 1)

        self._connect()

    def _build_filters(self) -> QVBoxLayout:
        """Two rows: control, category and kind; collected dates and the flags."""
        self.control_filter = QComboBox()
        self.category_filter = QComboBox()
        self.kind_filter = QComboBox()
        self.kind_filter.addItem("All kinds", "")
        for kind in [k for k, _ in KINDS] + [OTHER_KIND]:
            self.kind_filter.addItem(kind, kind)
        self.collected_from = DateField()
        self.collected_to = DateField()
        self.stale_filter = QCheckBox("Stale")
        self.stale_filter.setToolTip(
            "Collected before a Type 2's review period, or too long before a Type 1's as-of date"
        )
        self.unlinked_filter = QCheckBox("Unlinked")
        self.problem_filter = QCheckBox("Missing or altered")
        self.count = QLabel()
        for combo in (self.control_filter, self.category_filter):
            combo.setMinimumContentsLength(12)
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        first_row = QHBoxLayout()
        for label, widget in (
            ("Control", self.control_filter),
            ("Category", self.category_filter),
            ("Kind", self.kind_filter),
        ):
            first_row.addWidget(QLabel(label))
            first_row.addWidget(widget)
        first_row.addStretch(1)
        second_row = QHBoxLayout()
        second_row.addWidget(QLabel("Collected from"))
        second_row.addWidget(self.collected_from)
        second_row.addWidget(QLabel("to"))
        second_row.addWidget(self.collected_to)
        for box in (self.stale_filter, self.unlinked_filter, self.problem_filter):
            second_row.addWidget(box)
        second_row.addStretch(1)
        filters = QVBoxLayout()
        filters.addLayout(first_row)
        filters.addLayout(second_row)
        return filters

    def _connect(self) -> None:
        self.add_button.clicked.connect(self.choose_files)
        self.verify_button.clicked.connect(self.verify_all)
        self.delete_button.clicked.connect(self.delete_selected)
        self.table.activated.connect(lambda _index: self.open_selected())
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._selected())
        for combo in (self.control_filter, self.category_filter, self.kind_filter):
            combo.currentIndexChanged.connect(self._filters_changed)
        for box in (self.stale_filter, self.unlinked_filter, self.problem_filter):
            box.toggled.connect(self._filters_changed)
        for edit in (self.collected_from, self.collected_to):
            edit.date_changed.connect(lambda _value: self._filters_changed())
        self.context.changed.connect(self._changed)
        self.context.engagement_selected.connect(lambda _id: self._refresh_if_visible())

    def _changed(self, changes: Changes) -> None:
        if changes.touches(Kind.EVIDENCE, Kind.CONTROLS, Kind.SCOPE, Kind.SETTINGS):
            self._refresh_if_visible()

    def _refresh_if_visible(self) -> None:
        if self.isVisible():
            self.refresh()

    def refresh(self) -> None:
        engagement = self.context.engagement()
        current = self.details.row.id if self.details.row else None
        if engagement is None:
            self.model.set_evidence([], set())
            self.drop_hint.setText("Create or choose an engagement on the Engagements page first.")
            self._update_counts()
            return
        engagement_id = engagement.id
        loaded = self.context.run(
            "Load evidence",
            lambda: (
                list_evidence(self.context.workspace, engagement_id=engagement_id),
                stale_evidence_ids(self.context.workspace, engagement_id=engagement_id),
                [c.ref for c in list_controls(self.context.workspace, engagement_id=engagement_id)],
            ),
        )
        if loaded is None:
            return
        rows, stale, refs = loaded
        self.model.set_evidence(rows, stale)
        self._fill_combo(self.control_filter, "All controls", [(ref, ref) for ref in refs])
        categories = engagement.categories_in_scope
        self._fill_combo(self.category_filter, "All categories", [(c, c) for c in categories])
        self._update_counts()
        if current is None and self.model.rowCount():
            current = self.model.row_at(0).id
        self.select(current)

    @staticmethod
    def _fill_combo(combo: QComboBox, everything: str, items: list[tuple[str, str]]) -> None:
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(everything, "")
        for text, value in items:
            combo.addItem(text, value)
        combo.setCurrentIndex(max(combo.findData(current), 0))
        combo.blockSignals(False)

    def _update_counts(self) -> None:
        total, shown = self.model.total(), self.model.rowCount()
        self.count.setText(f"{shown:,} of {total:,} files" if shown != total else f"{total:,} files")
        self.drop_hint.setVisible(total == 0)
        self.table.setVisible(total > 0)

    def apply_search(self, text: str) -> None:
        self.model.set_filters(text=text)
        self._update_counts()

    def _filters_changed(self) -> None:
        category = self.category_filter.currentData()
        controls = None
        if category and self.context.engagement_id is not None:
            criteria = {c.id for c in load_catalog().in_category(category)}
            controls = {
                c.ref
                for c in list_controls(self.context.workspace, engagement_id=self.context.engagement_id)
                if criteria.intersection(c.criteria)
            }
        self.model.set_filters(
            control=self.control_filter.currentData() or None,
            controls=controls,
            kind=self.kind_filter.currentData() or None,
            collected_from=self.collected_from.value(),
            collected_to=self.collected_to.value(),
            stale=self.stale_filter.isChecked(),
            unlinked=self.unlinked_filter.isChecked(),
            problems=self.problem_filter.isChecked(),
        )
        self._update_counts()

    def select(self, evidence_id: int | None) -> None:
        row = self.model.row_of(evidence_id) if evidence_id is not None else -1
        if row < 0:
            self.details.show_evidence(None)
            return
        self.table.selectionModel().setCurrentIndex(
            self.model.index(row, 0),
            QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
        )

    def _selected(self) -> None:
        index = self.table.selectionModel().currentIndex()
        self.details.show_evidence(self.model.row_at(index.row()) if index.isValid() else None)

    def selected_rows(self) -> list[EvidenceRow]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.model.row_at(row) for row in rows]

    # --- actions ------------------------------------------------------------------------

    def choose_files(self) -> ControlChecklist | None:
        """Pick files, then the controls they are evidence for (in one dialog, filtered by typing)."""
        paths = self.context.interaction.open_files("Add evidence files", self._last_folder())
        if not paths:
            return None
        self._remember_folder(paths[0].parent)
        return self.add_with_controls(paths)

    def add_with_controls(self, paths: list[Path]) -> ControlChecklist | None:
        """Ask which controls *paths* are evidence for, then add them (linked to the ticked ones)."""
        engagement_id = self.context.engagement_id
        if engagement_id is None or not paths:
            return None
        controls = self.context.run(
            "Add evidence", lambda: list_controls(self.context.workspace, engagement_id=engagement_id)
        )
        ref = self.control_filter.currentData()
        chosen = {control.id for control in controls or [] if control.ref == ref}
        names = ", ".join(path.name for path in paths[:5]) + (
            f" and {len(paths) - 5} more" if len(paths) > 5 else ""
        )
        count = counted(len(paths), "item")
        self.add_dialog = ControlChecklist(
            f"Add {count} as evidence",
            controls or [],
            chosen,
            self,
            intro=f"<b>{escape(names)}</b><br>Tick the controls this is evidence for (none is fine: "
            "you can link it later). Type to filter the list.",
            action=f"Add {count}",
        )
        self.add_dialog.accepted.connect(
            lambda: add_files(self.context, paths, self.add_dialog.chosen() if self.add_dialog else [])
        )
        self.add_dialog.open()
        self.add_dialog.search.setFocus()
        return self.add_dialog

    def _last_folder(self) -> Path:
        return self.context.window_state.evidence_folder or Path.home()

    def _remember_folder(self, folder: Path) -> None:
        self.context.window_state.evidence_folder = folder

    def open_selected(self) -> None:
        rows = self.selected_rows()
        if rows:
            open_evidence(self.context, rows[0].id)

    def delete_selected(self) -> None:
        rows = self.selected_rows()
        if not rows:
            return
        names = ", ".join(row.file_name for row in rows[:6]) + (
            f" and {len(rows) - 6} more" if len(rows) > 6 else ""
        )
        files = counted(len(rows), "evidence file")
        if not self.context.interaction.confirm(
            "Delete evidence",
            f"Delete {files}: {names}?\n\n"
            "Their links to controls and requests go with them. Your original files are not "
            "touched. Edit ▸ Undo brings them back until you close the window; then the stored "
            "copy is removed too, unless another record uses the same content.",
            action="Delete",
        ):
            return
        workspace, released = self.context.workspace, self.context.released_content
        released.update(row.sha256 for row in rows)
        self.context.push(
            Deletion(
                self.context,
                f"Delete {files}",
                [row.id for row in rows],
                lambda ids: remove_evidence(workspace, ids),
                lambda snapshot: restore_evidence(workspace, snapshot),
            )
        )

    def show_history(self) -> TableDialog | None:
        """The history of the selected evidence item."""
        rows = self.selected_rows()
        if len(rows) != 1:
            self.context.interaction.info("History", "Select one evidence item to see its history.")
            return None
        self.history_dialog = open_history(
            self.context, self, f"evidence “{rows[0].title}”", evidence_id=rows[0].id
        )
        return self.history_dialog

    def verify_all(self) -> None:
        verify(self.context, self._verified)

    def _verified(self, report: VerifyReport) -> None:
        self.model.set_problems({item.evidence_id: item.status for item in report.problems})
        self._update_counts()
        if report.intact:
            text = f"All {len(report.results)} evidence files are intact."
        else:
            lines = "\n".join(f"• {p.status}: {p.file_name} ({p.title})" for p in report.problems[:15])
            more = f"\n… and {len(report.problems) - 15} more" if len(report.problems) > 15 else ""
            text = (
                f"{len(report.problems)} of {len(report.results)} evidence files are missing or altered:\n"
                f"{lines}{more}\n\nThey are flagged in the list (filter “Missing or altered”). Add the "
                "original file again to restore a missing one."
            )
        if report.warnings:
            text += "\n\nWarnings:\n" + "\n".join(f"• {w}" for w in report.warnings[:10])
        self.context.interaction.info("Verify evidence", text)

    # --- drag and drop ------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 (Qt override)
        if self.context.engagement_id is not None and local_paths(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 (Qt override)
        paths = local_paths(event.mimeData())
        if paths:
            event.acceptProposedAction()
            self.add_with_controls(paths)
