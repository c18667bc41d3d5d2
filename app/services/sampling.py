"""Type 2 sampling, period coverage and what is due, from controls, evidence dates and settings."""

from collections import defaultdict
from collections.abc import Sequence
from datetime import date

from sqlmodel import Session, col, select

from app.db.models import Engagement, Evidence, EvidenceControl
from app.domain.sampling import (
    ControlSampling,
    DueLists,
    ReportScope,
    assess_control,
    group_due,
    is_stale,
    itgc_status,
    report_type_for,
)
from app.services.controls import controls_of
from app.services.engagements import engagement_in
from app.services.settings import read_sampling_conventions, read_type1_max_age_days
from app.services.workspace import Workspace


def stale_evidence_ids(workspace: Workspace, *, engagement_id: int, today: date | None = None) -> set[int]:
    """Evidence too old for the report: before a Type 2's period (once it has started), or too long
    before a Type 1's date."""
    today = today or date.today()
    with workspace.session() as session:
        engagement = engagement_in(session, engagement_id)
        max_age = read_type1_max_age_days(session)
        records = session.exec(
            select(col(Evidence.id), col(Evidence.collected_on)).where(
                Evidence.engagement_id == engagement_id
            )
        ).all()
    report_type = report_type_for(
        engagement.report_type, engagement.period_start, engagement.period_end, engagement.as_of_date
    )
    return {
        evidence_id
        for evidence_id, collected in records
        if evidence_id is not None
        and is_stale(
            collected, report_type, engagement.period_start, engagement.as_of_date, max_age, today=today
        )
    }


def sampling_report(
    workspace: Workspace,
    *,
    engagement_id: int,
    today: date | None = None,
    control_ids: Sequence[int] | None = None,
) -> list[ControlSampling]:
    """Per control, in ref order: expected occurrences, suggested sample, coverage and due date.

    With *control_ids*, only those controls.
    """
    with workspace.session() as session:
        return sampling_in(session, engagement_id, today or date.today(), control_ids)


def collected_dates(
    session: Session, engagement_id: int, control_ids: Sequence[int] | None = None
) -> dict[int, list[date]]:
    """Control id -> the collected dates of its evidence (of these controls, or of all), read in *session*."""
    statement = (
        select(col(EvidenceControl.control_id), col(Evidence.collected_on))
        .join(Evidence, col(Evidence.id) == EvidenceControl.evidence_id)
        .where(Evidence.engagement_id == engagement_id, col(Evidence.collected_on).is_not(None))
    )
    if control_ids is not None:
        statement = statement.where(col(EvidenceControl.control_id).in_(control_ids))
    collected: dict[int, list[date]] = defaultdict(list)
    for control_id, day in session.exec(statement).all():
        if control_id is not None and day is not None:
            collected[control_id].append(day)
    return collected


def report_scope(engagement: Engagement) -> ReportScope:
    """The report type and dates evidence is judged by."""
    return ReportScope(
        engagement.report_type, engagement.period_start, engagement.period_end, engagement.as_of_date
    )


def sampling_in(
    session: Session, engagement_id: int, today: date, control_ids: Sequence[int] | None = None
) -> list[ControlSampling]:
    """The sampling report read in *session* (see :func:`sampling_report`).

    An automated control is a test of one only while the IT general controls
    it relies on are ready, which depends on every control of the engagement.
    """
    engagement = engagement_in(session, engagement_id)
    rows = controls_of(session, engagement_id)
    chosen = rows if control_ids is None else [row for row in rows if row.id in set(control_ids)]
    if not chosen:
        return []
    conventions = read_sampling_conventions(session)
    max_age = read_type1_max_age_days(session)
    collected = collected_dates(session, engagement_id, control_ids)
    scope = report_scope(engagement)
    itgcs = itgc_status(rows)
    return [
        assess_control(
            control_id=row.id,
            ref=row.ref,
            title=row.title,
            frequency=row.frequency,
            nature=row.nature,
            scope=scope,
            collected_dates=collected.get(row.id, []),
            today=today,
            conventions=conventions,
            type1_max_age_days=max_age,
            population_size=row.population_size,
            itgcs=itgcs,
        )
        for row in chosen
    ]


def due_lists(workspace: Workspace, *, engagement_id: int, today: date | None = None) -> DueLists:
    """What is due: the overdue and the due-this-week lists of the engagement's controls."""
    with workspace.session() as session:
        return group_due(sampling_in(session, engagement_id, today or date.today()))
