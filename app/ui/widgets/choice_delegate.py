"""In-place editors for the matrix: a drop-down for vocabulary columns."""

from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QComboBox, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from app.domain.controls import FieldSpec
from app.domain.vocab import label

Index = QModelIndex | QPersistentModelIndex


class ChoiceDelegate(QStyledItemDelegate):
    """Edits a vocabulary column with a combo box of its values (shown in words)."""

    def __init__(self, spec: FieldSpec, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        assert spec.choices is not None
        self.values = [member.value for member in spec.choices]
        self.optional = spec.name != "status"

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:  # noqa: N802
        box = QComboBox(parent)
        if self.optional:
            box.addItem("—", "")
        for value in self.values:
            box.addItem(label(value), value)
        return box

    def setEditorData(self, editor: QWidget, index: Index) -> None:  # noqa: N802
        assert isinstance(editor, QComboBox)
        position = editor.findData(index.data(Qt.ItemDataRole.EditRole) or "")
        editor.setCurrentIndex(max(position, 0))

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: Index) -> None:  # noqa: N802
        assert isinstance(editor, QComboBox)
        value: Any = editor.currentData()
        if value != (index.data(Qt.ItemDataRole.EditRole) or ""):
            model.setData(index, value, Qt.ItemDataRole.EditRole)
