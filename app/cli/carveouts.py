"""``cuecs`` and ``subservice``: what customers must do, and the subservice organizations relied on."""

import argparse
import sys
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


def cmd_cuecs_add(args: argparse.Namespace) -> int:
    from app.services.carveouts import add_cuec

    workspace = open_workspace_of(args)
    row = add_cuec(
        workspace,
        engagement_id=engagement_id_of(workspace, args.engagement),
        ref=args.ref,
        description=args.description,
        related_criteria=args.criteria or "",
        notes=args.notes or "",
    )
    if args.json:
        emit(_as_dict(row))
    else:
        sys.stdout.write(f"Added CUEC {row.ref}\n")
    return 0


def cmd_cuecs_list(args: argparse.Namespace) -> int:
    from app.services.carveouts import list_cuecs

    workspace = open_workspace_of(args)
    rows = list_cuecs(workspace, engagement_id=engagement_id_of(workspace, args.engagement))
    if args.json:
        emit([_as_dict(row) for row in rows])
    elif not rows:
        sys.stdout.write("No CUECs.\n")
    else:
        table([(r.ref, r.related_criteria, r.description) for r in rows], ("Ref", "Criteria", "Description"))
    return 0


def cmd_cuecs_delete(args: argparse.Namespace) -> int:
    from app.services.carveouts import delete_cuecs, list_cuecs

    workspace = open_workspace_of(args)
    rows = list_cuecs(workspace, engagement_id=engagement_id_of(workspace, args.engagement))
    found = next((row for row in rows if row.ref.casefold() == args.ref.strip().casefold()), None)
    if found is None:
        raise CommandError(f"no CUEC {args.ref!r} in this engagement")
    if not args.yes:
        raise CommandError(f"deleting CUEC {found.ref} removes it; add --yes to confirm")
    delete_cuecs(workspace, [found.id])
    sys.stdout.write(f"Deleted CUEC {found.ref}\n")
    return 0


def cmd_subservice_add(args: argparse.Namespace) -> int:
    from app.services.carveouts import add_subservice_org

    workspace = open_workspace_of(args)
    row = add_subservice_org(
        workspace,
        engagement_id=engagement_id_of(workspace, args.engagement),
        name=args.name,
        services=args.services or "",
        method=args.method,
        csocs=args.csocs or "",
        monitoring=args.monitoring or "",
        notes=args.notes or "",
    )
    if args.json:
        emit(_as_dict(row))
    else:
        sys.stdout.write(f"Added subservice organization {row.name} ({row.method})\n")
    return 0


def cmd_subservice_list(args: argparse.Namespace) -> int:
    from app.services.carveouts import list_subservice_orgs

    workspace = open_workspace_of(args)
    rows = list_subservice_orgs(workspace, engagement_id=engagement_id_of(workspace, args.engagement))
    if args.json:
        emit([_as_dict(row) for row in rows])
    elif not rows:
        sys.stdout.write("No subservice organizations.\n")
    else:
        table([(r.name, r.method, r.services) for r in rows], ("Organization", "Method", "Services"))
    return 0


def cmd_subservice_delete(args: argparse.Namespace) -> int:
    from app.services.carveouts import delete_subservice_orgs, list_subservice_orgs

    workspace = open_workspace_of(args)
    rows = list_subservice_orgs(workspace, engagement_id=engagement_id_of(workspace, args.engagement))
    found = next((row for row in rows if row.name.casefold() == args.name.strip().casefold()), None)
    if found is None:
        raise CommandError(f"no subservice organization {args.name!r} in this engagement")
    if not args.yes:
        raise CommandError(f"deleting {found.name} removes it; add --yes to confirm")
    delete_subservice_orgs(workspace, [found.id])
    sys.stdout.write(f"Deleted subservice organization {found.name}\n")
    return 0


def _as_dict(row: Any) -> dict[str, Any]:
    from dataclasses import asdict

    values = asdict(row)
    for key in ("created_at", "updated_at"):
        values[key] = values[key].isoformat() if values[key] else None
    return values


def register(commands: Any) -> None:
    cuecs = group(commands, "cuecs", "complementary user entity controls: what customers must do")
    add = command(cuecs, "add", "add a CUEC", cmd_cuecs_add, json_output=True)
    engagement_option(add)
    add.add_argument("--ref", required=True, help="the CUEC's ref, e.g. CUEC-01")
    add.add_argument("--description", required=True, help="what customers must do")
    add.add_argument("--criteria", metavar="IDS", help="related criterion IDs, e.g. CC6.1,CC6.2")
    add.add_argument("--notes", help="notes")
    listing = command(cuecs, "list", "list the CUECs", cmd_cuecs_list, json_output=True)
    engagement_option(listing)
    remove = command(cuecs, "delete", "delete a CUEC", cmd_cuecs_delete)
    engagement_option(remove)
    remove.add_argument("--ref", required=True, help="the CUEC's ref")
    remove.add_argument("--yes", action="store_true", help="confirm the deletion")

    subservice = group(commands, "subservice", "subservice organizations (the cloud provider...)")
    add = command(subservice, "add", "add a subservice organization", cmd_subservice_add, json_output=True)
    engagement_option(add)
    add.add_argument("--name", required=True, help="the organization's name")
    add.add_argument("--services", help="what it provides")
    add.add_argument(
        "--method",
        default="carve-out",
        choices=["carve-out", "inclusive"],
        help="carve-out (its controls are excluded; the usual) or inclusive",
    )
    add.add_argument(
        "--csocs", help="the controls expected of it (complementary subservice organization controls)"
    )
    add.add_argument("--monitoring", help="how the company monitors it (e.g. reviewing its SOC 2 report)")
    add.add_argument("--notes", help="notes")
    listing = command(
        subservice, "list", "list the subservice organizations", cmd_subservice_list, json_output=True
    )
    engagement_option(listing)
    remove = command(subservice, "delete", "delete a subservice organization", cmd_subservice_delete)
    engagement_option(remove)
    remove.add_argument("--name", required=True, help="the organization's name")
    remove.add_argument("--yes", action="store_true", help="confirm the deletion")
