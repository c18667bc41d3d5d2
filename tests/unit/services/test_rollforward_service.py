"""Rolling an engagement forward: every rule of what carries over, one transaction, the old one untouched."""

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from app.domain.scoping import Answers, recommend
from app.domain.staff import AcknowledgementRow
from app.services import rollforward
from app.services.carveouts import add_cuec, add_subservice_org, list_cuecs, list_subservice_orgs
from app.services.controls import find_control, list_controls, update_control
from app.services.engagements import create_engagement, get_engagement, list_engagements, update_engagement
from app.services.errors import ConflictError, InvalidInputError
from app.services.evidence import add_evidence, list_evidence
from app.services.exports import export_history, run_export
from app.services.fieldwork import add_exception, list_exceptions
from app.services.objectives import list_objectives
from app.services.policies import policy_records, start_policy_version
from app.services.rollforward import preview_roll_forward, roll_forward
from app.services.seeding import seed_engagement
from app.services.staff import record_acknowledgements
from app.services.workspace import Workspace
from tests.policy_setup import TODAY, with_policies, with_staff
from tests.table_rows import table_rows

NOTE = "Carried over from “Northbeam FY2025” (1 Jan–31 Dec 2025)"

pytestmark = pytest.mark.backends


def everything(workspace: Workspace) -> dict[str, set[tuple[Any, ...]]]:
    """Every row of every table, as the database holds it."""
    return table_rows(workspace)


def last_year(workspace: Workspace, tmp_path: Path) -> int:
    """A SOC 1 + SOC 2 Type 2 year with every kind of record the roll-forward reads or leaves behind."""
    engagement_id = with_policies(workspace, approve=("access-control", "backup"))
    update_engagement(
        workspace,
        engagement_id,
        report_kinds=["SOC 1", "SOC 2"],
        business_type="payroll",
        system_name="Northbeam Payroll",
        system_description="Payroll for small firms",
        auditor_firm="Able & Baker LLP",
        scoping_answers={"customer_data": True, "financial_reporting_impact": True},
        scoping_recommendation=recommend(
            Answers(customer_data=True, financial_reporting_impact=True), date(2025, 1, 15)
        ).as_dict(),
        scoping_overrides={
            "report_type": {"value": "Type 1", "reason": "first year"},
            "categories": {"value": ["Security", "Availability"], "reason": "SLA"},
        },
    )
    seed_engagement(workspace, engagement_id=engagement_id)
    control = find_control(workspace, engagement_id=engagement_id, ref="ACC-03")
    update_control(
        workspace,
        control.id,
        status="exception",
        exceptions="Q3 review missed",
        management_response="Done in Q4",
    )
    update_control(
        workspace,
        find_control(workspace, engagement_id=engagement_id, ref="CHG-01").id,
        status="implemented",
        exceptions="Resolved emergency change",
        gap="Old gap",
        remediation_owner="CTO",
    )
    update_control(
        workspace,
        find_control(workspace, engagement_id=engagement_id, ref="BCP-02").id,
        status="in-progress",
        gap="Restore test not yet run",
        remediation_owner="Ops lead",
        remediation_due=date(2026, 2, 1),
    )
    add_exception(
        workspace,
        engagement_id=engagement_id,
        control_id=control.id,
        occurred_on=date(2025, 10, 3),
        description="Q3 review signed off late",
        root_cause="Reviewer on leave",
        remediation="A deputy reviewer named",
    )
    add_cuec(
        workspace, engagement_id=engagement_id, ref="CUEC-90", description="Customers approve their users"
    )
    add_subservice_org(
        workspace, engagement_id=engagement_id, name="AWS", services="Hosting", csocs="Physical"
    )
    with_staff(workspace, engagement_id, tmp_path)
    record_acknowledgements(
        workspace,
        engagement_id=engagement_id,
        acknowledgements=[AcknowledgementRow("access-control", "1.0", "jane.doe@northbeam.example", TODAY)],
        today=TODAY,
    )
    start_policy_version(
        workspace,
        engagement_id=engagement_id,
        key="backup",
        change="minor",
        summary="Tool names",
        today=TODAY,
    )
    proof = tmp_path / "review.csv"
    proof.write_text("user,decision\nana,keep\n")
    add_evidence(workspace, engagement_id=engagement_id, files=[proof], control_ids=[control.id])
    run_export(workspace, engagement_id=engagement_id, kind="xlsx", target=tmp_path / "book.xlsx")
    return engagement_id


