"""The ``soc-workbench`` command: the window by default, subcommands for headless work.

Grammar: ``soc-workbench [--data-dir DIR] COMMAND [SUBCOMMAND] [options]``;
``--data-dir`` is also accepted after the command or subcommand. ``--json``
prints machine-readable output. Exit 0 on success, 1 when the data or a file
refuses the request (with one line on stderr and nothing written), 2 when the
command line cannot be parsed.
"""

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app import __version__
from app.domain.controls import CONTROL_FIELDS

if TYPE_CHECKING:
    from app.services.workspace import Workspace

PROG = "soc-workbench"
Handler = Callable[[argparse.Namespace], int]


class CommandError(Exception):
    """A refusal to report on stderr with exit status 1."""


def _day(text: str) -> date:
    from app.domain.periods import parse_day

    try:
        return parse_day(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _choices(enum_name: str) -> list[str]:
    from app.domain import vocab

    return [member.value for member in getattr(vocab, enum_name)]


def _emit(value: Any) -> None:
    sys.stdout.write(json.dumps(value, indent=2, ensure_ascii=False, default=str) + "\n")


def _table(rows: Sequence[Sequence[str]], headers: Sequence[str]) -> None:
    """Aligned plain-text columns; the last column is never padded."""
    if not rows:
        return
    widths = [max(len(headers[i]), *(len(row[i]) for row in rows)) for i in range(len(headers) - 1)]
    for line in (headers, *rows):
        cells = [cell.ljust(width) for cell, width in zip(line[:-1], widths, strict=True)]
        sys.stdout.write("  ".join([*cells, line[-1]]).rstrip() + "\n")


def _workspace(args: argparse.Namespace) -> "Workspace":
    from app.services.workspace import open_workspace

    return open_workspace(args.data_dir)


def _engagement_id(workspace: "Workspace", key: str) -> int:
    from app.services.engagements import find_engagement

    engagement = find_engagement(workspace, key)
    assert engagement.id is not None
    return engagement.id


# --- criteria -------------------------------------------------------------------------------


def cmd_criteria(args: argparse.Namespace) -> int:
    from app.domain.catalog import load_catalog
    from app.domain.vocab import canonical_category

    catalog = load_catalog()
    criteria = catalog.criteria
    if args.category:
        try:
            category = canonical_category(args.category)
        except ValueError as error:
            raise CommandError(str(error)) from None
        criteria = catalog.in_category(category)
    if args.json:
        _emit(
            [
                {
                    "id": c.id,
                    "category": c.category,
                    "group": c.group,
                    "coso_principle": c.coso_principle,
                    "title": c.title,
                    "about": c.about,
                }
                for c in criteria
            ]
        )
    else:
        _table([(c.id, c.category, c.title) for c in criteria], ("ID", "Category", "Title"))
    return 0


# --- engagement ------------------------------------------------------------------------------


def cmd_engagement_create(args: argparse.Namespace) -> int:
    from app.services.engagements import create_engagement, engagement_as_dict

    engagement = create_engagement(
        _workspace(args),
        name=args.name,
        company=args.company or "",
        period_start=args.period_start,
        period_end=args.period_end,
        as_of_date=args.as_of,
        auditor_firm=args.auditor or "",
    )
    if args.json:
        _emit(engagement_as_dict(engagement))
    else:
        sys.stdout.write(f"Created engagement {engagement.id}: {engagement.name}\n")
    return 0


def cmd_engagement_list(args: argparse.Namespace) -> int:
    from app.domain.periods import describe_scope
    from app.services.engagements import engagement_as_dict, list_engagements

    engagements = list_engagements(_workspace(args))
    if args.json:
        _emit([engagement_as_dict(e) for e in engagements])
    elif not engagements:
        sys.stdout.write("No engagements yet; create one with: soc-workbench engagement create --name NAME\n")
    else:
        _table(
            [
                (
                    str(e.id),
                    e.name,
                    e.company,
                    describe_scope(e.report_kinds, e.report_type, e.period_start, e.period_end, e.as_of_date),
                )
                for e in engagements
            ],
            ("ID", "Name", "Company", "Scope"),
        )
    return 0


def cmd_engagement_show(args: argparse.Namespace) -> int:
    from app.domain.periods import describe_scope
    from app.services.engagements import engagement_as_dict, engagement_counts, find_engagement

    workspace = _workspace(args)
    engagement = find_engagement(workspace, args.engagement)
    assert engagement.id is not None
    values = engagement_as_dict(engagement) | engagement_counts(workspace, engagement.id)
    if args.json:
        _emit(values)
        return 0
    scope = describe_scope(
        engagement.report_kinds,
        engagement.report_type,
        engagement.period_start,
        engagement.period_end,
        engagement.as_of_date,
    )
    lines = [
        ("Engagement", f"{engagement.id}: {engagement.name}"),
        ("Company", engagement.company),
        ("System", engagement.system_name),
        ("Scope", scope),
        ("Categories", ", ".join(engagement.categories)),
        ("Auditor", engagement.auditor_firm),
        ("Controls", str(values["controls"])),
        ("Evidence", str(values["evidence"])),
    ]
    for label, value in lines:
        sys.stdout.write(f"{label + ':':<12} {value}\n")
    return 0


def cmd_engagement_rename(args: argparse.Namespace) -> int:
    from app.services.engagements import rename_engagement

    workspace = _workspace(args)
    engagement = rename_engagement(workspace, _engagement_id(workspace, args.engagement), args.new_name)
    sys.stdout.write(f"Renamed engagement {engagement.id} to {engagement.name}\n")
    return 0


def cmd_engagement_delete(args: argparse.Namespace) -> int:
    from app.services.engagements import delete_engagement, engagement_counts, find_engagement

    workspace = _workspace(args)
    engagement = find_engagement(workspace, args.engagement)
    assert engagement.id is not None
    counts = engagement_counts(workspace, engagement.id)
    if not args.yes:
        raise CommandError(
            f"deleting {engagement.name!r} removes its {counts['controls']} controls and "
            f"{counts['evidence']} evidence records; add --yes to confirm"
        )
    delete_engagement(workspace, engagement.id)
    sys.stdout.write(f"Deleted engagement {engagement.name}\n")
    return 0


# --- controls --------------------------------------------------------------------------------


def cmd_controls_add(args: argparse.Namespace) -> int:
    from app.services.controls import add_control

    workspace = _workspace(args)
    fields = {
        name: getattr(args, name)
        for name in ("description", "owner", "frequency", "nature", "control_type", "status")
        if getattr(args, name) is not None
    }
    if args.key:
        fields["is_key"] = True
    row = add_control(
        workspace,
        engagement_id=_engagement_id(workspace, args.engagement),
        ref=args.ref,
        title=args.title,
        criteria=args.criteria or "",
        **fields,
    )
    if args.json:
        _emit(row.as_dict())
    else:
        sys.stdout.write(f"Added control {row.ref}: {row.title}\n")
    return 0


def _option(name: str) -> str:
    return "--" + name.replace("_", "-")


def cmd_controls_show(args: argparse.Namespace) -> int:
    from app.services.controls import find_control

    workspace = _workspace(args)
    row = find_control(workspace, engagement_id=_engagement_id(workspace, args.engagement), ref=args.ref)
    if args.json:
        _emit(row.as_dict())
    else:
        for spec in CONTROL_FIELDS:
            sys.stdout.write(f"{spec.label + ':':<30} {row.text(spec.name)}\n")
    return 0


def cmd_controls_set(args: argparse.Namespace) -> int:
    from app.services.controls import find_control, update_control

    workspace = _workspace(args)
    row = find_control(workspace, engagement_id=_engagement_id(workspace, args.engagement), ref=args.ref)
    changes = {
        spec.name: getattr(args, f"set_{spec.name}")
        for spec in CONTROL_FIELDS
        if getattr(args, f"set_{spec.name}") is not None
    }
    if not changes:
        raise CommandError("nothing to change: give at least one field, e.g. --status implemented")
    updated = update_control(workspace, row.id, **changes)
    if args.json:
        _emit(updated.as_dict())
    else:
        sys.stdout.write(f"Updated control {updated.ref}: {', '.join(sorted(changes))}\n")
    return 0


def cmd_controls_delete(args: argparse.Namespace) -> int:
    from app.services.controls import delete_controls, find_control

    workspace = _workspace(args)
    row = find_control(workspace, engagement_id=_engagement_id(workspace, args.engagement), ref=args.ref)
    if not args.yes:
        raise CommandError(f"deleting {row.ref} removes it and its criteria mappings; add --yes to confirm")
    delete_controls(workspace, [row.id])
    sys.stdout.write(f"Deleted control {row.ref}\n")
    return 0


def cmd_controls_list(args: argparse.Namespace) -> int:
    from app.services.controls import list_controls

    workspace = _workspace(args)
    rows = list_controls(
        workspace, engagement_id=_engagement_id(workspace, args.engagement), category=args.category
    )
    if args.json:
        _emit([row.as_dict() for row in rows])
    elif not rows:
        sys.stdout.write("No controls.\n")
    else:
        _table(
            [(r.ref, r.text("status"), r.owner, r.text("criteria"), r.title) for r in rows],
            ("Ref", "Status", "Owner", "Criteria", "Title"),
        )
    return 0


def cmd_controls_seed(args: argparse.Namespace) -> int:
    from app.services.seeding import seed_engagement

    workspace = _workspace(args)
    result = seed_engagement(workspace, engagement_id=_engagement_id(workspace, args.engagement))
    if args.json:
        _emit(result.as_dict())
        return 0
    sys.stdout.write(
        f"Added {len(result.added_controls)} controls and {len(result.added_objectives)} objectives from the "
        f"starter library; {len(result.skipped_controls)} controls and {len(result.skipped_objectives)} "
        "objectives were already there and were left as they are.\n"
    )
    return 0


def cmd_controls_import(args: argparse.Namespace) -> int:
    from app.services.control_import import apply_import, plan_import

    workspace = _workspace(args)
    plan = plan_import(
        workspace,
        engagement_id=_engagement_id(workspace, args.engagement),
        path=Path(args.file),
        remove_missing=not args.keep_missing,
    )
    result = apply_import(workspace, plan) if args.yes and not plan.is_empty else None
    if args.json:
        _emit(plan.as_dict() | {"applied": result is not None})
        return 0
    sys.stdout.write("".join(f"{line}\n" for line in plan.lines()))
    counts = plan.counts
    if plan.is_empty:
        sys.stdout.write("The workbook matches the engagement; nothing to import.\n")
    elif result is None:
        sys.stdout.write(f"\nWould import: {counts}. Nothing was written; add --yes to apply.\n")
    else:
        sys.stdout.write(f"\nImported: {counts}.\n")
    return 0


# --- readiness -------------------------------------------------------------------------------


def cmd_readiness(args: argparse.Namespace) -> int:
    from app.services.readiness import engagement_readiness

    workspace = _workspace(args)
    report = engagement_readiness(
        workspace, engagement_id=_engagement_id(workspace, args.engagement), today=args.today
    )
    if args.json:
        _emit(report.as_dict())
        return 0
    _table(
        [
            (
                c.category,
                str(c.criteria_in_scope),
                str(c.criteria_covered),
                str(c.criteria_ready),
                f"{c.readiness:.0%}",
            )
            for c in report.categories
        ],
        ("Category", "Criteria", "Covered", "Ready", "Readiness"),
    )
    if report.objectives:
        sys.stdout.write("\n")
        _table(
            [(o.ref, str(o.controls), str(o.ready), o.title) for o in report.objectives],
            ("Objective", "Controls", "Ready", "Title"),
        )
    sys.stdout.write(
        f"\nGaps ({len(report.gaps)}):\n" + "".join(f"  - {gap.message}\n" for gap in report.gaps)
    )
    return 0


# --- evidence --------------------------------------------------------------------------------


class _Progress:
    """Reports bytes copied on stderr when it is a terminal, at most a few times a second."""

    def __init__(self, verb: str) -> None:
        self.verb = verb
        self.shown = 0.0
        self.enabled = sys.stderr.isatty()

    def __call__(self, done: int, total: int) -> None:
        import time

        now = time.monotonic()
        if self.enabled and (now - self.shown > 0.25 or done == total):
            self.shown = now
            percent = 100 * done // total if total else 100
            sys.stderr.write(f"\r{self.verb} {done / 2**20:,.0f} of {total / 2**20:,.0f} MiB ({percent}%)")
            if done == total:
                sys.stderr.write("\n")


def cmd_evidence_add(args: argparse.Namespace) -> int:
    from app.services.evidence import add_evidence, control_ids_for_refs

    workspace = _workspace(args)
    engagement_id = _engagement_id(workspace, args.engagement)
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
        progress=_Progress("Copying"),
        skipped=skipped,
    )
    for item in skipped:
        sys.stderr.write(f"{PROG}: skipped {item}\n")
    if args.json:
        _emit([row.as_dict() for row in rows])
    else:
        for row in rows:
            sys.stdout.write(
                f"Added {row.file_name} ({row.sha256[:12]}…) as evidence {row.id}: {row.title}\n"
            )
    return 0


