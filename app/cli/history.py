"""``history``: what changed in an engagement, a control or an evidence item, and when."""

import argparse
import sys
from typing import Any

from app.cli.common import command, emit, engagement_id_of, engagement_option, open_workspace_of, table


def cmd_history(args: argparse.Namespace) -> int:
    from app.services.controls import find_control
    from app.services.history import history

    workspace = open_workspace_of(args)
    engagement_id = engagement_id_of(workspace, args.engagement)
    control_id = (
        find_control(workspace, engagement_id=engagement_id, ref=args.control).id if args.control else None
    )
    rows = history(workspace, engagement_id=engagement_id, control_id=control_id, evidence_id=args.evidence)
    if args.json:
        emit([row.as_dict() for row in rows])
    elif not rows:
        sys.stdout.write("No changes recorded.\n")
    else:
        table(
            [
                (row.local_time, row.subject, row.field, row.shown(row.old_value), row.shown(row.new_value))
                for row in rows
            ],
            ("When", "What", "Field", "Old", "New"),
        )
    return 0


def register(commands: Any) -> None:
    parser = command(
        commands,
        "history",
        "what changed, newest first: an engagement's whole history, or one control's or evidence item's",
        cmd_history,
        json_output=True,
    )
    engagement_option(parser)
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--control", metavar="REF", help="only this control (with the evidence linked to it)")
    which.add_argument("--evidence", type=int, metavar="ID", help="only this evidence item")
