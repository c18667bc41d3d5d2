"""The auditor workbook read back cell by cell: values, text safety, layout, determinism, cancellation."""

import re
import tempfile
import time
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from app.domain.controls import ControlRow
from app.domain.evidence import EvidenceRow
from app.domain.readiness import compute_readiness
from app.domain.workbook_layout import (
    ALL_CONTROLS_SHEET,
    CONTROL_COLUMNS,
    DERIVED_CONTROL_COLUMNS,
    MAX_CELL_TEXT,
    cell_text,
    escape_cell_text,
    parse_matrix_value,
    same_in_workbook,
    sheet_title,
)
from app.exporters.errors import ExportCancelled
from app.exporters.workbook import WorkbookData, write_workbook

AS_OF = datetime(2026, 3, 2, 10, 30, 4)
FORMULA_LOOKING = ("=SUM(1)", "+x", "-x", "@x", "=1+1")


def shown(stored: str) -> str:
    """The text a spreadsheet program (and python-calamine) shows for a stored string: its
    ``_xHHHH_`` escapes decoded."""
    return re.sub("_x([0-9A-Fa-f]{4})_", lambda match: chr(int(match.group(1), 16)), stored)


@dataclass
class Objective:
    ref: str
    kind: str
    title: str
    description: str
    control_refs: list[str]
    control_ids: list[int]


@dataclass
class Change:
    at: datetime
    entity: str
    entity_ref: str
    field: str
    old_value: str | None
    new_value: str | None
    changed_by: str


def sample_controls() -> list[ControlRow]:
    return [
        ControlRow(
            id=1,
            engagement_id=1,
            ref="AC-1",
            title="Quarterly access review",
            description="=SUM(1)",
            criteria=["CC6.1", "CC6.2"],
            owner="+x",
            frequency="quarterly",
            nature="it-dependent-manual",
            control_type="detective",
            is_key=True,
            status="implemented",
            remediation_due=date(2026, 1, 5),
            notes="-x",
        ),
        ControlRow(
            id=2,
            engagement_id=1,
            ref="AV-1",
            title="Backups\x01 restored\x0b monthly",
            description="@x\r\nsecond line",
            criteria=["A1.2"],
            owner="Ops",
            status="exception",
            gap="Restore test failed",
            notes="_x0041_",
        ),
        ControlRow(
            id=3,
            engagement_id=1,
            ref="HR-1",
            title="Onboarding",
            criteria=["CC1.4"],
            status="not-started",
            is_key=True,
        ),
    ]


def sample_data(**changes: Any) -> WorkbookData:
    controls = sample_controls()
    objectives = [Objective("CO-1", "itgc", "Logical access", "=HYPERLINK(1)", ["AC-1"], [1])]
    data = WorkbookData(
        company="Acme & Co",
        engagement_name="FY26 readiness",
        system_name="Acme Cloud",
        report_kinds=["SOC 1", "SOC 2"],
        report_type="Type 2",
        categories_in_scope=["Security", "Availability"],
        period_start=date(2026, 1, 1),
        period_end=date(2026, 6, 30),
        as_of_date=None,
        auditor_firm="Numbers LLP",
        controls=controls,
        readiness=compute_readiness(
            controls, ["Security", "Availability"], objectives=objectives, today=AS_OF.date()
        ),
        objectives=objectives,
        evidence=[
            EvidenceRow(
                id=7,
                engagement_id=1,
                title="User list export",
                file_name="users=1.csv",
                size=123456,
                sha256="ab" * 32,
                media_type="text/csv",
                collected_on=date(2026, 2, 1),
                covers_from=date(2026, 1, 1),
                covers_to=date(2026, 1, 31),
                controls=["AC-1", "HR-1"],
            ),
            EvidenceRow(
                id=8,
                engagement_id=1,
                title="Restore log",
                file_name="restore.txt",
                size=10,
                sha256="cd" * 32,
                media_type="text/plain",
                as_of=date(2026, 2, 3),
            ),
        ],
        evidence_links={7: "evidence/0007 users=1.csv"},
        changes=[
            Change(
                datetime(2026, 3, 1, 9, 0, tzinfo=UTC),
                "control",
                "AC-1",
                "status",
                "=x",
                "implemented",
                "Dana",
            )
        ],
    )
    return replace(data, **changes)


