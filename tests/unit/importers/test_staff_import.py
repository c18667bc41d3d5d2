"""Staff lists and sign-off sheets read from files made the way HR systems and people make them."""

import os
import re
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from app.domain.policies import QUESTIONS, PolicyRow, approve_policy, load_policy_library, new_policy
from app.domain.staff import AcknowledgementRow, StaffRow
from app.importers import staff as staff_import
from app.importers.safe_files import UnreadableFileError
from app.importers.staff import read_signoff_file, read_staff_file, read_table

TODAY = date(2026, 6, 1)
EXPECTED = [
    StaffRow("jane@acme.example", "Jane Doe", "CEO", date(2019, 3, 4)),
    StaffRow("sam@acme.example", "Sam Lee", "Engineer", date(2026, 1, 15), date(2026, 5, 29)),
    StaffRow("ana@acme.example", "Ana Ortiz", "Designer", date(2024, 1, 1)),
]


def workbook(path: Path, rows: list[list[Any]], *, title: str = "Staff", merge: str | None = None) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    for row in rows:
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    book.save(path)
    return path


def test_an_xlsx_export_with_a_merged_title_real_dates_serials_and_text_dates(tmp_path: Path) -> None:
    path = workbook(
        tmp_path / "directory.xlsx",
        [
            ["Acme Analytics — employee directory"],
            ["Generated 2026-06-01"],
            [],
            ["Employee ID", "Name", "Work Email", "Job Title", "Start Date", "End Date", "Manager"],
            ["E1", "Jane Doe", "Jane@Acme.example", "CEO", datetime(2019, 3, 4), None, ""],
            ["E2", "Sam Lee", "sam@acme.example", "Engineer", "15/01/2026", "29/05/2026", "Jane Doe"],
            ["E3", "Ana Ortiz", "ana@acme.example", "Designer", 45292, None, "Jane Doe"],
        ],
        merge="A1:G1",
    )
    imported = read_staff_file(path)
    assert imported.errors == ()
    assert imported.header_row == 4
    assert list(imported.staff) == EXPECTED
    assert imported.warnings == (
        "column A “Employee ID” is not part of a staff list; ignored",
        "column G “Manager” is not part of a staff list; ignored",
    )


def test_a_semicolon_csv_with_a_byte_order_mark_and_a_title_row(tmp_path: Path) -> None:
    text = (
        "Staff list;;;;\r\n"
        "Full name;E-mail;Role;Hire date;Leaving date\r\n"
        '"Doe, Jane";jane@acme.example;CEO;04.03.2019;\r\n'
        "Sam Lee;sam@acme.example;Engineer;15.01.2026;29.05.2026\r\n"
        "Ana Ortiz;ana@acme.example;Designer;01.01.2024;\r\n"
    )
    path = tmp_path / "staff.csv"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    imported = read_staff_file(path)
    assert imported.errors == ()
    assert list(imported.staff) == EXPECTED


def test_windows_and_utf16_text_files(tmp_path: Path) -> None:
    cp1252 = tmp_path / "staff-excel.csv"
    cp1252.write_bytes("Name,Email\r\nRenée Müller,renee@acme.example\r\n".encode("cp1252"))
    assert read_staff_file(cp1252).staff[0].name == "Renée Müller"
    utf16 = tmp_path / "staff.txt"
    utf16.write_text("Name\tEmail\tStart\nJosé Ñu\tjose@acme.example\t07/16/2025\n", encoding="utf-16")
    person = read_staff_file(utf16).staff[0]
    assert (person.name, person.start_date) == ("José Ñu", date(2025, 7, 16))


def test_a_sheet_whose_declared_size_is_too_small_is_read_in_full(tmp_path: Path) -> None:
    path = workbook(
        tmp_path / "short.xlsx",
        [["Name", "Email"], *[[f"Person {n}", f"p{n}@acme.example"] for n in range(1, 41)]],
    )
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    parts["xl/worksheets/sheet1.xml"] = re.sub(
        r'<dimension ref="[^"]+"', '<dimension ref="A1:B2"', sheet
    ).encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    assert len(read_staff_file(path).staff) == 40


def test_a_formula_without_a_saved_value_is_named_not_read_as_empty(tmp_path: Path) -> None:
    path = workbook(
        tmp_path / "formula.xlsx",
        [["Name", "Email", "End date"], ["Jane Doe", "jane@acme.example", "=TODAY()"]],
    )
    with pytest.raises(
        UnreadableFileError, match="cell C2 of formula.xlsx holds a formula without a saved value"
    ):
        read_staff_file(path)


