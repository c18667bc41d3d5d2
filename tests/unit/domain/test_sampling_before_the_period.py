"""Before the review period starts nothing is stale and nothing is due: the user is preparing."""

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
