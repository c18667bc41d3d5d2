# mypy: disable-error-code="import-untyped"
"""The acknowledgement register: who acknowledged which policy version, and when, as a workbook.

Sheets: Summary, Register (every person active on the day against every
policy in force, with where they stand), Late starters (who joined and did
not acknowledge in time), Acknowledgements (every one recorded), Staff and
Policies. Laid out, escaped and dated like the auditor workbook (see
:func:`app.exporters.workbook.write_sheets`).
"""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from app.domain.periods import format_day
from app.domain.policy_records import REGISTER_TITLE, STATE_WORDS, PolicyRecords
from app.domain.staff import ACKNOWLEDGEMENT_DAYS, RENEWAL_MONTHS
from app.domain.workbook_layout import DATE_FORMAT, Column
from app.exporters.progress import Cancel, Progress
from app.exporters.workbook import STYLES, SheetTable, page_header, write_sheets

REGISTER_COLUMNS = (
    Column("Policy", 30, wrap=True),
    Column("Version", 9),
    Column("Name", 24),
    Column("Email", 30),
    Column("Role", 20),
    Column("Start date", 12, number_format=DATE_FORMAT),
    Column("Status", 24, wrap=True),
    Column("Acknowledged version", 12),
    Column("Acknowledged on", 14, number_format=DATE_FORMAT),
)
LATE_COLUMNS = (
    Column("Policy", 30, wrap=True),
    Column("Name", 24),
    Column("Email", 30),
    Column("Start date", 12, number_format=DATE_FORMAT),
    Column("Due by", 12, number_format=DATE_FORMAT),
    Column("Acknowledged on", 14, number_format=DATE_FORMAT),
)
ACKNOWLEDGEMENT_COLUMNS = (
    Column("Policy", 30, wrap=True),
    Column("Version", 9),
    Column("Name", 24),
    Column("Email", 30),
    Column("Acknowledged on", 14, number_format=DATE_FORMAT),
)
STAFF_COLUMNS = (
    Column("Name", 24),
    Column("Email", 30),
    Column("Role", 20),
    Column("Start date", 12, number_format=DATE_FORMAT),
    Column("End date", 12, number_format=DATE_FORMAT),
)
POLICY_COLUMNS = (
    Column("Policy", 30, wrap=True),
    Column("Version in force", 10),
    Column("Owner", 20),
    Column("Approved by", 24),
    Column("Approved on", 12, number_format=DATE_FORMAT),
    Column("Next review", 12, number_format=DATE_FORMAT),
)


@dataclass(frozen=True)
class RegisterData:
    """What the register shows: the engagement's policy records, read as of *on*."""

    company: str
    engagement_name: str
    records: PolicyRecords
    on: date


def _tables(data: RegisterData) -> list[SheetTable]:
    records = data.records
    titles = {policy.key: policy.title for policy in records.policies}
    names = {person.email: person.name for person in records.staff}
    register = [
        [
            row.policy_title,
            row.version,
            row.name,
            row.email,
            row.role,
            row.start_date,
            STATE_WORDS[row.state],
            row.acknowledged_version or "",
            row.acknowledged_on,
        ]
        for row in records.register(data.on)
    ]
    late = [
        [titles[row.policy_key], row.name, row.email, row.start_date, row.due_on, row.acknowledged_on]
        for row in records.late(data.on)
    ]
    acknowledgements = [
        [
            titles.get(a.policy_key, a.policy_key),
            a.version,
            names.get(a.email, ""),
            a.email,
            a.acknowledged_on,
        ]
        for a in sorted(records.acknowledgements, key=lambda a: (a.acknowledged_on, a.policy_key, a.email))
    ]
    staff = [[p.name, p.email, p.role, p.start_date, p.end_date] for p in records.staff]
    policies = [
        [
            policy.title,
            version.version,
            policy.owner,
            version.approved_by,
            version.approved_on,
            version.next_review,
        ]
        for policy, version in records.in_force
    ]
    return [
        SheetTable("Register", REGISTER_COLUMNS, register),
        SheetTable("Late starters", LATE_COLUMNS, late),
        SheetTable("Acknowledgements", ACKNOWLEDGEMENT_COLUMNS, acknowledgements),
        SheetTable("Staff", STAFF_COLUMNS, staff),
        SheetTable("Policies", POLICY_COLUMNS, policies),
    ]


def _summary(data: RegisterData, as_of: datetime) -> Iterator[Sequence[tuple[Any, Any, str]]]:
    bold = STYLES.label_font
    register = data.records.register(data.on)
    done = sum(1 for row in register if row.state == "acknowledged")
    active = {row.email for row in register} or {p.email for p in data.records.staff if p.active_on(data.on)}
    yield [(REGISTER_TITLE, STYLES.title_font, "General")]
    yield []
    facts: tuple[tuple[str, Any, str], ...] = (
        ("Company", data.company, "General"),
        ("Engagement", data.engagement_name, "General"),
        ("Status as of", data.on, DATE_FORMAT),
        (
            "Data as of",
            f"{format_day(as_of.date())}, {as_of:%H:%M} UTC (the engagement's last change)",
            "General",
        ),
        ("Policies in force", len(data.records.in_force), "General"),
        ("People on the staff list that day", len(active), "General"),
        ("Acknowledgements due", len(register), "General"),
        ("Acknowledged", done, "General"),
        ("Outstanding", len(register) - done, "General"),
        (
            f"Starters late by more than {ACKNOWLEDGEMENT_DAYS} days",
            len(data.records.late(data.on)),
            "General",
        ),
    )
    for name, value, number_format in facts:
        yield [(name, bold, "General"), (value, None, number_format)]
    yield []
    about = (
        "Each person acknowledges the version of each policy in force.",
        "A minor version (1.0 to 1.1) keeps acknowledgements; a major one (1.1 to 2.0) needs them again.",
        f"An acknowledgement older than {RENEWAL_MONTHS} months has to be renewed.",
        f"New starters acknowledge within {ACKNOWLEDGEMENT_DAYS} days of starting.",
    )
    for line in about:
        yield [(line, None, "General")]


def write_acknowledgement_register(
    target: Path,
    data: RegisterData,
    *,
    as_of: datetime,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> None:
    """Write the register of *data* to *target* (``.xlsx``) atomically, dated by *as_of*."""
    write_sheets(
        target,
        _tables(data),
        title=f"{REGISTER_TITLE} — {data.company or data.engagement_name}",
        header=page_header(data.company, data.engagement_name),
        as_of=as_of,
        summary=_summary(data, as_of),
        progress=progress,
        cancel=cancel,
    )
