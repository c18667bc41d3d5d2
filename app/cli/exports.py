"""``export``: the files handed to the auditor, one subcommand per kind of export, and the history."""

import argparse
import sys
from pathlib import Path
from typing import Any

from app.cli.common import (
    CommandError,
    Progress,
    command,
    emit,
    engagement_id_of,
    engagement_option,
    group,
    open_workspace_of,
    table,
)


def _target(args: argparse.Namespace, extensions: tuple[str, ...]) -> Path:
    """The file to write: ``-o PATH``, given the ``--format``'s extension when it has none."""
    target = Path(args.output)
    chosen = getattr(args, "format", None)
    suffix = target.suffix.lower()[1:]
    if chosen and suffix in extensions and suffix != chosen:
        raise CommandError(f"{target.name} ends in .{suffix} but --format is {chosen}; make them agree")
    if not suffix and len(extensions) > 1:
        return target.with_name(f"{target.name}.{chosen or extensions[0]}")
    return target


def cmd_export(args: argparse.Namespace) -> int:
    from app.services.exports import KINDS_BY_NAME, run_export

    workspace = open_workspace_of(args)
    result = run_export(
        workspace,
        engagement_id=engagement_id_of(workspace, args.engagement),
        kind=args.subcommand,
        target=_target(args, KINDS_BY_NAME[args.subcommand].extensions),
        progress=Progress("Exporting"),
    )
    if args.json:
        emit(result.as_dict())
    else:
        sys.stdout.write(
            f"Wrote {result.path} ({KINDS_BY_NAME[result.kind].label_for(result.path.suffix[1:])})\n"
            f"SHA-256 {result.sha256}\n"
        )
    return 0


def cmd_export_history(args: argparse.Namespace) -> int:
    from app.services.exports import changes_since_last_package, export_history

    workspace = open_workspace_of(args)
    engagement_id = engagement_id_of(workspace, args.engagement)
    records = export_history(workspace, engagement_id=engagement_id)
    changes = changes_since_last_package(workspace, engagement_id=engagement_id)
    if args.json:
        emit(
            {
                "exports": [
                    {"at": r.at.isoformat(), "kind": r.kind, "path": r.path, "sha256": r.manifest_sha256}
                    for r in records
                ],
                "since_last_package": changes.as_dict(),
            }
        )
        return 0
    if not records:
        sys.stdout.write("Nothing exported yet.\n")
    table(
        [
            (r.at.astimezone().strftime("%Y-%m-%d %H:%M"), r.kind, r.manifest_sha256[:12], r.path)
            for r in records
        ],
        ("When", "What", "SHA-256", "Path"),
    )
    if changes.last is not None:
        sys.stdout.write("\nSince the last package:\n")
        for label, items in (
            ("new controls", changes.new_controls),
            ("changed controls", changes.changed_controls),
            ("removed controls", changes.removed_controls),
            ("new evidence", changes.new_evidence),
            ("changed evidence", changes.changed_evidence),
            ("removed evidence", changes.removed_evidence),
        ):
            if items:
                sys.stdout.write(f"  {label}: {', '.join(items)}\n")
        if changes.nothing:
            sys.stdout.write("  nothing changed\n")
    return 0


def register(commands: Any) -> None:
    from app.cli.policies import add_policy_export
    from app.services.exports import EXPORT_KINDS

    export = group(commands, "export", "write the files handed to the auditor")
    for kind in EXPORT_KINDS:
        kind_parser = command(export, kind.name, f"write {kind.help}", cmd_export, json_output=True)
        engagement_option(kind_parser)
        kind_parser.add_argument("-o", "--output", required=True, metavar="PATH", help="the file to write")
        if len(kind.extensions) > 1:
            kind_parser.add_argument(
                "--format",
                choices=kind.extensions,
                help=f"the file type: {' or '.join(kind.extensions)} (default: PATH's extension, else "
                f"{kind.extensions[0]})",
            )
    history = command(
        export,
        "history",
        "exports made so far and what changed since the last package",
        cmd_export_history,
        json_output=True,
    )
    engagement_option(history)
    add_policy_export(export)
