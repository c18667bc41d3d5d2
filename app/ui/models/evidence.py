"""Table model of the evidence list, with its filters."""

from datetime import date
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt

from app.domain.evidence import EvidenceRow
from app.domain.files import human_size, kind_of
from app.ui.models.base import RowTableModel, TableColumn
from app.ui.models.roles import EVIDENCE_ID_ROLE, STATUS_ROLE

Index = QModelIndex | QPersistentModelIndex


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


def _covers(row: EvidenceRow) -> str:
    if row.covers_from or row.covers_to:
        return f"{_day(row.covers_from)} – {_day(row.covers_to)}"
    return f"as of {_day(row.as_of)}" if row.as_of else ""


FLAG_COLUMN = 7
"""The Flag column: stale, unlinked, missing or altered, shown as a chip."""


class EvidenceTableModel(RowTableModel[EvidenceRow]):
    """All evidence of an engagement; the view shows what passes the filters.

    Signals:
        filtered(int): the number of visible rows after a filter change.
    """

    def __init__(self) -> None:
        super().__init__(
            [
                TableColumn("Title", lambda row: row.title),
                TableColumn("File", lambda row: row.file_name),
                TableColumn("Kind", lambda row: kind_of(row.media_type)),
                TableColumn("Size", lambda row: human_size(row.size), sort_key=lambda row: row.size),
                TableColumn("Collected", lambda row: _day(row.collected_on)),
                TableColumn("Covers", _covers),
                TableColumn("Controls", lambda row: ", ".join(row.controls)),
                TableColumn("Flag", self.flag),
                TableColumn("SHA-256", lambda row: row.sha256[:12], tooltip=lambda row: row.sha256),
            ]
        )
        self.stale: set[int] = set()
        self.problems: dict[int, str] = {}
        self.filters: dict[str, Any] = {}

    def search_text(self, row: EvidenceRow) -> str:
        return " ".join([row.title, row.file_name, row.source_system, row.notes, *row.controls]).casefold()

    def set_evidence(self, rows: list[EvidenceRow], stale: set[int]) -> None:
        self.stale = set(stale)
        self.problems = {key: value for key, value in self.problems.items() if any(r.id == key for r in rows)}
        self.set_rows(rows)

    def set_problems(self, problems: dict[int, str]) -> None:
        self.problems = dict(problems)
        self.refilter()

    def set_filters(self, **filters: Any) -> None:
        """text, control (ref), controls (set of refs), kind, collected_from, collected_to, stale, unlinked,
        problems."""
        self.filters.update(filters)
        self._terms = str(self.filters.get("text") or "").casefold().split()
        self.refilter()

    def filtering(self) -> bool:
        return any(value not in (None, False, "") for key, value in self.filters.items() if key != "text")

    def accepts(self, row: EvidenceRow) -> bool:
        f = self.filters
        collected = row.collected_on
        checks = (
            not f.get("control") or f["control"] in row.controls,
            f.get("controls") is None or bool(set(f["controls"]).intersection(row.controls)),
            not f.get("kind") or kind_of(row.media_type) == f["kind"],
            not f.get("collected_from") or (collected is not None and collected >= f["collected_from"]),
            not f.get("collected_to") or (collected is not None and collected <= f["collected_to"]),
            not f.get("stale") or row.id in self.stale,
            not f.get("unlinked") or not row.controls,
            not f.get("problems") or row.id in self.problems,
        )
        return all(checks)

    def flag_key(self, row: EvidenceRow) -> str | None:
        """The flag as a chip's key: ``missing`` (missing or altered), ``stale``, ``unlinked`` or none."""
        if row.id in self.problems:
            return "missing"
        if row.id in self.stale:
            return "stale"
        return None if row.controls else "unlinked"

    def flag(self, row: EvidenceRow) -> str:
        if row.id in self.problems:
            return self.problems[row.id].capitalize()
        if row.id in self.stale:
            return "Stale"
        if not row.controls:
            return "Unlinked"
        return ""

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == EVIDENCE_ID_ROLE and index.isValid():
            return self.row_at(index.row()).id
        if role == STATUS_ROLE and index.isValid() and index.column() == FLAG_COLUMN:
            return self.flag_key(self.row_at(index.row()))
        return super().data(index, role)
