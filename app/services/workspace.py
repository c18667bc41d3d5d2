"""The workspace: a data folder holding ``workbench.db`` and the ``evidence/`` store."""

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from app.db.engine import DatabaseTooNewError, DatabaseUnreadableError, open_database, writing_engine
from app.db.errors import describe_database_error
from app.db.session import Announce, WorkbenchSession
from app.domain.changes import Changes
from app.locations import DATABASE_NAME, EVIDENCE_DIR_NAME, LOG_NAME, resolve_data_dir
from app.services.errors import WorkbenchError
from app.workspace_folder import prepare_workspace_folder

log = logging.getLogger(__name__)
logging.getLogger("app").addHandler(
    logging.NullHandler()
)  # a read-only workspace has no log file: stay quiet


@dataclass(frozen=True)
class Workspace:
    """An open workspace; hand it to service functions.

    Whoever wants to hear of changes (the window) adds a callback to
    ``listeners``; every committed unit of work that noted changes calls
    them, in the thread that committed.
    """

    data_dir: Path
    engine: Engine
    listeners: list[Announce] = field(default_factory=list, compare=False)
    read_only: bool = False
    """Opened beside a window that has the workspace: every write is refused (see :meth:`writing`)."""

    @property
    def database_path(self) -> Path:
        return self.data_dir / DATABASE_NAME

    @property
    def evidence_dir(self) -> Path:
        return self.data_dir / EVIDENCE_DIR_NAME

    @property
    def log_path(self) -> Path:
        return self.data_dir / LOG_NAME

    @contextmanager
    def session(self) -> Iterator[WorkbenchSession]:
        """One short session for one unit of work that reads: everything it reads is one state.

        Database trouble becomes a plain message.
        """
        with (
            translate_database_errors(self.data_dir),
            WorkbenchSession(self.engine, self.announce) as session,
        ):
            yield session

    @contextmanager
    def writing(self) -> Iterator[WorkbenchSession]:
        """One short session for one unit of work that writes; it holds the write lock from the start.

        Refused with a plain message when the workspace was opened read-only.
        """
        if self.read_only:
            raise WorkbenchError(
                "Another SOC Workbench window has this workspace open, so this window is read-only: "
                "nothing was changed. Make the change in the other window, or close it and reopen this one."
            )
        with (
            translate_database_errors(self.data_dir),
            WorkbenchSession(self._writer, self.announce) as session,
        ):
            yield session

    @cached_property
    def _writer(self) -> Engine:
        return writing_engine(self.engine)

    def announce(self, changes: Changes) -> None:
        """Tell every listener of *changes* (done by each commit that noted some)."""
        for listener in list(self.listeners):
            listener(changes)

    def close(self) -> None:
        self.engine.dispose()


@contextmanager
def translate_database_errors(folder: Path | None = None) -> Iterator[None]:
    """Turn SQLite's locked, full and read-only errors into a :class:`WorkbenchError`."""
    try:
        yield
    except (OperationalError, sqlite3.OperationalError) as error:
        message = describe_database_error(error, folder)
        if message is None:
            raise
        log.warning("database error: %s", error)
        raise WorkbenchError(message) from error


def open_workspace(data_dir: str | Path | None = None, *, read_only: bool = False) -> Workspace:
    """Open the workspace (creating it on first use) at *data_dir* or the configured location.

    A *read_only* workspace refuses every write (another window has it open).
    """
    path = resolve_data_dir(data_dir)
    try:
        writable = prepare_workspace_folder(path)
    except OSError as error:
        raise WorkbenchError(f"Cannot create the workspace folder {path}: {error.strerror}") from error
    if writable:
        _log_to(path / LOG_NAME)

    def migrated(revision: str | None, backup: Path | None) -> None:
        if backup is not None:
            log.info("migrated %s from schema %s; copy kept at %s", path, revision, backup)

    try:
        with translate_database_errors(path):
            engine = open_database(path / DATABASE_NAME, on_migrate=migrated)
    except (DatabaseTooNewError, DatabaseUnreadableError) as error:
        raise WorkbenchError(str(error)) from error
    return Workspace(path, engine, read_only=read_only)


_log_handler: logging.FileHandler | None = None


def _log_to(path: Path) -> None:
    """Send the workbench's log to the open workspace's log file (one at a time)."""
    global _log_handler
    if _log_handler is not None and _log_handler.baseFilename == str(path):
        return
    root = logging.getLogger("app")
    if _log_handler is not None:
        root.removeHandler(_log_handler)
        _log_handler.close()
    _log_handler = logging.FileHandler(path, encoding="utf-8", delay=True)
    _log_handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(_log_handler)
    root.setLevel(logging.INFO)
