"""The control matrix: adding, listing, changing and removing controls."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Table, delete, func, insert
from sqlmodel import Session, col, select

from app.db.changelog import record_change
from app.db.models import (
    Control,
    ControlCriterion,
    ControlObjective,
    Criterion,
    Engagement,
    Evidence,
    EvidenceControl,
    ObjectiveControl,
    utcnow,
)
from app.domain.catalog import load_catalog, sort_key
from app.domain.controls import CONTROL_FIELDS, ControlRow, coerce_value
from app.domain.vocab import canonical_category
from app.services.engagements import engagement_in
from app.services.errors import ConflictError, InvalidInputError, NotFoundError
from app.services.workspace import Workspace

ENTITY = "control"
STORED_FIELDS = tuple(spec.name for spec in CONTROL_FIELDS if spec.kind != "criteria")
ROW_FIELDS = tuple(f.name for f in fields(ControlRow))
CRITERIA_POSITION = ROW_FIELDS.index("criteria")


@cache
def criterion_ranks() -> dict[str, int]:
    """Criterion ref -> its position in report order."""
    return {criterion.id: position for position, criterion in enumerate(load_catalog().criteria)}


def criterion_ids(session: Session, framework: str) -> dict[str, int]:
    """Criterion ref -> row id for a framework."""
    rows = session.exec(select(Criterion.ref, Criterion.id).where(Criterion.framework == framework))
    return {ref: criterion_id for ref, criterion_id in rows if criterion_id is not None}


def _coerce_all(values: dict[str, Any]) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    for name, value in values.items():
        try:
            clean[name] = coerce_value(name, value)
        except ValueError as error:
            raise InvalidInputError(str(error)) from error
    return clean


def _resolve_criteria(known: dict[str, int], refs: Iterable[str]) -> list[int]:
    unknown = [ref for ref in refs if ref not in known]
    if unknown:
        raise InvalidInputError(f"unknown criterion {', '.join(unknown)}")
    return [known[ref] for ref in refs]


def criteria_of(
    session: Session, control_ids: Sequence[int] | None, engagement_id: int
) -> dict[int, list[str]]:
    """Control id -> its criterion refs in report order (one grouped query)."""
    link: Table = ControlCriterion.__table__  # type: ignore[attr-defined]
    criterion: Table = Criterion.__table__  # type: ignore[attr-defined]
    control: Table = Control.__table__  # type: ignore[attr-defined]
    statement = (
        select(link.c.control_id, func.group_concat(criterion.c.ref, ","))
        .join(criterion, criterion.c.id == link.c.criterion_id)
        .join(control, control.c.id == link.c.control_id)
        .where(control.c.engagement_id == engagement_id)
        .group_by(link.c.control_id)
    )
    if control_ids is not None:
        statement = statement.where(link.c.control_id.in_(control_ids))
    rank = criterion_ranks()
    mapping: dict[int, list[str]] = {}
    for control_id, joined in session.execute(statement).all():
        refs = joined.split(",")
        if len(refs) > 1:
            refs.sort(key=rank.__getitem__)
        mapping[control_id] = refs
    return mapping


def log_control_change(
    session: Session, control: Control, field: str, *, old: Any = None, new: Any = None, at: datetime
) -> None:
    """One change-log row about *control*."""
    record_change(
        session,
        engagement_id=control.engagement_id,
        entity=ENTITY,
        entity_id=control.id,
        entity_ref=control.ref,
        field=field,
        old=old,
        new=new,
        at=at,
    )


def set_control_field(
    session: Session,
    control: Control,
    field: str,
    old: Any,
    new: Any,
    *,
    known_criteria: dict[str, int],
    now: datetime,
) -> None:
    """Write one validated field of *control* (``criteria`` replaces its links) and log it."""
    if field == "criteria":
        ids = _resolve_criteria(known_criteria, new)
        session.execute(delete(ControlCriterion).where(col(ControlCriterion.control_id) == control.id))
        if ids:
            session.execute(
                insert(ControlCriterion), [{"control_id": control.id, "criterion_id": row} for row in ids]
            )
    else:
        setattr(control, field, new)
    log_control_change(session, control, field, old=old, new=new, at=now)
    control.updated_at = now
    session.add(control)


def _row(control: Control, criteria: list[str]) -> ControlRow:
    assert control.id is not None and control.engagement_id is not None
    values = {name: getattr(control, name) for name in STORED_FIELDS}
    return ControlRow(
        id=control.id,
        engagement_id=control.engagement_id,
        criteria=list(criteria),
        **values,
    )


SUMMARY_COLUMNS = frozenset(
    {
        "ref",
        "title",
        "criteria",
        "owner",
        "frequency",
        "nature",
        "control_type",
        "is_key",
        "status",
        "remediation_due",
    }
)
"""The fields a summary read fills in: the matrix's usual columns, and what readiness needs."""
SUMMARY_QUERY = (
    "SELECT c.id, c.engagement_id, c.ref, c.title, c.owner, c.frequency, c.nature, c.control_type, c.is_key,"
    " c.status, (SELECT group_concat(m.criterion_id) FROM control_criterion m WHERE m.control_id = c.id)"
    " FROM control c WHERE c.engagement_id = ? ORDER BY c.ref"
)
"""The :data:`SUMMARY_COLUMNS` of every control, criteria as row ids: plain SQL, since it runs on
every opening of the Controls page."""


