"""An engagement's readiness: figures per category and SOC 1 objective, and the gap list.

The gap list ends with the unfinished sections of the system description.
"""

from dataclasses import replace
from datetime import date

from sqlmodel import Session

from app.domain.readiness import ReadinessReport, compute_readiness
from app.services.controls import controls_of
from app.services.documents import description_gaps_in
from app.services.engagements import engagement_in, engagement_row
from app.services.fieldwork import exceptions_of
from app.services.objectives import objectives_of
from app.services.policies import policies_of
from app.services.sampling import collected_dates, report_scope
from app.services.settings import read_type1_max_age_days
from app.services.workspace import Workspace


def engagement_readiness(
    workspace: Workspace, *, engagement_id: int, today: date | None = None
) -> ReadinessReport:
    """Readiness of the engagement's scope as of *today* (the local date by default).

    The categories are those in scope; the SOC 1 objectives count when a SOC 1
    report is in scope. Both measures are given: designed (the controls) and
    evidenced (their evidence over the part of the period that has passed);
    the engagement's policies and its system description add their gaps.
    """
    with workspace.session() as session:
        return readiness_in(session, engagement_id, today or date.today())


def readiness_in(session: Session, engagement_id: int, today: date) -> ReadinessReport:
    """Readiness of the engagement as read in *session* (see :func:`engagement_readiness`)."""
    stored = engagement_in(session, engagement_id)
    engagement = engagement_row(stored)
    controls = controls_of(session, engagement_id)
    objectives = objectives_of(session, engagement_id) if engagement.soc1 else []
    report = compute_readiness(
        controls,
        engagement.categories_in_scope,
        objectives=objectives,
        policies=policies_of(session, engagement_id),
        today=today,
        exceptions=exceptions_of(session, engagement_id),
        evidence=collected_dates(session, engagement_id),
        scope=report_scope(stored),
        type1_max_age_days=read_type1_max_age_days(session),
    )
    sections = description_gaps_in(session, engagement, controls, objectives)
    return replace(report, gaps=report.gaps + sections)
