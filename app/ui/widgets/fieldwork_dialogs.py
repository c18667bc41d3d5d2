"""Small forms of fieldwork: an auditor's selection, an exception, a population file, a sample to draw.

Each is opened with ``open()`` (never ``exec()``); whoever opens it reads
:meth:`values` when it is accepted.
"""

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from app.domain.fieldwork import EXCEPTION_FIELDS
from app.ui.widgets.dates import DateField
from app.ui.widgets.request_import import DATE_ORDERS

Choice = tuple[int, str]
"""An id and the words shown for it."""


class _Form(QDialog):
    """A titled form with OK and Cancel; *explanation* above the fields."""

    def __init__(self, title: str, explanation: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.form = QFormLayout(self)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        text = QLabel(explanation)
        text.setWordWrap(True)
        self.form.addRow(text)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

    def finish(self) -> None:
        self.form.addRow(self.buttons)
        self.setMinimumWidth(480)

    @staticmethod
    def combo(name: str, choices: Sequence[Choice], chosen: int | None = None) -> QComboBox:
        box = QComboBox()
        box.setAccessibleName(name)
        for choice_id, text in choices:
            box.addItem(text, choice_id)
        if chosen is not None:
            box.setCurrentIndex(max(box.findData(chosen), 0))
        return box


class SelectionDialog(_Form):
    """An item the auditor selected for a request: its sample number, what it is, its date."""

    def __init__(self, request_ref: str, next_number: str, parent: QWidget | None = None) -> None:
        super().__init__(
            f"Add a selection to {request_ref}",
            "Enter an item the auditor selected (sent by e-mail or in a meeting) as they numbered it.",
            parent,
        )
        self.number = QLineEdit(next_number)
        self.item = QLineEdit()
        self.when = DateField()
        for text, widget in (("Sample number", self.number), ("Item", self.item), ("Date", self.when)):
            widget.setAccessibleName(text)
            self.form.addRow(text, widget)
        self.finish()

    def values(self) -> tuple[str, str, Any]:
        return self.number.text().strip(), self.item.text().strip(), self.when.value()


class ExceptionDialog(_Form):
    """A deviation: what it is against, when, what happened, why, the fix and management's response."""

    def __init__(
        self, targets: Sequence[tuple[str, str]], chosen: str | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(
            "Record an exception",
            "Record what went wrong in plain words: the auditor reports it in section IV with the management "
            "response.",
            parent,
        )
        self.target = QComboBox()
        self.target.setAccessibleName("Against")
        for key, text in targets:
            self.target.addItem(text, key)
        if chosen is not None:
            self.target.setCurrentIndex(max(self.target.findData(chosen), 0))
        self.form.addRow("Against", self.target)
        self.fields: dict[str, Any] = {}
        for spec in EXCEPTION_FIELDS:
            widget: Any = DateField() if spec.kind == "date" else QPlainTextEdit()
            if isinstance(widget, QPlainTextEdit):
                widget.setTabChangesFocus(True)
                widget.setFixedHeight(widget.fontMetrics().lineSpacing() * 3 + 12)
            widget.setAccessibleName(spec.label)
            self.fields[spec.name] = widget
            self.form.addRow(spec.label, widget)
        self.finish()

    def values(self) -> tuple[str, dict[str, Any]]:
        """The target key (``control:ID`` or ``item:ID``) and the fields."""
        values = {
            name: widget.value() if isinstance(widget, DateField) else widget.toPlainText()
            for name, widget in self.fields.items()
        }
        return str(self.target.currentData()), values


class PopulationDialog(_Form):
    """A population file for a control: which control, which file, which sheet, how to read its dates."""

    def __init__(
        self, controls: Sequence[Choice], chosen: int | None, choose_file: Any, parent: QWidget | None = None
    ) -> None:
        super().__init__(
            "Add a population",
            "A population lists every occurrence of the control in the period (all changes, hires, "
            "leavers…), as the system exported it. It is stored as the control's evidence, counted, and "
            "sets the control's population size.",
            parent,
        )
        self.control = self.combo("Control", controls, chosen)
        self.path = QLineEdit()
        self.path.setAccessibleName("Population file")
        browse = QPushButton("Choose…")
        browse.clicked.connect(lambda: self._choose(choose_file))
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        self.sheet = QLineEdit()
        self.sheet.setPlaceholderText("the first sheet")
        self.dates = QComboBox()
        for text, value in DATE_ORDERS:
            self.dates.addItem(text, value)
        self.form.addRow("Control", self.control)
        self.form.addRow("File", row)
        self.form.addRow("Sheet", self.sheet)
        self.form.addRow("Dates", self.dates)
        self.finish()

    def _choose(self, choose_file: Any) -> None:
        path = choose_file()
        if path is not None:
            self.path.setText(str(path))

    def values(self) -> tuple[int, Path, str | None, bool | None]:
        return (
            int(self.control.currentData()),
            Path(self.path.text().strip()),
            self.sheet.text().strip() or None,
            self.dates.currentData(),
        )


class DrawDialog(_Form):
    """A self-test sample to draw: from which control's population, and how many items."""

    def __init__(self, controls: Sequence[Choice], chosen: int | None, parent: QWidget | None = None) -> None:
        super().__init__(
            "Draw a sample",
            "The sample is drawn from the control's latest population, spread over the period and seeded "
            "from the engagement, the control and the population file, so the auditor can draw it again "
            "and get the same items.",
            parent,
        )
        self.control = self.combo("Control", controls, chosen)
        self.sample_size = QSpinBox()
        self.sample_size.setRange(0, 1000)
        self.sample_size.setSpecialValueText("As the sampling conventions suggest")
        self.sample_size.setAccessibleName("Sample size")
        self.form.addRow("Control", self.control)
        self.form.addRow("Sample size", self.sample_size)
        self.finish()

    def values(self) -> tuple[int, int | None]:
        return int(self.control.currentData()), self.sample_size.value() or None
