"""Running the scoping wizard's decision for an engagement and applying it."""

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from app.domain.engagements import EngagementRow
from app.domain.scoping import (
    Answers,
    AnswersError,
    PeriodToApply,
    Recommendation,
    Scope,
    apply_overrides,
    period_to_apply,
    recommend,
    scope_period,
)
from app.services.engagements import engagement_in, engagement_row, update_engagement_in
from app.services.errors import InvalidInputError, NotFoundError
from app.services.workspace import Workspace

APPLIED_FIELDS = (
    "scoping_answers",
    "scoping_recommendation",
    "scoping_overrides",
    "report_kinds",
    "report_type",
    "categories",
    "period_start",
    "period_end",
    "as_of_date",
)
"""The engagement fields applying a scoping sets."""
DATE_FIELDS = ("period_start", "period_end", "as_of_date")


def suggested_dates(scope: Scope, recommendation: Recommendation, today: date) -> dict[str, date | None]:
    """The engagement dates a scope suggests: a Type 2's review period or a Type 1's as-of date
    (the recommendation's, adjusted to the user's overrides; see :func:`scope_period`)."""
    period = scope_period(scope, recommendation, today)
    if isinstance(period, tuple):
        return {"period_start": period[0], "period_end": period[1], "as_of_date": None}
    return {"period_start": None, "period_end": None, "as_of_date": period}


def read_answers_file(path: Path) -> Answers:
    """Answers from a JSON file; a missing file, bad JSON or a bad key is refused plainly."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise NotFoundError(f"no answers file at {path}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidInputError(f"cannot read {path}: {error}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise InvalidInputError(f"{path} is not valid JSON: {error.msg} at line {error.lineno}") from None
    try:
        return Answers.from_mapping(data)
    except AnswersError as error:
        raise InvalidInputError(f"{path}: {error}") from None


@dataclass(frozen=True)
class SavedScoping:
    """What the wizard stored on an engagement."""

    answers: Answers
    recommendation: Recommendation
    overrides: dict[str, dict[str, Any]]


def saved_scoping(engagement: EngagementRow) -> SavedScoping | None:
    """The answers, recommendation and overrides stored on *engagement*, if the wizard ran."""
    if engagement.scoping_answers is None:
        return None
    answers = Answers.from_mapping(engagement.scoping_answers)
    stored = engagement.scoping_recommendation
    recommendation = recommend(answers, date.today()) if stored is None else Recommendation.from_dict(stored)
    return SavedScoping(answers, recommendation, dict(engagement.scoping_overrides or {}))


@dataclass(frozen=True)
class AppliedScoping:
    """The engagement after a scoping was applied, and what happened to its dates."""

    engagement: EngagementRow
    period: PeriodToApply


def apply_scoping(
    workspace: Workspace,
    engagement_id: int,
    answers: Answers,
    *,
    overrides: dict[str, dict[str, Any]] | None = None,
    today: date | None = None,
    replace_period: bool = False,
    dates: dict[str, date | None] | None = None,
) -> AppliedScoping:
    """Store answers, recommendation and overrides on the engagement and apply the scope.

    Sets the report kinds, type and categories, and the recommended review
    period (Type 2) or as-of date (Type 1) — unless the engagement already has
    dates the user set: those are kept (the result says so and names the
    suggested dates) unless *replace_period*. *dates*, when given, are applied
    as they are instead (any of ``period_start``, ``period_end``,
    ``as_of_date``; the window's summary shows the dates and the user chooses;
    an empty mapping keeps the engagement's). Every change goes into the change log.
    """
    if dates is not None and set(dates) - set(DATE_FIELDS):
        raise InvalidInputError(f"the dates applied are {', '.join(DATE_FIELDS)}, not {', '.join(dates)}")
    overrides = {key: dict(value) for key, value in (overrides or {}).items()}
    today = today or date.today()
    recommendation = recommend(answers, today)
    try:
        scope: Scope = apply_overrides(recommendation, overrides)
    except ValueError as error:
        raise InvalidInputError(str(error)) from None
    with workspace.writing() as session:
        stored = engagement_in(session, engagement_id)
        current = (stored.period_start, stored.period_end, stored.as_of_date)
        period = period_to_apply(current, scope_period(scope, recommendation, today), replace=replace_period)
        changes = {
            "scoping_answers": answers.as_dict(),
            "scoping_recommendation": recommendation.as_dict(),
            "scoping_overrides": overrides,
            "report_kinds": list(scope.reports),
            "report_type": scope.report_type,
            "categories": list(scope.categories),
            **(
                {
                    "period_start": period.period_start,
                    "period_end": period.period_end,
                    "as_of_date": period.as_of,
                }
                if dates is None
                else dates
            ),
        }
        engagement = update_engagement_in(session, engagement_id, changes)
        session.commit()
        return AppliedScoping(engagement_row(engagement), period)
