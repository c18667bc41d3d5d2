"""The scoping rules: scenarios, dated periods, renewals, properties over all answers, overrides."""

from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.periods import add_months, months_between
from app.domain.scoping import (
    IPO_SOC1_REASON,
    QUESTIONS,
    Answers,
    AnswersError,
    Consideration,
    PriorReport,
    Recommendation,
    Scope,
    apply_overrides,
    future_start,
    period_to_apply,
    recommend,
    report_deadline,
    scope_period,
    suggested_period,
)

SEC = "Security"
TODAY = date(2026, 3, 12)
D = date


def rec(today: date = TODAY, **answers: Any) -> Recommendation:
    return recommend(Answers.from_mapping(answers), today)


def everything(recommendation: Recommendation) -> str:
    """Every sentence of advice: rationale, warnings and what to consider."""
    parts = [
        *recommendation.rationale,
        *recommendation.warnings,
        *(c.reason for c in recommendation.consider),
    ]
    return " ".join(parts)


# reports, type, then_type2, categories, observation months (answers given on 12 Mar 2026)
SCENARIOS: list[tuple[dict[str, Any], tuple[str, ...], str, bool, tuple[str, ...], int | None]] = [
    ({}, (), "Type 1", True, (), None),
    ({"financial_reporting_impact": True}, ("SOC 1",), "Type 1", True, (), None),
    ({"customers_requested": ["SOC 1"]}, ("SOC 1",), "Type 1", True, (), None),
    # an IPO alone makes nothing necessary
    ({"ipo_planned": True}, (), "Type 1", True, (), None),
    ({"customer_data": True}, ("SOC 2",), "Type 1", True, (SEC,), None),
    ({"customers_requested": ["SOC 2"]}, ("SOC 2",), "Type 1", True, (SEC,), None),
    ({"customers_requested": ["SOC 3"]}, ("SOC 2",), "Type 1", True, (SEC,), None),
    # customer data, but customers asked only for a SOC 1: the SOC 2 is to consider
    ({"customer_data": True, "customers_requested": ["SOC 1"]}, ("SOC 1",), "Type 1", True, (), None),
    (
        {"customer_data": True, "customers_requested": ["SOC 1", "SOC 2"]},
        ("SOC 1", "SOC 2"),
        "Type 1",
        True,
        (SEC,),
        None,
    ),
    (
        {"financial_reporting_impact": True, "customer_data": True},
        ("SOC 1", "SOC 2"),
        "Type 1",
        True,
        (SEC,),
        None,
    ),
    ({"customers_requested": ["SOC 2", "SOC 1"]}, ("SOC 1", "SOC 2"), "Type 1", True, (SEC,), None),
    ({"ipo_planned": True, "customers_requested": ["SOC 3"]}, ("SOC 2",), "Type 1", True, (SEC,), None),
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
    # deadlines from a future start (1 May 2026): 6 months when the report is in hand in time,
    # else the longest that is, 3 at least
    *(
        (
            {"customer_data": True, "controls_operating_months": 12, "report_needed_within_months": d},
            ("SOC 2",),
            "Type 2",
            False,
            (SEC,),
            months,
        )
        for d, months in ((12, 6), (10, 6), (9, 5), (8, 4), (7, 3), (5, 3), (2, 3))
    ),
    # a period in the past (controls kept evidence since March 2025) meets even a 2-month deadline
    (
        {
            "customer_data": True,
            "controls_operating_months": 12,
            "evidence_kept": True,
            "report_needed_within_months": 2,
        },
        ("SOC 2",),
        "Type 2",
        False,
        (SEC,),
        6,
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
    # a report already issued is renewed, whatever else was answered
    (
        {
            "prior_report": {"report": "SOC 2", "type": "Type 2", "period_end": "2026-02-28"},
            "evidence_kept": True,
        },
        ("SOC 2",),
        "Type 2",
        False,
        (SEC,),
        12,
    ),
    (
        {"prior_report": {"report": "SOC 1", "type": "Type 1", "period_end": "2026-03-31"}},
        ("SOC 1",),
        "Type 2",
        False,
        (),
        6,
    ),
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


# --- what the answers make necessary, and what is only worth considering -----------------------


def test_an_ipo_alone_is_a_soc1_to_consider_with_what_it_is_for() -> None:
    result = rec(ipo_planned=True)
    assert result.reports == ()
    assert result.consider == (Consideration("SOC 1", IPO_SOC1_REASON),)
    reason = result.consider[0].reason
    assert "customers' financial statements" in reason
    assert "own financial controls are a separate readiness exercise" in reason
    assert "investors" in reason and "asking for one" in reason
    assert any("does not by itself call for a SOC 1" in line for line in result.rationale)
    assert rec(ipo_planned=True, financial_reporting_impact=True).consider == ()


def test_soc1_asked_with_customer_data_puts_soc2_under_consider() -> None:
    result = rec(customer_data=True, customers_requested=["SOC 1"])
    assert result.reports == ("SOC 1",)
    assert [c.report for c in result.consider] == ["SOC 2"]
    assert "security" in result.consider[0].reason
    assert any(line.startswith("No SOC 2 for now") for line in result.rationale)
    assert rec(customers_requested=["SOC 1"]).consider == ()
    assert rec(customer_data=True, customers_requested=["SOC 1", "SOC 3"]).consider == ()


def test_a_soc3_with_a_type1_first_follows_the_type2() -> None:
    first = rec(customers_requested=["SOC 3"])
    assert first.report_type == "Type 1"
    assert any("SOC 3 is issued only from a SOC 2 Type 2" in w for w in first.warnings)
    later = rec(customers_requested=["SOC 3"], controls_operating_months=5)
    assert later.report_type == "Type 2"
    assert not any("SOC 3" in w for w in later.warnings)


# --- dated periods ----------------------------------------------------------------------------


def test_a_first_type2_without_evidence_starts_at_least_a_month_away() -> None:
    result = rec(customer_data=True, controls_operating_months=4)
    assert (result.period_start, result.period_end, result.as_of) == (D(2026, 5, 1), D(2026, 10, 31), None)
    assert any("cannot start in the past" in line for line in result.rationale)
    assert future_start(D(2026, 3, 1)) == D(2026, 4, 1)
    assert future_start(D(2026, 3, 31)) == D(2026, 5, 1)
    assert future_start(D(2026, 12, 2)) == D(2027, 2, 1)


def test_a_period_may_start_in_the_past_from_the_month_controls_began() -> None:
    result = rec(customer_data=True, controls_operating_months=4, evidence_kept=True)
    assert (result.period_start, result.period_end) == (D(2025, 11, 1), D(2026, 4, 30))
    assert result.observation_months == 6
    assert any("starts in the past" in line and "4 months" in line for line in result.rationale)
    long_history = rec(customer_data=True, controls_operating_months=20, evidence_kept=True)
    assert (long_history.period_start, long_history.period_end) == (D(2025, 9, 1), D(2026, 2, 28))


def test_only_a_past_start_meets_the_deadline_and_is_chosen() -> None:
    answers = {"customer_data": True, "controls_operating_months": 4, "report_needed_within_months": 3}
    past = rec(**answers, evidence_kept=True)
    assert (past.period_start, past.period_end, past.observation_months) == (
        D(2025, 11, 1),
        D(2026, 3, 31),
        5,
    )
    assert not past.warnings
    future = rec(**answers)
    assert (future.period_start, future.period_end) == (D(2026, 5, 1), D(2026, 7, 31))
    assert len(future.warnings) == 1
    unreachable = future.warnings[0]
    assert unreachable.startswith("A Type 2 cannot be in hand by 12 Jun 2026")
    assert "Type 1" in unreachable and "readiness assessment" in unreachable
    assert "bridge" not in everything(future).casefold()


def test_no_past_start_without_operation_or_evidence() -> None:
    assert rec(customer_data=True, customers_require_type2=True, evidence_kept=True).period_start == D(
        2026, 5, 1
    )
    assert rec(
        customer_data=True, controls_operating_months=0, customers_require_type2=True, evidence_kept=True
    ).period_start == D(2026, 5, 1)


def test_a_type1_is_as_of_the_end_of_next_month_and_warns_when_late() -> None:
    result = rec(customer_data=True)
    assert (result.as_of, result.period_start, result.period_end) == (D(2026, 4, 30), None, None)
    assert any(r.decision == "as_of" and "30 Apr 2026" in r.text for r in result.reasons)
    assert not rec(customer_data=True, report_needed_within_months=4).warnings
    late = rec(customer_data=True, report_needed_within_months=2).warnings
    assert len(late) == 1 and late[0].startswith("Even a Type 1 as of 30 Apr 2026")


# --- renewals ----------------------------------------------------------------------------------


def prior(report: str, report_type: str, end: str) -> dict[str, str]:
    return {"report": report, "type": report_type, "period_end": end}


def test_a_renewal_continues_the_day_after_the_last_period_for_12_months() -> None:
    result = rec(prior_report=prior("SOC 2", "Type 2", "2026-02-28"), evidence_kept=True)
    assert result.renewal is True
    assert (result.period_start, result.period_end, result.observation_months) == (
        D(2026, 3, 1),
        D(2027, 2, 28),
        12,
    )
    assert not result.warnings
    assert any("without a break" in line for line in result.rationale)
    assert any("bridge letter" in line and "1 Mar 2026" in line for line in result.rationale)
    ahead = rec(prior_report=prior("SOC 2", "Type 2", "2026-06-15"))
    assert (ahead.period_start, ahead.period_end) == (D(2026, 6, 16), D(2027, 6, 15))


def test_a_renewal_that_cannot_look_back_warns_of_the_uncovered_stretch() -> None:
    result = rec(prior_report=prior("SOC 2", "Type 2", "2026-01-31"))
    assert (result.period_start, result.period_end) == (D(2026, 5, 1), D(2027, 4, 30))
    assert result.warnings[0].startswith("From 1 Feb 2026 to 30 Apr 2026 no report would cover your controls")
    assert "bridge letter" in result.warnings[0]
    lapsed = rec(prior_report=prior("SOC 2", "Type 2", "2024-12-31"), evidence_kept=True)
    assert (lapsed.period_start, lapsed.period_end) == (D(2025, 3, 1), D(2026, 2, 28))
    assert lapsed.warnings[0].startswith("From 1 Jan 2025 to 28 Feb 2025 no report would cover your controls")
    assert "more than 12 months ago" in lapsed.warnings[0]


def test_a_renewal_deadline_before_the_report_suggests_a_bridge_letter() -> None:
    result = rec(
        prior_report=prior("SOC 2", "Type 2", "2026-02-28"), evidence_kept=True, report_needed_within_months=6
    )
    assert result.observation_months == 12
    assert result.warnings == (
        "The new report will be in hand about 28 Apr 2027, after your deadline of 12 Sep 2026: give the "
        "customer a bridge letter covering from 1 Mar 2026 to that date.",
    )


def test_after_a_type1_the_first_type2_starts_the_day_after_its_date() -> None:
    result = rec(prior_report=prior("SOC 1", "Type 1", "2026-03-31"), report_needed_within_months=6)
    assert result.reports == ("SOC 1",) and result.renewal
    assert (result.period_start, result.period_end) == (D(2026, 4, 1), D(2026, 6, 30))
    assert any("Type 2 next" in line for line in result.rationale)
    assert not result.warnings
    late = rec(prior_report=prior("SOC 1", "Type 1", "2026-03-31"), report_needed_within_months=5)
    assert (late.period_end, late.observation_months) == (D(2026, 6, 30), 3)
    assert late.warnings == (
        "The new report will be in hand about 30 Aug 2026, after your deadline of 12 Aug 2026: give the "
        "customer a bridge letter covering from 1 Apr 2026 to that date.",
    )


# --- properties over all answers ----------------------------------------------------------------

prior_reports = st.one_of(
    st.none(),
    st.fixed_dictionaries(
        {
            "report": st.sampled_from(["SOC 1", "SOC 2"]),
            "type": st.sampled_from(["Type 1", "Type 2"]),
            "period_end": st.dates(D(2023, 1, 1), D(2028, 12, 31)).map(date.isoformat),
        }
    ),
)
answer_values = st.fixed_dictionaries(
    {},
    optional={
        **{q.key: st.booleans() for q in QUESTIONS if q.kind is bool},
        "customers_requested": st.lists(st.sampled_from(["SOC 1", "SOC 2", "SOC 3"]), unique=True),
        "controls_operating_months": st.integers(0, 60),
        "report_needed_within_months": st.integers(0, 36),
        "prior_report": prior_reports,
    },
)
days = st.dates(D(2024, 1, 1), D(2028, 12, 31))


@given(answer_values, days)
def test_properties_over_all_answers(data: dict[str, Any], today: date) -> None:
    answers = Answers.from_mapping(data)
    result = recommend(answers, today)
    # Security is present exactly when a SOC 2 is, and first
    assert ("Security" in result.categories) == ("SOC 2" in result.reports)
    if result.categories:
        assert result.categories[0] == "Security"
    assert list(result.reports) == sorted(result.reports)
    order = ["Security", "Availability", "Confidentiality", "Processing Integrity", "Privacy"]
    assert list(result.categories) == sorted(result.categories, key=order.index)
    # every rationale line is tied to answers that exist
    keys = {q.key for q in QUESTIONS}
    assert result.reasons and all(reason.answers and set(reason.answers) <= keys for reason in result.reasons)
    decisions = {reason.decision for reason in result.reasons}
    assert {"reports", "report_type"} <= decisions
    assert ("categories" in decisions) == bool(result.categories)
    assert ("observation_months" in decisions) == (result.report_type == "Type 2")
    assert ("as_of" in decisions) == (result.report_type == "Type 1")
    # reports: what the answers make necessary, a prior report renewed, an IPO never on its own
    prior_report = answers.prior_report
    assert result.renewal is (prior_report is not None)
    if prior_report is not None:
        assert prior_report.report in result.reports
    needs_soc1 = answers.financial_reporting_impact or "SOC 1" in answers.customers_requested
    assert ("SOC 1" in result.reports) == (needs_soc1 or result.renewal and prior_report.report == "SOC 1")  # type: ignore[union-attr]
    considered = [c.report for c in result.consider]
    assert ("SOC 1" in considered) == (answers.ipo_planned and "SOC 1" not in result.reports)
    assert not set(considered) & set(result.reports)
    # type and dates
    type2 = (
        prior_report is not None
        or answers.customers_require_type2
        or (answers.controls_operating_months or 0) >= 3
    )
    assert result.report_type == ("Type 2" if type2 else "Type 1")
    assert result.then_type2 is (not type2)
    if type2:
        assert result.period_start and result.period_end and result.as_of is None
        assert result.observation_months == months_between(result.period_start, result.period_end)
        assert 3 <= result.observation_months <= 12
        if prior_report is None or prior_report.report_type == "Type 1":
            assert result.observation_months <= 6
        else:
            assert result.observation_months == 12
        if prior_report is None and result.period_start <= today:
            operated = answers.controls_operating_months
            assert answers.evidence_kept and operated
            assert result.period_start >= add_months(today.replace(day=1), -operated)
        if prior_report is None and result.period_start > today:
            assert result.period_start >= add_months(today, 1)
    else:
        assert result.as_of is not None and result.period_start is None and result.observation_months is None
    # only a renewal ever mentions a bridge letter
    if prior_report is None:
        assert "bridge" not in everything(result).casefold()
    if not result.reports:
        assert result.categories == () and result.warnings
    # the stored form reads back
    assert Recommendation.from_dict(result.as_dict()).as_dict() == result.as_dict()


@given(answer_values, st.integers(0, 36), days)
def test_a_deadline_never_changes_reports_type_or_categories(
    data: dict[str, Any], deadline: int, today: date
) -> None:
    without = recommend(Answers.from_mapping({**data, "report_needed_within_months": None}), today)
    with_deadline = recommend(Answers.from_mapping({**data, "report_needed_within_months": deadline}), today)
    assert (without.reports, without.report_type, without.categories) == (
        with_deadline.reports,
        with_deadline.report_type,
        with_deadline.categories,
    )


# --- answers and the stored form ---------------------------------------------------------------


def test_json_has_exactly_the_contract_keys() -> None:
    assert set(rec(customer_data=True).as_dict()) == {
        "reports",
        "report_type",
        "then_type2",
        "categories",
        "observation_months",
        "period_start",
        "period_end",
        "as_of",
        "renewal",
        "consider",
        "rationale",
        "warnings",
    }


def test_a_recommendation_stored_before_the_dated_advice_reads_back() -> None:
    old = {
        "reports": ["SOC 2"],
        "report_type": "Type 2",
        "then_type2": False,
        "categories": ["Security"],
        "observation_months": 6,
        "rationale": ["SOC 2, because you hold or can reach customer data."],
        "warnings": [],
    }
    result = Recommendation.from_dict(old)
    assert (result.consider, result.period_start, result.period_end, result.as_of, result.renewal) == (
        (),
        None,
        None,
        None,
        False,
    )
    dated = rec(ipo_planned=True, customer_data=True, controls_operating_months=5, evidence_kept=True)
    back = Recommendation.from_dict(dated.as_dict())
    assert (back.period_start, back.period_end, back.consider) == (
        dated.period_start,
        dated.period_end,
        dated.consider,
    )
    assert dated.as_dict()["period_start"] == "2025-10-01"


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
        ({"evidence_kept": "yes"}, "evidence_kept"),
        ({"prior_report": "SOC 2"}, "prior_report"),
        ({"prior_report": {"report": "SOC 3", "type": "Type 2", "period_end": "2026-01-31"}}, "prior_report"),
        ({"prior_report": {"report": "SOC 2", "type": "Type 3", "period_end": "2026-01-31"}}, "prior_report"),
        ({"prior_report": {"report": "SOC 2", "type": "Type 2", "period_end": "31/01/2026"}}, "prior_report"),
        ({"prior_report": {"report": "SOC 2", "type": "Type 2"}}, "prior_report"),
        ([], "JSON object"),
    ],
)
def test_bad_answers_name_the_key(data: Any, message: str) -> None:
    with pytest.raises(AnswersError, match=message):
        Answers.from_mapping(data)


