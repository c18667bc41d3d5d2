"""Policies per engagement: seeding, the questionnaire, edits, approval, versions and readiness gaps."""

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from app.db.changelog import change_rows
from app.domain.changes import Changes, Kind
from app.domain.policies import load_policy_library
from app.domain.staff import AcknowledgementRow
from app.domain.vocab import PolicyStatus
from app.services.engagements import create_engagement, update_engagement
from app.services.errors import InvalidInputError, NotFoundError
from app.services.policies import (
    approve_policy,
    get_policy,
    get_policy_answers,
    list_policies,
    policy_records,
    restore_policy,
    retire_policy,
    seed_policies,
    set_policy_answers,
    start_policy_version,
    unseed_policies,
    update_policy,
)
from app.services.readiness import engagement_readiness
from app.services.staff import record_acknowledgements
from app.services.workspace import Workspace
from tests.policy_setup import (
    ANSWERS,
    APPROVED_ON,
    COMPANY,
    TODAY,
    scoped_engagement,
    with_policies,
    with_staff,
)

pytestmark = pytest.mark.backends


def test_seeding_adds_the_scope_s_policies_as_drafts_with_their_links_and_prefills_the_company(
    workspace: Workspace,
) -> None:
    engagement_id = scoped_engagement(workspace)
    seeded = seed_policies(workspace, engagement_id=engagement_id, today=date(2025, 1, 20))
    library = load_policy_library()
    expected = [t.key for t in library.for_categories(["Security", "Availability"])]
    assert seeded.added == expected and "availability" in expected and "privacy" not in expected
    assert seeded.answers == {"company": COMPANY, "review_cadence": "annual"}
    policies = list_policies(workspace, engagement_id=engagement_id)
    assert [p.key for p in policies] == expected
    access = get_policy(workspace, engagement_id=engagement_id, key="access-control")
    template = library.template("access-control")
    assert (access.status, access.shown.version, access.shown.created_on) == (
        PolicyStatus.DRAFT,
        "1.0",
        date(2025, 1, 20),
    )
    assert (access.controls, access.criteria, access.shown.body) == (
        template.controls,
        template.criteria,
        template.body,
    )
    again = seed_policies(workspace, engagement_id=engagement_id)
    assert (again.added, again.skipped, again.answers) == ([], expected, {})


def test_a_soc1_only_engagement_gets_the_security_policies(workspace: Workspace) -> None:
    engagement = create_engagement(workspace, name="Payroll Co")
    update_engagement(workspace, engagement.id, report_kinds=["SOC 1"], report_type="Type 1")
    seeded = seed_policies(workspace, engagement_id=engagement.id)
    assert seeded.added == [t.key for t in load_policy_library().for_categories(["Security"])]


def test_undoing_a_seeding_removes_its_policies_and_prefilled_answers(workspace: Workspace) -> None:
    engagement_id = scoped_engagement(workspace)
    set_policy_answers(workspace, engagement_id=engagement_id, answers={"cloud_provider": "GCP"})
    seeded = seed_policies(workspace, engagement_id=engagement_id)
    unseed_policies(workspace, engagement_id=engagement_id, seeded=seeded)
    assert list_policies(workspace, engagement_id=engagement_id) == []
    assert get_policy_answers(workspace, engagement_id=engagement_id) == {"cloud_provider": "GCP"}


def test_answers_are_cleaned_cleared_and_refused_as_a_whole(workspace: Workspace) -> None:
    engagement_id = with_policies(workspace)
    answers = set_policy_answers(
        workspace, engagement_id=engagement_id, answers={"review_cadence": "Semiannual", "hr_system": ""}
    )
    assert answers["review_cadence"] == "semiannual" and "hr_system" not in answers
    with pytest.raises(InvalidInputError, match="Cloud provider: the answer may not contain"):
        set_policy_answers(
            workspace, engagement_id=engagement_id, answers={"company": "Other", "cloud_provider": "{{x}}"}
        )
    with pytest.raises(InvalidInputError, match="there is no policy question 'colour'"):
        set_policy_answers(workspace, engagement_id=engagement_id, answers={"colour": "blue"})
    assert get_policy_answers(workspace, engagement_id=engagement_id)["company"] == COMPANY


