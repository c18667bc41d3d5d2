"""The control matrix as a table model over preloaded rows.

Filtering and sorting happen here, on precomputed lower-case search text and
sort keys, so that a keystroke in the search box or a header click stays fast
on thousands of controls.
"""

import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap

from app.domain.catalog import sort_key as criterion_sort_key
from app.domain.controls import CONTROL_FIELDS, TEXT_FIELDS, ControlRow, FieldSpec, display_value
from app.domain.vocab import ControlType, Frequency, Nature, Status, label
from app.ui.models.roles import CONTROL_ID_ROLE

Index = QModelIndex | QPersistentModelIndex
Editor = Callable[[Sequence[int], str, Any], bool]


STATUS_COLOURS = {
    Status.NOT_STARTED: QColor(140, 140, 140),
    Status.IN_PROGRESS: QColor(37, 99, 235),
    Status.IMPLEMENTED: QColor(22, 150, 70),
    Status.READY_FOR_AUDIT: QColor(22, 120, 60),
    Status.EXCEPTION: QColor(200, 40, 40),
}
ORDERS: dict[str, list[str]] = {
    "status": [s.value for s in Status],
    "frequency": [f.value for f in Frequency],
    "nature": [n.value for n in Nature],
    "control_type": [t.value for t in ControlType],
}
_DIGITS = re.compile(r"(\d+)")


def natural_key(text: str) -> tuple[Any, ...]:
    """``ACC-2`` sorts before ``ACC-10``."""
    return tuple(int(part) if part.isdigit() else part.casefold() for part in _DIGITS.split(text))


def status_icon(status: str) -> QIcon:
    """A small coloured dot for a status (always shown beside the status word)."""
    cached = _ICONS.get(status)
    if cached is None:
        pixmap = QPixmap(10, 10)
        pixmap.fill(STATUS_COLOURS.get(Status(status), QColor("grey")))
        cached = _ICONS[status] = QIcon(pixmap)
    return cached


_ICONS: dict[str, QIcon] = {}


def search_text(row: ControlRow) -> str:
    """Everything the search box matches, in lower case."""
    parts = [getattr(row, name) or "" for name in TEXT_FIELDS]
    parts += row.criteria
    parts += [label(row.status)]
    return " ".join(parts).casefold()


def _sort_value(spec: FieldSpec, row: ControlRow) -> Any:
    value = getattr(row, spec.name)
    if spec.name == "ref":
        return natural_key(value)
    if spec.kind == "criteria":
        return tuple(criterion_sort_key(c) for c in value) or ((99, 0, 0),)
    if spec.kind == "choice":
        order = ORDERS[spec.name]
        return order.index(value) if value in order else len(order)
    if spec.kind == "bool":
        return 0 if value else 1
    if spec.kind == "date":
        return value.toordinal() if value else 10**7
    return (value or "").casefold() or "\uffff"


DISPLAY = Qt.ItemDataRole.DisplayRole
EDIT = Qt.ItemDataRole.EditRole
CHECK_STATE = Qt.ItemDataRole.CheckStateRole
DECORATION = Qt.ItemDataRole.DecorationRole
TOOL_TIP = Qt.ItemDataRole.ToolTipRole


def _text_of(spec: FieldSpec) -> Callable[[Any], str]:
    """How a column's value is shown (computed once per column, used for every cell)."""
    if spec.kind in ("text", "long"):
        return _plain
    name = spec.name

    def shown(value: Any) -> str:
        return display_value(name, value)

    return shown


def _plain(value: Any) -> str:
    return str(value or "")


def _flags_of(spec: FieldSpec, *, editable: bool) -> Qt.ItemFlag:
    flags = Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled
    if not editable or spec.kind == "criteria":
        return flags
    if spec.kind == "bool":
        return flags | Qt.ItemFlag.ItemIsUserCheckable
    return flags | Qt.ItemFlag.ItemIsEditable


