"""The staff list and acknowledgements through the services: real-looking files in, records out, undo."""

from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from app.domain.changes import Changes, Kind
from app.domain.staff import AcknowledgementRow, StaffRow
from app.services.errors import InvalidInputError, NotFoundError
from app.services.policies import policy_records
from app.services.staff import (
    import_staff,
    list_staff,
    preview_staff_import,
    read_signoff_sheet,
    record_acknowledgements,
    remove_acknowledgements,
    replace_staff,
)
from app.services.workspace import Workspace
from tests.policy_setup import TODAY, with_policies, with_staff

pytestmark = pytest.mark.backends


def hr_workbook(path: Path, rows: list[list[object]]) -> Path:
    """An HR system's export: a merged title, a blank row, then the table (real dates)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Active employees"
    sheet["A1"] = "Northbeam Analytics — people report (generated 2025-03-01)"
    sheet.merge_cells("A1:F1")
    sheet.append([])
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_an_hr_csv_with_a_title_row_and_day_first_dates_is_imported(
    workspace: Workspace, tmp_path: Path
) -> None:
    engagement_id = with_policies(workspace)
    with_staff(workspace, engagement_id, tmp_path)
    assert list_staff(workspace, engagement_id=engagement_id) == [
        StaffRow("jane.doe@northbeam.example", "Jane Doe", "CEO", date(2019, 4, 1)),
        StaffRow("sam.lee@northbeam.example", "Sam Lee", "Engineer", date(2025, 2, 14)),
        StaffRow("ana.silva@northbeam.example", "Ana Silva", "Support lead", date(2021, 9, 13)),
        StaffRow("lou.park@northbeam.example", "Lou Park", "Engineer", date(2022, 1, 10), date(2025, 1, 31)),
    ]


def test_re_importing_a_workbook_updates_by_email_adds_starters_and_keeps_everyone(
    workspace: Workspace, tmp_path: Path
) -> None:
    engagement_id = with_policies(workspace)
    with_staff(workspace, engagement_id, tmp_path)
    update = hr_workbook(
        tmp_path / "people.xlsx",
        [
            ["First Name", "Last Name", "Email", "Job Title", "Hire Date", "Department"],
            ["Jane", "Doe", "JANE.DOE@northbeam.example", "Chief Executive", datetime(2019, 4, 1), "Board"],
            ["Kim", "Ng", "kim.ng@northbeam.example", "Designer", datetime(2025, 3, 10), "Product"],
        ],
    )
    preview = preview_staff_import(
        workspace, engagement_id=engagement_id, path=update, end_missing_on=date(2025, 3, 12)
    )
    assert preview.imported.warnings == ("column F “Department” is not part of a staff list; ignored",)
    assert [p.email for p in preview.merge.added] == ["kim.ng@northbeam.example"]
    assert [p.email for p in list_staff(workspace, engagement_id=engagement_id)][
        -1
    ] == "lou.park@northbeam.example"
    before = list_staff(workspace, engagement_id=engagement_id)
    merge = import_staff(
        workspace, engagement_id=engagement_id, imported=preview.imported, end_missing_on=date(2025, 3, 12)
    )
    assert {c.email: c.changes for c in merge.updated}["jane.doe@northbeam.example"] == (
        ("role", "CEO", "Chief Executive"),
    )
    after = {p.email: p for p in list_staff(workspace, engagement_id=engagement_id)}
    assert len(after) == 5
    assert after["sam.lee@northbeam.example"].end_date == date(2025, 3, 12)
    assert after["lou.park@northbeam.example"].end_date == date(2025, 1, 31)
    replace_staff(workspace, engagement_id=engagement_id, staff=before)
    assert list_staff(workspace, engagement_id=engagement_id) == before


def test_a_staff_list_with_bad_rows_is_refused_with_every_row_named_and_nothing_written(
    workspace: Workspace, tmp_path: Path
) -> None:
    engagement_id = with_policies(workspace)
    path = tmp_path / "staff.csv"
    path.write_text(
        "Name;Email;Start\nJane;jane@x.example;2025-01-01\nSam;not-an-email;\nAna;ana@x.example;someday\n",
        encoding="utf-8",
    )
    with pytest.raises(InvalidInputError) as refused:
        preview_staff_import(workspace, engagement_id=engagement_id, path=path)
    assert str(refused.value) == (
        "staff.csv: 2 rows of the staff list cannot be read; nothing was imported:\n"
        "  row 3, column B: 'not-an-email' is not an email address\n"
        "  row 4, column C: 'someday' is not a date (use a form such as 2026-07-16)"
    )
    with pytest.raises(InvalidInputError, match="old Excel file"):
        (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0rest")
        preview_staff_import(workspace, engagement_id=engagement_id, path=tmp_path / "old.xls")
    assert list_staff(workspace, engagement_id=engagement_id) == []


def test_an_lms_export_with_policy_version_and_status_columns_records_acknowledgements(
    workspace: Workspace, tmp_path: Path
) -> None:
    engagement_id = with_policies(workspace, approve=("access-control", "acceptable-use"))
    with_staff(workspace, engagement_id, tmp_path)
    sheet = tmp_path / "training-export.csv"
    sheet.write_text(
        "Email,Policy,Version,Status,Completion Date\n"
        "jane.doe@northbeam.example,Access Control Policy,1.0,Completed,2025-02-10\n"
        "sam.lee@northbeam.example,Access Control,v1,Completed,Feb 20 2025\n"
        "ana.silva@northbeam.example,acceptable-use,1.0,Not Started,\n"
        "jane.doe@northbeam.example,Acceptable Use Policy,1.0,Completed,2025-03-01\n",
        encoding="utf-8",
    )
    preview = read_signoff_sheet(workspace, engagement_id=engagement_id, path=sheet, today=TODAY)
    assert [a.as_dict() for a in preview.merge.added] == [
        {
            "policy": "access-control",
            "version": "1.0",
            "email": "jane.doe@northbeam.example",
            "acknowledged_on": "2025-02-10",
        },
        {
            "policy": "access-control",
            "version": "1.0",
            "email": "sam.lee@northbeam.example",
            "acknowledged_on": "2025-02-20",
        },
        {
            "policy": "acceptable-use",
            "version": "1.0",
            "email": "jane.doe@northbeam.example",
            "acknowledged_on": "2025-03-01",
        },
    ]
    assert preview.imported.not_signed == 1
    merge = record_acknowledgements(
        workspace, engagement_id=engagement_id, acknowledgements=preview.merge.added, today=TODAY
    )
    assert len(merge.added) == 3
    again = read_signoff_sheet(workspace, engagement_id=engagement_id, path=sheet, today=TODAY)
    assert (again.merge.added, again.merge.already_recorded) == ((), 3)
    remove_acknowledgements(workspace, engagement_id=engagement_id, acknowledgements=merge.added[:1])
    left = policy_records(workspace, engagement_id=engagement_id).acknowledgements
    assert [(a.policy_key, a.email) for a in left] == [
        ("access-control", "sam.lee@northbeam.example"),
        ("acceptable-use", "jane.doe@northbeam.example"),
    ]


def test_a_paper_sheet_for_one_policy_matches_names_and_the_version_in_force(
    workspace: Workspace, tmp_path: Path
) -> None:
    engagement_id = with_policies(workspace, approve=("code-of-conduct",))
    with_staff(workspace, engagement_id, tmp_path)
    book = Workbook()
    page = book.active
    assert page is not None
    page.append(["Acknowledgement of the Code of Conduct and Whistleblowing Policy"])
    page.append(["I have read and understood the policy."])
    page.append([])
    page.append(["Employee", "Signature", "Date signed"])
    page.append(["Doe, Jane", "signed", datetime(2025, 2, 4)])
    page.append(["Silva, Ana", "", None])
    page.append(["sam lee", "Signed", "05-Mar-2025"])
    path = tmp_path / "returned.xlsx"
    book.save(path)
    preview = read_signoff_sheet(
        workspace, engagement_id=engagement_id, path=path, policy_key="code-of-conduct", today=TODAY
    )
    assert [(a.email, a.version, a.acknowledged_on) for a in preview.merge.added] == [
        ("jane.doe@northbeam.example", "1.0", date(2025, 2, 4)),
        ("sam.lee@northbeam.example", "1.0", date(2025, 3, 5)),
    ]
    assert preview.imported.not_signed == 1
    with pytest.raises(NotFoundError, match="no policy 'nope'"):
        read_signoff_sheet(workspace, engagement_id=engagement_id, path=path, policy_key="nope", today=TODAY)


def test_sheet_rows_that_do_not_fit_are_all_named_and_nothing_is_recorded(
    workspace: Workspace, tmp_path: Path
) -> None:
    engagement_id = with_policies(workspace, approve=("access-control",))
    with_staff(workspace, engagement_id, tmp_path)
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(
        "Email,Policy,Date\n"
        "nobody@northbeam.example,access-control,2025-03-01\n"
        "jane.doe@northbeam.example,backup,2025-03-01\n"
        "jane.doe@northbeam.example,access-control,2025-01-02\n",
        encoding="utf-8",
    )
    with pytest.raises(InvalidInputError) as refused:
        read_signoff_sheet(workspace, engagement_id=engagement_id, path=sheet, today=TODAY)
    message = str(refused.value)
    assert message.startswith("sheet.csv: 3 rows of the sign-off sheet cannot be read; nothing was imported:")
    assert "row 2, column A: nobody@northbeam.example is not on the staff list" in message
    assert (
        "row 3, column B: the Backup Policy was acknowledged on 2025-03-01, and it was never approved"
        in message
    )
    assert (
        "row 4, column B: the Access Control Policy was acknowledged on 2025-01-02, before it was" in message
    )
    assert policy_records(workspace, engagement_id=engagement_id).acknowledgements == ()


def test_recording_refuses_what_the_register_cannot_hold(workspace: Workspace, tmp_path: Path) -> None:
    engagement_id = with_policies(workspace, approve=("access-control",))
    with_staff(workspace, engagement_id, tmp_path)
    good = AcknowledgementRow("access-control", "1.0", "ana.silva@northbeam.example", TODAY)
    cases = [
        (AcknowledgementRow("access-control", "1.0", "x@northbeam.example", TODAY), "not on the staff list"),
        (AcknowledgementRow("access-control", "1.0", good.email, date(2030, 1, 1)), "is in the future"),
        (AcknowledgementRow("access-control", "3.0", good.email, TODAY), "has no version 3.0"),
        (AcknowledgementRow("backup", "1.0", good.email, TODAY), "is not approved"),
    ]
    for bad, words in cases:
        with pytest.raises(InvalidInputError, match=words):
            record_acknowledgements(
                workspace, engagement_id=engagement_id, acknowledgements=[good, bad], today=TODAY
            )
    with pytest.raises(NotFoundError, match="no policy 'gone'"):
        record_acknowledgements(
            workspace, engagement_id=engagement_id, acknowledgements=[replace_key(good, "gone")], today=TODAY
        )
    assert policy_records(workspace, engagement_id=engagement_id).acknowledgements == ()


def replace_key(row: AcknowledgementRow, key: str) -> AcknowledgementRow:
    return AcknowledgementRow(key, row.version, row.email, row.acknowledged_on)


def test_staff_and_acknowledgement_writes_announce_staff(workspace: Workspace, tmp_path: Path) -> None:
    engagement_id = with_policies(workspace, approve=("access-control",))
    heard: list[Changes] = []
    workspace.listeners.append(heard.append)
    with_staff(workspace, engagement_id, tmp_path)
    record_acknowledgements(
        workspace,
        engagement_id=engagement_id,
        acknowledgements=[AcknowledgementRow("access-control", "1.0", "ana.silva@northbeam.example", TODAY)],
        today=TODAY,
    )
    assert heard == [Changes.of(Kind.STAFF, [engagement_id])] * 2
