"""The control matrix: adding, listing, changing and removing controls.

A change may carry the version of the control its caller read (``version=``,
``versions=``): when someone else saved the control since, the change is
refused with an :class:`~app.services.errors.EditConflictError` and nothing is
written (:mod:`app.services.versions`).
"""

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert
from sqlmodel import Session, col, select

from app.db.changelog import record_change, record_changes
from app.db.models import Control, ControlCriterion, Criterion, Engagement, utcnow
from app.db.queries import CONTROL, control_rows, control_summaries, criteria_of
from app.db.session import note
from app.db.snapshots import restore_snapshot, take_snapshot
from app.domain.catalog import sort_key
from app.domain.changes import Kind
from app.domain.controls import FIELDS_BY_NAME, STORED_FIELDS, ControlRow, coerce_value
from app.domain.snapshots import Snapshot
from app.domain.vocab import canonical_category
from app.services.engagements import engagement_in
from app.services.errors import ConflictError, InvalidInputError, NotFoundError
from app.services.versions import check_version
from app.services.workspace import Workspace

ENTITY = "control"


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


def log_control_change(
    session: Session, control: Control, field: str, *, old: Any = None, new: Any = None, at: datetime
) -> None:
    """One change-log row about *control*, and the change notice for it."""
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
    note(session, Kind.CONTROLS, control.id)


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
        version=control.version,
        criteria=list(criteria),
        **values,
    )


def controls_of(
    session: Session, engagement_id: int, *, category: str | None = None, summary: bool = False
) -> list[ControlRow]:
    """The engagement's controls in ref order, read in *session* (see :func:`list_controls`)."""
    engagement_in(session, engagement_id)
    rows = control_summaries(session, engagement_id) if summary else control_rows(session, engagement_id)
    if category is None:
        return rows
    in_category = set(session.exec(select(Criterion.ref).where(Criterion.category == category)).all())
    return [row for row in rows if in_category.intersection(row.criteria)]


def list_controls(
    workspace: Workspace, *, engagement_id: int, category: str | None = None, summary: bool = False
) -> list[ControlRow]:
    """The engagement's controls in ref order; with *category*, those mapped to its criteria.

    With *summary*, only :data:`~app.domain.controls.SUMMARY_FIELDS` are read
    and the long texts are left empty: enough to paint the matrix at once.
    """
    if category is not None:
        try:
            category = canonical_category(category)
        except ValueError as error:
            raise InvalidInputError(str(error)) from error
    with workspace.session() as session:
        return controls_of(session, engagement_id, category=category, summary=summary)


def existing_controls(
    workspace: Workspace, *, engagement_id: int, control_ids: Sequence[int]
) -> list[ControlRow]:
    """Those of these controls of the engagement that still exist, every field, in ref order."""
    with workspace.session() as session:
        return control_rows(session, engagement_id, control_ids)


def _records(session: Session, control_ids: Sequence[int]) -> dict[int, Control]:
    """The controls with these ids; a missing one is refused."""
    found = {
        control.id: control
        for control in session.exec(select(Control).where(col(Control.id).in_(control_ids))).all()
        if control.id is not None
    }
    missing = [control_id for control_id in control_ids if control_id not in found]
    if missing:
        raise NotFoundError(f"control {missing[0]} no longer exists")
    return found


def _rows_of(session: Session, control_ids: Sequence[int]) -> list[ControlRow]:
    found = _records(session, control_ids)
    mapping: dict[int, list[str]] = {}
    for engagement_id in {control.engagement_id for control in found.values()}:
        assert engagement_id is not None
        mapping.update(criteria_of(session, list(control_ids), engagement_id))
    return [_row(found[control_id], mapping.get(control_id, [])) for control_id in control_ids]


def get_control(workspace: Workspace, control_id: int) -> ControlRow:
    with workspace.session() as session:
        return _rows_of(session, [control_id])[0]


def get_controls(workspace: Workspace, control_ids: Sequence[int]) -> list[ControlRow]:
    """Every field of these controls, in the order asked; a missing one is refused."""
    with workspace.session() as session:
        return _rows_of(session, control_ids)


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
) -> Control:
    """Add one validated control with its criteria to *session* and log its creation."""
    (control_id,) = insert_controls(
        session, engagement=engagement, rows=[(values, criteria)], known_criteria=known_criteria, now=now
    )
    control = session.get(Control, control_id)
    assert control is not None
    return control


def insert_controls(
    session: Session,
    *,
    engagement: Engagement,
    rows: Sequence[tuple[dict[str, Any], Sequence[str]]],
    known_criteria: dict[str, int],
    now: datetime,
) -> list[int]:
    """Add validated controls (values, criterion refs) with their criteria in a few statements, log
    each creation; returns their ids in order. A ref already used (or given twice) is refused."""
    assert engagement.id is not None
    links = [_resolve_criteria(known_criteria, criteria) for _values, criteria in rows]
    _check_refs_free(session, engagement.id, [values["ref"] for values, _criteria in rows])
    columns = CONTROL.columns
    names = {name for values, _criteria in rows for name in values}
    defaults = {name: _default(columns[name]) for name in names}
    records = [
        {**defaults, **values, "engagement_id": engagement.id, "created_at": now, "updated_at": now}
        for values, _criteria in rows
    ]
    inserted = session.execute(insert(Control).returning(CONTROL.c.id, sort_by_parameter_order=True), records)
    ids = [int(control_id) for control_id in inserted.scalars()]
    pairs = [
        {"control_id": control_id, "criterion_id": criterion}
        for control_id, criteria in zip(ids, links, strict=True)
        for criterion in criteria
    ]
    if pairs:
        session.execute(insert(ControlCriterion), pairs)
    entries = [
        {
            "engagement_id": engagement.id,
            "entity": ENTITY,
            "entity_id": control_id,
            "entity_ref": values["ref"],
            "field": "created",
            "new": values["title"],
            "record_version": _default(columns["version"]),
        }
        for control_id, (values, _criteria) in zip(ids, rows, strict=True)
    ]
    record_changes(session, entries, at=now)
    note(session, Kind.CONTROLS, *ids)
    return ids


