"""The workspace: a data folder holding ``workbench.db`` and the ``evidence/`` store, or a team
workspace on a PostgreSQL server (data and evidence on the server, a local folder for the log,
the window's state and scratch work)."""

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError, OperationalError

from app.db.engine import DatabaseTooNewError, DatabaseUnreadableError, open_database, writing_engine
from app.db.errors import describe_database_error
from app.db.server import (
    ServerError,
    check_server,
    describe_server_error,
    is_server_error,
    open_server_database,
    server_url,
    shown_url,
)
from app.db.session import Announce, WorkbenchSession
from app.domain.changes import Changes
from app.domain.files import safe_name
from app.locations import (
    DATABASE_NAME,
    EVIDENCE_DIR_NAME,
    LOG_NAME,
    resolve_data_dir,
    resolve_database_url,
    resolve_user,
    team_folder,
)
from app.services.errors import WorkbenchError
from app.workspace_folder import prepare_workspace_folder

log = logging.getLogger(__name__)
logging.getLogger("app").addHandler(
    logging.NullHandler()
)  # a read-only workspace has no log file: stay quiet


@dataclass
class Author:
    """Who makes the workspace's changes (recorded with each in the change log); the window may rename."""

    name: str


@dataclass(frozen=True)
class Workspace:
    """An open workspace; hand it to service functions.

    Whoever wants to hear of changes (the window) adds a callback to
    ``listeners``; every committed unit of work that noted changes calls
    them, in the thread that committed. ``server`` is the team server's URL
    (without its password) for a team workspace, ``None`` for a local one.
    ``own_change_ids`` are the change-log rows this workspace wrote, which a
    poll for other people's changes skips.
    """

    data_dir: Path
    engine: Engine
    listeners: list[Announce] = field(default_factory=list, compare=False)
    read_only: bool = False
    """Opened beside a window that has the workspace: every write is refused (see :meth:`writing`)."""
    server: str | None = None
    author: Author = field(default_factory=lambda: Author(resolve_user()), compare=False)
    own_change_ids: set[int] = field(default_factory=set, compare=False)

    @property
    def is_team(self) -> bool:
        """Whether the workspace lives on a team server."""
        return self.server is not None

    @property
    def location(self) -> str:
        """Where the data lives, for the user: the folder, or the server's URL."""
        return self.server or str(self.data_dir)

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
        with translate_database_errors(self.data_dir), self._session(self.engine) as session:
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
        with translate_database_errors(self.data_dir), self._session(self._writer) as session:
            yield session

    def _session(self, engine: Engine) -> WorkbenchSession:
        return WorkbenchSession(
            engine, self.announce, changed_by=self.author.name, own_changes=self.own_change_ids.update
        )

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
    """Turn SQLite's locked, full and read-only errors, and a team server's refusals or absence,
    into a :class:`WorkbenchError`."""
    try:
        yield
    except (DBAPIError, sqlite3.OperationalError) as error:
        message = _describe(error, folder)
        if message is None:
            raise
        log.warning("database error: %s", error)
        raise WorkbenchError(message) from error


def _describe(error: Exception, folder: Path | None) -> str | None:
    """The plain message for a database error, or ``None`` when the service should see it as it is
    (a team server's constraint violation: a duplicate or a missing parent)."""
    if is_server_error(error):
        state = str(getattr(getattr(error, "orig", error), "sqlstate", "") or "")
        return None if state.startswith("23") else describe_server_error(error)
    if isinstance(error, OperationalError | sqlite3.OperationalError):
        return describe_database_error(error, folder)
    return None


def open_workspace(
    data_dir: str | Path | None = None,
    *,
    database_url: str | None = None,
    user: str | None = None,
    read_only: bool = False,
) -> Workspace:
    """Open the workspace (creating it on first use) at *data_dir* or the configured location.

    A *read_only* workspace refuses every write (another window has this folder open).

    With *database_url* (or ``SOC_WORKBENCH_DATABASE_URL``), the team workspace on that PostgreSQL
    server instead; its local folder is under *data_dir*'s ``team/``. *user* names who makes the
    changes (default: ``SOC_WORKBENCH_USER``, else the system's user name).
    """
    url = resolve_database_url(database_url)
    if url is not None:
        return _open_team_workspace(resolve_data_dir(data_dir), url, resolve_user(user))
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
    return Workspace(path, engine, read_only=read_only, author=Author(resolve_user(user)))


def _open_team_workspace(data_dir: Path, url: str, user: str) -> Workspace:
    try:
        shown = shown_url(url)
        engine = open_server_database(url)
    except ServerError as error:
        raise WorkbenchError(str(error)) from error
    parsed = engine.url
    folder = team_folder(
        data_dir, safe_name(f"{parsed.host or 'local'}-{parsed.port or 5432}-{parsed.database}")
    )
    try:
        if prepare_workspace_folder(folder, evidence=False):
            _log_to(folder / LOG_NAME)
    except OSError as error:
        engine.dispose()
        raise WorkbenchError(f"Cannot create the folder {folder}: {error.strerror}") from error
    return Workspace(folder, engine, server=shown, author=Author(user))


def check_team_server(url: str) -> str:
    """Connect to the team server at *url* once and say what its database holds, changing nothing.

    Raises :class:`WorkbenchError` with the reason when it cannot be used.
    """
    try:
        return check_server(url)
    except ServerError as error:
        raise WorkbenchError(str(error)) from error


def team_url(url: str, password: str = "") -> str:
    """*url* with *password* in it when one is given (a password typed in the window, never kept)."""
    try:
        parsed = server_url(url)
    except ServerError as error:
        raise WorkbenchError(str(error)) from error
    if password:
        parsed = parsed.set(password=password)
    return parsed.render_as_string(hide_password=False)


def shown_team_url(url: str) -> str:
    """*url* as shown and remembered: without its password."""
    try:
        return shown_url(url)
    except ServerError as error:
        raise WorkbenchError(str(error)) from error


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
