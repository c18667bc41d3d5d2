"""Evidence page: all evidence with filters, details, links, preview; add, open, verify, delete."""

from pathlib import Path
from typing import Any

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.catalog import load_catalog
from app.domain.evidence import EvidenceRow
from app.domain.files import KINDS, OTHER_KIND, human_size
from app.domain.vocab import categories_in_scope
from app.services.controls import list_controls
from app.services.evidence import (
    VerifyReport,
    delete_evidence,
    link_evidence,
    list_evidence,
    stored_path,
    unlink_evidence,
    update_evidence,
)
from app.services.sampling import stale_evidence_ids
from app.ui.context import AppContext
from app.ui.evidence_actions import add_files, local_paths, open_evidence, verify
from app.ui.models.evidence import EvidenceTableModel
from app.ui.pages.base import Page, page_heading, stacked, with_details
from app.ui.widgets.dates import OptionalDateEdit
from app.ui.widgets.objectives import ControlChecklist

PREVIEW_BYTES = 64 * 1024
TEXT_TYPES = ("text/", "application/json", "application/xml", "message/")


class EvidenceDetails(QScrollArea):
    """The selected evidence: its fields (saved on leaving them), its controls and a preview."""

    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        self.row: EvidenceRow | None = None
        self.checklist: ControlChecklist | None = None
        self.setWidgetResizable(True)
        body = QWidget()
        layout = QVBoxLayout(body)
        self.heading = QLabel("No evidence selected")
        self.heading.setWordWrap(True)
        font = self.heading.font()
        font.setBold(True)
        self.heading.setFont(font)
        layout.addWidget(self.heading)
        self.file_info = QLabel()
        self.file_info.setWordWrap(True)
        self.file_info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.file_info)
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        self.title = QLineEdit()
        self.source = QLineEdit()
        self.notes = QPlainTextEdit()
        self.notes.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 12)
        self.notes.setTabChangesFocus(True)
        self.dates = {
            "collected_on": OptionalDateEdit(),
            "covers_from": OptionalDateEdit(),
            "covers_to": OptionalDateEdit(),
            "as_of": OptionalDateEdit(),
        }
        form.addRow("Title", self.title)
        form.addRow("Collected (when the evidence was produced)", self.dates["collected_on"])
        form.addRow("Covers from", self.dates["covers_from"])
        form.addRow("Covers to", self.dates["covers_to"])
        form.addRow("As of", self.dates["as_of"])
        form.addRow("Source system", self.source)
        form.addRow("Notes", self.notes)
        layout.addLayout(form)
        self.controls_label = QLabel()
        self.controls_label.setWordWrap(True)
        self.link_button = QPushButton("Linked controls…")
        controls_row = QHBoxLayout()
        controls_row.addWidget(self.controls_label, 1)
        controls_row.addWidget(self.link_button)
        layout.addWidget(QLabel("<b>Controls</b>"))
        layout.addLayout(controls_row)
        self.open_button = QPushButton("Open")
        self.folder_button = QPushButton("Show in folder")
        actions = QHBoxLayout()
        actions.addWidget(self.open_button)
        actions.addWidget(self.folder_button)
        actions.addStretch(1)
        layout.addLayout(actions)
        layout.addWidget(QLabel("<b>Preview</b>"))
        self.preview = QStackedWidget()
        self.preview_image = QLabel()
        self.preview_image.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview_text = QPlainTextEdit()
        self.preview_text.setReadOnly(True)
        self.preview_none = QLabel("No preview for this kind of file; use Open.")
        self.preview_none.setWordWrap(True)
        for widget in (self.preview_none, self.preview_image, self.preview_text):
            self.preview.addWidget(widget)
        self.preview.setMinimumHeight(200)
        layout.addWidget(self.preview, 1)
        self.setWidget(body)
        self.body = body
        self.title.editingFinished.connect(lambda: self._save("title", self.title.text()))
        self.source.editingFinished.connect(lambda: self._save("source_system", self.source.text()))
        self.notes.installEventFilter(self)
        for name, edit in self.dates.items():
            edit.date_changed.connect(lambda value, n=name: self._save(n, value))
        self.link_button.clicked.connect(self.edit_links)
        self.open_button.clicked.connect(lambda: self.row and open_evidence(context, self.row.id))
        self.folder_button.clicked.connect(
            lambda: self.row and open_evidence(context, self.row.id, folder=True)
        )
        self.show_evidence(None)

    def eventFilter(self, watched: Any, event: Any) -> bool:  # noqa: N802 (Qt override)
        if watched is self.notes and event.type() == event.Type.FocusOut:
            self._save("notes", self.notes.toPlainText())
        return super().eventFilter(watched, event)

    def show_evidence(self, row: EvidenceRow | None) -> None:
        self.row = row
        self.body.setEnabled(row is not None)
        self.heading.setText(row.title if row else "No evidence selected")
        self.file_info.setText(
            f"{row.file_name} · {human_size(row.size)} · {row.media_type}\nSHA-256 {row.sha256}"
            if row
            else ""
        )
        for widget, value in (
            (self.title, row.title if row else ""),
            (self.source, row.source_system if row else ""),
        ):
            widget.blockSignals(True)
            widget.setText(value)
            widget.blockSignals(False)
        self.notes.setPlainText(row.notes if row else "")
        for name, edit in self.dates.items():
            edit.set_value(getattr(row, name) if row else None)
        self.controls_label.setText(
            ", ".join(row.controls) if row and row.controls else "Not linked to a control"
        )
        self._preview(row)

    def _preview(self, row: EvidenceRow | None) -> None:
        self.preview.setCurrentWidget(self.preview_none)
        if row is None:
            return
        path = self.context.run("Preview", lambda: stored_path(self.context.workspace, row.id), writes=False)
        if path is None or not path.exists():
            self.preview_none.setText("The stored file is missing: run Verify evidence.")
            return
        if row.media_type.startswith("image/"):
            pixmap = QPixmap(str(path))
            if not pixmap.isNull():
                self.preview_image.setPixmap(
                    pixmap.scaled(
                        360,
                        360,
                        Qt.AspectRatioMode.KeepAspectRatio,
                        Qt.TransformationMode.SmoothTransformation,
                    )
                )
                self.preview.setCurrentWidget(self.preview_image)
                return
        if row.media_type.startswith(TEXT_TYPES):
            with path.open("rb") as handle:
                head = handle.read(PREVIEW_BYTES)
            self.preview_text.setPlainText(head.decode("utf-8", errors="replace"))
            self.preview.setCurrentWidget(self.preview_text)
            return
        self.preview_none.setText("No preview for this kind of file; use Open.")

    def _save(self, field: str, value: Any) -> None:
        row = self.row
        if row is None:
            return
        current = getattr(row, field)
        if isinstance(value, str):
            value, current = value.strip(), current or ""
        if value == current:
            return
        updated = self.context.run(
            "Save evidence", lambda: update_evidence(self.context.workspace, row.id, **{field: value})
        )
        if updated is None:
            self.show_evidence(row)
            return
        self.row = updated
        self.context.evidence_changed.emit()

    def edit_links(self) -> ControlChecklist | None:
        row = self.row
        engagement_id = self.context.engagement_id
        if row is None or engagement_id is None:
            return None
        controls = list_controls(self.context.workspace, engagement_id=engagement_id)
        chosen = {control.id for control in controls if control.ref in row.controls}
        self.checklist = ControlChecklist(f"Controls for “{row.title}”", controls, chosen, self)
        self.checklist.accepted.connect(lambda: self._links_chosen(row, chosen))
        self.checklist.open()
        return self.checklist

    def _links_chosen(self, row: EvidenceRow, before: set[int]) -> None:
        assert self.checklist is not None
        after = set(self.checklist.chosen())

        def relink() -> EvidenceRow:
            updated = row
            if after - before:
                updated = link_evidence(self.context.workspace, row.id, sorted(after - before))
            if before - after:
                updated = unlink_evidence(self.context.workspace, row.id, sorted(before - after))
            return updated

        if self.context.run("Link evidence", relink) is not None:
            self.context.evidence_changed.emit()