def test_the_next_year_carries_scope_controls_and_policies_and_leaves_the_old_one_untouched(
    workspace: Workspace, tmp_path: Path
) -> None:
    old_id = last_year(workspace, tmp_path)
    old = get_engagement(workspace, old_id)
    before = everything(workspace)
    result = roll_forward(workspace, engagement_id=old_id, name="  Northbeam   FY2026 ")
    after = everything(workspace)
    for table, rows in before.items():
        assert rows <= after[table], f"rows of {table} changed or went"
    assert after["evidence"] == before["evidence"] and after["evidence_control"] == before["evidence_control"]
    assert after["export_record"] == before["export_record"]

    new = get_engagement(workspace, result.engagement.id)
    same = ("company", "system_name", "system_description", "business_type", "report_kinds", "categories")
    assert [getattr(new, f) for f in same] == [getattr(old, f) for f in same]
    assert (new.framework, new.auditor_firm, new.name) == (
        old.framework,
        old.auditor_firm,
        "Northbeam FY2026",
    )
    assert (new.report_type, new.period_start, new.period_end, new.as_of_date) == (
        "Type 2",
        date(2026, 1, 1),
        date(2026, 12, 31),
        None,
    )
    assert new.scoping_answers == {
        "customer_data": True,
        "financial_reporting_impact": True,
        "prior_report": {"report": "SOC 2", "type": "Type 2", "period_end": "2025-12-31"},
    }
    assert new.scoping_recommendation is None
    assert new.scoping_overrides == {"categories": {"value": ["Security", "Availability"], "reason": "SLA"}}
    assert [p.as_answer() for p in result.plan.prior_reports] == [
        {"report": "SOC 1", "type": "Type 2", "period_end": "2025-12-31"},
        {"report": "SOC 2", "type": "Type 2", "period_end": "2025-12-31"},
    ]
    for kind in ("xlsx", "scoping-memo", "package"):
        run_export(workspace, engagement_id=new.id, kind=kind, target=tmp_path / f"next-{kind}")


def test_controls_keep_their_statuses_and_only_open_exceptions_and_remediation_come_with_a_note(
    workspace: Workspace, tmp_path: Path
) -> None:
    old_id = last_year(workspace, tmp_path)
    new_id = roll_forward(workspace, engagement_id=old_id, name="Northbeam FY2026").engagement.id
    old_controls = {c.ref: c for c in list_controls(workspace, engagement_id=old_id)}
    new_controls = {c.ref: c for c in list_controls(workspace, engagement_id=new_id)}
    assert set(new_controls) == set(old_controls)
    for ref, control in old_controls.items():
        copy = new_controls[ref]
        assert (copy.title, copy.owner, copy.status, copy.criteria, copy.is_key, copy.frequency) == (
            control.title,
            control.owner,
            control.status,
            control.criteria,
            control.is_key,
            control.frequency,
        )
    review = new_controls["ACC-03"]
    assert (review.status, review.exceptions, review.management_response) == (
        "exception",
        f"{NOTE}: Q3 review missed",
        "Done in Q4",
    )
    assert review.notes.endswith(
        f"{NOTE}, exceptions found in testing:\n- 3 Oct 2025, ACC-03: Q3 review signed off late; "
        "root cause: Reviewer on leave; remediation: A deputy reviewer named"
    )
    assert list_exceptions(workspace, engagement_id=new_id) == []
    change = new_controls["CHG-01"]
    assert (change.exceptions, change.gap, change.remediation_owner) == ("", "", "")
    restore = new_controls["BCP-02"]
    assert (restore.gap, restore.remediation_owner, restore.remediation_due) == (
        f"{NOTE}: Restore test not yet run",
        "Ops lead",
        date(2026, 2, 1),
    )
    assert list_evidence(workspace, engagement_id=new_id) == []
    assert export_history(workspace, engagement_id=new_id) == []
    assert len(list_evidence(workspace, engagement_id=old_id)) == 1


