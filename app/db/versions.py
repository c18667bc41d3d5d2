"""Record versions, so that two people editing the same record never lose an update.

A table opts in by having a ``version`` column made by :func:`app.db.models._version`.
Every flush that changes such a record raises its version by one, and the
change-log rows written about the record carry the version it reached. A
service given the version its caller read compares it with the stored one
inside its writing transaction (writers queue, so nothing changes between the
comparison and the write); when they differ, :func:`changes_after` tells what
the other person changed, and the service refuses the save.
"""

from typing import Any

from sqlalchemy import event
from sqlmodel import Session, col, select

from app.db.changelog import change_row
from app.db.models import RECORD_VERSION, ChangeLog
from app.db.snapshots import ENTITY_NAMES
from app.domain.history import ChangeRow

VERSION_COLUMN = "version"


def is_versioned(record: object) -> bool:
    """Whether *record*'s table carries a version."""
    table = getattr(type(record), "__table__", None)
    if table is None or VERSION_COLUMN not in table.c:
        return False
    return bool(table.c[VERSION_COLUMN].info.get(RECORD_VERSION))


def entity_of(record: object) -> str:
    """The change log's name for *record*'s kind."""
    name = str(type(record).__table__.name)  # type: ignore[attr-defined]
    return ENTITY_NAMES.get(name, name)


def _raise_versions(session: Session, _context: Any, _instances: Any) -> None:
    """Before a flush: one more version for every changed versioned record; change-log rows get it."""
    for record in session.dirty:
        if is_versioned(record) and session.is_modified(record, include_collections=False):
            record.version = (record.version or 0) + 1
    pending = [
        entry for entry in session.new if isinstance(entry, ChangeLog) and entry.record_version is None
    ]
    if not pending:
        return
    versions: dict[tuple[str, Any], int] = {
        (entity_of(record), getattr(record, "id", None)): getattr(record, VERSION_COLUMN)
        for record in session.identity_map.values()
        if is_versioned(record)
    }
    for entry in pending:
        entry.record_version = versions.get((entry.entity, entry.entity_id))


def track_versions(session_class: type[Session]) -> None:
    """Keep versions in every session of *session_class*."""
    event.listen(session_class, "before_flush", _raise_versions)


def changes_after(session: Session, entity: str, record_id: int, version: int) -> list[ChangeRow]:
    """What was changed in the record since it had *version*, oldest first."""
    statement = (
        select(ChangeLog)
        .where(
            ChangeLog.entity == entity,
            ChangeLog.entity_id == record_id,
            col(ChangeLog.record_version) > version,
        )
        .order_by(col(ChangeLog.id))
    )
    return [change_row(entry) for entry in session.exec(statement).all()]
