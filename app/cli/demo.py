"""``demo``: make the demo engagement, a fictional company that shows every page and export working."""

import argparse
import sys
from typing import Any

from app.cli.common import command, emit, open_workspace_of


def cmd_demo(args: argparse.Namespace) -> int:
    from app.domain.demo import DEFAULT_NAME
    from app.services.demo import create_demo
    from app.services.engagements import engagement_counts

    workspace = open_workspace_of(args, create=True)
    engagement = create_demo(workspace, name=args.name or DEFAULT_NAME)
    counts = engagement_counts(workspace, engagement.id)
    if args.json:
        emit(engagement.as_dict() | counts)
        return 0
    sys.stdout.write(
        f"Created the demo engagement {engagement.name!r} (id {engagement.id}): {engagement.company}, "
        f"{engagement.scope_words}, {counts['controls']} controls and {counts['evidence']} evidence files.\n"
        "It is fictional and kept apart from your own engagements. Remove it with:\n"
        f"  soc-workbench engagement delete {engagement.id} --yes\n"
    )
    return 0


def register(commands: Any) -> None:
    demo = command(
        commands,
        "demo",
        "make a demo engagement: a fictional company with a worked matrix, evidence and documents",
        cmd_demo,
        json_output=True,
    )
    demo.add_argument(
        "--name", metavar="NAME", help="the demo engagement's name (default: Demo — Larkspur Analytics)"
    )
