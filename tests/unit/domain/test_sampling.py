"""Occurrences, samples, slices, coverage, due dates and staleness on hand-built periods."""

from datetime import date, timedelta

import pytest

from app.domain.periods import add_months
from app.domain.sampling import (
    DEFAULT_CONVENTIONS,
    ReportScope,
    Slice,
    assess_control,
    business_days,
    conventions_with,
    coverage,
    due_status,
    expected_occurrences,
    is_stale,
    next_due,
    report_type_for,
    slices,
    suggested_sample,
)

D = date


def weekdays(start: date, end: date) -> int:
    """Oracle: count Monday–Friday one day at a time."""
    return sum((start + timedelta(days=i)).weekday() < 5 for i in range((end - start).days + 1))


# Periods: (name, start, end)
LEAP_FEB = (D(2024, 2, 1), D(2024, 2, 29))
PLAIN_FEB = (D(2023, 2, 1), D(2023, 2, 28))
FIRST_HALF = (D(2026, 1, 1), D(2026, 6, 30))
SIX_WEEKS = (D(2026, 3, 2), D(2026, 4, 12))  # Monday 2 Mar to Sunday 12 Apr
MID_MONTH = (D(2026, 1, 15), D(2026, 7, 14))
FISCAL_YEAR = (D(2025, 7, 1), D(2026, 6, 30))
YEAR_2026 = (D(2026, 1, 1), D(2026, 12, 31))

OCCURRENCES = [
    # period, frequency, expected occurrences, suggested sample (Type 2, manual)
    (LEAP_FEB, "monthly", 1, 1),
    (LEAP_FEB, "weekly", 5, 2),  # weeks from Thursday 1 Feb, the last one a single day
    (LEAP_FEB, "daily", 21, 5),
    (PLAIN_FEB, "daily", 20, 5),
    (FIRST_HALF, "annual", 1, 1),
    (FIRST_HALF, "semiannual", 1, 1),
    (FIRST_HALF, "quarterly", 2, 2),
    (FIRST_HALF, "monthly", 6, 2),
    (FIRST_HALF, "weekly", 26, 5),  # 25 weeks from Thursday 1 Jan and 6 days left
    (FIRST_HALF, "daily", 129, 25),
    (SIX_WEEKS, "annual", 1, 1),
    (SIX_WEEKS, "quarterly", 1, 1),
    (SIX_WEEKS, "monthly", 2, 2),
    (SIX_WEEKS, "weekly", 6, 2),  # sampled like a monthly control
    (SIX_WEEKS, "daily", 30, 5),  # sampled like a weekly control
    (MID_MONTH, "semiannual", 1, 1),
    (MID_MONTH, "quarterly", 2, 2),
    (MID_MONTH, "monthly", 6, 2),
    (FISCAL_YEAR, "annual", 1, 1),
    (FISCAL_YEAR, "semiannual", 2, 2),
    (FISCAL_YEAR, "quarterly", 4, 2),
    (FISCAL_YEAR, "monthly", 12, 2),
    (YEAR_2026, "weekly", 53, 5),  # 52 weeks and one day
    (YEAR_2026, "daily", 261, 25),
    (YEAR_2026, "multiple-daily", None, 25),
    (YEAR_2026, "per-event", None, 25),
    (YEAR_2026, "continuous", None, 1),
]


@pytest.mark.parametrize(("period", "frequency", "occurrences", "sample"), OCCURRENCES)
def test_occurrences_and_samples(
    period: tuple[date, date], frequency: str, occurrences: int | None, sample: int
) -> None:
    start, end = period
    assert expected_occurrences(frequency, start, end) == occurrences
    assert suggested_sample(frequency, "manual", "Type 2", start, end) == sample


@pytest.mark.parametrize("period", [LEAP_FEB, PLAIN_FEB, FIRST_HALF, SIX_WEEKS, MID_MONTH, YEAR_2026])
def test_business_days_match_a_day_by_day_count(period: tuple[date, date]) -> None:
    assert business_days(*period) == weekdays(*period)


def test_business_days_of_a_weekend_and_of_an_empty_range() -> None:
    assert business_days(D(2026, 3, 7), D(2026, 3, 8)) == 0
    assert business_days(D(2026, 3, 9), D(2026, 3, 8)) == 0


