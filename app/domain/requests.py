"""The auditor's request list (PBC, "provided by client"): what it says, how we read it, how it changes.

An auditor's request list is a spreadsheet with one row per request. This
module holds the rules for reading it that do not depend on the file format:

- the statuses we track a request through (:class:`RequestStatus`);
- the columns a request list has and the header names auditors give them
  (:class:`ColumnRole`, :data:`REQUEST_HEADERS`, :func:`propose_mapping`),
  likewise for a sheet of samples (:class:`SampleRole`);
- criterion references written in any of the usual ways
  (:func:`parse_criteria_refs`);
- dates as the auditor wrote them: real dates, spreadsheet date numbers, or
  text in day-first or month-first order, the order decided from every date
  in the file, with an explicit "ask the user" outcome
  (:func:`decide_date_order`, :func:`parse_date`);
- re-importing an updated list (:func:`merge_request_list`);
- a self-test sample the auditor can re-run (:func:`draw_sample`).

Header cells and dates are read with the shared rules of
:mod:`app.domain.tabular`, as every table import reads them.
"""

import hashlib
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from typing import TypeVar

from app.domain.catalog import load_catalog
from app.domain.periods import describe_period
from app.domain.tabular import header_key, infer_day_first, parse_date_cell
from app.domain.wording import counted

# --- statuses and columns ----------------------------------------------------------------------


class RequestStatus(StrEnum):
    """Where the client stands on one request (the auditor's own status is kept apart, as text)."""

    OPEN = "open"
    IN_PROGRESS = "in-progress"
    PROVIDED = "provided"
    ACCEPTED = "accepted"
    FOLLOW_UP = "follow-up"
    WITHDRAWN = "withdrawn"


class ColumnRole(StrEnum):
    """What a column of a request list holds."""

    REQUEST_ID = "request-id"
    TEXT = "text"
    CRITERIA = "criteria"
    CONTROL_REF = "control-ref"
    TYPE = "type"
    PERIOD = "period"
    OWNER = "owner"
    DUE = "due"
    STATUS = "status"
    COMMENTS = "comments"


class SampleRole(StrEnum):
    """What a column of the auditor's samples sheet holds."""

    REQUEST_ID = "request-id"
    POPULATION = "population"
    SAMPLE_NUMBER = "sample-number"
    ITEM = "item"
    DATE = "date"


R = TypeVar("R", bound=StrEnum)


def _names(text: str) -> tuple[str, ...]:
    return tuple(name.strip() for name in text.split(","))


_REQUEST_ID_NAMES = _names(
    "request id, request no, request number, request ref, request reference, req id, req no, req number, "
    "pbc id, pbc no, pbc number, pbc ref, pbc item no, pbc item number, id, no, number, ref, ref no, "
    "ref number, item no, item number, request item no, request item number, irl no, irl number, irl id"
)

REQUEST_HEADERS: Mapping[ColumnRole, tuple[str, ...]] = {
    ColumnRole.REQUEST_ID: _REQUEST_ID_NAMES,
    ColumnRole.TEXT: _names(
        "request, request text, request description, request detail, request details, description, "
        "description of request, information requested, documents requested, document requested, "
        "evidence requested, item requested, items requested, requested item, requested information, "
        "pbc description, pbc request, request item"
    ),
    ColumnRole.CRITERIA: _names(
        "criteria, criterion, tsc, tsc ref, tsc reference, tsc criteria, trust services criteria, "
        "criteria ref, criteria reference, soc 2 criteria, mapped criteria, related criteria"
    ),
    ColumnRole.CONTROL_REF: _names(
        "control, control id, control no, control ref, control reference, control references, controls, "
        "control ids, related controls, related control, control number, control activity no, "
        "control activity number"
    ),
    ColumnRole.TYPE: _names("type, request type, evidence type, type of request, request category"),
    ColumnRole.PERIOD: _names(
        "period, period covered, test period, testing period, coverage period, date range, as of date, "
        "period or as of date, period as of date"
    ),
    ColumnRole.OWNER: _names(
        "owner, client owner, request owner, responsible, responsible party, responsible person, "
        "assigned to, assignee, client contact, contact, process owner"
    ),
    ColumnRole.DUE: _names(
        "due, due date, date due, deadline, target date, needed by, requested by, requested date, "
        "date requested by"
    ),
    ColumnRole.STATUS: _names("status, request status, auditor status, audit status, pbc status"),
    ColumnRole.COMMENTS: _names(
        "comments, comment, auditor comments, auditor comment, auditor notes, notes, remarks, "
        "auditor remarks, audit comments"
    ),
}
"""Header names auditors give each column (compared as :func:`~app.domain.tabular.header_key` leaves them)."""

