"""An engagement's readiness: figures per category and SOC 1 objective, and the gap list."""

from datetime import date

from app.domain.readiness import ReadinessReport, compute_readiness
from app.domain.vocab import categories_in_scope
from app.services.controls import list_controls
from app.services.engagements import get_engagement
from app.services.objectives import list_objectives
from app.services.workspace import Workspace


def engagement_readiness(
    workspace: Workspace, *, engagement_id: int, today: date | None = None
) -> ReadinessReport:
    """Readiness of the engagement's scope as of *today* (the local date by default).

    The categories are those in scope; the SOC 1 objectives count when a SOC 1
    report is in scope.
    """
    engagement = get_engagement(workspace, engagement_id)
    soc1 = "SOC 1" in engagement.report_kinds
    return compute_readiness(
        list_controls(workspace, engagement_id=engagement_id),
        categories_in_scope(engagement.report_kinds, engagement.categories),
        objectives=list_objectives(workspace, engagement_id=engagement_id) if soc1 else (),
        today=today or date.today(),
    )
