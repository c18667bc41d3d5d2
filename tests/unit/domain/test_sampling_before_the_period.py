"""Outside the review period: before it nothing is stale or due; after it nothing new falls due."""

from datetime import date

from app.domain.sampling import ControlSampling, ReportScope, assess_control, is_stale

PERIOD = ReportScope("Type 2", date(2027, 1, 1), date(2027, 6, 30), None)


def assess(today: date, collected: list[date]) -> ControlSampling:
    return assess_control(
        control_id=1,
        ref="ACC-01",
        title="Access review",
        frequency="monthly",
        nature="manual",
        scope=PERIOD,
        collected_dates=collected,
        today=today,
    )


def test_evidence_collected_before_the_period_is_stale_only_once_it_has_started() -> None:
    collected = date(2026, 11, 20)
    assert not is_stale(collected, "Type 2", PERIOD.period_start, None, today=date(2026, 12, 31))
    assert is_stale(collected, "Type 2", PERIOD.period_start, None, today=date(2027, 1, 1))
    assert not assess(date(2026, 12, 1), [collected]).stale_evidence
    assert assess(date(2027, 2, 1), [collected]).stale_evidence == 1


def test_nothing_is_due_or_overdue_before_the_period_starts() -> None:
    early = assess(date(2026, 10, 5), [])
    assert (early.next_due, early.due_status) == (date(2027, 1, 1), "scheduled")
    old = assess(date(2026, 12, 28), [date(2026, 9, 1)])
    assert (old.next_due, old.due_status) == (date(2027, 1, 1), "scheduled")
    started = assess(date(2027, 1, 3), [])
    assert (started.next_due, started.due_status) == (date(2027, 1, 3), "due-soon")


def test_after_the_period_nothing_new_falls_due_and_missing_evidence_is_overdue_from_its_end() -> None:
    kept = assess(date(2027, 11, 30), [date(2027, 6, 20)])
    assert (kept.next_due, kept.due_status) == (None, None), "the next month is outside the period"
    late = assess(date(2027, 6, 25), [date(2027, 5, 20)])
    assert (late.next_due, late.due_status) == (date(2027, 6, 20), "overdue")
    never = assess(date(2027, 11, 30), [])
    assert (never.next_due, never.due_status) == (date(2027, 6, 30), "overdue")