SAMPLE_HEADERS: Mapping[SampleRole, tuple[str, ...]] = {
    SampleRole.REQUEST_ID: _REQUEST_ID_NAMES,
    SampleRole.POPULATION: _names("population, population name, population request, population file"),
    SampleRole.SAMPLE_NUMBER: _names(
        "sample no, sample number, sample, sample id, selection no, selection number, selection, "
        "sample item no, sample item number"
    ),
    SampleRole.ITEM: _names(
        "item, sample item, selected item, item description, description, sample description, "
        "transaction, ticket, ticket no, ticket number, item id, key"
    ),
    SampleRole.DATE: _names("date, sample date, item date, transaction date, event date, date of item"),
}
"""Header names of the samples sheet's columns (compared by :func:`~app.domain.tabular.header_key`)."""

REQUIRED_REQUEST_ROLES = (ColumnRole.REQUEST_ID, ColumnRole.TEXT)
"""A request list's header row names at least these: requests are merged by ID and read by text."""
REQUIRED_SAMPLE_ROLES = (SampleRole.REQUEST_ID, SampleRole.SAMPLE_NUMBER)
"""A samples sheet's header row names at least these: the request a sample serves and its number."""


def propose_mapping(
    headers: Sequence[object] | Mapping[int, object],
    names: Mapping[R, tuple[str, ...]],
    remembered: Mapping[str, R] | None = None,
) -> dict[R, int]:
    """Which column (numbered from 1) holds each role, from the header cells of one row.

    *headers* lists the row's cells from the first column, or maps column
    numbers to the cells a sparse row has. *remembered* (a header -> role,
    as a user confirmed them for this auditor before) wins over the usual
    *names*. A role goes to the first column that names it; a later column
    with the same name stays unmapped.
    """
    known = {header_key(name): role for role, role_names in names.items() for name in role_names}
    if remembered:
        known.update({header_key(key): role for key, role in remembered.items()})
    cells = sorted(headers.items()) if isinstance(headers, Mapping) else enumerate(headers, 1)
    mapping: dict[R, int] = {}
    for column, value in cells:
        role = known.get(header_key(value))
        if role is not None and role not in mapping:
            mapping[role] = column
    return mapping


def check_mapping(mapping: Mapping[R, int], required: Sequence[R], width: int) -> None:
    """Raise ``ValueError`` in plain words when *mapping* lacks a required role or misuses a column."""
    missing = [role.value for role in required if role not in mapping]
    if missing:
        raise ValueError(f"no column is chosen for: {', '.join(missing)}")
    used: dict[int, R] = {}
    for role, column in mapping.items():
        if not 1 <= column <= width:
            raise ValueError(f"column {column} for {role.value} is outside the sheet's {width} columns")
        if column in used:
            raise ValueError(f"column {column} is chosen for both {used[column].value} and {role.value}")
        used[column] = role


# --- criteria references -------------------------------------------------------------------------

_CRITERION_SPACED = re.compile(r"\b(CC|PI|A|C|P)\s+(\d)\s*\.\s*(\d)\b", re.IGNORECASE)
_CRITERION_RANGE = re.compile(
    r"\b((?:CC|PI|A|C|P)\d)\.(\d)\s*(?:-|–|—|to|through|thru)\s*(?:((?:CC|PI|A|C|P)?\d)\.)?(\d)(?![.\d])",
    re.IGNORECASE,
)
_REFERENCE_SEPARATORS = re.compile(r"[,;/|\n\r\t]+|\s+(?:and|&)\s+|\s+", re.IGNORECASE)


