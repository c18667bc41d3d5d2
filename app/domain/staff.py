"""Staff and their policy acknowledgements: the rules, with no file in sight.

People are identified by email address, compared without regard to letter
case and stored in lower case. Re-importing a staff list updates people by
email and never deletes anyone: leavers keep their row and get an end date.

An acknowledgement names a policy version. It *covers* a later version of
the same major number (acknowledging 1.0 covers 1.1 and 1.2, not 2.0): a
minor version carries acknowledgements, a major one needs them again. Staff
also renew their acknowledgement every :data:`RENEWAL_MONTHS`, as the
policies ask.

:func:`parse_staff_list` and :func:`parse_signoff_sheet` read rows as
:mod:`app.importers.staff` hands them over from a CSV file or a workbook.
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any, Literal

from app.domain.periods import add_months
from app.domain.policies import PolicyRow, PolicyVersionRow, normalise_version, parse_version
from app.domain.tabular import (
    Column,
    Header,
    RowError,
    cell_text,
    column_letter,
    find_header,
    infer_day_first,
    parse_date_cell,
)

ACKNOWLEDGEMENT_DAYS = 7
"""Days after the start date (or after a policy came into force) by which a new starter acknowledges it."""
RENEWAL_MONTHS = 12
"""Staff acknowledge each policy again when their last acknowledgement is this old."""
PREBOARDING_DAYS = 30
"""An acknowledgement this many days before a start date still counts for the new starter."""
MAX_NAME_LENGTH = 200

_EMAIL = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+$")


class TableError(ValueError):
    """The rows cannot be read as the list asked for (no header row, say); one plain sentence."""


def normalise_email(text: str) -> str:
    """An email address as stored: trimmed, lower case (``mailto:`` and ``<…>`` removed).

    Raises ``ValueError`` when *text* is not an email address.
    """
    cleaned = cell_text(text).removeprefix("mailto:").strip("<> ").casefold()
    if not _EMAIL.match(cleaned):
        raise ValueError(f"{cell_text(text)!r} is not an email address")
    return cleaned


def _name_key(name: str) -> str:
    """A name for matching: ``"Doe,  Jane"`` and ``"jane doe"`` give the same key."""
    text = cell_text(name).casefold()
    if text.count(",") == 1:
        last, first = text.split(",")
        text = f"{first} {last}"
    return " ".join(text.split())


@dataclass(frozen=True, slots=True)
class StaffRow:
    """A person who works, worked or will work for the company."""

    email: str
    name: str
    role: str = ""
    start_date: date | None = None
    end_date: date | None = None

    def active_on(self, day: date) -> bool:
        """Started on or before *day* (or no start date known) and not left before it."""
        started = self.start_date is None or self.start_date <= day
        return started and (self.end_date is None or self.end_date >= day)

    def as_dict(self) -> dict[str, Any]:
        return {
            "email": self.email,
            "name": self.name,
            "role": self.role,
            "start_date": self.start_date.isoformat() if self.start_date else None,
            "end_date": self.end_date.isoformat() if self.end_date else None,
        }


@dataclass(frozen=True, slots=True)
class AcknowledgementRow:
    """A person's acknowledgement of one version of one policy, on a date."""

    policy_key: str
    version: str
    email: str
    acknowledged_on: date

    def as_dict(self) -> dict[str, Any]:
        return {
            "policy": self.policy_key,
            "version": self.version,
            "email": self.email,
            "acknowledged_on": self.acknowledged_on.isoformat(),
        }


# ---------------------------------------------------------------------------
# Staff list
# ---------------------------------------------------------------------------

