"""``readiness``: readiness per category and the gap list."""

import argparse
import sys
from typing import Any

from app.cli.common import (
    command,
    emit,
    engagement_id_of,
    engagement_option,
    open_workspace_of,
    parse_day_arg,
    table,
)


def cmd_readiness(args: argparse.Namespace) -> int:
    from app.services.readiness import engagement_readiness

    workspace = open_workspace_of(args)
    report = engagement_readiness(
        workspace, engagement_id=engagement_id_of(workspace, args.engagement), today=args.today
    )
    if args.json:
        emit(report.as_dict())
        return 0
    table(
        [
            (
                c.category,
                str(c.criteria_in_scope),
                str(c.criteria_covered),
                f"{c.criteria_ready} ({c.readiness:.0%})",
                f"{c.criteria_evidenced} ({c.evidenced_readiness:.0%})",
            )
            for c in report.categories
        ],
        ("Category", "Criteria", "Covered", "Designed", "Evidenced"),
    )
    if report.objectives:
        sys.stdout.write("\n")
        table(
            [
                (o.ref, str(o.controls), str(o.ready), _yes(o.designed), _yes(o.evidenced), o.title)
                for o in report.objectives
            ],
            ("Objective", "Controls", "Ready", "Designed", "Evidenced", "Title"),
        )
    sys.stdout.write(
        "\nDesigned: the criteria whose controls are in place. Evidenced: those whose key controls' "
        "evidence also covers the period so far (definitions: readiness --json).\n"
    )
    sys.stdout.write(
        f"\nGaps ({len(report.gaps)}):\n" + "".join(f"  - {gap.message}\n" for gap in report.gaps)
    )
    return 0


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def register(commands: Any) -> None:
    readiness = command(
        commands, "readiness", "readiness per category and the gap list", cmd_readiness, json_output=True
    )
    engagement_option(readiness)
    readiness.add_argument(
        "--today",
        type=parse_day_arg,
        metavar="YYYY-MM-DD",
        help="the day overdue remediation is judged against",
    )