class EvidencePage(Page):
    """Every piece of evidence of the engagement; drop files here to add them."""

    needs_engagement = True
    searchable = True

    def __init__(self, context: AppContext) -> None:
        super().__init__(context)
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
        for column, width in enumerate((220, 180, 80, 80, 90, 150, 140, 80, 110)):
            self.table.setColumnWidth(column, width)
        self.control_filter = QComboBox()
        self.category_filter = QComboBox()
        self.kind_filter = QComboBox()
        self.kind_filter.addItem("All kinds", "")
        for kind in [k for k, _ in KINDS] + [OTHER_KIND]:
            self.kind_filter.addItem(kind, kind)
        self.collected_from = OptionalDateEdit()
        self.collected_to = OptionalDateEdit()
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
        self.add_button = QPushButton("Add files…")
        self.verify_button = QPushButton("Verify evidence")
        self.delete_button = QPushButton("Delete…")
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
        context.evidence_changed.connect(self._reload_if_visible)

    def _reload_if_visible(self) -> None:
        if self.isVisible():
            self.refresh()

    def refresh(self) -> None:
        engagement = self.context.engagement()
        current = self.details.row.id if self.details.row else None
        if engagement is None or engagement.id is None:
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
            writes=False,
        )
        if loaded is None:
            return
        rows, stale, refs = loaded
        self.model.set_evidence(rows, stale)
        self._fill_combo(self.control_filter, "All controls", [(ref, ref) for ref in refs])
        categories = categories_in_scope(engagement.report_kinds, engagement.categories)
        self._fill_combo(self.category_filter, "All categories", [(c, c) for c in categories])
        self._update_counts()
        if current is None and self.model.rowCount():
            current = self.model.evidence_at(0).id
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
        self.details.show_evidence(self.model.evidence_at(index.row()) if index.isValid() else None)

    def selected_rows(self) -> list[EvidenceRow]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.model.evidence_at(row) for row in rows]

    # --- actions ------------------------------------------------------------------------

    def choose_files(self) -> None:
        paths = self.context.interaction.open_files("Add evidence files", self._last_folder())
        if paths:
            self._remember_folder(paths[0].parent)
            add_files(self.context, paths)

    def _last_folder(self) -> Path:
        settings = self.context.settings
        folder = settings.value("evidence/last_folder", "") if settings is not None else ""
        return Path(str(folder)) if folder else Path.home()

    def _remember_folder(self, folder: Path) -> None:
        if self.context.settings is not None:
            self.context.settings.setValue("evidence/last_folder", str(folder))

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
        if not self.context.interaction.confirm(
            "Delete evidence",
            f"Delete {len(rows)} evidence record{'s' if len(rows) != 1 else ''}: {names}?\n\n"
            "The stored copy is removed too unless another record uses the same content. "
            "Your original files are not touched. "
            "This cannot be undone.",
            action="Delete",
        ):
            return

        def remove() -> bool:
            delete_evidence(self.context.workspace, [row.id for row in rows])
            return True

        if self.context.run("Delete evidence", remove):
            self.context.evidence_changed.emit()

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
            add_files(self.context, paths)
