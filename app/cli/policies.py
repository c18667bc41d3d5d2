"""``policies``, ``staff`` and ``acknowledgements``: the written policies, who works here, and who read what.

``policies`` seeds the library's policies, answers the questionnaire that
fills them, edits, approves and versions them; ``staff import`` reads a
staff list; ``acknowledgements`` imports returned sign-off sheets, lists
who has (not) acknowledged, and exports the register (attached as evidence
with ``--attach``). ``export policy`` (registered by :mod:`app.cli.exports`)
writes one policy as PDF or Word.
"""

import argparse
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.cli.common import (
    CommandError,
    command,
    emit,
    engagement_id_of,
    engagement_option,
    group,
    open_workspace_of,
    parse_day_arg,
    table,
)

if TYPE_CHECKING:
    from app.domain.policies import PolicyRow


def _day_first(args: argparse.Namespace) -> bool | None:
    if args.day_first:
        return True
    return False if args.month_first else None


# --- policies --------------------------------------------------------------------------------------


def cmd_policies_seed(args: argparse.Namespace) -> int:
    from app.services.policies import seed_policies

    workspace = open_workspace_of(args)
    result = seed_policies(workspace, engagement_id=engagement_id_of(workspace, args.engagement))
    if args.json:
        emit(result.as_dict())
        return 0
    sys.stdout.write(f"Added {len(result.added)} policies as 1.0 drafts")
    sys.stdout.write(f"; {len(result.skipped)} were already there\n" if result.skipped else "\n")
    if result.added:
        sys.stdout.write(
            "Next: answer the questionnaire (soc-workbench policies show --engagement ENG) and set the "
            "answers with policies set --answer QUESTION=ANSWER\n"
        )
    return 0


def cmd_policies_list(args: argparse.Namespace) -> int:
    from app.domain.policies import review_state
    from app.services.policies import list_policies

    workspace = open_workspace_of(args)
    today = date.today()
    rows = list_policies(workspace, engagement_id=engagement_id_of(workspace, args.engagement))
    if args.due:
        rows = [row for row in rows if review_state(row, today) in ("due", "overdue")]
    if args.status:
        rows = [row for row in rows if row.status.value == args.status]
    if args.json:
        emit([row.as_dict(today) for row in rows])
    elif not rows:
        sys.stdout.write("No policies; seed them with: soc-workbench policies seed --engagement ENG\n")
    else:
        table(
            [
                (row.key, row.shown.version, row.status.value, review_state(row, today), row.owner, row.title)
                for row in rows
            ],
            ("Key", "Version", "Status", "Review", "Owner", "Title"),
        )
    return 0


def _show_questionnaire(answers: dict[str, str], as_json: bool) -> None:
    from app.domain.policies import QUESTIONS

    if as_json:
        emit(
            [
                {"question": q.key, "label": q.label, "answer": answers.get(q.key), "help": q.help}
                for q in QUESTIONS
            ]
        )
        return
    for question in QUESTIONS:
        answer = answers.get(question.key) or "(not answered)"
        sys.stdout.write(f"{question.key:<20} {question.label}: {answer}\n{'':<21}{question.help}\n")


def _show_policy(policy: "PolicyRow", answers: dict[str, str], args: argparse.Namespace) -> None:
    from app.domain.policies import render_policy
    from app.domain.policy_records import unanswered_labels, version_to_export

    version = version_to_export(policy, args.policy_version)
    rendered = render_policy(version.body, answers)
    if args.json:
        details = policy.as_dict(date.today()) | {
            "versions": [v.as_dict() for v in policy.versions],
            "unanswered": list(rendered.missing),
        }
        emit(details | ({"text": rendered.markdown} if args.text else {}))
        return
    if args.text:
        sys.stdout.write(rendered.markdown)
        return
    lines = [
        ("Policy", f"{policy.key}: {policy.title}"),
        ("Status", f"{policy.status.value} (version {policy.shown.version})"),
        ("Owner", policy.owner or "—"),
        ("Controls", ", ".join(policy.controls) or "—"),
        ("Criteria", ", ".join(policy.criteria) or "—"),
        ("Unanswered", unanswered_labels(rendered.missing) or "none"),
    ]
    for label, value in lines:
        sys.stdout.write(f"{label + ':':<12} {value}\n")
    sys.stdout.write("History:\n")
    for v in policy.versions:
        approval = f"approved {v.approved_on} by {v.approved_by}" if v.approved_on else "not approved"
        sys.stdout.write(f"  {v.version:<6} {v.status.value:<9} {approval}; {v.summary or 'first version'}\n")


