"""Opening the workspace database: connection settings, checks, migrations, backups.

Every connection gets WAL journaling, enforced foreign keys and a busy
timeout. Opening a workspace:

1. creates a new database file private (``0600``) before SQLite touches it;
2. opens read-only when the file or its folder cannot be written, so reading
   still works (writes then say the workspace is read-only);
3. runs ``PRAGMA quick_check``: a damaged file is refused with the way out
   (restore a backup), never read, written or exported from;
4. checks that the tables match the recorded schema revision, repairing
   what an interrupted migration of an older version left (empty tables
   created without the version bump) and refusing anything else;
5. migrates an older schema in one transaction, after a complete copy of
   the file (one per revision), and refuses a newer one untouched.
"""

import os
import sqlite3
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.pool import QueuePool

from app.db.errors import describe_database_error, is_damage
from app.db.schema import ALL_TABLES, HEAD_REVISION, KNOWN_REVISIONS, VERSION_TABLE, tables_at
from app.private_files import create_private_file, is_writable_folder

BUSY_TIMEOUT_MS = 5000
RESTORE_ADVICE = "restore a copy from the workspace's backups folder (or from your own backup)"


class DatabaseTooNewError(RuntimeError):
    """The database was written by a newer SOC Workbench than this one."""


class DatabaseUnreadableError(RuntimeError):
    """The file is not a SOC Workbench database, or cannot be opened; one plain line."""


class DatabaseDamagedError(DatabaseUnreadableError):
    """The file is a damaged database (its integrity check failed); one plain line with the way out."""


class DatabaseReadOnlyError(DatabaseUnreadableError):
    """The database must be changed (created or upgraded) but cannot be written."""


@dataclass(frozen=True, slots=True)
class DatabaseState:
    """What a look at the file found, before anything is changed."""

    revision: str | None
    tables: frozenset[str]
    empty_tables: frozenset[str]


def _uri(path: Path, *, read_only: bool, immutable: bool = False) -> str:
    uri = f"file:{quote(str(path))}"
    if read_only:
        uri += "?mode=ro" + ("&immutable=1" if immutable else "")
    return uri


BEGIN_MODE = "workbench_begin"
"""Execution option naming how a transaction begins: ``DEFERRED`` (reads) or ``IMMEDIATE`` (writes)."""


