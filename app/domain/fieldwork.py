"""Fieldwork as screens, commands and exports use it: requests, populations, samples, exceptions.

The auditor's request list itself (statuses, columns, merging, drawing a
sample) is read by :mod:`app.domain.requests`; this module holds what the
workbench keeps about the work on it:

- the read models (:class:`RequestListRow`, :class:`PopulationRow`,
  :class:`SampleRow` with its :class:`SampleItemRow`, :class:`ExceptionRow`);
- the fields of a request that are ours and of an exception, declared once
  (:data:`REQUEST_FIELDS`, :data:`EXCEPTION_FIELDS`);
- which controls a request names (:func:`suggest_controls`), and which
  requests are overdue or due this week (:func:`request_due_state`);
- what a population file lists (:func:`read_population`).
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Literal

from app.domain.controls import ControlRow
from app.domain.periods import parse_day
from app.domain.requests import (
    AuditorRequest,
    DateOrder,
    PopulationItem,
    RequestRow,
    RequestStatus,
    decide_date_order,
    parse_date,
)
from app.domain.sampling import due_status
from app.domain.tabular import HEADER_SEARCH_ROWS, cell_text, header_key

FieldKind = Literal["text", "long", "date", "status"]


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One field the user edits: attribute name, its words for people, and its kind of value."""

    name: str
    label: str
    kind: FieldKind


REQUEST_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("status", "Status", "status"),
    FieldSpec("owner", "Owner", "text"),
    FieldSpec("due", "Due", "date"),
    FieldSpec("date_provided", "Date provided", "date"),
    FieldSpec("notes", "Notes", "long"),
)
"""Our own fields of a request (the auditor's change only by re-importing the list)."""

EXCEPTION_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("occurred_on", "Date", "date"),
    FieldSpec("description", "What happened", "long"),
    FieldSpec("root_cause", "Root cause", "long"),
    FieldSpec("remediation", "Remediation", "long"),
    FieldSpec("management_response", "Management response", "long"),
)
"""The fields of an exception, in the order they are asked for and shown."""

CLOSED_STATUSES = frozenset({RequestStatus.PROVIDED, RequestStatus.ACCEPTED, RequestStatus.WITHDRAWN})
"""Statuses of requests that are no longer waiting on the client."""


def coerce_field(spec: FieldSpec, value: Any) -> Any:
    """A field's value from user input (text, ``YYYY-MM-DD``, a status); ``ValueError`` in plain words."""
    if spec.kind == "date":
        if value is None or isinstance(value, date):
            return value
        text = str(value).strip()
        return parse_day(text) if text else None
    if spec.kind == "status":
        try:
            return RequestStatus(str(value).strip().lower().replace(" ", "-"))
        except ValueError:
            words = ", ".join(status.value for status in RequestStatus)
            raise ValueError(f"{value!r} is not a request status (one of: {words})") from None
    text = "" if value is None else str(value)
    return " ".join(text.split()) if spec.kind == "text" else text.strip()


def field_named(fields: Sequence[FieldSpec], name: str) -> FieldSpec:
    for spec in fields:
        if spec.name == name:
            return spec
    raise ValueError(f"there is no field {name!r}")


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


# --- read models ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class RequestListRow:
    """The request list an engagement imported last: the file and how it was read."""

    id: int
    engagement_id: int
    file_name: str
    sha256: str
    sheet: str
    header_row: int
    samples_sheet: str | None
    date_order: str | None
    auditor_firm: str
    imported_at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class PopulationRow:
    """A control's population: its file (an evidence record), SHA-256 and how many occurrences it lists."""

    id: int
    engagement_id: int
    control_id: int
    control_ref: str
    evidence_id: int
    file_name: str
    sha256: str
    item_count: int
    first_date: date | None = None
    last_date: date | None = None
    added_at: datetime | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "control": self.control_ref,
            "file_name": self.file_name,
            "sha256": self.sha256,
            "items": self.item_count,
            "first_date": _iso(self.first_date),
            "last_date": _iso(self.last_date),
        }


class SampleSource(StrEnum):
    """Who chose a sample: the auditor (imported from the samples sheet or entered), or a self-test draw."""

    AUDITOR = "auditor"
    DRAWN = "drawn"


