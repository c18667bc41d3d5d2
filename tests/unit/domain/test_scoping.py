"""The scoping rules: a table of scenarios, properties over all answers, overrides."""

from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.scoping import (
    QUESTIONS,
    Answers,
    AnswersError,
    Recommendation,
    Scope,
    apply_overrides,
    recommend,
    suggested_period,
)

SEC = "Security"


def rec(**answers: Any) -> Recommendation:
    return recommend(Answers.from_mapping(answers))


# reports, type, then_type2, categories, observation months
SCENARIOS: list[tuple[dict[str, Any], tuple[str, ...], str, bool, tuple[str, ...], int | None]] = [
    ({}, (), "Type 1", True, (), None),
    ({"financial_reporting_impact": True}, ("SOC 1",), "Type 1", True, (), None),
    ({"customers_requested": ["SOC 1"]}, ("SOC 1",), "Type 1", True, (), None),
    ({"ipo_planned": True}, ("SOC 1",), "Type 1", True, (), None),
    ({"customer_data": True}, ("SOC 2",), "Type 1", True, (SEC,), None),
    ({"customers_requested": ["SOC 2"]}, ("SOC 2",), "Type 1", True, (SEC,), None),
    ({"customers_requested": ["SOC 3"]}, ("SOC 2",), "Type 1", True, (SEC,), None),
    (
        {"financial_reporting_impact": True, "customer_data": True},
        ("SOC 1", "SOC 2"),
        "Type 1",
        True,
        (SEC,),
        None,
    ),
    ({"customers_requested": ["SOC 2", "SOC 1"]}, ("SOC 1", "SOC 2"), "Type 1", True, (SEC,), None),
    (
        {"ipo_planned": True, "customers_requested": ["SOC 3"]},
        ("SOC 1", "SOC 2"),
        "Type 1",
        True,
        (SEC,),
        None,
    ),
    (
        {
            "customer_data": True,
            "availability_commitments": True,
            "confidential_data": True,
            "processing_integrity": True,
            "personal_information": True,
        },
        ("SOC 2",),
        "Type 1",
        True,
        (SEC, "Availability", "Confidentiality", "Processing Integrity", "Privacy"),
        None,
    ),
    (
        {"customer_data": True, "confidential_data": True},
        ("SOC 2",),
        "Type 1",
        True,
        (SEC, "Confidentiality"),
        None,
    ),
    # optional-category answers without a SOC 2 add no categories
    (
        {"financial_reporting_impact": True, "availability_commitments": True},
        ("SOC 1",),
        "Type 1",
        True,
        (),
        None,
    ),
    # type
    ({"customer_data": True, "controls_operating_months": 2}, ("SOC 2",), "Type 1", True, (SEC,), None),
    ({"customer_data": True, "controls_operating_months": 3}, ("SOC 2",), "Type 2", False, (SEC,), 6),
    ({"customer_data": True, "customers_require_type2": True}, ("SOC 2",), "Type 2", False, (SEC,), 6),
    (
        {"customer_data": True, "customers_require_type2": True, "controls_operating_months": 0},
        ("SOC 2",),
        "Type 2",
        False,
        (SEC,),
        6,
    ),
    # deadlines: 6 months when it allows, else the longest it allows, 3 at least
    (
        {"customer_data": True, "controls_operating_months": 12, "report_needed_within_months": 12},
        ("SOC 2",),
        "Type 2",
        False,
        (SEC,),
        6,
    ),
    (
        {"customer_data": True, "controls_operating_months": 12, "report_needed_within_months": 8},
        ("SOC 2",),
        "Type 2",
        False,
        (SEC,),
        6,
    ),
    (
        {"customer_data": True, "controls_operating_months": 12, "report_needed_within_months": 7},
        ("SOC 2",),
        "Type 2",
        False,
        (SEC,),
        5,
    ),
    (
        {"customer_data": True, "controls_operating_months": 12, "report_needed_within_months": 5},
        ("SOC 2",),
        "Type 2",
        False,
        (SEC,),
        3,
    ),
    (
        {"customer_data": True, "controls_operating_months": 12, "report_needed_within_months": 2},
        ("SOC 2",),
        "Type 2",
        False,
        (SEC,),
        3,
    ),
    # a deadline never changes the type
    (
        {"customer_data": True, "customers_require_type2": True, "report_needed_within_months": 1},
        ("SOC 2",),
        "Type 2",
        False,
        (SEC,),
        3,
    ),
    ({"customer_data": True, "report_needed_within_months": 1}, ("SOC 2",), "Type 1", True, (SEC,), None),
]


@pytest.mark.parametrize(
    ("answers", "reports", "report_type", "then_type2", "categories", "months"), SCENARIOS
)
def test_scenarios(answers, reports, report_type, then_type2, categories, months) -> None:  # type: ignore[no-untyped-def]
    result = rec(**answers)
    assert result.reports == reports
    assert result.report_type == report_type
    assert result.then_type2 is then_type2
    assert result.categories == categories
    assert result.observation_months == months