def _summary_rows(session: Session, engagement_id: int) -> list[ControlRow]:
    """The matrix's usual columns of every control with its criteria, in one query."""
    connection = session.connection()
    catalog = connection.exec_driver_sql("SELECT id, sort_order, ref FROM criterion ORDER BY id").all()
    names = {str(row_id): ref for row_id, _order, ref in catalog}
    order = {str(row_id): position for row_id, position, _ref in catalog}
    # Criterion ids come back in ascending order; they need sorting only if that is not report order.
    in_report_order = [position for _id, position, _ref in catalog] == sorted(p for _i, p, _r in catalog)
    rows = []
    for (
        row_id,
        engagement,
        ref,
        title,
        owner,
        frequency,
        nature,
        control_type,
        is_key,
        status,
        joined,
    ) in connection.exec_driver_sql(SUMMARY_QUERY, (engagement_id,)).all():
        keys = joined.split(",") if joined else []
        if not in_report_order:
            keys.sort(key=order.__getitem__)
        rows.append(
            ControlRow(
                row_id,
                engagement,
                ref,
                title,
                "",
                [names[key] for key in keys],
                owner,
                frequency,
                nature,
                control_type,
                bool(is_key),
                status=status,
            )
        )
    return rows


def list_controls(
    workspace: Workspace, *, engagement_id: int, category: str | None = None, summary: bool = False
) -> list[ControlRow]:
    """The engagement's controls in ref order; with *category*, those mapped to its criteria.

    With *summary*, only :data:`SUMMARY_COLUMNS` are read and the long texts are
    left empty: enough to paint the matrix at once.
    """
    if category is not None:
        try:
            category = canonical_category(category)
        except ValueError as error:
            raise InvalidInputError(str(error)) from error
    table: Table = Control.__table__  # type: ignore[attr-defined]
    with workspace.session() as session:
        engagement_in(session, engagement_id)
        if summary:
            rows = _summary_rows(session, engagement_id)
        else:
            columns = [table.c[name] for name in ROW_FIELDS if name != "criteria"]
            records = session.execute(
                select(*columns).where(table.c.engagement_id == engagement_id).order_by(table.c.ref)
            ).all()
            mapping = criteria_of(session, None, engagement_id)
            # One positional call per row: the columns are read in ControlRow's field order.
            rows = [
                ControlRow(*r[:CRITERIA_POSITION], mapping.get(r[0], []), *r[CRITERIA_POSITION:])  # type: ignore[call-arg]
                for r in records
            ]
        if category is not None:
            in_category = set(session.exec(select(Criterion.ref).where(Criterion.category == category)).all())
    if category is not None:
        rows = [row for row in rows if in_category.intersection(row.criteria)]
    return rows


def get_control(workspace: Workspace, control_id: int) -> ControlRow:
    return get_controls(workspace, [control_id])[0]


def get_controls(workspace: Workspace, control_ids: Sequence[int]) -> list[ControlRow]:
    """Every field of these controls, in the order asked; a missing one is refused."""
    with workspace.session() as session:
        found = {
            control.id: control
            for control in session.exec(select(Control).where(col(Control.id).in_(control_ids))).all()
        }
        missing = [control_id for control_id in control_ids if control_id not in found]
        if missing:
            raise NotFoundError(f"control {missing[0]} no longer exists")
        engagements = {control.engagement_id for control in found.values()}
        mapping: dict[int, list[str]] = {}
        for engagement_id in engagements:
            assert engagement_id is not None
            mapping.update(criteria_of(session, list(control_ids), engagement_id))
        return [_row(found[control_id], mapping.get(control_id, [])) for control_id in control_ids]