def labels(frequency: str, period: tuple[date, date]) -> list[str]:
    return [part.label for part in slices(frequency, *period)]


def test_months_are_counted_from_the_period_start() -> None:
    parts = slices("monthly", *MID_MONTH)
    assert [p.label for p in parts] == [f"Month {m}" for m in range(1, 7)]
    assert parts[0] == Slice("Month 1", D(2026, 1, 15), D(2026, 2, 14))
    assert parts[1] == Slice("Month 2", D(2026, 2, 15), D(2026, 3, 14))
    assert parts[-1] == Slice("Month 6", D(2026, 6, 15), D(2026, 7, 14))
    assert labels("monthly", FIRST_HALF) == [f"2026-{m:02d}" for m in range(1, 7)]
    assert slices("monthly", D(2026, 1, 31), D(2026, 3, 30)) == [
        Slice("Month 1", D(2026, 1, 31), D(2026, 2, 28)),
        Slice("Month 2", D(2026, 3, 1), D(2026, 3, 30)),
    ]


def test_leap_february_ends_on_the_29th() -> None:
    assert slices("monthly", *LEAP_FEB) == [Slice("2024-02", D(2024, 2, 1), D(2024, 2, 29))]
    assert slices("daily", *LEAP_FEB) == slices("monthly", *LEAP_FEB)


def test_weeks_are_counted_from_the_period_start() -> None:
    parts = slices("weekly", *LEAP_FEB)
    assert [p.label for p in parts] == ["Week 1", "Week 2", "Week 3", "Week 4", "Week 5"]
    assert parts[0] == Slice("Week 1", D(2024, 2, 1), D(2024, 2, 7))
    assert parts[1] == Slice("Week 2", D(2024, 2, 8), D(2024, 2, 14))
    assert parts[-1] == Slice("Week 5", D(2024, 2, 29), D(2024, 2, 29))


def test_a_period_starting_on_a_monday_has_iso_weeks() -> None:
    assert labels("weekly", SIX_WEEKS) == [f"2026-W{w}" for w in range(10, 16)]
    assert labels("weekly", (D(2026, 12, 28), D(2027, 1, 3))) == ["2026-W53"]


def test_quarters_are_counted_from_the_period_start() -> None:
    assert slices("quarterly", *MID_MONTH) == [
        Slice("Quarter 1", D(2026, 1, 15), D(2026, 4, 14)),
        Slice("Quarter 2", D(2026, 4, 15), D(2026, 7, 14)),
    ]
    assert labels("quarterly", FISCAL_YEAR) == ["2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2"]


def test_years_and_halves_are_counted_from_the_period_start() -> None:
    assert slices("annual", *FISCAL_YEAR) == [Slice("Year 1", D(2025, 7, 1), D(2026, 6, 30))]
    assert slices("semiannual", *FISCAL_YEAR) == [
        Slice("Half 1", D(2025, 7, 1), D(2025, 12, 31)),
        Slice("Half 2", D(2026, 1, 1), D(2026, 6, 30)),
    ]
    assert slices("annual", D(2025, 1, 1), D(2026, 3, 31)) == [
        Slice("Year 1", D(2025, 1, 1), D(2025, 12, 31)),
        Slice("Year 2", D(2026, 1, 1), D(2026, 3, 31)),
    ]


def test_a_period_from_a_leap_day_rolls_its_anniversary_to_1_march() -> None:
    assert slices("annual", D(2024, 2, 29), D(2026, 2, 28)) == [
        Slice("Year 1", D(2024, 2, 29), D(2025, 2, 28)),
        Slice("Year 2", D(2025, 3, 1), D(2026, 2, 28)),
    ]


@pytest.mark.parametrize("frequency", ["annual", "semiannual", "quarterly", "monthly", "weekly", "daily"])
def test_a_period_shorter_than_one_slice_has_one_slice(frequency: str) -> None:
    day = D(2026, 5, 13)
    assert slices(frequency, day, day) == [Slice(labels(frequency, (day, day))[0], day, day)]
    assert expected_occurrences(frequency, day, day) == 1
    assert suggested_sample(frequency, "manual", "Type 2", day, day) == 1