@pytest.fixture
def exported(tmp_path: Path) -> Path:
    target = tmp_path / "workbook.xlsx"
    write_workbook(target, sample_data(), as_of=AS_OF)
    return target


def rows(path: Path, sheet: str) -> list[list[Any]]:
    workbook = openpyxl.load_workbook(path)
    return [[cell.value for cell in row] for row in workbook[sheet].iter_rows()]


def test_sheets_in_order(exported: Path) -> None:
    assert openpyxl.load_workbook(exported).sheetnames == [
        "Summary",
        "All controls",
        "Security controls",
        "Availability controls",
        "Criteria coverage",
        "SOC 1 objectives",
        "Evidence index",
        "CUECs",
        "Subservice organizations",
        "Gaps and remediation",
        "Exceptions",
        "Change log",
    ]


def test_objectives_sheet_only_with_a_soc1(tmp_path: Path) -> None:
    target = tmp_path / "soc2.xlsx"
    write_workbook(target, sample_data(report_kinds=["SOC 2"], objectives=[]), as_of=AS_OF)
    assert "SOC 1 objectives" not in openpyxl.load_workbook(target).sheetnames


def test_control_matrix_cells_read_back(exported: Path) -> None:
    matrix = rows(exported, ALL_CONTROLS_SHEET)
    assert matrix[0] == [column.header for column in (*CONTROL_COLUMNS, *DERIVED_CONTROL_COLUMNS)]
    by_header = [dict(zip(matrix[0], row, strict=True)) for row in matrix[1:]]
    first, second, third = by_header
    assert first["Ref"] == "AC-1"
    assert (first["SOC 1 objectives"], first["Evidence files"], first["Evidence"]) == (
        "CO-1",
        1,
        "evidence/0007 users=1.csv",
    )
    assert (second["SOC 1 objectives"], second["Evidence files"], second["Evidence"]) == (None, 0, None)
    assert first["Criteria"] == "CC6.1, CC6.2"
    assert (first["Frequency"], first["Nature"], first["Type"]) == (
        "Quarterly",
        "IT-dependent manual",
        "Detective",
    )
    assert (first["Key"], first["Status"]) == ("Yes", "Implemented")
    assert first["Remediation due"] == datetime(2026, 1, 5)
    assert second["Title"] == "Backups restored monthly"
    assert second["Description"] == "@x\nsecond line"
    assert (second["Key"], second["Status"], second["Frequency"]) == ("No", "Exception", None)
    assert shown(second["Notes"]) == "_x0041_"
    assert third["Ref"] == "HR-1"
    security = rows(exported, "Security controls")
    assert [row[0] for row in security[1:]] == ["AC-1", "HR-1"]
    assert [row[0] for row in rows(exported, "Availability controls")[1:]] == ["AV-1"]


def test_matrix_cells_parse_back_to_the_values(exported: Path) -> None:
    matrix = [  # as the importer's reader hands them back: escapes decoded
        [shown(cell) if isinstance(cell, str) else cell for cell in row]
        for row in rows(exported, ALL_CONTROLS_SHEET)
    ]
    fields = len(CONTROL_COLUMNS)
    for control, row in zip(sample_controls(), matrix[1:], strict=True):
        for column, cell in zip(CONTROL_COLUMNS, row[:fields], strict=True):
            value = parse_matrix_value(column.field, cell)
            assert same_in_workbook(column.field, getattr(control, column.field), value), column.field
    assert parse_matrix_value("notes", matrix[2][fields - 1]) == "_x0041_"
    assert parse_matrix_value("description", matrix[2][2]) == "@x\nsecond line"


def test_user_text_is_never_a_formula(exported: Path) -> None:
    workbook = openpyxl.load_workbook(exported)
    texts = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula"
                if isinstance(cell.value, str) and cell.value.startswith(("=", "+", "-", "@")):
                    assert cell.quotePrefix, f"{sheet.title}!{cell.coordinate} is not quote-prefixed"
                    texts.append(cell.value)
    assert {"=SUM(1)", "+x", "-x", "=HYPERLINK(1)", "=x"} <= set(texts)
    assert "@x\nsecond line" in texts