def find_control(workspace: Workspace, *, engagement_id: int, ref: str) -> ControlRow:
    """The engagement's control with this ref (exact match after trimming)."""
    with workspace.session() as session:
        control = session.exec(
            select(Control).where(Control.engagement_id == engagement_id, Control.ref == ref.strip())
        ).first()
        if control is None:
            raise NotFoundError(f"no control with ref {ref.strip()!r} in this engagement")
        criteria = criteria_of(session, [control.id or 0], engagement_id).get(control.id or 0, [])
        return _row(control, criteria)


def _check_ref_free(session: Session, engagement_id: int, ref: str, except_id: int | None = None) -> None:
    clash = session.exec(
        select(Control.id).where(Control.engagement_id == engagement_id, Control.ref == ref)
    ).first()
    if clash is not None and clash != except_id:
        raise ConflictError(f"a control with ref {ref!r} already exists in this engagement")


def insert_control(
    session: Session,
    *,
    engagement: Engagement,
    values: dict[str, Any],
    criteria: Sequence[str],
    known_criteria: dict[str, int],
    now: datetime,
    control_id: int | None = None,
) -> Control:
    """Add one validated control with its criteria to *session* and log its creation."""
    assert engagement.id is not None
    criterion_rows = _resolve_criteria(known_criteria, criteria)
    _check_ref_free(session, engagement.id, values["ref"])
    control = Control(id=control_id, engagement_id=engagement.id, created_at=now, updated_at=now, **values)
    session.add(control)
    session.flush()
    if criterion_rows:
        session.execute(
            insert(ControlCriterion),
            [{"control_id": control.id, "criterion_id": row} for row in criterion_rows],
        )
    log_control_change(session, control, "created", new=control.title, at=now)
    return control


def add_control(
    workspace: Workspace,
    *,
    engagement_id: int,
    ref: str,
    title: str,
    criteria: Sequence[str] | str = (),
    **fields: Any,
) -> ControlRow:
    """Add a control; an unknown criterion or a duplicate ref is refused and nothing written."""
    unknown = set(fields) - set(STORED_FIELDS)
    if unknown:
        raise InvalidInputError(f"a control has no field {', '.join(sorted(unknown))}")
    values = _coerce_all({"ref": ref, "title": title, **fields})
    criteria_refs: list[str] = coerce_value("criteria", criteria)
    with workspace.session() as session:
        engagement = engagement_in(session, engagement_id)
        control = insert_control(
            session,
            engagement=engagement,
            values=values,
            criteria=criteria_refs,
            known_criteria=criterion_ids(session, engagement.framework),
            now=utcnow(),
        )
        session.commit()
        return _row(control, sorted(criteria_refs, key=sort_key))


def update_control(workspace: Workspace, control_id: int, **changes: Any) -> ControlRow:
    """Change fields (and with ``criteria=...`` the mapping) of one control, logging each change."""
    return update_controls(workspace, [control_id], **changes)[0]


def update_controls(workspace: Workspace, control_ids: Sequence[int], **changes: Any) -> list[ControlRow]:
    """Apply the same changes to several controls in one transaction (bulk edit)."""
    unknown = set(changes) - set(STORED_FIELDS) - {"criteria"}
    if unknown:
        raise InvalidInputError(f"a control has no field {', '.join(sorted(unknown))}")
    clean = _coerce_all(changes)
    now = utcnow()
    rows: list[ControlRow] = []
    with workspace.session() as session:
        for control_id in control_ids:
            control = session.get(Control, control_id)
            if control is None:
                raise NotFoundError(f"control {control_id} no longer exists")
            assert control.engagement_id is not None
            engagement = engagement_in(session, control.engagement_id)
            if "ref" in clean:
                _check_ref_free(session, control.engagement_id, clean["ref"], except_id=control_id)
            current = criteria_of(session, [control_id], control.engagement_id).get(control_id, [])
            known = criterion_ids(session, engagement.framework)
            for name, value in clean.items():
                old = current if name == "criteria" else getattr(control, name)
                if name == "criteria":
                    value = sorted(value, key=sort_key)
                if value == old:
                    continue
                set_control_field(session, control, name, old, value, known_criteria=known, now=now)
                if name == "criteria":
                    current = value
            session.flush()
            rows.append(_row(control, current))
        session.commit()
    return rows