def test_warnings_that_must_always_appear() -> None:
    assert any("Nothing you answered" in w for w in rec().warnings)
    assert any(
        "Processing Integrity" in w for w in rec(customer_data=True, processing_integrity=True).warnings
    )
    assert any("Privacy" in w for w in rec(customer_data=True, personal_information=True).warnings)
    late = rec(customer_data=True, customers_require_type2=True, report_needed_within_months=4)
    assert any("cannot be in hand within 4 months" in w for w in late.warnings)
    assert not rec(customer_data=True, controls_operating_months=6, report_needed_within_months=9).warnings


def test_json_has_exactly_the_contract_keys() -> None:
    assert set(rec(customer_data=True).as_dict()) == {
        "reports",
        "report_type",
        "then_type2",
        "categories",
        "observation_months",
        "rationale",
        "warnings",
    }


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"customer_dta": True}, "customer_dta"),
        ({"customer_data": "yes"}, "customer_data"),
        ({"controls_operating_months": 2.5}, "controls_operating_months"),
        ({"controls_operating_months": True}, "controls_operating_months"),
        ({"report_needed_within_months": -1}, "report_needed_within_months"),
        ({"customers_requested": ["SOC 4"]}, "customers_requested"),
        ({"customers_requested": "SOC 2"}, "customers_requested"),
        ([], "JSON object"),
    ],
)
def test_bad_answers_name_the_key(data: Any, message: str) -> None:
    with pytest.raises(AnswersError, match=message):
        Answers.from_mapping(data)


def test_missing_values_mean_no_and_unknown() -> None:
    answers = Answers.from_mapping({"customer_data": None, "controls_operating_months": None})
    assert answers.customer_data is False and answers.controls_operating_months is None
    assert Answers.from_mapping(answers.as_dict()) == answers


answer_values = st.fixed_dictionaries(
    {},
    optional={
        **{q.key: st.booleans() for q in QUESTIONS if q.kind is bool},
        "customers_requested": st.lists(st.sampled_from(["SOC 1", "SOC 2", "SOC 3"]), unique=True),
        "controls_operating_months": st.integers(0, 60),
        "report_needed_within_months": st.integers(0, 36),
    },
)


@given(answer_values)
def test_properties_over_all_answers(data: dict[str, Any]) -> None:
    answers = Answers.from_mapping(data)
    result = recommend(answers)
    # Security is present exactly when a SOC 2 is, and first
    assert ("Security" in result.categories) == ("SOC 2" in result.reports)
    if result.categories:
        assert result.categories[0] == "Security"
    # reports in order, categories in catalog order
    assert list(result.reports) == sorted(result.reports)
    order = ["Security", "Availability", "Confidentiality", "Processing Integrity", "Privacy"]
    assert list(result.categories) == sorted(result.categories, key=order.index)
    # every rationale line is tied to answers that exist
    keys = {q.key for q in QUESTIONS}
    assert result.reasons and all(reason.answers and set(reason.answers) <= keys for reason in result.reasons)
    # one reason per decision made
    decisions = {reason.decision for reason in result.reasons}
    assert {"reports", "report_type"} <= decisions
    assert ("categories" in decisions) == bool(result.categories)
    assert ("observation_months" in decisions) == (result.report_type == "Type 2")
    # type and period rules
    type2 = answers.customers_require_type2 or (answers.controls_operating_months or 0) >= 3
    assert result.report_type == ("Type 2" if type2 else "Type 1")
    assert result.then_type2 is (not type2)
    if type2:
        assert result.observation_months is not None and 3 <= result.observation_months <= 6
    else:
        assert result.observation_months is None
    if not result.reports:
        assert result.categories == () and result.warnings


@given(answer_values, st.integers(0, 36))
def test_a_deadline_never_changes_reports_type_or_categories(data: dict[str, Any], deadline: int) -> None:
    without = recommend(Answers.from_mapping({**data, "report_needed_within_months": None}))
    with_deadline = recommend(Answers.from_mapping({**data, "report_needed_within_months": deadline}))
    assert (without.reports, without.report_type, without.categories) == (
        with_deadline.reports,
        with_deadline.report_type,
        with_deadline.categories,
    )


def test_overrides_need_a_reason_and_stay_consistent() -> None:
    base = rec(customer_data=True, controls_operating_months=1)
    scope = apply_overrides(
        base,
        {
            "report_type": {"value": "Type 2", "reason": "Main customer insists"},
            "categories": {"value": ["Availability"], "reason": "SLA in the new contract"},
        },
    )
    assert scope == Scope(("SOC 2",), "Type 2", ("Security", "Availability"), 6)
    with pytest.raises(ValueError, match="needs a reason"):
        apply_overrides(base, {"report_type": {"value": "Type 2", "reason": "  "}})
    with pytest.raises(ValueError, match="only to a SOC 2"):
        apply_overrides(base, {"reports": {"value": ["SOC 1"], "reason": "r"}})
    assert apply_overrides(base, {}) == Scope(("SOC 2",), "Type 1", ("Security",), None)


def test_suggested_period_starts_next_month() -> None:
    type2 = Scope(("SOC 2",), "Type 2", ("Security",), 6)
    assert suggested_period(type2, date(2026, 11, 26)) == (date(2026, 12, 1), date(2027, 5, 31))
    type1 = Scope(("SOC 2",), "Type 1", ("Security",), None)
    assert suggested_period(type1, date(2026, 12, 31)) == date(2027, 1, 31)
    assert suggested_period(type1, date(2027, 1, 15)) == date(2027, 2, 28)