def _expand_range(match: re.Match[str], known: Collection[str]) -> str:
    """``CC6.1-CC6.3`` or ``CC6.1-6.3`` -> ``CC6.1 CC6.2 CC6.3`` when every ID between is a criterion."""
    group, first, last = match.group(1).upper(), int(match.group(2)), int(match.group(4))
    other = (match.group(3) or group).upper()
    if other.isdigit():
        other = group.rstrip("0123456789") + other
    ids = [f"{group}.{number}" for number in range(first, last + 1)]
    if other != group or len(ids) < 2 or not all(criterion in known for criterion in ids):
        return match.group(0)
    return " ".join(ids)


def parse_criteria_refs(
    text: object, known: Collection[str] | None = None
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The criterion IDs a cell names, and the tokens in it that are not criteria.

    Accepts ``CC6.1``, ``CC6.1, CC6.3``, ``CC3.1 CC3.2``, ``CC1.4; CC6.2``, any
    letter case, ``CC 6.1``, and ranges within a group (``CC6.1-CC6.3``,
    ``CC6.1 - 6.3``). *known* (the shipped catalog's IDs by default) decides
    what is a criterion; everything else is returned as written, to be kept
    and flagged, never dropped. Both results keep the cell's order, without
    repeats.
    """
    known_ids = load_catalog().ids if known is None else known
    cell = "" if text is None else str(text)
    cell = _CRITERION_SPACED.sub(lambda m: f"{m.group(1)}{m.group(2)}.{m.group(3)}", cell)
    cell = _CRITERION_RANGE.sub(lambda m: _expand_range(m, known_ids), cell)
    found: list[str] = []
    unknown: list[str] = []
    for token in _REFERENCE_SEPARATORS.split(cell):
        token = token.strip(" .:()[]{}\"'")
        if not token:
            continue
        upper = token.upper()
        if upper in known_ids:
            if upper not in found:
                found.append(upper)
        elif token not in unknown:
            unknown.append(token)
    return tuple(found), tuple(unknown)


def split_references(text: object) -> tuple[str, ...]:
    """Control references as written, one per item of a comma, semicolon or line-separated cell."""
    cell = "" if text is None else str(text)
    seen: list[str] = []
    for part in re.split(r"[,;\n\r]+", cell):
        item = " ".join(part.split())
        if item and item not in seen:
            seen.append(item)
    return tuple(seen)


# --- dates ---------------------------------------------------------------------------------------


class DateOrder(StrEnum):
    """How a date such as ``03/04/2026`` is read."""

    DAY_FIRST = "day-first"
    MONTH_FIRST = "month-first"


@dataclass(frozen=True, slots=True)
class DateOrderChoice:
    """The order the dates of a file are read in, and why.

    ``order`` is ``None`` when no date needed one, or when the values cannot
    settle it: then ``ambiguous`` is True and the user must choose.
    """

    order: DateOrder | None
    ambiguous: bool
    reason: str


FIRST_SERIAL = 18_264
"""1 Jan 1950 as a spreadsheet date number: a smaller number in a date column is a number, not a date."""
LAST_SERIAL = 109_573
"""31 Dec 2199 as a spreadsheet date number."""


def _reads_both_ways(value: object) -> bool:
    try:
        return parse_date_cell(value, day_first=True) != parse_date_cell(value, day_first=False)
    except ValueError:
        return False


def decide_date_order(values: Iterable[object]) -> DateOrderChoice:
    """Day-first or month-first, from every date written as text (see :func:`infer_day_first`).

    A first number above 12 settles day-first (``16/07/2026``), a second one
    month-first (``07/16/2026``); dates with dots are day-first by convention
    and settle nothing. When values settle both, or none settles it and some
    date reads two ways (``03/04/2026``), the user has to choose.
    """
    texts = [value for value in values if isinstance(value, str)]
    try:
        day_first = infer_day_first(texts)
    except ValueError as error:
        return DateOrderChoice(None, True, str(error))
    if day_first is not None:
        order = DateOrder.DAY_FIRST if day_first else DateOrder.MONTH_FIRST
        part = "first" if day_first else "second"
        return DateOrderChoice(
            order, False, f"a date whose {part} number is above 12 shows they are {order.value}"
        )
    example = next((text.strip() for text in texts if _reads_both_ways(text)), None)
    if example is not None:
        return DateOrderChoice(
            None, True, f"dates such as {example} can be read either way: choose day-first or month-first"
        )
    return DateOrderChoice(None, False, "no date needs a day or month order")


def parse_date(value: object, order: DateOrder | None) -> date | None:
    """A cell's date (see :func:`parse_date_cell`), text read in *order*; ``None`` for an empty cell.

    A number is a spreadsheet date number only from 1950 to 2199; outside
    that it is refused as a number, not a date. Raises ``ValueError`` in
    plain words.
    """
    if isinstance(value, int | float) and not isinstance(value, bool):
        if not FIRST_SERIAL <= value < LAST_SERIAL + 1:
            raise ValueError(f"{value:g} is a number, not a date")
    return parse_date_cell(value, day_first=None if order is None else order is DateOrder.DAY_FIRST)


# --- requests and re-import ------------------------------------------------------------------------


def request_key(request_id: str) -> str:
    """How request IDs are matched between two versions of a list: case and spacing do not count."""
    return " ".join(request_id.split()).casefold()


@dataclass(frozen=True, slots=True)
class AuditorRequest:
    """One request as the auditor's list states it (the auditor's words, never ours).

    ``row`` is the request's row in the list's request sheet (from 1);
    ``criteria`` are catalog IDs; ``unknown_criteria`` the rest of the
    criteria cell, kept as written; ``extras`` the columns we have no role
    for, as (header, text) pairs.
    """

    request_id: str
    text: str
    criteria: tuple[str, ...] = ()
    unknown_criteria: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    request_type: str = ""
    period: str = ""
    owner: str = ""
    due: date | None = None
    auditor_status: str = ""
    comments: str = ""
    extras: tuple[tuple[str, str], ...] = ()
    row: int = 0

    @property
    def key(self) -> str:
        return request_key(self.request_id)


@dataclass(frozen=True, slots=True)
class AuditorSample:
    """One item the auditor selected for a request, from the samples sheet (``row`` is its row there)."""

    request_id: str
    sample_number: str
    population: str = ""
    item: str = ""
    when: date | None = None
    row: int = 0


@dataclass(frozen=True, slots=True)
class RequestRow:
    """A request as we track it: the auditor's request and our own work on it.

    ``listed`` is False once the auditor's latest list no longer has the
    request (it is then withdrawn, never deleted). ``due`` is our own due date
    when we set one; :attr:`effective_due` falls back to the auditor's. ``id``
    is the stored request's id (0 before it is stored), ``version`` its record
    version (an edit based on an older one is refused in team mode).
    """

    request: AuditorRequest
    status: RequestStatus = RequestStatus.OPEN
    owner: str = ""
    notes: str = ""
    due: date | None = None
    date_provided: date | None = None
    controls: tuple[str, ...] = ()
    evidence: tuple[str, ...] = ()
    listed: bool = True
    id: int = 0
    version: int = 1

    @property
    def effective_due(self) -> date | None:
        return self.due or self.request.due


@dataclass(frozen=True, slots=True)
class WordingChange:
    """One thing the auditor changed in a request: the field's name for people, before and after."""

    field: str
    old: str
    new: str


@dataclass(frozen=True, slots=True)
class ChangedRequest:
    """A request the updated list words differently."""

    before: RequestRow
    after: RequestRow
    changes: tuple[WordingChange, ...]


@dataclass(frozen=True, slots=True)
class RequestMerge:
    """What re-importing a list does, request by request, before anything is stored.

    ``merged`` is every request afterwards: the new list's requests in its
    order, then those it no longer has. Our status, owner, notes, due date,
    links and evidence are kept on every existing request; ``withdrawn``
    ones get the withdrawn status; ``reinstated`` ones (back in the list
    after being withdrawn by an import) are open again.
    """

    added: tuple[RequestRow, ...]
    changed: tuple[ChangedRequest, ...]
    withdrawn: tuple[RequestRow, ...]
    reinstated: tuple[RequestRow, ...]
    merged: tuple[RequestRow, ...]


_COMPARED_FIELDS: tuple[tuple[str, str], ...] = (
    ("text", "request text"),
    ("criteria", "criteria"),
    ("unknown_criteria", "other criteria references"),
    ("references", "control references"),
    ("request_type", "request type"),
    ("period", "period"),
    ("owner", "owner named by the auditor"),
    ("due", "due date"),
    ("auditor_status", "auditor's status"),
    ("comments", "auditor's comments"),
)


def _shown(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return ", ".join(str(item) for item in value)
    return str(value)


def wording_changes(before: AuditorRequest, after: AuditorRequest) -> tuple[WordingChange, ...]:
    """Every field of the auditor's request that differs, then every extra column that does."""
    changes = [
        WordingChange(name, _shown(getattr(before, field)), _shown(getattr(after, field)))
        for field, name in _COMPARED_FIELDS
        if getattr(before, field) != getattr(after, field)
    ]
    old_extras, new_extras = dict(before.extras), dict(after.extras)
    for header in dict.fromkeys([*old_extras, *new_extras]):
        if old_extras.get(header, "") != new_extras.get(header, ""):
            changes.append(WordingChange(header, old_extras.get(header, ""), new_extras.get(header, "")))
    return tuple(changes)


def merge_request_list(existing: Sequence[RequestRow], incoming: Sequence[AuditorRequest]) -> RequestMerge:
    """Re-import an updated list by request ID (case and spacing aside).

    New requests are added as open; a request worded differently is reported
    with each change; requests the list no longer has are withdrawn, never
    deleted. Raises ``ValueError`` when *incoming* repeats a request ID.
    """
    previous = {row.request.key: row for row in existing}
    seen: set[str] = set()
    added: list[RequestRow] = []
    changed: list[ChangedRequest] = []
    reinstated: list[RequestRow] = []
    merged: list[RequestRow] = []
    for request in incoming:
        if request.key in seen:
            raise ValueError(f"the request ID {request.request_id!r} appears twice in the list")
        seen.add(request.key)
        before = previous.get(request.key)
        if before is None:
            row = RequestRow(request)
            added.append(row)
        else:
            row = replace(before, request=request, listed=True)
            if not before.listed:
                row = replace(row, status=RequestStatus.OPEN)
                reinstated.append(row)
            changes = wording_changes(before.request, request)
            if changes:
                changed.append(ChangedRequest(before, row, changes))
        merged.append(row)
    withdrawn: list[RequestRow] = []
    for before in existing:
        if before.request.key in seen:
            continue
        if before.listed:
            row = replace(before, status=RequestStatus.WITHDRAWN, listed=False)
            withdrawn.append(row)
        else:
            row = before
        merged.append(row)
    return RequestMerge(tuple(added), tuple(changed), tuple(withdrawn), tuple(reinstated), tuple(merged))


# --- self-test samples ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PopulationItem:
    """One occurrence of a population: its position in the population file (from 1), label and date."""

    position: int
    label: str
    when: date | None = None


@dataclass(frozen=True, slots=True)
class SampleDraw:
    """A drawn sample: the seed and the method in words (printed with it), and the items in draw order."""

    seed: str
    method: str
    population_size: int
    items: tuple[PopulationItem, ...]


def sample_seed(engagement: str, control_ref: str, population_sha256: str) -> str:
    """SHA-256 (hex) of the engagement's name, the control's ref and the population file's SHA-256.

    The three are joined by line feeds and encoded as UTF-8, so anyone can
    recompute the seed: ``printf '%s\\n%s\\n%s' ENG REF HASH | sha256sum``.
    """
    text = "\n".join((engagement, control_ref, population_sha256.strip().lower()))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _pick(seed: str, part: str, stratum: int, draw: int, count: int) -> int:
    """Index from 0 to *count* - 1: SHA-256 of ``seed:part:stratum:draw`` as a number, modulo *count*."""
    digest = hashlib.sha256(f"{seed}:{part}:{stratum}:{draw}".encode("ascii")).hexdigest()
    return int(digest, 16) % count


def _take(
    seed: str, part: str, strata: Sequence[Sequence[PopulationItem]], picks: Sequence[int]
) -> list[PopulationItem]:
    chosen: list[PopulationItem] = []
    for number, (stratum, wanted) in enumerate(zip(strata, picks, strict=True), 1):
        remaining = list(stratum)
        for draw in range(1, wanted + 1):
            chosen.append(remaining.pop(_pick(seed, part, number, draw, len(remaining))))
    return chosen


def _share(total: int, sizes: Sequence[int]) -> list[int]:
    """*total* picks over strata of *sizes*: one per non-empty stratum, the rest to the largest leftovers."""
    picks = [1 if size else 0 for size in sizes]
    for _ in range(total - sum(picks)):
        room = [size - taken for size, taken in zip(sizes, picks, strict=True)]
        picks[room.index(max(room))] += 1
    return picks


def _time_strata(
    items: Sequence[PopulationItem], count: int, start: date, end: date
) -> list[list[PopulationItem]]:
    span = (end - start).days + 1
    strata: list[list[PopulationItem]] = [[] for _ in range(count)]
    for item in sorted(items, key=lambda item: (item.when, item.position)):
        assert item.when is not None
        strata[(item.when - start).days * count // span].append(item)
    return strata


def _list_strata(items: Sequence[PopulationItem], count: int) -> list[list[PopulationItem]]:
    return [list(items[k * len(items) // count : (k + 1) * len(items) // count]) for k in range(count)]


def draw_sample(
    items: Sequence[PopulationItem],
    size: int,
    *,
    engagement: str,
    control_ref: str,
    population_sha256: str,
    period: tuple[date, date] | None = None,
) -> SampleDraw:
    """A sample of *size* items spread evenly over the period, the same every time for the same inputs.

    Dated items are ordered by date (then position) and the period (from
    *period*, widened to any item outside it, or the items' own first and
    last dates) is cut into *size* stretches of equal length; one item is
    taken from each stretch, and a stretch with no items passes its pick to
    the stretch with most items left. Items without a date are spread over
    their order in the file instead, taking a share of the sample in
    proportion to their number. Which item a stretch gives is SHA-256 of
    ``seed:part:stretch:draw`` read as a number, modulo the items left in it
    (see :func:`sample_seed`); the method text says all this with the
    figures of this draw.
    """
    if size < 1:
        raise ValueError("a sample has at least one item")
    seed = sample_seed(engagement, control_ref, population_sha256)
    total = len(items)
    if size >= total:
        method = (
            f"The population has {counted(total, 'item')}, no more than the sample size "
            f"of {size}, so every item is selected. Seed {seed} (SHA-256 of the engagement, the control "
            "ref and the population file's SHA-256, joined by line breaks)."
        )
        return SampleDraw(seed, method, total, tuple(items))
    dated = [item for item in items if item.when is not None]
    undated = sorted((item for item in items if item.when is None), key=lambda item: item.position)
    list_picks = min(len(undated), (2 * size * len(undated) + total) // (2 * total))
    date_picks = size - list_picks
    if date_picks > len(dated):
        date_picks, list_picks = len(dated), size - len(dated)
    sentences = [
        f"Seed {seed}: SHA-256 of the engagement ({engagement}), the control ref ({control_ref}) and "
        f"the population file's SHA-256 ({population_sha256.strip().lower()}), joined by line breaks.",
        f"{size} of {total} items drawn.",
    ]
    chosen: list[PopulationItem] = []
    if date_picks:
        dates = [item.when for item in dated if item.when is not None]
        start, end = min(dates), max(dates)
        if period is not None:
            start, end = min(start, period[0]), max(end, period[1])
        strata = _time_strata(dated, date_picks, start, end)
        chosen += _take(seed, "date", strata, _share(date_picks, [len(s) for s in strata]))
        days = (end - start).days + 1
        sentences.append(
            f"The {len(dated)} dated items, ordered by date then position, were split into {date_picks} "
            f"stretches of equal length over {describe_period(start, end, None)} ({days} days; an item "
            f"d days after {start.isoformat()} is in stretch ⌊d × {date_picks} ÷ {days}⌋ + 1). Stretch k "
            "gave its item number (SHA-256 of “seed:date:k:1” as a number, modulo the items in it) + 1; "
            "a stretch without items passed its pick to the stretch with most items left, which drew "
            "again with “seed:date:k:2”, “seed:date:k:3”… over the items it had left."
        )
    if list_picks:
        strata = _list_strata(undated, list_picks)
        chosen += _take(seed, "list", strata, [1] * list_picks)
        sentences.append(
            f"The {len(undated)} items without a date were split by their order in the file into "
            f"{list_picks} equal parts; part k gave item (SHA-256 of “seed:list:k:1” as a number, "
            "modulo the items in it) + 1."
        )
    return SampleDraw(seed, " ".join(sentences), total, tuple(chosen))
