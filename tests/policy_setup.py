"""An engagement with its starter controls and policies, as the policy tests start from."""

from datetime import date
from pathlib import Path

from app.services.engagements import create_engagement, update_engagement
from app.services.policies import approve_policy, seed_policies, set_policy_answers
from app.services.seeding import seed_engagement
from app.services.staff import import_staff, preview_staff_import
from app.services.workspace import Workspace

COMPANY = "Northbeam Analytics Ltd"
ANSWERS = {
    "cloud_provider": "Amazon Web Services",
    "identity_provider": "Okta",
    "ticketing_tool": "Jira",
    "code_hosting": "GitHub",
    "hr_system": "BambooHR",
    "device_management": "Jamf",
    "security_contact": "security@northbeam.example",
    "security_owner": "IT Manager",
    "policy_approver": "CEO",
    "people_owner": "Head of People",
    "engineering_owner": "CTO",
    "privacy_owner": "Privacy Officer",
}
APPROVED_ON = date(2025, 2, 3)
TODAY = date(2025, 3, 14)
STAFF_CSV = (
    "Employee Directory export,,,,\n"
    ",,,,\n"
    "Full Name,Work Email,Job Title,Hire Date,Termination Date\n"
    "Jane Doe,Jane.Doe@Northbeam.example,CEO,2019-04-01,\n"
    "Sam Lee,sam.lee@northbeam.example,Engineer,14/02/2025,\n"
    "Ana Silva,ana.silva@northbeam.example,Support lead,2021-09-13,\n"
    "Lou Park,lou.park@northbeam.example,Engineer,2022-01-10,31/01/2025\n"
)


def scoped_engagement(workspace: Workspace, name: str = "Northbeam FY2025") -> int:
    """A SOC 2 Type 2 engagement (Security, Availability) for 2025 with the starter controls."""
    engagement = create_engagement(
        workspace,
        name=name,
        company=COMPANY,
        period_start=date(2025, 1, 1),
        period_end=date(2025, 12, 31),
    )
    update_engagement(
        workspace, engagement.id, report_kinds=["SOC 2"], report_type="Type 2", categories=["Availability"]
    )
    seed_engagement(workspace, engagement_id=engagement.id)
    return engagement.id


def with_policies(workspace: Workspace, *, approve: tuple[str, ...] = ()) -> int:
    """The scoped engagement with its policies seeded, the questionnaire answered and *approve* approved."""
    engagement_id = scoped_engagement(workspace)
    seed_policies(workspace, engagement_id=engagement_id, today=date(2025, 1, 20))
    set_policy_answers(workspace, engagement_id=engagement_id, answers=ANSWERS)
    for key in approve:
        approve_policy(
            workspace,
            engagement_id=engagement_id,
            key=key,
            approved_by="Jane Doe, CEO",
            approved_on=APPROVED_ON,
            today=TODAY,
        )
    return engagement_id


def with_staff(workspace: Workspace, engagement_id: int, folder: Path) -> None:
    """Import the four people of :data:`STAFF_CSV` (an HR export with a title row, day-first dates)."""
    path = folder / "staff.csv"
    path.write_text(STAFF_CSV, encoding="utf-8")
    preview = preview_staff_import(workspace, engagement_id=engagement_id, path=path)
    import_staff(workspace, engagement_id=engagement_id, imported=preview.imported)