@pytest.mark.parametrize("frequency", ["per-event", "continuous"])
def test_controls_without_a_calendar_have_no_slices(frequency: str) -> None:
    assert slices(frequency, *YEAR_2026) == []
    assert coverage(frequency, *YEAR_2026, [D(2026, 5, 1)]) == []


def test_slices_refuse_a_reversed_period() -> None:
    with pytest.raises(ValueError, match="after it ends"):
        slices("monthly", D(2026, 2, 1), D(2026, 1, 1))


def test_coverage_counts_both_ends_of_the_period_and_of_each_slice() -> None:
    collected = [D(2025, 12, 31), D(2026, 1, 1), D(2026, 1, 31), D(2026, 3, 1), D(2026, 6, 30), D(2026, 7, 1)]
    covered = {part.label: flag for part, flag in coverage("monthly", *FIRST_HALF, collected)}
    assert covered == {
        "2026-01": True,
        "2026-02": False,
        "2026-03": True,
        "2026-04": False,
        "2026-05": False,
        "2026-06": True,
    }


def test_coverage_of_weeks_across_the_new_year() -> None:
    period = (D(2025, 12, 22), D(2026, 1, 11))
    covered = coverage("weekly", *period, [D(2026, 1, 4), D(2026, 1, 5)])
    assert [(part.label, flag) for part, flag in covered] == [
        ("2025-W52", False),
        ("2026-W01", True),  # Sunday 4 Jan 2026 ends the week that began on 29 Dec 2025
        ("2026-W02", True),
    ]


def test_sample_rules() -> None:
    start, end = FIRST_HALF
    assert suggested_sample("daily", "manual", "Type 1", None, None) == 1
    assert suggested_sample("daily", "automated", "Type 2", start, end) == 1
    assert suggested_sample(None, "manual", "Type 2", start, end) is None
    assert suggested_sample("weekly", "manual", "Type 2", None, None) == 5
    assert suggested_sample("quarterly", "manual", "Type 2", D(2026, 1, 1), D(2026, 3, 31)) == 1
    assert suggested_sample("daily", "manual", "Type 2", D(2026, 3, 7), D(2026, 3, 8)) == 1
    mine = conventions_with({"monthly": 4, "automated": 2, "type-1": 3, "daily": 40})
    assert suggested_sample("monthly", "manual", "Type 2", *FISCAL_YEAR, mine) == 4
    assert suggested_sample("monthly", "manual", "Type 2", D(2026, 1, 1), D(2026, 3, 31), mine) == 2
    assert suggested_sample("monthly", "automated", "Type 2", *FISCAL_YEAR, mine) == 2
    assert suggested_sample("monthly", "manual", "Type 1", None, None, mine) == 3
    assert suggested_sample("daily", "it-dependent-manual", "Type 2", *YEAR_2026, mine) == 40


def test_conventions_are_validated() -> None:
    assert DEFAULT_CONVENTIONS["monthly"].occurrences_per_year == 12
    assert conventions_with({})["weekly"] == DEFAULT_CONVENTIONS["weekly"]
    with pytest.raises(ValueError, match="no sampling convention 'hourly'"):
        conventions_with({"hourly": 3})
    for bad in (0, -1, 1001, 2.5, True, "3"):
        with pytest.raises(ValueError, match="whole number"):
            conventions_with({"monthly": bad})  # type: ignore[dict-item]
    with pytest.raises(TypeError):
        DEFAULT_CONVENTIONS["monthly"] = DEFAULT_CONVENTIONS["weekly"]  # type: ignore[index]


def test_add_months_clamps_to_the_month_end() -> None:
    assert add_months(D(2024, 1, 31), 1) == D(2024, 2, 29)
    assert add_months(D(2025, 1, 31), 1) == D(2025, 2, 28)
    assert add_months(D(2025, 11, 30), 3) == D(2026, 2, 28)
    assert add_months(D(2026, 3, 15), -3) == D(2025, 12, 15)


