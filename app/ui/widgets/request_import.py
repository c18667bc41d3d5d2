"""The import preview of an auditor's request list: how its columns were read, for the user to fix.

Signals of :class:`RequestImportDialog`:
    reread_requested(object): the user changed the sheet, header row, a column or the date order; a
        dict with ``sheet``, ``header_row``, ``mapping`` (role -> column number) and ``day_first``.
"""

from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.requests import ColumnRole
from app.domain.vocab import label
from app.services.requests import RequestListPreview
from app.ui.models.base import RowTableModel, TableColumn

Index = QModelIndex | QPersistentModelIndex
ROLE_WORDS = {
    ColumnRole.REQUEST_ID: "Request ID",
    ColumnRole.TEXT: "Request text",
    ColumnRole.CRITERIA: "Criteria",
    ColumnRole.CONTROL_REF: "Control reference",
    ColumnRole.TYPE: "Request type",
    ColumnRole.PERIOD: "Period",
    ColumnRole.OWNER: "Owner",
    ColumnRole.DUE: "Due date",
    ColumnRole.STATUS: "Auditor's status",
    ColumnRole.COMMENTS: "Auditor's comments",
}
DATE_ORDERS = (
    ("As the file shows", None),
    ("Day first (16/07/2026)", True),
    ("Month first (07/16/2026)", False),
)


@dataclass(frozen=True, slots=True)
class SheetRow:
    """One row of the sheet as the preview shows it: its number and its cells as text."""

    id: int
    cells: tuple[str, ...]


class SheetPreviewModel(RowTableModel[SheetRow]):
    """The first rows of the sheet; the header row in bold, each column headed by its letter and role.

    Signals:
        filtered(int): the number of visible rows.
    """

    def __init__(self) -> None:
        super().__init__([])
        self.header_row = 0

    def show_preview(self, preview: RequestListPreview) -> None:
        roles = {c.column: ROLE_WORDS[ColumnRole(c.role)] for c in preview.columns if c.role is not None}
        width = max((len(cells) for _, cells in preview.rows), default=0)
        self.beginResetModel()
        self.columns = [TableColumn("Row", _row_number)] + [
            TableColumn(
                _letter(column) + (f" · {roles[column]}" if column in roles else ""), _cell(column - 1)
            )
            for column in range(1, width + 1)
        ]
        self.endResetModel()
        self.header_row = preview.header_row
        self.set_rows([SheetRow(number, cells) for number, cells in preview.rows])

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (
            role == Qt.ItemDataRole.FontRole
            and index.isValid()
            and self.row_at(index.row()).id == self.header_row
        ):
            font = QFont()
            font.setBold(True)
            return font
        return super().data(index, role)


def _row_number(row: SheetRow) -> str:
    return str(row.id)


def _cell(index: int) -> Callable[[SheetRow], str]:
    return lambda row: row.cells[index] if index < len(row.cells) else ""


