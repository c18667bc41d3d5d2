"""``evidence``: attach, list and verify evidence files; ``sampling``: Type 2 samples and coverage."""

import argparse
import sys
from typing import Any

from app.cli.common import (
    PROG,
    Progress,
    command,
    emit,
    engagement_id_of,
    engagement_option,
    group,
    open_workspace_of,
    parse_day_arg,
    table,
)


def cmd_evidence_add(args: argparse.Namespace) -> int:
    from app.services.evidence import add_evidence, control_ids_for_refs

    workspace = open_workspace_of(args)
    engagement_id = engagement_id_of(workspace, args.engagement)
    control_ids = control_ids_for_refs(workspace, engagement_id, args.control or [])
    skipped: list[str] = []
    rows = add_evidence(
        workspace,
        engagement_id=engagement_id,
        files=args.files,
        control_ids=control_ids,
        collected_on=args.collected,
        title=args.title,
        covers_from=args.covers_from,
        covers_to=args.covers_to,
        as_of=args.as_of,
        source_system=args.source or "",
        notes=args.notes or "",
        progress=Progress("Copying"),
        skipped=skipped,
    )
    for item in skipped:
        sys.stderr.write(f"{PROG}: skipped {item}\n")
    if args.json:
        emit([row.as_dict() for row in rows])
    else:
        for row in rows:
            sys.stdout.write(
                f"Added {row.file_name} ({row.sha256[:12]}…) as evidence {row.id}: {row.title}\n"
            )
    return 0


def cmd_evidence_list(args: argparse.Namespace) -> int:
    from app.services.controls import find_control
    from app.services.evidence import list_evidence

    workspace = open_workspace_of(args)
    engagement_id = engagement_id_of(workspace, args.engagement)
    control_id = (
        find_control(workspace, engagement_id=engagement_id, ref=args.control).id if args.control else None
    )
    rows = list_evidence(workspace, engagement_id=engagement_id, control_id=control_id)
    if args.json:
        emit([row.as_dict() for row in rows])
    elif not rows:
        sys.stdout.write("No evidence.\n")
    else:
        table(
            [
                (
                    str(r.id),
                    r.collected_on.isoformat() if r.collected_on else "",
                    r.sha256[:12],
                    ", ".join(r.controls),
                    r.title,
                )
                for r in rows
            ],
            ("ID", "Collected", "SHA-256", "Controls", "Title"),
        )
    return 0


def cmd_evidence_verify(args: argparse.Namespace) -> int:
    from app.services.evidence import orphaned_content, verify_evidence

    workspace = open_workspace_of(args)
    engagement_id = engagement_id_of(workspace, args.engagement) if args.engagement else None
    report = verify_evidence(workspace, engagement_id=engagement_id, progress=Progress("Checking"))
    orphans = orphaned_content(workspace, repair=args.repair)
    for warning in report.warnings:
        sys.stderr.write(f"{PROG}: warning: {warning}\n")
    if orphans:
        done = "removed" if args.repair else "left; --repair removes them"
        sys.stderr.write(f"{PROG}: {len(orphans)} stored files belong to no evidence record ({done})\n")
    if args.json:
        emit(report.as_dict())
    for problem in report.problems:
        if not args.json:
            sys.stdout.write(f"{problem.status}\t{problem.sha256}\t{problem.file_name}\t{problem.title}\n")
    checked = len(report.results)
    if report.intact:
        if not args.json:
            sys.stdout.write(f"All {checked} evidence files are intact.\n")
        return 0
    sys.stderr.write(f"{PROG}: {len(report.problems)} of {checked} evidence files are missing or altered\n")
    return 1


def cmd_sampling(args: argparse.Namespace) -> int:
    from app.domain.vocab import label
    from app.services.sampling import sampling_report

    workspace = open_workspace_of(args)
    rows = sampling_report(
        workspace, engagement_id=engagement_id_of(workspace, args.engagement), today=args.today
    )
    if args.json:
        emit([row.as_dict() for row in rows])
        return 0
    table(
        [
            (
                r.ref,
                label(r.frequency) if r.frequency else "",
                "" if r.expected_occurrences is None else str(r.expected_occurrences),
                "" if r.suggested_sample is None else str(r.suggested_sample),
                ", ".join(s.label for s in r.slices if s.covered) or "—",
                ", ".join(s.label for s in r.slices if s.missing) or "—",
            )
            for r in rows
        ],
        ("Ref", "Frequency", "Expected", "Sample", "Covered", "Missing"),
    )
    return 0


def register(commands: Any) -> None:
    evidence = group(commands, "evidence", "attach, list and verify evidence files")
    add = command(
        evidence,
        "add",
        "copy files into the evidence store and link them",
        cmd_evidence_add,
        json_output=True,
    )
    engagement_option(add)
    add.add_argument("--control", action="append", metavar="REF", help="control to link (repeatable)")
    add.add_argument(
        "--collected",
        type=parse_day_arg,
        metavar="YYYY-MM-DD",
        help="when the evidence was produced (default: the file's modification date)",
    )
    add.add_argument("--title", help="title (default: the file name)")
    add.add_argument(
        "--covers-from", type=parse_day_arg, metavar="YYYY-MM-DD", help="start of the period it covers"
    )
    add.add_argument(
        "--covers-to", type=parse_day_arg, metavar="YYYY-MM-DD", help="end of the period it covers"
    )
    add.add_argument(
        "--as-of", type=parse_day_arg, metavar="YYYY-MM-DD", help="the date it shows a state as of"
    )
    add.add_argument("--source", metavar="SYSTEM", help="the system it came from")
    add.add_argument("--notes", help="notes on the evidence")
    add.add_argument("files", nargs="+", metavar="FILE", help="files or folders")
    listing = command(evidence, "list", "list evidence", cmd_evidence_list, json_output=True)
    engagement_option(listing)
    listing.add_argument("--control", metavar="REF", help="only evidence linked to this control")
    verify = command(
        evidence,
        "verify",
        "re-hash every stored file and report missing or altered ones",
        cmd_evidence_verify,
        json_output=True,
    )
    verify.add_argument("--engagement", metavar="ENG", help="only this engagement's evidence")
    verify.add_argument("--repair", action="store_true", help="remove stored files no evidence record uses")

    sampling = command(
        commands, "sampling", "Type 2 samples and period coverage per control", cmd_sampling, json_output=True
    )
    engagement_option(sampling)
    sampling.add_argument(
        "--today", type=parse_day_arg, metavar="YYYY-MM-DD", help="the day coverage is judged on"
    )
