"""``populations``, ``samples`` and ``exceptions``: testing during fieldwork and what it found."""

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
    engagement_option,
    group,
    open_workspace_of,
    parse_day_arg,
    table,
)


def _control_id(workspace: Any, engagement_id: int, ref: str) -> int:
    from app.services.controls import find_control

    return find_control(workspace, engagement_id=engagement_id, ref=ref).id


def cmd_populations_add(args: argparse.Namespace) -> int:
    from app.services.fieldwork import add_population

    workspace = open_workspace_of(args)
    engagement_id = engagement_id_of(workspace, args.engagement)
    row = add_population(
        workspace,
        engagement_id=engagement_id,
        control_id=_control_id(workspace, engagement_id, args.control),
        path=Path(args.file),
        sheet=args.sheet,
        day_first=True if args.day_first else False if args.month_first else None,
        progress=Progress("Copying"),
    )
    if args.json:
        emit(row.as_dict())
        return 0
    spread = f", dated {row.first_date} to {row.last_date}" if row.first_date else ""
    sys.stdout.write(
        f"Population of {row.control_ref}: {row.item_count} occurrences in {row.file_name}{spread}\n"
        f"SHA-256 {row.sha256}\nThe population size of {row.control_ref} is now {row.item_count}.\n"
    )
    return 0


def cmd_populations_list(args: argparse.Namespace) -> int:
    from app.services.fieldwork import list_populations

    workspace = open_workspace_of(args)
    rows = list_populations(workspace, engagement_id=engagement_id_of(workspace, args.engagement))
    if args.json:
        emit([row.as_dict() for row in rows])
    elif not rows:
        sys.stdout.write("No populations yet: add one with `populations add`.\n")
    else:
        table(
            [(r.control_ref, str(r.item_count), r.sha256[:12], r.file_name) for r in rows],
            ("Control", "Items", "SHA-256", "File"),
        )
    return 0


def _print_sample(sample: Any) -> None:
    lines = [sample.title]
    if sample.population:
        size = f" ({sample.population_size} items)" if sample.population_size is not None else ""
        lines.append(f"Population: {sample.population}{size}")
    if sample.seed:
        lines += [f"Seed: {sample.seed}", f"Method: {sample.method}"]
    for item in sample.items:
        if item.listed:
            when = f"  {item.when.isoformat()}" if item.when else ""
            where = f"  (population row {item.position})" if item.position else ""
            lines.append(f"  {item.number:>3}  {item.item}{when}{where}")
    sys.stdout.write("".join(f"{line}\n" for line in lines))


def cmd_samples_draw(args: argparse.Namespace) -> int:
    from app.services.fieldwork import draw_control_sample

    workspace = open_workspace_of(args)
    engagement_id = engagement_id_of(workspace, args.engagement)
    drawn = draw_control_sample(
        workspace,
        engagement_id=engagement_id,
        control_id=_control_id(workspace, engagement_id, args.control),
        size=args.size,
    )
    if args.json:
        emit(drawn.sample.as_dict())
    else:
        _print_sample(drawn.sample)
    return 0


def cmd_samples_list(args: argparse.Namespace) -> int:
    from app.services.fieldwork import list_samples
    from app.services.requests import find_request

    workspace = open_workspace_of(args)
    engagement_id = engagement_id_of(workspace, args.engagement)
    request_id = (
        find_request(workspace, engagement_id=engagement_id, request_ref=args.request).id
        if args.request
        else None
    )
    control_id = _control_id(workspace, engagement_id, args.control) if args.control else None
    rows = list_samples(workspace, engagement_id=engagement_id, request_id=request_id, control_id=control_id)
    if args.json:
        emit([row.as_dict() for row in rows])
    elif not rows:
        sys.stdout.write("No samples yet.\n")
    else:
        for row in rows:
            _print_sample(row)
    return 0


def cmd_samples_add(args: argparse.Namespace) -> int:
    from app.services.fieldwork import add_sample_items
    from app.services.requests import find_request

    workspace = open_workspace_of(args)
    engagement_id = engagement_id_of(workspace, args.engagement)
    request = find_request(workspace, engagement_id=engagement_id, request_ref=args.request)
    (item,) = add_sample_items(
        workspace,
        engagement_id=engagement_id,
        request_id=request.id,
        items=[(args.number, args.item, args.date)],
        population=args.population or "",
    )
    sys.stdout.write(f"Added sample {item.number} ({item.item}) to {request.request.request_id}\n")
    return 0


def _sample_item_id(workspace: Any, engagement_id: int, args: argparse.Namespace) -> int | None:
    from app.services.fieldwork import find_sample_item
    from app.services.requests import find_request

    if args.sample is None:
        return None
    if args.request:
        request_id = find_request(workspace, engagement_id=engagement_id, request_ref=args.request).id
        return find_sample_item(
            workspace, engagement_id=engagement_id, request_id=request_id, number=args.sample
        ).id
    if args.control:
        control_id = _control_id(workspace, engagement_id, args.control)
        return find_sample_item(
            workspace, engagement_id=engagement_id, control_id=control_id, number=args.sample
        ).id
    raise CommandError("--sample needs --request (the auditor's sample) or --control (the sample drawn last)")