def test_missing_values_mean_no_and_unknown_and_old_files_still_load() -> None:
    answers = Answers.from_mapping({"customer_data": None, "controls_operating_months": None})
    assert answers.customer_data is False and answers.controls_operating_months is None
    assert answers.prior_report is None and answers.evidence_kept is False
    assert Answers.from_mapping(answers.as_dict()) == answers
    renewal = Answers.from_mapping(
        {"prior_report": prior("SOC 2", "Type 2", "2026-06-30"), "evidence_kept": True}
    )
    assert renewal.prior_report == PriorReport("SOC 2", "Type 2", D(2026, 6, 30))
    assert renewal.as_dict()["prior_report"] == prior("SOC 2", "Type 2", "2026-06-30")
    assert Answers.from_mapping(renewal.as_dict()) == renewal
    assert renewal.prior_report.describe() == "SOC 2 Type 2 for the period ended 30 Jun 2026"
    assert PriorReport("SOC 1", "Type 1", D(2026, 3, 31)).describe() == "SOC 1 Type 1 as of 31 Mar 2026"


def test_new_questions_are_asked_in_plain_words() -> None:
    by_key = {q.key: q for q in QUESTIONS}
    assert by_key["prior_report"].kind is dict and "already been issued" in by_key["prior_report"].text
    assert by_key["evidence_kept"].kind is bool and "evidence" in by_key["evidence_kept"].text
    assert "separate exercise" in by_key["ipo_planned"].help


