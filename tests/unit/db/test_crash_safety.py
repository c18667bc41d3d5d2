"""Migrations all or nothing, complete backups, damaged and disagreeing databases told plainly."""

import sqlite3
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from alembic import command
from alembic.runtime.migration import HeadMaintainer
from sqlalchemy import text

from app.db.backups import copy_database, daily_backup, is_good_copy, list_backups, restore_backup
from app.db.engine import DatabaseDamagedError, inspect_database, make_engine, open_database
from app.db.migrate import alembic_config, script_revisions
from app.db.schema import HEAD_REVISION, KNOWN_REVISIONS, TABLES_ADDED, tables_at
from app.scratch import SCRATCH_DIR_NAME
from app.services.errors import WorkbenchError
from app.services.workspace import open_workspace


def old_database(folder: Path, revision: str, *, company: str = "Kept Co") -> Path:
    """A workspace database at *revision* holding one engagement."""
    database = folder / "workbench.db"
    engine = make_engine(database)
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
        connection.execute(
            text(
                "INSERT INTO engagement (name, company, system_name, system_description, business_type,"
                " report_kinds, categories, framework, auditor_firm, created_at, updated_at) VALUES"
                f" ('Kept', '{company}', '', '', '', '[]', '[]', 'tsc-2017', '', '2026-01-01', '2026-01-01')"
            )
        )
    engine.dispose()
    return database