@dataclass(frozen=True, slots=True, kw_only=True)
class SampleItemRow:
    """One sampled item; ``row`` is its row on the auditor's samples sheet (``None``: entered or drawn).

    ``position`` is its place in the population file for a drawn item;
    ``listed`` is False once a re-imported samples sheet no longer has it.
    """

    id: int
    sample_id: int
    number: str
    item: str = ""
    when: date | None = None
    row: int | None = None
    position: int | None = None
    listed: bool = True
    evidence: tuple[str, ...] = ()
    evidence_ids: tuple[int, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "item": self.item,
            "date": _iso(self.when),
            "position": self.position,
            "evidence": list(self.evidence),
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class SampleRow:
    """A sample and its items: the auditor's for a request, or drawn for a control (with seed and method)."""

    id: int
    engagement_id: int
    source: SampleSource
    request_id: int | None = None
    request_ref: str | None = None
    control_id: int | None = None
    control_ref: str | None = None
    population: str = ""
    population_sha256: str = ""
    population_size: int | None = None
    seed: str = ""
    method: str = ""
    items: tuple[SampleItemRow, ...] = ()

    @property
    def title(self) -> str:
        """``PBC-002 (auditor's selection)`` or ``CM-01 (drawn)``."""
        if self.source is SampleSource.DRAWN:
            return f"{self.control_ref} (drawn for self-testing)"
        return f"{self.request_ref} (auditor's selection)"

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready values (no database ids, so a draw prints the same everywhere)."""
        return {
            "source": self.source.value,
            "request": self.request_ref,
            "control": self.control_ref,
            "population": self.population,
            "population_sha256": self.population_sha256 or None,
            "population_size": self.population_size,
            "seed": self.seed or None,
            "method": self.method or None,
            "size": len([item for item in self.items if item.listed]),
            "items": [item.as_dict() for item in self.items if item.listed],
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class ExceptionRow:
    """A deviation against a control or a sampled item, and what management does about it.

    ``control_ref`` is the control's, or for a sampled item the control of its
    sample (a drawn sample) or the first control its request is linked to.
    """

    id: int
    engagement_id: int
    control_id: int | None = None
    control_ref: str | None = None
    sample_item_id: int | None = None
    sample_item: str | None = None
    request_ref: str | None = None
    occurred_on: date | None = None
    description: str = ""
    root_cause: str = ""
    remediation: str = ""
    management_response: str = ""

    @property
    def subject(self) -> str:
        """What it is against, in words: ``CM-01``, ``CM-01 · PBC-002 sample 1 (CHG-1041)``."""
        if self.sample_item and self.control_ref and not self.sample_item.startswith(f"{self.control_ref} "):
            return f"{self.control_ref} · {self.sample_item}"
        return self.sample_item or self.control_ref or "—"

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "control": self.control_ref,
            "sample_item": self.sample_item,
            "request": self.request_ref,
            "date": _iso(self.occurred_on),
            "description": self.description,
            "root_cause": self.root_cause,
            "remediation": self.remediation,
            "management_response": self.management_response,
        }


def request_json(row: RequestRow) -> dict[str, Any]:
    """A request as ``requests list --json`` prints it: the auditor's words and ours, kept apart."""
    request = row.request
    return {
        "id": request.request_id,
        "text": request.text,
        "criteria": list(request.criteria),
        "references": list(request.references),
        "type": request.request_type,
        "due": _iso(row.effective_due),
        "status": row.status.value,
        "auditor_status": request.auditor_status,
        "owner": row.owner,
        "controls": list(row.controls),
        "evidence": list(row.evidence),
        "auditor_comments": request.comments,
        "notes": row.notes,
        "date_provided": _iso(row.date_provided),
        "listed": row.listed,
    }


def request_due_state(row: RequestRow, today: date) -> Literal["overdue", "due-soon"] | None:
    """Whether a request still waiting on the client is overdue or due within a week."""
    due = row.effective_due
    if due is None or row.status in CLOSED_STATUSES or not row.listed:
        return None
    state = due_status(due, today)
    return None if state == "scheduled" else state


# --- controls a request names --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ControlSuggestion:
    """A control a request seems to be about, and why; ``named`` when the request names its ref."""

    control_id: int
    ref: str
    title: str
    reason: str
    named: bool


def _ref_key(text: str) -> str:
    """A control ref reduced for matching: ``AC-01``, ``ac 1`` and ``AC1`` are one key."""
    key = re.sub(r"[^0-9a-z]+", "", text.casefold())
    return re.sub(r"(?<![0-9])0+(?=[0-9])", "", key)


def _named_keys(request: AuditorRequest) -> dict[str, str]:
    """Key -> the text as written, of every reference, its words and pairs of words (``AC 1``).

    The references column and the criteria cell's text that is no criterion
    (auditors put control refs there too) are read.
    """
    named: dict[str, str] = {}
    for reference in (*request.references, *request.unknown_criteria):
        words = [word for word in re.split(r"[\s,;/|()]+", reference) if word]
        pairs = [f"{first} {second}" for first, second in zip(words, words[1:], strict=False)]
        for text in (reference, *words, *pairs):
            key = _ref_key(text)
            if key and key not in named:
                named[key] = text.strip()
    return named


def suggest_controls(
    request: AuditorRequest, controls: Sequence[ControlRow], *, linked: Iterable[int] = ()
) -> tuple[ControlSuggestion, ...]:
    """The controls a request names by ref, then those mapped to its criteria (key controls first).

    Controls already *linked* are left out. Suggestions are for the user to
    confirm; nothing is linked here.
    """
    skip = set(linked)
    named = _named_keys(request)
    criteria = set(request.criteria)
    by_ref: list[ControlSuggestion] = []
    by_criteria: list[tuple[tuple[int, int, str], ControlSuggestion]] = []
    for control in controls:
        if control.id in skip:
            continue
        written = named.get(_ref_key(control.ref))
        if written is not None:
            reason = f"the request names {written}"
            by_ref.append(ControlSuggestion(control.id, control.ref, control.title, reason, True))
            continue
        shared = [criterion for criterion in control.criteria if criterion in criteria]
        if shared:
            reason = f"maps to {', '.join(shared)}, which the request names"
            rank = (0 if control.is_key else 1, -len(shared), control.ref)
            suggestion = ControlSuggestion(control.id, control.ref, control.title, reason, False)
            by_criteria.append((rank, suggestion))
    return (*by_ref, *(suggestion for _, suggestion in sorted(by_criteria, key=lambda pair: pair[0])))


# --- population files ----------------------------------------------------------------------------

_DATE_WORDS = frozenset(
    {"date", "day", "created", "opened", "closed", "resolved", "completed", "approved", "timestamp", "when"}
)
_LABEL_WORDS = frozenset({"id", "number", "no", "key", "ticket", "ref", "reference", "name", "item"})


@dataclass(frozen=True, slots=True)
class PopulationTable:
    """What a population file lists: its header row (0: none), the columns read, and every occurrence."""

    header_row: int
    label_column: str
    date_column: str | None
    items: tuple[PopulationItem, ...]
    undated: int
    date_order: DateOrder | None


def _filled(row: Sequence[Any]) -> list[int]:
    return [index for index, value in enumerate(row) if cell_text(value)]


def _names_columns(row: Sequence[Any], width: int) -> bool:
    """Whether a row reads as column names: words only, no date, no number (nor a lone ID with digits)."""
    filled = _filled(row)
    for index in filled:
        value = row[index]
        if not isinstance(value, str) or re.fullmatch(r"[\d.,\s-]+", value.strip()):
            return False
        try:
            if parse_date(value, DateOrder.MONTH_FIRST) is not None:
                return False
        except ValueError:
            pass
    return bool(filled) and not (width == 1 and re.search(r"\d", cell_text(row[filled[0]])))


def _header_row(rows: Sequence[Sequence[Any]]) -> int:
    """The header: the first of the top rows as wide as the table, or the row above it (0: no header).

    Title rows above it fill fewer cells (a CSV title with a comma fills two);
    when the first full row holds data, the row just above names the columns
    if it fills more than half of them.
    """
    width = max((len(_filled(row)) for row in rows[:50]), default=0)
    for number, row in enumerate(rows[:HEADER_SEARCH_ROWS], 1):
        if len(_filled(row)) < width:
            continue
        if _names_columns(row, width):
            return number
        above = rows[number - 2] if number > 1 else ()
        if 2 * len(_filled(above)) > width and _names_columns(above, width):
            return number - 1
        return 0
    return 0


def _words(header: Any) -> set[str]:
    return set(header_key(header).split())


def _date_column(header: Sequence[Any], data: Sequence[Sequence[Any]], order: DateOrder | None) -> int | None:
    """The column of dates: named like one and mostly holding dates, else the first holding only dates."""
    width = max((len(row) for row in data), default=0)

    def parsed(column: int) -> tuple[int, int]:
        values = [row[column] for row in data if column < len(row) and cell_text(row[column])]
        good = 0
        for value in values:
            try:
                good += parse_date(value, order or DateOrder.MONTH_FIRST) is not None
            except ValueError:
                continue
        return good, len(values)

    named = [c for c in range(width) if c < len(header) and _words(header[c]) & _DATE_WORDS]
    for column in named:
        good, total = parsed(column)
        if total and good * 2 >= total:
            return column
    for column in range(width):
        values = [row[column] for row in data if column < len(row) and row[column] is not None]
        if values and all(isinstance(value, date) for value in values):
            return column
    return None


def _label_column(header: Sequence[Any], width: int, date_column: int | None) -> int:
    columns = [c for c in range(width) if c != date_column]
    named = [c for c in columns if c < len(header) and _words(header[c]) & _LABEL_WORDS]
    return (named or columns or [0])[0]


def read_population(rows: Sequence[Sequence[Any]], *, day_first: bool | None = None) -> PopulationTable:
    """Every occurrence a population listing holds, one per filled row under its header.

    The header is the first of the top rows naming every column in words
    (title rows above it are skipped); an occurrence is labelled by its first
    ID-like column (``ID``, ``Ticket``, ``Number``...) or its first column,
    and dated by a column named like a date (``Created``, ``Date``...) or
    holding only dates. Text dates are read in *day_first* order, or the
    order their values show; ``ValueError`` asks for it when they cannot show
    it. A listing with a header and no rows is an empty population.
    """
    header_row = _header_row(rows)
    header = rows[header_row - 1] if header_row else ()
    data = [row for row in rows[header_row:] if _filled(row)]
    width = max([len(header), *(len(row) for row in data)], default=0)
    order: DateOrder | None = None
    if day_first is not None:
        order = DateOrder.DAY_FIRST if day_first else DateOrder.MONTH_FIRST
    date_column = _date_column(header, data, order)
    if date_column is not None and order is None:
        choice = decide_date_order(row[date_column] for row in data if date_column < len(row))
        if choice.ambiguous:
            raise ValueError(choice.reason)
        order = choice.order
    label_column = _label_column(header, width, date_column)
    items: list[PopulationItem] = []
    undated = 0
    for position, row in enumerate(data, 1):
        label = cell_text(row[label_column]) if label_column < len(row) else ""
        label = label or " ".join(cell_text(value) for value in row if cell_text(value))
        when: date | None = None
        if date_column is not None and date_column < len(row):
            try:
                when = parse_date(row[date_column], order)
            except ValueError:
                when = None
        undated += when is None
        items.append(PopulationItem(position, label, when))
    return PopulationTable(
        header_row=header_row,
        label_column=_column_name(header, label_column),
        date_column=None if date_column is None else _column_name(header, date_column),
        items=tuple(items),
        undated=undated,
        date_order=order,
    )


def _column_name(header: Sequence[Any], column: int) -> str:
    name = cell_text(header[column]) if column < len(header) else ""
    return name or f"column {column + 1}"


def population_items_json(items: Sequence[PopulationItem]) -> list[list[Any]]:
    """Items as stored: ``[position, label, ISO date or null]``."""
    return [[item.position, item.label, _iso(item.when)] for item in items]


def population_items(stored: Sequence[Sequence[Any]]) -> tuple[PopulationItem, ...]:
    """The items of :func:`population_items_json` read back."""
    return tuple(
        PopulationItem(int(position), str(label), date.fromisoformat(when) if when else None)
        for position, label, when in stored
    )


def sample_item_words(request_ref: str | None, control_ref: str | None, number: str, item: str) -> str:
    """A sampled item in words: ``PBC-002 sample 1 (CHG-1041)``."""
    owner = request_ref or control_ref or "sample"
    return f"{owner} sample {number}" + (f" ({item})" if item else "")


def date_spread(items: Iterable[PopulationItem]) -> tuple[date | None, date | None]:
    """The first and last date of dated items."""
    dates = sorted(item.when for item in items if item.when is not None)
    return (dates[0], dates[-1]) if dates else (None, None)
