"""An engagement's readiness: figures per category and SOC 1 objective, and the gap list."""

from datetime import date

from sqlmodel import Session

from app.domain.readiness import ReadinessReport, compute_readiness
from app.services.controls import controls_of
from app.services.engagements import engagement_in, engagement_row
from app.services.objectives import objectives_of
from app.services.policies import policies_of
from app.services.workspace import Workspace


def engagement_readiness(
    workspace: Workspace, *, engagement_id: int, today: date | None = None
) -> ReadinessReport:
    """Readiness of the engagement's scope as of *today* (the local date by default).

    The categories are those in scope; the SOC 1 objectives count when a SOC 1
    report is in scope; the engagement's policies add their gaps.
    """
    with workspace.session() as session:
        return readiness_in(session, engagement_id, today or date.today())


def readiness_in(session: Session, engagement_id: int, today: date) -> ReadinessReport:
    """Readiness of the engagement as read in *session* (see :func:`engagement_readiness`)."""
    engagement = engagement_row(engagement_in(session, engagement_id))
    return compute_readiness(
        controls_of(session, engagement_id),
        engagement.categories_in_scope,
        objectives=objectives_of(session, engagement_id) if engagement.soc1 else (),
        policies=policies_of(session, engagement_id),
        today=today,
    )