def tables(database: Path) -> set[str]:
    connection = sqlite3.connect(database)
    try:
        return {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    finally:
        connection.close()


def version(database: Path) -> str:
    connection = sqlite3.connect(database)
    try:
        return str(connection.execute("SELECT version_num FROM alembic_version").fetchone()[0])
    finally:
        connection.close()


def test_tables_added_per_revision_match_the_migrations(tmp_path: Path) -> None:
    for revision in script_revisions():
        folder = tmp_path / revision
        folder.mkdir()
        database = old_database(folder, revision)
        assert tables(database) - {"alembic_version"} == tables_at(revision)
    assert list(TABLES_ADDED) == list(KNOWN_REVISIONS)


def test_a_migration_interrupted_before_its_version_bump_leaves_the_database_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = old_database(tmp_path, "0001")

    def killed(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("killed between the schema change and the version bump")

    with monkeypatch.context() as patch:
        patch.setattr(HeadMaintainer, "update_to_step", killed)
        with pytest.raises(RuntimeError, match="killed"):
            open_database(database)
    assert tables(database) - {"alembic_version"} == tables_at("0001")
    assert version(database) == "0001"
    for _ in range(3):
        open_database(database).dispose()
    assert version(database) == HEAD_REVISION
    assert [p.name for p in tmp_path.glob("workbench.before-*")] == ["workbench.before-0001.db"]


def test_a_half_migrated_workspace_of_an_older_version_is_repaired_with_one_backup(tmp_path: Path) -> None:
    database = old_database(tmp_path, "0001")
    connection = sqlite3.connect(database)  # what the old version left: 0002's table, no version bump
    connection.execute(
        "CREATE TABLE setting (key VARCHAR NOT NULL, value JSON, CONSTRAINT pk_setting PRIMARY KEY (key))"
    )
    connection.commit()
    connection.close()
    for _ in range(3):
        workspace = open_workspace(tmp_path)
        workspace.close()
    assert version(database) == HEAD_REVISION
    assert len(list(tmp_path.glob("workbench.before-*"))) == 1
    with sqlite3.connect(database) as connection:
        assert connection.execute("SELECT company FROM engagement").fetchone() == ("Kept Co",)


def test_disagreeing_tables_holding_data_are_refused_plainly(tmp_path: Path) -> None:
    database = old_database(tmp_path, "0002")
    connection = sqlite3.connect(database)
    connection.execute("DROP TABLE setting")
    connection.commit()
    connection.close()
    with pytest.raises(WorkbenchError, match="lacks the table setting.*backups folder"):
        open_workspace(tmp_path)
    assert version(database) == "0002"
    assert not list(tmp_path.glob("workbench.before-*"))


def test_a_first_start_killed_while_creating_tables_starts_again(tmp_path: Path) -> None:
    database = tmp_path / "workbench.db"
    connection = sqlite3.connect(database)
    connection.execute("CREATE TABLE change_log (id INTEGER PRIMARY KEY)")
    connection.execute("CREATE TABLE criterion (id INTEGER PRIMARY KEY)")
    connection.commit()
    connection.close()
    open_workspace(tmp_path).close()
    assert version(database) == HEAD_REVISION


def test_backups_of_older_versions_are_tidied_to_one_per_revision(tmp_path: Path) -> None:
    database = old_database(tmp_path, "0002")
    for number in (1, 2, 3):
        copy_database(database, tmp_path / f"workbench.before-0002.{number}.db", tmp_path)
    (tmp_path / "workbench.before-0002.1.db").write_bytes(b"half a copy")  # killed mid-copy
    open_workspace(tmp_path).close()
    (kept,) = tmp_path.glob("workbench.before-*")
    assert kept.name == "workbench.before-0002.db"
    assert is_good_copy(kept, "0002")


def test_a_backup_interrupted_mid_copy_leaves_no_file_under_its_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = old_database(tmp_path, "0002")

    class DyingConnection:
        def __init__(self, real: sqlite3.Connection) -> None:
            self.real = real

        def backup(self, target: sqlite3.Connection) -> None:
            target.execute("CREATE TABLE half (x)")
            target.commit()
            raise sqlite3.OperationalError("disk I/O error")

        def close(self) -> None:
            self.real.close()

    def connect(name: str, *args: Any, **kwargs: Any) -> Any:
        real = sqlite3.connect(name, *args, **kwargs)
        return DyingConnection(real) if "mode=ro" in str(name) else real

    monkeypatch.setattr("app.db.backups.sqlite3", SimpleNamespace(connect=connect, Error=sqlite3.Error))
    with pytest.raises(WorkbenchError, match="cannot copy"):
        open_workspace(tmp_path)
    monkeypatch.undo()
    assert not list(tmp_path.glob("workbench.before-*"))
    assert version(database) == "0002"
    open_workspace(tmp_path).close()
    assert is_good_copy(tmp_path / "workbench.before-0002.db", "0002")
    assert [p.name for p in (tmp_path / SCRATCH_DIR_NAME).iterdir()] == []


def damage(database: Path) -> None:
    """Overwrite a page in the middle of the file with garbage, as a failing disk would."""
    size = database.stat().st_size
    with database.open("r+b") as handle:
        handle.seek(size // 2 // 4096 * 4096)
        handle.write(b"\xa5" * 4096)


def test_a_damaged_database_is_refused_with_the_way_out(data_dir: Path) -> None:
    workspace = open_workspace(data_dir)
    from app.services.engagements import create_engagement

    create_engagement(workspace, name="Acme")
    workspace.close()
    connection = sqlite3.connect(data_dir / "workbench.db")
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    damage(data_dir / "workbench.db")
    with pytest.raises(DatabaseDamagedError, match="damaged"):
        inspect_database(data_dir / "workbench.db", read_only=True)
    with pytest.raises(WorkbenchError, match="damaged.*backups folder"):
        open_workspace(data_dir)


def test_daily_backups_once_a_day_keeping_seven_and_a_restore_keeps_the_current_aside(data_dir: Path) -> None:
    from datetime import date, datetime, timedelta

    from app.services.engagements import create_engagement, list_engagements

    database = data_dir / "workbench.db"
    workspace = open_workspace(data_dir)
    create_engagement(workspace, name="Before")
    first = date(2026, 3, 1)
    for day in range(10):
        daily_backup(database, today=first + timedelta(days=day))
    assert daily_backup(database, today=first + timedelta(days=9)) is None
    daily = [b for b in list_backups(database) if b.kind == "daily"]
    assert [b.made_on for b in daily] == [first + timedelta(days=d) for d in range(9, 2, -1)]
    create_engagement(workspace, name="After")
    workspace.close()
    aside = restore_backup(database, daily[0].path, now=datetime(2026, 3, 20, 9, 30))
    assert aside.name == "workbench-replaced-20260320T093000.db"
    reopened = open_workspace(data_dir)
    assert [e.name for e in list_engagements(reopened)] == ["Before"]
    reopened.close()
    with sqlite3.connect(aside) as connection:
        assert {row[0] for row in connection.execute("SELECT name FROM engagement")} == {"Before", "After"}
    (data_dir / "backups" / "bad.db").write_bytes(b"no")
    with pytest.raises(Exception, match="not an intact"):
        restore_backup(database, data_dir / "backups" / "bad.db")
