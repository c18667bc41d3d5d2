"""The auditor's workbook handed back: every original cell as it was, our columns on the right."""

import copy
import csv
import os
import shutil
import subprocess
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from app.domain.original_workbook import OriginalSheet, OriginalWorkbook, iter_cells, sheet_with_role
from app.domain.requests import RequestStatus
from app.exporters.errors import ExportCancelled
from app.exporters.request_workbook import (
    REQUEST_COLUMNS,
    SAMPLE_COLUMNS,
    RequestHandback,
    SampleHandback,
    write_request_workbook,
)
from app.importers.request_list import RequestListImport, read_request_list

AuditorWorkbook = Callable[[Path], Path]
"""The ``auditor_workbook`` fixture (``tests/unit/conftest.py``): writes a realistic request list."""
SOFFICE = shutil.which("soffice")
# Separator, quote, UTF-8, first line, -, language, quote all text, detect special numbers,
# save as shown, export formulas, remove spaces, every sheet to its own file (LibreOffice 7.2+).
CSV_FILTER = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1"


@pytest.fixture
def imported(tmp_path: Path, auditor_workbook: AuditorWorkbook) -> RequestListImport:
    return read_request_list(auditor_workbook(tmp_path / "source.xlsx"))


def handbacks(imported: RequestListImport) -> tuple[list[RequestHandback], list[SampleHandback]]:
    """PBC-001 provided with two files, PBC-002 in follow-up, PBC-003 untouched; one sample evidenced."""
    first, second, _ = imported.requests
    requests = [
        RequestHandback(
            first.row, RequestStatus.PROVIDED, date(2026, 7, 1), ("users.csv", "=query.sql"), "Sent"
        ),
        RequestHandback(second.row, RequestStatus.FOLLOW_UP, None, (), "=Waiting for the ticket export"),
    ]
    assert imported.samples is not None
    samples = [SampleHandback(imported.samples.samples[0].row, ("CHG-1041 approval.pdf",))]
    return requests, samples


@pytest.fixture
def exported(tmp_path: Path, imported: RequestListImport) -> Path:
    target = tmp_path / "out" / "Acme PBC returned.xlsx"
    target.parent.mkdir()
    write_request_workbook(target, imported.original, *handbacks(imported))
    return target


def looks(original: OriginalWorkbook, sheet: OriginalSheet, last_column: int) -> dict[tuple[int, int], Any]:
    """Each cell up to *last_column*: its value, number format and look."""
    return {
        (row, column): (value, number_format, original["styles"][style])
        for row, column, value, number_format, style in iter_cells(sheet)
        if column <= last_column
    }


def test_every_sheet_row_and_cell_comes_back_unchanged(imported: RequestListImport, exported: Path) -> None:
    before = imported.original
    after = read_request_list(exported).original
    assert [sheet["name"] for sheet in after["sheets"]] == [sheet["name"] for sheet in before["sheets"]]
    for old, new in zip(before["sheets"], after["sheets"], strict=True):
        width = old["max_column"]
        assert looks(after, new, width) == looks(before, old, width), old["name"]
        assert new["merged"] == old["merged"]
        assert {
            k: v for k, v in new["columns"].items() if openpyxl.utils.column_index_from_string(k) <= width
        } == (old["columns"])
        assert (new["rows"], new["freeze"], new["state"], new["header_row"]) == (
            old["rows"],
            old["freeze"],
            old["state"],
            old["header_row"],
        )
        assert new["max_row"] == old["max_row"]