def test_numbers_and_dates_are_typed(exported: Path) -> None:
    evidence = rows(exported, "Evidence index")
    header, first, second = evidence
    record = dict(zip(header, first, strict=True))
    assert record["Size (bytes)"] == 123456
    assert record["Collected"] == datetime(2026, 2, 1)
    assert (record["Covers from"], record["Covers to"]) == (datetime(2026, 1, 1), datetime(2026, 1, 31))
    assert record["Controls"] == "AC-1, HR-1"
    assert record["SHA-256"] == "ab" * 32
    assert dict(zip(header, second, strict=True))["As of"] == datetime(2026, 2, 3)
    workbook = openpyxl.load_workbook(exported)
    assert workbook["Evidence index"]["D2"].number_format == "#,##0"
    assert workbook["Evidence index"]["F2"].number_format == "yyyy-mm-dd"
    change = workbook["Change log"]["A2"]
    assert (change.value, change.number_format) == (datetime(2026, 3, 1, 9, 0), "yyyy-mm-dd hh:mm:ss")
    assert rows(exported, "Change log")[:2] == [
        ["At (UTC)", "Entity", "Ref", "Field", "Old value", "New value", "By"],
        [datetime(2026, 3, 1, 9, 0), "control", "AC-1", "Status", "=x", "Implemented", "Dana"],
    ]


def test_evidence_file_links_into_the_package(exported: Path) -> None:
    sheet = openpyxl.load_workbook(exported)["Evidence index"]
    assert sheet["B2"].value == "users=1.csv"
    assert sheet["B2"].hyperlink.target == "evidence/0007%20users%3D1.csv"
    assert sheet["B3"].value == "restore.txt"
    assert sheet["B3"].hyperlink is None


def test_summary_criteria_objectives_and_gaps(exported: Path) -> None:
    summary = {row[0]: row[1] for row in rows(exported, "Summary") if row and row[0]}
    assert summary["Company"] == "Acme & Co"
    assert summary["Report"] == "SOC 1 + SOC 2 Type 2"
    assert summary["Trust Services Categories"] == "Security, Availability"
    assert summary["Period"] == "1 Jan–30 Jun 2026"
    assert summary["Data as of"].startswith("2 Mar 2026, 10:30 UTC")
    assert summary["Controls"] == 3
    assert summary["Evidence records"] == 2
    criteria = {row[0]: row for row in rows(exported, "Criteria coverage")[1:]}
    assert len(criteria) == 33 + 3
    assert criteria["CC6.1"][4:7] == ["AC-1", 1, "Ready"]
    assert criteria["A1.2"][6] == "Not ready"
    assert "In exception: AV-1" in criteria["A1.2"][7]
    assert criteria["CC1.4"][6] == "Not ready"
    assert "Key control HR-1" in criteria["CC1.4"][7]
    assert criteria["CC1.1"][6:] == ["No control", "CC1.1 (Security) has no control"]
    objectives = rows(exported, "SOC 1 objectives")
    assert objectives[1] == ["CO-1", "IT general controls", "Logical access", "=HYPERLINK(1)", "AC-1", 1, 1]
    gaps = rows(exported, "Gaps and remediation")
    kinds = {row[0] for row in gaps[1:]}
    assert {"Criterion without a control", "Key control not implemented", "Control without an owner"} <= kinds


