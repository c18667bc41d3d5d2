"""SOC 1 control objectives: listing, adding, changing, removing, and linking their controls."""

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert
from sqlmodel import Session, col, select

from app.db.changelog import record_change
from app.db.models import Control, ControlObjective, ObjectiveControl, utcnow
from app.db.session import note
from app.db.snapshots import restore_snapshot, take_snapshot
from app.domain.changes import Kind
from app.domain.controls import clean_ref
from app.domain.objectives import ObjectiveRow
from app.domain.snapshots import Snapshot
from app.domain.vocab import ObjectiveKind, parse_choice
from app.services.engagements import engagement_in
from app.services.errors import ConflictError, InvalidInputError, NotFoundError
from app.services.workspace import Workspace

ENTITY = "objective"
EDITABLE_FIELDS = ("ref", "kind", "title", "description")


def _clean(name: str, value: Any) -> Any:
    """An objective field's value from user input; ``InvalidInputError`` when it does not fit."""
    text = "" if value is None else str(value)
    if name == "ref":
        if not text.strip():
            raise InvalidInputError("an objective needs a ref")
        try:
            return clean_ref(text)
        except ValueError as error:
            raise InvalidInputError(str(error)) from None
    if name == "kind":
        try:
            return parse_choice(ObjectiveKind, text).value
        except ValueError:
            raise InvalidInputError(f"an objective's kind is itgc or business, not {text!r}") from None
    if name == "title":
        title = " ".join(text.split())
        if not title:
            raise InvalidInputError("an objective needs a title")
        return title
    return text.strip()


def _clean_all(values: dict[str, Any]) -> dict[str, Any]:
    return {name: _clean(name, value) for name, value in values.items()}


def _check_ref_free(session: Session, engagement_id: int, ref: str, except_id: int | None = None) -> None:
    clash = session.exec(
        select(ControlObjective.id).where(
            ControlObjective.engagement_id == engagement_id, ControlObjective.ref == ref
        )
    ).first()
    if clash is not None and clash != except_id:
        raise ConflictError(f"an objective with ref {ref!r} already exists in this engagement")


def _linked_controls(session: Session, objective_ids: Sequence[int]) -> dict[int, list[tuple[int, str]]]:
    """Objective id -> (control id, control ref) of its controls, in ref order."""
    rows = session.exec(
        select(ObjectiveControl.objective_id, Control.id, Control.ref)
        .join(Control, col(Control.id) == ObjectiveControl.control_id)
        .where(col(ObjectiveControl.objective_id).in_(objective_ids))
        .order_by(Control.ref)
    )
    linked: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for objective_id, control_id, ref in rows:
        if objective_id is not None and control_id is not None:
            linked[objective_id].append((control_id, ref))
    return linked


def _row(objective: ControlObjective, controls: list[tuple[int, str]]) -> ObjectiveRow:
    assert objective.id is not None and objective.engagement_id is not None
    return ObjectiveRow(
        id=objective.id,
        engagement_id=objective.engagement_id,
        ref=objective.ref,
        kind=objective.kind,
        title=objective.title,
        description=objective.description,
        control_ids=[control_id for control_id, _ in controls],
        control_refs=[ref for _, ref in controls],
    )


def _objective(session: Session, objective_id: int) -> ControlObjective:
    objective = session.get(ControlObjective, objective_id)
    if objective is None:
        raise NotFoundError(f"objective {objective_id} no longer exists")
    return objective


def _load_row(session: Session, objective: ControlObjective) -> ObjectiveRow:
    assert objective.id is not None
    return _row(objective, _linked_controls(session, [objective.id]).get(objective.id, []))


def objectives_of(session: Session, engagement_id: int) -> list[ObjectiveRow]:
    """The engagement's control objectives in their order, each with its controls, read in *session*."""
    engagement_in(session, engagement_id)
    objectives = session.exec(
        select(ControlObjective)
        .where(ControlObjective.engagement_id == engagement_id)
        .order_by(col(ControlObjective.sort_order), col(ControlObjective.ref))
    ).all()
    linked = _linked_controls(session, [o.id for o in objectives if o.id is not None])
    return [_row(objective, linked.get(objective.id or 0, [])) for objective in objectives]


def list_objectives(workspace: Workspace, *, engagement_id: int) -> list[ObjectiveRow]:
    """The engagement's control objectives in their order, each with its controls."""
    with workspace.session() as session:
        return objectives_of(session, engagement_id)


def insert_objective(
    session: Session, *, engagement_id: int, values: dict[str, Any], now: datetime
) -> ControlObjective:
    """Add one validated objective after the engagement's last one and log its creation."""
    _check_ref_free(session, engagement_id, values["ref"])
    last = session.exec(
        select(func.max(ControlObjective.sort_order)).where(ControlObjective.engagement_id == engagement_id)
    ).one()
    objective = ControlObjective(
        engagement_id=engagement_id,
        sort_order=(last or 0) + 1,
        created_at=now,
        updated_at=now,
        **values,
    )
    session.add(objective)
    session.flush()
    record_change(
        session,
        engagement_id=engagement_id,
        entity=ENTITY,
        entity_id=objective.id,
        entity_ref=objective.ref,
        field="created",
        new=objective.title,
        at=now,
    )
    note(session, Kind.OBJECTIVES, objective.id)
    return objective


