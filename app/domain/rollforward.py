"""Rolling an engagement forward: the next audit year started from the last one.

The new engagement covers the period right after the old one: from the day
after the old period's end (or a Type 1's as-of date) for
:data:`RENEWAL_MONTHS`, so customers never face an uncovered stretch. It is a
Type 2 and records the old engagement's report as its prior report. What is
copied and what is not is stated once, in :data:`CARRIED` and
:data:`NOT_CARRIED`, for the confirmation text and the tests alike; the old
engagement is never changed.
"""

import calendar
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from app.domain.controls import ControlRow
from app.domain.fieldwork import ExceptionRow
from app.domain.periods import add_months, describe_period, format_day
from app.domain.vocab import READY_STATUSES, Status

RENEWAL_MONTHS = 12
NEXT_REPORT_TYPE = "Type 2"
CARRY_PREFIX = "Carried over from"

CARRIED: tuple[str, ...] = (
    "company, system name and description, business type",
    "scope: reports, categories and framework (the report type becomes Type 2)",
    "controls with their criteria, owners and statuses",
    "SOC 1 control objectives and the controls addressing them",
    "complementary user entity controls (CUECs)",
    "subservice organizations",
    "policies with their versions, approvals and links",
    "the staff list and policy acknowledgements",
    "open exceptions and remediation, each marked with the engagement it came from",
    "the exceptions found in testing, listed in the notes of their controls",
)
NOT_CARRIED: tuple[str, ...] = (
    "evidence and its links to controls",
    "populations and samples",
    "auditor requests",
    "exceptions and remediation already resolved",
    "export history",
)

EXCEPTION_FIELDS = ("exceptions", "management_response")
REMEDIATION_FIELDS = ("gap", "remediation_owner", "remediation_due")
COPIED_FIELDS = tuple(
    name
    for name in ControlRow.__dataclass_fields__
    if name not in ("id", "engagement_id", *EXCEPTION_FIELDS, *REMEDIATION_FIELDS)
)
"""Control fields copied as they are (the ids belong to the old engagement)."""


def _month_end(day: date) -> bool:
    return day.day == calendar.monthrange(day.year, day.month)[1]


def next_period(old_end: date, months: int = RENEWAL_MONTHS) -> tuple[date, date]:
    """The period right after one ending *old_end*: from the next day, *months* long.

    A period ending on a month's last day is followed by one ending on a
    month's last day (ending 29 Feb 2024 → 1 Mar 2024–28 Feb 2025; ending
    28 Feb 2023 → 1 Mar 2023–29 Feb 2024); otherwise the end moves by whole
    months, clamped to the month's end (ending 28 Feb 2024 → 29 Feb 2024–
    28 Feb 2025).
    """
    if months < 1:
        raise ValueError("a review period lasts at least one month")
    start = old_end + timedelta(days=1)
    end = add_months(old_end, months)
    if _month_end(old_end):
        end = end.replace(day=calendar.monthrange(end.year, end.month)[1])
    return start, end


@dataclass(frozen=True, slots=True)
class PriorReport:
    """A report already issued for the system: which one, which type, and its period's end (or as-of date)."""

    report: str
    type: str
    period_end: date

    def as_answer(self) -> dict[str, str]:
        """The ``prior_report`` scoping answer: ``{"report", "type", "period_end"}``."""
        return {"report": self.report, "type": self.type, "period_end": self.period_end.isoformat()}


@dataclass(frozen=True, slots=True)
class RollForwardPlan:
    """The new engagement's name, period, report type and prior reports, and the carry note."""

    name: str
    old_name: str
    period_start: date
    period_end: date
    report_type: str
    prior_reports: tuple[PriorReport, ...]
    note: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "from": self.old_name,
            "period_start": self.period_start.isoformat(),
            "period_end": self.period_end.isoformat(),
            "report_type": self.report_type,
            "prior_reports": [p.as_answer() for p in self.prior_reports],
            "carried": list(CARRIED),
            "not_carried": list(NOT_CARRIED),
        }


def carry_note(old_name: str, start: date | None, end: date | None, as_of: date | None) -> str:
    """``Carried over from “FY2025” (1 Jul 2024–30 Jun 2025)``: the prefix of carried open items."""
    return f"{CARRY_PREFIX} “{old_name}” ({describe_period(start, end, as_of)})"


