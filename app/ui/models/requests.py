"""Table models of fieldwork: the auditor's requests, the sampled items, the exceptions."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt

from app.domain.fieldwork import CLOSED_STATUSES, ExceptionRow, SampleItemRow, SampleRow, request_due_state
from app.domain.requests import RequestRow, RequestStatus
from app.domain.vocab import Status, label
from app.ui.models.base import RowTableModel, TableColumn
from app.ui.models.roles import STATUS_ROLE

Index = QModelIndex | QPersistentModelIndex
DUE_WORDS = {"overdue": "overdue", "due-soon": "due this week"}
DUE_CHIPS = {"overdue": "missing", "due-soon": "stale"}
"""The chip a due date is shown as: red when overdue, amber when due this week (always with its words)."""
STATUS_CHIPS = {
    RequestStatus.OPEN: Status.NOT_STARTED.value,
    RequestStatus.IN_PROGRESS: Status.IN_PROGRESS.value,
    RequestStatus.PROVIDED: Status.IMPLEMENTED.value,
    RequestStatus.ACCEPTED: Status.READY_FOR_AUDIT.value,
    RequestStatus.FOLLOW_UP: "stale",
    RequestStatus.WITHDRAWN: "unlinked",
}
"""The status chip each request status is painted as, in the colours every page uses."""
STATUS_COLUMN = 2
DUE_COLUMN = 3
WAITING = "waiting"
"""Status filter value: every request still waiting on the client."""


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


def _one_line(text: str) -> str:
    return " ".join(text.split())


class RequestTableModel(RowTableModel[RequestRow]):
    """The auditor's requests with our status; overdue and due-this-week rows say so in colour and words.

    Signals:
        filtered(int): the number of visible rows after the rows or the filters changed.
    """

    def __init__(self, today: date | None = None) -> None:
        super().__init__(
            [
                TableColumn("ID", lambda row: row.request.request_id, sort_key=lambda row: row.request.row),
                TableColumn(
                    "Request", lambda row: _one_line(row.request.text), tooltip=lambda r: r.request.text
                ),
                TableColumn("Status", lambda row: label(row.status.value)),
                TableColumn("Due", self.due_words, sort_key=lambda row: row.effective_due or date.max),
                TableColumn("Owner", lambda row: row.owner),
                TableColumn("Auditor's status", lambda row: row.request.auditor_status),
                TableColumn("Controls", lambda row: ", ".join(row.controls)),
                TableColumn(
                    "Files",
                    lambda row: str(len(row.evidence)) if row.evidence else "",
                    sort_key=lambda row: len(row.evidence),
                    tooltip=lambda row: "\n".join(row.evidence) or None,
                ),
            ]
        )
        self.today = today or date.today()
        self.filters: dict[str, Any] = {"withdrawn": False}

    def due_words(self, row: RequestRow) -> str:
        """The due date (ours, else the auditor's), and whether it is overdue or due this week."""
        state = request_due_state(row, self.today)
        return _day(row.effective_due) + (f" · {DUE_WORDS[state]}" if state else "")

    def search_text(self, row: RequestRow) -> str:
        request = row.request
        parts = [
            request.request_id,
            request.text,
            *request.criteria,
            *request.references,
            row.owner,
            row.notes,
        ]
        return " ".join([*parts, request.comments, *row.controls, *row.evidence]).casefold()

    def set_filters(self, **filters: Any) -> None:
        """status (a status or ``waiting``), owner, due (``overdue`` / ``due-soon``), withdrawn, text."""
        self.filters.update(filters)
        self._terms = str(self.filters.get("text") or "").casefold().split()
        self.refilter()

    def filtering(self) -> bool:
        f = self.filters
        return bool(f.get("status") or f.get("owner") or f.get("due") or not f.get("withdrawn"))

    def accepts(self, row: RequestRow) -> bool:
        f = self.filters
        status = f.get("status")
        if status == WAITING:
            status_ok = row.status not in CLOSED_STATUSES
        else:
            status_ok = not status or row.status.value == status
        return (
            status_ok
            and (not f.get("owner") or row.owner == f["owner"])
            and (not f.get("due") or request_due_state(row, self.today) == f["due"])
            and (f.get("withdrawn") or row.listed or status == RequestStatus.WITHDRAWN.value)
        )

    def counts(self) -> dict[str, int]:
        """How many listed requests are overdue, due this week, still waiting, and how many there are."""
        rows = [row for row in self.all_rows() if row.listed]
        states = [request_due_state(row, self.today) for row in rows]
        return {
            "requests": len(rows),
            "overdue": states.count("overdue"),
            "due-soon": states.count("due-soon"),
            "waiting": sum(1 for row in rows if row.status not in CLOSED_STATUSES),
        }

    def owners(self) -> list[str]:
        return sorted({row.owner for row in self.all_rows() if row.owner}, key=str.casefold)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == STATUS_ROLE and index.isValid():
            row = self.row_at(index.row())
            if index.column() == STATUS_COLUMN:
                return STATUS_CHIPS[row.status]
            if index.column() == DUE_COLUMN:
                state = request_due_state(row, self.today)
                return DUE_CHIPS[state] if state else None
        return super().data(index, role)


@dataclass(frozen=True, slots=True)
class SampledItem:
    """One row of the samples table: a sampled item with the sample it belongs to."""

    id: int
    sample: SampleRow
    item: SampleItemRow


def sampled_items(samples: list[SampleRow]) -> list[SampledItem]:
    """The listed items of *samples*, each with its sample, in the samples' order."""
    return [SampledItem(item.id, sample, item) for sample in samples for item in sample.items if item.listed]


class SampleItemTableModel(RowTableModel[SampledItem]):
    """Every sampled item: the auditor's selections by request, then the self-test draws by control.

    Signals:
        filtered(int): the number of visible rows.
    """

    def __init__(self) -> None:
        super().__init__(
            [
                TableColumn("Sample", lambda row: row.sample.title),
                TableColumn(
                    "No.", lambda row: row.item.number, sort_key=lambda row: _number(row.item.number)
                ),
                TableColumn("Item", lambda row: row.item.item),
                TableColumn("Date", lambda row: _day(row.item.when)),
                TableColumn(
                    "Evidence",
                    lambda row: ", ".join(row.item.evidence),
                    sort_key=lambda row: len(row.item.evidence),
                ),
            ]
        )


def _number(text: str) -> tuple[int, str]:
    return (int(text), "") if text.isdigit() else (1 << 30, text.casefold())


class ExceptionTableModel(RowTableModel[ExceptionRow]):
    """The exceptions recorded, by date.

    Signals:
        filtered(int): the number of visible rows.
    """

    def __init__(self) -> None:
        super().__init__(
            [
                TableColumn(
                    "Date", lambda row: _day(row.occurred_on), sort_key=lambda r: r.occurred_on or date.max
                ),
                TableColumn("Against", lambda row: row.subject),
                TableColumn(
                    "What happened", lambda row: _one_line(row.description), tooltip=lambda r: r.description
                ),
                TableColumn("Root cause", lambda row: _one_line(row.root_cause)),
                TableColumn("Remediation", lambda row: _one_line(row.remediation)),
                TableColumn("Management response", lambda row: _one_line(row.management_response)),
            ]
        )
