"""``controls``: add, list, show, change, delete, seed and import the controls of the matrix.

The options naming a control's fields are made from the field declaration
(:data:`app.domain.controls.CONTROL_FIELDS`): a field added there is an option here.
"""

import argparse
import sys
from pathlib import Path
from typing import Any

from app.cli.common import (
    CommandError,
    command,
    emit,
    engagement_id_of,
    engagement_option,
    group,
    open_workspace_of,
    table,
)
from app.domain.controls import CONTROL_FIELDS, FieldSpec, field_spec
from app.domain.wording import counted

OPTION_NAMES = {"control_type": "--type", "is_key": "--key"}
"""Options named otherwise than their field (``--new-ref`` on ``controls set`` is the ref)."""
KIND_HINTS = {
    "criteria": "comma-separated criterion IDs, e.g. CC6.1,CC6.2",
    "bool": "yes or no",
    "date": "YYYY-MM-DD, or empty to clear",
}
FIELD_DEST = "field_"


def _field_values(args: argparse.Namespace) -> dict[str, Any]:
    """The fields given on the command line, by field name."""
    return {
        spec.name: value
        for spec in CONTROL_FIELDS
        if (value := getattr(args, FIELD_DEST + spec.name, None)) is not None
    }


def _field_options(parser: argparse.ArgumentParser, *, adding: bool) -> None:
    """One option per field: ``--owner``, ``--frequency``... (``--ref`` and ``--title`` required to add)."""
    for spec in CONTROL_FIELDS:
        name = OPTION_NAMES.get(spec.name, "--" + spec.name.replace("_", "-"))
        if spec.name == "ref" and not adding:
            name = "--new-ref"
        _field_option(parser, spec, name, adding=adding)


def choice_value(field: str) -> Any:
    """An argparse type taking a vocabulary value (``not-started``) or its words (``"Not started"``)."""
    from app.domain.vocab import label, parse_choice

    spec = field_spec(field)
    assert spec.choices is not None
    choices = spec.choices

    def parse(text: str) -> str:
        try:
            return parse_choice(choices, text).value
        except ValueError:
            words = ", ".join(f"{m.value} ({label(m.value)})" for m in choices)
            raise argparse.ArgumentTypeError(
                f"{text!r} is not a {spec.label.lower()}; use one of: {words}"
            ) from None

    parse.__name__ = spec.label.lower()
    return parse


def _choice_help(spec: FieldSpec) -> str:
    from app.domain.vocab import label

    assert spec.choices is not None
    values = ", ".join(member.value for member in spec.choices)
    first = next(iter(spec.choices)).value
    return f"{spec.label.lower()}: one of {values}; the workbook's words work too, e.g. “{label(first)}”"


def _field_option(parser: argparse.ArgumentParser, spec: FieldSpec, name: str, *, adding: bool) -> None:
    destination = FIELD_DEST + spec.name
    if adding and spec.kind == "bool":
        parser.add_argument(
            name,
            dest=destination,
            action="store_const",
            const=True,
            help=f"mark as {spec.label.lower()} control",
        )
        return
    if spec.choices is not None:
        parser.add_argument(
            name,
            dest=destination,
            type=choice_value(spec.name),
            metavar=spec.label.upper().replace(" ", "_"),
            help=_choice_help(spec),
        )
        return
    hint = KIND_HINTS.get(spec.kind, f"the control's {spec.label.lower()}")
    parser.add_argument(
        name,
        dest=destination,
        required=adding and spec.name in ("ref", "title"),
        metavar="TEXT",
        help=hint + (" (replaces the mapping)" if spec.kind == "criteria" and not adding else ""),
    )


def cmd_controls_add(args: argparse.Namespace) -> int:
    from app.services.controls import add_control

    workspace = open_workspace_of(args)
    fields = _field_values(args)
    row = add_control(
        workspace,
        engagement_id=engagement_id_of(workspace, args.engagement),
        ref=fields.pop("ref"),
        title=fields.pop("title"),
        criteria=fields.pop("criteria", ""),
        **fields,
    )
    if args.json:
        emit(row.as_dict())
    else:
        sys.stdout.write(f"Added control {row.ref}: {row.title}\n")
    return 0


