"""``workspace copy``: move a workspace between a local folder and a team's PostgreSQL server."""

import argparse
import sys
from typing import Any

from app.cli.common import CommandError, Progress, command, emit, group, open_workspace_of


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


def register(commands: Any) -> None:
    workspace = group(commands, "workspace", "move a workspace between this computer and a team server")
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
