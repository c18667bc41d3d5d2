"""``engagement``: create, list, show, rename, delete and roll forward engagements; move one as a bundle."""

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
    group,
    open_workspace_of,
    parse_day_arg,
    table,
)
from app.domain.rollforward import NOT_CARRIED
from app.domain.wording import counted


def cmd_engagement_create(args: argparse.Namespace) -> int:
    from app.services.engagements import create_engagement

    engagement = create_engagement(
        open_workspace_of(args, create=True),
        name=args.name,
        company=args.company or "",
        period_start=args.period_start,
        period_end=args.period_end,
        as_of_date=args.as_of,
        auditor_firm=args.auditor or "",
    )
    if args.json:
        emit(engagement.as_dict())
    else:
        sys.stdout.write(f"Created engagement {engagement.id}: {engagement.name}\n")
    return 0


def cmd_engagement_list(args: argparse.Namespace) -> int:
    from app.services.engagements import list_engagements

    engagements = list_engagements(open_workspace_of(args))
    if args.json:
        emit([e.as_dict() for e in engagements])
    elif not engagements:
        sys.stdout.write("No engagements yet; create one with: soc-workbench engagement create --name NAME\n")
    else:
        table(
            [(str(e.id), e.name, e.company, e.scope_words) for e in engagements],
            ("ID", "Name", "Company", "Scope"),
        )
    return 0


def cmd_engagement_show(args: argparse.Namespace) -> int:
    from app.services.engagements import engagement_counts, find_engagement

    workspace = open_workspace_of(args)
    engagement = find_engagement(workspace, args.engagement)
    counts = engagement_counts(workspace, engagement.id)
    if args.json:
        emit(engagement.as_dict() | counts)
        return 0
    lines = [
        ("Engagement", f"{engagement.id}: {engagement.name}"),
        ("Company", engagement.company),
        ("System", engagement.system_name),
        ("Scope", engagement.scope_words),
        ("Categories", ", ".join(engagement.categories)),
        ("Auditor", engagement.auditor_firm),
        ("Controls", str(counts["controls"])),
        ("Evidence", str(counts["evidence"])),
    ]
    for label, value in lines:
        sys.stdout.write(f"{label + ':':<12} {value}\n")
    return 0


def cmd_engagement_rename(args: argparse.Namespace) -> int:
    from app.services.engagements import rename_engagement

    workspace = open_workspace_of(args)
    engagement = rename_engagement(workspace, engagement_id_of(workspace, args.engagement), args.new_name)
    sys.stdout.write(f"Renamed engagement {engagement.id} to {engagement.name}\n")
    return 0


def cmd_engagement_delete(args: argparse.Namespace) -> int:
    from app.services.engagements import delete_engagement, engagement_counts, find_engagement

    workspace = open_workspace_of(args)
    engagement = find_engagement(workspace, args.engagement)
    counts = engagement_counts(workspace, engagement.id)
    if not args.yes:
        raise CommandError(
            f"deleting {engagement.name!r} removes its {counts['controls']} controls and "
            f"{counts['evidence']} evidence records; add --yes to confirm"
        )
    delete_engagement(workspace, engagement.id)
    sys.stdout.write(f"Deleted engagement {engagement.name}\n")
    return 0


def cmd_engagement_roll_forward(args: argparse.Namespace) -> int:
    from app.services.rollforward import roll_forward

    workspace = open_workspace_of(args)
    engagement_id = engagement_id_of(workspace, args.engagement)
    result = roll_forward(workspace, engagement_id=engagement_id, name=args.name)
    if args.json:
        emit(result.as_dict())
        return 0
    plan, counts = result.plan, result.counts
    prior = ", ".join(f"{p.report} {p.type} to {p.period_end}" for p in plan.prior_reports)
    sys.stdout.write(
        f"Created engagement {result.engagement.id}: {plan.name}, {plan.report_type} "
        f"{plan.period_start} to {plan.period_end}; prior report: {prior}\n"
        f"Carried: {counted(counts['controls'], 'control')} "
        f"({counted(counts['open_exceptions'], 'open exception')}, "
        f"{counted(counts['open_remediation'], 'open remediation item')}, "
        f"{counted(counts['exceptions_found'], 'exception')} found in testing noted), "
        f"{counted(counts['objectives'], 'objective')}, {counted(counts['cuecs'], 'CUEC')}, "
        f"{counted(counts['subservice_orgs'], 'subservice organization')}, "
        f"{counted(counts['policies'], 'policy', 'policies')}, "
        f"{counted(counts['staff'], 'person', 'people')}, "
        f"{counted(counts['acknowledgements'], 'acknowledgement')}\n"
        f"Not carried: {'; '.join(NOT_CARRIED)}\n"
    )
    return 0


