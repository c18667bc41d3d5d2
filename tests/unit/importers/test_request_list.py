"""Reading auditors' request lists as they come: layouts, dates, samples, the kept original, hostile files."""

import csv
import io
import json
import os
import re
import zipfile
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.domain.original_workbook import ErrorValue, sheet_values, sheet_with_role
from app.domain.requests import ColumnRole, DateOrder, SampleRole
from app.importers.request_list import RequestListImport, RequestListLimits, read_request_list
from app.importers.safe_files import ArchiveLimits, UnreadableFileError

AuditorWorkbook = Callable[[Path], Path]
"""The ``auditor_workbook`` fixture (``tests/unit/conftest.py``): writes a realistic request list."""


def flags(result: RequestListImport) -> list[str]:
    return [str(flag) for flag in result.flags]


def write_sheet(path: Path, rows: list[list[Any]], *, title: str = "Requests") -> Path:
    """A one-sheet workbook of *rows*: a text starting with ``=`` is a formula, other texts stay text."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and not cell.value.startswith("="):
                cell.data_type = "s"
    workbook.save(path)
    return path


def write_csv(path: Path, rows: list[list[str]], *, delimiter: str = ",", encoding: str = "utf-8") -> Path:
    text = io.StringIO()
    csv.writer(text, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    path.write_bytes(text.getvalue().encode(encoding))
    return path


def rewrite_part(path: Path, part: str, change: Callable[[str], str]) -> Path:
    """Rewrite one XML part of the workbook at *path* in place."""
    with zipfile.ZipFile(path) as source:
        parts = {entry.filename: source.read(entry) for entry in source.infolist()}
    parts[part] = change(parts[part].decode()).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, content in parts.items():
            target.writestr(name, content)
    return path


# --- a realistic list ----------------------------------------------------------------------------------


@pytest.fixture
def imported(tmp_path: Path, auditor_workbook: AuditorWorkbook) -> RequestListImport:
    return read_request_list(auditor_workbook(tmp_path / "Acme PBC.xlsx"))


def test_the_request_sheet_header_and_columns_are_found(imported: RequestListImport) -> None:
    assert (imported.file_name, imported.sheet, imported.header_row) == ("Acme PBC.xlsx", "PBC List", 5)
    assert imported.mapping == {
        ColumnRole.REQUEST_ID: 1,
        ColumnRole.TEXT: 2,
        ColumnRole.CRITERIA: 3,
        ColumnRole.CONTROL_REF: 4,
        ColumnRole.TYPE: 5,
        ColumnRole.OWNER: 6,
        ColumnRole.DUE: 7,
        ColumnRole.STATUS: 8,
        ColumnRole.COMMENTS: 9,
    }
    assert [(c.letter, c.header, c.role) for c in imported.columns][-3:] == [
        ("I", "Auditor Comments", "comments"),
        ("J", "Workpaper Ref", None),
        ("K", "Priority", None),
    ]
    assert len(imported.sha256) == 64


def test_requests_are_read_with_every_field(imported: RequestListImport) -> None:
    first, second, third = imported.requests
    assert first.request_id == "PBC-001" and first.row == 6
    assert first.text == "User access listing for the production database"
    assert (first.criteria, first.unknown_criteria, first.references) == (("CC6.1", "CC6.2"), (), ("AC-01",))
    assert (first.request_type, first.owner, first.due, first.auditor_status) == (
        "Population",
        "Dana",
        date(2026, 7, 16),
        "Open",
    )
    assert first.extras == (("Workpaper Ref", "WP-1"), ("Priority", "TRUE"))
    assert second.row == 8 and second.text == "Change tickets from the change system\nwith approvals"
    assert (second.criteria, second.unknown_criteria) == (("CC8.1",), ("CC9.9",))
    assert second.references == ("CM-01", "CM-02")
    assert second.due == date(2026, 7, 20)
    assert second.comments == "=SUM(A1) is not a formula"
    assert second.extras == (("Workpaper Ref", "#N/A"), ("Priority", "12.5"))
    assert (third.row, third.due, third.comments, third.owner) == (9, date(2026, 7, 16), "-see last year", "")


def test_cells_that_do_not_fit_are_flagged_and_kept(imported: RequestListImport) -> None:
    assert flags(imported) == [
        "PBC List!A7: only this cell is filled: read as a heading and skipped",
        "PBC List!C8: not criteria we know: CC9.9 (kept as written)",
    ]
    assert imported.warnings == ()


def test_text_dates_are_read_in_the_order_the_file_shows(imported: RequestListImport) -> None:
    assert imported.date_order.order is DateOrder.MONTH_FIRST
    assert not imported.date_order.ambiguous
    assert imported.date_order.reason == "a date whose second number is above 12 shows they are month-first"


def test_the_samples_sheet_is_read_as_the_auditors_selections(imported: RequestListImport) -> None:
    samples = imported.samples
    assert samples is not None
    assert (samples.sheet, samples.header_row) == ("Samples", 2)
    assert samples.mapping == {role: number for number, role in enumerate(SampleRole, 1)}
    assert [
        (s.request_id, s.population, s.sample_number, s.item, s.when, s.row) for s in samples.samples
    ] == [
        ("PBC-002", "Change tickets", "1", "CHG-1041", date(2026, 2, 3), 3),
        ("PBC-002", "Change tickets", "2", "CHG-1187", date(2026, 4, 21), 4),
        ("PBC-001", "Users", "1", "dana@acme.example", None, 5),
    ]


def test_the_original_file_is_kept_whole_as_json(
    tmp_path: Path, imported: RequestListImport, auditor_workbook: AuditorWorkbook
) -> None:
    original = imported.original
    assert json.loads(json.dumps(original)) == original
    assert original["source"] == "xlsx" and original["file_name"] == "Acme PBC.xlsx"
    assert [sheet["name"] for sheet in original["sheets"]] == ["Instructions", "PBC List", "Samples"]
    assert [(sheet["role"], sheet["header_row"]) for sheet in original["sheets"]] == [
        (None, None),
        ("requests", 5),
        ("samples", 2),
    ]
    requests = sheet_with_role(original, "requests")
    assert requests is not None
    assert requests["merged"] == ["A1:K1", "A2:K2", "A7:K7"]
    assert requests["columns"]["B"] == {"width": 48.0} and requests["columns"]["K"]["hidden"] is True
    assert requests["rows"] == {"5": {"height": 32.0}}
    assert (requests["freeze"], requests["max_row"], requests["max_column"]) == ("A6", 9, 11)
    # every value of every sheet, as openpyxl reads the file itself
    source = openpyxl.load_workbook(auditor_workbook(tmp_path / "again.xlsx"))
    for sheet in original["sheets"]:
        expected = {
            (cell.row, cell.column): cell.value
            for row in source[sheet["name"]].iter_rows()
            for cell in row
            if cell.value is not None
        }
        assert sheet_values(sheet) == expected
    values = sheet_values(requests)
    assert isinstance(values[(8, 10)], ErrorValue) and values[(8, 10)] == "#N/A"
    assert not isinstance(values[(6, 10)], ErrorValue)
    formats = {(cell[0], cell[1]): cell[3] for cell in requests["cells"] if len(cell) > 3}
    assert formats[(6, 7)] == "mm/dd/yyyy"
    styles = original["styles"]
    header_style = styles[next(cell[4] for cell in requests["cells"] if cell[:2] == [5, 1])]
    assert header_style == {
        "bold": True,
        "fill": "FFD9E1F2",
        "horizontal": "center",
        "vertical": "center",
        "wrap": True,
        "border": ["thin", "thin", "thin", "thin"],
    }


def test_a_realistic_list_of_300_requests_keeps_a_small_original(tmp_path: Path) -> None:
    rows: list[list[Any]] = [["Example CPA LLP"], ["Request list"], []]
    rows.append(
        ["Request ID", "Request", "Criteria", "Control", "Type", "Owner", "Due", "Status", "Comments"]
    )
    for number in range(1, 301):
        rows.append(
            [
                f"PBC-{number:03}",
                f"Provide the evidence for request {number}: the listing, the query used to produce it "
                "and the approval of each item, for the whole review period.",
                "CC6.1, CC6.2",
                f"AC-{number % 40:02}",
                "Population",
                "Dana Smith",
                datetime(2026, 7, 1 + number % 28),
                "Open",
                "Please include the system parameters." if number % 3 else None,
            ]
        )
    result = read_request_list(write_sheet(tmp_path / "big.xlsx", rows))
    assert len(result.requests) == 300 and result.flags == ()
    size = len(json.dumps(result.original))
    assert size < 200_000, size


# --- other layouts ------------------------------------------------------------------------------------


def test_a_plain_list_with_the_header_on_the_first_row(tmp_path: Path) -> None:
    path = write_sheet(
        tmp_path / "list.xlsx",
        [["Request ID", "Description", "Due date"], ["1", "Org chart", "2026-07-16"], [2, "Policies", None]],
    )
    result = read_request_list(path)
    assert result.header_row == 1 and result.samples is None
    assert [(r.request_id, r.text, r.due) for r in result.requests] == [
        ("1", "Org chart", date(2026, 7, 16)),
        ("2", "Policies", None),
    ]


def test_day_first_text_dates(tmp_path: Path) -> None:
    path = write_sheet(
        tmp_path / "list.xlsx",
        [["ID", "Request", "Due"], ["A", "x", "16/07/2026"], ["B", "y", "03/08/2026"]],
    )
    result = read_request_list(path)
    assert result.date_order.order is DateOrder.DAY_FIRST
    assert [r.due for r in result.requests] == [date(2026, 7, 16), date(2026, 8, 3)]


def test_dates_with_dots_are_day_first_without_asking(tmp_path: Path) -> None:
    path = write_sheet(
        tmp_path / "list.xlsx",
        [["ID", "Request", "Due"], ["A", "x", "03.08.2026"], ["B", "y", "04.08.2026"]],
    )
    result = read_request_list(path)
    assert not result.date_order.ambiguous and result.flags == ()
    assert [r.due for r in result.requests] == [date(2026, 8, 3), date(2026, 8, 4)]


def test_serial_numbers_are_dates(tmp_path: Path) -> None:
    path = write_sheet(
        tmp_path / "list.xlsx", [["ID", "Request", "Due"], ["A", "x", 46219], ["B", "y", 46220.0]]
    )
    assert [r.due for r in read_request_list(path).requests] == [date(2026, 7, 16), date(2026, 7, 17)]


def test_ambiguous_dates_ask_the_user_and_the_answer_reads_them(tmp_path: Path) -> None:
    path = write_sheet(
        tmp_path / "list.xlsx",
        [
            ["ID", "Request", "Due"],
            ["A", "x", "03/04/2026"],
            ["B", "y", "05/06/2026"],
            ["C", "z", "2026-07-16"],
        ],
    )
    asked = read_request_list(path)
    assert asked.date_order.ambiguous and asked.date_order.order is None
    assert [r.due for r in asked.requests] == [None, None, date(2026, 7, 16)]
    suffix = "say whether the file's dates are day-first or month-first; the date is left empty"
    assert flags(asked) == [
        f"Requests!C2: '03/04/2026' could be 3 Apr or 4 Mar; {suffix}",
        f"Requests!C3: '05/06/2026' could be 5 Jun or 6 May; {suffix}",
    ]
    day_first = read_request_list(path, day_first=True)
    assert [r.due for r in day_first.requests] == [date(2026, 4, 3), date(2026, 6, 5), date(2026, 7, 16)]
    assert day_first.flags == () and day_first.date_order.order is DateOrder.DAY_FIRST
    month_first = read_request_list(path, day_first=False)
    assert [r.due for r in month_first.requests][:2] == [date(2026, 3, 4), date(2026, 5, 6)]


def test_a_date_that_is_no_date_is_flagged(tmp_path: Path) -> None:
    path = write_sheet(tmp_path / "list.xlsx", [["ID", "Request", "Due"], ["A", "x", "end of fieldwork"]])
    result = read_request_list(path)
    assert result.requests[0].due is None
    assert flags(result) == [
        "Requests!C2: 'end of fieldwork' is not a date (use a form such as 2026-07-16); "
        "the date is left empty"
    ]


def test_csv_with_a_byte_order_mark_semicolons_and_title_rows(tmp_path: Path) -> None:
    rows = [
        ["Example CPA LLP – SOC 2 request list", "", ""],
        [],
        ["Request #", "Request Description", "TSC", "Due Date", "Müller's note"],
        ["PBC-1", "Liste der Benutzer; mit Rollen", "CC6.1; CC6.2", "16.07.2026", "ja"],
        ["PBC-2", "Zeile eins\nZeile zwei", "CC7.1", "01.08.2026", ""],
    ]
    path = write_csv(tmp_path / "Anfragen.csv", rows, delimiter=";", encoding="utf-8-sig")
    result = read_request_list(path)
    assert result.original["csv"] == {"encoding": "utf-8-sig", "delimiter": ";"}
    assert (result.sheet, result.header_row) == ("Anfragen", 3)
    first, second = result.requests
    assert (first.text, first.criteria, first.due) == (
        "Liste der Benutzer; mit Rollen",
        ("CC6.1", "CC6.2"),
        date(2026, 7, 16),
    )
    assert first.extras == (("Müller's note", "ja"),)
    assert (second.text, second.due) == ("Zeile eins\nZeile zwei", date(2026, 8, 1))
    assert sheet_values(result.original["sheets"][0])[(1, 1)] == "Example CPA LLP – SOC 2 request list"


def test_csv_with_commas_and_no_byte_order_mark_in_windows_encoding(tmp_path: Path) -> None:
    rows = [["ID", "Request", "Owner", "Due"], ["1", "Access list, all users", "Jürgen", "07/16/2026"]]
    result = read_request_list(write_csv(tmp_path / "list.csv", rows, encoding="cp1252"))
    assert result.original["csv"] == {"encoding": "cp1252", "delimiter": ","}
    (request,) = result.requests
    assert (request.text, request.owner, request.due) == (
        "Access list, all users",
        "Jürgen",
        date(2026, 7, 16),
    )


def test_unicode_text_with_tabs_as_excel_saves_it(tmp_path: Path) -> None:
    rows = [["Request ID", "Request", "Due"], ["1", "Zugriffsliste", "2026-07-16"]]
    result = read_request_list(write_csv(tmp_path / "list.txt", rows, delimiter="\t", encoding="utf-16"))
    assert result.original["csv"] == {"encoding": "utf-16", "delimiter": "\t"}
    assert [(r.request_id, r.text, r.due) for r in result.requests] == [
        ("1", "Zugriffsliste", date(2026, 7, 16))
    ]


def test_the_user_chooses_sheet_header_row_and_columns(
    tmp_path: Path, auditor_workbook: AuditorWorkbook
) -> None:
    path = auditor_workbook(tmp_path / "list.xlsx")
    mapping = {ColumnRole.REQUEST_ID: 1, ColumnRole.TEXT: 9, ColumnRole.DUE: 7}
    result = read_request_list(path, sheet="pbc list", header_row=5, mapping=mapping, day_first=False)
    assert result.mapping == mapping
    assert [r.text for r in result.requests] == ["", "=SUM(A1) is not a formula", "-see last year"]
    assert result.requests[0].criteria == () and ("TSC Ref", "CC6.1, CC6.2") in result.requests[0].extras
    assert "PBC List!I6: no request text" in flags(result)
    with pytest.raises(
        UnreadableFileError, match=r"^list.xlsx: column 20 for text is outside the sheet's 11 columns$"
    ):
        read_request_list(path, mapping={ColumnRole.REQUEST_ID: 1, ColumnRole.TEXT: 20})
    with pytest.raises(
        UnreadableFileError, match=r"there is no sheet “Lists” \(the sheets are: Instructions, "
    ):
        read_request_list(path, sheet="Lists")
    with pytest.raises(
        UnreadableFileError, match="row 3 of the sheet “PBC List” names no request-id or text column"
    ):
        read_request_list(path, header_row=3)


def test_remembered_headers_map_an_auditors_own_names(tmp_path: Path) -> None:
    path = write_sheet(
        tmp_path / "list.xlsx", [["Ref", "Ask", "Hand in by"], ["R1", "Org chart", "2026-07-16"]]
    )
    result = read_request_list(path, remembered={"Ask": ColumnRole.TEXT, "Hand in by": ColumnRole.DUE})
    (request,) = result.requests
    assert (request.request_id, request.text, request.due) == ("R1", "Org chart", date(2026, 7, 16))


def test_repeated_and_missing_request_ids_are_flagged(tmp_path: Path) -> None:
    path = write_sheet(
        tmp_path / "list.xlsx",
        [["ID", "Request"], ["A", "first"], ["a ", "again"], [None, "no id"], ["B", "second"]],
    )
    result = read_request_list(path)
    assert [r.request_id for r in result.requests] == ["A", "B"]
    assert flags(result) == [
        "Requests!A3: the request ID 'a' is also on row 2; only that row is tracked",
        "Requests!B4: only this cell is filled: read as a heading and skipped",
    ]
    path = write_sheet(tmp_path / "list2.xlsx", [["ID", "Request", "Type"], [None, "no id", "Policy"]])
    assert flags(read_request_list(path)) == ["Requests!A2: no request ID; this row is not tracked"]


def test_a_file_without_a_request_header_is_refused(tmp_path: Path) -> None:
    path = write_sheet(tmp_path / "notes.xlsx", [["Shopping"], ["milk", "eggs"]])
    with pytest.raises(UnreadableFileError) as caught:
        read_request_list(path)
    assert str(caught.value) == (
        "notes.xlsx: the sheet “Requests” has no header row naming request-id and text in its first 20 rows; "
        "choose the header row and the columns"
    )


def test_a_formula_with_its_saved_result_is_read(tmp_path: Path) -> None:
    path = write_sheet(tmp_path / "list.xlsx", [["ID", "Request", "Due"], ["A", "x", "=46219"]])
    rewrite_part(
        path,
        "xl/worksheets/sheet1.xml",
        lambda xml: re.sub(r"<f>46219</f><v(?: ?/>|></v>)", "<f>46219</f><v>46219</v>", xml),
    )
    assert read_request_list(path).requests[0].due == date(2026, 7, 16)


def test_declared_dimensions_smaller_than_the_data_are_ignored(tmp_path: Path) -> None:
    rows: list[list[Any]] = [["ID", "Request"]] + [[f"R{n}", f"request {n}"] for n in range(1, 51)]
    path = write_sheet(tmp_path / "list.xlsx", rows)
    rewrite_part(
        path,
        "xl/worksheets/sheet1.xml",
        lambda xml: re.sub(r'<dimension ref="[^"]*"', '<dimension ref="A1:B2"', xml),
    )
    assert '<dimension ref="A1:B2"' in zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml").decode()
    result = read_request_list(path)
    assert [r.request_id for r in result.requests] == [f"R{n}" for n in range(1, 51)]
    assert result.original["sheets"][0]["max_row"] == 51


# --- hostile files: one clear line, nothing returned ------------------------------------------------------


def refused(path: Path, **options: Any) -> str:
    with pytest.raises(UnreadableFileError) as caught:
        read_request_list(path, **options)
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_a_formula_without_its_result_names_the_cell(tmp_path: Path) -> None:
    path = write_sheet(tmp_path / "list.xlsx", [["ID", "Request", "Due"], ["A", "x", "=TODAY()+7"]])
    assert refused(path) == (
        "Requests!C2 holds a formula whose result was not saved; open the file in a spreadsheet program, "
        "save it, and import it again"
    )


def test_a_zip_bomb_is_refused(tmp_path: Path) -> None:
    path = write_sheet(tmp_path / "list.xlsx", [["ID", "Request"]])
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/image1.png", bytes(30 * 1024 * 1024))
    assert re.fullmatch(
        r"list.xlsx: the part xl/media/image1.png expands [\d,]+ times; "
        r"parts expanding more than 100 times are not read",
        refused(path),
    )


def test_an_oversized_xml_part_is_refused(tmp_path: Path) -> None:
    path = write_sheet(
        tmp_path / "list.xlsx", [["ID", "Request"]] + [[f"R{n}", "x" * 50] for n in range(2000)]
    )
    limits = RequestListLimits(archive=ArchiveLimits(max_part_bytes=64 * 1024))
    assert re.fullmatch(
        r"list.xlsx: the part xl/worksheets/sheet1.xml expands to [\d.]+ KB; parts over 64.0 KB are not read",
        refused(path, limits=limits),
    )


def test_an_oversized_attribute_is_refused(tmp_path: Path) -> None:
    path = write_sheet(tmp_path / "list.xlsx", [["ID", "Request"]])
    rewrite_part(
        path,
        "xl/worksheets/sheet1.xml",
        lambda xml: xml.replace('<c r="A1"', f'<c x="{"A" * 70_000}" r="A1"', 1),
    )
    assert (
        refused(path)
        == "list.xlsx holds an XML attribute of 70,000 characters; attributes over 65,536 are not read"
    )


def test_a_merged_range_over_the_whole_sheet_is_refused_before_parsing(tmp_path: Path) -> None:
    path = write_sheet(tmp_path / "list.xlsx", [["ID", "Request"], ["A", "x"]])
    rewrite_part(
        path,
        "xl/worksheets/sheet1.xml",
        lambda xml: xml.replace(
            "</sheetData>", '</sheetData><mergeCells count="1"><mergeCell ref="A1:XFD1048576"/></mergeCells>'
        ),
    )
    assert refused(path) == (
        "list.xlsx holds more than 200,000 cells (counted up to the ranges of “Requests”); "
        "a request list that large is not read"
    )


def test_too_many_cells_are_refused(tmp_path: Path) -> None:
    path = write_sheet(tmp_path / "list.xlsx", [["ID", "Request"]] + [[f"R{n}", "x"] for n in range(40)])
    message = refused(path, limits=RequestListLimits(max_cells=50))
    assert message == (
        "list.xlsx holds more than 50 cells (counted up to Requests!A26); "
        "a request list that large is not read"
    )
    csv_path = write_csv(tmp_path / "list.csv", [["ID", "Request"]] + [[f"R{n}", "x"] for n in range(40)])
    assert "holds more than 50 cells" in refused(csv_path, limits=RequestListLimits(max_cells=50))


def test_a_document_type_declaration_is_refused(tmp_path: Path) -> None:
    path = write_sheet(tmp_path / "list.xlsx", [["ID", "Request"]])
    bomb = '<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    rewrite_part(path, "xl/styles.xml", lambda xml: bomb + xml)
    assert refused(path) == "list.xlsx declares an XML document type; workbooks never do"


def test_damaged_xml_is_refused(tmp_path: Path) -> None:
    path = write_sheet(tmp_path / "list.xlsx", [["ID", "Request"]])
    rewrite_part(path, "xl/worksheets/sheet1.xml", lambda xml: xml.replace("</sheetData>", "<sheetData>"))
    assert refused(path).startswith("list.xlsx is a damaged workbook: ")


def test_a_fifo_is_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "list.xlsx"
    os.mkfifo(fifo)
    assert refused(fifo) == "list.xlsx is a named pipe, not a file; choose the file itself"


def test_a_link_to_dev_zero_is_refused(tmp_path: Path) -> None:
    link = tmp_path / "list.csv"
    link.symlink_to("/dev/zero")
    assert refused(link) == "list.csv is a device, not a file; choose the file itself"


def test_a_file_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "list.csv", [["ID", "Request"], ["1", "x" * 5000]])
    assert refused(path, limits=RequestListLimits(max_file_bytes=4096)) == (
        "list.csv is 4.9 KB; files over 4.0 KB are not read"
    )


def test_encrypted_and_renamed_files_say_what_they_are(tmp_path: Path) -> None:
    encrypted = tmp_path / "locked.xlsx"
    encrypted.write_bytes(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + "EncryptedPackage".encode("utf-16-le")
    )
    assert (
        refused(encrypted)
        == "locked.xlsx is protected with a password; save a copy without the password and import that"
    )
    renamed = tmp_path / "list.xlsx"
    renamed.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
    assert refused(renamed) == (
        "list.xlsx is not an Excel workbook (.xlsx); save it as .xlsx in a spreadsheet program first"
    )
    binary = tmp_path / "list.csv"
    binary.write_bytes(b"\x00\x01\x02PK" * 100)
    assert refused(binary) == "list.csv is not a text file; save the request list as .xlsx or .csv"


def test_a_csv_field_past_the_csv_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text('ID,Request\n1,"' + "x" * 200_000 + '"\n')
    assert refused(path) == "list.csv cannot be read as CSV: field larger than field limit (131072)"


# --- fuzzing: whatever the bytes, a result or one plain refusal ---------------------------------------------

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def read_or_refuse(path: Path) -> None:
    try:
        result = read_request_list(path)
    except UnreadableFileError as error:
        assert str(error) and "\n" not in str(error)
    else:
        assert json.loads(json.dumps(result.original)) == result.original


@pytest.mark.long
@FUZZ
@given(st.binary(max_size=2000))
def test_any_bytes_as_csv(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "fuzz.csv"
    path.write_bytes(b"Request ID;Request\n" + content)
    read_or_refuse(path)


@pytest.mark.long
@FUZZ
@given(st.integers(0, 10_000), st.binary(min_size=1, max_size=40))
def test_any_damage_to_a_sheet(
    tmp_path: Path, auditor_workbook: AuditorWorkbook, at: int, junk: bytes
) -> None:
    path = auditor_workbook(tmp_path / "fuzz.xlsx")

    def damage(xml: str) -> str:
        position = at % len(xml)
        return xml[:position] + junk.decode("latin-1") + xml[position + len(junk) :]

    read_or_refuse(rewrite_part(path, "xl/worksheets/sheet2.xml", damage))