def cmd_evidence_list(args: argparse.Namespace) -> int:
    from app.services.controls import find_control
    from app.services.evidence import list_evidence

    workspace = _workspace(args)
    engagement_id = _engagement_id(workspace, args.engagement)
    control_id = (
        find_control(workspace, engagement_id=engagement_id, ref=args.control).id if args.control else None
    )
    rows = list_evidence(workspace, engagement_id=engagement_id, control_id=control_id)
    if args.json:
        _emit([row.as_dict() for row in rows])
    elif not rows:
        sys.stdout.write("No evidence.\n")
    else:
        _table(
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

    workspace = _workspace(args)
    engagement_id = _engagement_id(workspace, args.engagement) if args.engagement else None
    report = verify_evidence(workspace, engagement_id=engagement_id, progress=_Progress("Checking"))
    orphans = orphaned_content(workspace, repair=args.repair)
    for warning in report.warnings:
        sys.stderr.write(f"{PROG}: warning: {warning}\n")
    if orphans:
        done = "removed" if args.repair else "left; --repair removes them"
        sys.stderr.write(f"{PROG}: {len(orphans)} stored files belong to no evidence record ({done})\n")
    if args.json:
        _emit(report.as_dict())
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

    workspace = _workspace(args)
    rows = sampling_report(
        workspace, engagement_id=_engagement_id(workspace, args.engagement), today=args.today
    )
    if args.json:
        _emit([row.as_dict() for row in rows])
        return 0
    _table(
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


# --- exports ---------------------------------------------------------------------------------


def cmd_export(args: argparse.Namespace) -> int:
    from app.services.exports import KIND_NAMES, run_export

    workspace = _workspace(args)
    result = run_export(
        workspace,
        engagement_id=_engagement_id(workspace, args.engagement),
        kind=args.subcommand,
        target=Path(args.output),
        progress=_Progress("Exporting"),
    )
    if args.json:
        _emit(result.as_dict())
    else:
        sys.stdout.write(f"Wrote {result.path} ({KIND_NAMES[result.kind]})\nSHA-256 {result.sha256}\n")
    return 0


def cmd_export_history(args: argparse.Namespace) -> int:
    from app.services.exports import changes_since_last_package, export_history

    workspace = _workspace(args)
    engagement_id = _engagement_id(workspace, args.engagement)
    records = export_history(workspace, engagement_id=engagement_id)
    changes = changes_since_last_package(workspace, engagement_id=engagement_id)
    if args.json:
        _emit(
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
    _table(
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


# --- scoping wizard --------------------------------------------------------------------------


def cmd_wizard(args: argparse.Namespace) -> int:
    from app.domain.scoping import recommend
    from app.services.scoping import apply_scoping, read_answers_file

    answers = read_answers_file(Path(args.answers))
    if args.apply and not args.engagement:
        raise CommandError("--apply needs --engagement ENG")
    if args.engagement and not args.apply:
        raise CommandError("--engagement is only used with --apply")
    recommendation = recommend(answers)
    if args.apply:
        workspace = _workspace(args)
        engagement = apply_scoping(workspace, _engagement_id(workspace, args.engagement), answers)
    if args.json:
        _emit(recommendation.as_dict())
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


# --- the window ------------------------------------------------------------------------------


def run_gui(args: argparse.Namespace) -> int:
    from app.ui.application import run

    return run(args.data_dir, smoke_test=args.smoke_test)


# --- parser ----------------------------------------------------------------------------------


def _common(parser: argparse.ArgumentParser, *, json_output: bool = False) -> None:
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help="workspace folder (default: $SOC_WORKBENCH_DATA_DIR or the user data folder)",
    )
    if json_output:
        parser.add_argument("--json", action="store_true", help="print JSON")


def _group(subparsers: Any, name: str, help_text: str) -> Any:
    parser = subparsers.add_parser(name, help=help_text, description=help_text)
    _common(parser)
    return parser.add_subparsers(dest="subcommand", metavar="SUBCOMMAND", required=True)


def _command(
    subparsers: Any, name: str, help_text: str, handler: Handler, *, json_output: bool = False
) -> Any:
    parser = subparsers.add_parser(name, help=help_text, description=help_text)
    _common(parser, json_output=json_output)
    parser.set_defaults(handler=handler)
    return parser


def _top_parser() -> argparse.ArgumentParser:
    """The options that come before any command (all the window needs)."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="SOC Workbench: prepare a small company for its SOC 1 and SOC 2 audits. "
        "Without a command, opens the window.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--data-dir", metavar="DIR", default=None, help="workspace folder")
    parser.add_argument(
        "--smoke-test", action="store_true", help="open the main window, render it once and exit"
    )
    return parser


def _opens_the_window(argv: Sequence[str]) -> bool:
    """Whether the command line only opens the window (no command, no help), so the
    subcommands need not be built before the window starts."""
    tokens = iter(argv)
    for token in tokens:
        if token == "--data-dir":
            if next(tokens, None) is None:
                return False
        elif token != "--smoke-test" and not token.startswith("--data-dir="):
            return False
    return True


def build_parser() -> argparse.ArgumentParser:
    parser = _top_parser()
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    criteria = _command(
        commands, "criteria", "list the Trust Services Criteria", cmd_criteria, json_output=True
    )
    criteria.add_argument("--category", metavar="NAME", help="only this category (e.g. Security)")

    engagement = _group(commands, "engagement", "create, list, show, rename and delete engagements")
    create = _command(engagement, "create", "create an engagement", cmd_engagement_create, json_output=True)
    create.add_argument("--name", required=True)
    create.add_argument("--company")
    create.add_argument("--period-start", type=_day, metavar="YYYY-MM-DD")
    create.add_argument("--period-end", type=_day, metavar="YYYY-MM-DD")
    create.add_argument("--as-of", type=_day, metavar="YYYY-MM-DD", help="as-of date of a Type 1")
    create.add_argument("--auditor", metavar="FIRM", help="the CPA firm")
    _command(engagement, "list", "list engagements", cmd_engagement_list, json_output=True)
    show = _command(engagement, "show", "show one engagement", cmd_engagement_show, json_output=True)
    show.add_argument("engagement", metavar="ENG", help="engagement id or exact name")
    rename = _command(engagement, "rename", "rename an engagement", cmd_engagement_rename)
    rename.add_argument("engagement", metavar="ENG")
    rename.add_argument("new_name", metavar="NEW_NAME")
    remove = _command(engagement, "delete", "delete an engagement and all it holds", cmd_engagement_delete)
    remove.add_argument("engagement", metavar="ENG")
    remove.add_argument("--yes", action="store_true", help="confirm the deletion")

    wizard = _command(
        commands,
        "wizard",
        "recommend SOC 1/SOC 2, Type 1/Type 2 and categories",
        cmd_wizard,
        json_output=True,
    )
    wizard.add_argument("--answers", required=True, metavar="FILE.json", help="the scoping answers")
    wizard.add_argument("--engagement", metavar="ENG", help="with --apply: the engagement to scope")
    wizard.add_argument("--apply", action="store_true", help="store the answers and apply the scope")

    controls = _group(commands, "controls", "work on an engagement's control matrix")
    add = _command(controls, "add", "add a control", cmd_controls_add, json_output=True)
    add.add_argument("--engagement", required=True, metavar="ENG")
    add.add_argument("--ref", required=True)
    add.add_argument("--title", required=True)
    add.add_argument("--description")
    add.add_argument("--criteria", metavar="IDS", help="comma-separated criterion IDs, e.g. CC6.1,CC6.2")
    add.add_argument("--owner")
    add.add_argument("--frequency", choices=_choices("Frequency"))
    add.add_argument("--nature", choices=_choices("Nature"))
    add.add_argument("--type", dest="control_type", choices=_choices("ControlType"))
    add.add_argument("--status", choices=_choices("Status"))
    add.add_argument("--key", action="store_true", help="mark as a key control")
    show_control = _command(
        controls, "show", "show every field of one control", cmd_controls_show, json_output=True
    )
    show_control.add_argument("--engagement", required=True, metavar="ENG")
    show_control.add_argument("--ref", required=True)
    change = _command(
        controls,
        "set",
        "change fields of one control (values as in the window)",
        cmd_controls_set,
        json_output=True,
    )
    change.add_argument("--engagement", required=True, metavar="ENG")
    change.add_argument("--ref", required=True, help="the control to change")
    special = {"ref": "--new-ref", "control_type": "--type", "is_key": "--key"}
    hints = {
        "criteria": "comma-separated IDs (replaces the mapping)",
        "bool": "yes or no",
        "date": "YYYY-MM-DD, or empty to clear",
    }
    for spec in CONTROL_FIELDS:
        choices = [member.value for member in spec.choices] if spec.choices is not None else None
        change.add_argument(
            special.get(spec.name, _option(spec.name)),
            dest=f"set_{spec.name}",
            choices=choices,
            metavar=None if choices else "TEXT",
            help=hints.get(spec.kind, spec.label.lower()),
        )
    remove_control = _command(controls, "delete", "delete one control", cmd_controls_delete)
    remove_control.add_argument("--engagement", required=True, metavar="ENG")
    remove_control.add_argument("--ref", required=True)
    remove_control.add_argument("--yes", action="store_true", help="confirm the deletion")
    listing = _command(controls, "list", "list controls", cmd_controls_list, json_output=True)
    listing.add_argument("--engagement", required=True, metavar="ENG")
    listing.add_argument("--category", metavar="NAME", help="only controls mapped to this category")
    importing = _command(
        controls,
        "import",
        "show what an edited SOC Workbench workbook changes; --yes applies it",
        cmd_controls_import,
        json_output=True,
    )
    importing.add_argument("--engagement", required=True, metavar="ENG")
    importing.add_argument("file", metavar="FILE.xlsx", help="a workbook exported by SOC Workbench")
    importing.add_argument("--yes", action="store_true", help="apply the changes shown, in one transaction")
    importing.add_argument(
        "--keep-missing",
        action="store_true",
        help="keep controls the workbook does not list (default: remove)",
    )
    seed = _command(
        controls,
        "seed",
        "copy the starter controls (and SOC 1 objectives) that fit the engagement's scope",
        cmd_controls_seed,
        json_output=True,
    )
    seed.add_argument("--engagement", required=True, metavar="ENG")

    evidence = _group(commands, "evidence", "attach, list and verify evidence files")
    add_files = _command(
        evidence,
        "add",
        "copy files into the evidence store and link them",
        cmd_evidence_add,
        json_output=True,
    )
    add_files.add_argument("--engagement", required=True, metavar="ENG")
    add_files.add_argument("--control", action="append", metavar="REF", help="control to link (repeatable)")
    add_files.add_argument(
        "--collected",
        type=_day,
        metavar="YYYY-MM-DD",
        help="when the evidence was produced (default: the file's modification date)",
    )
    add_files.add_argument("--title", help="title (default: the file name)")
    add_files.add_argument(
        "--covers-from", type=_day, metavar="YYYY-MM-DD", help="start of the period it covers"
    )
    add_files.add_argument("--covers-to", type=_day, metavar="YYYY-MM-DD", help="end of the period it covers")
    add_files.add_argument("--as-of", type=_day, metavar="YYYY-MM-DD", help="the date it shows a state as of")
    add_files.add_argument("--source", metavar="SYSTEM", help="the system it came from")
    add_files.add_argument("--notes")
    add_files.add_argument("files", nargs="+", metavar="FILE", help="files or folders")
    list_files = _command(evidence, "list", "list evidence", cmd_evidence_list, json_output=True)
    list_files.add_argument("--engagement", required=True, metavar="ENG")
    list_files.add_argument("--control", metavar="REF", help="only evidence linked to this control")
    verify = _command(
        evidence,
        "verify",
        "re-hash every stored file and report missing or altered ones",
        cmd_evidence_verify,
        json_output=True,
    )
    verify.add_argument("--engagement", metavar="ENG", help="only this engagement's evidence")
    verify.add_argument("--repair", action="store_true", help="remove stored files no evidence record uses")

    export = _group(commands, "export", "write the files handed to the auditor")
    for kind, text in (
        ("xlsx", "the control matrix workbook"),
        ("pdf", "the readiness checklist PDF"),
        ("evidence-index", "the evidence index PDF"),
        ("package", "the evidence package zip (workbook, checklists, evidence, manifest)"),
        ("scoping-memo", "the scoping memo PDF"),
    ):
        kind_parser = _command(export, kind, f"write {text}", cmd_export, json_output=True)
        kind_parser.add_argument("--engagement", required=True, metavar="ENG")
        kind_parser.add_argument("-o", "--output", required=True, metavar="PATH", help="the file to write")
    history = _command(
        export,
        "history",
        "exports made so far and what changed since the last package",
        cmd_export_history,
        json_output=True,
    )
    history.add_argument("--engagement", required=True, metavar="ENG")

    sampling = _command(
        commands, "sampling", "Type 2 samples and period coverage per control", cmd_sampling, json_output=True
    )
    sampling.add_argument("--engagement", required=True, metavar="ENG")
    sampling.add_argument("--today", type=_day, metavar="YYYY-MM-DD", help="the day coverage is judged on")

    readiness = _command(
        commands, "readiness", "readiness per category and the gap list", cmd_readiness, json_output=True
    )
    readiness.add_argument("--engagement", required=True, metavar="ENG")
    readiness.add_argument(
        "--today", type=_day, metavar="YYYY-MM-DD", help="the day overdue remediation is judged against"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if _opens_the_window(arguments):
        return run_gui(_top_parser().parse_args(arguments))
    args = build_parser().parse_args(arguments)
    from app.services.errors import WorkbenchError

    try:
        code = int(args.handler(args))
        sys.stdout.flush()
        return code
    except BrokenPipeError:  # the reader (head, a pager) stopped reading: end quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except (WorkbenchError, CommandError) as error:
        sys.stderr.write(f"{PROG}: {error}\n")
        return 1
    except KeyboardInterrupt:
        sys.stderr.write(f"{PROG}: interrupted; nothing further was written\n")
        return 1
