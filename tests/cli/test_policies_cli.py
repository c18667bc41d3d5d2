"""The policy commands: policies, staff, acknowledgements, export policy and policy-pack, roll-forward."""

import shutil
import subprocess
import zipfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from pypdf import PdfReader

from app.domain.policies import load_policy_library
from app.services.engagements import update_engagement
from app.services.workspace import Workspace
from tests.policy_setup import ANSWERS, COMPANY, STAFF_CSV

COMMANDS = [
    ("policies", "seed"),
    ("policies", "list"),
    ("policies", "show"),
    ("policies", "set"),
    ("policies", "approve"),
    ("policies", "new-version"),
    ("staff", "import"),
    ("staff", "list"),
    ("acknowledgements", "import"),
    ("acknowledgements", "list"),
    ("acknowledgements", "export"),
    ("export", "policy"),
    ("export", "policy-pack"),
    ("export", "acknowledgement-register"),
    ("engagement", "roll-forward"),
]
LIST_KEYS = {
    "id",
    "title",
    "version",
    "status",
    "owner",
    "approved_by",
    "approved_on",
    "next_review",
    "controls",
    "criteria",
}


def setup(cli: Any, workspace: Workspace) -> None:
    """A SOC 2 engagement with its starter controls and policies and the questionnaire answered."""
    created = cli(
        "engagement",
        "create",
        "--name",
        "Northbeam FY2025",
        "--company",
        COMPANY,
        "--period-start",
        "2025-01-01",
        "--period-end",
        "2025-12-31",
        "--json",
    )
    update_engagement(
        workspace, created.json()["id"], report_kinds=["SOC 2"], report_type="Type 2", categories=["Security"]
    )
    steps = [
        ("controls", "seed", "--engagement", "Northbeam FY2025"),
        ("policies", "seed", "--engagement", "Northbeam FY2025"),
        (
            "policies",
            "set",
            "--engagement",
            "Northbeam FY2025",
            *[f"--answer={k}={v}" for k, v in ANSWERS.items()],
        ),
    ]
    for step in steps:
        result = cli(*step)
        assert result.code == 0, (step, result.err)


@pytest.mark.parametrize(("group", "name"), COMMANDS)
def test_every_command_has_help(cli: Any, group: str, name: str) -> None:
    result = cli(group, name, "--help")
    assert result.code == 0 and "--json" in result.out and "--data-dir" in result.out
    assert len(result.out.split("\n\n")[1].strip()) > 20


def test_policies_from_seed_to_approval_and_a_new_version(cli: Any, tmp_path: Path) -> None:
    engagement = "Northbeam FY2025"
    cli("engagement", "create", "--name", engagement, "--company", COMPANY)
    cli("controls", "seed", "--engagement", engagement)
    seeded = cli("policies", "seed", "--engagement", engagement, "--json")
    assert seeded.code == 0 and "access-control" in seeded.json()["added"]
    listed = cli("policies", "list", "--engagement", engagement, "--json").json()
    assert all(LIST_KEYS <= set(row) for row in listed)
    access = next(row for row in listed if row["id"] == "access-control")
    assert (access["status"], access["version"], access["approved_by"]) == ("draft", "1.0", None)
    refused = cli(
        "policies", "approve", "--engagement", engagement, "access-control", "--by", "Jane Doe, CEO"
    )
    assert refused.code == 1 and "unanswered: Cloud provider" in refused.err and refused.err.count("\n") == 1
    questionnaire = cli("policies", "show", "--engagement", engagement, "--json").json()
    assert {"question": "company", "label": "Company name"}.items() <= questionnaire[0].items()
    assert questionnaire[0]["answer"] == COMPANY
    assert (
        cli(
            "policies", "set", "--engagement", engagement, *[f"--answer={k}={v}" for k, v in ANSWERS.items()]
        ).code
        == 0
    )
    text = cli("policies", "show", "--engagement", engagement, "access-control", "--text")
    assert "Okta" in text.out and "{{" not in text.out
    approved = cli(
        "policies",
        "approve",
        "--engagement",
        engagement,
        "access-control",
        "--by",
        "Jane Doe, CEO",
        "--on",
        "2025-02-03",
        "--json",
    ).json()
    assert (
        approved["status"],
        approved["approved_by"],
        approved["approved_on"],
        approved["next_review"],
    ) == (
        "approved",
        "Jane Doe, CEO",
        "2025-02-03",
        "2026-02-03",
    )
    assert cli("policies", "list", "--engagement", engagement, "--status", "approved", "--json").json()[0][
        "id"
    ] == ("access-control")
    version = cli(
        "policies",
        "new-version",
        "--engagement",
        engagement,
        "access-control",
        "--change",
        "major",
        "--summary",
        "MFA for every account",
    )
    assert version.code == 0 and "2.0" in version.out and "resets" in version.out
    shown = cli("policies", "show", "--engagement", engagement, "access-control", "--json").json()
    assert [v["version"] for v in shown["versions"]] == ["1.0", "2.0"] and shown["draft_version"] == "2.0"
    body = tmp_path / "access.md"
    body.write_text("## Purpose\n\n{{company}} grants access on approval.\n", encoding="utf-8")
    changed = cli(
        "policies",
        "set",
        "--engagement",
        engagement,
        "access-control",
        "--owner",
        "IT Manager",
        "--text-file",
        str(body),
        "--criteria",
        "CC6.1,CC6.2",
        "--json",
    ).json()["policy"]
    assert (changed["owner"], changed["criteria"]) == ("IT Manager", ["CC6.1", "CC6.2"])
    assert (
        "grants access on approval"
        in cli(
            "policies",
            "show",
            "--engagement",
            engagement,
            "access-control",
            "--text",
            "--policy-version",
            "2.0",
        ).out
    )