def test_a_named_sheet_is_read_and_a_missing_one_is_named(tmp_path: Path) -> None:
    path = tmp_path / "two.xlsx"
    book = openpyxl.Workbook()
    first = book.active
    assert first is not None
    first.append(["Read me first"])
    second = book.create_sheet("Staff")
    second.append(["Name", "Email"])
    second.append(["Jane Doe", "jane@acme.example"])
    book.save(path)
    assert read_staff_file(path, sheet="staff").staff[0].email == "jane@acme.example"
    with pytest.raises(UnreadableFileError, match="two.xlsx: no header row with an email column"):
        read_staff_file(path)
    with pytest.raises(
        UnreadableFileError, match="two.xlsx has no sheet “People” \\(it has: Sheet, Staff\\)"
    ):
        read_staff_file(path, sheet="People")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_only_regular_files_are_opened(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    with pytest.raises(UnreadableFileError, match="pipe.csv is a named pipe, not a file"):
        read_table(fifo)
    link = tmp_path / "zero.csv"
    link.symlink_to("/dev/zero")
    with pytest.raises(UnreadableFileError, match="zero.csv is a device, not a file"):
        read_table(link)
    with pytest.raises(UnreadableFileError, match="is a folder, not a file"):
        read_table(tmp_path)
    with pytest.raises(UnreadableFileError, match="missing.csv does not exist"):
        read_table(tmp_path / "missing.csv")


def test_files_over_the_size_limit_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(staff_import, "MAX_FILE_BYTES", 1024 * 1024)
    path = tmp_path / "big.csv"
    path.write_bytes(b"Name,Email\n" + b"x,y@z.io\n" * 200_000)
    with pytest.raises(UnreadableFileError, match="big.csv is 1.7 MB; files over 1.0 MB are not read"):
        read_table(path)


def test_row_count_is_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(staff_import, "MAX_ROWS", 10)
    path = tmp_path / "long.csv"
    path.write_text("Name,Email\n" + "x,y@z.io\n" * 20)
    with pytest.raises(UnreadableFileError, match="long.csv has more than 10 rows"):
        read_table(path)


def test_workbooks_that_unpack_out_of_proportion_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", "<" + " " * (8 * 1024 * 1024) + "/>")
    with pytest.raises(UnreadableFileError, match="bomb.xlsx: the part xl/worksheets/sheet1.xml expands "):
        read_table(path)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "old.xls",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100,
            "old Excel file or a password-protected",
        ),
        (
            "locked.xlsx",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100,
            "old Excel file or a password-protected",
        ),
        ("fake.xlsx", b"Name,Email\n", "fake.xlsx is not an Excel workbook"),
        ("broken.xlsx", b"PK\x03\x04" + b"\x00" * 50, "broken.xlsx is a damaged .xlsx file"),
        ("binary.csv", b"Name\x00Email\n", "binary.csv is not a text file"),
    ],
)
def test_files_that_are_not_tables_get_one_line(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(UnreadableFileError, match=re.escape(message)):
        read_table(path)


def test_a_returned_sign_off_workbook(tmp_path: Path) -> None:
    answers = {q.key: q.example for q in QUESTIONS}
    seeded = new_policy(load_policy_library().template("hr-security"), owner="Head of People", today=TODAY)
    policy: PolicyRow = approve_policy(
        seeded, approved_by="CEO", approved_on=date(2026, 1, 5), answers=answers, today=TODAY
    )
    path = workbook(
        tmp_path / "signoff.xlsx",
        [
            ["Human Resources Security Policy v1.0 — acknowledgement"],
            [],
            ["Name", "Email", "Acknowledged", "Comments"],
            ["Jane Doe", "JANE@acme.example", datetime(2026, 1, 8), ""],
            ["Sam Lee", None, 46040, "signed on paper"],
            ["Ana Ortiz", "ana@acme.example", None, "on leave"],
        ],
        merge="A1:D1",
    )
    imported = read_signoff_file(
        path, policies=[policy], staff=EXPECTED, today=TODAY, policy_key="hr-security"
    )
    assert imported.errors == ()
    assert imported.not_signed == 1
    assert imported.acknowledgements == (
        AcknowledgementRow("hr-security", "1.0", "jane@acme.example", date(2026, 1, 8)),
        AcknowledgementRow("hr-security", "1.0", "sam@acme.example", date(2026, 1, 18)),
    )
    with pytest.raises(UnreadableFileError, match="signoff.xlsx: import the staff list before"):
        read_signoff_file(path, policies=[policy], staff=[], today=TODAY)
