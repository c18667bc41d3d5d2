"""CUECs and subservice organizations of an engagement (for the system description and exports).

CUECs are controls the company assumes its customers operate; subservice
organizations (the cloud provider, a payment processor...) are either carved
out, with the CSOCs the company relies on and how it monitors them, or
included in the report.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any, Generic, TypeVar

from sqlmodel import Session, col, select

from app.db.changelog import record_change
from app.db.models import Cuec, SubserviceOrg, utcnow
from app.db.session import note
from app.db.snapshots import restore_snapshot, take_snapshot
from app.domain.carveouts import CuecRow, SubserviceRow
from app.domain.catalog import load_catalog, sort_key
from app.domain.changes import Kind
from app.domain.controls import clean_ref, split_criteria
from app.domain.snapshots import Snapshot
from app.domain.vocab import SubserviceMethod, parse_choice
from app.services.engagements import engagement_in
from app.services.errors import ConflictError, InvalidInputError, NotFoundError
from app.services.workspace import Workspace

M = TypeVar("M", Cuec, SubserviceOrg)
R = TypeVar("R", CuecRow, SubserviceRow)


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _ref(value: Any) -> str:
    if not _text(value):
        raise InvalidInputError("a CUEC needs a ref")
    try:
        return clean_ref(_text(value))
    except ValueError as error:
        raise InvalidInputError(str(error)) from None


def _required(message: str) -> Callable[[Any], str]:
    """A cleaner collapsing whitespace that refuses an empty value with *message*."""

    def clean(value: Any) -> str:
        text = " ".join(_text(value).split())
        if not text:
            raise InvalidInputError(message)
        return text

    return clean


def _criteria(value: Any) -> str:
    """Criterion IDs as ``CC6.1, CC6.2`` in report order; an unknown ID is refused."""
    refs = split_criteria(_text(value))
    unknown = [ref for ref in refs if ref not in load_catalog().ids]
    if unknown:
        raise InvalidInputError(f"unknown criterion {', '.join(unknown)}")
    return ", ".join(sorted(refs, key=sort_key))


def _method(value: Any) -> str:
    try:
        return parse_choice(SubserviceMethod, _text(value)).value
    except ValueError:
        raise InvalidInputError(f"the method is carve-out or inclusive, not {_text(value)!r}") from None


@dataclass(frozen=True)
class _Table(Generic[M, R]):
    """How one of the two tables is validated, keyed, listed and logged."""

    model: type[M]
    row: type[R]
    table: str
    entity: str
    noun: str
    key: str
    cleaners: dict[str, Callable[[Any], str]]

    def clean(self, values: dict[str, Any]) -> dict[str, Any]:
        """Validated values; an unknown field or a value that does not fit is refused."""
        unknown = set(values) - set(self.cleaners)
        if unknown:
            raise InvalidInputError(f"a {self.noun} has no field {', '.join(sorted(unknown))}")
        return {name: self.cleaners[name](value) for name, value in values.items()}

    def as_row(self, record: M) -> R:
        return self.row(**{f.name: getattr(record, f.name) for f in fields(self.row)})


CUECS = _Table(
    model=Cuec,
    row=CuecRow,
    table="cuec",
    entity="cuec",
    noun="CUEC",
    key="ref",
    cleaners={
        "ref": _ref,
        "description": _required("a CUEC needs a description"),
        "related_criteria": _criteria,
        "notes": _text,
    },
)
SUBSERVICE_ORGS = _Table(
    model=SubserviceOrg,
    row=SubserviceRow,
    table="subservice_org",
    entity="subservice",
    noun="subservice organization",
    key="name",
    cleaners={
        "name": _required("a subservice organization needs a name"),
        "services": _text,
        "method": _method,
        "csocs": _text,
        "monitoring": _text,
        "notes": _text,
    },
)


def _records(session: Session, table: _Table[M, R], engagement_id: int) -> list[M]:
    """The engagement's records, by ref or name (any letter case)."""
    engagement_in(session, engagement_id)
    records = session.exec(select(table.model).where(col(table.model.engagement_id) == engagement_id)).all()
    return sorted(records, key=lambda record: str(getattr(record, table.key)).casefold())


def _check_free(
    session: Session, table: _Table[M, R], engagement_id: int, key: str, except_id: int | None
) -> None:
    for record in _records(session, table, engagement_id):
        if str(getattr(record, table.key)).casefold() == key.casefold() and record.id != except_id:
            raise ConflictError(f"a {table.noun} {key!r} already exists in this engagement")


def _record(session: Session, table: _Table[M, R], record_id: int) -> M:
    record = session.get(table.model, record_id)
    if record is None:
        raise NotFoundError(f"{table.noun} {record_id} no longer exists")
    return record


def _log(
    session: Session, table: _Table[M, R], record: M, field: str, old: Any, new: Any, at: datetime
) -> None:
    record_change(
        session,
        engagement_id=record.engagement_id,
        entity=table.entity,
        entity_id=record.id,
        entity_ref=str(getattr(record, table.key)),
        field=field,
        old=old,
        new=new,
        at=at,
    )
    note(session, Kind.SCOPE, record.engagement_id)


def _list(workspace: Workspace, table: _Table[M, R], engagement_id: int) -> list[R]:
    with workspace.session() as session:
        return [table.as_row(record) for record in _records(session, table, engagement_id)]


def cuecs_of(session: Session, engagement_id: int) -> list[CuecRow]:
    """The engagement's CUECs in ref order, read in *session*."""
    return [CUECS.as_row(record) for record in _records(session, CUECS, engagement_id)]


