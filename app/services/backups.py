"""Copies of the workspace database: the daily copy, listing them, restoring one.

The daily copy is made with SQLite's backup API (:mod:`app.db.backups`) at
most once a day, when the window or a command opens the workspace; the last
seven are kept. Restoring replaces the database with a copy after keeping the
current one aside, then opens it as any start does (an older copy is
upgraded).
"""

import logging
from pathlib import Path

from app.db.backups import BackupError, daily_backup, list_backups, restore_backup
from app.db.engine import DatabaseTooNewError, DatabaseUnreadableError, is_read_only, open_database
from app.domain.backups import BackupRow
from app.domain.changes import Changes, Kind
from app.services.errors import NotFoundError, WorkbenchError
from app.services.workspace import Workspace

log = logging.getLogger(__name__)

EVERYTHING = Changes({kind: frozenset() for kind in Kind})
"""The notice after a restore: any record of any kind may have changed."""


def make_daily_backup(workspace: Workspace) -> Path | None:
    """Today's copy of the database, unless it exists, the workspace is read-only (or another window
    has it) or it is a team workspace (its server keeps the copies); returns the new copy. A copy that
    cannot be made is logged, never in the user's way."""
    if workspace.is_team or workspace.read_only or is_read_only(workspace.engine):
        return None
    try:
        made = daily_backup(workspace.database_path)
    except (BackupError, OSError) as error:
        log.warning("no daily copy of the database: %s", error)
        return None
    if made is not None:
        log.info("daily copy of the database made: %s", made.name)
    return made


def list_workspace_backups(workspace: Workspace) -> list[BackupRow]:
    """Every copy that can be restored, newest first (none for a team workspace: its server keeps them)."""
    if workspace.is_team:
        return []
    rows = []
    for number, backup in enumerate(list_backups(workspace.database_path), 1):
        try:
            size = backup.path.stat().st_size
        except OSError:
            continue
        rows.append(
            BackupRow(id=number, name=backup.path.name, made_on=backup.made_on, kind=backup.kind, size=size)
        )
    return rows


def restore_workspace_backup(workspace: Workspace, name: str) -> str:
    """Replace the database with the copy called *name* (as listed); returns the name under which the
    current database was kept aside in ``backups/``.

    The workspace's connections are closed first and reopen on the restored
    database; a copy from an older version is upgraded as at any start.
    Everything the window shows is announced as changed.
    """
    if workspace.is_team:
        raise WorkbenchError("a team workspace is restored on its server, from the server's own backups")
    if workspace.read_only or is_read_only(workspace.engine):
        raise WorkbenchError(
            "the workspace is read-only here (another window has it open, or its folder cannot be "
            "written), so no copy can be restored into it"
        )
    chosen = next((b for b in list_backups(workspace.database_path) if b.path.name == name), None)
    if chosen is None:
        raise NotFoundError(f"no backup called {name!r}; list them with: soc-workbench workspace backups")
    workspace.engine.dispose()
    try:
        aside = restore_backup(workspace.database_path, chosen.path)
        open_database(workspace.database_path).dispose()
    except BackupError as error:
        raise WorkbenchError(str(error)) from error
    except (DatabaseTooNewError, DatabaseUnreadableError) as error:
        raise WorkbenchError(f"the copy was restored but cannot be opened: {error}") from error
    log.info("restored %s; the database it replaced is kept as %s", name, aside.name)
    workspace.engine.dispose()
    workspace.announce(EVERYTHING)
    return aside.name
