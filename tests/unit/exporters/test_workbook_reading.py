"""The workbook reads and prints well: change values in words, empty sheets kept off paper, two pages wide."""

import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
from test_workbook import (
    AS_OF,
    Change,
    sample_data,
)  # the sample engagement of the unit tests beside this file

from app.domain.history import readable_change_value
from app.domain.workbook_layout import ALL_CONTROLS_SHEET
from app.exporters.workbook import write_workbook


def test_change_values_read_as_words_not_json() -> None:
    answers = json.dumps({"customer_data": True, "customers_requested": ["SOC 2"], "ipo_planned": False})
    assert readable_change_value(answers) == "Customer data: yes\nCustomers requested: SOC 2\nIpo planned: no"
    overrides = json.dumps({"report_type": {"value": "Type 2", "reason": "Enterprise deal"}})
    assert readable_change_value(overrides) == "Report type: Type 2 (reason: Enterprise deal)"
    assert readable_change_value("not-started") == "Not started"
    assert readable_change_value("multiple-daily") == "Multiple times a day"
    assert readable_change_value("yes") == "Yes"
    assert readable_change_value("2026-06-30") == "2026-06-30"
    assert readable_change_value("{not json") == "{not json"
    assert readable_change_value(None) == ""


def test_the_change_log_sheet_shows_words(tmp_path: Path) -> None:
    at = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    answers = json.dumps({"customer_data": True})
    data = replace(
        sample_data(),
        changes=[
            Change(at, "control", "AC-1", "status", "in-progress", "ready-for-audit", "Dana"),
            Change(at, "engagement", "FY26", "scoping_answers", None, answers, "Sam"),
        ],
    )
    write_workbook(tmp_path / "w.xlsx", data, as_of=AS_OF)
    sheet = openpyxl.load_workbook(tmp_path / "w.xlsx")["Change log"]
    values = [[cell.value for cell in row][3:] for row in sheet.iter_rows(min_row=2)]
    assert values == [
        ["Status", "In progress", "Ready for audit", "Dana"],
        ["Scoping answers", None, "Customer data: yes", "Sam"],
    ]


def test_empty_sheets_are_hidden_and_named_on_the_summary(tmp_path: Path) -> None:
    write_workbook(tmp_path / "w.xlsx", sample_data(), as_of=AS_OF)
    workbook = openpyxl.load_workbook(tmp_path / "w.xlsx")
    hidden = [sheet.title for sheet in workbook.worksheets if sheet.sheet_state == "hidden"]
    assert hidden == ["CUECs", "Subservice organizations", "Exceptions"]
    summary = [row[0].value for row in workbook["Summary"].iter_rows() if row and row[0].value]
    assert (
        "Hidden because they have no rows yet, so they do not print: CUECs, Subservice organizations, "
        "Exceptions." in summary
    )
    empty_matrix = replace(sample_data(), controls=[])
    write_workbook(tmp_path / "empty.xlsx", empty_matrix, as_of=AS_OF)
    assert openpyxl.load_workbook(tmp_path / "empty.xlsx")[ALL_CONTROLS_SHEET].sheet_state == "visible"


def test_all_controls_prints_at_most_two_pages_wide(tmp_path: Path) -> None:
    write_workbook(tmp_path / "w.xlsx", sample_data(), as_of=AS_OF)
    workbook = openpyxl.load_workbook(tmp_path / "w.xlsx")
    for sheet in workbook.worksheets:
        setup = sheet.page_setup
        assert int(setup.fitToWidth or 1) <= 2, sheet.title
    matrix = workbook[ALL_CONTROLS_SHEET]
    assert int(matrix.page_setup.fitToWidth) == 2 and matrix.page_setup.orientation == "landscape"