def _letter(column: int) -> str:
    letters = ""
    while column:
        column, remainder = divmod(column - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


class RequestImportDialog(QDialog):
    """Shows what a request list holds and how it was read; Import stores it, each choice reads it again."""

    reread_requested = Signal(object)

    def __init__(self, preview: RequestListPreview, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import the auditor's request list")
        self.preview = preview
        self.sheet = QComboBox()
        self.header_row = QSpinBox()
        self.header_row.setRange(1, 20)
        self.date_order = QComboBox()
        for text, value in DATE_ORDERS:
            self.date_order.addItem(text, value)
        self.role_boxes = {role: QComboBox() for role in ColumnRole}
        self.model = SheetPreviewModel()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("The sheet's first rows")
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.setWordWrap(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setDefaultSectionSize(150)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.flags = QPlainTextEdit()
        self.flags.setReadOnly(True)
        self.flags.setAccessibleName("Cells that did not fit")
        self.flags.setMaximumHeight(self.fontMetrics().lineSpacing() * 5 + 10)
        self.remember = QCheckBox()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = self.buttons.addButton("Import", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self._layout()
        self.set_preview(preview)
        self.sheet.activated.connect(lambda _i: self._reread(sheet_changed=True))
        self.header_row.editingFinished.connect(lambda: self._reread(header_changed=True))
        self.date_order.activated.connect(lambda _i: self._reread())
        for box in self.role_boxes.values():
            box.activated.connect(lambda _i: self._reread())
        self.resize(1000, 680)

    def _layout(self) -> None:
        choices = QHBoxLayout()
        for text, widget in (
            ("Sheet", self.sheet),
            ("Header row", self.header_row),
            ("Dates", self.date_order),
        ):
            choices.addWidget(QLabel(text))
            choices.addWidget(widget)
        choices.addStretch(1)
        roles = QGridLayout()
        for number, (role, box) in enumerate(self.role_boxes.items()):
            box.setAccessibleName(ROLE_WORDS[role])
            box.setMinimumContentsLength(14)
            roles.addWidget(QLabel(ROLE_WORDS[role]), number % 5, 2 * (number // 5))
            roles.addWidget(box, number % 5, 2 * (number // 5) + 1)
        roles.setColumnStretch(1, 1)
        roles.setColumnStretch(3, 1)
        hint = QLabel(
            "Check that each column is read as what it holds; choose another column or “—” where it is not. "
            "Request ID and request text are needed. Every cell of the file is kept as it is, so the list "
            "goes back to the auditor in their own layout."
        )
        hint.setWordWrap(True)
        hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        layout = QVBoxLayout(self)
        layout.addLayout(choices)
        layout.addWidget(hint)
        layout.addLayout(roles)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.flags)
        layout.addWidget(self.remember)
        layout.addWidget(self.buttons)

    def set_preview(self, preview: RequestListPreview) -> None:
        """Show *preview* (after each reading) and allow Import only when it can be imported."""
        self.preview = preview
        self.setEnabled(True)
        self.sheet.blockSignals(True)
        self.sheet.clear()
        self.sheet.addItems(list(preview.sheets))
        self.sheet.setCurrentText(preview.sheet)
        self.sheet.blockSignals(False)
        self.header_row.blockSignals(True)
        self.header_row.setValue(preview.header_row)
        self.header_row.blockSignals(False)
        columns = [("—", None)] + [
            (f"{choice.letter} · {choice.header}" if choice.header else choice.letter, choice.column)
            for choice in preview.columns
        ]
        mapping = preview.mapping
        for role, box in self.role_boxes.items():
            box.blockSignals(True)
            box.clear()
            for text, column in columns:
                box.addItem(text, column)
            box.setCurrentIndex(max(box.findData(mapping.get(role.value)), 0))
            box.blockSignals(False)
        self.model.show_preview(preview)
        self.table.setColumnWidth(0, 50)
        self.summary.setText(self._summary(preview))
        self.flags.setPlainText("\n".join([*preview.flags, *preview.warnings]))
        self.flags.setVisible(bool(preview.flags or preview.warnings))
        firm = preview.auditor_firm or "this workspace's lists without a named firm"
        self.remember.setText(f"Remember these columns for {firm}")
        self.remember.setChecked(True)
        self.import_button.setEnabled(preview.problem is None and preview.date_question is None)

    @staticmethod
    def _summary(preview: RequestListPreview) -> str:
        if preview.problem:
            return f"<b style='color:#c62828'>Not read yet:</b> {escape(preview.problem)}"
        parts = [
            f"<b>{len(preview.requests)} requests</b> on “{escape(preview.sheet)}” (header on row "
            f"{preview.header_row}): {preview.added} new, {preview.changed} reworded, {preview.withdrawn} "
            "no longer listed (they will be marked withdrawn, never deleted)"
        ]
        if preview.samples_sheet:
            parts.append(f"{len(preview.samples)} sampled items on “{escape(preview.samples_sheet)}”")
        if preview.flags:
            parts.append(f"{len(preview.flags)} cells did not fit (kept as written; listed below)")
        if preview.remembered:
            parts.append(f"columns as remembered for {escape(preview.auditor_firm or 'this firm')}")
        if preview.date_order:
            parts.append(f"dates read {label(preview.date_order).lower()}")
        text = "; ".join(parts) + "."
        if preview.date_question:
            question = escape(preview.date_question)
            text += f"<br><b style='color:#c62828'>Choose how to read the dates:</b> {question}"
        return text

    def choices(self) -> dict[str, Any]:
        """What the user chose: sheet, header row, the columns of each role, day-first or not."""
        mapping = {
            role.value: box.currentData() for role, box in self.role_boxes.items() if box.currentData()
        }
        return {
            "sheet": self.sheet.currentText() or None,
            "header_row": self.header_row.value(),
            "mapping": mapping,
            "day_first": self.date_order.currentData(),
        }

    def _reread(self, *, sheet_changed: bool = False, header_changed: bool = False) -> None:
        choices = self.choices()
        if sheet_changed:
            choices["header_row"] = choices["mapping"] = None
        elif header_changed:
            choices["mapping"] = None
        self.setEnabled(False)
        self.reread_requested.emit(choices)
