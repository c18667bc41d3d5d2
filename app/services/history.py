"""The history of an engagement, a control or an evidence item, read from the append-only change log."""

from app.db.changelog import change_rows
from app.db.models import Control, Evidence
from app.domain.history import ChangeRow
from app.services.engagements import engagement_in
from app.services.errors import NotFoundError
from app.services.workspace import Workspace


def history(
    workspace: Workspace,
    *,
    engagement_id: int,
    control_id: int | None = None,
    evidence_id: int | None = None,
) -> list[ChangeRow]:
    """What changed, newest first: everything in the engagement, or what happened to one control
    (its fields, criteria and the evidence linked to it) or to one evidence item.

    A control or evidence item that is gone keeps no history here (its entries stay in the
    engagement's).
    """
    with workspace.session() as session:
        engagement_in(session, engagement_id)
        if control_id is not None:
            control = session.get(Control, control_id)
            if control is None or control.engagement_id != engagement_id:
                raise NotFoundError(f"control {control_id} is not in this engagement")
            rows = change_rows(
                session,
                engagement_id=engagement_id,
                entities=["control"],
                entity_id=control_id,
                linked_ref=control.ref,
            )
        elif evidence_id is not None:
            evidence = session.get(Evidence, evidence_id)
            if evidence is None or evidence.engagement_id != engagement_id:
                raise NotFoundError(f"evidence {evidence_id} is not in this engagement")
            rows = change_rows(
                session, engagement_id=engagement_id, entities=["evidence"], entity_id=evidence_id
            )
        else:
            rows = change_rows(session, engagement_id=engagement_id)
    return rows[::-1]
