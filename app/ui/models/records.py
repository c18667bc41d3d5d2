"""A table over simple records (CUECs, subservice organizations, the export history), optionally editable."""

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt

from app.ui.models.base import RowTableModel, TableColumn

Index = QModelIndex | QPersistentModelIndex
Saver = Callable[[Any, str, str], bool]
"""Writes one field of a record; False when refused."""


def _text_of(name: str) -> Callable[[Any], str]:
    return lambda record: str(getattr(record, name))


class RecordTableModel(RowTableModel[Any]):
    """Rows are records with an ``id``; columns are (attribute, header) pairs; edits go through *save*.

    Signals:
        filtered(int): the number of visible rows.
    """

    def __init__(self, columns: Sequence[tuple[str, str]], save: Saver | None = None) -> None:
        super().__init__([TableColumn(header, _text_of(name)) for name, header in columns])
        self.fields = [name for name, _ in columns]
        self.save = save

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.EditRole:
            role = Qt.ItemDataRole.DisplayRole
        return super().data(index, role)

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        return flags | Qt.ItemFlag.ItemIsEditable if index.isValid() and self.save is not None else flags

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if not index.isValid() or role != Qt.ItemDataRole.EditRole or self.save is None:
            return False
        record = self.row_at(index.row())
        field = self.fields[index.column()]
        if str(value) == str(getattr(record, field)):
            return False
        return self.save(record, field, str(value))