class ControlMatrixModel(QAbstractTableModel):
    """All controls of an engagement; the view shows those that pass the filters.

    Signals:
        filtered(int): the number of visible rows after a filter change.
    """

    filtered = Signal(int)
    FIELDS: tuple[FieldSpec, ...] = CONTROL_FIELDS

    def __init__(self, editor: Editor | None = None) -> None:
        super().__init__()
        self.editor = editor
        self._all: list[ControlRow] = []
        self._search: list[str] = []
        self._visible: list[int] = []
        self._position: dict[int, int] = {}
        self._terms: list[str] = []
        self._statuses: set[str] = set()
        self._owner: str | None = None
        self._key_only = False
        self._criteria: frozenset[str] | None = None
        self._sort: tuple[int, Qt.SortOrder] | None = None
        self._text = [_text_of(spec) for spec in self.FIELDS]
        self._flags = [_flags_of(spec, editable=editor is not None) for spec in self.FIELDS]

    # --- loading and updating -----------------------------------------------------------

    def set_controls(self, rows: Iterable[ControlRow]) -> None:
        self.beginResetModel()
        self._all = list(rows)
        self._search = []
        self._reindex()
        self._visible = self._filtered_indices()
        self._sort_visible()
        self.endResetModel()
        self.filtered.emit(len(self._visible))

    def _reindex(self) -> None:
        self._position = {row.id: position for position, row in enumerate(self._all)}

    def replace_controls(self, rows: Sequence[ControlRow]) -> None:
        """Swap in fuller copies of the same controls, keeping order, filters and selection."""
        if sorted(row.id for row in rows) != sorted(self._position):
            self.set_controls(rows)
            return
        for row in rows:
            self._all[self._position[row.id]] = row
        self._search = []
        if self._visible:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._visible) - 1, self.columnCount() - 1)
            )

    def update_controls(self, rows: Iterable[ControlRow]) -> None:
        """Replace changed rows in place (visible rows stay where they are until the next filter)."""
        for row in rows:
            position = self._position.get(row.id)
            if position is None:
                continue
            self._all[position] = row
            if self._search:
                self._search[position] = search_text(row)
            view_row = self.row_of(row.id)
            if view_row >= 0:
                self.dataChanged.emit(self.index(view_row, 0), self.index(view_row, self.columnCount() - 1))

    def add_controls(self, rows: Iterable[ControlRow]) -> None:
        """New rows are appended and shown even if a filter would hide them, so the user sees them.

        Rows the model holds already are left out.
        """
        new = [row for row in rows if row.id not in self._position]
        if not new:
            return
        start = len(self._visible)
        self.beginInsertRows(QModelIndex(), start, start + len(new) - 1)
        for row in new:
            self._all.append(row)
            if self._search:
                self._search.append(search_text(row))
            self._visible.append(len(self._all) - 1)
        self._reindex()
        self.endInsertRows()
        self.filtered.emit(len(self._visible))

    def remove_controls(self, control_ids: Iterable[int]) -> None:
        gone = set(control_ids)
        if not gone & set(self._position):
            return
        self.beginResetModel()
        keep = [i for i, row in enumerate(self._all) if row.id not in gone]
        self._all = [self._all[i] for i in keep]
        self._search = [self._search[i] for i in keep] if self._search else []
        self._reindex()
        self._visible = self._filtered_indices()
        self._sort_visible()
        self.endResetModel()
        self.filtered.emit(len(self._visible))

    # --- lookups ------------------------------------------------------------------------

    def control_at(self, view_row: int) -> ControlRow:
        return self._all[self._visible[view_row]]

    def control(self, control_id: int) -> ControlRow | None:
        position = self._position.get(control_id)
        return None if position is None else self._all[position]

    def row_of(self, control_id: int) -> int:
        position = self._position.get(control_id)
        if position is None:
            return -1
        try:
            return self._visible.index(position)
        except ValueError:
            return -1

    def all_controls(self) -> list[ControlRow]:
        return list(self._all)

    def total(self) -> int:
        """How many controls the model holds, filtered or not."""
        return len(self._all)

    def column_of(self, field: str) -> int:
        return next(i for i, spec in enumerate(self.FIELDS) if spec.name == field)

    # --- filters ------------------------------------------------------------------------

    def set_filters(
        self,
        *,
        text: str | None = None,
        statuses: Iterable[str] | None = None,
        owner: str | None | bool = False,
        key_only: bool | None = None,
        criteria: frozenset[str] | None | bool = False,
    ) -> None:
        """Change some filters (arguments left out keep their value) and refilter once."""
        if text is not None:
            self._terms = text.casefold().split()
        if statuses is not None:
            self._statuses = set(statuses)
        if owner is not False:
            self._owner = owner if isinstance(owner, str) else None
        if key_only is not None:
            self._key_only = key_only
        if criteria is not False:
            self._criteria = criteria if isinstance(criteria, frozenset) else None
        self.layoutAboutToBeChanged.emit()
        old = self.persistentIndexList()
        ids = [self._all[self._visible[i.row()]].id if i.row() < len(self._visible) else None for i in old]
        self._visible = self._filtered_indices()
        self._sort_visible()
        positions = {position: view_row for view_row, position in enumerate(self._visible)}
        new = []
        for index, control_id in zip(old, ids, strict=True):
            view_row = positions.get(self._position.get(control_id, -1), -1) if control_id else -1
            new.append(self.index(view_row, index.column()) if view_row >= 0 else QModelIndex())
        self.changePersistentIndexList(old, new)
        self.layoutChanged.emit()
        self.filtered.emit(len(self._visible))

    def _filtered_indices(self) -> list[int]:
        terms, statuses, owner, key_only, criteria = (
            self._terms,
            self._statuses,
            self._owner,
            self._key_only,
            self._criteria,
        )
        if terms and len(self._search) != len(self._all):
            self._search = [search_text(row) for row in self._all]
        result = []
        for position, row in enumerate(self._all):
            if terms:
                text = self._search[position]
                if not all(term in text for term in terms):
                    continue
            if statuses and row.status not in statuses:
                continue
            if owner is not None and row.owner != owner:
                continue
            if key_only and not row.is_key:
                continue
            if criteria is not None and criteria.isdisjoint(row.criteria):
                continue
            result.append(position)
        return result

    def owners(self) -> list[str]:
        return sorted({row.owner for row in self._all if row.owner}, key=str.casefold)

    # --- sorting ------------------------------------------------------------------------

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

    def _sort_visible(self) -> None:
        if self._sort is None:
            return
        column, order = self._sort
        spec = self.FIELDS[column]
        rows = self._all
        self._visible.sort(
            key=lambda position: _sort_value(spec, rows[position]),
            reverse=order == Qt.SortOrder.DescendingOrder,
        )

    # --- Qt model interface -------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._visible)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.FIELDS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._all[self._visible[index.row()]]
        column = index.column()
        spec = self.FIELDS[column]
        if role == DISPLAY:  # the hot path: every visible cell, every paint
            return None if spec.kind == "bool" else self._text[column](getattr(row, spec.name))
        if role == CHECK_STATE and spec.kind == "bool":
            return Qt.CheckState.Checked if row.is_key else Qt.CheckState.Unchecked
        if role == DECORATION and spec.name == "status":
            return status_icon(row.status)
        if role == TOOL_TIP and spec.kind in ("long", "text", "criteria"):
            text = row.text(spec.name)
            return text if len(text) > 30 else None
        if role == EDIT:
            value = getattr(row, spec.name)
            if spec.kind == "date":
                return value.isoformat() if value else ""
            if spec.kind == "criteria":
                return ", ".join(value)
            return value if value is not None else ""
        if role == CONTROL_ID_ROLE:
            return row.id
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.FIELDS[section].label
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return self._flags[index.column()]

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if not index.isValid() or self.editor is None:
            return False
        spec = self.FIELDS[index.column()]
        row = self._all[self._visible[index.row()]]
        if spec.kind == "bool":
            if role != Qt.ItemDataRole.CheckStateRole:
                return False
            value = Qt.CheckState(value) == Qt.CheckState.Checked
        elif role != Qt.ItemDataRole.EditRole:
            return False
        return self.editor([row.id], spec.name, value)
