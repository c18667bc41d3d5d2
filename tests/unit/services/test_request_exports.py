"""Handing the list back: the auditor's own workbook cell by cell, the request package under sha256sum -c."""

import hashlib
import shutil
import subprocess
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from app.domain.original_workbook import iter_cells
from app.exporters.request_workbook import REQUEST_COLUMNS, SAMPLE_COLUMNS
from app.importers.request_list import read_request_list
from app.services.controls import add_control
from app.services.engagements import create_engagement, update_engagement
from app.services.errors import InvalidInputError
from app.services.exports import export_history, run_export
from app.services.fieldwork import add_exception, attach_to_sample_item, find_sample_item
from app.services.requests import (
    attach_to_request,
    find_request,
    import_request_list,
    link_request_evidence,
    preview_request_list,
    update_request,
)
from app.services.workspace import Workspace
from tests.request_lists import write_auditor_workbook, write_updated_workbook

pytestmark = pytest.mark.backends


def worked_engagement(workspace: Workspace, tmp_path: Path) -> tuple[int, Path]:
    """The auditor's list imported and worked: PBC-001 provided with two files, one shared with
    PBC-002 (in follow-up), a sampled item of PBC-002 evidenced, PBC-003 untouched."""
    engagement = create_engagement(workspace, name="Acme", company="Acme Corp")
    update_engagement(workspace, engagement.id, report_kinds=["SOC 2"], categories=["Security"])
    add_control(workspace, engagement_id=engagement.id, ref="CM-01", title="Changes", criteria="CC8.1")
    source = write_auditor_workbook(tmp_path / "Acme PBC.xlsx")
    preview = preview_request_list(workspace, engagement_id=engagement.id, path=source)
    import_request_list(workspace, preview)

    def request(ref: str) -> int:
        return find_request(workspace, engagement_id=engagement.id, request_ref=ref).id

    files = tmp_path / "files"
    files.mkdir()
    (files / "users.csv").write_text("user,role\nana,admin\n")
    (files / "=query.sql").write_text("select * from users;\n")
    (files / "CHG-1041 approval.pdf").write_bytes(b"%PDF-1.4 approval")
    users, query = attach_to_request(
        workspace,
        engagement_id=engagement.id,
        request_id=request("PBC-001"),
        files=[files / "users.csv", files / "=query.sql"],
    )
    update_request(
        workspace, request("PBC-001"), status="provided", date_provided=date(2026, 7, 1), notes="Sent"
    )
    link_request_evidence(workspace, request("PBC-002"), [users.id])
    update_request(workspace, request("PBC-002"), status="follow-up", notes="=Waiting for the ticket export")
    item = find_sample_item(workspace, engagement_id=engagement.id, request_id=request("PBC-002"), number="1")
    attach_to_sample_item(
        workspace, engagement_id=engagement.id, item_id=item.id, files=[files / "CHG-1041 approval.pdf"]
    )
    return engagement.id, source


def looks(path: Path, sheet: str, last_column: int) -> dict[tuple[int, int], Any]:
    original = read_request_list(path).original
    (found,) = [s for s in original["sheets"] if s["name"] == sheet]
    return {
        (row, column): (value, number_format, original["styles"][style])
        for row, column, value, number_format, style in iter_cells(found)
        if column <= last_column
    }


def test_the_returned_list_is_the_auditors_cell_by_cell_with_our_columns(
    workspace: Workspace, tmp_path: Path
) -> None:
    engagement_id, source = worked_engagement(workspace, tmp_path)
    target = tmp_path / "returned.xlsx"
    result = run_export(workspace, engagement_id=engagement_id, kind="request-list", target=target)
    assert (
        result.path == target
        and export_history(workspace, engagement_id=engagement_id)[0].kind == "request-list"
    )

    for sheet, width in (("Instructions", 1), ("PBC List", 11), ("Samples", 5)):
        assert looks(target, sheet, width) == looks(source, sheet, width), sheet
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["Instructions", "PBC List", "Samples"]
    requests = book["PBC List"]
    ours = [[requests.cell(row=row, column=column).value for column in range(12, 16)] for row in range(5, 10)]
    provided = ours[1].pop(1)
    assert provided.date() == date(2026, 7, 1) and requests["M6"].number_format == "yyyy-mm-dd"
    assert ours == [
        [header for header, _ in REQUEST_COLUMNS],
        ["Provided", "users.csv\n=query.sql", "Sent"],
        [None, None, None, None],
        ["Follow up", None, "users.csv", "=Waiting for the ticket export"],
        ["Open", None, None, None],
    ]
    assert requests["O8"].data_type == "s" and requests["N6"].data_type == "s"
    samples = [row[5:] for row in book["Samples"].iter_rows(values_only=True)]
    assert samples == [(None,), (SAMPLE_COLUMNS[0][0],), ("CHG-1041 approval.pdf",), (None,), (None,)]


