"""A PostgreSQL server for the tests: a database of its own per test, copied from a migrated template.

``SOC_WORKBENCH_TEST_DATABASE_URL`` names a server and a database the tests
may connect to as a role that can create databases (``.ci/run`` starts a
throwaway one). Each test gets ``CREATE DATABASE ... TEMPLATE`` of a database
migrated once per run, which takes a few tens of milliseconds; it is dropped
when the test ends. Without the variable, or without a server answering, the
PostgreSQL runs are skipped, unless ``SOC_WORKBENCH_REQUIRE_PG=1`` makes that
a failure.
"""

import itertools
import os

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

TEST_DATABASE_URL_ENV = "SOC_WORKBENCH_TEST_DATABASE_URL"
REQUIRE_ENV = "SOC_WORKBENCH_REQUIRE_PG"
BACKENDS = ("sqlite", "postgresql")
"""Where a test's workspace can keep its data; a test of the second kind is marked ``postgresql``."""


def _unavailable(reason: str) -> None:
    if os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(f"PostgreSQL tests must run here ({REQUIRE_ENV}=1) but {reason}", pytrace=False)
    pytest.skip(f"no PostgreSQL server: {reason}")


class PostgresServer:
    """Creates and drops the tests' databases on the server of ``SOC_WORKBENCH_TEST_DATABASE_URL``."""

    def __init__(self, url: str) -> None:
        self.url = make_url(url).set(drivername="postgresql+psycopg")
        self.admin: Engine = create_engine(self.url, isolation_level="AUTOCOMMIT")
        self.prefix = f"socwb_test_{os.getpid()}"
        self.template = f"{self.prefix}_template"
        self._numbers = itertools.count(1)
        self._template_ready = False

    def url_of(self, database: str) -> str:
        return self.url.set(database=database).render_as_string(hide_password=False)

    def _execute(self, statement: str) -> None:
        with self.admin.connect() as connection:
            connection.execute(text(statement))

    def _make_template(self) -> None:
        from app.db.server import open_server_database

        self._execute(f'DROP DATABASE IF EXISTS "{self.template}"')
        self._execute(
            f"CREATE DATABASE \"{self.template}\" TEMPLATE template0 ENCODING 'UTF8' "
            "LC_COLLATE 'C' LC_CTYPE 'C'"
        )
        open_server_database(self.url_of(self.template)).dispose()
        self._template_ready = True

    def new_database(self) -> str:
        """A fresh, migrated, empty team database; returns its URL."""
        if not self._template_ready:
            self._make_template()
        name = f"{self.prefix}_{next(self._numbers)}"
        self._execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
        return self.url_of(name)

    def empty_database(self) -> str:
        """A database with no tables at all (what a team's administrator creates); returns its URL."""
        name = f"{self.prefix}_{next(self._numbers)}"
        self._execute(
            f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'"
        )
        return self.url_of(name)

    def drop_database(self, url: str) -> None:
        database = make_url(url).database
        self._execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')

    def close(self) -> None:
        if self._template_ready:
            self._execute(f'DROP DATABASE IF EXISTS "{self.template}" WITH (FORCE)')
        self.admin.dispose()


def start_postgres_server() -> PostgresServer:
    """The server of the environment, checked to answer (skips or fails the test when it does not)."""
    url = os.environ.get(TEST_DATABASE_URL_ENV, "").strip()
    if not url:
        _unavailable(f"{TEST_DATABASE_URL_ENV} is not set")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        _unavailable("the psycopg driver is not installed (pip install -e '.[team]')")
    server = PostgresServer(url)
    try:
        server._execute("SELECT 1")
    except SQLAlchemyError as error:
        server.admin.dispose()
        _unavailable(
            f"{TEST_DATABASE_URL_ENV} does not answer ({str(getattr(error, 'orig', error)).strip()})"
        )
    return server