def cmd_controls_show(args: argparse.Namespace) -> int:
    from app.services.controls import find_control

    workspace = open_workspace_of(args)
    row = find_control(workspace, engagement_id=engagement_id_of(workspace, args.engagement), ref=args.ref)
    if args.json:
        emit(row.as_dict())
    else:
        for spec in CONTROL_FIELDS:
            sys.stdout.write(f"{spec.label + ':':<30} {row.text(spec.name)}\n")
    return 0


def _chosen_controls(workspace: Any, engagement_id: int, args: argparse.Namespace) -> list[Any]:
    """The controls ``controls set`` changes: those named by ref, or those the filters select."""
    from app.services.controls import list_controls
    from app.services.evidence import control_ids_for_refs

    refs = [*args.refs, *(args.ref or [])]
    filters = args.all or args.category is not None or args.with_status is not None
    if refs and filters:
        raise CommandError("give either refs or the filters --all, --category and --with-status, not both")
    if not refs and not filters:
        raise CommandError("say which controls to change: their refs, or --all, --category or --with-status")
    rows = list_controls(workspace, engagement_id=engagement_id, category=args.category)
    if refs:
        wanted = control_ids_for_refs(workspace, engagement_id, refs)
        by_id = {row.id: row for row in rows}
        return [by_id[control_id] for control_id in dict.fromkeys(wanted)]
    return [row for row in rows if args.with_status is None or row.status == args.with_status]


def cmd_controls_set(args: argparse.Namespace) -> int:
    from app.services.controls import update_controls

    workspace = open_workspace_of(args)
    engagement_id = engagement_id_of(workspace, args.engagement)
    changes = _field_values(args)
    if not changes:
        raise CommandError("nothing to change: give at least one field, e.g. --status implemented")
    rows = _chosen_controls(workspace, engagement_id, args)
    if not rows:
        raise CommandError("no control matches the filters; nothing was changed")
    if "ref" in changes and len(rows) != 1:
        raise CommandError(f"--new-ref gives one control a new ref, but {len(rows)} controls were chosen")
    if args.if_version is not None and len(rows) != 1:
        raise CommandError(f"--if-version checks one control, but {len(rows)} controls were chosen")
    versions = None if args.if_version is None else {rows[0].id: args.if_version}
    updated = update_controls(workspace, [row.id for row in rows], versions=versions, **changes)
    single = len(updated) == 1 and len([*args.refs, *(args.ref or [])]) == 1
    fields = ", ".join(sorted(changes))
    if args.json:
        emit(updated[0].as_dict() if single else [row.as_dict() for row in updated])
    elif single:
        sys.stdout.write(f"Updated control {updated[0].ref}: {fields}\n")
    else:
        refs = ", ".join(row.ref for row in updated)
        sys.stdout.write(f"Updated {len(updated)} controls ({refs}): {fields}\n")
    return 0


def cmd_controls_delete(args: argparse.Namespace) -> int:
    from app.services.controls import delete_controls, find_control

    workspace = open_workspace_of(args)
    row = find_control(workspace, engagement_id=engagement_id_of(workspace, args.engagement), ref=args.ref)
    if not args.yes:
        raise CommandError(f"deleting {row.ref} removes it and its criteria mappings; add --yes to confirm")
    delete_controls(workspace, [row.id])
    sys.stdout.write(f"Deleted control {row.ref}\n")
    return 0


def cmd_controls_list(args: argparse.Namespace) -> int:
    from app.services.controls import list_controls

    workspace = open_workspace_of(args)
    rows = list_controls(
        workspace, engagement_id=engagement_id_of(workspace, args.engagement), category=args.category
    )
    if args.json:
        emit([row.as_dict() for row in rows])
    elif not rows:
        sys.stdout.write("No controls.\n")
    else:
        table(
            [(r.ref, r.text("status"), r.owner, r.text("criteria"), r.title) for r in rows],
            ("Ref", "Status", "Owner", "Criteria", "Title"),
        )
    return 0


