"""A team workspace's PostgreSQL database: the same migrations, the same protections, plain refusals."""

from collections.abc import Iterator

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import DBAPIError

from app.db.migrate import alembic_config
from app.db.models import metadata
from app.db.schema import HEAD_REVISION, KNOWN_REVISIONS
from app.db.server import (
    ServerError,
    ServerTooNewError,
    check_server,
    make_server_engine,
    open_server_database,
    shown_url,
)
from app.services.controls import add_control
from app.services.engagements import create_engagement
from app.services.workspace import open_workspace
from tests.postgres import PostgresServer

pytestmark = pytest.mark.postgresql


@pytest.fixture
def empty(postgres_server: PostgresServer) -> Iterator[str]:
    url = postgres_server.empty_database()
    yield url
    postgres_server.drop_database(url)


def raw(url: str) -> Engine:
    return create_engine(
        url.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT"
    )


def test_the_migrations_create_exactly_the_models_and_a_second_start_changes_nothing(empty: str) -> None:
    assert check_server(empty) == "connected: an empty database, ready to become the team workspace"
    engine = open_server_database(empty)
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), metadata) == []
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == HEAD_REVISION
        assert connection.execute(text("SELECT count(*) FROM criterion")).scalar() == 61
    engine.dispose()
    open_server_database(empty).dispose()
    assert check_server(empty) == "connected: a SOC Workbench team workspace"


@pytest.mark.parametrize("old_revision", KNOWN_REVISIONS[:-1])
def test_an_older_team_database_is_upgraded_keeping_its_data(empty: str, old_revision: str) -> None:
    engine = make_server_engine(empty)
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, old_revision)
        columns = "name, company, system_name, system_description, business_type, report_kinds, categories"
        values = "'Kept', '', '', '', '', '[]', '[]'"
        connection.execute(
            text(
                f"INSERT INTO engagement ({columns}, framework, auditor_firm, created_at, updated_at) "
                f"VALUES ({values}, 'tsc-2017', '', now(), now())"
            )
        )
    engine.dispose()
    upgraded = open_server_database(empty)
    with upgraded.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == HEAD_REVISION
        assert connection.execute(text("SELECT name, version FROM engagement")).all() == [("Kept", 1)]
    upgraded.dispose()


def test_the_change_log_is_append_only_there_too(empty: str, tmp_path: object) -> None:
    workspace = open_workspace(str(tmp_path), database_url=empty)
    engagement = create_engagement(workspace, name="Acme")
    add_control(workspace, engagement_id=engagement.id, ref="AC-01", title="Access")
    for statement in ("UPDATE change_log SET field = 'x'", "DELETE FROM change_log"):
        with pytest.raises(DBAPIError, match="append-only"), workspace.engine.begin() as connection:
            connection.execute(text(statement))
    workspace.close()


def test_a_database_of_something_else_or_of_a_newer_version_is_refused_untouched(empty: str) -> None:
    engine = raw(empty)
    with engine.connect() as connection:
        connection.execute(text("CREATE TABLE invoices (id integer)"))
    with pytest.raises(ServerError, match="holds other tables \\(invoices"):
        open_server_database(empty)
    with engine.connect() as connection:
        connection.execute(text("DROP TABLE invoices"))
        connection.execute(text("CREATE TABLE alembic_version (version_num varchar(32))"))
        connection.execute(text("INSERT INTO alembic_version VALUES ('9999')"))
    with pytest.raises(ServerTooNewError, match="schema 9999"):
        open_server_database(empty)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == "9999"
    engine.dispose()


def test_urls_are_checked_and_shown_without_their_password() -> None:
    assert (
        shown_url("postgresql://dana:secret@db.example:5433/soc") == "postgresql://dana@db.example:5433/soc"
    )
    for wrong, reason in (
        ("sqlite:///x.db", "PostgreSQL server"),
        ("postgresql://dana@db.example", "names no database"),
        ("not a url", "not a database URL"),
    ):
        with pytest.raises(ServerError, match=reason):
            make_server_engine(wrong)