NAME_COLUMNS = (
    Column(
        "name", ("full name", "employee name", "employee", "staff name", "person", "display name", "member")
    ),
    Column("first_name", ("first", "given name", "forename", "preferred first name")),
    Column("last_name", ("last", "surname", "family name")),
)
EMAIL_COLUMN = Column(
    "email",
    (
        "e mail",
        "email address",
        "e mail address",
        "work email",
        "work e mail",
        "work email address",
        "company email",
        "business email",
        "mail",
        "login",
    ),
)
STAFF_COLUMNS = (
    *NAME_COLUMNS,
    EMAIL_COLUMN,
    Column("role", ("job title", "title", "position", "job", "job role")),
    Column(
        "start_date",
        (
            "start",
            "hire date",
            "date hired",
            "hired",
            "joined",
            "joining date",
            "date joined",
            "date of joining",
            "employment start",
            "start of employment",
            "employment start date",
            "first day",
            "original hire date",
        ),
    ),
    Column(
        "end_date",
        (
            "end",
            "termination date",
            "terminated",
            "leaving date",
            "leave date",
            "date left",
            "left",
            "last day",
            "last working day",
            "departure date",
            "exit date",
            "employment end",
            "employment end date",
        ),
    ),
)
STAFF_FIELDS = ("name", "role", "start_date", "end_date")
"""The fields of a person an import can set (the email identifies them)."""


def _has_name(fields: frozenset[str]) -> bool:
    return "name" in fields or {"first_name", "last_name"} <= fields


def _staff_header(fields: frozenset[str]) -> bool:
    return "email" in fields and _has_name(fields)


@dataclass(frozen=True, slots=True)
class StaffImport:
    """What a staff list holds; usable only when ``errors`` is empty.

    ``fields`` names the person fields the file has a column for; a field
    without a column is left as it is when the list is merged.
    """

    header_row: int
    fields: tuple[str, ...]
    staff: tuple[StaffRow, ...]
    warnings: tuple[str, ...]
    errors: tuple[RowError, ...]


def _cell(cells: Sequence[Any], header: Header, field: str) -> Any:
    index = header.columns.get(field)
    if index is None or index >= len(cells):
        return None
    return cells[index]


def _letter(header: Header, field: str) -> str:
    index = header.columns.get(field)
    return column_letter(index) if index is not None else ""


def _is_blank(cells: Sequence[Any], header: Header) -> bool:
    return all(not cell_text(_cell(cells, header, field)) for field in header.columns)


def _day_first(rows: Sequence[Sequence[Any]], header: Header, fields: Iterable[str]) -> bool | None:
    values = [_cell(cells, header, field) for cells in rows[header.row :] for field in fields]
    try:
        return infer_day_first(values)
    except ValueError as error:
        raise TableError(str(error)) from None


def _row_name(cells: Sequence[Any], header: Header) -> str:
    name = cell_text(_cell(cells, header, "name"))
    if not name:
        name = " ".join(
            part for part in (cell_text(_cell(cells, header, f)) for f in ("first_name", "last_name")) if part
        )
    if "," in name and "name" in header.columns:
        last, _, first = name.partition(",")
        name = f"{first.strip()} {last.strip()}".strip()
    return name


def _date(
    cells: Sequence[Any], header: Header, field: str, row: int, day_first: bool | None, errors: list[RowError]
) -> date | None:
    try:
        return parse_date_cell(_cell(cells, header, field), day_first=day_first)
    except ValueError as error:
        errors.append(RowError(row, _letter(header, field), str(error)))
        return None


def _staff_row(
    cells: Sequence[Any], row: int, header: Header, day_first: bool | None
) -> tuple[StaffRow | None, list[RowError]]:
    errors: list[RowError] = []
    email = ""
    try:
        email = normalise_email(cell_text(_cell(cells, header, "email")))
    except ValueError as error:
        message = "no email address" if not cell_text(_cell(cells, header, "email")) else str(error)
        errors.append(RowError(row, _letter(header, "email"), message))
    name = _row_name(cells, header)
    if not name:
        errors.append(RowError(row, _letter(header, "name") or _letter(header, "first_name"), "no name"))
    elif len(name) > MAX_NAME_LENGTH:
        errors.append(
            RowError(row, _letter(header, "name"), f"the name is longer than {MAX_NAME_LENGTH} characters")
        )
    start = _date(cells, header, "start_date", row, day_first, errors)
    end = _date(cells, header, "end_date", row, day_first, errors)
    if start and end and end < start:
        errors.append(
            RowError(
                row,
                _letter(header, "end_date"),
                f"ends ({end.isoformat()}) before starting ({start.isoformat()})",
            )
        )
    if errors:
        return None, errors
    role = cell_text(_cell(cells, header, "role"))
    return StaffRow(email=email, name=name, role=role, start_date=start, end_date=end), []


