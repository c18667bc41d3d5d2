"""``workspace``: copy a workspace to or from a team server; list the database's backups and restore one."""

import argparse
import sys
from typing import Any

from app.cli.common import CommandError, Progress, command, emit, group, open_workspace_of, table


def cmd_workspace_copy(args: argparse.Namespace) -> int:
    from app.services.workspace import open_workspace
    from app.services.workspace_copy import copy_workspace

    if args.to:
        source = open_workspace_of(args)
        target = open_workspace(args.data_dir, database_url=args.to, user=args.user)
    else:
        if args.database_url:
            raise CommandError("--from copies into the local folder (--data-dir); leave out --database-url")
        source = open_workspace(args.data_dir, database_url=args.from_url, user=args.user)
        target = open_workspace(args.data_dir, user=args.user)
    try:
        report = copy_workspace(source, target, progress=Progress("Copying evidence"))
    finally:
        source.close()
        target.close()
    if args.json:
        emit(report.as_dict())
    else:
        records = sum(report.rows.values())
        sys.stdout.write(
            f"Copied {records} records and {report.evidence_files} evidence files "
            f"({report.evidence_bytes / 2**20:,.1f} MiB, every SHA-256 checked) "
            f"from {report.source} to {report.target}\n"
        )
    return 0


def _listing(rows: list[Any]) -> None:
    from app.domain.files import human_size

    table(
        [(row.name, row.made_on.isoformat(), human_size(row.size), row.kind_words) for row in rows],
        ("Backup", "Made on", "Size", "Kind"),
    )


def cmd_workspace_backups(args: argparse.Namespace) -> int:
    from app.services.backups import list_workspace_backups

    rows = list_workspace_backups(open_workspace_of(args))
    if args.json:
        emit([row.as_dict() for row in rows])
    elif not rows:
        sys.stdout.write("No backups yet; one is made each day the workspace is opened.\n")
    else:
        _listing(rows)
    return 0


def cmd_workspace_restore(args: argparse.Namespace) -> int:
    from app.services.backups import list_workspace_backups, restore_workspace_backup

    workspace = open_workspace_of(args)
    rows = list_workspace_backups(workspace)
    if args.backup is None:
        if not rows:
            sys.stdout.write("No backups yet; one is made each day the workspace is opened.\n")
            return 0
        _listing(rows)
        sys.stdout.write("\nRestore one with: soc-workbench workspace restore BACKUP --yes\n")
        return 0
    if not any(row.name == args.backup for row in rows):
        raise CommandError(
            f"no backup called {args.backup!r}; run 'soc-workbench workspace restore' to list them"
        )
    if not args.yes:
        raise CommandError(
            f"restoring {args.backup} replaces the workspace's data with that copy (the current data is "
            "kept aside in the backups folder); close every other SOC Workbench window and command "
            "first, then add --yes to confirm"
        )
    aside = restore_workspace_backup(workspace, args.backup)
    sys.stdout.write(f"Restored {args.backup}. The data it replaced is kept as backups/{aside}.\n")
    return 0


def register(commands: Any) -> None:
    workspace = group(
        commands, "workspace", "move a workspace to or from a team server; its backups, and restoring one"
    )
    copy = command(
        workspace,
        "copy",
        "copy the workspace (records, change log, evidence) into an empty one, checking every hash",
        cmd_workspace_copy,
        json_output=True,
    )
    where = copy.add_mutually_exclusive_group(required=True)
    where.add_argument(
        "--to",
        metavar="URL",
        help="an empty team database: postgresql://user@host:5432/database",
    )
    where.add_argument(
        "--from",
        dest="from_url",
        metavar="URL",
        help="a team database to copy into the local folder (--data-dir), which must be empty",
    )
    command(workspace, "backups", "list the copies of the database", cmd_workspace_backups, json_output=True)
    restore = command(
        workspace,
        "restore",
        "replace the data with a backup (lists the backups without one)",
        cmd_workspace_restore,
    )
    restore.add_argument("backup", nargs="?", metavar="BACKUP", help="the backup's name, as listed")
    restore.add_argument("--yes", action="store_true", help="confirm the restore")
