"""The session every unit of work runs in: one transaction, and the change notice it gives on commit.

A service that writes notes what it changed with :func:`note`; the notice
reaches the session's ``announce`` callback only after the transaction
committed, so nothing is announced that a rollback took back.
"""

from collections.abc import Callable

from sqlalchemy import Engine
from sqlmodel import Session

from app.domain.changes import NOTHING, Changes, Kind

Announce = Callable[[Changes], None]
_PENDING = "pending_changes"


class WorkbenchSession(Session):
    """A session whose commit announces the changes noted in it."""

    def __init__(self, bind: Engine, announce: Announce | None = None) -> None:
        super().__init__(bind, expire_on_commit=False)
        self._announce = announce

    def commit(self) -> None:
        super().commit()
        pending: Changes = self.info.pop(_PENDING, NOTHING)
        if pending and self._announce is not None:
            self._announce(pending)

    def rollback(self) -> None:
        super().rollback()
        self.info.pop(_PENDING, None)


def note(session: Session, kind: Kind, *ids: int | None) -> None:
    """Record in *session* that records of *kind* (with these ids) change when it commits."""
    session.info[_PENDING] = session.info.get(_PENDING, NOTHING) | Changes.of(kind, ids)
