"""``wizard``: the scoping recommendation from an answers file, optionally applied to an engagement."""

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Any

from app.cli.common import CommandError, command, emit, engagement_id_of, open_workspace_of


def cmd_wizard(args: argparse.Namespace) -> int:
    from app.domain.periods import describe_period
    from app.domain.scoping import recommend
    from app.services.scoping import apply_scoping, read_answers_file

    answers = read_answers_file(Path(args.answers))
    if args.apply and not args.engagement:
        raise CommandError("--apply needs --engagement ENG")
    if args.engagement and not args.apply:
        raise CommandError("--engagement is only used with --apply")
    if args.replace_period and not args.apply:
        raise CommandError("--replace-period is only used with --apply")
    recommendation = recommend(answers, date.today())
    applied = None
    if args.apply:
        workspace = open_workspace_of(args)
        applied = apply_scoping(
            workspace,
            engagement_id_of(workspace, args.engagement),
            answers,
            replace_period=args.replace_period,
        )
    if args.json:
        result = recommendation.as_dict()
        if applied is not None:
            result["applied"] = {
                "engagement": applied.engagement.name,
                "period_kept": applied.period.kept,
                "message": applied.period.message,
            }
        emit(result)
        return 0
    reports = " + ".join(recommendation.reports) or "No SOC report indicated"
    type_text = "Type 1 now, Type 2 afterwards" if recommendation.then_type2 else recommendation.report_type
    sys.stdout.write(f"Recommendation: {reports} — {type_text}\n")
    if recommendation.categories:
        sys.stdout.write(f"Categories: {', '.join(recommendation.categories)}\n")
    if recommendation.period_start and recommendation.period_end:
        period = describe_period(recommendation.period_start, recommendation.period_end, None)
        renewal = " (a renewal, continuous with the last report)" if recommendation.renewal else ""
        sys.stdout.write(f"Review period: {recommendation.observation_months} months, {period}{renewal}\n")
    elif recommendation.as_of:
        sys.stdout.write(f"Report date: {describe_period(None, None, recommendation.as_of)}\n")
    sys.stdout.write("\nWhy:\n" + "".join(f"  - {line}\n" for line in recommendation.rationale))
    if recommendation.consider:
        sys.stdout.write(
            "\nWorth considering:\n"
            + "".join(f"  ? {item.report}: {item.reason}\n" for item in recommendation.consider)
        )
    if recommendation.warnings:
        sys.stdout.write("\nWarnings:\n" + "".join(f"  ! {line}\n" for line in recommendation.warnings))
    if applied is not None:
        sys.stdout.write(f"\nApplied to engagement {applied.engagement.name}. {applied.period.message}\n")
        if applied.period.kept:
            sys.stdout.write("Add --replace-period to use the suggested dates instead.\n")
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
    wizard.add_argument(
        "--replace-period",
        action="store_true",
        help="with --apply: replace the engagement's review period or as-of date by the suggested one "
        "(dates you set are kept otherwise)",
    )
