"""An engagement's policy records read together: policies in force, unanswered questions, checks, names."""

from datetime import date

import pytest

from app.domain.document import Block, BulletList, Heading, NumberedList, Paragraph, Table, plain_text
from app.domain.policies import (
    PolicyRuleError,
    approve_policy,
    initial_answers,
    load_policy_library,
    new_policy,
    retire_policy,
    start_new_version,
)
from app.domain.policy_records import (
    PolicyRecords,
    check_acknowledgement,
    policy_document,
    policy_file_name,
    version_to_export,
)
from app.domain.rollforward import suggested_name
from app.domain.staff import AcknowledgementRow, StaffRow
from app.domain.vocab import VersionChange

ANSWERS = {
    **initial_answers(),
    "company": "Acme_Co",
    "cloud_provider": "AWS",
    "identity_provider": "Okta",
    "ticketing_tool": "Jira",
    "code_hosting": "GitHub",
    "hr_system": "BambooHR",
    "security_owner": "IT Manager",
    "policy_approver": "CEO",
    "people_owner": "Head of People",
    "engineering_owner": "CTO",
}
DAY = date(2025, 3, 1)


def backup(approved: bool = True):  # type: ignore[no-untyped-def]
    policy = new_policy(load_policy_library().template("backup"), owner="IT Manager", today=date(2025, 1, 1))
    if approved:
        policy = approve_policy(
            policy, approved_by="Jane Doe, CEO", approved_on=DAY, answers=ANSWERS, today=DAY
        )
    return policy


def words(block: Block) -> str:
    if isinstance(block, Heading):
        return block.text
    if isinstance(block, Paragraph):
        return plain_text(block.inlines)
    if isinstance(block, BulletList | NumberedList):
        return " ".join(plain_text(item) for item in block.items)
    if isinstance(block, Table):
        return " ".join(plain_text(cell) for row in block.rows for cell in row)
    return ""


def test_policies_in_force_leave_out_drafts_and_retired_ones() -> None:
    draft = new_policy(load_policy_library().template("access-control"), owner="", today=DAY)
    retired = retire_policy(backup(), today=date(2025, 4, 1))
    records = PolicyRecords(policies=(draft, backup(), retired))
    assert [(p.key, v.version) for p, v in records.in_force] == [("backup", "1.0")]


def test_unanswered_questions_of_drafts_and_versions_in_force() -> None:
    draft = new_policy(load_policy_library().template("hr-security"), owner="", today=DAY)
    records = PolicyRecords(policies=(draft,), answers={"company": "Acme"})
    assert "hr_system" in records.unanswered() and "company" not in records.unanswered()
    assert (
        PolicyRecords(policies=(draft,), answers=ANSWERS | {"device_management": "Jamf"}).unanswered() == ()
    )


def test_a_document_is_refused_while_a_placeholder_is_unanswered_and_shows_the_answers_once_filled() -> None:
    draft = backup(approved=False)
    with pytest.raises(PolicyRuleError, match="answer these policy questions first: Company name"):
        policy_document(draft, draft.latest, {}, company="Acme")
    document = policy_document(draft, draft.latest, ANSWERS, company="Acme_Co")
    assert (document.title, document.subtitle) == ("Backup Policy", "Acme_Co")
    control = next(block for block in document.blocks if isinstance(block, Table))
    assert [plain_text(row[1]) for row in control.rows][:2] == ["1.0", "Draft"]
    text = " ".join(words(block) for block in document.blocks)
    assert "Acme_Co" in text and "AWS" in text and "{{" not in text and "not answered" not in text
    assert any(isinstance(b, Heading) and b.text == "Change history" for b in document.blocks)


def test_versions_to_export_and_file_names() -> None:
    policy = start_new_version(backup(), change=VersionChange.MINOR, summary="Names", today=DAY)
    assert version_to_export(policy).version == "1.0"
    assert version_to_export(policy, "v1.1").version == "1.1"
    with pytest.raises(PolicyRuleError, match="has no version 2.0; it has 1.0, 1.1"):
        version_to_export(policy, "2.0")
    assert policy_file_name(policy, policy.versions[0], "pdf") == "Backup Policy v1.0.pdf"
    assert policy_file_name(policy, policy.versions[1], "docx") == "Backup Policy v1.1 draft.docx"


def test_an_acknowledgement_needs_a_person_an_approved_version_and_a_past_date() -> None:
    staff = [StaffRow("jane@acme.example", "Jane")]
    policy = backup()
    good = AcknowledgementRow("backup", "1.0", "jane@acme.example", DAY)
    check_acknowledgement(policy, good, staff, DAY)
    for row, words in [
        (AcknowledgementRow("backup", "1.0", "sam@acme.example", DAY), "not on the staff list"),
        (AcknowledgementRow("backup", "1.0", "jane@acme.example", date(2025, 3, 2)), "in the future"),
        (AcknowledgementRow("backup", "1.0", "jane@acme.example", date(2025, 2, 28)), "before version 1.0"),
        (AcknowledgementRow("backup", "9.0", "jane@acme.example", DAY), "has no version 9.0"),
    ]:
        with pytest.raises(ValueError, match=words):
            check_acknowledgement(policy, row, staff, DAY)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("Acme SOC 2 FY2025", "Acme SOC 2 FY2026"),
        ("Acme 2025 audit", "Acme 2026 audit"),
        ("SOC 2 (2024-2025)", "SOC 2 (2025-2026)"),
        ("Acme", "Acme (next period)"),
        ("Acme 12025", "Acme 12025 (next period)"),
    ],
)
def test_the_next_engagement_s_suggested_name(old: str, new: str) -> None:
    assert suggested_name(old) == new
