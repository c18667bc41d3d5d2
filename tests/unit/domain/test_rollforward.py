"""Rolling an engagement forward: continuous periods, prior reports, and what carries over."""

from dataclasses import fields, replace
from datetime import date

import pytest

from app.domain.controls import ControlRow
from app.domain.fieldwork import ExceptionRow
from app.domain.rollforward import (
    CARRIED,
    NOT_CARRIED,
    PriorReport,
    carry_note,
    next_period,
    plan_roll_forward,
    rolled_forward_control,
)


@pytest.mark.parametrize(
    ("old_end", "start", "end"),
    [
        (date(2025, 12, 31), date(2026, 1, 1), date(2026, 12, 31)),
        (date(2025, 6, 30), date(2025, 7, 1), date(2026, 6, 30)),
        (date(2025, 6, 15), date(2025, 6, 16), date(2026, 6, 15)),
        (date(2024, 2, 29), date(2024, 3, 1), date(2025, 2, 28)),
        (date(2023, 2, 28), date(2023, 3, 1), date(2024, 2, 29)),
        (date(2024, 2, 28), date(2024, 2, 29), date(2025, 2, 28)),
        (date(2025, 2, 28), date(2025, 3, 1), date(2026, 2, 28)),
        (date(2027, 2, 28), date(2027, 3, 1), date(2028, 2, 29)),
        (date(2025, 4, 30), date(2025, 5, 1), date(2026, 4, 30)),
        (date(2025, 1, 30), date(2025, 1, 31), date(2026, 1, 30)),
    ],
)
def test_the_next_period_starts_the_day_after_and_lasts_twelve_months(
    old_end: date, start: date, end: date
) -> None:
    assert next_period(old_end) == (start, end)


def test_periods_of_other_lengths_keep_month_ends() -> None:
    assert next_period(date(2025, 8, 31), 6) == (date(2025, 9, 1), date(2026, 2, 28))
    assert next_period(date(2025, 8, 30), 6) == (date(2025, 8, 31), date(2026, 2, 28))
    assert next_period(date(2025, 4, 30), 1) == (date(2025, 5, 1), date(2025, 5, 31))
    with pytest.raises(ValueError, match="at least one month"):
        next_period(date(2025, 4, 30), 0)


def test_years_in_a_row_stay_continuous_and_end_on_the_last_day_of_february() -> None:
    end = date(2024, 2, 29)
    ends = []
    for _ in range(6):
        start, new_end = next_period(end)
        assert (start - end).days == 1
        end = new_end
        ends.append(end)
    assert ends == [date(y, 2, 29 if y == 2028 else 28) for y in range(2025, 2031)]


def test_a_type_2_engagement_rolls_into_the_next_twelve_months() -> None:
    plan = plan_roll_forward(
        old_name="Acme SOC 2 FY2025",
        new_name="  Acme SOC 2   FY2026 ",
        report_kinds=["SOC 1", "SOC 2"],
        report_type="Type 2",
        period_start=date(2024, 7, 1),
        period_end=date(2025, 6, 30),
        as_of=None,
        existing_names=["Other"],
    )
    assert (plan.name, plan.period_start, plan.period_end) == (
        "Acme SOC 2 FY2026",
        date(2025, 7, 1),
        date(2026, 6, 30),
    )
    assert plan.report_type == "Type 2"
    assert plan.prior_reports == (
        PriorReport("SOC 1", "Type 2", date(2025, 6, 30)),
        PriorReport("SOC 2", "Type 2", date(2025, 6, 30)),
    )
    assert plan.prior_reports[1].as_answer() == {
        "report": "SOC 2",
        "type": "Type 2",
        "period_end": "2025-06-30",
    }
    assert plan.note == "Carried over from “Acme SOC 2 FY2025” (1 Jul 2024–30 Jun 2025)"
    data = plan.as_dict()
    assert data["period_start"] == "2025-07-01" and data["from"] == "Acme SOC 2 FY2025"
    assert data["carried"] == list(CARRIED) and data["not_carried"] == list(NOT_CARRIED)


def test_a_type_1_engagement_continues_from_its_as_of_date_as_a_type_2() -> None:
    plan = plan_roll_forward(
        old_name="Acme readiness",
        new_name="Acme Type 2",
        report_kinds=["SOC 2"],
        report_type="Type 1",
        period_start=None,
        period_end=None,
        as_of=date(2026, 3, 31),
        months=6,
    )
    assert (plan.period_start, plan.period_end, plan.report_type) == (
        date(2026, 4, 1),
        date(2026, 9, 30),
        "Type 2",
    )
    assert plan.prior_reports == (PriorReport("SOC 2", "Type 1", date(2026, 3, 31)),)
    assert plan.note == "Carried over from “Acme readiness” (as of 31 Mar 2026)"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"new_name": " "}, "give the new engagement a name"),
        ({"new_name": "acme fy2025"}, "an engagement called 'acme fy2025' already exists"),
        ({"new_name": "Taken"}, "an engagement called 'Taken' already exists"),
        ({"report_kinds": []}, "has no report kind and type yet"),
        ({"period_end": None}, "“Acme FY2025” has no review period"),
        ({"report_type": "Type 1"}, "“Acme FY2025” has no as-of date"),
    ],
)
def test_a_roll_forward_that_cannot_be_planned_says_why(changes: dict[str, object], message: str) -> None:
    arguments: dict[str, object] = {
        "old_name": "Acme FY2025",
        "new_name": "Acme FY2026",
        "report_kinds": ["SOC 2"],
        "report_type": "Type 2",
        "period_start": date(2025, 1, 1),
        "period_end": date(2025, 12, 31),
        "as_of": None,
        "existing_names": ["Taken"],
    }
    with pytest.raises(ValueError, match=message):
        plan_roll_forward(**(arguments | changes))


