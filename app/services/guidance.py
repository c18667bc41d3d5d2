"""Where an engagement stands on the path from scope to a sealed evidence package."""

from sqlmodel import col, func, select

from app.db.models import Control, Evidence, EvidenceControl, ExportRecord
from app.domain.guidance import PathFacts, PathStep, path_steps
from app.services.engagements import engagement_in
from app.services.workspace import Workspace


def engagement_path(workspace: Workspace, *, engagement_id: int) -> tuple[PathStep, ...]:
    """The path's five steps for the engagement, each done or not, read in one transaction."""
    with workspace.session() as session:
        engagement = engagement_in(session, engagement_id)
        controls = session.exec(select(Control.id, Control.owner, Control.is_key).where(
            Control.engagement_id == engagement_id
        )).all()  # fmt: skip
        with_evidence = set(
            session.exec(
                select(EvidenceControl.control_id)
                .join(Control, col(Control.id) == EvidenceControl.control_id)
                .where(Control.engagement_id == engagement_id)
            ).all()
        )
        files = session.exec(
            select(func.count()).select_from(Evidence).where(Evidence.engagement_id == engagement_id)
        ).one()
        packages = session.exec(
            select(func.count())
            .select_from(ExportRecord)
            .where(ExportRecord.engagement_id == engagement_id, ExportRecord.kind == "package")
        ).one()
    key = [control_id for control_id, _owner, is_key in controls if is_key]
    return path_steps(
        PathFacts(
            scoped=bool(engagement.report_kinds),
            controls=len(controls),
            controls_without_owner=sum(1 for _id, owner, _key in controls if not owner.strip()),
            key_controls=len(key),
            key_controls_with_evidence=sum(1 for control_id in key if control_id in with_evidence),
            evidence_files=files,
            packages=packages,
        )
    )