def test_values_keep_their_types(exported: Path) -> None:
    sheet = openpyxl.load_workbook(exported)["PBC List"]
    assert sheet["A1"].value == "Example CPA LLP" and sheet["A1"].font.b and sheet["A1"].font.sz == 14
    assert (sheet["G6"].value, sheet["G6"].number_format) == (datetime(2026, 7, 16), "mm/dd/yyyy")
    assert (sheet["G8"].value, sheet["G8"].data_type) == ("07/20/2026", "s")
    assert (sheet["G9"].value, sheet["G9"].data_type) == (46219, "n")
    assert (sheet["I8"].value, sheet["I8"].data_type) == ("=SUM(A1) is not a formula", "s")
    assert (sheet["I9"].value, sheet["I9"].data_type) == ("-see last year", "s")
    assert (sheet["J8"].value, sheet["J8"].data_type) == ("#N/A", "e")
    assert (sheet["K6"].value, sheet["K8"].value, sheet["K9"].value) == (True, 12.5, False)
    assert sheet.column_dimensions["K"].hidden


def test_our_columns_follow_the_auditors_on_each_requests_row(exported: Path) -> None:
    sheet = openpyxl.load_workbook(exported)["PBC List"]
    assert sheet.max_column == 15
    ours = [[sheet.cell(row=row, column=column).value for column in range(12, 16)] for row in range(5, 10)]
    assert ours == [
        [header for header, _ in REQUEST_COLUMNS],
        ["Provided", datetime(2026, 7, 1), "users.csv\n=query.sql", "Sent"],
        [None, None, None, None],
        ["Follow up", None, None, "=Waiting for the ticket export"],
        [None, None, None, None],
    ]
    assert sheet["N6"].data_type == "s" and sheet["O8"].data_type == "s" and sheet["O8"].quotePrefix
    assert sheet["M6"].number_format == "yyyy-mm-dd"
    header, theirs = sheet["L5"], sheet["K5"]
    assert header.font.b and header.fill.fgColor.rgb == theirs.fill.fgColor.rgb == "FFD9E1F2"
    assert header.border.left.style == "thin"
    assert [sheet.column_dimensions[letter].width for letter in "LMNO"] == [w for _, w in REQUEST_COLUMNS]
    assert sheet["A1"].value == "Example CPA LLP" and "A1:K1" in {str(r) for r in sheet.merged_cells.ranges}


def test_the_samples_sheet_gets_its_evidence_column(exported: Path) -> None:
    sheet = openpyxl.load_workbook(exported)["Samples"]
    assert [row[5:] for row in sheet.iter_rows(values_only=True)] == [
        (None,),
        (SAMPLE_COLUMNS[0][0],),
        ("CHG-1041 approval.pdf",),
        (None,),
        (None,),
    ]
    assert [row[:5] for row in sheet.iter_rows(min_row=3, values_only=True)][1] == (
        "PBC-002",
        "Change tickets",
        2,
        "CHG-1187",
        "04/21/2026",
    )


def test_a_csv_list_comes_back_as_a_workbook_of_its_text(tmp_path: Path) -> None:
    source = tmp_path / "list.csv"
    source.write_text(
        "Request list;;\nRequest ID;Request;Due\nR1;Org chart;16.07.2026\n", encoding="utf-8-sig"
    )
    imported = read_request_list(source)
    target = tmp_path / "list.xlsx"
    write_request_workbook(target, imported.original, [RequestHandback(3, RequestStatus.ACCEPTED)])
    sheet = openpyxl.load_workbook(target)["list"]
    assert [list(row) for row in sheet.iter_rows(values_only=True)] == [
        ["Request list", None, None, None, None, None, None],
        [
            "Request ID",
            "Request",
            "Due",
            "Client status",
            "Date provided",
            "Evidence file names",
            "Client comments",
        ],
        ["R1", "Org chart", "16.07.2026", "Accepted", None, None, None],
    ]


def test_rows_that_are_no_requests_rows_are_refused(tmp_path: Path, imported: RequestListImport) -> None:
    target = tmp_path / "out.xlsx"
    with pytest.raises(ValueError, match="request on row 5 is not below the header row 5 of “PBC List”"):
        write_request_workbook(target, imported.original, [RequestHandback(5, RequestStatus.OPEN)])
    with pytest.raises(ValueError, match="two requests are given for one row of “PBC List”"):
        write_request_workbook(
            target,
            imported.original,
            [RequestHandback(6, RequestStatus.OPEN), RequestHandback(6, RequestStatus.OPEN)],
        )
    assert not target.exists() and list(tmp_path.glob(".out.xlsx.*")) == []


