"""Writing and reading the append-only change log."""

import json
from collections.abc import Collection, Sequence
from datetime import date, datetime
from enum import Enum
from typing import Any

from sqlalchemy import ColumnElement, and_, func, insert, or_
from sqlmodel import Session, col, select

from app.db.models import ChangeLog, utcnow
from app.domain.history import ChangeRow

CHANGED_BY = "changed_by"
"""The session ``info`` key naming who makes the session's changes."""
WRITTEN_CHANGE_IDS = "written_change_ids"
"""The session ``info`` key collecting the ids of the change-log rows it wrote (see :mod:`app.db.session`)."""


def as_text(value: Any) -> str | None:
    """How a value is written into the change log."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return str(value)


def record_change(
    session: Session,
    *,
    engagement_id: int | None,
    entity: str,
    entity_id: int | None,
    entity_ref: str,
    field: str,
    old: Any = None,
    new: Any = None,
    at: datetime | None = None,
) -> None:
    """Add one change-log row to *session* (committed with the change it describes), with the name of
    who makes it (the session's ``changed_by``, see :class:`app.db.session.WorkbenchSession`)."""
    session.add(
        ChangeLog(
            changed_by=str(session.info.get(CHANGED_BY, "")),
            at=at or utcnow(),
            engagement_id=engagement_id,
            entity=entity,
            entity_id=entity_id,
            entity_ref=entity_ref,
            field=field,
            old_value=as_text(old),
            new_value=as_text(new),
        )
    )


def record_changes(session: Session, entries: Sequence[dict[str, Any]], *, at: datetime) -> None:
    """Add many change-log rows at once (keys as :func:`record_change` takes them, ``old``/``new`` and
    ``record_version`` optional); rows already added to *session* are written first, so the order
    stays, and the new rows' ids join the session's own changes as a flush's would."""
    if not entries:
        return
    inserted = session.execute(
        insert(ChangeLog).returning(col(ChangeLog.id)),
        [
            {
                "changed_by": str(session.info.get(CHANGED_BY, "")),
                "at": at,
                "engagement_id": entry["engagement_id"],
                "entity": entry["entity"],
                "entity_id": entry["entity_id"],
                "entity_ref": entry["entity_ref"],
                "field": entry["field"],
                "old_value": as_text(entry.get("old")),
                "new_value": as_text(entry.get("new")),
                "record_version": entry.get("record_version"),
            }
            for entry in entries
        ],
    )
    session.info.setdefault(WRITTEN_CHANGE_IDS, set()).update(inserted.scalars())


def change_row(entry: ChangeLog) -> ChangeRow:
    """The read model of a change-log row."""
    return ChangeRow(
        id=entry.id or 0,
        at=entry.at,
        engagement_id=entry.engagement_id,
        entity=entry.entity,
        entity_id=entry.entity_id,
        entity_ref=entry.entity_ref,
        field=entry.field,
        old_value=entry.old_value,
        new_value=entry.new_value,
        changed_by=entry.changed_by,
    )


def change_rows(
    session: Session,
    *,
    engagement_id: int,
    entities: Collection[str] | None = None,
    entity_id: int | None = None,
    linked_ref: str | None = None,
) -> list[ChangeRow]:
    """The engagement's changes, oldest first; with *entities*, those of records of these kinds only
    (and with *entity_id*, of that one record).

    *linked_ref* adds the evidence links made to and taken from the control with that ref (the
    evidence's entries, whose value is the control's ref).
    """
    statement = select(ChangeLog).where(col(ChangeLog.engagement_id) == engagement_id)
    if entities is not None:
        record: ColumnElement[bool] = col(ChangeLog.entity).in_(list(entities))
        if entity_id is not None:
            record = and_(record, col(ChangeLog.entity_id) == entity_id)
        if linked_ref is not None:
            links = and_(
                col(ChangeLog.entity) == "evidence",
                col(ChangeLog.field).in_(("linked", "unlinked")),
                or_(col(ChangeLog.new_value) == linked_ref, col(ChangeLog.old_value) == linked_ref),
            )
            record = or_(record, links)
        statement = statement.where(record)
    statement = statement.order_by(col(ChangeLog.id))
    return [change_row(entry) for entry in session.exec(statement).all()]


def changes_after_id(session: Session, change_id: int, *, limit: int) -> list[ChangeRow]:
    """Change-log rows newer than *change_id* (at most *limit*), oldest first."""
    statement = (
        select(ChangeLog).where(col(ChangeLog.id) > change_id).order_by(col(ChangeLog.id)).limit(limit)
    )
    return [change_row(entry) for entry in session.exec(statement).all()]


def last_change_id(session: Session) -> int:
    """The id of the newest change-log row (0 when there is none)."""
    return int(session.exec(select(func.max(ChangeLog.id))).one() or 0)


def last_change_at(session: Session, *, engagement_id: int) -> datetime | None:
    """When the engagement's data last changed."""
    return session.exec(select(func.max(ChangeLog.at)).where(ChangeLog.engagement_id == engagement_id)).one()