def cmd_policies_show(args: argparse.Namespace) -> int:
    from app.domain.policies import PolicyRuleError
    from app.services.policies import get_policy, get_policy_answers

    workspace = open_workspace_of(args)
    engagement_id = engagement_id_of(workspace, args.engagement)
    answers = get_policy_answers(workspace, engagement_id=engagement_id)
    if args.key is None:
        _show_questionnaire(answers, args.json)
        return 0
    policy = get_policy(workspace, engagement_id=engagement_id, key=args.key)
    try:
        _show_policy(policy, answers, args)
    except PolicyRuleError as error:
        raise CommandError(str(error)) from None
    return 0


def _policy_changes(args: argparse.Namespace) -> dict[str, Any]:
    changes: dict[str, Any] = {
        name: getattr(args, name)
        for name in ("title", "owner", "controls", "criteria", "next_review")
        if getattr(args, name) is not None
    }
    if args.text_file is not None:
        try:
            changes["body"] = Path(args.text_file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"cannot read {args.text_file}: {error}") from None
    return changes


def _answers(pairs: list[str]) -> dict[str, str]:
    answers = {}
    for pair in pairs:
        question, equals, answer = pair.partition("=")
        if not equals:
            raise CommandError(f"--answer takes QUESTION=ANSWER (e.g. cloud_provider=AWS), not {pair!r}")
        answers[question.strip()] = answer
    return answers


def cmd_policies_set(args: argparse.Namespace) -> int:
    from app.services.policies import retire_policy, set_policy_answers, update_policy

    changes = _policy_changes(args)
    answers = _answers(args.answer or [])
    if (changes or args.retire) and args.key is None:
        raise CommandError("name the policy to change: policies set --engagement ENG KEY --owner ...")
    if not (changes or answers or args.retire):
        raise CommandError(
            "nothing to change: give --answer QUESTION=ANSWER or a policy KEY with --owner, ..."
        )
    workspace = open_workspace_of(args)
    engagement_id = engagement_id_of(workspace, args.engagement)
    result: dict[str, Any] = {}
    if answers:
        result["answers"] = set_policy_answers(workspace, engagement_id=engagement_id, answers=answers)
    if changes:
        policy = update_policy(workspace, engagement_id=engagement_id, key=args.key, **changes)
        result["policy"] = policy.as_dict(date.today())
    if args.retire:
        result["policy"] = retire_policy(workspace, engagement_id=engagement_id, key=args.key).as_dict(
            date.today()
        )
    if args.json:
        emit(result)
    else:
        done = [f"{len(answers)} answer(s)"] if answers else []
        done += [f"{args.key}: {', '.join(sorted(changes))}"] if changes else []
        done += [f"{args.key} retired"] if args.retire else []
        sys.stdout.write(f"Updated {'; '.join(done)}\n")
    return 0


def cmd_policies_approve(args: argparse.Namespace) -> int:
    from app.services.policies import approve_policy

    workspace = open_workspace_of(args)
    policy = approve_policy(
        workspace,
        engagement_id=engagement_id_of(workspace, args.engagement),
        key=args.key,
        approved_by=args.by,
        approved_on=args.on,
    )
    version = policy.in_force
    assert version is not None and version.next_review is not None
    if args.json:
        emit(policy.as_dict(date.today()))
    else:
        sys.stdout.write(
            f"Approved {policy.title} {version.version} (by {version.approved_by} on {version.approved_on}); "
            f"next review by {version.next_review}\n"
        )
    return 0


def cmd_policies_new_version(args: argparse.Namespace) -> int:
    from app.services.policies import start_policy_version

    workspace = open_workspace_of(args)
    policy = start_policy_version(
        workspace,
        engagement_id=engagement_id_of(workspace, args.engagement),
        key=args.key,
        change=args.change,
        summary=args.summary,
    )
    draft = policy.draft
    assert draft is not None
    if args.json:
        emit(policy.as_dict(date.today()) | {"draft_version": draft.version})
    else:
        keeps = "keeps" if args.change == "minor" else "resets"
        sys.stdout.write(
            f"Started {policy.title} {draft.version} as a draft; "
            f"approving it {keeps} staff acknowledgements\n"
        )
    return 0


