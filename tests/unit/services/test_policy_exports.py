"""Policies as files: PDF and Word read back, the policy pack checked by sha256sum, register, package."""

import shutil
import subprocess
import zipfile
from datetime import date, timedelta
from pathlib import Path

import docx
import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from app.domain.staff import AcknowledgementRow
from app.services.errors import InvalidInputError, NotFoundError
from app.services.evidence import list_evidence
from app.services.exports import export_history, export_policy, run_export
from app.services.policies import approve_policy, set_policy_answers, start_policy_version
from app.services.staff import attach_acknowledgement_register, record_acknowledgements
from app.services.workspace import Workspace
from tests.policy_setup import ANSWERS, COMPANY, TODAY, with_policies, with_staff

APPROVED = ("information-security", "access-control", "backup")

pytestmark = pytest.mark.backends


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def docx_text(path: Path) -> str:
    document = docx.Document(str(path))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def acknowledged(workspace: Workspace, engagement_id: int) -> None:
    record_acknowledgements(
        workspace,
        engagement_id=engagement_id,
        acknowledgements=[
            AcknowledgementRow("access-control", "1.0", "jane.doe@northbeam.example", date(2025, 2, 10)),
            AcknowledgementRow(
                "information-security", "1.0", "ana.silva@northbeam.example", date(2025, 2, 11)
            ),
        ],
        today=TODAY,
    )


@pytest.mark.parametrize("file_format", ["pdf", "docx"])
def test_an_approved_policy_reads_back_with_company_details_and_no_placeholder(
    workspace: Workspace, tmp_path: Path, file_format: str
) -> None:
    engagement_id = with_policies(workspace, approve=APPROVED)
    target = tmp_path / f"access.{file_format}"
    result = export_policy(
        workspace, engagement_id=engagement_id, key="access-control", file_format=file_format, target=target
    )
    text = pdf_text(target) if file_format == "pdf" else docx_text(target)
    normal = " ".join(text.split())
    assert "Access Control Policy" in normal
    assert (
        COMPANY in normal and "Okta" in normal and "Amazon Web Services" in normal and "IT Manager" in normal
    )
    assert "{{" not in text and "}}" not in text and "not answered" not in text
    assert "Jane Doe, CEO" in normal and "3 Feb 2025" in normal and "3 Feb 2026" in normal
    assert "Change history" in normal and "First version" in normal
    assert [r.kind for r in export_history(workspace, engagement_id=engagement_id)] == ["policy"]
    assert result.sha256 == export_history(workspace, engagement_id=engagement_id)[0].manifest_sha256


def test_a_draft_exports_only_once_its_questions_are_answered(workspace: Workspace, tmp_path: Path) -> None:
    engagement_id = with_policies(workspace)
    set_policy_answers(workspace, engagement_id=engagement_id, answers={"hr_system": "", "people_owner": ""})
    (tmp_path / "out").mkdir()
    target = tmp_path / "out" / "hr.pdf"
    with pytest.raises(
        InvalidInputError, match="answer these policy questions first: HR system, Who owns people"
    ):
        export_policy(
            workspace, engagement_id=engagement_id, key="hr-security", file_format="pdf", target=target
        )
    assert not list(target.parent.iterdir())
    set_policy_answers(workspace, engagement_id=engagement_id, answers=ANSWERS)
    export_policy(workspace, engagement_id=engagement_id, key="hr-security", file_format="pdf", target=target)
    text = pdf_text(target)
    assert "BambooHR" in text and "Draft" in text and "{{" not in text


def test_an_earlier_version_and_bad_requests(workspace: Workspace, tmp_path: Path) -> None:
    engagement_id = with_policies(workspace, approve=APPROVED)
    start_policy_version(
        workspace,
        engagement_id=engagement_id,
        key="backup",
        change="minor",
        summary="Restore tests named",
        today=TODAY,
    )
    export_policy(
        workspace,
        engagement_id=engagement_id,
        key="backup",
        file_format="docx",
        target=tmp_path / "b.docx",
        version="1.1",
    )
    assert "Restore tests named" in docx_text(tmp_path / "b.docx")
    with pytest.raises(InvalidInputError, match="has no version 7; it has 1.0, 1.1"):
        export_policy(
            workspace,
            engagement_id=engagement_id,
            key="backup",
            file_format="pdf",
            target=tmp_path / "x.pdf",
            version="7",
        )
    with pytest.raises(InvalidInputError, match="exported as pdf or docx"):
        export_policy(
            workspace, engagement_id=engagement_id, key="backup", file_format="rtf", target=tmp_path / "x"
        )
    with pytest.raises(NotFoundError, match="no policy 'nope'"):
        export_policy(
            workspace, engagement_id=engagement_id, key="nope", file_format="pdf", target=tmp_path / "x"
        )