def test_the_request_package_checks_with_sha256sum_and_files_sit_under_every_request(
    workspace: Workspace, tmp_path: Path
) -> None:
    engagement_id, _ = worked_engagement(workspace, tmp_path)
    target = tmp_path / "package.zip"
    result = run_export(workspace, engagement_id=engagement_id, kind="request-package", target=target)
    with zipfile.ZipFile(target) as archive:
        names = sorted(archive.namelist())
        manifest = archive.read("MANIFEST.sha256")
        readme = archive.read("README.txt").decode()
        archive.extractall(tmp_path / "unzipped")
    assert names == [
        "Acme PBC.xlsx",
        "MANIFEST.sha256",
        "README.txt",
        "requests/PBC-001/=query.sql",
        "requests/PBC-001/users.csv",
        "requests/PBC-002/sample 1 - CHG-1041/CHG-1041 approval.pdf",
        "requests/PBC-002/users.csv",
    ]
    assert result.sha256 == hashlib.sha256(manifest).hexdigest()
    assert "copied into the folder of each of them" in readme and "3 requests, 4 files in all" in readme
    if shutil.which("sha256sum") is None:
        pytest.skip("sha256sum is not on PATH")
    checked = subprocess.run(
        ["sha256sum", "-c", "MANIFEST.sha256"],
        cwd=tmp_path / "unzipped",
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.count(": OK") == 6
    returned = openpyxl.load_workbook(tmp_path / "unzipped" / "Acme PBC.xlsx")
    assert returned["PBC List"]["N6"].value == "requests/PBC-001/users.csv\nrequests/PBC-001/=query.sql"
    assert returned["PBC List"]["N8"].value == "requests/PBC-002/users.csv"
    assert returned["Samples"]["F3"].value == "requests/PBC-002/sample 1 - CHG-1041/CHG-1041 approval.pdf"


def test_withdrawn_requests_get_no_folder_and_the_new_list_is_handed_back(
    workspace: Workspace, tmp_path: Path
) -> None:
    engagement_id, _ = worked_engagement(workspace, tmp_path)
    update_request(
        workspace,
        find_request(workspace, engagement_id=engagement_id, request_ref="PBC-003").id,
        status="accepted",
    )
    newer = write_updated_workbook(tmp_path / "Acme PBC v2.xlsx")
    import_request_list(workspace, preview_request_list(workspace, engagement_id=engagement_id, path=newer))
    target = tmp_path / "package.zip"
    run_export(workspace, engagement_id=engagement_id, kind="request-package", target=target)
    with zipfile.ZipFile(target) as archive:
        assert "Acme PBC v2.xlsx" in archive.namelist()
        assert not [name for name in archive.namelist() if "PBC-003" in name]
        with archive.open("Acme PBC v2.xlsx") as handle:
            sheet = openpyxl.load_workbook(handle)["PBC List"]
    assert [sheet.cell(row=row, column=1).value for row in (6, 8, 9)] == ["PBC-001", "PBC-002", "PBC-004"]
    assert [sheet.cell(row=row, column=12).value for row in (6, 8, 9)] == ["Provided", "Follow up", "Open"]


def test_nothing_to_hand_back_before_the_list_is_imported(workspace: Workspace, tmp_path: Path) -> None:
    engagement = create_engagement(workspace, name="Empty")
    for kind in ("request-list", "request-package"):
        with pytest.raises(InvalidInputError, match="import the auditor's request list first"):
            run_export(workspace, engagement_id=engagement.id, kind=kind, target=tmp_path / f"{kind}.out")
    assert [path.name for path in tmp_path.iterdir()] == ["workspace"]


def test_the_control_workbook_lists_exceptions(workspace: Workspace, tmp_path: Path) -> None:
    engagement_id, _ = worked_engagement(workspace, tmp_path)
    item = find_sample_item(
        workspace,
        engagement_id=engagement_id,
        request_id=find_request(workspace, engagement_id=engagement_id, request_ref="PBC-002").id,
        number="2",
    )
    add_exception(
        workspace,
        engagement_id=engagement_id,
        sample_item_id=item.id,
        description="No approval recorded",
        occurred_on="2026-04-21",
        root_cause="Approver on leave",
        remediation="Backup approvers named",
        management_response="Accepted",
    )
    target = tmp_path / "workbook.xlsx"
    run_export(workspace, engagement_id=engagement_id, kind="xlsx", target=target)
    book = openpyxl.load_workbook(target)
    rows = list(book["Exceptions"].iter_rows(values_only=True))
    assert rows[0] == (
        "Date",
        "Control",
        "Request",
        "Sampled item",
        "What happened",
        "Root cause",
        "Remediation",
        "Management response",
    )
    assert rows[1][1:] == (
        None,
        "PBC-002",
        "PBC-002 sample 2 (CHG-1187)",
        "No approval recorded",
        "Approver on leave",
        "Backup approvers named",
        "Accepted",
    )
    assert rows[1][0].date() == date(2026, 4, 21)
    gaps = [
        row
        for row in book["Gaps and remediation"].iter_rows(values_only=True)
        if row[0] == "Exception recorded"
    ]
    assert [row[4] for row in gaps] == [
        "Exception against PBC-002 sample 2 (CHG-1187) on 2026-04-21: No approval recorded"
    ]