def plan_roll_forward(
    *,
    old_name: str,
    new_name: str,
    report_kinds: Sequence[str],
    report_type: str | None,
    period_start: date | None,
    period_end: date | None,
    as_of: date | None,
    existing_names: Sequence[str] = (),
    months: int = RENEWAL_MONTHS,
) -> RollForwardPlan:
    """The next engagement after the one described (its name, reports, type and dates).

    The old report's end is its period end (Type 2) or its as-of date
    (Type 1); one prior report is recorded per report kind. Raises
    ``ValueError`` with a plain message when the new name is empty or taken,
    the old engagement has no report chosen, or it has no period end or
    as-of date to continue from.
    """
    name = " ".join(new_name.split())
    if not name:
        raise ValueError("give the new engagement a name")
    if name.casefold() in {n.casefold() for n in (old_name, *existing_names)}:
        raise ValueError(f"an engagement called {name!r} already exists; choose another name")
    if not report_kinds or not report_type:
        raise ValueError(
            f"“{old_name}” has no report kind and type yet; set its scope before rolling it forward"
        )
    type2 = report_type == "Type 2"
    old_end = period_end if type2 else as_of
    if old_end is None:
        what = "review period" if type2 else "as-of date"
        raise ValueError(f"“{old_name}” has no {what}; set it before rolling the engagement forward")
    start, end = next_period(old_end, months)
    prior = tuple(PriorReport(kind, report_type, old_end) for kind in report_kinds)
    if type2:
        note = carry_note(old_name, period_start, period_end, None)
    else:
        note = carry_note(old_name, None, None, as_of)
    return RollForwardPlan(name, old_name, start, end, NEXT_REPORT_TYPE, prior, note)


def _has_open_exception(control: ControlRow) -> bool:
    return control.status == Status.EXCEPTION.value and bool(control.exceptions.strip())


def _has_open_remediation(control: ControlRow) -> bool:
    planned = control.gap.strip() or control.remediation_owner.strip() or control.remediation_due
    return bool(planned) and control.status not in READY_STATUSES


def _noted(note: str, text: str) -> str:
    return f"{note}: {text.strip()}" if text.strip() else ""


def found_exception_text(found: ExceptionRow) -> str:
    """One exception recorded in fieldwork, in a line: when, against what, what happened, and the
    root cause, remediation and response where known."""
    parts = [
        f"{format_day(found.occurred_on) if found.occurred_on else 'undated'}, {found.subject}: "
        f"{found.description.strip()}"
    ]
    for label, text in (
        ("root cause", found.root_cause),
        ("remediation", found.remediation),
        ("response", found.management_response),
    ):
        if text.strip():
            parts.append(f"{label}: {text.strip()}")
    return "; ".join(parts)


def rolled_forward_control(
    control: ControlRow, note: str, found: Sequence[ExceptionRow] = ()
) -> dict[str, Any]:
    """The field values of *control*'s copy in the new engagement.

    Everything but the ids is copied, status included. An open exception (the
    control is in Exception and says what happened) keeps its text and the
    management response, prefixed with *note*; an open remediation (a gap,
    owner or due date on a control not yet Implemented or Ready for audit)
    keeps its fields, the gap prefixed with *note*. Resolved ones are left
    behind with the old period. The exceptions recorded against the control
    in the old period's fieldwork (*found*) are listed in its notes under
    *note*, since next year's auditor asks how each was remediated.
    """
    values = {name: getattr(control, name) for name in COPIED_FIELDS}
    if found:
        listed = "\n".join(f"- {found_exception_text(row)}" for row in found)
        carried = f"{note}, exceptions found in testing:\n{listed}"
        values["notes"] = f"{control.notes.rstrip()}\n\n{carried}" if control.notes.strip() else carried
    values["criteria"] = list(control.criteria)
    exception_open = _has_open_exception(control)
    remediation_open = _has_open_remediation(control)
    values["exceptions"] = _noted(note, control.exceptions) if exception_open else ""
    values["management_response"] = control.management_response if exception_open else ""
    values["gap"] = _noted(note, control.gap) if remediation_open else ""
    values["remediation_owner"] = control.remediation_owner if remediation_open else ""
    values["remediation_due"] = control.remediation_due if remediation_open else None
    return values


_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")


def suggested_name(old_name: str) -> str:
    """A name for the next engagement: every year in *old_name* moved on by one, else a suffix.

    ``Acme SOC 2 FY2025`` → ``Acme SOC 2 FY2026``; ``FY 2024-2025`` → ``FY 2025-2026``;
    ``Acme`` → ``Acme (next period)``.
    """
    if _YEAR.search(old_name) is None:
        return f"{old_name} (next period)"
    return _YEAR.sub(lambda match: str(int(match.group(0)) + 1), old_name)
