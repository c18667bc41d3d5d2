"""The session every unit of work runs in: one transaction, and the change notice it gives on commit.

A service that writes notes what it changed with :func:`note`; the notice
reaches the session's ``announce`` callback only after the transaction
committed, so nothing is announced that a rollback took back. The session
also names who makes its changes (written into the change log), keeps record
versions (:mod:`app.db.versions`), and tells ``announce`` the ids of the
change-log rows it wrote, so that a window polling the log for other
people's changes can skip its own.
"""

from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine, event
from sqlmodel import Session

from app.db.changelog import CHANGED_BY, WRITTEN_CHANGE_IDS
from app.db.models import ChangeLog
from app.db.versions import track_versions
from app.domain.changes import NOTHING, Changes, Kind

Announce = Callable[[Changes], None]
OwnChanges = Callable[[frozenset[int]], None]
_PENDING = "pending_changes"


class WorkbenchSession(Session):
    """A session whose commit announces the changes noted in it."""

    def __init__(
        self,
        bind: Engine,
        announce: Announce | None = None,
        *,
        changed_by: str = "",
        own_changes: OwnChanges | None = None,
    ) -> None:
        super().__init__(bind, expire_on_commit=False)
        self._announce = announce
        self._own_changes = own_changes
        self.info[CHANGED_BY] = changed_by

    def commit(self) -> None:
        super().commit()
        written: frozenset[int] = frozenset(self.info.pop(WRITTEN_CHANGE_IDS, ()))
        if written and self._own_changes is not None:
            self._own_changes(written)
        pending: Changes = self.info.pop(_PENDING, NOTHING)
        if pending and self._announce is not None:
            self._announce(pending)

    def rollback(self) -> None:
        super().rollback()
        self.info.pop(_PENDING, None)
        self.info.pop(WRITTEN_CHANGE_IDS, None)


def _remember_written(session: Session, _context: Any) -> None:
    """After a flush: the ids of the change-log rows it inserted."""
    ids = {entry.id for entry in session.new if isinstance(entry, ChangeLog) and entry.id is not None}
    if ids:
        session.info.setdefault(WRITTEN_CHANGE_IDS, set()).update(ids)


track_versions(WorkbenchSession)
event.listen(WorkbenchSession, "after_flush", _remember_written)


def note(session: Session, kind: Kind, *ids: int | None) -> None:
    """Record in *session* that records of *kind* (with these ids) change when it commits."""
    session.info[_PENDING] = session.info.get(_PENDING, NOTHING) | Changes.of(kind, ids)
