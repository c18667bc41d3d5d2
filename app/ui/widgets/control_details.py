"""The detail panel of the selected control: its evidence first, then every field, grouped and editable.

The fields are grouped as a reader asks about a control: what it is, who
runs it and when, how it is tested; the gap and remediation fields and the
rest fold away until needed. A field not named in :data:`GROUPS` (one added
to the control later) lands in the last group.

Signals of :class:`ControlDetails`:
    edited(str, object): the user changed a field (name, new value).
    criteria_requested(): the user wants to change the mapped criteria.
"""

from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.domain.controls import CONTROL_FIELDS, ControlRow
from app.domain.vocab import label
from app.ui.widgets.dates import DateField
from app.ui.widgets.sections import Section
from app.ui.widgets.status_chip import status_icon

NOTHING_SELECTED = "Select a control to see and edit all its fields"
GROUPS: tuple[tuple[str, tuple[str, ...], bool], ...] = (
    (
        "What it is",
        ("ref", "title", "description", "criteria", "is_key", "nature", "control_type", "systems"),
        False,
    ),
    ("Who and when", ("owner", "frequency", "status"), False),
    ("How it is tested", ("expected_evidence", "test_procedure", "population_source"), False),
    (
        "Gap and remediation",
        ("gap", "remediation_owner", "remediation_due", "exceptions", "management_response"),
        True,
    ),
    ("More", ("dependency", "notes"), True),
)
"""(title, fields, folded at first) of each section of the panel, in reading order."""


class ControlDetails(QScrollArea):
    """All fields of one control; each change is reported as soon as the user leaves the field."""

    edited = Signal(str, object)
    criteria_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.row: ControlRow | None = None
        self.body = QWidget()
        outer = QVBoxLayout(self.body)
        self.heading = QLabel(NOTHING_SELECTED)
        font = self.heading.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.heading.setFont(font)
        self.heading.setWordWrap(True)
        outer.addWidget(self.heading)
        self.evidence_slot = QVBoxLayout()
        outer.addLayout(self.evidence_slot)
        self.setWidget(self.body)
        self.widgets: dict[str, QWidget] = {}
        self.sections: dict[str, Section] = {}
        placed = {name for _title, names, _folded in GROUPS for name in names}
        for title, names, folded in GROUPS:
            section = Section(title, folded=folded)
            self.sections[title] = section
            outer.addWidget(section)
            last = title == GROUPS[-1][0]
            for spec in CONTROL_FIELDS:
                if spec.name in names or (last and spec.name not in placed):
                    widget = self._make(spec.name, spec.kind, spec.choices)
                    widget.setAccessibleName(spec.label)
                    self.widgets[spec.name] = widget
                    section.form.addRow(spec.label, widget)
        outer.addStretch(1)
        self.show_control(None)

    def _make(self, name: str, kind: str, choices: Any) -> QWidget:
        if kind in ("text", "int"):
            line = QLineEdit()
            line.editingFinished.connect(lambda n=name, w=line: self._changed(n, w.text()))
            return line
        if kind == "long":
            text = QPlainTextEdit()
            text.setTabChangesFocus(True)
            text.setFixedHeight(text.fontMetrics().lineSpacing() * 4 + 12)
            text.installEventFilter(self)
            text.setProperty("field", name)
            return text
        if kind == "choice":
            combo = QComboBox()
            if name != "status":
                combo.addItem("—", None)
            for member in choices:
                combo.addItem(label(member.value), member.value)
                if name == "status":
                    combo.setItemIcon(combo.count() - 1, status_icon(member.value))
            combo.activated.connect(lambda _i, n=name, w=combo: self._changed(n, w.currentData()))
            return combo
        if kind == "bool":
            check = QCheckBox("Key control")
            check.clicked.connect(lambda checked, n=name: self._changed(n, checked))
            return check
        if kind == "date":
            edit = DateField()
            edit.date_changed.connect(lambda value, n=name: self._changed(n, value))
            return edit
        box = QWidget()
        layout = QHBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        self.criteria_label = QLabel()
        self.criteria_label.setWordWrap(True)
        self.criteria_button = QPushButton("Map criteria…")
        self.criteria_button.clicked.connect(self.criteria_requested)
        layout.addWidget(self.criteria_label, 1)
        layout.addWidget(self.criteria_button)
        return box

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.FocusOut and isinstance(watched, QPlainTextEdit):
            self._changed(str(watched.property("field")), watched.toPlainText())
        return super().eventFilter(watched, event)

    def _changed(self, name: str, value: Any) -> None:
        if self.row is None:
            return
        current = getattr(self.row, name)
        if isinstance(value, str):
            value, current = value.strip(), "" if current is None else str(current)
        if value != current:
            self.edited.emit(name, value)

    def show_control(self, row: ControlRow | None) -> None:
        """Fill the panel from *row* (or empty and disable it)."""
        self.row = row
        self.body.setEnabled(row is not None)
        self.heading.setText(f"{row.ref} — {row.title}" if row else NOTHING_SELECTED)
        for spec in CONTROL_FIELDS:
            widget = self.widgets[spec.name]
            value = getattr(row, spec.name) if row else None
            widget.blockSignals(True)
            if isinstance(widget, QLineEdit):
                widget.setText("" if value is None else str(value))
                widget.setCursorPosition(0)
            elif isinstance(widget, QPlainTextEdit):
                widget.setPlainText(value or "")
            elif isinstance(widget, QComboBox):
                widget.setCurrentIndex(max(widget.findData(value), 0))
            elif isinstance(widget, QCheckBox):
                widget.setChecked(bool(value))
            elif isinstance(widget, DateField):
                widget.set_value(value)
            widget.blockSignals(False)
        self.criteria_label.setText(", ".join(row.criteria) if row and row.criteria else "None mapped yet")

    def focus_field(self, name: str) -> None:
        """Put the cursor in a field, unfolding its section."""
        for section in self.sections.values():
            if section.isAncestorOf(self.widgets[name]):
                section.set_folded(False)
        self.ensureWidgetVisible(self.widgets[name])
        self.widgets[name].setFocus(Qt.FocusReason.OtherFocusReason)