def _register_policies(commands: Any) -> None:
    policies = group(
        commands, "policies", "seed, list, show, change, approve and version the written policies"
    )
    seed = command(
        policies,
        "seed",
        "add the library's policies for the engagement's scope as drafts",
        cmd_policies_seed,
        json_output=True,
    )
    engagement_option(seed)
    listed = command(
        policies,
        "list",
        "list the policies with version, status and review",
        cmd_policies_list,
        json_output=True,
    )
    engagement_option(listed)
    listed.add_argument("--due", action="store_true", help="only policies whose review is due or overdue")
    listed.add_argument(
        "--status", choices=["draft", "approved", "retired"], help="only policies in this status"
    )
    show = command(
        policies,
        "show",
        "show a policy (its history, or its text with --text); without KEY, the questionnaire",
        cmd_policies_show,
        json_output=True,
    )
    engagement_option(show)
    show.add_argument("key", nargs="?", metavar="KEY", help="the policy, e.g. access-control")
    show.add_argument(
        "--text", action="store_true", help="print the policy's text with the answers filled in"
    )
    show.add_argument("--policy-version", metavar="VERSION", help="another version than the one in force")
    _register_set(policies)
    approve = command(policies, "approve", "approve a policy's draft", cmd_policies_approve, json_output=True)
    engagement_option(approve)
    approve.add_argument("key", metavar="KEY", help="the policy")
    approve.add_argument("--by", required=True, metavar="NAME", help="who approves, e.g. 'Jane Doe, CEO'")
    approve.add_argument(
        "--on", type=parse_day_arg, metavar="YYYY-MM-DD", help="approval date (default today)"
    )
    new_version = command(
        policies,
        "new-version",
        "start a new draft from the version in force",
        cmd_policies_new_version,
        json_output=True,
    )
    engagement_option(new_version)
    new_version.add_argument("key", metavar="KEY", help="the policy")
    new_version.add_argument(
        "--change",
        required=True,
        choices=["minor", "major"],
        help="minor: wording or names, staff acknowledgements carry over; "
        "major: a new or stricter duty, everyone acknowledges again",
    )
    new_version.add_argument("--summary", required=True, help="what changes; it goes into the change history")


def _register_set(policies: Any) -> None:
    change = command(
        policies,
        "set",
        "answer the questionnaire, or change a policy's details, draft text or next review",
        cmd_policies_set,
        json_output=True,
    )
    engagement_option(change)
    change.add_argument("key", nargs="?", metavar="KEY", help="the policy to change")
    change.add_argument(
        "--answer",
        action="append",
        metavar="QUESTION=ANSWER",
        help="answer a question of the questionnaire (repeatable; an empty answer clears it)",
    )
    change.add_argument("--title", help="the policy's title")
    change.add_argument("--owner", help="who owns the policy (a role)")
    change.add_argument(
        "--controls", metavar="REFS", help="comma-separated control refs (replaces the links)"
    )
    change.add_argument(
        "--criteria", metavar="IDS", help="comma-separated criterion IDs (replaces the links)"
    )
    change.add_argument("--text-file", metavar="FILE", help="a Markdown file: the draft's new text")
    change.add_argument(
        "--next-review", type=parse_day_arg, metavar="YYYY-MM-DD", help="move the next review"
    )
    change.add_argument("--retire", action="store_true", help="withdraw the policy")


# --- staff -----------------------------------------------------------------------------------------


def _day_order_options(parser: argparse.ArgumentParser) -> None:
    order = parser.add_mutually_exclusive_group()
    order.add_argument("--day-first", action="store_true", help="dates such as 03/04/2025 are 3 April")
    order.add_argument("--month-first", action="store_true", help="dates such as 03/04/2025 are 4 March")
    parser.add_argument("--sheet", help="the workbook's sheet to read (default: the first)")
    parser.add_argument("--dry-run", action="store_true", help="show what would change; write nothing")


def cmd_staff_import(args: argparse.Namespace) -> int:
    from app.services.staff import import_staff, preview_staff_import

    workspace = open_workspace_of(args)
    engagement_id = engagement_id_of(workspace, args.engagement)
    preview = preview_staff_import(
        workspace,
        engagement_id=engagement_id,
        path=Path(args.file),
        sheet=args.sheet,
        day_first=_day_first(args),
        end_missing_on=args.end_missing_on,
    )
    if not args.dry_run:
        import_staff(
            workspace,
            engagement_id=engagement_id,
            imported=preview.imported,
            end_missing_on=args.end_missing_on,
        )
    if args.json:
        emit(preview.as_dict() | {"written": not args.dry_run})
        return 0
    merge = preview.merge
    for warning in preview.imported.warnings:
        sys.stderr.write(f"warning: {warning}\n")
    verb = "Would import" if args.dry_run else "Imported"
    sys.stdout.write(
        f"{verb} {len(preview.imported.staff)} people: {len(merge.added)} new, {len(merge.updated)} updated, "
        f"{merge.unchanged} unchanged; {len(merge.not_in_file)} already listed are not in the file (kept)\n"
    )
    return 0


