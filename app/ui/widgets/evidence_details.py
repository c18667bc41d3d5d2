"""The selected evidence: its fields (saved, undoably, on leaving them), its controls and a preview."""

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase, QPixmap
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.evidence import EvidenceRow
from app.domain.files import human_size
from app.services.controls import list_controls
from app.services.evidence import stored_path, update_evidence
from app.ui.commands import EditFields, LinkEvidence
from app.ui.context import AppContext
from app.ui.evidence_actions import open_evidence
from app.ui.widgets.control_checklist import ControlChecklist
from app.ui.widgets.dates import DateField

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
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
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
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        mono.setPointSizeF(self.file_info.font().pointSizeF() * 0.9)
        self.file_info.setFont(mono)
        layout.addWidget(self.file_info)
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        self.title = QLineEdit()
        self.source = QLineEdit()
        self.notes = QPlainTextEdit()
        self.notes.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 12)
        self.notes.setTabChangesFocus(True)
        self.dates = {
            "collected_on": DateField(),
            "covers_from": DateField(),
            "covers_to": DateField(),
            "as_of": DateField(),
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
        layout.addWidget(self._build_preview(), 1)
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

    def _build_preview(self) -> QStackedWidget:
        """An image, the start of a text, or a note that the kind of file has no preview."""
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
        return self.preview

    def eventFilter(self, watched: Any, event: Any) -> bool:  # noqa: N802 (Qt override)
        if watched is self.notes and event.type() == event.Type.FocusOut:
            self._save("notes", self.notes.toPlainText())
        return super().eventFilter(watched, event)

    def show_evidence(self, row: EvidenceRow | None) -> None:
        self.row = row
        self.body.setEnabled(row is not None)
        self.heading.setText(row.title if row else "No evidence selected")
        original = f"\nOriginal name (not UTF-8): {row.original_name}" if row and row.original_name else ""
        self.file_info.setText(
            f"{row.file_name} · {human_size(row.size)} · {row.media_type}\n"
            f"SHA-256 {row.sha256[:32]}\n{' ' * 8}{row.sha256[32:]}{original}"
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
        path = self.context.run("Preview", lambda: stored_path(self.context.workspace, row.id))
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
        workspace = self.context.workspace
        if not self.context.push(
            EditFields(
                self.context,
                f"Change the {field.replace('_', ' ')} of {row.title}",
                lambda values: update_evidence(workspace, row.id, **values),
                {field: getattr(row, field)},
                {field: value},
            )
        ):
            self.show_evidence(row)

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
        self.context.push(
            LinkEvidence(
                self.context, row.id, sorted(after - before), sorted(before - after), f"Link {row.title}"
            )
        )