@pytest.mark.skipif(shutil.which("sha256sum") is None, reason="needs sha256sum")
def test_the_policy_pack_holds_the_approved_policies_and_register_and_passes_sha256sum(
    workspace: Workspace, tmp_path: Path
) -> None:
    engagement_id = with_policies(workspace, approve=APPROVED)
    with_staff(workspace, engagement_id, tmp_path)
    acknowledged(workspace, engagement_id)
    target = tmp_path / "pack.zip"
    result = run_export(workspace, engagement_id=engagement_id, kind="policy-pack", target=target)
    with zipfile.ZipFile(target) as archive:
        names = sorted(archive.namelist())
        archive.extractall(tmp_path / "unzipped")
    assert names == [
        "Access Control Policy v1.0.pdf",
        "Backup Policy v1.0.pdf",
        "Information Security Policy v1.0.pdf",
        "MANIFEST.sha256",
        "README.txt",
        "acknowledgement-register.xlsx",
    ]
    checked = subprocess.run(
        ["sha256sum", "-c", "MANIFEST.sha256"], cwd=tmp_path / "unzipped", capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.count(": OK") == 5
    readme = (tmp_path / "unzipped" / "README.txt").read_text(encoding="utf-8")
    assert "Backup Policy v1.0.pdf" in readme and "Backup Policy, version 1.0" in readme
    text = pdf_text(tmp_path / "unzipped" / "Backup Policy v1.0.pdf")
    assert COMPANY in text and "{{" not in text
    again = run_export(
        workspace, engagement_id=engagement_id, kind="policy-pack", target=tmp_path / "again.zip"
    )
    assert again.sha256 == result.sha256
    assert (tmp_path / "again.zip").read_bytes() == target.read_bytes()


def test_the_register_workbook_lists_who_acknowledged_what(workspace: Workspace, tmp_path: Path) -> None:
    engagement_id = with_policies(workspace)
    today = date.today()
    approved_on, signed_on = today - timedelta(days=30), today - timedelta(days=20)
    for key in APPROVED:
        approve_policy(
            workspace,
            engagement_id=engagement_id,
            key=key,
            approved_by="Jane Doe, CEO",
            approved_on=approved_on,
        )
    with_staff(workspace, engagement_id, tmp_path)
    record_acknowledgements(
        workspace,
        engagement_id=engagement_id,
        acknowledgements=[
            AcknowledgementRow("access-control", "1.0", "jane.doe@northbeam.example", signed_on),
            AcknowledgementRow("backup", "1.0", "ana.silva@northbeam.example", signed_on),
        ],
    )
    target = tmp_path / "register.xlsx"
    run_export(workspace, engagement_id=engagement_id, kind="acknowledgement-register", target=target)
    book = load_workbook(target)
    assert book.sheetnames == [
        "Summary",
        "Register",
        "Late starters",
        "Acknowledgements",
        "Staff",
        "Policies",
    ]
    register = [list(row) for row in book["Register"].iter_rows(values_only=True)]
    assert register[0] == [
        "Policy",
        "Version",
        "Name",
        "Email",
        "Role",
        "Start date",
        "Status",
        "Acknowledged version",
        "Acknowledged on",
    ]
    assert len(register) == 1 + 3 * 3  # three policies in force, three people still employed (Lou left)
    jane = next(r for r in register if r[0] == "Access Control Policy" and r[2] == "Jane Doe")
    assert jane[3:8] == ["jane.doe@northbeam.example", "CEO", jane[5], "Acknowledged", "1.0"]
    assert (jane[5].date(), jane[8].date()) == (date(2019, 4, 1), signed_on)
    sam = next(r for r in register if r[0] == "Backup Policy" and r[2] == "Sam Lee")
    assert (sam[6], sam[7], sam[8]) == ("Not acknowledged", None, None)
    assert not [r for r in register if r[2] == "Lou Park"]
    staff = [row[1] for row in book["Staff"].iter_rows(min_row=2, values_only=True)]
    assert "lou.park@northbeam.example" in staff
    policies = list(book["Policies"].iter_rows(min_row=2, values_only=True))
    assert [(p[0], p[1], p[3]) for p in policies] == [
        ("Information Security Policy", "1.0", "Jane Doe, CEO"),
        ("Access Control Policy", "1.0", "Jane Doe, CEO"),
        ("Backup Policy", "1.0", "Jane Doe, CEO"),
    ]
    assert policies[0][4].date() == approved_on
    summary = {row[0]: row[1] for row in book["Summary"].iter_rows(values_only=True) if row and row[0]}
    assert (summary["Company"], summary["Acknowledged"], summary["Outstanding"]) == (COMPANY, 2, 7)


def test_the_evidence_package_carries_the_approved_policies_and_the_register(
    workspace: Workspace, tmp_path: Path
) -> None:
    engagement_id = with_policies(workspace, approve=APPROVED)
    with_staff(workspace, engagement_id, tmp_path)
    run_export(workspace, engagement_id=engagement_id, kind="package", target=tmp_path / "package.zip")
    with zipfile.ZipFile(tmp_path / "package.zip") as archive:
        folder = archive.namelist()[0].split("/")[0]
        policies = sorted(
            n.removeprefix(f"{folder}/") for n in archive.namelist() if n.startswith(f"{folder}/policies/")
        )
        readme = archive.read(f"{folder}/README.txt").decode("utf-8")
        manifest = archive.read(f"{folder}/MANIFEST.sha256").decode("utf-8")
    assert policies == [
        "policies/Access Control Policy v1.0.pdf",
        "policies/Backup Policy v1.0.pdf",
        "policies/Information Security Policy v1.0.pdf",
        "policies/acknowledgement-register.xlsx",
    ]
    assert "policies/   " in readme and "every approved policy (PDF)" in readme
    assert all(f"  {name}" in manifest for name in policies)


def test_attaching_the_register_adds_it_as_evidence_of_the_acknowledgement_controls(
    workspace: Workspace, tmp_path: Path
) -> None:
    engagement_id = with_policies(workspace, approve=APPROVED)
    with_staff(workspace, engagement_id, tmp_path)
    attached = attach_acknowledgement_register(
        workspace, engagement_id=engagement_id, target=tmp_path / "register.xlsx"
    )
    (evidence,) = list_evidence(workspace, engagement_id=engagement_id)
    assert evidence == attached.evidence
    assert (evidence.title, evidence.file_name, evidence.controls) == (
        "Policy acknowledgement register",
        "register.xlsx",
        ["GOV-01", "HR-03"],
    )
    assert evidence.as_of == attached.export.as_of.date() and evidence.sha256 == attached.export.sha256
    assert (tmp_path / "register.xlsx").is_file()