@pytest.mark.parametrize(
    ("frequency", "latest", "due"),
    [
        ("annual", D(2024, 2, 29), D(2025, 2, 28)),
        ("semiannual", D(2026, 1, 10), D(2026, 7, 10)),
        ("quarterly", D(2025, 11, 30), D(2026, 2, 28)),
        ("monthly", D(2024, 1, 31), D(2024, 2, 29)),
        ("weekly", D(2026, 12, 29), D(2027, 1, 5)),
        ("daily", D(2026, 3, 6), D(2026, 3, 9)),  # Friday -> Monday
        ("multiple-daily", D(2026, 3, 4), D(2026, 3, 5)),
        ("per-event", D(2026, 3, 4), None),
        ("continuous", D(2026, 3, 4), None),
        (None, D(2026, 3, 4), None),
    ],
)
def test_next_due(frequency: str | None, latest: date, due: date | None) -> None:
    assert next_due(frequency, latest, D(2026, 3, 20)) == due


def test_without_evidence_it_is_due_now() -> None:
    assert next_due("monthly", None, D(2026, 3, 20)) == D(2026, 3, 20)
    assert next_due("per-event", None, D(2026, 3, 20)) is None


def test_due_status_boundaries() -> None:
    today = D(2026, 3, 20)
    assert due_status(D(2026, 3, 19), today) == "overdue"
    assert due_status(today, today) == "due-soon"
    assert due_status(D(2026, 3, 27), today) == "due-soon"
    assert due_status(D(2026, 3, 28), today) == "scheduled"


def test_staleness() -> None:
    start = D(2026, 1, 1)
    assert is_stale(D(2025, 12, 31), "Type 2", start, None)
    assert not is_stale(start, "Type 2", start, None)
    as_of = D(2026, 3, 31)
    assert not is_stale(as_of - timedelta(days=90), "Type 1", None, as_of)
    assert is_stale(as_of - timedelta(days=91), "Type 1", None, as_of)
    assert not is_stale(as_of - timedelta(days=91), "Type 1", None, as_of, max_age_days=120)
    assert not is_stale(None, "Type 2", start, None)
    assert not is_stale(D(2020, 1, 1), None, start, as_of)
    assert not is_stale(D(2020, 1, 1), "Type 2", None, as_of)


def test_report_type_follows_the_dates_when_unset() -> None:
    assert report_type_for("Type 1", *FIRST_HALF, None) == "Type 1"
    assert report_type_for(None, *FIRST_HALF, None) == "Type 2"
    assert report_type_for(None, None, None, D(2026, 3, 31)) == "Type 1"
    assert report_type_for(None, None, None, None) is None


def test_assess_a_monthly_control_in_a_type2_period() -> None:
    scope = ReportScope("Type 2", *FIRST_HALF, None)
    result = assess_control(
        control_id=7,
        ref="ACC-02",
        title="Monthly access review",
        frequency="monthly",
        nature="manual",
        scope=scope,
        collected_dates=[D(2026, 3, 2), D(2025, 12, 15), D(2026, 1, 30)],
        today=D(2026, 4, 10),
    )
    assert result.expected_occurrences == 6
    assert result.suggested_sample == 2
    values = result.as_dict()
    assert values["covered"] == ["2026-01", "2026-03"]
    assert values["missing"] == ["2026-02"]
    assert values["upcoming"] == ["2026-04", "2026-05", "2026-06"]
    assert values["latest_evidence"] == "2026-03-02"
    assert values["next_due"] == "2026-04-02"
    assert values["due_status"] == "overdue"
    assert values["stale_evidence"] == 1
    assert values["slices"][0] == {
        "label": "2026-01",
        "start": "2026-01-01",
        "end": "2026-01-31",
        "covered": True,
    }


def test_assess_a_control_in_a_type1() -> None:
    scope = ReportScope("Type 1", None, None, D(2026, 3, 31))
    result = assess_control(
        control_id=1,
        ref="CM-01",
        title="Change approval",
        frequency="per-event",
        nature="manual",
        scope=scope,
        collected_dates=[D(2025, 10, 1), D(2026, 3, 1)],
        today=D(2026, 3, 20),
        type1_max_age_days=90,
    )
    assert result.expected_occurrences is None
    assert result.suggested_sample == 1
    assert result.slices == []
    assert result.next_due is None and result.due_status is None
    assert result.stale_evidence == 1
