"""Opening, migrating and protecting the workspace database."""

import hashlib
import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from app.db.engine import DatabaseTooNewError, DatabaseUnreadableError, make_engine, open_database
from app.db.migrate import script_revisions
from app.db.models import metadata
from app.db.schema import HEAD_REVISION, KNOWN_REVISIONS
from app.services.errors import WorkbenchError
from app.services.workspace import Workspace, open_workspace


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_known_revisions_match_the_shipped_migrations() -> None:
    assert list(KNOWN_REVISIONS) == script_revisions()


def test_migrations_produce_exactly_the_models(workspace: Workspace) -> None:
    with workspace.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    assert differences == []


def test_every_connection_has_wal_foreign_keys_and_busy_timeout(workspace: Workspace) -> None:
    for _ in range(2):
        with workspace.engine.connect() as connection:
            assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert connection.execute(text("PRAGMA busy_timeout")).scalar() >= 1000
        workspace.engine.dispose()


def test_first_start_creates_folder_database_and_evidence_store(tmp_path: Path) -> None:
    folder = tmp_path / "new" / "place"
    workspace = open_workspace(folder)
    try:
        assert (folder / "workbench.db").is_file()
        assert (folder / "evidence").is_dir()
        with workspace.engine.connect() as connection:
            assert (
                connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == HEAD_REVISION
            )
            assert connection.execute(text("SELECT count(*) FROM criterion")).scalar() == 61
    finally:
        workspace.close()


def test_a_current_database_is_opened_without_a_backup(data_dir: Path) -> None:
    before = sorted(p.name for p in data_dir.iterdir())
    open_workspace(data_dir).close()
    assert not [p for p in data_dir.iterdir() if ".before-" in p.name]
    assert set(before) <= {p.name for p in data_dir.iterdir()}


def test_a_newer_database_is_refused_and_left_untouched(data_dir: Path) -> None:
    database = data_dir / "workbench.db"
    connection = sqlite3.connect(database)
    connection.execute("UPDATE alembic_version SET version_num = '9999'")
    connection.commit()
    connection.close()
    before = digest(database)
    with pytest.raises(DatabaseTooNewError, match="newer version"):
        open_database(database)
    with pytest.raises(WorkbenchError, match="left untouched"):
        open_workspace(data_dir)
    assert digest(database) == before
    assert not list(data_dir.glob("*.before-*"))


def test_a_foreign_file_is_refused(tmp_path: Path) -> None:
    database = tmp_path / "workbench.db"
    database.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(DatabaseUnreadableError):
        open_database(database)
    other = tmp_path / "other.db"
    connection = sqlite3.connect(other)
    connection.execute("CREATE TABLE notes (x)")
    connection.commit()
    connection.close()
    with pytest.raises(DatabaseUnreadableError, match="not a SOC Workbench database"):
        open_database(other)


def test_change_log_is_append_only(workspace: Workspace) -> None:
    with workspace.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO change_log (at, entity, entity_ref, field) VALUES ('2026-01-01', 'x', 'y', 'z')"
            )
        )
    for statement in ("UPDATE change_log SET field = 'w'", "DELETE FROM change_log"):
        with pytest.raises(IntegrityError, match="append-only"), workspace.engine.begin() as connection:
            connection.execute(text(statement))
    with workspace.engine.connect() as connection:
        assert connection.execute(text("SELECT field FROM change_log")).scalar() == "z"


def test_foreign_keys_are_enforced(workspace: Workspace) -> None:
    with pytest.raises(IntegrityError), workspace.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO control (engagement_id, ref, title, description, owner, "
                "is_key, status, systems, expected_evidence, test_procedure, "
                "population_source, gap, remediation_owner, exceptions, "
                "management_response, dependency, notes, created_at, updated_at) "
                "VALUES (999, 'X', 'x', '', '', 0, 'not-started', '', '', '', '', '', "
                "'', '', '', '', '', '2026-01-01', '2026-01-01')"
            )
        )


def test_a_locked_database_gives_a_plain_message_and_writes_nothing(workspace: Workspace) -> None:
    from app.services.engagements import create_engagement, list_engagements

    impatient = Workspace(workspace.data_dir, make_engine(workspace.database_path, busy_timeout_ms=50))
    blocker = sqlite3.connect(workspace.database_path)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(WorkbenchError, match="busy"):
            create_engagement(impatient, name="Blocked")
    finally:
        blocker.rollback()
        blocker.close()
        impatient.close()
    assert list_engagements(workspace) == []
    assert create_engagement(workspace, name="Free again").id is not None


@pytest.mark.parametrize("old_revision", KNOWN_REVISIONS[:-1])
def test_an_older_database_is_copied_aside_then_migrated_keeping_its_data(
    tmp_path: Path, old_revision: str
) -> None:
    from alembic import command

    from app.db.migrate import alembic_config

    database = tmp_path / "workbench.db"
    engine = make_engine(database)
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, old_revision)
        connection.execute(
            text(
                "INSERT INTO engagement (name, company, system_name, system_description, business_type,"
                " report_kinds, categories, framework, auditor_firm, created_at, updated_at) VALUES"
                " ('Kept', 'Kept Co', '', '', '', '[]', '[]', 'tsc-2017', '', '2026-01-01', '2026-01-01')"
            )
        )
    engine.dispose()

    workspace = open_workspace(tmp_path)
    try:
        (backup,) = tmp_path.glob(f"workbench.before-{old_revision}.db")
        copy = sqlite3.connect(backup)
        assert copy.execute("SELECT version_num FROM alembic_version").fetchone() == (old_revision,)
        assert copy.execute("SELECT company FROM engagement").fetchone() == ("Kept Co",)
        copy.close()
        with workspace.engine.connect() as connection:
            assert (
                connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == HEAD_REVISION
            )
            assert connection.execute(text("SELECT company FROM engagement")).scalar() == "Kept Co"
    finally:
        workspace.close()