def cmd_engagement_export_bundle(args: argparse.Namespace) -> int:
    from app.services.bundles import export_bundle

    workspace = open_workspace_of(args)
    engagement_id = engagement_id_of(workspace, args.engagement)
    target = Path(args.output)
    export_bundle(workspace, engagement_id=engagement_id, target=target, progress=Progress("Writing"))
    sys.stdout.write(f"Wrote {target}\n")
    return 0


def cmd_engagement_import_bundle(args: argparse.Namespace) -> int:
    from app.services.bundles import import_bundle

    engagement = import_bundle(open_workspace_of(args, create=True), Path(args.file))
    if args.json:
        emit(engagement.as_dict())
    else:
        sys.stdout.write(f"Imported engagement {engagement.id}: {engagement.name}\n")
    return 0


def register(commands: Any) -> None:
    engagement = group(
        commands, "engagement", "create, list, show, rename, delete and roll forward engagements"
    )
    create = command(engagement, "create", "create an engagement", cmd_engagement_create, json_output=True)
    create.add_argument("--name", required=True, help="the engagement's name (for example company and year)")
    create.add_argument("--company", help="the company's name")
    create.add_argument(
        "--period-start", type=parse_day_arg, metavar="YYYY-MM-DD", help="review period start"
    )
    create.add_argument("--period-end", type=parse_day_arg, metavar="YYYY-MM-DD", help="review period end")
    create.add_argument("--as-of", type=parse_day_arg, metavar="YYYY-MM-DD", help="as-of date of a Type 1")
    create.add_argument("--auditor", metavar="FIRM", help="the CPA firm")
    command(engagement, "list", "list engagements", cmd_engagement_list, json_output=True)
    show = command(engagement, "show", "show one engagement", cmd_engagement_show, json_output=True)
    show.add_argument("engagement", metavar="ENG", help="engagement id or exact name")
    rename = command(engagement, "rename", "rename an engagement", cmd_engagement_rename)
    rename.add_argument("engagement", metavar="ENG", help="engagement id or exact name")
    rename.add_argument("new_name", metavar="NEW_NAME", help="the new name")
    remove = command(engagement, "delete", "delete an engagement and all it holds", cmd_engagement_delete)
    remove.add_argument("engagement", metavar="ENG", help="engagement id or exact name")
    remove.add_argument("--yes", action="store_true", help="confirm the deletion")
    forward = command(
        engagement,
        "roll-forward",
        "start the next period's engagement from this one (the old one is left as it is)",
        cmd_engagement_roll_forward,
        json_output=True,
    )
    forward.add_argument("engagement", metavar="ENG", help="engagement id or exact name")
    forward.add_argument("--name", required=True, help="the new engagement's name, e.g. 'Acme SOC 2 FY2026'")
    export = command(
        engagement,
        "export-bundle",
        "write one file (.socwb) with the engagement's data and evidence, to move or hand over",
        cmd_engagement_export_bundle,
    )
    export.add_argument("engagement", metavar="ENG", help="engagement id or exact name")
    export.add_argument("-o", "--output", required=True, metavar="FILE.socwb", help="the file to write")
    imported = command(
        engagement,
        "import-bundle",
        "add the engagement a .socwb file holds (as a copy when the name is taken)",
        cmd_engagement_import_bundle,
        json_output=True,
    )
    imported.add_argument("file", metavar="FILE", help="the .socwb file")
