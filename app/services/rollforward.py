"""Rolling an engagement forward: the next audit period started from this one, in one transaction.

What is copied and what is not is stated in :mod:`app.domain.rollforward`
(:data:`~app.domain.rollforward.CARRIED`, :data:`~app.domain.rollforward.NOT_CARRIED`);
the old engagement is only read. The new engagement records the old report
as its prior report in its scoping answers (``prior_report``), so the
scoping advice treats it as a renewal.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from app.db.changelog import record_change
from app.db.models import (
    Cuec,
    Engagement,
    Policy,
    PolicyAcknowledgement,
    PolicyAnswer,
    PolicyVersion,
    StaffMember,
    SubserviceOrg,
    utcnow,
)
from app.db.session import note
from app.domain.changes import Kind
from app.domain.engagements import EngagementRow
from app.domain.fieldwork import ExceptionRow
from app.domain.rollforward import PriorReport, RollForwardPlan, plan_roll_forward, rolled_forward_control
from app.services.carveouts import cuecs_of, subservice_orgs_of
from app.services.controls import controls_of, criterion_ids, insert_control
from app.services.engagements import engagement_in, engagement_row
from app.services.errors import ConflictError, InvalidInputError
from app.services.fieldwork import exceptions_of
from app.services.objectives import insert_objective, link_controls, objectives_of
from app.services.workspace import Workspace

ENTITY = "engagement"
RENEWED_OVERRIDES = ("report_type", "observation_months")
"""Scoping overrides left behind: the next period is a Type 2 of its own length."""


@dataclass
class RollForwardResult:
    """The new engagement, the plan it follows, and how many records of each kind came over."""

    engagement: EngagementRow
    plan: RollForwardPlan
    counts: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return self.plan.as_dict() | {"id": self.engagement.id, "counts": self.counts}


def _plan(session: Session, old: Engagement, name: str) -> RollForwardPlan:
    names = [other for other in session.exec(select(Engagement.name)).all() if other != old.name]
    try:
        return plan_roll_forward(
            old_name=old.name,
            new_name=name,
            report_kinds=list(old.report_kinds),
            report_type=old.report_type,
            period_start=old.period_start,
            period_end=old.period_end,
            as_of=old.as_of_date,
            existing_names=names,
        )
    except ValueError as error:
        if "already exists" in str(error):
            raise ConflictError(str(error)) from None
        raise InvalidInputError(str(error)) from None


def preview_roll_forward(workspace: Workspace, *, engagement_id: int, name: str) -> RollForwardPlan:
    """What rolling the engagement forward under *name* would create (its period and prior reports)."""
    with workspace.session() as session:
        return _plan(session, engagement_in(session, engagement_id), name)


def _prior_answer(plan: RollForwardPlan) -> dict[str, str]:
    """The ``prior_report`` answer: the SOC 2 report when both were issued (the advice takes one)."""
    chosen: PriorReport = next((p for p in plan.prior_reports if p.report == "SOC 2"), plan.prior_reports[0])
    return chosen.as_answer()


def _new_engagement(session: Session, old: Engagement, plan: RollForwardPlan, now: datetime) -> Engagement:
    overrides = {k: v for k, v in (old.scoping_overrides or {}).items() if k not in RENEWED_OVERRIDES}
    new = Engagement(
        name=plan.name,
        company=old.company,
        system_name=old.system_name,
        system_description=old.system_description,
        business_type=old.business_type,
        report_kinds=list(old.report_kinds),
        report_type=plan.report_type,
        categories=list(old.categories),
        framework=old.framework,
        is_demo=old.is_demo,  # the next year of a fictional company is fictional too
        period_start=plan.period_start,
        period_end=plan.period_end,
        as_of_date=None,
        auditor_firm=old.auditor_firm,
        scoping_answers=dict(old.scoping_answers or {}) | {"prior_report": _prior_answer(plan)},
        scoping_recommendation=None,
        scoping_overrides=overrides or None,
        created_at=now,
        updated_at=now,
    )
    session.add(new)
    session.flush()
    for field_name, value in (("created", plan.name), ("rolled forward from", old.name)):
        record_change(
            session,
            engagement_id=new.id,
            entity=ENTITY,
            entity_id=new.id,
            entity_ref=plan.name,
            field=field_name,
            new=value,
            at=now,
        )
    return new


def _copy_controls(
    session: Session, old: Engagement, new: Engagement, note_text: str, now: datetime
) -> tuple[dict[int, int], dict[str, int]]:
    """Copy the matrix (statuses kept, open exceptions and remediation noted); returns old id -> new id."""
    assert old.id is not None
    known = criterion_ids(session, new.framework)
    ids: dict[int, int] = {}
    counts = {"controls": 0, "open_exceptions": 0, "open_remediation": 0, "exceptions_found": 0}
    found: dict[int, list[ExceptionRow]] = {}
    for row in exceptions_of(session, old.id):
        if row.control_id is not None:
            found.setdefault(row.control_id, []).append(row)
    for control in controls_of(session, old.id):
        values = rolled_forward_control(control, note_text, found.get(control.id, ()))
        criteria = values.pop("criteria")
        copy = insert_control(
            session, engagement=new, values=values, criteria=criteria, known_criteria=known, now=now
        )
        assert copy.id is not None
        ids[control.id] = copy.id
        counts["controls"] += 1
        counts["open_exceptions"] += bool(values["exceptions"])
        counts["exceptions_found"] += len(found.get(control.id, ()))
        counts["open_remediation"] += bool(
            values["gap"] or values["remediation_owner"] or values["remediation_due"]
        )
    return ids, counts


def _copy_objectives(
    session: Session, old_id: int, new_id: int, controls: dict[int, int], now: datetime
) -> int:
    objectives = objectives_of(session, old_id)
    for objective in objectives:
        values = {k: getattr(objective, k) for k in ("ref", "kind", "title", "description")}
        created = insert_objective(session, engagement_id=new_id, values=values, now=now)
        assert created.id is not None
        link_controls(
            session, objective_id=created.id, control_ids=[controls[i] for i in objective.control_ids]
        )
    return len(objectives)


def _copy_carveouts(session: Session, old_id: int, new_id: int, now: datetime) -> dict[str, int]:
    cuecs = cuecs_of(session, old_id)
    orgs = subservice_orgs_of(session, old_id)
    for cuec in cuecs:
        values = {k: getattr(cuec, k) for k in ("ref", "description", "related_criteria", "notes")}
        session.add(Cuec(engagement_id=new_id, created_at=now, updated_at=now, **values))
    for org in orgs:
        values = {k: getattr(org, k) for k in ("name", "services", "method", "csocs", "monitoring", "notes")}
        session.add(SubserviceOrg(engagement_id=new_id, created_at=now, updated_at=now, **values))
    return {"cuecs": len(cuecs), "subservice_orgs": len(orgs)}


def _copied(record: Any, **changes: Any) -> dict[str, Any]:
    """A stored record's values without its id, with *changes* (a new owner's id)."""
    values = {name: getattr(record, name) for name in type(record).model_fields if name != "id"}
    return values | changes


def _copy_policies(session: Session, old_id: int, new_id: int, now: datetime) -> dict[str, int]:
    """Policies with every version, the questionnaire, the staff list and the acknowledgements."""
    policy_ids: dict[int | None, int | None] = {}
    for policy in session.exec(select(Policy).where(Policy.engagement_id == old_id)).all():
        copy = Policy(**_copied(policy, engagement_id=new_id, created_at=now, updated_at=now))
        session.add(copy)
        session.flush()
        policy_ids[policy.id] = copy.id
    versions = session.exec(
        select(PolicyVersion).where(col(PolicyVersion.policy_id).in_(list(policy_ids)))
    ).all()
    for version in versions:
        session.add(PolicyVersion(**_copied(version, policy_id=policy_ids[version.policy_id])))
    for answer in session.exec(select(PolicyAnswer).where(PolicyAnswer.engagement_id == old_id)).all():
        session.add(PolicyAnswer(engagement_id=new_id, question=answer.question, answer=answer.answer))
    staff_ids: dict[int | None, int | None] = {}
    for person in session.exec(select(StaffMember).where(StaffMember.engagement_id == old_id)).all():
        copy_person = StaffMember(**_copied(person, engagement_id=new_id))
        session.add(copy_person)
        session.flush()
        staff_ids[person.id] = copy_person.id
    acknowledgements = session.exec(
        select(PolicyAcknowledgement).where(col(PolicyAcknowledgement.policy_id).in_(list(policy_ids)))
    ).all()
    for item in acknowledgements:
        session.add(
            PolicyAcknowledgement(
                **_copied(item, policy_id=policy_ids[item.policy_id], staff_id=staff_ids[item.staff_id])
            )
        )
    return {"policies": len(policy_ids), "staff": len(staff_ids), "acknowledgements": len(acknowledgements)}


def roll_forward(workspace: Workspace, *, engagement_id: int, name: str) -> RollForwardResult:
    """Start the next period's engagement from this one, in one transaction; the old one is only read.

    Same company, system, scope, controls (statuses kept), SOC 1 objectives,
    CUECs, subservice organizations, policies, staff and acknowledgements;
    the period runs 12 months from the day after the old one ends; open
    exceptions and remediation carry a note saying where they came from.
    Evidence, samples, populations, requests and the export history stay
    with the old engagement.
    """
    with workspace.writing() as session:
        old = engagement_in(session, engagement_id)
        assert old.id is not None
        plan = _plan(session, old, name)
        now = utcnow()
        new = _new_engagement(session, old, plan, now)
        assert new.id is not None
        controls, counts = _copy_controls(session, old, new, plan.note, now)
        counts["objectives"] = _copy_objectives(session, old.id, new.id, controls, now)
        counts |= _copy_carveouts(session, old.id, new.id, now)
        counts |= _copy_policies(session, old.id, new.id, now)
        note(session, Kind.ENGAGEMENT, new.id)
        session.commit()
        return RollForwardResult(engagement_row(new), plan, counts)
