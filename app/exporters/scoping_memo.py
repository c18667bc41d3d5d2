# mypy: disable-error-code="import-untyped"
"""The scoping memo: one or two pages a company keeps with its audit file.

What was answered, what the workbench recommends and why, what the user
changed and why, and the dated next steps that follow from the period.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from reportlab.platypus import Flowable, Paragraph

from app.domain.periods import describe_period, format_day
from app.domain.scoping import (
    QUESTIONS,
    Answers,
    PriorReport,
    Recommendation,
    Scope,
    next_steps,
    report_deadline,
)
from app.domain.wording import counted
from app.exporters.pdf import Heading, build_document, data_stamp, escape, styles, table, title_block

MEMO_TITLE = "Scoping memo"
_OVERRIDE_NAMES = {"reports": "Reports", "report_type": "Report type", "categories": "Categories"}


@dataclass(frozen=True)
class ScopingMemo:
    """Everything the memo shows, gathered by the service from the engagement."""

    company: str
    engagement: str
    system: str
    prepared: date
    """The day the scoping questions were answered."""
    answers: Answers
    recommendation: Recommendation
    overrides: Mapping[str, Mapping[str, Any]]
    """What the user changed: ``{"report_type": {"value": "Type 2", "reason": "..."}}``."""
    scope: Scope
    """The scope applied to the engagement (the recommendation with the overrides)."""
    period: tuple[date, date] | date | None
    """The review period (start, end) of a Type 2, the as-of date of a Type 1, or not set yet."""


def describe_recommendation(
    reports: Sequence[str], report_type: str, categories: Sequence[str], *, then_type2: bool = False
) -> str:
    """``SOC 2 Type 1 now, Type 2 afterwards — Security, Confidentiality`` in one line."""
    if not reports:
        return "No SOC report for now"
    text = f"{' + '.join(reports)} {report_type}"
    if then_type2:
        text += " now, Type 2 afterwards"
    return f"{text} — {', '.join(categories)}" if categories else text


def _answer_words(value: Any) -> str:
    """An answer in words: Yes, No, a number of months, a list, or "Not given"."""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, int):
        return counted(value, "month")
    if isinstance(value, tuple):
        return ", ".join(value) or "None"
    if isinstance(value, PriorReport):
        return value.describe()
    return "Not given"


def _value_words(value: Any) -> str:
    """A scope value (a word or a list) in words."""
    if isinstance(value, list | tuple):
        return ", ".join(value) or "None"
    return str(value)


def _then_type2(memo: ScopingMemo) -> bool:
    """Whether a Type 2 is to follow the applied scope (a Type 1 the recommendation plans it after)."""
    return memo.recommendation.then_type2 and memo.scope.report_type == "Type 1"


def _next_steps(memo: ScopingMemo) -> list[tuple[str, str]]:
    """(when, what) rows following from the applied scope and its period."""
    if not memo.scope.reports:
        return [
            (
                "When asked",
                "Nothing calls for a SOC report yet: answer the questions again when a customer asks.",
            )
        ]
    if memo.period is None:
        return [
            ("Now", "Set the review period (or the as-of date) of the engagement: the dates follow from it."),
            (
                "Then",
                "Finish the control matrix: an owner, a description and the evidence each control leaves.",
            ),
        ]
    prior = memo.answers.prior_report
    steps = next_steps(
        memo.period,
        prepared=memo.prepared,
        deadline=report_deadline(memo.answers, memo.prepared),
        prior_end=prior.period_end if prior is not None else None,
        then_type2=_then_type2(memo),
    )
    return [(step.when, step.what) for step in steps]


def _period_words(period: tuple[date, date] | date | None) -> str:
    if isinstance(period, tuple):
        return f"Review period {describe_period(*period, None)}"
    if period is not None:
        return f"Report {describe_period(None, None, period)}"
    return "Period not set yet"


def _recommendation(memo: ScopingMemo) -> list[Flowable]:
    """The recommendation in one line, the applied scope if it differs, the period and the warnings."""
    sheet = styles()
    recommendation, scope = memo.recommendation, memo.scope
    recommended = describe_recommendation(
        recommendation.reports,
        recommendation.report_type,
        recommendation.categories,
        then_type2=recommendation.then_type2,
    )
    then_type2 = recommendation.then_type2 and scope.report_type == "Type 1"
    applied = describe_recommendation(
        scope.reports, scope.report_type, scope.categories, then_type2=then_type2
    )
    story: list[Flowable] = [Heading("Recommendation"), Paragraph(escape(recommended), sheet.lead)]
    if applied != recommended:
        story.append(
            Paragraph(f"<b>Applied scope</b>, after the changes below: {escape(applied)}", sheet.body)
        )
    period = _period_words(memo.period)
    if recommendation.renewal:
        period += ", continuous with the last report's period"
    story.append(Paragraph(escape(period), sheet.body))
    story.extend(
        Paragraph(f"<b>Warning:</b> {escape(text)}", sheet.warning) for text in recommendation.warnings
    )
    if recommendation.consider:
        story.append(Heading("Worth raising with customers or advisers", level=1))
        story.extend(
            Paragraph(f"<b>{escape(item.report)}:</b> {escape(item.reason)}", sheet.body)
            for item in recommendation.consider
        )
    return story


def _changes(memo: ScopingMemo) -> list[Flowable]:
    """The overrides, each with the recommended value, the applied one and the reason."""
    sheet = styles()
    if not memo.overrides:
        return [
            Heading("Changes to the recommendation"),
            Paragraph("None: the recommendation is applied as it stands.", sheet.body),
        ]
    rows = [
        [
            _OVERRIDE_NAMES.get(key, key),
            Paragraph(escape(_value_words(getattr(memo.recommendation, key, ""))), sheet.cell),
            Paragraph(escape(_value_words(override.get("value", ""))), sheet.cell),
            Paragraph(escape(str(override.get("reason", ""))), sheet.cell),
        ]
        for key, override in memo.overrides.items()
    ]
    return [
        Heading("Changes to the recommendation"),
        table(["What", "Recommended", "Applied", "Reason"], rows, [72, 110, 110, 212]),
    ]


def _story(memo: ScopingMemo, as_of: datetime) -> list[Flowable]:
    sheet = styles()
    particulars = [
        ("Engagement", memo.engagement),
        ("System", memo.system or "Not named yet"),
        ("Prepared", format_day(memo.prepared)),
        ("Data", data_stamp(as_of).removeprefix("Data ")),
    ]
    steps = [[when, Paragraph(escape(what), sheet.cell)] for when, what in _next_steps(memo)]
    answers = [
        [Paragraph(escape(question.text), sheet.cell), _answer_words(getattr(memo.answers, question.key))]
        for question in QUESTIONS
    ]
    return [
        *title_block(MEMO_TITLE, memo.company, particulars),
        *_recommendation(memo),
        Heading("Why"),
        *(Paragraph(escape(line), sheet.bullet, bulletText="•") for line in memo.recommendation.rationale),
        *_changes(memo),
        Heading("Next steps"),
        table(["When", "What"], steps, [110, 394]),
        Heading("Your answers"),
        table(["Question", "Answer"], answers, [384, 120]),
    ]


def write_scoping_memo(target: Path, memo: ScopingMemo, *, as_of: datetime) -> None:
    """Write the scoping memo PDF of *memo* to *target* atomically, dated by *as_of*."""
    build_document(
        target,
        _story(memo, as_of),
        title=MEMO_TITLE,
        header=f"{memo.company} — {memo.engagement}",
        as_of=as_of,
    )