def test_layout_for_people(exported: Path) -> None:
    workbook = openpyxl.load_workbook(exported)
    for sheet in workbook.worksheets[1:]:
        assert sheet.freeze_panes == "A2", sheet.title
        assert sheet.auto_filter.ref is not None and sheet.auto_filter.ref.startswith("A1:"), sheet.title
        assert sheet.print_title_rows == "$1:$1", sheet.title
        assert all(cell.font.bold for cell in sheet[1]), sheet.title
    for sheet in workbook.worksheets:
        assert len(sheet.title) <= 31
        assert sheet.page_setup.orientation == "landscape"
        assert sheet.page_setup.fitToHeight == 0
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        widths = sum(sheet.column_dimensions[letter].width for letter in sheet.column_dimensions)
        # fit to as many pages wide as keep the print at about three quarters of full size, two at most
        assert sheet.page_setup.fitToWidth == min(2, max(1, -(-widths // 185))), sheet.title
        if sheet.page_setup.fitToWidth > 1:
            assert sheet.print_title_cols == "$A:$B", sheet.title
    matrix = workbook[ALL_CONTROLS_SHEET]
    assert matrix.page_setup.fitToWidth == 2
    security = workbook["Security controls"]
    assert [cell.value for cell in security[1]] == [
        "Ref",
        "Title",
        "Description",
        "Criteria",
        "Owner",
        "Frequency",
        "Key",
        "Status",
    ]
    assert security.page_setup.fitToWidth == 1
    assert matrix.auto_filter.ref == "A1:AC4"
    for cell in (matrix["A2"], matrix["C2"], matrix["Q2"], matrix["B3"]):
        assert (cell.alignment.vertical, cell.alignment.wrap_text) == ("top", True), cell.coordinate
    assert matrix.column_dimensions["C"].width == 50
    assert 12 <= matrix.column_dimensions["A"].width <= 60
    assert matrix.column_dimensions["B"].width >= len("Quarterly access review")


def test_only_the_imported_matrix_is_editable(exported: Path) -> None:
    workbook = openpyxl.load_workbook(exported)
    assert not workbook[ALL_CONTROLS_SHEET].protection.sheet
    for title in ("Security controls", "Availability controls"):
        protection = workbook[title].protection
        assert protection.sheet, title
        assert not (protection.autoFilter or protection.sort or protection.formatColumns), title


def test_table_cells_are_top_aligned_and_wrapped(exported: Path) -> None:
    workbook = openpyxl.load_workbook(exported)
    for title in (ALL_CONTROLS_SHEET, "Security controls"):
        sheet = workbook[title]
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if cell.value is not None:
                    assert cell.alignment.vertical == "top", (title, cell.coordinate)
                    assert cell.alignment.wrap_text, (title, cell.coordinate)


def test_drop_down_lists_on_vocabulary_columns(exported: Path) -> None:
    sheet = openpyxl.load_workbook(exported)[ALL_CONTROLS_SHEET]
    letters = {
        column.header: openpyxl.utils.get_column_letter(i) for i, column in enumerate(CONTROL_COLUMNS, 1)
    }
    lists = {str(v.sqref): (v.type, v.formula1, v.allow_blank) for v in sheet.data_validations.dataValidation}
    status = lists[f"{letters['Status']}2:{letters['Status']}1048576"]
    assert status == ("list", '"Not started,In progress,Implemented,Ready for audit,Exception"', False)
    assert lists[f"{letters['Key']}2:{letters['Key']}1048576"][1] == '"Yes,No"'
    assert "IT-dependent manual" in lists[f"{letters['Nature']}2:{letters['Nature']}1048576"][1]
    assert "Multiple times a day" in lists[f"{letters['Frequency']}2:{letters['Frequency']}1048576"][1]
    assert lists[f"{letters['Type']}2:{letters['Type']}1048576"][1] == '"Preventive,Detective,Corrective"'
    assert len(lists) == 5


def test_byte_identical_across_runs_and_dated_by_as_of(tmp_path: Path) -> None:
    first, second, later = tmp_path / "a.xlsx", tmp_path / "b.xlsx", tmp_path / "c.xlsx"
    write_workbook(first, sample_data(), as_of=AS_OF)
    time.sleep(2.1)  # zip timestamps have a two-second resolution
    write_workbook(second, sample_data(), as_of=AS_OF)
    write_workbook(later, sample_data(), as_of=AS_OF.replace(minute=31))
    assert first.read_bytes() == second.read_bytes()
    assert first.read_bytes() != later.read_bytes()
    properties = openpyxl.load_workbook(first).properties
    assert (properties.created, properties.modified) == (AS_OF, AS_OF)
    assert properties.creator == "SOC Workbench"


def test_aware_as_of_is_written_in_utc(tmp_path: Path) -> None:
    target = tmp_path / "utc.xlsx"
    write_workbook(target, sample_data(), as_of=AS_OF.replace(tzinfo=UTC))
    assert openpyxl.load_workbook(target).properties.modified == AS_OF


def test_cancel_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "out" / "workbook.xlsx"
    target.parent.mkdir()
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))  # where openpyxl streams worksheets
    calls: list[tuple[int, int]] = []
    with pytest.raises(ExportCancelled):
        write_workbook(
            target,
            sample_data(),
            as_of=AS_OF,
            progress=lambda *a: calls.append(a),
            cancel=lambda: bool(calls),
        )
    assert list(target.parent.iterdir()) == []
    assert calls and list(scratch.iterdir()) == []


def test_cancel_keeps_an_earlier_file(exported: Path) -> None:
    before = exported.read_bytes()
    with pytest.raises(ExportCancelled):
        write_workbook(exported, sample_data(company="Other"), as_of=AS_OF, cancel=lambda: True)
    assert exported.read_bytes() == before
    assert list(exported.parent.iterdir()) == [exported]


def test_failure_mid_way_leaves_nothing(tmp_path: Path) -> None:
    def explode(done: int, total: int) -> None:
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        write_workbook(tmp_path / "w.xlsx", sample_data(), as_of=AS_OF, progress=explode)
    assert list(tmp_path.iterdir()) == []


def test_progress_reaches_the_total(tmp_path: Path) -> None:
    calls: list[tuple[int, int]] = []
    write_workbook(tmp_path / "w.xlsx", sample_data(), as_of=AS_OF, progress=lambda *a: calls.append(a))
    assert calls[-1][0] == calls[-1][1]
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)


