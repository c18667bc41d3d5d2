"""Opening the workspace database: connection settings, migrations, backups.

Every connection gets WAL journaling, enforced foreign keys and a busy
timeout. Opening migrates an older schema after copying the file aside, and
refuses a database written by a newer version of the workbench.
"""

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event

from app.db.schema import HEAD_REVISION, KNOWN_REVISIONS

BUSY_TIMEOUT_MS = 5000


class DatabaseTooNewError(RuntimeError):
    """The database was written by a newer SOC Workbench than this one."""


class DatabaseUnreadableError(RuntimeError):
    """The file is not a SOC Workbench database (or is damaged)."""


BEGIN_MODE = "workbench_begin"
"""Execution option naming how a transaction begins: ``DEFERRED`` (reads) or ``IMMEDIATE`` (writes)."""


def make_engine(path: Path, *, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> Engine:
    """An engine on the SQLite file *path* with the workbench's connection settings.

    Every unit of work is one SQLite transaction, begun explicitly: a read
    sees one state of the database from its first query to its end (so an
    export never mixes two states), and a write takes the write lock when it
    begins (``writing_engine``), so two writers queue instead of failing
    half-way.
    """
    engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": busy_timeout_ms / 1000})

    def configure(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
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
    return engine


def writing_engine(engine: Engine) -> Engine:
    """*engine* with transactions that take the write lock as they begin."""
    return engine.execution_options(**{BEGIN_MODE: "IMMEDIATE"})


def stored_revision(path: Path) -> str | None:
    """The schema revision recorded in the file, or ``None`` for a new, empty database."""
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.OperationalError as error:
        raise DatabaseUnreadableError(f"cannot open {path}: {error}") from error
    try:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
        if "alembic_version" not in tables:
            if tables:
                raise DatabaseUnreadableError(f"{path} is not a SOC Workbench database")
            return None
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        return row[0] if row else None
    except sqlite3.DatabaseError as error:
        raise DatabaseUnreadableError(f"{path} is not a readable database: {error}") from error
    finally:
        connection.close()


def backup_database(path: Path, revision: str) -> Path:
    """Copy the database (with its WAL contents) aside before a migration; returns the copy."""
    stamp = 1
    while True:
        target = path.with_name(f"{path.stem}.before-{revision}.{stamp}{path.suffix}")
        if not target.exists():
            break
        stamp += 1
    source = sqlite3.connect(path)
    try:
        destination = sqlite3.connect(target)
        try:
            source.backup(destination)
        finally:
            destination.close()
    finally:
        source.close()
    return target


def open_database(path: Path, on_migrate: Callable[[str | None, Path | None], None] | None = None) -> Engine:
    """Open (creating or migrating as needed) the workspace database at *path*.

    Raises :class:`DatabaseTooNewError` without touching the file when its
    schema is newer than this version knows.
    """
    revision = stored_revision(path) if path.exists() else None
    if revision is not None and revision not in KNOWN_REVISIONS:
        raise DatabaseTooNewError(
            f"{path} was written by a newer version of SOC Workbench (schema {revision}); "
            "update SOC Workbench to open it. The file was left untouched."
        )
    engine = make_engine(path)
    if revision != HEAD_REVISION:
        backup = backup_database(path, revision) if revision is not None else None
        from app.db.migrate import upgrade_to_head

        upgrade_to_head(engine)
        if on_migrate is not None:
            on_migrate(revision, backup)
    return engine