def make_engine(path: Path, *, busy_timeout_ms: int = BUSY_TIMEOUT_MS, read_only: bool = False) -> Engine:
    """An engine on the SQLite file *path* with the workbench's connection settings.

    Every unit of work is one SQLite transaction, begun explicitly: a read
    sees one state of the database from its first query to its end (so an
    export never mixes two states), and a write takes the write lock when it
    begins (:func:`writing_engine`), so a second process doing the same waits
    for the first and then sees its changes, instead of checking stale data.

    A read-only engine opens the file with ``mode=ro`` (and as immutable when
    its folder cannot even hold SQLite's shared-memory file), so that every
    write fails with SQLite's read-only error.
    """
    immutable = read_only and not is_writable_folder(path.parent) and not Path(f"{path}-wal").exists()
    uri = _uri(path, read_only=read_only, immutable=immutable)

    def connect() -> sqlite3.Connection:
        return sqlite3.connect(uri, uri=True, timeout=busy_timeout_ms / 1000, check_same_thread=False)

    engine = create_engine("sqlite://", creator=connect, poolclass=QueuePool)

    def configure(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
            if not read_only:
                cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.execute("PRAGMA synchronous = NORMAL")
        finally:
            cursor.close()
        dbapi_connection.isolation_level = None  # transactions are begun below, not by the driver

    def begin(connection: Any) -> None:
        mode = connection.get_execution_options().get(BEGIN_MODE, "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")

    event.listen(engine, "connect", configure)
    event.listen(engine, "begin", begin)
    if read_only:
        _read_only_engines.add(engine)
    return engine


_read_only_engines: "weakref.WeakSet[Engine]" = weakref.WeakSet()


def is_read_only(engine: Engine) -> bool:
    """Whether *engine* was opened read-only (the workspace cannot be written)."""
    return engine in _read_only_engines


def writing_engine(engine: Engine) -> Engine:
    """*engine* with transactions that take the write lock as they begin (``BEGIN IMMEDIATE``; on a
    team's server, the workspace's transaction lock and ``READ COMMITTED``: see :mod:`app.db.server`)."""
    if engine.dialect.name == "postgresql":
        return engine.execution_options(**{BEGIN_MODE: "IMMEDIATE"}, isolation_level="READ COMMITTED")
    return engine.execution_options(**{BEGIN_MODE: "IMMEDIATE"})


def integrity_problems(engine: Engine) -> list[str]:
    """What ``PRAGMA integrity_check`` finds wrong with the database (empty when it is intact).

    A team's server checks its own pages; there is nothing to ask it here.
    """
    if engine.dialect.name != "sqlite":
        return []
    with engine.connect() as connection:
        rows = [str(row[0]) for row in connection.exec_driver_sql("PRAGMA integrity_check(10)")]
    return [] if rows == ["ok"] else [" ".join(row.split()) for row in rows]


def _message(error: sqlite3.Error, path: Path) -> str:
    described = describe_database_error(error, path.parent)
    if described is not None:
        return described
    if is_damage(error):
        return f"{path} is damaged or not a database ({error}); {RESTORE_ADVICE}"
    return f"cannot open {path}: {error}"


def inspect_database(path: Path, *, read_only: bool, check: bool = True) -> DatabaseState:
    """Read the schema revision and tables of *path* (and run ``PRAGMA quick_check``) without writing."""
    immutable = read_only and not is_writable_folder(path.parent) and not Path(f"{path}-wal").exists()
    try:
        connection = sqlite3.connect(
            _uri(path, read_only=True, immutable=immutable), uri=True, timeout=BUSY_TIMEOUT_MS / 1000
        )
    except sqlite3.Error as error:
        raise DatabaseUnreadableError(_message(error, path)) from error
    try:
        if check:
            problems = [row[0] for row in connection.execute("PRAGMA quick_check(3)")]
            if problems != ["ok"]:
                raise DatabaseDamagedError(
                    f"the workspace database {path} is damaged ({' '.join(problems[0].split())}); "
                    "nothing was read or "
                    f"changed: {RESTORE_ADVICE}"
                )
        tables = frozenset(
            row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
        )
        revision = None
        if VERSION_TABLE in tables:
            row = connection.execute(f"SELECT version_num FROM {VERSION_TABLE}").fetchone()
            revision = row[0] if row else None
        empty = frozenset(
            table
            for table in tables & ALL_TABLES
            if connection.execute(f'SELECT 1 FROM "{table}" LIMIT 1').fetchone() is None
        )
    except sqlite3.Error as error:
        if is_damage(error):
            raise DatabaseDamagedError(_message(error, path)) from error
        raise DatabaseUnreadableError(_message(error, path)) from error
    finally:
        connection.close()
    return DatabaseState(revision, tables - {VERSION_TABLE}, empty)


def stored_revision(path: Path) -> str | None:
    """The schema revision recorded in the file, or ``None`` for a new, empty database."""
    state = inspect_database(path, read_only=True, check=False)
    if state.revision is None and state.tables:
        raise DatabaseUnreadableError(f"{path} is not a SOC Workbench database")
    return state.revision


def tables_to_repair(path: Path, state: DatabaseState) -> frozenset[str]:
    """Tables to drop before migrating, so that the file's tables agree with its recorded revision.

    An older version ran each migration step in its own transaction; one
    killed part-way left tables of the next revision without the version
    bump. Such tables hold nothing (nothing could write to them), so they are
    dropped and the migration runs again. Anything else that disagrees is
    refused.
    """
    if state.revision is None:
        if not state.tables:
            return frozenset()
        if state.tables - ALL_TABLES:
            raise DatabaseUnreadableError(f"{path} is not a SOC Workbench database")
        if state.tables - state.empty_tables - {"criterion"}:  # the catalog is written by the first step
            raise DatabaseDamagedError(
                f"the workspace database {path} holds data but no schema version; {RESTORE_ADVICE}"
            )
        return state.tables  # a first start killed while creating the tables: start again
    expected = tables_at(state.revision)
    missing = expected - state.tables
    extra = (state.tables & ALL_TABLES) - expected
    if missing:
        raise DatabaseDamagedError(
            f"the workspace database {path} lacks the table {sorted(missing)[0]} of its schema "
            f"{state.revision}; {RESTORE_ADVICE}"
        )
    if extra - state.empty_tables:
        raise DatabaseDamagedError(
            f"the workspace database {path} has data in {sorted(extra - state.empty_tables)[0]}, a table its "
            f"schema {state.revision} does not have; {RESTORE_ADVICE}"
        )
    return extra


def open_database(path: Path, on_migrate: Callable[[str | None, Path | None], None] | None = None) -> Engine:
    """Open (creating, checking, repairing or migrating as needed) the workspace database at *path*.

    Raises :class:`DatabaseTooNewError` without touching the file when its
    schema is newer than this version knows, :class:`DatabaseDamagedError`
    when it fails its integrity check or its tables disagree with its
    schema revision beyond repair, :class:`DatabaseReadOnlyError` when it
    must be created or migrated but cannot be written, and
    :class:`DatabaseUnreadableError` for anything else that cannot be opened.
    """
    if path.exists() and path.stat().st_size > 0:
        read_only = not (os.access(path, os.R_OK | os.W_OK) and is_writable_folder(path.parent))
        state = inspect_database(path, read_only=read_only)
    else:
        if not is_writable_folder(path.parent):
            raise DatabaseReadOnlyError(
                f"cannot create the workspace database in {path.parent}: it is read-only"
            )
        create_private_file(path)
        read_only = False
        state = DatabaseState(None, frozenset(), frozenset())
    revision = state.revision
    if revision is not None and revision not in KNOWN_REVISIONS:
        raise DatabaseTooNewError(
            f"{path} was written by a newer version of SOC Workbench (schema {revision}); "
            "update SOC Workbench to open it. The file was left untouched."
        )
    repair = tables_to_repair(path, state)
    if revision != HEAD_REVISION or repair:
        if read_only:
            raise DatabaseReadOnlyError(
                f"the workspace {path.parent} is read-only and was made by an older SOC Workbench; "
                "it can be opened once it can be written (it must be upgraded first)"
            )
        from app.db.backups import BackupError, backup_before_migration
        from app.db.migrate import upgrade_to_head

        try:
            backup = backup_before_migration(path, revision) if revision is not None else None
        except BackupError as error:
            raise DatabaseUnreadableError(
                f"{error}; the workspace was not upgraded and is unchanged"
            ) from error
        try:
            upgrade_to_head(path, drop_tables=sorted(repair))
        except sqlite3.Error as error:
            raise DatabaseUnreadableError(_message(error, path)) from error
        except Exception as error:
            original = getattr(error, "orig", None)
            if isinstance(original, sqlite3.Error):
                raise DatabaseUnreadableError(_message(original, path)) from error
            raise
        if on_migrate is not None:
            on_migrate(revision, backup)
    return make_engine(path, read_only=read_only)
