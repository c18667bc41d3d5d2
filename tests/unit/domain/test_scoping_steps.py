"""The scoping memo's next steps: dated from the period and the deadline, never from the day of printing."""

from datetime import date, timedelta

import pytest

from app.domain.scoping import Answers, Step, next_steps, recommend, report_deadline

D = date
PREPARED = D(2026, 3, 12)


def whens(steps: tuple[Step, ...]) -> list[str]:
    return [step.when for step in steps]


def test_a_type2_in_the_future() -> None:
    steps = next_steps((D(2026, 5, 1), D(2026, 10, 31)), prepared=PREPARED)
    assert whens(steps) == ["Before 1 May 2026", "1 May 2026", "31 Oct 2026", "About Dec 2026"]
    assert steps[0].what.startswith("Finish the control matrix")
    assert [step.day for step in steps] == sorted(step.day for step in steps)


def test_a_type2_that_began_in_the_past_gathers_evidence_since_its_start() -> None:
    steps = next_steps((D(2025, 11, 1), D(2026, 3, 31)), prepared=PREPARED, deadline=D(2026, 6, 12))
    assert whens(steps) == ["Since 1 Nov 2025", "31 Mar 2026", "About May 2026", "By 12 Jun 2026"]
    assert "gather the evidence" in steps[0].what
    assert steps[-1].what == "Your customer's date. The report should be in hand before it."


def test_a_period_over_before_the_memo_has_its_report_two_months_after_the_advice() -> None:
    steps = next_steps((D(2025, 9, 1), D(2026, 2, 28)), prepared=PREPARED)
    assert whens(steps)[-1] == "About May 2026"


def test_a_first_report_late_for_the_deadline_points_to_a_type1_not_a_bridge_letter() -> None:
    steps = next_steps((D(2026, 5, 1), D(2026, 7, 31)), prepared=PREPARED, deadline=D(2026, 6, 12))
    late = next(step for step in steps if step.when == "By 12 Jun 2026")
    assert "Type 1" in late.what and "readiness assessment" in late.what
    assert not any("bridge" in step.what for step in steps)


def test_a_renewal_continues_without_a_matrix_to_finish_and_offers_a_bridge_letter() -> None:
    steps = next_steps(
        (D(2026, 3, 1), D(2027, 2, 28)),
        prepared=D(2026, 2, 20),
        prior_end=D(2026, 2, 28),
        deadline=D(2026, 8, 20),
    )
    assert whens(steps) == [
        "1 Mar 2026",
        "From 1 Mar 2026",
        "By 20 Aug 2026",
        "28 Feb 2027",
        "About Apr 2027",
    ]
    assert "without a break" in steps[0].what
    assert "bridge letter" in steps[1].what
    assert "the bridge letter covers the customer from 1 Mar 2026" in steps[2].what
    assert not any("Finish the control matrix" in step.what for step in steps)


def test_a_type1_then_a_type2() -> None:
    steps = next_steps(D(2026, 4, 30), prepared=PREPARED, then_type2=True)
    assert whens(steps) == ["By 30 Apr 2026", "30 Apr 2026", "From 1 May 2026", "About Jun 2026"]
    assert "at least 3 months" in steps[2].what
    assert whens(next_steps(D(2026, 4, 30), prepared=PREPARED)) == [
        "By 30 Apr 2026",
        "30 Apr 2026",
        "About Jun 2026",
    ]


FIRST_REPORTS = [
    Answers(customer_data=True),
    Answers(customer_data=True, controls_operating_months=4),
    Answers(customer_data=True, customers_require_type2=True),
    Answers(customer_data=True, controls_operating_months=7, evidence_kept=True),
]


@pytest.mark.parametrize("answers", FIRST_REPORTS)
def test_no_step_falls_due_within_a_month_of_the_advice(answers: Answers) -> None:
    for offset in range(366):
        prepared = D(2026, 1, 1) + timedelta(days=offset)
        advice = recommend(answers, prepared)
        period: tuple[date, date] | date | None = advice.as_of
        if advice.period_start and advice.period_end:
            period = (advice.period_start, advice.period_end)
        assert period is not None
        steps = next_steps(
            period,
            prepared=prepared,
            deadline=report_deadline(answers, prepared),
            then_type2=advice.then_type2,
        )
        for step in steps:
            if step.when.startswith(("Before", "By")):
                assert step.day >= prepared + timedelta(days=28), (prepared, step)
