"""A dialog showing one read-only table: a history, or the backups to restore one from."""

from typing import Any

from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.ui.models.base import RowTableModel


class TableDialog(QDialog):
    """*model*'s rows under a short explanation; Close, and an action button when *action* is given
    (it accepts the dialog with the current row chosen; ``chosen()`` returns it)."""

    def __init__(
        self,
        title: str,
        text: str,
        model: RowTableModel[Any],
        parent: QWidget | None = None,
        *,
        action: str = "",
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.model = model
        self.table = QTableView()
        self.table.setModel(model)
        self.table.setAccessibleName(title)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setWordWrap(False)
        explanation = QLabel(text)
        explanation.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.action_button = None
        if action:
            self.action_button = buttons.addButton(action, QDialogButtonBox.ButtonRole.AcceptRole)
            self.action_button.setEnabled(False)
            buttons.accepted.connect(self.accept)
            self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        layout = QVBoxLayout(self)
        layout.addWidget(explanation)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.resize(860, 480)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self.action_button is not None:
            self.action_button.setEnabled(current.isValid())

    def chosen(self) -> Any:
        index = self.table.selectionModel().currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None