def test_objectives_cuecs_subservice_organizations_policies_staff_and_acknowledgements_come_over(
    workspace: Workspace, tmp_path: Path
) -> None:
    old_id = last_year(workspace, tmp_path)
    result = roll_forward(workspace, engagement_id=old_id, name="Northbeam FY2026")
    new_id = result.engagement.id
    old_objectives = list_objectives(workspace, engagement_id=old_id)
    new_objectives = list_objectives(workspace, engagement_id=new_id)
    assert old_objectives and [(o.ref, o.title, o.control_refs) for o in new_objectives] == [
        (o.ref, o.title, o.control_refs) for o in old_objectives
    ]
    new_control_ids = {c.id for c in list_controls(workspace, engagement_id=new_id)}
    assert all(set(o.control_ids) <= new_control_ids for o in new_objectives)
    assert [(c.ref, c.description) for c in list_cuecs(workspace, engagement_id=new_id)] == [
        (c.ref, c.description) for c in list_cuecs(workspace, engagement_id=old_id)
    ]
    assert ("CUEC-90", "Customers approve their users") in [
        (c.ref, c.description) for c in list_cuecs(workspace, engagement_id=new_id)
    ]
    moved = [(s.name, s.services, s.csocs) for s in list_subservice_orgs(workspace, engagement_id=new_id)]
    assert moved == [
        (s.name, s.services, s.csocs) for s in list_subservice_orgs(workspace, engagement_id=old_id)
    ]
    assert ("AWS", "Hosting", "Physical") in moved
    old_records = policy_records(workspace, engagement_id=old_id)
    new_records = policy_records(workspace, engagement_id=new_id)
    assert new_records == old_records
    backup = new_records.policy("backup")
    assert [(v.version, v.status.value) for v in backup.versions] == [("1.0", "approved"), ("1.1", "draft")]
    assert [a.email for a in new_records.acknowledgements] == ["jane.doe@northbeam.example"]
    assert result.counts == {
        "controls": len(list_controls(workspace, engagement_id=old_id)),
        "open_exceptions": 1,
        "open_remediation": 1,
        "exceptions_found": 1,
        "objectives": len(old_objectives),
        "cuecs": len(list_cuecs(workspace, engagement_id=old_id)),
        "subservice_orgs": len(list_subservice_orgs(workspace, engagement_id=old_id)),
        "policies": len(old_records.policies),
        "staff": 4,
        "acknowledgements": 1,
    }


def test_a_type_1_rolls_into_a_twelve_month_type_2_from_the_day_after_its_as_of_date(
    workspace: Workspace,
) -> None:
    engagement = create_engagement(workspace, name="Acme 2025", as_of_date=date(2025, 6, 30))
    update_engagement(
        workspace, engagement.id, report_kinds=["SOC 2"], report_type="Type 1", categories=["Security"]
    )
    plan = preview_roll_forward(workspace, engagement_id=engagement.id, name="Acme 2026")
    assert (plan.period_start, plan.period_end, plan.report_type) == (
        date(2025, 7, 1),
        date(2026, 6, 30),
        "Type 2",
    )
    new = roll_forward(workspace, engagement_id=engagement.id, name="Acme 2026").engagement
    assert new.scoping_answers == {
        "prior_report": {"report": "SOC 2", "type": "Type 1", "period_end": "2025-06-30"}
    }


def test_refusals_and_a_failure_half_way_leave_the_workspace_as_it_was(
    workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old_id = with_policies(workspace)
    create_engagement(workspace, name="Taken")
    with pytest.raises(ConflictError, match="already exists"):
        roll_forward(workspace, engagement_id=old_id, name="taken")
    unscoped = create_engagement(workspace, name="Blank")
    with pytest.raises(InvalidInputError, match="has no report kind and type yet"):
        roll_forward(workspace, engagement_id=unscoped.id, name="Blank 2")
    before = everything(workspace)

    def broken(*_args: Any) -> dict[str, int]:
        raise RuntimeError("disk trouble")

    monkeypatch.setattr(rollforward, "_copy_policies", broken)
    with pytest.raises(RuntimeError):
        roll_forward(workspace, engagement_id=old_id, name="Northbeam FY2026")
    assert everything(workspace) == before
    assert [e.name for e in list_engagements(workspace)] == ["Blank", "Northbeam FY2025", "Taken"]