def test_report_deadline_counts_from_the_day_of_the_answers() -> None:
    assert report_deadline(Answers(report_needed_within_months=3), D(2026, 11, 30)) == D(2027, 2, 28)
    assert report_deadline(Answers(), D(2026, 11, 30)) is None


# --- the scope applied --------------------------------------------------------------------------


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


@pytest.mark.parametrize(("months", "accepted"), [(2, False), (3, True), (12, True), (13, False)])
def test_a_type2_review_period_is_3_to_12_months(months: int, accepted: bool) -> None:
    base = rec(customer_data=True, controls_operating_months=6)
    override = {"observation_months": {"value": months, "reason": "auditor's advice"}}
    if accepted:
        assert apply_overrides(base, override).observation_months == months
    else:
        with pytest.raises(
            ValueError, match="too short: auditors need at least 3 months|too long: one report"
        ):
            apply_overrides(base, override)


def test_suggested_and_applied_periods() -> None:
    type2 = Scope(("SOC 2",), "Type 2", ("Security",), 6)
    assert suggested_period(type2, D(2026, 11, 26)) == (D(2027, 1, 1), D(2027, 6, 30))
    assert suggested_period(type2, D(2026, 12, 1)) == (D(2027, 1, 1), D(2027, 6, 30))
    type1 = Scope(("SOC 2",), "Type 1", ("Security",), None)
    assert suggested_period(type1, D(2026, 12, 31)) == D(2027, 1, 31)
    assert suggested_period(type1, D(2027, 1, 15)) == D(2027, 2, 28)
    past = rec(customer_data=True, controls_operating_months=4, evidence_kept=True)
    shorter = apply_overrides(past, {"observation_months": {"value": 4, "reason": "first audit"}})
    assert scope_period(shorter, past, TODAY) == (D(2025, 11, 1), D(2026, 2, 28))
    first = rec(customer_data=True)
    assert scope_period(apply_overrides(first, {}), first, TODAY) == D(2026, 4, 30)
    overridden = apply_overrides(first, {"report_type": {"value": "Type 2", "reason": "customer"}})
    assert scope_period(overridden, first, TODAY) == (D(2026, 5, 1), D(2026, 10, 31))


def test_applying_never_overwrites_the_users_dates_unless_asked() -> None:
    suggested = (D(2026, 5, 1), D(2026, 10, 31))
    fresh = period_to_apply((None, None, None), suggested, replace=False)
    assert (fresh.period_start, fresh.period_end, fresh.as_of, fresh.kept) == (*suggested, None, False)
    assert fresh.message == "Dates set: 1 May–31 Oct 2026."
    users = (D(2026, 1, 1), D(2026, 6, 30), None)
    kept = period_to_apply(users, suggested, replace=False)
    assert (kept.period_start, kept.period_end, kept.as_of, kept.kept) == (*users, True)
    assert kept.message == (
        "Your dates (1 Jan–30 Jun 2026) are kept; the advice suggests 1 May–31 Oct 2026. "
        "Replace them to use it."
    )
    replaced = period_to_apply(users, D(2026, 4, 30), replace=True)
    assert (replaced.period_start, replaced.period_end, replaced.as_of, replaced.kept) == (
        None,
        None,
        D(2026, 4, 30),
        False,
    )
    as_of_only = period_to_apply((None, None, D(2026, 3, 31)), suggested, replace=False)
    assert as_of_only.kept and as_of_only.as_of == D(2026, 3, 31)