def test_a_sheet_without_room_for_our_columns_is_refused(tmp_path: Path, imported: RequestListImport) -> None:
    original = copy.deepcopy(imported.original)
    requests = sheet_with_role(original, "requests")
    assert requests is not None
    requests["max_column"] = 16_382
    target = tmp_path / "out.xlsx"
    with pytest.raises(
        ValueError, match="the sheet “PBC List” has no room right of its last column for our columns"
    ):
        write_request_workbook(target, original, [])
    assert not target.exists() and list(tmp_path.glob(".out.xlsx.*")) == []


def test_a_cancelled_export_leaves_nothing_and_a_finished_one_replaces_the_file(
    tmp_path: Path, imported: RequestListImport
) -> None:
    target = tmp_path / "out.xlsx"
    target.write_bytes(b"previous")
    with pytest.raises(ExportCancelled):
        write_request_workbook(target, imported.original, [], cancel=lambda: True)
    assert target.read_bytes() == b"previous"
    seen: list[tuple[int, int]] = []
    write_request_workbook(
        target, imported.original, [], progress=lambda done, total: seen.append((done, total))
    )
    assert seen[-1] == (4, 4) and len(seen) == 4
    assert openpyxl.load_workbook(target).sheetnames == ["Instructions", "PBC List", "Samples"]
    assert sorted(path.name for path in tmp_path.iterdir()) == ["out.xlsx", "source.xlsx"]


def test_the_original_sheet_roles_decide_where_our_columns_go(imported: RequestListImport) -> None:
    requests = sheet_with_role(imported.original, "requests")
    samples = sheet_with_role(imported.original, "samples")
    assert requests is not None and samples is not None
    assert (requests["name"], requests["max_column"], samples["name"], samples["max_column"]) == (
        "PBC List",
        11,
        "Samples",
        5,
    )


# --- a real spreadsheet program ---------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.skipif(
    SOFFICE is None and not os.environ.get("CI"), reason="LibreOffice (soffice) is not on PATH"
)
def test_libreoffice_opens_the_workbook_and_shows_every_cell(tmp_path: Path, exported: Path) -> None:
    assert SOFFICE is not None
    folder = tmp_path / "libreoffice"
    for target in (CSV_FILTER, "xlsx"):
        subprocess.run(
            [
                SOFFICE,
                f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
                "--headless",
                "--norestore",
                "--convert-to",
                target,
                "--outdir",
                str(folder),
                str(exported),
            ],
            capture_output=True,
            text=True,
            timeout=180,
            check=True,
        )
    sheets = {}
    for path in folder.glob("*.csv"):
        with path.open(encoding="utf-8", newline="") as handle:
            sheets[path.stem.rpartition("-")[2]] = list(csv.reader(handle))
    requests = sheets["PBC List"]
    assert requests[0][0] == "Example CPA LLP" and requests[4][11:] == [h for h, _ in REQUEST_COLUMNS]
    assert requests[5] == [
        "PBC-001",
        "User access listing for the production database",
        "CC6.1, CC6.2",
        "AC-01",
        "Population",
        "Dana",
        "07/16/2026",
        "Open",
        "",
        "WP-1",
        "TRUE",
        "Provided",
        "2026-07-01",
        "users.csv\n=query.sql",
        "Sent",
    ]
    assert requests[7][6:11] == ["07/20/2026", "Open", "=SUM(A1) is not a formula", "#N/A", "12.5"]
    assert requests[7][14] == "=Waiting for the ticket export"
    assert sheets["Samples"][2] == [
        "PBC-002",
        "Change tickets",
        "1",
        "CHG-1041",
        "2026-02-03 0:00:00",
        "CHG-1041 approval.pdf",
    ]
    resaved = openpyxl.load_workbook(folder / exported.name)
    assert {str(r) for r in resaved["PBC List"].merged_cells.ranges} == {"A1:K1", "A2:K2", "A7:K7"}
