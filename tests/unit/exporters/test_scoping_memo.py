"""The scoping memo PDF: recommendation, reasons, changes, next steps with dates, answers."""

from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from app.domain.periods import format_day
from app.domain.scoping import QUESTIONS, Answers, apply_overrides, recommend, suggested_period
from app.exporters.scoping_memo import ScopingMemo, describe_recommendation, write_scoping_memo

AS_OF = datetime(2026, 3, 12, 14, 5)
PREPARED = date(2026, 3, 12)
Pages = Callable[[Path], list[str]]


def memo_for(
    answers: Answers, overrides: dict[str, dict[str, Any]] | None = None, *, period: Any = "suggested"
) -> ScopingMemo:
    """The memo the service would gather: recommendation, applied scope and the suggested period."""
    recommendation = recommend(answers, PREPARED)
    scope = apply_overrides(recommendation, overrides or {})
    if period == "suggested":
        observation = recommendation.observation_months or 6
        applied = replace(recommendation, report_type=scope.report_type, observation_months=observation)
        period = suggested_period(applied, PREPARED)
    return ScopingMemo(
        company="Zürich Ŝtøre — “quoted” AG",
        engagement="FY2026 SOC 2",
        system="Ŝtøre cloud platform",
        prepared=PREPARED,
        answers=answers,
        recommendation=recommendation,
        overrides=overrides or {},
        scope=scope,
        period=period,
    )


SAAS = Answers(
    customer_data=True,
    customers_requested=("SOC 2",),
    confidential_data=True,
    controls_operating_months=1,
    report_needed_within_months=9,
)


def test_memo_states_recommendation_reasons_and_dated_steps(tmp_path: Path, pdf_pages: Pages) -> None:
    memo = memo_for(SAAS)
    write_scoping_memo(tmp_path / "memo.pdf", memo, as_of=AS_OF)
    pages = pdf_pages(tmp_path / "memo.pdf")
    text = " ".join(pages)
    assert "SOC 2 Type 1 now, Type 2 afterwards — Security, Confidentiality" in text
    for line in memo.recommendation.rationale:
        assert " ".join(line.split()) in text
    assert memo.period == date(2026, 4, 30)
    assert "Report as of 30 Apr 2026" in text
    assert "By 30 Apr 2026" in text
    assert "About Jun 2026 Report in hand" in text
    assert "By 12 Dec 2026 Your customer's date" in text  # nine months after the answers
    assert "From 1 May 2026" in text
    assert "None: the recommendation is applied as it stands." in text
    assert "Zürich Ŝtøre — “quoted” AG" in text
    assert 1 <= len(pages) <= 2
    assert all(f"Page {n} of {len(pages)}" in page for n, page in enumerate(pages, start=1))


def test_memo_shows_overrides_with_their_reasons_and_the_applied_period(
    tmp_path: Path, pdf_pages: Pages
) -> None:
    reason = "Globex requires a Type 2 in its contract renewal — “no exceptions”."
    memo = memo_for(SAAS, {"report_type": {"value": "Type 2", "reason": reason}})
    write_scoping_memo(tmp_path / "memo.pdf", memo, as_of=AS_OF)
    text = " ".join(pdf_pages(tmp_path / "memo.pdf"))
    assert "Applied scope, after the changes below: SOC 2 Type 2 — Security, Confidentiality" in text
    assert "Report type Type 1 Type 2 " + reason in text
    start, end = memo.period
    assert (start, end) == (date(2026, 5, 1), date(2026, 10, 31))  # at least a month after 12 Mar
    for when in ("Before 1 May 2026", format_day(start), format_day(end), "About Dec 2026"):
        assert when in text


def test_warnings_are_marked_in_words(tmp_path: Path, pdf_pages: Pages) -> None:
    answers = Answers(customer_data=True, customers_require_type2=True, report_needed_within_months=4)
    memo = memo_for(answers)
    assert memo.recommendation.warnings
    write_scoping_memo(tmp_path / "memo.pdf", memo, as_of=AS_OF)
    text = " ".join(pdf_pages(tmp_path / "memo.pdf"))
    for warning in memo.recommendation.warnings:
        assert "Warning: " + " ".join(warning.split()) in text