def cmd_exceptions_add(args: argparse.Namespace) -> int:
    from app.services.fieldwork import add_exception

    workspace = open_workspace_of(args)
    engagement_id = engagement_id_of(workspace, args.engagement)
    item_id = _sample_item_id(workspace, engagement_id, args)
    control_id = (
        _control_id(workspace, engagement_id, args.control) if args.control and item_id is None else None
    )
    if item_id is None and control_id is None:
        raise CommandError("say what the exception is against: --control REF, or --request ID --sample N")
    row = add_exception(
        workspace,
        engagement_id=engagement_id,
        control_id=control_id,
        sample_item_id=item_id,
        description=args.description,
        occurred_on=args.date,
        root_cause=args.root_cause or "",
        remediation=args.remediation or "",
        management_response=args.response or "",
    )
    if args.json:
        emit(row.as_dict())
    else:
        sys.stdout.write(f"Recorded exception {row.id} against {row.subject}\n")
    return 0


def cmd_exceptions_list(args: argparse.Namespace) -> int:
    from app.services.fieldwork import list_exceptions

    workspace = open_workspace_of(args)
    engagement_id = engagement_id_of(workspace, args.engagement)
    control_id = _control_id(workspace, engagement_id, args.control) if args.control else None
    rows = list_exceptions(workspace, engagement_id=engagement_id, control_id=control_id)
    if args.json:
        emit([row.as_dict() for row in rows])
    elif not rows:
        sys.stdout.write("No exceptions recorded.\n")
    else:
        table(
            [
                (str(r.id), r.occurred_on.isoformat() if r.occurred_on else "", r.subject, r.description)
                for r in rows
            ],
            ("ID", "Date", "Against", "What happened"),
        )
    return 0


def _register_populations(commands: Any) -> None:
    populations = group(commands, "populations", "populations: every occurrence of a control in the period")
    add = command(
        populations,
        "add",
        "store a population listing as the control's evidence and set its population size",
        cmd_populations_add,
        json_output=True,
    )
    engagement_option(add)
    add.add_argument("--control", required=True, metavar="REF", help="the control the population is of")
    add.add_argument("file", metavar="FILE", help="a CSV file or .xlsx workbook listing every occurrence")
    add.add_argument(
        "--sheet", metavar="NAME", help="the workbook's sheet holding the listing (default: the first)"
    )
    order = add.add_mutually_exclusive_group()
    order.add_argument("--day-first", action="store_true", help="read dates such as 03/04/2026 as 3 April")
    order.add_argument("--month-first", action="store_true", help="read dates such as 03/04/2026 as 4 March")
    listing = command(
        populations, "list", "list the populations added", cmd_populations_list, json_output=True
    )
    engagement_option(listing)


def _register_samples(commands: Any) -> None:
    samples = group(commands, "samples", "samples: the auditor's selections, and self-test samples")
    draw = command(
        samples,
        "draw",
        "draw a self-test sample from the control's population; the same inputs give the same sample",
        cmd_samples_draw,
        json_output=True,
    )
    engagement_option(draw)
    draw.add_argument("--control", required=True, metavar="REF", help="the control to sample")
    draw.add_argument(
        "--size",
        type=int,
        metavar="N",
        help="how many items (default: the conventions' size for the population)",
    )
    listing = command(
        samples, "list", "list the samples with their items", cmd_samples_list, json_output=True
    )
    engagement_option(listing)
    listing.add_argument("--request", metavar="ID", help="only the auditor's sample for this request")
    listing.add_argument("--control", metavar="REF", help="only the samples drawn for this control")
    add = command(samples, "add", "enter an item the auditor selected for a request", cmd_samples_add)
    engagement_option(add)
    add.add_argument("--request", required=True, metavar="ID", help="the request the sample is for")
    add.add_argument("--number", required=True, metavar="N", help="the sample number the auditor gave it")
    add.add_argument("--item", required=True, metavar="TEXT", help="what was selected (a ticket, a user...)")
    add.add_argument("--date", metavar="YYYY-MM-DD", type=parse_day_arg, help="the item's date")
    add.add_argument("--population", metavar="TEXT", help="the population the auditor sampled from")


def _register_exceptions(commands: Any) -> None:
    exceptions = group(
        commands, "exceptions", "exceptions: deviations found against controls or sampled items"
    )
    add = command(exceptions, "add", "record an exception", cmd_exceptions_add, json_output=True)
    engagement_option(add)
    add.add_argument("--control", metavar="REF", help="the control it is against (or whose drawn sample)")
    add.add_argument("--request", metavar="ID", help="the request whose sampled item it is against")
    add.add_argument("--sample", metavar="N", help="the sampled item's number (with --request or --control)")
    add.add_argument("--description", required=True, metavar="TEXT", help="what happened")
    add.add_argument("--date", metavar="YYYY-MM-DD", type=parse_day_arg, help="when it happened")
    add.add_argument("--root-cause", metavar="TEXT", help="why it happened")
    add.add_argument("--remediation", metavar="TEXT", help="what was done to fix it")
    add.add_argument("--response", metavar="TEXT", help="management's response")
    listing = command(
        exceptions, "list", "list the exceptions recorded", cmd_exceptions_list, json_output=True
    )
    engagement_option(listing)
    listing.add_argument("--control", metavar="REF", help="only those against this control")


def register(commands: Any) -> None:
    _register_populations(commands)
    _register_samples(commands)
    _register_exceptions(commands)