def parse_staff_list(rows: Sequence[Sequence[Any]], *, day_first: bool | None = None) -> StaffImport:
    """The people listed in *rows*: name (or first and last name), email, role, start and end dates.

    The header row is the first of the first 20 rows naming an email column
    and a name column, under any of their usual names; other columns are
    ignored with a warning. Dates may be real dates, serial numbers or text
    (see :func:`app.domain.tabular.parse_date_cell`); with *day_first*
    ``None`` the file's own values decide. Every row problem is collected; an
    email listed twice is an error on its second row. Raises
    :class:`TableError` when no header row is found or the dates contradict
    each other.
    """
    header = find_header(rows, STAFF_COLUMNS, _staff_header)
    if header is None:
        raise TableError(
            "no header row with an email column and a name column was found in the first 20 rows; "
            "the staff list needs at least Name and Email"
        )
    if day_first is None:
        day_first = _day_first(rows, header, ("start_date", "end_date"))
    staff: list[StaffRow] = []
    errors: list[RowError] = []
    first_row: dict[str, int] = {}
    for row, cells in enumerate(rows[header.row :], header.row + 1):
        if _is_blank(cells, header):
            continue
        person, row_errors = _staff_row(cells, row, header, day_first)
        errors += row_errors
        if person is None:
            continue
        if person.email in first_row:
            message = f"{person.email} is already listed on row {first_row[person.email]}"
            errors.append(RowError(row, _letter(header, "email"), message))
            continue
        first_row[person.email] = row
        staff.append(person)
    fields = tuple(
        f
        for f in STAFF_FIELDS
        if f in header.columns or (f == "name" and _has_name(frozenset(header.columns)))
    )
    warnings = tuple(f"column {column} is not part of a staff list; ignored" for column in header.ignored)
    return StaffImport(header.row, fields, tuple(staff), warnings, tuple(errors))


@dataclass(frozen=True, slots=True)
class StaffChange:
    """A person an import changes: each changed field with its old and new value (as text)."""

    email: str
    name: str
    changes: tuple[tuple[str, str, str], ...]


@dataclass(frozen=True, slots=True)
class StaffMerge:
    """The staff list after an import, and what the import did to it.

    ``staff`` keeps the existing people in their order, then the new ones.
    ``not_in_file`` lists people already known whom the file does not mention
    (as they are after the merge: with the end date given, if one was).
    """

    staff: tuple[StaffRow, ...]
    added: tuple[StaffRow, ...]
    updated: tuple[StaffChange, ...]
    unchanged: int
    not_in_file: tuple[StaffRow, ...]


def _text(value: object) -> str:
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, date) else str(value)


def _merged_person(old: StaffRow, new: StaffRow, fields: Sequence[str]) -> StaffRow:
    values = {f: getattr(new, f) for f in fields if getattr(new, f) not in (None, "")}
    merged = replace(old, **values)
    if (
        "end_date" not in values
        and merged.end_date
        and merged.start_date
        and merged.start_date > merged.end_date
    ):
        merged = replace(merged, end_date=None)  # started again after leaving: a rehire
    return merged


def merge_staff(
    existing: Sequence[StaffRow], imported: StaffImport, *, end_missing_on: date | None = None
) -> StaffMerge:
    """*existing* updated from *imported*, matching people by email; nobody is deleted.

    A value in the file replaces the stored one; an empty cell, or a column
    the file lacks, keeps it. A person whose new start date is after their
    stored end date was rehired: the end date is cleared. With
    *end_missing_on*, people the file leaves out who have started by then and
    have no end date get that end date (use it with an export of current
    staff only). Raises ``ValueError`` when *imported* has errors.
    """
    if imported.errors:
        raise ValueError("the staff list has errors; fix them before merging")
    incoming = {person.email: person for person in imported.staff}
    result: list[StaffRow] = []
    updated: list[StaffChange] = []
    not_in_file: list[StaffRow] = []
    unchanged = 0
    for old in existing:
        new = incoming.pop(old.email, None)
        if new is None:
            kept = old
            if (
                end_missing_on
                and old.end_date is None
                and (old.start_date or end_missing_on) <= end_missing_on
            ):
                kept = replace(old, end_date=end_missing_on)
            not_in_file.append(kept)
            if kept != old:
                change = ("end_date", "", end_missing_on.isoformat() if end_missing_on else "")
                updated.append(StaffChange(old.email, old.name, (change,)))
            result.append(kept)
            continue
        merged = _merged_person(old, new, imported.fields)
        changes = tuple(
            (f, _text(getattr(old, f)), _text(getattr(merged, f)))
            for f in STAFF_FIELDS
            if getattr(old, f) != getattr(merged, f)
        )
        if changes:
            updated.append(StaffChange(old.email, merged.name, changes))
        else:
            unchanged += 1
        result.append(merged)
    added = tuple(incoming.values())
    return StaffMerge(tuple(result) + added, added, tuple(updated), unchanged, tuple(not_in_file))