def test_details_links_and_draft_text_are_edited_and_logged(workspace: Workspace) -> None:
    engagement_id = with_policies(workspace)
    policy = update_policy(
        workspace,
        engagement_id=engagement_id,
        key="backup",
        owner="  Head of  Operations ",
        controls="BCP-03, BCP-01",
        criteria="a1.3, CC5.3",
        body="## Purpose\n\n{{company}} backs up its data daily.\n",
    )
    assert (policy.owner, policy.controls, policy.criteria) == (
        "Head of Operations",
        ("BCP-01", "BCP-03"),
        ("CC5.3", "A1.3"),
    )
    assert policy.draft is not None and policy.draft.body.startswith("## Purpose")
    with workspace.session() as session:
        fields = [c.field for c in change_rows(session, engagement_id=engagement_id) if c.entity == "policy"]
    assert {"owner", "controls", "criteria", "1.0 text"} <= set(fields)
    with pytest.raises(InvalidInputError, match="no control XYZ-9 in the control matrix"):
        update_policy(workspace, engagement_id=engagement_id, key="backup", controls="BCP-01, XYZ-9")
    with pytest.raises(InvalidInputError, match="unknown criterion CC99.1"):
        update_policy(workspace, engagement_id=engagement_id, key="backup", criteria="CC99.1")
    with pytest.raises(InvalidInputError, match=r"\{\{colour\}\} is not a known placeholder"):
        update_policy(workspace, engagement_id=engagement_id, key="backup", body="{{colour}}")
    with pytest.raises(NotFoundError, match="no policy 'nope'"):
        update_policy(workspace, engagement_id=engagement_id, key="nope", owner="x")
    assert get_policy(workspace, engagement_id=engagement_id, key="backup") == policy


def test_approval_freezes_the_filled_text_and_sets_the_review_from_the_cadence(workspace: Workspace) -> None:
    engagement_id = with_policies(workspace)
    set_policy_answers(workspace, engagement_id=engagement_id, answers={"review_cadence": "semiannual"})
    approved = approve_policy(
        workspace,
        engagement_id=engagement_id,
        key="access-control",
        approved_by=" Jane  Doe, CEO ",
        approved_on=APPROVED_ON,
        today=TODAY,
    )
    version = approved.in_force
    assert version is not None
    assert (version.version, version.approved_by, version.approved_on, version.next_review) == (
        "1.0",
        "Jane Doe, CEO",
        APPROVED_ON,
        date(2025, 8, 3),
    )
    assert "{{" not in version.body and "Okta" in version.body and COMPANY in version.body
    set_policy_answers(workspace, engagement_id=engagement_id, answers={"identity_provider": "Entra ID"})
    stored = get_policy(workspace, engagement_id=engagement_id, key="access-control")
    assert (
        stored.in_force is not None and "Okta" in stored.in_force.body and "Entra" not in stored.in_force.body
    )
    with pytest.raises(InvalidInputError, match="has no draft to approve"):
        approve_policy(
            workspace, engagement_id=engagement_id, key="access-control", approved_by="X", today=TODAY
        )


def test_approval_is_refused_while_a_question_is_unanswered(workspace: Workspace) -> None:
    engagement_id = with_policies(workspace)
    set_policy_answers(workspace, engagement_id=engagement_id, answers={"ticketing_tool": ""})
    with pytest.raises(InvalidInputError, match="unanswered: Ticketing tool"):
        approve_policy(
            workspace, engagement_id=engagement_id, key="access-control", approved_by="J", today=TODAY
        )
    assert (
        get_policy(workspace, engagement_id=engagement_id, key="access-control").status is PolicyStatus.DRAFT
    )
    assert "ticketing_tool" in policy_records(workspace, engagement_id=engagement_id).unanswered()


def test_draft_to_approved_to_minor_and_major_versions_carry_then_reset_acknowledgements(
    workspace: Workspace, tmp_path: Path
) -> None:
    engagement_id = with_policies(workspace, approve=("access-control",))
    with_staff(workspace, engagement_id, tmp_path)
    record_acknowledgements(
        workspace,
        engagement_id=engagement_id,
        acknowledgements=[AcknowledgementRow("access-control", "1.0", "jane.doe@northbeam.example", TODAY)],
        today=TODAY,
    )

    def jane(on: date) -> str:
        rows = policy_records(workspace, engagement_id=engagement_id).register(on)
        return next(r.state for r in rows if r.policy_key == "access-control" and r.email.startswith("jane"))

    assert jane(TODAY) == "acknowledged"
    minor = start_policy_version(
        workspace,
        engagement_id=engagement_id,
        key="access-control",
        change="minor",
        summary="Tool names",
        today=TODAY,
    )
    assert minor.draft is not None and minor.draft.version == "1.1" and minor.status is PolicyStatus.APPROVED
    approve_policy(
        workspace,
        engagement_id=engagement_id,
        key="access-control",
        approved_by="Jane Doe, CEO",
        today=date(2025, 4, 1),
    )
    assert jane(date(2025, 4, 2)) == "acknowledged"
    start_policy_version(
        workspace,
        engagement_id=engagement_id,
        key="access-control",
        change="major",
        summary="MFA",
        today=date(2025, 5, 1),
    )
    after = approve_policy(
        workspace,
        engagement_id=engagement_id,
        key="access-control",
        approved_by="Jane Doe, CEO",
        today=date(2025, 5, 2),
    )
    assert [(v.version, v.status) for v in after.versions] == [
        ("1.0", PolicyStatus.RETIRED),
        ("1.1", PolicyStatus.RETIRED),
        ("2.0", PolicyStatus.APPROVED),
    ]
    assert jane(date(2025, 5, 3)) == "earlier-major"
    with pytest.raises(InvalidInputError, match="already a draft|never been approved|say what changes"):
        start_policy_version(
            workspace, engagement_id=engagement_id, key="access-control", change="minor", summary=" "
        )


