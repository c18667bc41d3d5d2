"""Type 2 sampling, period coverage and what is due, from controls, evidence dates and settings."""

from collections import defaultdict
from collections.abc import Sequence
from datetime import date

from sqlmodel import Session, col, select

from app.db.models import Control, Evidence, EvidenceControl
from app.domain.sampling import (
    ControlSampling,
    DueLists,
    ReportScope,
    assess_control,
    group_due,
    is_stale,
    report_type_for,
)
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


def sampling_in(
    session: Session, engagement_id: int, today: date, control_ids: Sequence[int] | None = None
) -> list[ControlSampling]:
    """The sampling report read in *session* (see :func:`sampling_report`)."""
    engagement = engagement_in(session, engagement_id)
    controls_query = select(Control).where(Control.engagement_id == engagement_id).order_by(Control.ref)
    dated_query = (
        select(col(EvidenceControl.control_id), col(Evidence.collected_on))
        .join(Evidence, col(Evidence.id) == EvidenceControl.evidence_id)
        .where(Evidence.engagement_id == engagement_id, col(Evidence.collected_on).is_not(None))
    )
    if control_ids is not None:
        controls_query = controls_query.where(col(Control.id).in_(control_ids))
        dated_query = dated_query.where(col(EvidenceControl.control_id).in_(control_ids))
    controls = session.exec(controls_query).all()
    if not controls:
        return []
    conventions = read_sampling_conventions(session)
    max_age = read_type1_max_age_days(session)
    dated = session.exec(dated_query).all()
    collected: dict[int, list[date]] = defaultdict(list)
    for control_id, day in dated:
        if control_id is not None and day is not None:
            collected[control_id].append(day)
    scope = ReportScope(
        engagement.report_type, engagement.period_start, engagement.period_end, engagement.as_of_date
    )
    return [
        assess_control(
            control_id=control.id or 0,
            ref=control.ref,
            title=control.title,
            frequency=control.frequency,
            nature=control.nature,
            scope=scope,
            collected_dates=collected.get(control.id or 0, []),
            today=today,
            conventions=conventions,
            type1_max_age_days=max_age,
        )
        for control in controls
    ]


def due_lists(workspace: Workspace, *, engagement_id: int, today: date | None = None) -> DueLists:
    """What is due: the overdue and the due-this-week lists of the engagement's controls."""
    with workspace.session() as session:
        return group_due(sampling_in(session, engagement_id, today or date.today()))