# ---------------------------------------------------------------------------
# Sign-off sheets
# ---------------------------------------------------------------------------

SIGNOFF_COLUMNS = (
    *NAME_COLUMNS,
    EMAIL_COLUMN,
    Column("policy", ("policy name", "policy title", "document", "document name", "policy key", "policy id")),
    Column("version", ("policy version", "ver", "rev", "revision", "document version")),
    Column(
        "acknowledged_on",
        (
            "date",
            "acknowledged",
            "acknowledged on",
            "date acknowledged",
            "acknowledgement date",
            "acknowledgment date",
            "signed on",
            "date signed",
            "signature date",
            "signed date",
            "completed",
            "completed on",
            "completion date",
            "date completed",
            "accepted on",
            "date accepted",
        ),
    ),
    Column("signed", ("signature", "status", "acknowledgement", "acknowledgment", "agreed", "accepted")),
)
NOT_SIGNED_WORDS = frozenset(
    {
        "no",
        "n",
        "false",
        "0",
        "pending",
        "not signed",
        "unsigned",
        "outstanding",
        "incomplete",
        "not started",
        "-",
    }
)


def _signoff_header(fields: frozenset[str]) -> bool:
    return "acknowledged_on" in fields and ("email" in fields or _has_name(fields))


@dataclass(frozen=True, slots=True)
class SignoffImport:
    """The acknowledgements a returned sign-off sheet records; usable only when ``errors`` is empty.

    ``not_signed`` counts the rows of people who have not signed (no date, or
    a status saying so).
    """

    header_row: int
    acknowledgements: tuple[AcknowledgementRow, ...]
    not_signed: int
    warnings: tuple[str, ...]
    errors: tuple[RowError, ...]


def _policy_lookup(policies: Sequence[PolicyRow]) -> dict[str, PolicyRow]:
    lookup: dict[str, PolicyRow] = {}
    for policy in policies:
        title = policy.title.casefold()
        for name in (policy.key, title, title.removesuffix(" policy"), policy.key.replace("-", " ")):
            lookup.setdefault(" ".join(name.split()), policy)
    return lookup


