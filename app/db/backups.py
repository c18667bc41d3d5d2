"""Copies of the workspace database: before a migration, once a day, and restoring one.

Every copy is made with SQLite's backup API (a consistent copy, WAL contents
included) into a locked scratch file inside the workspace, flushed to disk
and only then renamed to its final name: a copy that exists under its name is
complete. A crash's half copy is swept from the scratch folder on the next
start.

- Before a migration: ``workbench.before-<revision>.db`` beside the database,
  one per revision (a later attempt keeps the good copy it finds).
- Daily: ``backups/workbench-<YYYY-MM-DD>.db``, at most one a day, the last
  :data:`DAILY_KEPT` kept.
- Restore: the chosen copy replaces the database; the current database is
  kept aside as ``backups/workbench-replaced-<timestamp>.db``.
"""

import os
import re
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from app.private_files import FILE_MODE, make_private_folder, restrict
from app.scratch import ScratchArea

BACKUP_DIR_NAME = "backups"
DAILY_KEPT = 7
_MIGRATION_BACKUP = re.compile(r"(?P<stem>.+)\.before-(?P<revision>[^.]+)(?:\.(?P<number>\d+))?$")


class BackupError(Exception):
    """A copy could not be made or restored; ``str(error)`` says why in one line."""


@dataclass(frozen=True, slots=True)
class Backup:
    """A copy of the database that can be restored."""

    path: Path
    made_on: date
    kind: str
    """``daily``, ``before-migration`` or ``replaced`` (the database a restore put aside)."""


def _sync_folder(folder: Path) -> None:
    if os.name == "nt":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def copy_database(source: Path, target: Path, workspace_dir: Path) -> Path:
    """Copy the database *source* to *target* atomically: a locked scratch copy in *workspace_dir*,
    flushed, then renamed into place (*target* must be inside the workspace too)."""
    scratch = ScratchArea(workspace_dir)
    try:
        with scratch.file("backup", ".db") as (fd, temporary):
            reader = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=5)
            try:
                writer = sqlite3.connect(temporary)
                try:
                    reader.backup(writer)
                finally:
                    writer.close()
            finally:
                reader.close()
            os.fsync(fd)
            os.replace(temporary, target)
    except (OSError, sqlite3.Error) as error:
        raise BackupError(f"cannot copy the workspace database to {target.name}: {error}") from error
    restrict(target, FILE_MODE)
    _sync_folder(target.parent)
    return target


def is_good_copy(path: Path, revision: str | None = None) -> bool:
    """Whether *path* is an intact SOC Workbench database (at *revision* when given)."""
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
    except sqlite3.Error:
        return False
    try:
        if connection.execute("PRAGMA quick_check(1)").fetchone() != ("ok",):
            return False
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        return row is not None and (revision is None or row[0] == revision)
    except sqlite3.Error:
        return False
    finally:
        connection.close()


def migration_backup_path(database: Path, revision: str) -> Path:
    return database.with_name(f"{database.stem}.before-{revision}{database.suffix}")


def backup_before_migration(database: Path, revision: str) -> Path:
    """The copy of the database at *revision* kept before migrating it; made unless a good one exists.

    Copies left by older versions (``.before-<revision>.<n>.db``) are tidied:
    the first good one is kept under the plain name, the others removed.
    """
    target = migration_backup_path(database, revision)
    if is_good_copy(target, revision):
        tidy_migration_backups(database)
        return target
    for candidate in _numbered_backups(database, revision):
        if is_good_copy(candidate, revision):
            os.replace(candidate, target)
            tidy_migration_backups(database)
            return target
    copy_database(database, target, database.parent)
    tidy_migration_backups(database)
    return target


def _numbered_backups(database: Path, revision: str) -> list[Path]:
    found = []
    for path in database.parent.glob(f"{database.stem}.before-{revision}.*{database.suffix}"):
        match = _MIGRATION_BACKUP.fullmatch(
            path.name[: -len(database.suffix)] if database.suffix else path.name
        )
        if match and match["revision"] == revision and match["number"]:
            found.append((int(match["number"]), path))
    return [path for _number, path in sorted(found)]


def tidy_migration_backups(database: Path) -> list[Path]:
    """Keep at most one copy per revision: numbered copies beside a plain one are removed."""
    removed = []
    revisions = set()
    for path in database.parent.glob(f"{database.stem}.before-*{database.suffix}"):
        match = _MIGRATION_BACKUP.fullmatch(
            path.name[: -len(database.suffix)] if database.suffix else path.name
        )
        if match and match["stem"] == database.stem:
            revisions.add(match["revision"])
    for revision in revisions:
        if not migration_backup_path(database, revision).exists():
            continue
        for extra in _numbered_backups(database, revision):
            extra.unlink(missing_ok=True)
            removed.append(extra)
    return removed


def backups_folder(database: Path) -> Path:
    return database.parent / BACKUP_DIR_NAME


def daily_backup(database: Path, *, today: date | None = None, keep: int = DAILY_KEPT) -> Path | None:
    """Copy the database to ``backups/`` unless today's copy exists; keep the last *keep* daily copies.

    Returns the new copy, or ``None`` when today's was already there.
    """
    today = today or date.today()
    folder = backups_folder(database)
    target = folder / f"{database.stem}-{today.isoformat()}{database.suffix}"
    if target.exists():
        return None
    make_private_folder(folder)
    made = copy_database(database, target, database.parent)
    daily = [backup for backup in list_backups(database) if backup.kind == "daily"]  # newest first
    for old in daily[keep:]:
        old.path.unlink(missing_ok=True)
    return made


def list_backups(database: Path) -> list[Backup]:
    """Every copy that can be restored, newest first."""
    found: list[Backup] = []
    daily = re.compile(rf"{re.escape(database.stem)}-(\d{{4}}-\d{{2}}-\d{{2}}){re.escape(database.suffix)}")
    replaced = re.compile(
        rf"{re.escape(database.stem)}-replaced-(\d{{8}})T\d{{6}}{re.escape(database.suffix)}"
    )
    folder = backups_folder(database)
    if folder.is_dir():
        for path in folder.iterdir():
            if match := daily.fullmatch(path.name):
                found.append(Backup(path, date.fromisoformat(match[1]), "daily"))
            elif match := replaced.fullmatch(path.name):
                found.append(Backup(path, datetime.strptime(match[1], "%Y%m%d").date(), "replaced"))
    for path in database.parent.glob(f"{database.stem}.before-*{database.suffix}"):
        found.append(Backup(path, date.fromtimestamp(path.stat().st_mtime), "before-migration"))
    return sorted(found, key=lambda backup: (backup.made_on, backup.path.name), reverse=True)


def restore_backup(database: Path, backup: Path, *, now: datetime | None = None) -> Path:
    """Replace the database by the copy *backup*; returns where the current database was put aside.

    The copy is checked first (a damaged copy is refused and nothing changes);
    the current database is copied aside (or, when it is too damaged to be
    read, moved aside as it is), then the copy is brought in under a scratch
    name and renamed over the database. No other process may have the
    workspace open.
    """
    if not is_good_copy(backup):
        raise BackupError(f"{backup.name} is not an intact SOC Workbench database; choose another copy")
    folder = backups_folder(database)
    make_private_folder(folder)
    stamp = (now or datetime.now()).strftime("%Y%m%dT%H%M%S")
    aside = folder / f"{database.stem}-replaced-{stamp}{database.suffix}"
    try:
        copy_database(database, aside, database.parent)
    except BackupError:
        os.replace(database, aside)  # too damaged to copy: keep the file itself
    for suffix in ("-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    copy_database(backup, database, database.parent)
    return aside
