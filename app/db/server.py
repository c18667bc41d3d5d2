"""A team workspace's database on a PostgreSQL server: connecting, checking, migrating.

The server is the one the user names (``--database-url``, the environment, or
the window's "Connect to a team server"); nothing else is ever contacted.
The same Alembic migrations create and upgrade it as a local file.

Transactions keep the local workspace's two rules:

- a read (``workspace.session()``) is one ``REPEATABLE READ`` transaction: it
  sees one snapshot of the database from its first query to its end;
- a write (``workspace.writing()``) takes a workspace-wide transaction lock
  (``pg_advisory_xact_lock``) as it begins and runs at ``READ COMMITTED``, so
  writers queue exactly as on SQLite's ``BEGIN IMMEDIATE``: each sees what the
  one before it committed, and no update is lost.

Backups, the integrity check and read-only files are the local file's
business; a team's server is backed up by its administrator (``pg_dump``).
"""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, column, create_engine, event, func, inspect, select, table
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError

from app.db.schema import HEAD_REVISION, KNOWN_REVISIONS, VERSION_TABLE

DRIVER = "postgresql+psycopg"
CONNECT_TIMEOUT_SECONDS = 10
WRITE_LOCK = 0x50C_0001
"""The advisory lock every writing transaction takes (one workspace per database)."""
MIGRATION_LOCK = 0x50C_0002
"""The advisory lock a migration holds, so that two first starts do not both create the tables."""
TEAM_EXTRA = "pip install 'soc-workbench[team]'"


class ServerError(RuntimeError):
    """The server cannot be used as a team workspace; ``str(error)`` says why in one line."""


class ServerTooNewError(ServerError):
    """The server's database was written by a newer SOC Workbench."""


def server_url(text_url: str) -> URL:
    """The URL with the psycopg driver (``postgresql://`` is accepted); anything else is refused."""
    try:
        url = make_url(text_url.strip())
    except ArgumentError:
        raise ServerError(
            f"{text_url!r} is not a database URL; write it as postgresql://user@host:5432/database"
        ) from None
    if url.get_backend_name() != "postgresql":
        raise ServerError(
            f"a team workspace lives on a PostgreSQL server (postgresql://...), not {url.get_backend_name()}"
        )
    if not url.database:
        raise ServerError("the URL names no database: postgresql://user@host:5432/DATABASE")
    return url.set(drivername=DRIVER)


def shown_url(text_url: str) -> str:
    """The URL as shown to the user and kept in settings: the password left out."""
    url = server_url(text_url)
    return url._replace(drivername="postgresql", password=None).render_as_string(hide_password=False)


def make_server_engine(text_url: str) -> Engine:
    """An engine on the team database, with the transactions described above."""
    url = server_url(text_url)
    try:
        engine = create_engine(
            url,
            isolation_level="REPEATABLE READ",
            pool_pre_ping=True,
            connect_args={
                "connect_timeout": CONNECT_TIMEOUT_SECONDS,
                "options": "-c timezone=UTC",
                "application_name": "SOC Workbench",
            },
        )
    except (ImportError, NoSuchModuleError) as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise ServerError(f"team mode needs the PostgreSQL driver ({reason}): {TEAM_EXTRA}") from None

    def begin(connection: Any) -> None:
        from app.db.engine import BEGIN_MODE

        if connection.get_execution_options().get(BEGIN_MODE) == "IMMEDIATE":
            connection.execute(select(func.pg_advisory_xact_lock(WRITE_LOCK)))

    event.listen(engine, "begin", begin)
    return engine


def describe_server_error(error: BaseException, text_url: str | None = None) -> str:
    """One plain line for an error the server gave (or for not reaching it)."""
    original = getattr(error, "orig", error)
    state = getattr(original, "sqlstate", None) or ""
    first_line = str(original).strip().splitlines()[0] if str(original).strip() else type(original).__name__
    where = f" {shown_url(text_url)}" if text_url else ""
    if state.startswith("28"):
        return (
            f"the team server{where} refused the login ({first_line}); check the user name and password "
            "(keep the password in your pgpass file or PGPASSWORD)"
        )
    if state == "3D000":
        return (
            f"the team server{where} has no such database ({first_line}); ask its administrator to create it"
        )
    if state == "42501":
        return (
            f"your database role may not do this on the team server ({first_line}); "
            "ask its administrator for the rights the README lists"
        )
    if state in ("40001", "40P01", "55P03"):
        return "the team server was busy with another change. Nothing was changed; try again in a moment."
    if state == "53100":
        return "the team server's disk is full. Nothing was changed; ask its administrator to free space."
    if state == "25006":
        return "the team server accepts no changes (it is read-only). Nothing was changed."
    if not state or state.startswith(("08", "57")):
        return f"cannot reach the team server{where}: {first_line}"
    return f"the team server{where} refused the request: {first_line}"


def is_server_error(error: BaseException) -> bool:
    """Whether *error* comes from the PostgreSQL driver."""
    original = getattr(error, "orig", error)
    return type(original).__module__.split(".")[0] == "psycopg"


@dataclass(frozen=True, slots=True)
class ServerState:
    revision: str | None
    tables: frozenset[str]


def inspect_server(engine: Engine) -> ServerState:
    """The schema revision and the tables of the team database, read without changing anything."""
    with engine.connect() as connection:
        tables = frozenset(inspect(connection).get_table_names())
        revision = None
        if VERSION_TABLE in tables:
            version = table(VERSION_TABLE, column("version_num"))
            revision = connection.execute(select(version.c.version_num)).scalar()
    return ServerState(revision, tables - {VERSION_TABLE})


def open_server_database(text_url: str) -> Engine:
    """Connect to the team database, creating or upgrading its tables as needed.

    Raises :class:`ServerError` (one plain line) when the server cannot be
    reached or used, :class:`ServerTooNewError` when a newer SOC Workbench
    wrote it; a database holding other tables than ours is refused untouched.
    """
    engine = make_server_engine(text_url)
    try:
        state = inspect_server(engine)
        if state.revision is not None and state.revision not in KNOWN_REVISIONS:
            raise ServerTooNewError(
                "the team database was written by a newer version of SOC Workbench "
                f"(schema {state.revision}); update SOC Workbench to open it. It was left untouched."
            )
        if state.revision is None and state.tables:
            raise ServerError(
                f"the database {shown_url(text_url)} holds other tables ({sorted(state.tables)[0]}, ...); "
                "a team workspace needs a database of its own"
            )
        if state.revision != HEAD_REVISION:
            from app.db.migrate import upgrade_server_to_head

            upgrade_server_to_head(engine)
    except DBAPIError as error:
        engine.dispose()
        raise ServerError(describe_server_error(error, text_url)) from error
    except BaseException:
        engine.dispose()
        raise
    return engine


def check_server(text_url: str) -> str:
    """Connect once and say what the database holds, changing nothing (the window's Test button)."""
    engine = make_server_engine(text_url)
    try:
        state = inspect_server(engine)
    except DBAPIError as error:
        raise ServerError(describe_server_error(error, text_url)) from error
    finally:
        engine.dispose()
    if state.revision is None:
        if state.tables:
            raise ServerError(f"the database {shown_url(text_url)} holds other tables; it cannot be used")
        return "connected: an empty database, ready to become the team workspace"
    if state.revision not in KNOWN_REVISIONS:
        raise ServerTooNewError(f"the team database needs a newer SOC Workbench (schema {state.revision})")
    return "connected: a SOC Workbench team workspace"
