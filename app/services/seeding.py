"""Seeding an engagement from the starter library: the controls and objectives its scope needs."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, select

from app.db.models import Control, ControlObjective, Engagement, utcnow
from app.domain.starter import (
    StarterControl,
    StarterCuec,
    StarterObjective,
    StarterSubservice,
    control_values,
    cuec_values,
    load_starter,
    select_carveouts,
    select_for_scope,
    subservice_values,
)
from app.domain.vocab import categories_in_scope
from app.services.carveouts import CUECS, SUBSERVICE_ORGS, cuecs_of, insert_record, subservice_orgs_of
from app.services.controls import criterion_ids, insert_control
from app.services.engagements import engagement_in, update_engagement_in
from app.services.errors import InvalidInputError
from app.services.objectives import insert_objective, link_controls
from app.services.workspace import Workspace


@dataclass
class SeedResult:
    """What seeding added, and what it left alone because the engagement already had it.

    Controls and objectives by ref, CUECs by ref, subservice organizations by
    name; the ids of what was added, for undo.
    """

    added_controls: list[str] = field(default_factory=list)
    skipped_controls: list[str] = field(default_factory=list)
    added_objectives: list[str] = field(default_factory=list)
    skipped_objectives: list[str] = field(default_factory=list)
    added_cuecs: list[str] = field(default_factory=list)
    added_subservice_orgs: list[str] = field(default_factory=list)
    added_control_ids: list[int] = field(default_factory=list)
    added_objective_ids: list[int] = field(default_factory=list)
    added_cuec_ids: list[int] = field(default_factory=list)
    added_subservice_ids: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, list[str]]:
        """The refs and names, as the command line prints them."""
        return {
            "added_controls": self.added_controls,
            "skipped_controls": self.skipped_controls,
            "added_objectives": self.added_objectives,
            "skipped_objectives": self.skipped_objectives,
            "added_cuecs": self.added_cuecs,
            "added_subservice_orgs": self.added_subservice_orgs,
        }


def _refs(
    session: Session, model: type[Control] | type[ControlObjective], engagement_id: int
) -> dict[str, int]:
    rows = session.exec(select(model.ref, model.id).where(model.engagement_id == engagement_id))
    return {ref: row_id for ref, row_id in rows if row_id is not None}


def seed_engagement(
    workspace: Workspace, *, engagement_id: int, business_type: str | None = None
) -> SeedResult:
    """Copy the starter controls, objectives, CUECs and subservice organizations of the scope into it.

    A SOC 1 is seeded for one business type, which decides its business
    objectives and CUECs: *business_type* (stored on the engagement) or the one
    the engagement already has; without either the seeding is refused and
    nothing is written. What the engagement already has (by ref, or by name
    for subservice organizations) is skipped, never overwritten, so seeding
    twice adds nothing. A new objective is linked to its example controls and
    the SOC 2 controls it refers to. Everything is written in one transaction,
    each creation logged.
    """
    with workspace.writing() as session:
        if business_type is not None:
            _set_business_type(session, engagement_id, business_type)
        result = seed_in(session, engagement_in(session, engagement_id), utcnow())
        session.commit()
    return result


def seed_in(session: Session, engagement: Engagement, now: datetime) -> SeedResult:
    """Seed *engagement* in *session* (see :func:`seed_engagement`), each creation logged at *now*.

    Not committed; the caller commits.
    """
    assert engagement.id is not None
    result = SeedResult()
    library = load_starter()
    soc1 = "SOC 1" in engagement.report_kinds
    categories = categories_in_scope(engagement.report_kinds, engagement.categories)
    try:
        controls, objectives = select_for_scope(library, categories, soc1, engagement.business_type or None)
        cuecs, subservices = select_carveouts(library, soc1, engagement.business_type or None)
    except ValueError as error:
        raise InvalidInputError(str(error)) from None
    control_ids = _seed_controls(session, engagement, controls, result, now)
    _seed_objectives(session, engagement.id, objectives, control_ids, result, now)
    _seed_carveouts(session, engagement.id, cuecs, subservices, result, now)
    return result


def _set_business_type(session: Session, engagement_id: int, business_type: str) -> None:
    try:
        chosen = load_starter().business_type(business_type).id
    except ValueError as error:
        raise InvalidInputError(str(error)) from None
    update_engagement_in(session, engagement_id, {"business_type": chosen})


def _seed_controls(
    session: Session,
    engagement: Engagement,
    controls: Sequence[StarterControl],
    result: SeedResult,
    now: datetime,
) -> dict[str, int]:
    """Add the starter controls the engagement lacks; returns ref -> id of all its controls."""
    assert engagement.id is not None
    control_ids = _refs(session, Control, engagement.id)
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
    return control_ids


def _seed_objectives(
    session: Session,
    engagement_id: int,
    objectives: Sequence[StarterObjective],
    control_ids: dict[str, int],
    result: SeedResult,
    now: datetime,
) -> None:
    objective_ids = _refs(session, ControlObjective, engagement_id)
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


def _seed_carveouts(
    session: Session,
    engagement_id: int,
    cuecs: Sequence[StarterCuec],
    subservices: Sequence[StarterSubservice],
    result: SeedResult,
    now: datetime,
) -> None:
    """The starter CUECs and the carved-out cloud provider the engagement has none of (by ref or name)."""
    have_cuecs = {row.ref.casefold() for row in cuecs_of(session, engagement_id)}
    have_orgs = {row.name.casefold() for row in subservice_orgs_of(session, engagement_id)}
    for cuec in cuecs:
        if cuec.ref.casefold() not in have_cuecs:
            row = insert_record(session, CUECS, engagement_id, cuec_values(cuec), now)
            result.added_cuecs.append(row.ref)
            result.added_cuec_ids.append(row.id)
    for subservice in subservices:
        if subservice.name.casefold() not in have_orgs:
            org = insert_record(session, SUBSERVICE_ORGS, engagement_id, subservice_values(subservice), now)
            result.added_subservice_orgs.append(org.name)
            result.added_subservice_ids.append(org.id)