class _SignoffReader:
    """Reads one sign-off sheet row by row against the engagement's policies and staff."""

    def __init__(
        self,
        header: Header,
        policies: Sequence[PolicyRow],
        staff: Sequence[StaffRow],
        policy_key: str | None,
        today: date,
        day_first: bool | None,
    ) -> None:
        self.header = header
        self.policies = _policy_lookup(policies)
        self.by_email = {person.email: person for person in staff}
        self.by_name: dict[str, list[StaffRow]] = {}
        for person in staff:
            self.by_name.setdefault(_name_key(person.name), []).append(person)
        self.default_policy = policy_key
        self.today = today
        self.day_first = day_first

    def email(self, cells: Sequence[Any], row: int) -> str:
        """The email of the row's person; ``ValueError`` (message only) when unknown."""
        text = cell_text(_cell(cells, self.header, "email"))
        if text:
            email = normalise_email(text)
            if email not in self.by_email:
                raise ValueError(f"{email} is not on the staff list; import the staff list first")
            return email
        name = _row_name(cells, self.header)
        if not name:
            raise ValueError("no email address or name")
        found = self.by_name.get(_name_key(name), [])
        if len(found) == 1:
            return found[0].email
        if not found:
            raise ValueError(f"nobody called {name!r} is on the staff list; add an Email column")
        raise ValueError(f"{len(found)} people called {name!r} are on the staff list; add an Email column")

    def policy(self, cells: Sequence[Any]) -> PolicyRow:
        text = cell_text(_cell(cells, self.header, "policy")) or self.default_policy or ""
        if not text:
            raise ValueError("no policy named; add a Policy column or say which policy the sheet is for")
        policy = self.policies.get(" ".join(text.casefold().split()))
        if policy is None:
            raise ValueError(f"{text!r} is not a policy of this engagement")
        return policy

    def version(self, cells: Sequence[Any], policy: PolicyRow, day: date) -> PolicyVersionRow:
        text = cell_text(_cell(cells, self.header, "version"))
        if not text:
            in_force = policy.version_in_force_on(day)
            if in_force is None:
                first = policy.first_approved_on
                when = (
                    f"before it was first approved ({first.isoformat()})"
                    if first
                    else "and it was never approved"
                )
                raise ValueError(f"the {policy.title} was acknowledged on {day.isoformat()}, {when}")
            return in_force
        try:
            version = policy.version(normalise_version(text))
        except KeyError:
            raise ValueError(f"the {policy.title} has no version {text}") from None
        if version.approved_on is None:
            raise ValueError(f"version {version.version} of the {policy.title} is not approved")
        if day < version.approved_on:
            raise ValueError(
                f"acknowledged on {day.isoformat()}, before version {version.version} was approved "
                f"({version.approved_on.isoformat()})"
            )
        return version

    def signed(self, cells: Sequence[Any]) -> bool | None:
        """Whether the status column says signed (``None``: no status column, or it is empty)."""
        if "signed" not in self.header.columns:
            return None
        value = _cell(cells, self.header, "signed")
        if isinstance(value, bool):
            return value
        text = cell_text(value).casefold()
        if not text:
            return None
        return text not in NOT_SIGNED_WORDS

    def read(self, cells: Sequence[Any], row: int) -> tuple[AcknowledgementRow | None, RowError | None]:
        """The row's acknowledgement, ``(None, None)`` for someone who has not signed, or an error."""
        letter = _letter(self.header, "acknowledged_on")
        signed = self.signed(cells)
        if signed is False:
            return None, None
        try:
            day = parse_date_cell(_cell(cells, self.header, "acknowledged_on"), day_first=self.day_first)
        except ValueError as error:
            return None, RowError(row, letter, str(error))
        if day is None:
            return None, (RowError(row, letter, "marked as signed but has no date") if signed else None)
        if day > self.today:
            return None, RowError(row, letter, f"the date {day.isoformat()} is in the future")
        try:
            email = self.email(cells, row)
        except ValueError as error:
            return None, RowError(
                row, _letter(self.header, "email") or _letter(self.header, "name"), str(error)
            )
        try:
            policy = self.policy(cells)
            version = self.version(cells, policy, day)
        except ValueError as error:
            return None, RowError(
                row, _letter(self.header, "policy") or _letter(self.header, "version"), str(error)
            )
        return AcknowledgementRow(policy.key, version.version, email, day), None


def parse_signoff_sheet(
    rows: Sequence[Sequence[Any]],
    *,
    policies: Sequence[PolicyRow],
    staff: Sequence[StaffRow],
    today: date,
    policy_key: str | None = None,
    day_first: bool | None = None,
) -> SignoffImport:
    """The acknowledgements recorded on a returned sign-off sheet.

    The header row needs a date column and an email or name column (names are
    matched to *staff*, ``"Doe, Jane"`` as ``"Jane Doe"``). A Policy column
    names the policy by key or title, else *policy_key* says which policy the
    whole sheet is for. Without a Version column each date is taken to
    acknowledge the version in force that day. A status column (Signed,
    Status, Signature) saying no or pending, or an empty date, means the
    person has not signed. Raises :class:`TableError` when no header row is
    found, the staff list is empty or the dates contradict each other.
    """
    if not staff:
        raise TableError("import the staff list before acknowledgements; they are recorded per person")
    header = find_header(rows, SIGNOFF_COLUMNS, _signoff_header)
    if header is None:
        raise TableError(
            "no header row with a date column and an email or name column was found in the first 20 rows"
        )
    if day_first is None:
        day_first = _day_first(rows, header, ("acknowledged_on",))
    reader = _SignoffReader(header, policies, staff, policy_key, today, day_first)
    found: dict[tuple[str, str, str], AcknowledgementRow] = {}
    errors: list[RowError] = []
    not_signed = 0
    for row, cells in enumerate(rows[header.row :], header.row + 1):
        if _is_blank(cells, header):
            continue
        acknowledgement, error = reader.read(cells, row)
        if error is not None:
            errors.append(error)
        elif acknowledgement is None:
            not_signed += 1
        else:
            key = (acknowledgement.policy_key, acknowledgement.version, acknowledgement.email)
            earlier = found.get(key)
            if earlier is None or acknowledgement.acknowledged_on < earlier.acknowledged_on:
                found[key] = acknowledgement
    warnings = tuple(f"column {column} is not part of a sign-off sheet; ignored" for column in header.ignored)
    return SignoffImport(header.row, tuple(found.values()), not_signed, warnings, tuple(errors))


