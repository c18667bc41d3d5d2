"""``requests``: the auditor's request list, imported as it comes, worked, and handed back."""

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Any

from app.cli.common import (
    PROG,
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

ROLES = (
    "request-id",
    "text",
    "criteria",
    "control-ref",
    "type",
    "period",
    "owner",
    "due",
    "status",
    "comments",
)
STATUSES = ("open", "in-progress", "provided", "accepted", "follow-up", "withdrawn")


def _column_number(text: str) -> int:
    """``C`` or ``3`` -> 3."""
    text = text.strip().upper()
    if text.isdigit():
        return int(text)
    if text.isalpha():
        number = 0
        for letter in text:
            number = number * 26 + ord(letter) - ord("A") + 1
        return number
    raise argparse.ArgumentTypeError(f"{text!r} is not a column (use a letter such as C, or a number)")


def _column_choice(text: str) -> tuple[str, int]:
    role, equals, column = text.partition("=")
    role = role.strip().lower()
    if not equals or role not in ROLES:
        raise argparse.ArgumentTypeError(f"expected ROLE=COLUMN with ROLE one of: {', '.join(ROLES)}")
    return role, _column_number(column)


def _day_first(args: argparse.Namespace) -> bool | None:
    return True if args.day_first else False if args.month_first else None


def cmd_requests_import(args: argparse.Namespace) -> int:
    from app.services.requests import DateOrderNeededError, import_request_list, preview_request_list

    workspace = open_workspace_of(args)
    engagement_id = engagement_id_of(workspace, args.engagement)
    preview = preview_request_list(
        workspace,
        engagement_id=engagement_id,
        path=Path(args.file),
        sheet=args.sheet,
        header_row=args.header_row,
        mapping=None if args.column is None else dict(args.column),
        day_first=_day_first(args),
    )
    if preview.problem:
        raise CommandError(
            f"{preview.problem} (nothing was imported; choose them with --sheet, --header-row and --column)"
        )
    try:
        result = import_request_list(workspace, preview)
    except DateOrderNeededError as error:
        hint = "add --day-first or --month-first"
        reason = str(error)
        reason = (
            reason.replace("choose day-first or month-first", hint)
            if "choose" in reason
            else f"{reason}; {hint}"
        )
        raise CommandError(f"{preview.file_name}: {reason} (nothing was imported)") from None
    if args.json:
        emit(
            {
                "file": result.file_name,
                "sheet": preview.sheet,
                "header_row": preview.header_row,
                "columns": preview.mapping,
                "requests": result.requests,
                "added": list(result.added),
                "changed": [
                    {"id": ref, "changes": [{"field": c.field, "old": c.old, "new": c.new} for c in changes]}
                    for ref, changes in result.changed
                ],
                "withdrawn": list(result.withdrawn),
                "reinstated": list(result.reinstated),
                "samples": result.samples,
                "flags": list(result.flags),
            }
        )
        return 0
    sys.stdout.write("".join(f"{line}\n" for line in result.lines()))
    return 0


def cmd_requests_list(args: argparse.Namespace) -> int:
    from app.domain.fieldwork import request_json
    from app.services.requests import list_requests

    workspace = open_workspace_of(args)
    rows = list_requests(workspace, engagement_id=engagement_id_of(workspace, args.engagement))
    if args.json:
        emit([request_json(row) for row in rows])
    elif not rows:
        sys.stdout.write("No requests yet: import the auditor's list with `requests import`.\n")
    else:
        table(
            [
                (
                    row.request.request_id,
                    row.status.value,
                    row.effective_due.isoformat() if row.effective_due else "",
                    row.owner,
                    ", ".join(row.controls),
                    " ".join(row.request.text.split())[:70],
                )
                for row in rows
            ],
            ("ID", "Status", "Due", "Owner", "Controls", "Request"),
        )
    return 0


def cmd_requests_show(args: argparse.Namespace) -> int:
    from app.domain.fieldwork import request_json
    from app.services.requests import find_request, request_detail

    workspace = open_workspace_of(args)
    row = find_request(
        workspace, engagement_id=engagement_id_of(workspace, args.engagement), request_ref=args.id
    )
    detail = request_detail(workspace, row.id)
    suggested = [
        {"control": s.ref, "title": s.title, "reason": s.reason, "named": s.named} for s in detail.suggestions
    ]
    if args.json:
        emit(
            request_json(row)
            | {"suggested_controls": suggested, "samples": [s.as_dict() for s in detail.samples]}
        )
        return 0
    request = row.request
    lines = [
        f"{request.request_id}: {request.text}",
        f"Criteria: {', '.join(request.criteria + request.unknown_criteria) or '—'}",
        f"Control references: {', '.join(request.references) or '—'}",
        f"Auditor's status: {request.auditor_status or '—'}; comments: {request.comments or '—'}",
        f"Status: {row.status.value}; owner: {row.owner or '—'}; due: {row.effective_due or '—'}",
        f"Linked controls: {', '.join(row.controls) or '—'}",
        f"Evidence: {', '.join(row.evidence) or '—'}",
    ]
    lines += [f"Suggested: {s.ref} ({s.reason})" for s in detail.suggestions]
    lines += [f"Sample {item.number}: {item.item}" for sample in detail.samples for item in sample.items]
    sys.stdout.write("".join(f"{line}\n" for line in lines))
    return 0


def cmd_requests_set(args: argparse.Namespace) -> int:
    from app.domain.requests import RequestStatus
    from app.services.requests import find_request, status_fields, update_request

    workspace = open_workspace_of(args)
    row = find_request(
        workspace, engagement_id=engagement_id_of(workspace, args.engagement), request_ref=args.id
    )
    changes: dict[str, Any] = {}
    if args.status is not None:
        changes.update(status_fields(row, RequestStatus(args.status), date.today()))
    for name, value in (("owner", args.owner), ("due", args.due), ("notes", args.note)):
        if value is not None:
            changes[name] = value
    if args.date_provided is not None:
        changes["date_provided"] = args.date_provided
    if not changes:
        raise CommandError("nothing to change: give --status, --owner, --due, --note or --date-provided")
    updated = update_request(workspace, row.id, **changes)
    if args.json:
        from app.domain.fieldwork import request_json

        emit(request_json(updated))
    else:
        sys.stdout.write(f"Updated request {updated.request.request_id}: {', '.join(sorted(changes))}\n")
    return 0


def cmd_requests_attach(args: argparse.Namespace) -> int:
    from app.services.requests import attach_to_request, find_request

    workspace = open_workspace_of(args)
    engagement_id = engagement_id_of(workspace, args.engagement)
    row = find_request(workspace, engagement_id=engagement_id, request_ref=args.id)
    skipped: list[str] = []
    added = attach_to_request(
        workspace,
        engagement_id=engagement_id,
        request_id=row.id,
        files=args.files,
        progress=Progress("Copying"),
        skipped=skipped,
    )
    for item in skipped:
        sys.stderr.write(f"{PROG}: skipped {item}\n")
    if args.json:
        emit([evidence.as_dict() for evidence in added])
        return 0
    for evidence in added:
        linked = f", linked to {', '.join(evidence.controls)}" if evidence.controls else ""
        sys.stdout.write(
            f"Added {evidence.file_name} ({evidence.sha256[:12]}…) to {row.request.request_id}{linked}\n"
        )
    return 0


def cmd_requests_link(args: argparse.Namespace) -> int:
    from app.services.evidence import control_ids_for_refs
    from app.services.requests import find_request, link_request_controls

    workspace = open_workspace_of(args)
    engagement_id = engagement_id_of(workspace, args.engagement)
    row = find_request(workspace, engagement_id=engagement_id, request_ref=args.id)
    control_ids = control_ids_for_refs(workspace, engagement_id, args.control)
    linked = link_request_controls(workspace, row.id, control_ids)
    if args.json:
        from app.domain.fieldwork import request_json

        emit(request_json(linked.row))
    else:
        sys.stdout.write(
            f"{row.request.request_id} is linked to {', '.join(linked.row.controls)}"
            + (f"; {len(linked.evidence_links)} evidence links added" if linked.evidence_links else "")
            + "\n"
        )
    return 0


def _export(args: argparse.Namespace, kind: str) -> int:
    from app.services.exports import run_export

    workspace = open_workspace_of(args)
    result = run_export(
        workspace,
        engagement_id=engagement_id_of(workspace, args.engagement),
        kind=kind,
        target=Path(args.output),
        progress=Progress("Writing"),
    )
    if args.json:
        emit(result.as_dict())
    else:
        what = "MANIFEST.sha256" if kind == "request-package" else "file"
        sys.stdout.write(f"Wrote {result.path}\nSHA-256 of the {what}: {result.sha256}\n")
    return 0


def cmd_requests_export(args: argparse.Namespace) -> int:
    return _export(args, "request-list")


def cmd_requests_package(args: argparse.Namespace) -> int:
    return _export(args, "request-package")


def _date_order_options(parser: argparse.ArgumentParser) -> None:
    order = parser.add_mutually_exclusive_group()
    order.add_argument("--day-first", action="store_true", help="read dates such as 03/04/2026 as 3 April")
    order.add_argument("--month-first", action="store_true", help="read dates such as 03/04/2026 as 4 March")


def _request_id(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("id", metavar="ID", help="the auditor's request ID, as written in their list")


def _register_import(requests: Any) -> None:
    importing = command(
        requests,
        "import",
        "import the auditor's request list (.xlsx or .csv); importing again merges by request ID",
        cmd_requests_import,
        json_output=True,
    )
    engagement_option(importing)
    importing.add_argument("file", metavar="FILE", help="the request list as the auditor sent it")
    importing.add_argument("--sheet", metavar="NAME", help="the sheet holding the requests (default: found)")
    importing.add_argument(
        "--header-row", metavar="N", type=int, help="the row holding the column names (default: found)"
    )
    importing.add_argument(
        "--column",
        metavar="ROLE=COLUMN",
        type=_column_choice,
        action="append",
        help=f"read a column as ROLE (one of: {', '.join(ROLES)}), e.g. text=C; repeat for each column; "
        "request-id and text are needed",
    )
    _date_order_options(importing)


def register(commands: Any) -> None:
    requests = group(commands, "requests", "the auditor's request list: import, work and hand back")
    _register_import(requests)
    listing = command(
        requests, "list", "list the requests with our status", cmd_requests_list, json_output=True
    )
    engagement_option(listing)
    show = command(
        requests,
        "show",
        "show one request, its links and suggested controls",
        cmd_requests_show,
        json_output=True,
    )
    engagement_option(show)
    _request_id(show)
    change = command(
        requests, "set", "change our status, owner, due date or notes", cmd_requests_set, json_output=True
    )
    engagement_option(change)
    _request_id(change)
    change.add_argument("--status", choices=STATUSES, help="our status of the request")
    change.add_argument("--owner", metavar="NAME", help="who on our side provides it")
    change.add_argument("--due", metavar="YYYY-MM-DD", type=parse_day_arg, help="our own due date")
    change.add_argument("--note", metavar="TEXT", help="our notes (they replace the notes there were)")
    change.add_argument(
        "--date-provided",
        metavar="YYYY-MM-DD",
        type=parse_day_arg,
        help="when it was provided (default with --status provided: today)",
    )
    attach = command(
        requests,
        "attach",
        "add files as evidence provided for a request",
        cmd_requests_attach,
        json_output=True,
    )
    engagement_option(attach)
    _request_id(attach)
    attach.add_argument("files", nargs="+", metavar="FILE", help="files or folders to add")
    link = command(
        requests, "link", "link a request to the controls it asks about", cmd_requests_link, json_output=True
    )
    engagement_option(link)
    _request_id(link)
    link.add_argument(
        "--control", required=True, nargs="+", action="extend", metavar="REF", help="control refs to link"
    )
    for name, help_text, handler, suffix in (
        (
            "export",
            "write the auditor's list back in their layout with our columns",
            cmd_requests_export,
            "xlsx",
        ),
        (
            "package",
            "write the request package: evidence by request ID, the list, a manifest",
            cmd_requests_package,
            "zip",
        ),
    ):
        export = command(requests, name, help_text, handler, json_output=True)
        engagement_option(export)
        export.add_argument(
            "-o", "--output", required=True, metavar=f"FILE.{suffix}", help="the file to write"
        )
