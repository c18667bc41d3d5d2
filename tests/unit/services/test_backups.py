"""The daily copy made when a command opens the workspace, listing copies, and restoring one."""

import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

from app.db.backups import list_backups
from app.services.backups import list_workspace_backups, restore_workspace_backup
from app.services.engagements import create_engagement, list_engagements
from app.services.workspace import open_workspace
from tests.unit.db.test_crash_safety import old_database


def names(database: Path) -> list[str]:
    with sqlite3.connect(database) as connection:
        return [row[0] for row in connection.execute("SELECT name FROM engagement ORDER BY name")]


def test_a_command_makes_today_s_copy_once_and_lists_it(cli: Any, data_dir: Path) -> None:
    assert cli("engagement", "create", "--name", "FY26").code == 0
    today = data_dir / "backups" / f"workbench-{date.today().isoformat()}.db"
    assert today.exists() and names(today) == []  # the copy is of the data as the command found it
    made = today.stat().st_mtime_ns
    assert cli("engagement", "create", "--name", "FY27").code == 0
    assert today.stat().st_mtime_ns == made
    listed = cli("workspace", "backups", "--json").json()
    assert listed == [
        {
            "name": today.name,
            "made_on": date.today().isoformat(),
            "kind": "daily",
            "size": today.stat().st_size,
        }
    ]
    table = cli("workspace", "backups")
    assert table.out.splitlines()[0].split() == ["Backup", "Made", "on", "Size", "Kind"]
    assert today.name in table.out and "Daily copy" in table.out


def test_restore_lists_asks_and_keeps_the_current_data_aside(cli: Any, data_dir: Path) -> None:
    cli("engagement", "create", "--name", "Kept")
    cli("engagement", "create", "--name", "Later")
    backup = f"workbench-{date.today().isoformat()}.db"
    listing = cli("workspace", "restore")
    assert listing.code == 0 and backup in listing.out and "--yes" in listing.out
    unknown = cli("workspace", "restore", "nothing.db", "--yes")
    assert unknown.code == 1 and "no backup called 'nothing.db'" in unknown.err
    unconfirmed = cli("workspace", "restore", backup)
    assert unconfirmed.code == 1 and "add --yes" in unconfirmed.err
    assert names(data_dir / "workbench.db") == ["Kept", "Later"]
    done = cli("workspace", "restore", backup, "--yes")
    assert done.code == 0, done.err
    assert names(data_dir / "workbench.db") == []
    (aside,) = [b for b in list_backups(data_dir / "workbench.db") if b.kind == "replaced"]
    assert names(aside.path) == ["Kept", "Later"] and aside.path.name in done.out


def test_restoring_a_copy_from_before_an_upgrade_upgrades_it_and_tells_the_window(tmp_path: Path) -> None:
    old_database(tmp_path, "0003")
    workspace = open_workspace(tmp_path)
    create_engagement(workspace, name="Added after the upgrade")
    heard: list[object] = []
    workspace.listeners.append(heard.append)
    (before,) = [row for row in list_workspace_backups(workspace) if row.kind == "before-migration"]
    aside = restore_workspace_backup(workspace, before.name)
    assert [e.name for e in list_engagements(workspace)] == ["Kept"]
    assert heard and aside.startswith("workbench-replaced-")
    workspace.close()