def test_answers_are_given_in_words(tmp_path: Path, pdf_pages: Pages) -> None:
    answers = replace(SAAS, customers_requested=("SOC 2", "SOC 3"), report_needed_within_months=None)
    write_scoping_memo(tmp_path / "memo.pdf", memo_for(answers), as_of=AS_OF)
    text = " ".join(pdf_pages(tmp_path / "memo.pdf"))
    questions = {question.key: " ".join(question.text.split()) for question in QUESTIONS}
    assert f"{questions['customer_data']} Yes" in text
    assert f"{questions['ipo_planned']} No" in text
    assert f"{questions['customers_requested']} SOC 2, SOC 3" in text
    assert f"{questions['controls_operating_months']} 1 month" in text
    assert f"{questions['report_needed_within_months']} Not given" in text


def test_memo_without_period_or_report(tmp_path: Path, pdf_pages: Pages) -> None:
    write_scoping_memo(tmp_path / "unset.pdf", memo_for(SAAS, period=None), as_of=AS_OF)
    assert "Set the review period" in " ".join(pdf_pages(tmp_path / "unset.pdf"))
    write_scoping_memo(tmp_path / "none.pdf", memo_for(Answers()), as_of=AS_OF)
    text = " ".join(pdf_pages(tmp_path / "none.pdf"))
    assert "No SOC report for now" in text
    assert "Nothing calls for a SOC report yet" in text


def test_same_memo_same_bytes_and_metadata_dates(tmp_path: Path) -> None:
    memo = memo_for(SAAS)
    write_scoping_memo(tmp_path / "one.pdf", memo, as_of=AS_OF)
    write_scoping_memo(tmp_path / "two.pdf", memo, as_of=AS_OF)
    assert (tmp_path / "one.pdf").read_bytes() == (tmp_path / "two.pdf").read_bytes()
    metadata = PdfReader(tmp_path / "one.pdf").metadata
    assert metadata is not None
    assert (metadata.title, metadata.creation_date, metadata.modification_date) == (
        "Scoping memo",
        AS_OF,
        AS_OF,
    )


@pytest.mark.parametrize(
    ("reports", "report_type", "categories", "then_type2", "expected"),
    [
        (
            ("SOC 2",),
            "Type 1",
            ("Security", "Confidentiality"),
            True,
            "SOC 2 Type 1 now, Type 2 afterwards — Security, Confidentiality",
        ),
        (("SOC 1", "SOC 2"), "Type 2", ("Security",), False, "SOC 1 + SOC 2 Type 2 — Security"),
        (("SOC 1",), "Type 2", (), False, "SOC 1 Type 2"),
        ((), "Type 1", (), True, "No SOC report for now"),
    ],
)
def test_describe_recommendation(
    reports: tuple[str, ...], report_type: str, categories: tuple[str, ...], then_type2: bool, expected: str
) -> None:
    assert describe_recommendation(reports, report_type, categories, then_type2=then_type2) == expected


def test_a_renewal_memo_is_continuous_and_names_the_bridge_letter(tmp_path: Path, pdf_pages: Pages) -> None:
    from app.domain.scoping import PriorReport, scope_period

    answers = Answers(
        customer_data=True,
        customers_requested=("SOC 2",),
        prior_report=PriorReport("SOC 2", "Type 2", date(2025, 12, 31)),
        evidence_kept=True,
    )
    recommendation = recommend(answers, PREPARED)
    scope = apply_overrides(recommendation, {})
    period = scope_period(scope, recommendation, PREPARED)
    assert period == (date(2026, 1, 1), date(2026, 12, 31))
    memo = replace(memo_for(answers), period=period)
    write_scoping_memo(tmp_path / "renewal.pdf", memo, as_of=AS_OF)
    text = " ".join(pdf_pages(tmp_path / "renewal.pdf"))
    assert "Review period 1 Jan–31 Dec 2026, continuous with the last report's period" in text
    assert "bridge letter" in text
    assert "SOC 2 Type 2 for the period ending 31 Dec 2025" in text or "31 Dec 2025" in text


def test_an_ipo_alone_is_raised_to_consider_not_required(tmp_path: Path, pdf_pages: Pages) -> None:
    answers = Answers(ipo_planned=True)
    memo = memo_for(answers, period=None)
    write_scoping_memo(tmp_path / "ipo.pdf", memo, as_of=AS_OF)
    text = " ".join(pdf_pages(tmp_path / "ipo.pdf"))
    assert "Worth raising with customers or advisers" in text
    assert "SOC 1:" in text and "No SOC report for now" in text
    assert "bridge letter" not in text.casefold()