def test_restoring_a_policy_undoes_an_approval_a_version_and_a_retirement(workspace: Workspace) -> None:
    engagement_id = with_policies(workspace)
    before = get_policy(workspace, engagement_id=engagement_id, key="backup")
    approve_policy(workspace, engagement_id=engagement_id, key="backup", approved_by="J", today=TODAY)
    assert restore_policy(workspace, engagement_id=engagement_id, policy=before) == before
    assert get_policy(workspace, engagement_id=engagement_id, key="backup") == before
    approved = approve_policy(
        workspace, engagement_id=engagement_id, key="backup", approved_by="J", today=TODAY
    )
    versioned = start_policy_version(
        workspace, engagement_id=engagement_id, key="backup", change="major", summary="RPO 4h", today=TODAY
    )
    assert versioned.draft is not None and versioned.draft.version == "2.0"
    restore_policy(workspace, engagement_id=engagement_id, policy=approved)
    assert get_policy(workspace, engagement_id=engagement_id, key="backup") == approved
    retired = retire_policy(workspace, engagement_id=engagement_id, key="backup", today=TODAY)
    assert retired.status is PolicyStatus.RETIRED and {v.status for v in retired.versions} == {
        PolicyStatus.RETIRED
    }
    restore_policy(workspace, engagement_id=engagement_id, policy=approved)
    assert get_policy(workspace, engagement_id=engagement_id, key="backup") == approved


def test_next_review_moves_only_after_the_approval(workspace: Workspace) -> None:
    engagement_id = with_policies(workspace, approve=("backup",))
    moved = update_policy(workspace, engagement_id=engagement_id, key="backup", next_review=date(2025, 12, 1))
    assert moved.in_force is not None and moved.in_force.next_review == date(2025, 12, 1)
    with pytest.raises(InvalidInputError, match="must come after the approval"):
        update_policy(workspace, engagement_id=engagement_id, key="backup", next_review=date(2025, 1, 1))


def test_criteria_relying_on_unapproved_or_overdue_policies_are_readiness_gaps(workspace: Workspace) -> None:
    engagement_id = with_policies(workspace)
    records = policy_records(workspace, engagement_id=engagement_id)
    keys = [p.key for p in records.policies]
    gaps = engagement_readiness(workspace, engagement_id=engagement_id, today=TODAY).gaps
    backup = [g for g in gaps if g.policy_key == "backup"]
    assert [(g.kind, g.category, g.criterion) for g in backup] == [
        ("policy-not-approved", "Security", "CC7.5"),
        ("policy-not-approved", "Security", "CC9.1"),
        ("policy-not-approved", "Availability", "A1.2"),
        ("policy-not-approved", "Availability", "A1.3"),
    ]
    assert (
        backup[2].message
        == "A1.2 relies on the Backup Policy (controls BCP-01, BCP-02), which is not approved"
    )
    for key in keys:
        approve_policy(
            workspace,
            engagement_id=engagement_id,
            key=key,
            approved_by="J",
            approved_on=APPROVED_ON,
            today=TODAY,
        )
    assert not [
        g
        for g in engagement_readiness(workspace, engagement_id=engagement_id, today=TODAY).gaps
        if g.policy_key
    ]
    late = engagement_readiness(workspace, engagement_id=engagement_id, today=date(2026, 2, 4)).gaps
    overdue = [g for g in late if g.policy_key == "backup"]
    assert overdue and {g.kind for g in overdue} == {"policy-review-overdue"}
    assert "whose review was due 2026-02-03" in overdue[0].message


def test_policy_writes_announce_policies_and_reads_announce_nothing(workspace: Workspace) -> None:
    engagement_id = scoped_engagement(workspace)
    heard: list[Changes] = []
    workspace.listeners.append(heard.append)
    seed_policies(workspace, engagement_id=engagement_id)
    set_policy_answers(workspace, engagement_id=engagement_id, answers=ANSWERS)
    approve_policy(workspace, engagement_id=engagement_id, key="backup", approved_by="J", today=TODAY)
    assert heard == [Changes.of(Kind.POLICIES, [engagement_id])] * 3
    heard.clear()
    list_policies(workspace, engagement_id=engagement_id)
    policy_records(workspace, engagement_id=engagement_id)
    assert heard == []
    with pytest.raises(InvalidInputError):
        approve_policy(workspace, engagement_id=engagement_id, key="backup", approved_by="J", today=TODAY)
    assert heard == []


def test_row_fields_survive_the_round_trip(workspace: Workspace) -> None:
    engagement_id = with_policies(workspace, approve=("backup",))
    stored = get_policy(workspace, engagement_id=engagement_id, key="backup")
    changed = replace(stored, owner="COO", retired_on=None)
    assert restore_policy(workspace, engagement_id=engagement_id, policy=changed) == changed