def _default(column: Any) -> Any:
    default = column.default
    return None if default is None or callable(default.arg) else default.arg


def _check_refs_free(session: Session, engagement_id: int, refs: Sequence[str]) -> None:
    if len(set(refs)) != len(refs):
        twice = next(ref for ref in refs if refs.count(ref) > 1)
        raise ConflictError(f"the ref {twice!r} is given twice")
    if len(refs) <= 500:
        statement = select(Control.ref).where(
            Control.engagement_id == engagement_id, col(Control.ref).in_(refs)
        )
    else:
        statement = select(Control.ref).where(Control.engagement_id == engagement_id)
    clash = set(session.exec(statement).all()) & set(refs)
    if clash:
        raise ConflictError(f"a control with ref {sorted(clash)[0]!r} already exists in this engagement")


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
    with workspace.writing() as session:
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


def update_control(
    workspace: Workspace, control_id: int, *, version: int | None = None, **changes: Any
) -> ControlRow:
    """Change fields (and with ``criteria=...`` the mapping) of one control, logging each change.

    With *version* (the one the caller read), a control someone else saved since is refused.
    """
    versions = None if version is None else {control_id: version}
    with workspace.writing() as session:
        row = _update(session, [control_id], changes, versions)[0]
        session.commit()
    return row


def update_controls(
    workspace: Workspace,
    control_ids: Sequence[int],
    *,
    versions: Mapping[int, int] | None = None,
    **changes: Any,
) -> list[ControlRow]:
    """Apply the same changes to several controls in one transaction (bulk edit); with *versions*
    (control id -> the version read), nothing is written when someone else saved one of them."""
    with workspace.writing() as session:
        rows = _update(session, control_ids, changes, versions)
        session.commit()
    return rows


def set_control_values(
    workspace: Workspace,
    values: Sequence[tuple[int, str, Any]],
    *,
    versions: Mapping[int, int] | None = None,
) -> list[ControlRow]:
    """Give each control its own value of a field, ``(control id, field, value)``, in one transaction.

    What undo of an edit of several controls uses: each gets its old value back
    (refused, as :func:`update_controls`, when someone else saved one since).
    """
    unchecked = dict(versions or {})
    with workspace.writing() as session:
        rows = []
        for control_id, name, value in values:
            expected = {control_id: unchecked.pop(control_id)} if control_id in unchecked else None
            rows.append(_update(session, [control_id], {name: value}, expected)[0])
        session.commit()
    return rows


def _field_label(name: str) -> str:
    spec = FIELDS_BY_NAME.get(name)
    return spec.label.lower() if spec is not None else name.replace("_", " ")


def _update(
    session: Session,
    control_ids: Sequence[int],
    changes: dict[str, Any],
    versions: Mapping[int, int] | None = None,
) -> list[ControlRow]:
    unknown = set(changes) - set(STORED_FIELDS) - {"criteria"}
    if unknown:
        raise InvalidInputError(f"a control has no field {', '.join(sorted(unknown))}")
    clean = _coerce_all(changes)
    now = utcnow()
    rows: list[ControlRow] = []
    found = _records(session, control_ids)
    for control_id in control_ids:
        control = found[control_id]
        check_version(
            session,
            control,
            (versions or {}).get(control_id),
            what=f"control {control.ref}",
            label=_field_label,
        )
    for control_id in control_ids:
        control = found[control_id]
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
    return rows


def delete_controls_in(session: Session, control_ids: Sequence[int], now: datetime) -> None:
    """Remove controls in *session*, logging each (their evidence records stay, unlinked)."""
    found = _records(session, control_ids)
    for control_id in control_ids:
        control = found[control_id]
        log_control_change(session, control, "deleted", old=control.title, at=now)
        session.delete(control)


def delete_controls(workspace: Workspace, control_ids: Sequence[int]) -> Snapshot:
    """Remove controls (their evidence records stay, unlinked); returns what puts them back."""
    with workspace.writing() as session:
        snapshot = take_snapshot(session, "control", control_ids)
        delete_controls_in(session, control_ids, utcnow())
        session.commit()
    return snapshot


def restore_controls(workspace: Workspace, snapshot: Snapshot) -> list[ControlRow]:
    """Put deleted controls back with their criteria and links (keeping their id when it is free)."""
    with workspace.writing() as session:
        ids = restore_snapshot(session, snapshot, at=utcnow())
        note(session, Kind.CONTROLS, *ids.values())
        rows = _rows_of(session, list(ids.values()))
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
    with workspace.writing() as session:
        found = _records(session, control_ids)
        for control_id in control_ids:
            control = found[control_id]
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