def test_carry_lists_name_every_rule_of_the_issue() -> None:
    carried = " ".join(CARRIED)
    for thing in (
        "company",
        "scope",
        "controls",
        "objectives",
        "CUECs",
        "subservice",
        "policies",
        "statuses",
    ):
        assert thing in carried
    assert "open exceptions and remediation" in carried
    not_carried = " ".join(NOT_CARRIED)
    for thing in ("evidence", "samples", "populations", "requests"):
        assert thing in not_carried


NOTE = carry_note("FY2025", date(2025, 1, 1), date(2025, 12, 31), None)
BASE = ControlRow(
    id=7,
    engagement_id=3,
    ref="ACC-03",
    title="Quarterly user access review",
    description="Each quarter ...",
    criteria=["CC6.1", "CC6.2"],
    owner="IT Manager",
    frequency="quarterly",
    nature="manual",
    control_type="detective",
    is_key=True,
    systems="Okta",
    expected_evidence="Review ticket",
    test_procedure="Inspect",
    population_source="Tickets",
    status="implemented",
    dependency="",
    notes="Moved to Okta in May",
)


def test_a_control_is_copied_with_its_status_and_without_its_ids() -> None:
    values = rolled_forward_control(BASE, NOTE)
    assert "id" not in values and "engagement_id" not in values
    expected = {
        f.name: getattr(BASE, f.name) for f in fields(ControlRow) if f.name not in ("id", "engagement_id")
    }
    assert values == expected
    values["criteria"].append("CC9.9")
    assert BASE.criteria == ["CC6.1", "CC6.2"]  # the old engagement's control is untouched


def test_an_open_exception_and_its_remediation_carry_with_a_note() -> None:
    control = replace(
        BASE,
        status="exception",
        exceptions="Q3 review was not signed off by the system owner",
        management_response="Reminder added to the review ticket template",
        gap="Sign-off step missing",
        remediation_owner="IT Manager",
        remediation_due=date(2026, 2, 15),
    )
    values = rolled_forward_control(control, NOTE)
    assert values["status"] == "exception"
    assert values["exceptions"] == (
        "Carried over from “FY2025” (1 Jan–31 Dec 2025): Q3 review was not signed off by the system owner"
    )
    assert values["management_response"] == "Reminder added to the review ticket template"
    assert values["gap"] == "Carried over from “FY2025” (1 Jan–31 Dec 2025): Sign-off step missing"
    assert (values["remediation_owner"], values["remediation_due"]) == ("IT Manager", date(2026, 2, 15))


def test_open_remediation_without_an_exception_carries() -> None:
    control = replace(
        BASE, status="in-progress", gap="", remediation_owner="DevOps Lead", remediation_due=None
    )
    values = rolled_forward_control(control, NOTE)
    assert (values["gap"], values["remediation_owner"]) == ("", "DevOps Lead")
    assert values["exceptions"] == ""


def test_resolved_exceptions_and_remediation_stay_with_the_old_period() -> None:
    control = replace(
        BASE,
        status="ready-for-audit",
        exceptions="One review late in Q1",
        management_response="Fixed",
        gap="Old gap",
        remediation_owner="IT Manager",
        remediation_due=date(2025, 3, 1),
    )
    values = rolled_forward_control(control, NOTE)
    assert values["status"] == "ready-for-audit"
    assert (values["exceptions"], values["management_response"], values["gap"]) == ("", "", "")
    assert (values["remediation_owner"], values["remediation_due"]) == ("", None)


def test_exceptions_found_in_testing_are_listed_in_the_notes_under_the_carry_note() -> None:
    found = (
        ExceptionRow(
            id=1,
            engagement_id=1,
            control_id=7,
            control_ref="ACC-03",
            description="Review late",
            remediation="Deputy named",
        ),
        ExceptionRow(
            id=2,
            engagement_id=1,
            control_id=7,
            control_ref="ACC-03",
            sample_item_id=4,
            sample_item="PBC-05 sample 2 (Oct 2025)",
            occurred_on=date(2025, 10, 31),
            description="No sign-off",
        ),
    )
    values = rolled_forward_control(replace(BASE, notes="Reviewed by the CTO."), NOTE, found)
    assert values["notes"] == (
        f"Reviewed by the CTO.\n\n{NOTE}, exceptions found in testing:\n"
        "- undated, ACC-03: Review late; remediation: Deputy named\n"
        "- 31 Oct 2025, ACC-03 · PBC-05 sample 2 (Oct 2025): No sign-off"
    )
    assert rolled_forward_control(BASE, NOTE)["notes"] == BASE.notes