def test_refusals_exit_1_and_bad_command_lines_exit_2(cli: Any, workspace: Workspace) -> None:
    setup(cli, workspace)
    engagement = "Northbeam FY2025"
    assert cli("policies", "list", "--engagement", engagement, "--status", "lost").code == 2
    assert cli("policies", "new-version", "--engagement", engagement, "backup", "--summary", "x").code == 2
    assert (
        cli("policies", "approve", "--engagement", engagement, "backup", "--by", "J", "--on", "soon").code
        == 2
    )
    for args, words in [
        (("policies", "show", "--engagement", engagement, "nope"), "no policy 'nope'"),
        (("policies", "set", "--engagement", engagement, "--owner", "X"), "name the policy"),
        (("policies", "set", "--engagement", engagement, "backup"), "nothing to change"),
        (("policies", "set", "--engagement", engagement, "--answer", "colour"), "QUESTION=ANSWER"),
        (
            ("policies", "set", "--engagement", engagement, "backup", "--controls", "ZZZ-1"),
            "no control ZZZ-1",
        ),
        (
            (
                "policies",
                "new-version",
                "--engagement",
                engagement,
                "backup",
                "--change",
                "minor",
                "--summary",
                "x",
            ),
            "never been approved",
        ),
        (("policies", "list", "--engagement", "Nope"), "no engagement"),
    ]:
        result = cli(*args)
        assert result.code == 1 and words in result.err, (args, result.err)


def test_staff_lists_and_sign_off_sheets_through_the_command_line(
    cli: Any, workspace: Workspace, tmp_path: Path
) -> None:
    setup(cli, workspace)
    engagement = "Northbeam FY2025"
    today = date.today()
    cli(
        "policies",
        "approve",
        "--engagement",
        engagement,
        "code-of-conduct",
        "--by",
        "Jane Doe, CEO",
        "--on",
        (today - timedelta(days=40)).isoformat(),
    )
    staff = tmp_path / "staff.csv"
    staff.write_text(STAFF_CSV, encoding="utf-8")
    dry = cli("staff", "import", "--engagement", engagement, str(staff), "--dry-run", "--json")
    assert dry.code == 0 and len(dry.json()["added"]) == 4 and dry.json()["written"] is False
    assert cli("staff", "list", "--engagement", engagement, "--json").json() == []
    imported = cli("staff", "import", "--engagement", engagement, str(staff))
    assert imported.code == 0 and "Imported 4 people: 4 new" in imported.out
    people = cli("staff", "list", "--engagement", engagement, "--json").json()
    assert people[1] == {
        "email": "sam.lee@northbeam.example",
        "name": "Sam Lee",
        "role": "Engineer",
        "start_date": "2025-02-14",
        "end_date": None,
    }
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Code of conduct — signatures"])
    sheet.append(["Name", "Email", "Date signed", "Signed"])
    signed_on = today - timedelta(days=30)
    sheet.append(["Jane Doe", "jane.doe@northbeam.example", signed_on, "Yes"])
    sheet.append(["Ana Silva", "ana.silva@northbeam.example", None, "No"])
    returned = tmp_path / "signed.xlsx"
    book.save(returned)
    recorded = cli(
        "acknowledgements",
        "import",
        "--engagement",
        engagement,
        str(returned),
        "--policy",
        "code-of-conduct",
        "--json",
    )
    assert recorded.code == 0, recorded.err
    assert recorded.json()["new"] == [
        {
            "policy": "code-of-conduct",
            "version": "1.0",
            "email": "jane.doe@northbeam.example",
            "acknowledged_on": signed_on.isoformat(),
        }
    ]
    assert recorded.json()["not_signed"] == 1
    listed = cli("acknowledgements", "list", "--engagement", engagement, "--json").json()
    assert [(a["policy"], a["email"]) for a in listed] == [("code-of-conduct", "jane.doe@northbeam.example")]
    outstanding = cli(
        "acknowledgements", "list", "--engagement", engagement, "--outstanding", "--json"
    ).json()
    assert sorted(r["email"] for r in outstanding) == [
        "ana.silva@northbeam.example",
        "sam.lee@northbeam.example",
    ]
    late = cli(
        "acknowledgements", "list", "--engagement", engagement, "--late", "--within-days", "3", "--json"
    ).json()
    assert sorted(r["email"] for r in late) == [
        "ana.silva@northbeam.example",
        "jane.doe@northbeam.example",
        "sam.lee@northbeam.example",
    ]
    bad = tmp_path / "bad.csv"
    bad.write_text("Name,Email,Date\nNobody,nobody@northbeam.example,2025-03-01\n", encoding="utf-8")
    refused = cli(
        "acknowledgements", "import", "--engagement", engagement, str(bad), "--policy", "code-of-conduct"
    )
    assert (
        refused.code == 1
        and "row 2, column B: nobody@northbeam.example is not on the staff list" in refused.err
    )


