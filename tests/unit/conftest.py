"""Files the unit tests of several packages share."""

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

AuditorWorkbook = Callable[[Path], Path]


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


@pytest.fixture
def auditor_workbook() -> AuditorWorkbook:
    """``auditor_workbook(path)``: write :func:`write_auditor_workbook` at *path* and return it."""
    return write_auditor_workbook