def cmd_staff_list(args: argparse.Namespace) -> int:
    from app.services.staff import list_staff

    workspace = open_workspace_of(args)
    staff = list_staff(workspace, engagement_id=engagement_id_of(workspace, args.engagement))
    if args.json:
        emit([person.as_dict() for person in staff])
    elif not staff:
        sys.stdout.write(
            "Nobody yet; import a staff list with: soc-workbench staff import --engagement ENG FILE\n"
        )
    else:
        rows = [(p.email, p.role, str(p.start_date or ""), str(p.end_date or ""), p.name) for p in staff]
        table(rows, ("Email", "Role", "Start", "End", "Name"))
    return 0


def _register_staff(commands: Any) -> None:
    staff = group(commands, "staff", "the staff list whose policy acknowledgements are tracked")
    imported = command(
        staff,
        "import",
        "import or re-import a staff list (CSV or .xlsx: name, email, role, start date, end date)",
        cmd_staff_import,
        json_output=True,
    )
    engagement_option(imported)
    imported.add_argument("file", metavar="FILE", help="the staff list")
    _day_order_options(imported)
    imported.add_argument(
        "--end-missing-on",
        type=parse_day_arg,
        metavar="YYYY-MM-DD",
        help="the file lists current staff only: give people it leaves out this end date",
    )
    listed = command(
        staff, "list", "list everyone on the staff list, leavers included", cmd_staff_list, json_output=True
    )
    engagement_option(listed)


# --- acknowledgements ------------------------------------------------------------------------------


def cmd_acknowledgements_import(args: argparse.Namespace) -> int:
    from app.services.staff import read_signoff_sheet, record_acknowledgements

    workspace = open_workspace_of(args)
    engagement_id = engagement_id_of(workspace, args.engagement)
    preview = read_signoff_sheet(
        workspace,
        engagement_id=engagement_id,
        path=Path(args.file),
        policy_key=args.policy,
        sheet=args.sheet,
        day_first=_day_first(args),
    )
    if not args.dry_run and preview.merge.added:
        record_acknowledgements(workspace, engagement_id=engagement_id, acknowledgements=preview.merge.added)
    if args.json:
        emit(preview.as_dict() | {"written": not args.dry_run})
        return 0
    for warning in preview.imported.warnings:
        sys.stderr.write(f"warning: {warning}\n")
    verb = "Would record" if args.dry_run else "Recorded"
    sys.stdout.write(
        f"{verb} {len(preview.merge.added)} acknowledgements; {preview.merge.already_recorded} were already "
        f"recorded; {preview.imported.not_signed} people on the sheet have not signed\n"
    )
    return 0


Listing = tuple[list[Any], tuple[str, ...], Sequence[Sequence[str]]]
"""Rows for ``--json``, and the headers and cells of the plain table."""


def _late(args: argparse.Namespace, records: Any, on: date) -> Listing:
    rows = [r for r in records.late(on, args.within_days) if args.policy in (None, r.policy_key)]
    cells = [
        (r.policy_key, r.email, str(r.start_date), str(r.due_on), str(r.acknowledged_on or "never"), r.name)
        for r in rows
    ]
    return rows, ("Policy", "Email", "Start", "Due by", "Acknowledged", "Name"), cells


def _outstanding(args: argparse.Namespace, records: Any, on: date) -> Listing:
    rows = [
        r for r in records.register(on) if r.state != "acknowledged" and args.policy in (None, r.policy_key)
    ]
    cells = [(r.policy_key, r.version, r.email, r.state, r.name) for r in rows]
    return rows, ("Policy", "Version", "Email", "State", "Name"), cells


def _recorded(args: argparse.Namespace, records: Any, _on: date) -> Listing:
    rows = [a for a in records.acknowledgements if args.policy in (None, a.policy_key)]
    cells = [(a.policy_key, a.version, str(a.acknowledged_on), a.email) for a in rows]
    return rows, ("Policy", "Version", "Acknowledged", "Email"), cells


