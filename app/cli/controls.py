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
from app.domain.controls import CONTROL_FIELDS, FieldSpec

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
    choices = [member.value for member in spec.choices] if spec.choices is not None else None
    parser.add_argument(
        name,
        dest=destination,
        required=adding and spec.name in ("ref", "title"),
        choices=choices,
        metavar=None if choices else "TEXT",
        help=KIND_HINTS.get(spec.kind, spec.label.lower())
        + (" (replaces the mapping)" if spec.kind == "criteria" and not adding else ""),
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


def cmd_controls_set(args: argparse.Namespace) -> int:
    from app.services.controls import find_control, update_control

    workspace = open_workspace_of(args)
    row = find_control(workspace, engagement_id=engagement_id_of(workspace, args.engagement), ref=args.ref)
    changes = _field_values(args)
    if not changes:
        raise CommandError("nothing to change: give at least one field, e.g. --status implemented")
    updated = update_control(workspace, row.id, **changes)
    if args.json:
        emit(updated.as_dict())
    else:
        sys.stdout.write(f"Updated control {updated.ref}: {', '.join(sorted(changes))}\n")
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
        f"Added {len(result.added_controls)} controls, {len(result.added_objectives)} objectives, "
        f"{len(result.added_cuecs)} CUECs and {len(result.added_subservice_orgs)} subservice organizations "
        f"from the starter library; {len(result.skipped_controls)} controls and "
        f"{len(result.skipped_objectives)} objectives were already there and were left as they are.\n"
    )
    return 0


def cmd_controls_import(args: argparse.Namespace) -> int:
    from app.services.control_import import apply_import, plan_import

    workspace = open_workspace_of(args)
    plan = plan_import(
        workspace,
        engagement_id=engagement_id_of(workspace, args.engagement),
        path=Path(args.file),
        remove_missing=not args.keep_missing,
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
        "change fields of one control (values as in the window)",
        cmd_controls_set,
        json_output=True,
    )
    engagement_option(change)
    change.add_argument("--ref", required=True, help="the control to change")
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
        "--keep-missing",
        action="store_true",
        help="keep controls the workbook does not list (default: remove)",
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