@dataclass(frozen=True, slots=True)
class AcknowledgementMerge:
    """All acknowledgements after an import, the new ones, and how many were already recorded."""

    acknowledgements: tuple[AcknowledgementRow, ...]
    added: tuple[AcknowledgementRow, ...]
    already_recorded: int


def merge_acknowledgements(
    existing: Sequence[AcknowledgementRow], imported: Sequence[AcknowledgementRow]
) -> AcknowledgementMerge:
    """*existing* plus the acknowledgements of *imported* not yet recorded (same policy, version and person).

    A recorded acknowledgement is never changed or removed.
    """
    known = {(a.policy_key, a.version, a.email) for a in existing}
    added = tuple(a for a in imported if (a.policy_key, a.version, a.email) not in known)
    return AcknowledgementMerge(tuple(existing) + added, added, len(imported) - len(added))


# ---------------------------------------------------------------------------
# Who has acknowledged what
# ---------------------------------------------------------------------------


def acknowledgement_covers(acknowledged: str, current: str) -> bool:
    """Whether acknowledging version *acknowledged* counts for version *current*.

    Yes for the same or an earlier version with the same major number:
    minor versions carry acknowledgements, a major version resets them.
    """
    done, now = parse_version(acknowledged), parse_version(current)
    return done[0] == now[0] and done <= now


AcknowledgementState = Literal["acknowledged", "never", "earlier-major", "expired"]
"""*never*: no acknowledgement of the policy; *earlier-major*: only of a version before the
last major change; *expired*: the last one is older than the renewal period."""


@dataclass(frozen=True, slots=True)
class AcknowledgementStatusRow:
    """One person against one policy's version in force: the register's line."""

    policy_key: str
    policy_title: str
    version: str
    email: str
    name: str
    role: str
    start_date: date | None
    state: AcknowledgementState
    acknowledged_version: str | None
    acknowledged_on: date | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "policy": self.policy_key,
            "policy_title": self.policy_title,
            "version": self.version,
            "email": self.email,
            "name": self.name,
            "role": self.role,
            "start_date": self.start_date.isoformat() if self.start_date else None,
            "state": self.state,
            "acknowledged_version": self.acknowledged_version,
            "acknowledged_on": self.acknowledged_on.isoformat() if self.acknowledged_on else None,
        }


def _status_row(
    policy: PolicyRow,
    current: PolicyVersionRow,
    person: StaffRow,
    mine: Sequence[AcknowledgementRow],
    on: date,
    renewal_months: int | None,
) -> AcknowledgementStatusRow:
    covering = [a for a in mine if acknowledgement_covers(a.version, current.version)]
    latest = max(covering or mine, key=lambda a: a.acknowledged_on, default=None)
    state: AcknowledgementState = "acknowledged"
    if not covering:
        state = "earlier-major" if mine else "never"
    elif renewal_months is not None and latest and add_months(latest.acknowledged_on, renewal_months) < on:
        state = "expired"
    return AcknowledgementStatusRow(
        policy_key=policy.key,
        policy_title=policy.title,
        version=current.version,
        email=person.email,
        name=person.name,
        role=person.role,
        start_date=person.start_date,
        state=state,
        acknowledged_version=latest.version if latest else None,
        acknowledged_on=latest.acknowledged_on if latest else None,
    )