def cmd_acknowledgements_list(args: argparse.Namespace) -> int:
    from app.services.policies import policy_records

    workspace = open_workspace_of(args)
    records = policy_records(workspace, engagement_id=engagement_id_of(workspace, args.engagement))
    if args.policy is not None and args.policy not in {p.key for p in records.policies}:
        raise CommandError(f"this engagement has no policy {args.policy!r}; `policies list` names them")
    listing = _late if args.late else _outstanding if args.outstanding else _recorded
    rows, headers, cells = listing(args, records, args.on or date.today())
    if args.json:
        emit([row.as_dict() for row in rows])
    elif not rows:
        sys.stdout.write("Nothing to list.\n")
    else:
        table(cells, headers)
    return 0


def cmd_acknowledgements_export(args: argparse.Namespace) -> int:
    from app.services.exports import run_export
    from app.services.staff import REGISTER_KIND, attach_acknowledgement_register

    workspace = open_workspace_of(args)
    engagement_id = engagement_id_of(workspace, args.engagement)
    target = Path(args.output)
    if args.attach:
        attached = attach_acknowledgement_register(workspace, engagement_id=engagement_id, target=target)
        result, note = (
            attached.as_dict(),
            (f" and attached it as evidence of {', '.join(attached.evidence.controls)}"),
        )
    else:
        result, note = (
            run_export(workspace, engagement_id=engagement_id, kind=REGISTER_KIND, target=target).as_dict(),
            "",
        )
    if args.json:
        emit(result)
    else:
        sys.stdout.write(f"Wrote {result['path']}{note}\n")
    return 0


def _register_acknowledgements(commands: Any) -> None:
    acknowledgements = group(
        commands, "acknowledgements", "staff acknowledgements of the policies: import, list, export"
    )
    imported = command(
        acknowledgements,
        "import",
        "record the acknowledgements of a returned sign-off sheet (CSV or .xlsx)",
        cmd_acknowledgements_import,
        json_output=True,
    )
    engagement_option(imported)
    imported.add_argument("file", metavar="FILE", help="the sign-off sheet")
    imported.add_argument(
        "--policy", metavar="KEY", help="the policy the sheet is for, when it has no Policy column"
    )
    _day_order_options(imported)
    listed = command(
        acknowledgements,
        "list",
        "list acknowledgements, who has not acknowledged (--outstanding) or starters who were late (--late)",
        cmd_acknowledgements_list,
        json_output=True,
    )
    engagement_option(listed)
    listed.add_argument("--policy", metavar="KEY", help="only this policy")
    which = listed.add_mutually_exclusive_group()
    which.add_argument(
        "--outstanding", action="store_true", help="people who have not acknowledged the version in force"
    )
    which.add_argument(
        "--late", action="store_true", help="people who joined and did not acknowledge in time"
    )
    listed.add_argument(
        "--within-days", type=int, default=7, metavar="N", help="days a starter has (default 7)"
    )
    listed.add_argument(
        "--on", type=parse_day_arg, metavar="YYYY-MM-DD", help="the day to judge (default today)"
    )
    exported = command(
        acknowledgements,
        "export",
        "write the acknowledgement register workbook (--attach: also add it as evidence)",
        cmd_acknowledgements_export,
        json_output=True,
    )
    engagement_option(exported)
    exported.add_argument("-o", "--output", required=True, metavar="PATH", help="the .xlsx file to write")
    exported.add_argument(
        "--attach",
        action="store_true",
        help="also add it as evidence of the policy acknowledgement controls (GOV-01, HR-03)",
    )


# --- export policy ---------------------------------------------------------------------------------


def cmd_export_policy(args: argparse.Namespace) -> int:
    from app.services.exports import export_policy

    workspace = open_workspace_of(args)
    result = export_policy(
        workspace,
        engagement_id=engagement_id_of(workspace, args.engagement),
        key=args.key,
        file_format=args.format,
        target=Path(args.output),
        version=args.policy_version,
    )
    if args.json:
        emit(result.as_dict())
    else:
        sys.stdout.write(f"Wrote {result.path}\nSHA-256 {result.sha256}\n")
    return 0


def add_policy_export(export: Any) -> None:
    """``export policy``: one policy as a PDF or Word document."""
    parser = command(
        export, "policy", "write one policy as a PDF or Word document", cmd_export_policy, json_output=True
    )
    engagement_option(parser)
    parser.add_argument("key", metavar="KEY", help="the policy, e.g. access-control")
    parser.add_argument(
        "--format", required=True, choices=["pdf", "docx"], help="PDF to hand on, Word to edit"
    )
    parser.add_argument("-o", "--output", required=True, metavar="PATH", help="the file to write")
    parser.add_argument("--policy-version", metavar="VERSION", help="another version than the one in force")


def register(commands: Any) -> None:
    _register_policies(commands)
    _register_staff(commands)
    _register_acknowledgements(commands)