def test_register_export_attaches_as_evidence_and_policies_export_as_pdf_word_and_pack(
    cli: Any, workspace: Workspace, tmp_path: Path
) -> None:
    setup(cli, workspace)
    engagement = "Northbeam FY2025"
    for key in ("information-security", "access-control"):
        cli(
            "policies",
            "approve",
            "--engagement",
            engagement,
            key,
            "--by",
            "Jane Doe, CEO",
            "--on",
            "2025-02-03",
        )
    staff = tmp_path / "staff.csv"
    staff.write_text(STAFF_CSV, encoding="utf-8")
    cli("staff", "import", "--engagement", engagement, str(staff))
    attached = cli(
        "acknowledgements",
        "export",
        "--engagement",
        engagement,
        "-o",
        str(tmp_path / "reg.xlsx"),
        "--attach",
        "--json",
    )
    assert attached.code == 0, attached.err
    assert attached.json()["controls"] == ["GOV-01", "HR-03"]
    assert load_workbook(tmp_path / "reg.xlsx").sheetnames[:2] == ["Summary", "Register"]
    evidence = cli("evidence", "list", "--engagement", engagement, "--json").json()
    assert [(e["title"], e["controls"]) for e in evidence] == [
        ("Policy acknowledgement register", ["GOV-01", "HR-03"])
    ]
    for file_format in ("pdf", "docx"):
        target = tmp_path / f"access.{file_format}"
        result = cli(
            "export",
            "policy",
            "--engagement",
            engagement,
            "access-control",
            "--format",
            file_format,
            "-o",
            str(target),
        )
        assert result.code == 0 and target.stat().st_size > 1000
    assert COMPANY in " ".join(PdfReader(tmp_path / "access.pdf").pages[0].extract_text().split())
    assert cli("export", "policy", "--engagement", engagement, "access-control", "-o", "x.pdf").code == 2
    pack = tmp_path / "pack.zip"
    assert cli("export", "policy-pack", "--engagement", engagement, "-o", str(pack)).code == 0
    with zipfile.ZipFile(pack) as archive:
        archive.extractall(tmp_path / "pack")
        assert "Information Security Policy v1.0.pdf" in archive.namelist()
    if shutil.which("sha256sum"):
        checked = subprocess.run(
            ["sha256sum", "-c", "MANIFEST.sha256"], cwd=tmp_path / "pack", capture_output=True
        )
        assert checked.returncode == 0


def test_roll_forward_from_the_command_line(cli: Any, workspace: Workspace) -> None:
    setup(cli, workspace)
    rolled = cli("engagement", "roll-forward", "Northbeam FY2025", "--name", "Northbeam FY2026", "--json")
    assert rolled.code == 0, rolled.err
    data = rolled.json()
    assert (data["name"], data["period_start"], data["period_end"], data["report_type"]) == (
        "Northbeam FY2026",
        "2026-01-01",
        "2026-12-31",
        "Type 2",
    )
    security = len(load_policy_library().for_categories(["Security"]))
    assert data["counts"]["policies"] == security and data["prior_reports"] == [
        {"report": "SOC 2", "type": "Type 2", "period_end": "2025-12-31"}
    ]
    assert len(cli("policies", "list", "--engagement", "Northbeam FY2026", "--json").json()) == security
    again = cli("engagement", "roll-forward", "Northbeam FY2025", "--name", "Northbeam FY2026")
    assert again.code == 1 and "already exists" in again.err
    assert cli("engagement", "roll-forward", "Northbeam FY2025").code == 2
