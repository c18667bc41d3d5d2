"""The demo engagement: a fictional company built in one go, so a newcomer sees every page working.

:func:`create_demo` writes the records in one transaction, dated to tell the
demo's story (:mod:`app.domain.demo`): set up before this year's period,
worked on during it, a few changes and an incident on the way. Its evidence
files are made by the workbench itself and then added with
:func:`~app.services.evidence.add_evidence`, one unit of work per file, as
any evidence is (the one place a service calls other public services: the
store copies each file before its transaction begins). Their content names
the demo engagement, so it is shared with no other engagement. If adding
them fails, the half-made demo is deleted again.

The demo is an engagement of its own, flagged ``is_demo``; deleting it (any
engagement delete) removes its records and its stored files at once.
"""

import csv
import io
import tempfile
from collections.abc import Callable
from dataclasses import asdict
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from sqlmodel import Session, col, select

from app.db.models import Control, Engagement
from app.domain import demo
from app.domain.controls import coerce_value
from app.domain.engagements import EngagementRow
from app.domain.scoping import Answers, recommend
from app.services.carveouts import CUECS, SUBSERVICE_ORGS, insert_record
from app.services.controls import criterion_ids, set_control_field
from app.services.documents import insert_incident_in, write_section_in
from app.services.engagements import (
    delete_engagement,
    engagement_row,
    insert_engagement,
    update_engagement_in,
)
from app.services.errors import CancelledError
from app.services.evidence import Cancel, add_evidence
from app.services.fieldwork import add_sample_items
from app.services.policies import approve_policy, seed_policies, set_policy_answers
from app.services.requests import (
    find_request,
    import_request_list,
    link_request_controls,
    list_requests,
    preview_request_list,
    request_detail,
)
from app.services.seeding import seed_in
from app.services.staff import record_acknowledgements, replace_staff
from app.services.workspace import Workspace

Progress = Callable[[int, int], None]


def _scope(session: Session, engagement: Engagement, dates: demo.DemoDates) -> None:
    answers = demo.scoping_answers(dates)
    recommendation = recommend(Answers.from_mapping(answers), dates.today)
    assert engagement.id is not None
    update_engagement_in(
        session,
        engagement.id,
        {
            "system_name": demo.SYSTEM_NAME,
            "system_description": demo.SYSTEM_SUMMARY,
            "scoping_answers": answers,
            "scoping_recommendation": recommendation.as_dict(),
            "scoping_overrides": {},
            "report_kinds": [demo.REPORT],
            "report_type": demo.REPORT_TYPE,
            "categories": list(demo.CATEGORIES),
            "period_start": dates.period_start,
            "period_end": dates.period_end,
            "bridge_through": dates.through,
        },
        now=dates.set_up,
    )


def _work_values(control: Control, position: int, today: date) -> tuple[dict[str, object], bool]:
    """The values the demo company gave *control*, and whether it counts as finished."""
    work = demo.CONTROL_WORK.get(control.ref)
    if work is None:
        return {"status": demo.ready_status(position)}, True
    values: dict[str, object] = {
        "status": work.status,
        "gap": work.gap,
        "remediation_owner": work.remediation_owner,
        "exceptions": work.exceptions,
        "management_response": work.management_response,
    }
    if work.remediation_due_offset is not None:
        values["remediation_due"] = today + timedelta(days=work.remediation_due_offset)
    return values, False


def _work_controls(session: Session, engagement: Engagement, dates: demo.DemoDates) -> None:
    """Owners named before the period; statuses, gaps and exceptions as they stand mid-period."""
    known = criterion_ids(session, engagement.framework)
    controls = session.exec(
        select(Control).where(Control.engagement_id == engagement.id).order_by(col(Control.ref))
    ).all()
    finished = 0
    for control in controls:
        work = demo.CONTROL_WORK.get(control.ref)
        owner = work.owner if work is not None and work.owner is not None else demo.OWNERS.get(control.owner)
        if owner is not None and owner != control.owner:
            set_control_field(
                session, control, "owner", control.owner, owner, known_criteria=known, now=dates.set_up
            )
        values, done = _work_values(control, finished, dates.today)
        finished += done
        for name, value in values.items():
            old = getattr(control, name)
            new = coerce_value(name, value)
            if new != old:
                set_control_field(
                    session, control, name, old, new, known_criteria=known, now=dates.at(demo.WORKED_OFFSET)
                )


def _carve_outs_and_story(session: Session, engagement_id: int, dates: demo.DemoDates) -> None:
    """The changes made during the period (the starter CUECs and cloud provider come with seeding)."""
    story = dates.at(demo.STORY_OFFSETS["subservice"])
    insert_record(session, SUBSERVICE_ORGS, engagement_id, asdict(demo.POSTMARK), story)
    control = session.exec(
        select(Control).where(Control.engagement_id == engagement_id, Control.ref == demo.STORY_CONTROL)
    ).one()
    set_control_field(
        session,
        control,
        "description",
        control.description,
        demo.STORY_CONTROL_DESCRIPTION,
        known_criteria={},
        now=dates.at(demo.STORY_OFFSETS["control"]),
    )
    insert_record(
        session, CUECS, engagement_id, asdict(demo.STORY_CUEC), dates.at(demo.STORY_OFFSETS["cuec"])
    )


