"""Request lists and population files as auditors and systems produce them, written by the tests.

Shared by the unit, command-line and window tests (``from tests.request_lists import ...``).
"""

import csv
import io
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side


def write_auditor_workbook(path: Path) -> Path:
    """A request list as a CPA firm sends one.

    An instructions sheet first; then "PBC List" with three title rows (two
    merged across the table), a blank row, the header on row 5 with a
    border, fill and height, extra columns we have no role for (one
    hidden), a merged section heading, dates as real dates, as month-first
    text and as a serial number, text that looks like a formula, an error
    value, a number, a boolean, an unknown criterion; then "Samples" with a
    title row and the header on row 2.
    """
    workbook = openpyxl.Workbook()
    instructions = workbook.active
    instructions.title = "Instructions"
    instructions["A1"] = "How to use this list"
    instructions["A1"].font = Font(bold=True)
    instructions["A2"] = "Upload each item to the portal and set the status."

    sheet = workbook.create_sheet("PBC List")
    thin = Side(style="thin")
    sheet["A1"] = "Example CPA LLP"
    sheet["A1"].font = Font(bold=True, size=14, color="FF1F4E79")
    sheet["A1"].fill = PatternFill("solid", fgColor="FFDDEBF7")
    sheet.merge_cells("A1:K1")
    sheet["A2"] = "Acme Corp — SOC 2 Type 2 — Request list"
    sheet.merge_cells("A2:K2")
    sheet["A3"] = "Period: 1/1/2026 – 6/30/2026"
    headers = [
        "PBC #",
        "Request Description",
        "TSC Ref",
        "Control #",
        "Request Type",
        "Owner",
        "Due Date",
        "Status",
        "Auditor Comments",
        "Workpaper Ref",
        "Priority",
    ]
    for column, header in enumerate(headers, 1):
        cell = sheet.cell(row=5, column=column, value=header)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="FFD9E1F2")
        cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    sheet.row_dimensions[5].height = 32
    rows = [
        ["PBC-001", "User access listing for the production database", "CC6.1, CC6.2", "AC-01", "Population",
         "Dana", datetime(2026, 7, 16), "Open", None, "WP-1", True],
        ["Logical access"],
        ["PBC-002", "Change tickets from the change system\nwith approvals", "cc8.1; CC9.9", "CM-01; CM-02",
         "Population", "Eli", "07/20/2026", "Open", "=SUM(A1) is not a formula", "#N/A", 12.5],
        ["PBC-003", "Information security policy", "CC1.1 CC2.2", None, "Policy", None, 46219, "Open",
         "-see last year", 3, False],
    ]  # fmt: skip
    for row, values in enumerate(rows, 6):
        for column, value in enumerate(values, 1):
            if value is None:
                continue
            cell = sheet.cell(row=row, column=column, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # a text that looks like a formula or an error stays text
    sheet["J8"].data_type = "e"  # a real error value
    sheet["G6"].number_format = "mm/dd/yyyy"
    sheet.merge_cells("A7:K7")
    sheet["A7"].font = Font(italic=True)
    sheet["B8"].alignment = Alignment(wrap_text=True, vertical="top")
    for letter, width in {"A": 10, "B": 48, "C": 14, "I": 30}.items():
        sheet.column_dimensions[letter].width = width
    sheet.column_dimensions["K"].hidden = True
    sheet.freeze_panes = "A6"

    samples = workbook.create_sheet("Samples")
    samples["A1"] = "Samples selected by the auditor"
    samples.merge_cells("A1:E1")
    samples.append(["Request ID", "Population", "Sample #", "Item", "Date"])
    samples.append(["PBC-002", "Change tickets", 1, "CHG-1041", datetime(2026, 2, 3)])
    samples.append(["PBC-002", "Change tickets", 2, "CHG-1187", "04/21/2026"])
    samples.append(["PBC-001", "Users", 1, "dana@acme.example", None])
    workbook.save(path)
    return path


def write_updated_workbook(path: Path) -> Path:
    """The auditor's list of :func:`write_auditor_workbook` sent again, updated.

    PBC-001 is reworded and due later; PBC-003 is gone; PBC-004 is new; one
    more sample is selected for PBC-002 and the one for PBC-001 is dropped.
    """
    write_auditor_workbook(path)
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["PBC List"]
    sheet["B6"] = "User access listing for the production database and the VPN"
    sheet["G6"] = datetime(2026, 7, 23)
    sheet.delete_rows(9)
    for column, value in enumerate(
        ["PBC-004", "Backup restore test evidence", "A1.3", "BCP-02", "Sample", "Dana", "07/30/2026", "Open"],
        1,
    ):
        sheet.cell(row=9, column=column, value=value).data_type = "s"
    samples = workbook["Samples"]
    samples.delete_rows(5)
    for column, value in enumerate(["PBC-002", "Change tickets", 3, "CHG-1203", "05/02/2026"], 1):
        samples.cell(row=5, column=column, value=value)
    workbook.save(path)
    return path


def write_plain_list(path: Path) -> Path:
    """A plain first-year list: the header on row 1, ISO text dates, criteria in every usual form."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Requests"
    sheet.append(["Request ID", "Request", "Criteria", "Control", "Type", "Due date", "Status", "Comments"])
    rows = [
        ["R-1", "Access review evidence for Q1", "CC6.1, CC6.3", "AC-02", "Sample", "2026-04-15", "Open", ""],
        ["R-2", "Risk assessment", "CC3.1 CC3.2", "", "Policy", "2026-04-20", "Open", "last year's is fine"],
        ["R-3", "Onboarding tickets", "CC1.4; CC6.2", "HR-01", "Population", "2026-05-01", "", ""],
        ["R-4", "Incident log", "cc7.3", "", "Population", "", "Open", ""],
    ]
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def write_day_first_list(path: Path) -> Path:
    """A list from a European firm: two title rows, the header on row 3, day-first text dates."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "PBC"
    sheet["A1"] = "Prüfung GmbH — SOC 2 request list"
    sheet.merge_cells("A1:E1")
    sheet["A2"] = "Status as of 01.06.2026"
    sheet.append(["No.", "Information requested", "TSC", "Due", "Auditor notes"])
    sheet.append(["1", "Org chart", "CC1.3", "16/07/2026", ""])
    sheet.append(["2", "Board minutes", "CC1.2", "03/08/2026", "all meetings"])
    sheet.append(["3", "Vendor list", "CC9.2", "01.09.2026", ""])
    for row in sheet.iter_rows(min_row=4):
        for cell in row:
            cell.data_type = "s"
    workbook.save(path)
    return path


def write_csv_list(path: Path, rows: list[list[str]], *, delimiter: str = ";", bom: bool = True) -> Path:
    text = io.StringIO()
    csv.writer(text, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    path.write_bytes(text.getvalue().encode("utf-8-sig" if bom else "utf-8"))
    return path


def write_semicolon_csv(path: Path) -> Path:
    """A CSV as a spreadsheet in a European locale saves it: byte-order mark, semicolons, a title row."""
    return write_csv_list(
        path,
        [
            ["Auditor LLP request list", "", "", ""],
            ["Req No", "Description", "Criteria", "Due Date"],
            ["A-1", "Firewall rules; with review", "CC6.6", "16.07.2026"],
            ["A-2", "Encryption settings", "CC6.1 / CC6.7", "20.07.2026"],
        ],
    )


def write_ambiguous_csv(path: Path) -> Path:
    """A CSV whose dates could be day-first or month-first (no first or second part above 12)."""
    return write_csv_list(
        path,
        [["ID", "Request", "Due"], ["Q-1", "Policy set", "03/04/2026"], ["Q-2", "Access list", "05/06/2026"]],
        delimiter=",",
        bom=False,
    )


def population_rows(count: int, start: date, end: date) -> list[list[Any]]:
    """A change system's export: a title row, then ticket, created date (ISO text), summary."""
    span = (end - start).days
    rows: list[list[Any]] = [["Change tickets closed in the period"], ["Ticket", "Created", "Summary"]]
    for number in range(count):
        day = start + timedelta(days=span * number // max(count - 1, 1))
        rows.append([f"CHG-{1000 + number}", day.isoformat(), f"Change {number}"])
    return rows


def write_population_csv(path: Path, count: int, start: date, end: date) -> Path:
    """A population listing of *count* changes spread evenly from *start* to *end*."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(population_rows(count, start, end))
    return path
