"""``wizard``: the scoping recommendation from an answers file, optionally applied to an engagement."""

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Any

from app.cli.common import CommandError, command, emit, engagement_id_of, open_workspace_of


def cmd_wizard(args: argparse.Namespace) -> int:
    from app.domain.scoping import recommend
    from app.services.scoping import apply_scoping, read_answers_file

    answers = read_answers_file(Path(args.answers))
    if args.apply and not args.engagement:
        raise CommandError("--apply needs --engagement ENG")
    if args.engagement and not args.apply:
        raise CommandError("--engagement is only used with --apply")
    recommendation = recommend(answers, date.today())
    if args.apply:
        workspace = open_workspace_of(args)
        engagement = apply_scoping(workspace, engagement_id_of(workspace, args.engagement), answers)
    if args.json:
        emit(recommendation.as_dict())
        return 0
    reports = " + ".join(recommendation.reports) or "No SOC report indicated"
    type_text = "Type 1 now, Type 2 afterwards" if recommendation.then_type2 else recommendation.report_type
    sys.stdout.write(f"Recommendation: {reports} — {type_text}\n")
    if recommendation.categories:
        sys.stdout.write(f"Categories: {', '.join(recommendation.categories)}\n")
    if recommendation.observation_months:
        sys.stdout.write(f"Review period: {recommendation.observation_months} months\n")
    sys.stdout.write("\nWhy:\n" + "".join(f"  - {line}\n" for line in recommendation.rationale))
    if recommendation.warnings:
        sys.stdout.write("\nWarnings:\n" + "".join(f"  ! {line}\n" for line in recommendation.warnings))
    if args.apply:
        sys.stdout.write(f"\nApplied to engagement {engagement.name}.\n")
    return 0


def register(commands: Any) -> None:
    wizard = command(
        commands,
        "wizard",
        "recommend SOC 1/SOC 2, Type 1/Type 2 and categories",
        cmd_wizard,
        json_output=True,
    )
    wizard.add_argument("--answers", required=True, metavar="FILE.json", help="the scoping answers")
    wizard.add_argument("--engagement", metavar="ENG", help="with --apply: the engagement to scope")
    wizard.add_argument("--apply", action="store_true", help="store the answers and apply the scope")