def _records(session: Session, name: str, dates: demo.DemoDates) -> Engagement:
    """Every record of the demo but its evidence, in *session* (not committed)."""
    engagement = insert_engagement(
        session, name=name, company=demo.COMPANY, auditor_firm=demo.AUDITOR, is_demo=True, now=dates.set_up
    )
    assert engagement.id is not None
    _scope(session, engagement, dates)
    seed_in(session, engagement, dates.set_up)
    _work_controls(session, engagement, dates)
    _carve_outs_and_story(session, engagement.id, dates)
    drafted = dates.at(demo.WORKED_OFFSET)
    for key, text in demo.SECTIONS.items():
        write_section_in(session, engagement_id=engagement.id, key=key, text=text, now=drafted)
    insert_incident_in(
        session,
        engagement_id=engagement.id,
        on=dates.day(demo.INCIDENT_OFFSET),
        summary=demo.INCIDENT,
        now=dates.at(demo.INCIDENT_OFFSET + 1),
    )
    return engagement


def _go_on(cancel: Cancel | None) -> None:
    """Stop here when the user has cancelled (:func:`create_demo` then takes the demo away again)."""
    if cancel is not None and cancel():
        raise CancelledError("the demo was not made")


def _add_files(
    workspace: Workspace,
    engagement_id: int,
    name: str,
    dates: demo.DemoDates,
    progress: Progress | None,
    cancel: Cancel | None,
) -> None:
    with workspace.session() as session:
        rows = session.exec(select(Control.ref, Control.id).where(Control.engagement_id == engagement_id))
        ids = {ref: control_id for ref, control_id in rows if control_id is not None}
    from app.exporters.demo_files import write_demo_file  # reportlab and Pillow: not needed to start

    items = demo.demo_evidence(dates, name)
    with tempfile.TemporaryDirectory(prefix="soc-workbench-demo-") as folder:
        for number, item in enumerate(items):
            _go_on(cancel)
            written = datetime.combine(item.collected_on, time(9, 0), tzinfo=UTC)
            path = write_demo_file(Path(folder), item, company=demo.COMPANY, as_of=written)
            add_evidence(
                workspace,
                engagement_id=engagement_id,
                files=[path],
                control_ids=[ids[ref] for ref in item.controls],
                collected_on=item.collected_on,
                title=item.title,
                covers_from=item.covers_from,
                covers_to=item.covers_to,
                as_of=item.as_of,
                source_system=item.source_system,
            )
            if progress is not None:
                progress(number + 1, len(items))


def create_demo(
    workspace: Workspace,
    *,
    name: str = demo.DEFAULT_NAME,
    today: date | None = None,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> EngagementRow:
    """Make the demo engagement named *name*, dated from *today* (the local date by default).

    A name already taken is refused and nothing is written. *progress* hears
    of the evidence files added; when *cancel* says so, or anything fails on
    the way, the demo is taken away again (``CancelledError`` after a cancel).
    """
    dates = demo.demo_dates(today or date.today())
    with workspace.writing() as session:
        engagement = _records(session, name, dates)
        session.commit()
        row = engagement_row(engagement)
    try:
        _add_files(workspace, row.id, row.name, dates, progress, cancel)
        _go_on(cancel)
        _add_request_list(workspace, row.id, dates)
        _go_on(cancel)
        _add_policies(workspace, row.id, dates)
    except BaseException:
        delete_engagement(workspace, row.id)
        raise
    return row


def _add_policies(workspace: Workspace, engagement_id: int, dates: demo.DemoDates) -> None:
    """The policy library answered and approved (one policy left in draft), the staff list, and
    everyone's acknowledgements but a new starter's."""
    approved_on = demo.policies_approved_on(dates)
    set_policy_answers(workspace, engagement_id=engagement_id, answers=demo.POLICY_ANSWERS)
    seeded = seed_policies(workspace, engagement_id=engagement_id, today=approved_on)
    approved = tuple(
        approve_policy(
            workspace,
            engagement_id=engagement_id,
            key=key,
            approved_by=demo.POLICY_APPROVER,
            approved_on=approved_on,
            today=dates.today,
        )
        for key in seeded.added
        if key != demo.DRAFT_POLICY
    )
    replace_staff(workspace, engagement_id=engagement_id, staff=demo.demo_staff(dates))
    in_force = tuple((policy.key, version.version) for policy in approved for version in policy.versions)
    record_acknowledgements(
        workspace,
        engagement_id=engagement_id,
        acknowledgements=demo.demo_acknowledgements(dates, in_force),
        today=dates.today,
    )


def _add_request_list(workspace: Workspace, engagement_id: int, dates: demo.DemoDates) -> None:
    """The auditor's list imported as it came, each request linked to the controls it names, and the
    auditor's selections for the sampled request (its columns are not remembered for the firm)."""
    with tempfile.TemporaryDirectory(prefix="soc-workbench-demo-") as folder:
        path = Path(folder) / f"{demo.AUDITOR} request list.csv"
        path.write_text(request_list_csv(dates), encoding="utf-8")
        preview = preview_request_list(workspace, engagement_id=engagement_id, path=path)
        import_request_list(workspace, preview, remember=False)
    for request in list_requests(workspace, engagement_id=engagement_id):
        named = [s.control_id for s in request_detail(workspace, request.id).suggestions if s.named]
        if named:
            link_request_controls(workspace, request.id, named)
    sampled = find_request(workspace, engagement_id=engagement_id, request_ref=demo.SAMPLED_REQUEST)
    add_sample_items(
        workspace, engagement_id=engagement_id, request_id=sampled.id, items=demo.request_samples(dates)
    )


def request_list_csv(dates: demo.DemoDates) -> str:
    """The demo auditor's request list, as CSV the way auditors send one (a title line above the header).

    :func:`create_demo` imports it for the demo engagement (populations
    first, then the sample requests), so the Requests page has a list to work.
    """
    rows = demo.request_list(dates)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([f"{demo.AUDITOR} — request list for {demo.COMPANY}"])
    writer.writerow([])
    writer.writerow(demo.REQUEST_COLUMNS)
    writer.writerows(rows)
    return buffer.getvalue()