def link_controls(session: Session, *, objective_id: int, control_ids: Sequence[int]) -> None:
    """Record that these controls address the objective (links must not exist yet)."""
    if control_ids:
        session.execute(
            insert(ObjectiveControl),
            [{"objective_id": objective_id, "control_id": control_id} for control_id in control_ids],
        )


def add_objective(
    workspace: Workspace,
    *,
    engagement_id: int,
    ref: str,
    title: str,
    kind: str = "business",
    description: str = "",
) -> ObjectiveRow:
    """Add a control objective; a duplicate ref or a kind other than itgc/business is refused."""
    values = _clean_all({"ref": ref, "kind": kind, "title": title, "description": description})
    with workspace.writing() as session:
        engagement_in(session, engagement_id)
        objective = insert_objective(session, engagement_id=engagement_id, values=values, now=utcnow())
        session.commit()
        return _row(objective, [])


def update_objective(workspace: Workspace, objective_id: int, **changes: Any) -> ObjectiveRow:
    """Change the ref, kind, title or description of an objective, logging each changed field."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise InvalidInputError(f"an objective has no field {', '.join(sorted(unknown))}")
    clean = _clean_all(changes)
    now = utcnow()
    with workspace.writing() as session:
        objective = _objective(session, objective_id)
        assert objective.engagement_id is not None
        if "ref" in clean:
            _check_ref_free(session, objective.engagement_id, clean["ref"], except_id=objective_id)
        for name, value in clean.items():
            old = getattr(objective, name)
            if old == value:
                continue
            setattr(objective, name, value)
            objective.updated_at = now
            record_change(
                session,
                engagement_id=objective.engagement_id,
                entity=ENTITY,
                entity_id=objective_id,
                entity_ref=objective.ref,
                field=name,
                old=old,
                new=value,
                at=now,
            )
            note(session, Kind.OBJECTIVES, objective_id)
        session.add(objective)
        session.commit()
        return _load_row(session, objective)


def delete_objectives(workspace: Workspace, objective_ids: Sequence[int]) -> Snapshot:
    """Remove objectives (their controls stay); returns what puts them back."""
    now = utcnow()
    with workspace.writing() as session:
        snapshot = take_snapshot(session, "control_objective", objective_ids)
        for objective_id in objective_ids:
            objective = _objective(session, objective_id)
            record_change(
                session,
                engagement_id=objective.engagement_id,
                entity=ENTITY,
                entity_id=objective_id,
                entity_ref=objective.ref,
                field="deleted",
                old=objective.title,
                at=now,
            )
            note(session, Kind.OBJECTIVES, objective_id)
            session.delete(objective)
        session.commit()
    return snapshot


def restore_objectives(workspace: Workspace, snapshot: Snapshot) -> list[ObjectiveRow]:
    """Put deleted objectives back with their control links (under their old ids when free)."""
    with workspace.writing() as session:
        ids = restore_snapshot(session, snapshot, at=utcnow())
        note(session, Kind.OBJECTIVES, *ids.values())
        rows = [_load_row(session, _objective(session, new_id)) for new_id in ids.values()]
        session.commit()
    return rows


def set_objective_controls(
    workspace: Workspace, objective_id: int, control_ids: Sequence[int]
) -> ObjectiveRow:
    """Make exactly these controls (of the objective's engagement) address the objective."""
    wanted = list(dict.fromkeys(control_ids))
    with workspace.writing() as session:
        objective = _objective(session, objective_id)
        controls = session.exec(select(Control).where(col(Control.id).in_(wanted))).all()
        missing = sorted(set(wanted) - {c.id for c in controls})
        if missing:
            raise NotFoundError(f"control {', '.join(map(str, missing))} no longer exists")
        if any(c.engagement_id != objective.engagement_id for c in controls):
            raise InvalidInputError("an objective can only be addressed by controls of its own engagement")
        before = _load_row(session, objective)
        if set(before.control_ids) != set(wanted):
            session.execute(
                delete(ObjectiveControl).where(col(ObjectiveControl.objective_id) == objective_id)
            )
            link_controls(session, objective_id=objective_id, control_ids=wanted)
            record_change(
                session,
                engagement_id=objective.engagement_id,
                entity=ENTITY,
                entity_id=objective_id,
                entity_ref=objective.ref,
                field="controls",
                old=before.control_refs,
                new=sorted(c.ref for c in controls),
            )
            note(session, Kind.OBJECTIVES, objective_id)
            session.commit()
        return _load_row(session, objective)
