"""Review periods and how a report's scope is described in one line."""

import calendar
from datetime import date, timedelta

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
"""Month abbreviations in English whatever the system's locale, so files read the same everywhere."""


def format_day(day: date) -> str:
    """``1 Jan 2026``."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def format_month(day: date) -> str:
    """``Jan 2026``: the month of *day*."""
    return f"{MONTHS[day.month - 1]} {day.year}"


def describe_period(start: date | None, end: date | None, as_of: date | None) -> str:
    """``1 Jan–30 Jun 2026``, ``as of 31 Mar 2026`` or ``no period set``."""
    if start and end:
        if start.year == end.year:
            return f"{start.day} {MONTHS[start.month - 1]}–{format_day(end)}"
        return f"{format_day(start)}–{format_day(end)}"
    if as_of:
        return f"as of {format_day(as_of)}"
    return "no period set"


def describe_scope(
    report_kinds: list[str],
    report_type: str | None,
    start: date | None,
    end: date | None,
    as_of: date | None,
) -> str:
    """``SOC 1 + SOC 2 Type 2 · 1 Jan–30 Jun 2026``: what the engagement bar shows."""
    reports = " + ".join(report_kinds) if report_kinds else "Scope not set"
    if report_kinds and report_type:
        reports = f"{reports} {report_type}"
    return f"{reports} · {describe_period(start, end, as_of)}"


def parse_day(text: str) -> date:
    """A ``YYYY-MM-DD`` date; ``ValueError`` with a plain message otherwise."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"{text!r} is not a date in the form YYYY-MM-DD") from None


def check_period(start: date | None, end: date | None) -> None:
    """Both or neither end of a period, and the start not after the end."""
    if (start is None) != (end is None):
        raise ValueError("a review period needs both a start and an end date")
    if start and end and start > end:
        raise ValueError(f"the period starts ({start}) after it ends ({end})")


def add_months(day: date, months: int) -> date:
    """*day* moved by whole months, clamped to the month's end (31 Jan + 1 -> 28 or 29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def anniversary(day: date, months: int) -> date:
    """*day* moved by whole months, a missing day rolling on (29 Feb + 12 -> 1 Mar, 31 Jan + 1 -> 1 Mar)."""
    moved = add_months(day, months)
    return moved if moved.day == day.day else moved + timedelta(days=1)


def period_end(start: date, months: int) -> date:
    """The last day of *months* months from *start* (1 Feb + 6 -> 31 Jul, 16 Jun + 12 -> 15 Jun)."""
    return anniversary(start, months) - timedelta(days=1)


def months_between(start: date, end: date) -> int:
    """Whole months from *start* to *end*, both included: 1 Feb–31 Jul is 6, 1 Feb–30 Jul is 5."""
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    while months > 0 and period_end(start, months) > end:
        months -= 1
    return max(months, 0)
