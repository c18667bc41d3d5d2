"""A dialog to tick controls: for an objective, for a piece of evidence, for files being added."""

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.controls import ControlRow
from app.ui.models.controls import natural_key
from app.ui.models.roles import CONTROL_ID_ROLE


class ControlChecklist(QDialog):
    """Tick controls in a list filtered by typing; *intro* says what the ticks are for."""

    def __init__(
        self,
        title: str,
        controls: Sequence[ControlRow],
        chosen: set[int],
        parent: QWidget | None = None,
        *,
        intro: str = "",
        action: str = "OK",
    ):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.intro = QLabel(intro)
        self.intro.setWordWrap(True)
        self.intro.setVisible(bool(intro))
        self.search = QLineEdit()
        self.search.setPlaceholderText("Type to filter controls by ref or words, e.g. “access” or “ACC-0”")
        self.search.setClearButtonEnabled(True)
        self.list = QListWidget()
        for row in sorted(controls, key=lambda r: natural_key(r.ref)):
            item = QListWidgetItem(f"{row.ref}  {row.title}")
            item.setData(CONTROL_ID_ROLE, row.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if row.id in chosen else Qt.CheckState.Unchecked)
            self.list.addItem(item)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(action)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.search)
        layout.addWidget(self.list, 1)
        layout.addWidget(buttons)
        self.search.textChanged.connect(self._filter)
        self.resize(520, 520)

    def _filter(self, text: str) -> None:
        words = text.casefold().split()
        for row in range(self.list.count()):
            item = self.list.item(row)
            item.setHidden(not all(word in item.text().casefold() for word in words))

    def chosen(self) -> list[int]:
        return [
            int(self.list.item(row).data(CONTROL_ID_ROLE))
            for row in range(self.list.count())
            if self.list.item(row).checkState() == Qt.CheckState.Checked
        ]

    def set_checked(self, control_id: int, checked: bool) -> None:
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item.data(CONTROL_ID_ROLE) == control_id:
                item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