def subservice_orgs_of(session: Session, engagement_id: int) -> list[SubserviceRow]:
    """The engagement's subservice organizations by name, read in *session*."""
    return [SUBSERVICE_ORGS.as_row(record) for record in _records(session, SUBSERVICE_ORGS, engagement_id)]


def insert_record(
    session: Session, table: _Table[M, R], engagement_id: int, values: dict[str, Any], now: datetime
) -> R:
    """Add one CUEC or subservice organization in *session*, validated and logged (not committed)."""
    clean = table.clean(values)
    _check_free(session, table, engagement_id, clean[table.key], None)
    record = table.model(engagement_id=engagement_id, created_at=now, updated_at=now, **clean)
    session.add(record)
    session.flush()
    _log(session, table, record, "created", None, clean[table.key], now)
    return table.as_row(record)


def _add(workspace: Workspace, table: _Table[M, R], engagement_id: int, values: dict[str, Any]) -> R:
    with workspace.writing() as session:
        row = insert_record(session, table, engagement_id, values, utcnow())
        session.commit()
        return row


def _update(workspace: Workspace, table: _Table[M, R], record_id: int, changes: dict[str, Any]) -> R:
    clean = table.clean(changes)
    now = utcnow()
    with workspace.writing() as session:
        record = _record(session, table, record_id)
        assert record.engagement_id is not None
        if table.key in clean:
            _check_free(session, table, record.engagement_id, clean[table.key], record_id)
        for name, value in clean.items():
            old = getattr(record, name)
            if old == value:
                continue
            setattr(record, name, value)
            record.updated_at = now
            _log(session, table, record, name, old, value, now)
        session.add(record)
        session.commit()
        return table.as_row(record)


def _delete(workspace: Workspace, table: _Table[M, R], record_ids: Sequence[int]) -> Snapshot:
    now = utcnow()
    with workspace.writing() as session:
        snapshot = take_snapshot(session, table.table, record_ids)
        for record_id in record_ids:
            record = _record(session, table, record_id)
            _log(session, table, record, "deleted", getattr(record, table.key), None, now)
            session.delete(record)
        session.commit()
    return snapshot


def _restore(workspace: Workspace, table: _Table[M, R], snapshot: Snapshot) -> list[R]:
    with workspace.writing() as session:
        ids = restore_snapshot(session, snapshot, at=utcnow())
        rows = [table.as_row(_record(session, table, new_id)) for new_id in ids.values()]
        for row in rows:
            note(session, Kind.SCOPE, row.engagement_id)
        session.commit()
    return rows


def list_cuecs(workspace: Workspace, *, engagement_id: int) -> list[CuecRow]:
    """The engagement's CUECs in ref order."""
    return _list(workspace, CUECS, engagement_id)


def add_cuec(
    workspace: Workspace,
    *,
    engagement_id: int,
    ref: str,
    description: str,
    related_criteria: str = "",
    notes: str = "",
) -> CuecRow:
    """Add a CUEC; a duplicate ref, an empty description or an unknown criterion is refused."""
    values = {"ref": ref, "description": description, "related_criteria": related_criteria, "notes": notes}
    return _add(workspace, CUECS, engagement_id, values)


def update_cuec(workspace: Workspace, cuec_id: int, **changes: Any) -> CuecRow:
    """Change fields of a CUEC, logging each changed field."""
    return _update(workspace, CUECS, cuec_id, changes)


def delete_cuecs(workspace: Workspace, cuec_ids: Sequence[int]) -> Snapshot:
    """Remove CUECs; returns what puts them back."""
    return _delete(workspace, CUECS, cuec_ids)


def restore_cuecs(workspace: Workspace, snapshot: Snapshot) -> list[CuecRow]:
    """Put deleted CUECs back."""
    return _restore(workspace, CUECS, snapshot)


def list_subservice_orgs(workspace: Workspace, *, engagement_id: int) -> list[SubserviceRow]:
    """The engagement's subservice organizations by name."""
    return _list(workspace, SUBSERVICE_ORGS, engagement_id)


def add_subservice_org(
    workspace: Workspace,
    *,
    engagement_id: int,
    name: str,
    services: str = "",
    method: str = SubserviceMethod.CARVE_OUT.value,
    csocs: str = "",
    monitoring: str = "",
    notes: str = "",
) -> SubserviceRow:
    """Add a subservice organization; a duplicate name or a method but carve-out/inclusive is refused."""
    values = {
        "name": name,
        "services": services,
        "method": method,
        "csocs": csocs,
        "monitoring": monitoring,
        "notes": notes,
    }
    return _add(workspace, SUBSERVICE_ORGS, engagement_id, values)


def update_subservice_org(workspace: Workspace, subservice_id: int, **changes: Any) -> SubserviceRow:
    """Change fields of a subservice organization, logging each changed field."""
    return _update(workspace, SUBSERVICE_ORGS, subservice_id, changes)


def delete_subservice_orgs(workspace: Workspace, subservice_ids: Sequence[int]) -> Snapshot:
    """Remove subservice organizations; returns what puts them back."""
    return _delete(workspace, SUBSERVICE_ORGS, subservice_ids)


def restore_subservice_orgs(workspace: Workspace, snapshot: Snapshot) -> list[SubserviceRow]:
    """Put deleted subservice organizations back."""
    return _restore(workspace, SUBSERVICE_ORGS, snapshot)