def test_cell_text_strips_what_excel_rejects() -> None:
    assert cell_text("a\x00b\x07c\x0bd\x1fe") == "abcde"
    assert cell_text("tab\tnew\nline\r\nend\rx") == "tab\tnew\nline\nend\nx"
    assert cell_text("lone \ud800 surrogate \ufffe") == "lone  surrogate "
    assert cell_text(12) == "12"
    assert len(cell_text("x" * 40_000)) == MAX_CELL_TEXT
    assert len(cell_text("\U0001f600" * 20_000)) == MAX_CELL_TEXT // 2
    assert cell_text(cell_text("a\r\nb\x01")) == cell_text("a\r\nb\x01")


def test_escape_lookalikes_round_trip() -> None:
    for text in ("_x0041_", "a_x00ZZ_b", "plain", "_x005F_x0041_"):
        assert shown(escape_cell_text(text)) == text
    assert escape_cell_text("_x0041_") == "_x005F_x0041_"


def test_sheet_titles_fit() -> None:
    assert sheet_title("Processing Integrity controls") == "Processing Integrity controls"
    assert sheet_title("a/b\\c[d]e:f*g?h") == "a b c d e f g h"
    assert sheet_title("x" * 40) == "x" * 31
    assert sheet_title("'quoted'") == "quoted"
    assert sheet_title("[]") == "Sheet"
    assert all(len(sheet_title(name * 9)) <= 31 for name in ("Availability ", "\U0001f600"))


def test_rows_with_wrapped_text_get_the_height_of_their_tallest_cell(tmp_path: Path) -> None:
    data = sample_data()
    long_text = "The IT manager reviews every account in every system each quarter. " * 6
    controls = [replace(data.controls[0], description=long_text), *data.controls[1:]]
    path = tmp_path / "tall.xlsx"
    write_workbook(path, replace(data, controls=controls), as_of=AS_OF)
    sheet = openpyxl.load_workbook(path)[ALL_CONTROLS_SHEET]
    lines = -(-len(long_text) // int(sheet.column_dimensions["C"].width * 1.1))
    assert sheet.row_dimensions[2].height == lines * 15
    assert sheet.row_dimensions[4].height is None  # a row that fits on one line keeps the default height
