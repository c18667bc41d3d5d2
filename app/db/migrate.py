"""Runs the Alembic migrations shipped in ``app/db/migrations``, all or nothing.

SQLite runs DDL inside transactions, but Python's sqlite3 module commits
before each DDL statement unless it is told to leave transactions alone. The
migration connection therefore begins its own ``BEGIN IMMEDIATE`` and runs
every step, the version bump and a foreign-key check in that one
transaction: a crash or an error at any point leaves the database exactly as
it was. Foreign keys are off during the migration (Alembic's batch mode
rebuilds tables, and dropping a table with foreign keys on would cascade into
its children); ``PRAGMA foreign_keys`` cannot change inside a transaction, so
it is set before ``BEGIN``, and ``PRAGMA foreign_key_check`` runs before the
commit instead. A team's PostgreSQL database runs the same migrations, also in
one transaction (batch mode changes nothing there).
"""

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event, func, select
from sqlalchemy.pool import NullPool

from app.db.engine import BUSY_TIMEOUT_MS, DatabaseDamagedError

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def upgrade_to_head(path: Path, *, drop_tables: Iterable[str] = ()) -> None:
    """Apply every migration the database at *path* lacks, in one transaction.

    *drop_tables* are dropped first in the same transaction: empty tables an
    interrupted migration of an older version created without recording it.
    """
    engine = create_engine(f"sqlite:///{path}", poolclass=NullPool)

    def configure(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # transactions are begun below, DDL included
        dbapi_connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        dbapi_connection.execute("PRAGMA journal_mode = WAL")
        dbapi_connection.execute("PRAGMA foreign_keys = OFF")

    def begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    event.listen(engine, "connect", configure)
    event.listen(engine, "begin", begin)
    config = alembic_config()
    try:
        with engine.begin() as connection:
            for table in drop_tables:
                connection.exec_driver_sql(f'DROP TABLE "{table}"')
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise DatabaseDamagedError(
                    f"{path} has {len(broken)} rows pointing at records that do not exist "
                    f"(first in table {broken[0][0]}); it was left as it was"
                )
    finally:
        engine.dispose()


def upgrade_server_to_head(engine: Engine) -> None:
    """Apply every migration the team database lacks, in one transaction (DDL is transactional there).

    A migration lock makes a second client that starts meanwhile wait, then
    find the database already current.
    """
    from app.db.server import MIGRATION_LOCK

    config = alembic_config()
    with engine.execution_options(isolation_level="READ COMMITTED").begin() as connection:
        connection.execute(select(func.pg_advisory_xact_lock(MIGRATION_LOCK)))
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def script_revisions() -> list[str]:
    """Revision ids of the shipped migrations, oldest first."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]
