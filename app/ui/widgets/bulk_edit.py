"""Change owner, status or frequency of several controls at once."""

from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.domain.vocab import Frequency, Status, label
from app.domain.wording import counted


class BulkEditDialog(QDialog):
    """Tick what to change; only ticked fields are applied to the selected controls."""

    def __init__(self, count: int, owners: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Edit {counted(count, 'selected control')}")
        self.owner = QLineEdit()
        self.owner.setPlaceholderText("Owner for all selected controls")
        self.owner.setCompleter(QCompleter(owners, self))
        self.status = QComboBox()
        for status in Status:
            self.status.addItem(label(status.value), status.value)
        self.frequency = QComboBox()
        for frequency in Frequency:
            self.frequency.addItem(label(frequency.value), frequency.value)
        self.change = {
            name: QCheckBox(text)
            for name, text in (("owner", "Owner"), ("status", "Status"), ("frequency", "Frequency"))
        }
        form = QFormLayout()
        for name, widget in (("owner", self.owner), ("status", self.status), ("frequency", self.frequency)):
            form.addRow(self.change[name], widget)
            widget.setEnabled(False)
            self.change[name].toggled.connect(widget.setEnabled)
        self.owner.textEdited.connect(lambda _t: self.change["owner"].setChecked(True))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"Change {counted(count, 'selected control')}:"))
        layout.addLayout(form)
        layout.addWidget(buttons)

    def start_with(self, field: str) -> None:
        """Tick *field* and put the cursor in it."""
        self.change[field].setChecked(True)
        {"owner": self.owner, "status": self.status, "frequency": self.frequency}[field].setFocus()

    def changes(self) -> dict[str, Any]:
        """The ticked fields and their new values."""
        values = {
            "owner": self.owner.text().strip(),
            "status": self.status.currentData(),
            "frequency": self.frequency.currentData(),
        }
        return {name: values[name] for name, box in self.change.items() if box.isChecked()}
