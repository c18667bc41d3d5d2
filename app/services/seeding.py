"""Seeding an engagement from the starter library: the controls and objectives its scope needs."""

from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, select

from app.db.models import Control, ControlObjective, Engagement, utcnow
from app.domain.starter import (
    StarterControl,
    StarterObjective,
    control_values,
    load_starter,
    select_for_scope,
)
from app.domain.vocab import categories_in_scope
from app.services.controls import criterion_ids, insert_control
from app.services.engagements import engagement_in
from app.services.errors import InvalidInputError
from app.services.objectives import insert_objective, link_controls
from app.services.workspace import Workspace


@dataclass
class SeedResult:
    """The refs seeding added, and those it left alone because the engagement already had them."""

    added_controls: list[str] = field(default_factory=list)
    skipped_controls: list[str] = field(default_factory=list)
    added_objectives: list[str] = field(default_factory=list)
    skipped_objectives: list[str] = field(default_factory=list)
    added_control_ids: list[int] = field(default_factory=list)
    added_objective_ids: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, list[str]]:
        """The refs, as the command line prints them."""
        return {
            "added_controls": self.added_controls,
            "skipped_controls": self.skipped_controls,
            "added_objectives": self.added_objectives,
            "skipped_objectives": self.skipped_objectives,
        }


def _starter_for(engagement: Engagement) -> tuple[tuple[StarterControl, ...], tuple[StarterObjective, ...]]:
    """The starter controls and objectives fitting the engagement's scope."""
    try:
        return select_for_scope(
            load_starter(),
            categories_in_scope(engagement.report_kinds, engagement.categories),
            "SOC 1" in engagement.report_kinds,
            engagement.business_type,
        )
    except ValueError as error:
        raise InvalidInputError(str(error)) from None


def _refs(
    session: Session, model: type[Control] | type[ControlObjective], engagement_id: int
) -> dict[str, int]:
    rows = session.exec(select(model.ref, model.id).where(model.engagement_id == engagement_id))
    return {ref: row_id for ref, row_id in rows if row_id is not None}


def seed_engagement(workspace: Workspace, *, engagement_id: int) -> SeedResult:
    """Copy the starter controls and objectives of the engagement's scope into it.

    Controls and objectives whose ref the engagement already has are skipped,
    never overwritten, so seeding twice adds nothing. A new objective is linked
    to its example controls and the SOC 2 controls it refers to. Everything is
    written in one transaction, each creation logged. An unknown business type
    (with SOC 1 in scope) is refused before anything is written.
    """
    with workspace.writing() as session:
        result = seed_in(session, engagement_in(session, engagement_id), utcnow())
        session.commit()
    return result


def seed_in(session: Session, engagement: Engagement, now: datetime) -> SeedResult:
    """Seed *engagement* in *session* (see :func:`seed_engagement`), logged at *now*; not committed."""
    assert engagement.id is not None
    engagement_id = engagement.id
    result = SeedResult()
    controls, objectives = _starter_for(engagement)
    control_ids = _refs(session, Control, engagement_id)
    objective_ids = _refs(session, ControlObjective, engagement_id)
    known_criteria = criterion_ids(session, engagement.framework)
    for starter in controls:
        if starter.ref in control_ids:
            result.skipped_controls.append(starter.ref)
            continue
        control = insert_control(
            session,
            engagement=engagement,
            values=control_values(starter),
            criteria=starter.criteria,
            known_criteria=known_criteria,
            now=now,
        )
        assert control.id is not None
        control_ids[starter.ref] = control.id
        result.added_controls.append(starter.ref)
        result.added_control_ids.append(control.id)
    for objective in objectives:
        if objective.ref in objective_ids:
            result.skipped_objectives.append(objective.ref)
            continue
        values = {
            "ref": objective.ref,
            "kind": objective.kind,
            "title": objective.title,
            "description": objective.description,
        }
        created = insert_objective(session, engagement_id=engagement_id, values=values, now=now)
        assert created.id is not None
        refs = (*objective.soc2_controls, *(c.ref for c in objective.controls))
        link_controls(session, objective_id=created.id, control_ids=[control_ids[ref] for ref in refs])
        result.added_objectives.append(objective.ref)
        result.added_objective_ids.append(created.id)
    return result