def cmd_controls_seed(args: argparse.Namespace) -> int:
    from app.services.seeding import seed_engagement

    workspace = open_workspace_of(args)
    result = seed_engagement(
        workspace,
        engagement_id=engagement_id_of(workspace, args.engagement),
        business_type=args.business_type,
    )
    if args.json:
        emit(result.as_dict())
        return 0
    sys.stdout.write(
        f"Added {counted(len(result.added_controls), 'control')}, "
        f"{counted(len(result.added_objectives), 'objective')}, {counted(len(result.added_cuecs), 'CUEC')} "
        f"and {counted(len(result.added_subservice_orgs), 'subservice organization')} from the starter "
        f"library; {counted(len(result.skipped_controls), 'control')} and "
        f"{counted(len(result.skipped_objectives), 'objective')} were already there and were left as "
        "they are.\n"
    )
    return 0


def cmd_controls_import(args: argparse.Namespace) -> int:
    from app.services.control_import import apply_import, plan_import

    workspace = open_workspace_of(args)
    plan = plan_import(
        workspace,
        engagement_id=engagement_id_of(workspace, args.engagement),
        path=Path(args.file),
        remove_missing=args.delete_missing,
    )
    result = apply_import(workspace, plan) if args.yes and not plan.is_empty else None
    if args.json:
        emit(plan.as_dict() | {"applied": result is not None})
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


def register(commands: Any) -> None:
    controls = group(commands, "controls", "work on an engagement's control matrix")
    add = command(controls, "add", "add a control", cmd_controls_add, json_output=True)
    engagement_option(add)
    _field_options(add, adding=True)
    show = command(controls, "show", "show every field of one control", cmd_controls_show, json_output=True)
    engagement_option(show)
    show.add_argument("--ref", required=True, help="the control's ref")
    change = command(
        controls,
        "set",
        "change fields of one or more controls in one transaction (values as in the window)",
        cmd_controls_set,
        json_output=True,
    )
    engagement_option(change)
    change.add_argument("refs", nargs="*", metavar="REF", help="the refs of the controls to change")
    change.add_argument(
        "--ref", action="append", metavar="REF", help="a control to change (repeatable; same as REF)"
    )
    change.add_argument("--all", action="store_true", help="change every control of the engagement")
    change.add_argument(
        "--category", metavar="NAME", help="change the controls mapped to this category (e.g. Security)"
    )
    change.add_argument(
        "--with-status",
        type=choice_value("status"),
        metavar="STATUS",
        help="change the controls that have this status now (e.g. not-started or “Not started”)",
    )
    change.add_argument(
        "--if-version",
        type=int,
        metavar="N",
        help="change one control only if it still has this version (the one 'controls show --json' gave); "
        "refused when someone else changed it since",
    )
    _field_options(change, adding=False)
    remove = command(controls, "delete", "delete one control", cmd_controls_delete)
    engagement_option(remove)
    remove.add_argument("--ref", required=True, help="the control's ref")
    remove.add_argument("--yes", action="store_true", help="confirm the deletion")
    listing = command(controls, "list", "list controls", cmd_controls_list, json_output=True)
    engagement_option(listing)
    listing.add_argument("--category", metavar="NAME", help="only controls mapped to this category")
    importing = command(
        controls,
        "import",
        "show what an edited SOC Workbench workbook changes; --yes applies it",
        cmd_controls_import,
        json_output=True,
    )
    engagement_option(importing)
    importing.add_argument("file", metavar="FILE.xlsx", help="a workbook exported by SOC Workbench")
    importing.add_argument("--yes", action="store_true", help="apply the changes shown, in one transaction")
    importing.add_argument(
        "--delete-missing",
        action="store_true",
        help="delete the controls the workbook no longer lists (default: keep them)",
    )
    seed = command(
        controls,
        "seed",
        "copy the starter controls (and SOC 1 objectives, CUECs and the cloud provider) that fit the scope",
        cmd_controls_seed,
        json_output=True,
    )
    engagement_option(seed)
    seed.add_argument(
        "--business-type",
        metavar="TYPE",
        help="for a SOC 1: what the service does for customers (payroll, claims-benefits, billing, "
        "custody-fund-admin, hosting-financial-systems); stored on the engagement",
    )
