"""The one table model every list of the window is built on: rows in memory, filtered and sorted here.

Subclasses declare their columns and, when they filter by more than the
search box, :meth:`RowTableModel.accepts`. Filtering matches a lower-case
search text computed once per row; sorting uses each column's sort key. Both
keep the selection (persistent indexes) in place.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from app.ui.models.roles import ROW_ID_ROLE

R = TypeVar("R")
Index = QModelIndex | QPersistentModelIndex
DISPLAY = Qt.ItemDataRole.DisplayRole
TOOL_TIP = Qt.ItemDataRole.ToolTipRole


@dataclass(frozen=True)
class TableColumn(Generic[R]):
    """A column: its header, the text of a row's cell, and how rows sort by it (default: that text)."""

    header: str
    text: Callable[[R], str]
    sort_key: Callable[[R], Any] | None = None
    tooltip: Callable[[R], str | None] | None = None


def _casefolded(text: str) -> str:
    return text.casefold() or "\uffff"


class RowTableModel(QAbstractTableModel, Generic[R]):
    """Rows (each with an ``id``) shown through declared columns; the view sees those passing the filters.

    Signals:
        filtered(int): the number of visible rows after the rows or the filters changed.
    """

    filtered = Signal(int)

    def __init__(self, columns: Sequence[TableColumn[R]]) -> None:
        super().__init__()
        self.columns = list(columns)
        self._all: list[R] = []
        self._visible: list[int] = []
        self._position: dict[int, int] = {}
        self._search: list[str] = []
        self._terms: list[str] = []
        self._sort: tuple[int, Qt.SortOrder] | None = None

    # --- what subclasses may refine -------------------------------------------------------

    row_id: Callable[[R], int] = staticmethod(attrgetter("id"))
    """The id of a row (rows are dataclasses with an ``id`` unless a subclass says otherwise)."""

    def search_text(self, row: R) -> str:
        """What the search box matches in *row* (lower case); by default every column's text."""
        return " ".join(column.text(row) for column in self.columns).casefold()

    def filtering(self) -> bool:
        """Whether any filter besides the search text may hold a row back (when none can, every row
        passes at once). A model that overrides :meth:`accepts` filters unless it says otherwise here."""
        return type(self).accepts is not RowTableModel.accepts

    def accepts(self, row: R) -> bool:
        """Whether *row* passes the filters besides the search text."""
        return True

    # --- rows -----------------------------------------------------------------------------

    def set_rows(self, rows: Iterable[R]) -> None:
        self.beginResetModel()
        self._all = list(rows)
        self._search = []
        self._reindex()
        self._visible = self._filtered_indices()
        self._sort_visible()
        self.endResetModel()
        self.filtered.emit(len(self._visible))

    def replace_rows(self, rows: Sequence[R]) -> None:
        """Swap in new copies of the rows held, keeping order, filters and selection; new rows reset."""
        if sorted(self.row_id(row) for row in rows) != sorted(self._position):
            self.set_rows(rows)
            return
        for row in rows:
            self._all[self._position[self.row_id(row)]] = row
        self._search = []
        self.refilter()

    def update_rows(self, rows: Iterable[R]) -> None:
        """Replace changed rows in place (visible rows stay where they are until the next filter)."""
        for row in rows:
            position = self._position.get(self.row_id(row))
            if position is None:
                continue
            self._all[position] = row
            if self._search:
                self._search[position] = self.search_text(row)
            view_row = self.row_of(self.row_id(row))
            if view_row >= 0:
                self.dataChanged.emit(self.index(view_row, 0), self.index(view_row, self.columnCount() - 1))

    def add_rows(self, rows: Iterable[R]) -> None:
        """New rows are appended and shown even if a filter would hide them, so the user sees them."""
        new = [row for row in rows if self.row_id(row) not in self._position]
        if not new:
            return
        start = len(self._visible)
        self.beginInsertRows(QModelIndex(), start, start + len(new) - 1)
        for row in new:
            self._all.append(row)
            if self._search:
                self._search.append(self.search_text(row))
            self._visible.append(len(self._all) - 1)
        self._reindex()
        self.endInsertRows()
        self.filtered.emit(len(self._visible))

    def remove_rows(self, ids: Iterable[int]) -> None:
        gone = set(ids) & set(self._position)
        if not gone:
            return
        self.beginResetModel()
        keep = [i for i, row in enumerate(self._all) if self.row_id(row) not in gone]
        self._all = [self._all[i] for i in keep]
        self._search = [self._search[i] for i in keep] if self._search else []
        self._reindex()
        self._visible = self._filtered_indices()
        self._sort_visible()
        self.endResetModel()
        self.filtered.emit(len(self._visible))

    def _reindex(self) -> None:
        self._position = dict(zip(map(self.row_id, self._all), range(len(self._all)), strict=True))

    # --- lookups --------------------------------------------------------------------------

    def row_at(self, view_row: int) -> R:
        return self._all[self._visible[view_row]]

    def row_by_id(self, row_id: int | None) -> R | None:
        position = self._position.get(row_id) if row_id is not None else None
        return None if position is None else self._all[position]

    def row_of(self, row_id: int | None) -> int:
        """The view row showing the row with this id, or -1."""
        position = self._position.get(row_id) if row_id is not None else None
        if position is None:
            return -1
        try:
            return self._visible.index(position)
        except ValueError:
            return -1

    def all_rows(self) -> list[R]:
        return list(self._all)

    def total(self) -> int:
        """How many rows the model holds, filtered or not."""
        return len(self._all)

    # --- filtering and sorting ------------------------------------------------------------

    def set_search(self, text: str) -> None:
        self._terms = text.casefold().split()
        self.refilter()

    def _filtered_indices(self) -> list[int]:
        terms = self._terms
        if not terms and not self.filtering():
            return list(range(len(self._all)))
        if terms and len(self._search) != len(self._all):
            self._search = [self.search_text(row) for row in self._all]
        return [
            position
            for position, row in enumerate(self._all)
            if (not terms or all(term in self._search[position] for term in terms)) and self.accepts(row)
        ]

    def refilter(self) -> None:
        """Apply the filters again, keeping selected rows selected when they stay visible."""
        self.layoutAboutToBeChanged.emit()
        old = self.persistentIndexList()
        ids = [self.row_id(self.row_at(i.row())) if i.row() < len(self._visible) else None for i in old]
        self._visible = self._filtered_indices()
        self._sort_visible()
        where = {position: view_row for view_row, position in enumerate(self._visible)}
        new = []
        for index, row_id in zip(old, ids, strict=True):
            view_row = where.get(self._position.get(row_id, -1), -1) if row_id is not None else -1
            new.append(self.index(view_row, index.column()) if view_row >= 0 else QModelIndex())
        self.changePersistentIndexList(old, new)
        self.layoutChanged.emit()
        self.filtered.emit(len(self._visible))

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort the visible rows by a column (a negative column keeps the loading order)."""
        if column < 0:
            self._sort = None
            return
        self.layoutAboutToBeChanged.emit()
        old = self.persistentIndexList()
        positions = [self._visible[i.row()] for i in old]
        self._sort = (column, order)
        self._sort_visible()
        where = {position: view_row for view_row, position in enumerate(self._visible)}
        self.changePersistentIndexList(
            old, [self.index(where[p], i.column()) for p, i in zip(positions, old, strict=True)]
        )
        self.layoutChanged.emit()

    def sort_key(self, column: int) -> Callable[[R], Any]:
        declared = self.columns[column]
        if declared.sort_key is not None:
            return declared.sort_key
        text = declared.text
        return lambda row: _casefolded(text(row))

    def _sort_visible(self) -> None:
        if self._sort is None:
            return
        column, order = self._sort
        key = self.sort_key(column)
        rows = self._all
        self._visible.sort(
            key=lambda position: key(rows[position]), reverse=order == Qt.SortOrder.DescendingOrder
        )

    # --- Qt model interface ---------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._visible)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._all[self._visible[index.row()]]
        column = self.columns[index.column()]
        if role == DISPLAY:
            return column.text(row)
        if role == TOOL_TIP:
            return column.tooltip(row) if column.tooltip is not None else column.text(row) or None
        if role == ROW_ID_ROLE:
            return self.row_id(row)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == DISPLAY:
            return self.columns[section].header
        return None