def delete_controls(workspace: Workspace, control_ids: Sequence[int]) -> None:
    """Remove controls (their evidence records stay, unlinked)."""
    now = utcnow()
    with workspace.session() as session:
        for control_id in control_ids:
            control = session.get(Control, control_id)
            if control is None:
                raise NotFoundError(f"control {control_id} no longer exists")
            log_control_change(session, control, "deleted", old=control.title, at=now)
            session.delete(control)
        session.commit()


@dataclass(frozen=True)
class ControlSnapshot:
    """Everything needed to put a deleted control back: its row and its links."""

    row: ControlRow
    evidence_ids: tuple[int, ...]
    objective_ids: tuple[int, ...]


def snapshot_controls(workspace: Workspace, control_ids: Sequence[int]) -> list[ControlSnapshot]:
    """The controls as they are now, with their evidence and objective links."""
    snapshots = []
    with workspace.session() as session:
        for control_id in control_ids:
            control = session.get(Control, control_id)
            if control is None:
                raise NotFoundError(f"control {control_id} no longer exists")
            assert control.engagement_id is not None
            criteria = criteria_of(session, [control_id], control.engagement_id).get(control_id, [])
            evidence = session.exec(
                select(EvidenceControl.evidence_id).where(EvidenceControl.control_id == control_id)
            ).all()
            objectives = session.exec(
                select(ObjectiveControl.objective_id).where(ObjectiveControl.control_id == control_id)
            ).all()
            snapshots.append(
                ControlSnapshot(
                    _row(control, criteria),
                    tuple(e for e in evidence if e is not None),
                    tuple(o for o in objectives if o is not None),
                )
            )
    return snapshots


def restore_controls(workspace: Workspace, snapshots: Sequence[ControlSnapshot]) -> list[ControlRow]:
    """Put deleted controls back with their criteria and links (keeping their id when it is free)."""
    now = utcnow()
    rows = []
    with workspace.session() as session:
        for snapshot in snapshots:
            row = snapshot.row
            engagement = engagement_in(session, row.engagement_id)
            values = {name: getattr(row, name) for name in STORED_FIELDS}
            control_id = row.id if session.get(Control, row.id) is None else None
            control = insert_control(
                session,
                engagement=engagement,
                values=values,
                criteria=row.criteria,
                known_criteria=criterion_ids(session, engagement.framework),
                now=now,
                control_id=control_id,
            )
            assert control.id is not None
            evidence = [e for e in snapshot.evidence_ids if session.get(Evidence, e) is not None]
            if evidence:
                session.execute(
                    insert(EvidenceControl), [{"evidence_id": e, "control_id": control.id} for e in evidence]
                )
            objectives = [o for o in snapshot.objective_ids if session.get(ControlObjective, o) is not None]
            if objectives:
                session.execute(
                    insert(ObjectiveControl),
                    [{"objective_id": o, "control_id": control.id} for o in objectives],
                )
            rows.append(_row(control, row.criteria))
        session.commit()
    return rows


def free_ref(taken: set[str], ref: str) -> str:
    """*ref* with a ``-copy`` (``-copy2``, ...) suffix that no control of *taken* uses."""
    candidate = f"{ref}-copy"
    number = 2
    while candidate in taken:
        candidate = f"{ref}-copy{number}"
        number += 1
    return candidate


def duplicate_controls(workspace: Workspace, control_ids: Sequence[int]) -> list[ControlRow]:
    """Copies of the controls (fields and criteria, not evidence) under new refs."""
    now = utcnow()
    copies = []
    with workspace.session() as session:
        for control_id in control_ids:
            control = session.get(Control, control_id)
            if control is None:
                raise NotFoundError(f"control {control_id} no longer exists")
            assert control.engagement_id is not None
            engagement = engagement_in(session, control.engagement_id)
            taken = set(session.exec(select(Control.ref).where(Control.engagement_id == engagement.id)).all())
            criteria = criteria_of(session, [control_id], control.engagement_id).get(control_id, [])
            values = {name: getattr(control, name) for name in STORED_FIELDS}
            values["ref"] = free_ref(taken, control.ref)
            copy = insert_control(
                session,
                engagement=engagement,
                values=values,
                criteria=criteria,
                known_criteria=criterion_ids(session, engagement.framework),
                now=now,
            )
            copies.append(_row(copy, criteria))
        session.commit()
    return copies