def acknowledgement_register(
    policies: Sequence[PolicyRow],
    staff: Sequence[StaffRow],
    acknowledgements: Sequence[AcknowledgementRow],
    *,
    on: date,
    renewal_months: int | None = RENEWAL_MONTHS,
) -> tuple[AcknowledgementStatusRow, ...]:
    """Every person active *on* the day against every policy in force: policy order, then by name.

    Policies without an approved version (drafts, retired ones) have nothing to
    acknowledge and are left out. *renewal_months* ``None`` turns the renewal
    rule off.
    """
    by_person: dict[tuple[str, str], list[AcknowledgementRow]] = {}
    for acknowledgement in acknowledgements:
        if acknowledgement.acknowledged_on <= on:
            by_person.setdefault((acknowledgement.policy_key, acknowledgement.email), []).append(
                acknowledgement
            )
    people = sorted((p for p in staff if p.active_on(on)), key=lambda p: (p.name.casefold(), p.email))
    rows: list[AcknowledgementStatusRow] = []
    for policy in policies:
        current = policy.in_force
        if current is None or policy.retired_on is not None:
            continue
        for person in people:
            mine = by_person.get((policy.key, person.email), [])
            rows.append(_status_row(policy, current, person, mine, on, renewal_months))
    return tuple(rows)


def outstanding_acknowledgements(
    policy: PolicyRow,
    staff: Sequence[StaffRow],
    acknowledgements: Sequence[AcknowledgementRow],
    *,
    on: date,
    renewal_months: int | None = RENEWAL_MONTHS,
) -> tuple[AcknowledgementStatusRow, ...]:
    """The people active *on* the day who have not acknowledged *policy*'s version in force, or not lately."""
    rows = acknowledgement_register([policy], staff, acknowledgements, on=on, renewal_months=renewal_months)
    return tuple(row for row in rows if row.state != "acknowledged")


@dataclass(frozen=True, slots=True)
class LateAcknowledgementRow:
    """A new starter who missed a policy's acknowledgement deadline (``acknowledged_on``: later, or never)."""

    policy_key: str
    email: str
    name: str
    start_date: date
    due_on: date
    acknowledged_on: date | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "policy": self.policy_key,
            "email": self.email,
            "name": self.name,
            "start_date": self.start_date.isoformat(),
            "due_on": self.due_on.isoformat(),
            "acknowledged_on": self.acknowledged_on.isoformat() if self.acknowledged_on else None,
        }


def late_acknowledgements(
    policy: PolicyRow,
    staff: Sequence[StaffRow],
    acknowledgements: Sequence[AcknowledgementRow],
    *,
    on: date,
    within_days: int = ACKNOWLEDGEMENT_DAYS,
    joined_from: date | None = None,
    joined_to: date | None = None,
) -> tuple[LateAcknowledgementRow, ...]:
    """People who joined (between *joined_from* and *joined_to*, when given) and missed the deadline.

    A starter's deadline is *within_days* after the later of their start date
    and the day the policy first came into force. Any version counts, and so
    does an acknowledgement up to :data:`PREBOARDING_DAYS` before the start.
    Only deadlines before *on* are checked; people without a start date, and
    people who left before their deadline, are not. Sorted by start date.
    """
    in_force = policy.first_approved_on
    if in_force is None:
        return ()
    dates: dict[str, list[date]] = {}
    for acknowledgement in acknowledgements:
        if acknowledgement.policy_key == policy.key:
            dates.setdefault(acknowledgement.email, []).append(acknowledgement.acknowledged_on)
    late: list[LateAcknowledgementRow] = []
    for person in staff:
        start = person.start_date
        if start is None or (joined_from and start < joined_from) or (joined_to and start > joined_to):
            continue
        due = max(start, in_force) + timedelta(days=within_days)
        if due >= on or (person.end_date is not None and person.end_date < due):
            continue
        counted = sorted(
            d for d in dates.get(person.email, []) if d >= start - timedelta(days=PREBOARDING_DAYS)
        )
        if counted and counted[0] <= due:
            continue
        first_after = next((d for d in counted if d <= on), None)
        late.append(LateAcknowledgementRow(policy.key, person.email, person.name, start, due, first_after))
    return tuple(sorted(late, key=lambda row: (row.start_date, row.name.casefold())))
