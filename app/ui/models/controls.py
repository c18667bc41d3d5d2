"""The control matrix as a table model over preloaded rows.

Filtering and sorting happen here, on precomputed lower-case search text and
sort keys, so that a keystroke in the search box or a header click stays fast
on thousands of controls.
"""

import re
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt

from app.domain.catalog import sort_key as criterion_sort_key
from app.domain.controls import CONTROL_FIELDS, TEXT_FIELDS, ControlRow, FieldSpec, display_value
from app.domain.vocab import ControlType, Frequency, Nature, Status, label
from app.domain.wording import counted
from app.ui.models.base import RowTableModel, TableColumn
from app.ui.models.roles import CONTROL_ID_ROLE, ROW_ID_ROLE, STATUS_ROLE

Index = QModelIndex | QPersistentModelIndex
Editor = Callable[[Sequence[int], str, Any], bool]


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
    if spec.kind == "int":
        return value if value is not None else 10**9
    return (value or "").casefold() or "\uffff"


DISPLAY = Qt.ItemDataRole.DisplayRole
EDIT = Qt.ItemDataRole.EditRole
CHECK_STATE = Qt.ItemDataRole.CheckStateRole
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


def _column(spec: FieldSpec) -> TableColumn[ControlRow]:
    shown = _text_of(spec)
    name = spec.name
    return TableColumn(
        spec.label,
        lambda row: shown(getattr(row, name)),
        sort_key=partial(_sort_value, spec),
    )


EVIDENCE_HEADER = "Evidence"


class ControlMatrixModel(RowTableModel[ControlRow]):
    """All controls of an engagement, one column per field of :data:`CONTROL_FIELDS`, then the
    number of evidence files linked to each (:attr:`evidence_column`).

    The view shows the controls that pass the search text and the filters
    (statuses, owner, key controls, criteria of a category).

    Signals:
        filtered(int): the number of visible rows after a filter change.
    """

    FIELDS: tuple[FieldSpec, ...] = CONTROL_FIELDS

    def __init__(self, editor: Editor | None = None) -> None:
        self.evidence_files: dict[int, int] = {}
        evidence: TableColumn[ControlRow] = TableColumn(
            EVIDENCE_HEADER,
            lambda row: str(self.evidence_files.get(row.id, 0)),
            sort_key=lambda row: self.evidence_files.get(row.id, 0),
        )
        super().__init__([*(_column(spec) for spec in self.FIELDS), evidence])
        self.evidence_column = len(self.FIELDS)
        self.editor = editor
        self._statuses: set[str] = set()
        self._owner: str | None = None
        self._key_only = False
        self._criteria: frozenset[str] | None = None
        self._text = [_text_of(spec) for spec in self.FIELDS]
        self._flags = [_flags_of(spec, editable=editor is not None) for spec in self.FIELDS]
        self._flags.append(Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled)

    def set_evidence_counts(self, counts: dict[int, int]) -> None:
        """How many evidence files each control holds (control id -> count)."""
        self.evidence_files = dict(counts)
        if self.rowCount():
            column = self.evidence_column
            self.dataChanged.emit(self.index(0, column), self.index(self.rowCount() - 1, column))

    def search_text(self, row: ControlRow) -> str:
        return search_text(row)

    def filtering(self) -> bool:
        return bool(self._statuses or self._owner is not None or self._key_only or self._criteria is not None)

    def accepts(self, row: ControlRow) -> bool:
        if self._statuses and row.status not in self._statuses:
            return False
        if self._owner is not None and row.owner != self._owner:
            return False
        if self._key_only and not row.is_key:
            return False
        return self._criteria is None or not self._criteria.isdisjoint(row.criteria)

    def column_of(self, field: str) -> int:
        return next(i for i, spec in enumerate(self.FIELDS) if spec.name == field)

    def owners(self) -> list[str]:
        return sorted({row.owner for row in self._all if row.owner}, key=str.casefold)

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
        self.refilter()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._all[self._visible[index.row()]]
        column = index.column()
        if column == self.evidence_column:
            return self._evidence_data(row, role)
        spec = self.FIELDS[column]
        if role == DISPLAY:  # the hot path: every visible cell, every paint
            return None if spec.kind == "bool" else self._text[column](getattr(row, spec.name))
        if role == CHECK_STATE and spec.kind == "bool":
            return Qt.CheckState.Checked if row.is_key else Qt.CheckState.Unchecked
        if role == STATUS_ROLE and spec.name == "status":
            return row.status
        if role == TOOL_TIP and spec.kind in ("long", "text", "criteria"):
            text = row.text(spec.name)
            return text if len(text) > 30 else None
        if role == EDIT:
            value = getattr(row, spec.name)
            if spec.kind == "date":
                return value.isoformat() if value else ""
            if spec.kind == "criteria":
                return ", ".join(value)
            if spec.kind == "int":
                return "" if value is None else str(value)
            return value if value is not None else ""
        if role in (CONTROL_ID_ROLE, ROW_ID_ROLE):
            return row.id
        return None

    def _evidence_data(self, row: ControlRow, role: int) -> Any:
        count = self.evidence_files.get(row.id, 0)
        if role == DISPLAY:
            return str(count)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return Qt.AlignmentFlag.AlignCenter
        if role == TOOL_TIP:
            return f"{counted(count, 'evidence file')} linked to {row.ref}"
        if role in (CONTROL_ID_ROLE, ROW_ID_ROLE):
            return row.id
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return self._flags[index.column()]

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if not index.isValid() or self.editor is None or index.column() == self.evidence_column:
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
