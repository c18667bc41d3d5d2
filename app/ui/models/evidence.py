"""Table model of the evidence list, with its filters."""

from collections.abc import Iterable
from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from app.domain.evidence import EvidenceRow
from app.domain.files import human_size, kind_of
from app.ui.models.roles import EVIDENCE_ID_ROLE

Index = QModelIndex | QPersistentModelIndex


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


class EvidenceTableModel(QAbstractTableModel):
    """All evidence of an engagement; the view shows what passes the filters."""

    HEADERS = ("Title", "File", "Kind", "Size", "Collected", "Covers", "Controls", "Flag", "SHA-256")

    def __init__(self) -> None:
        super().__init__()
        self._all: list[EvidenceRow] = []
        self._visible: list[int] = []
        self.stale: set[int] = set()
        self.problems: dict[int, str] = {}
        self.filters: dict[str, Any] = {}

    def set_evidence(self, rows: Iterable[EvidenceRow], stale: set[int]) -> None:
        self.beginResetModel()
        self._all = list(rows)
        self.stale = set(stale)
        self.problems = {
            key: value for key, value in self.problems.items() if any(r.id == key for r in self._all)
        }
        self._visible = self._filtered()
        self.endResetModel()

    def set_problems(self, problems: dict[int, str]) -> None:
        self.beginResetModel()
        self.problems = dict(problems)
        self._visible = self._filtered()
        self.endResetModel()

    def set_filters(self, **filters: Any) -> None:
        """text, control (ref), criteria (set of ids), kind, collected_from, collected_to, stale, unlinked."""
        self.beginResetModel()
        self.filters.update(filters)
        self._visible = self._filtered()
        self.endResetModel()

    def _filtered(self) -> list[int]:
        f = self.filters
        terms = str(f.get("text") or "").casefold().split()
        result = []
        for position, row in enumerate(self._all):
            if terms:
                text = " ".join(
                    [row.title, row.file_name, row.source_system, row.notes, *row.controls]
                ).casefold()
                if not all(term in text for term in terms):
                    continue
            if f.get("control") and f["control"] not in row.controls:
                continue
            if f.get("controls") is not None and not set(f["controls"]).intersection(row.controls):
                continue
            if f.get("kind") and kind_of(row.media_type) != f["kind"]:
                continue
            if f.get("collected_from") and (
                row.collected_on is None or row.collected_on < f["collected_from"]
            ):
                continue
            if f.get("collected_to") and (row.collected_on is None or row.collected_on > f["collected_to"]):
                continue
            if f.get("stale") and row.id not in self.stale:
                continue
            if f.get("unlinked") and row.controls:
                continue
            if f.get("problems") and row.id not in self.problems:
                continue
            result.append(position)
        return result

    def evidence_at(self, row: int) -> EvidenceRow:
        return self._all[self._visible[row]]

    def row_of(self, evidence_id: int) -> int:
        for view_row, position in enumerate(self._visible):
            if self._all[position].id == evidence_id:
                return view_row
        return -1

    def total(self) -> int:
        return len(self._all)

    def flag(self, row: EvidenceRow) -> str:
        if row.id in self.problems:
            return self.problems[row.id].capitalize()
        if row.id in self.stale:
            return "Stale"
        if not row.controls:
            return "Unlinked"
        return ""

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._visible)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.evidence_at(index.row())
        if role == EVIDENCE_ID_ROLE:
            return row.id
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        covers = (
            f"{_day(row.covers_from)} – {_day(row.covers_to)}"
            if row.covers_from or row.covers_to
            else (f"as of {_day(row.as_of)}" if row.as_of else "")
        )
        values = (
            row.title,
            row.file_name,
            kind_of(row.media_type),
            human_size(row.size),
            _day(row.collected_on),
            covers,
            ", ".join(row.controls),
            self.flag(row),
            row.sha256 if role == Qt.ItemDataRole.ToolTipRole else row.sha256[:12],
        )
        return values[index.column()]

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None
