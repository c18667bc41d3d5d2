"""Round trip: export the workbook, edit it as a client would, plan the import, apply it."""

import re
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.utils import get_column_letter
from sqlmodel import col, select

from app.db.changelog import change_rows
from app.db.models import ChangeLog
from app.domain.vocab import categories_in_scope
from app.domain.workbook_layout import ALL_CONTROLS_SHEET, CONTROL_COLUMNS
from app.exporters.workbook import WorkbookData, write_workbook
from app.importers.workbook import CellError, read_control_workbook
from app.services.carveouts import list_cuecs, list_subservice_orgs
from app.services.control_import import (
    ControlChange,
    FieldChange,
    WorkbookRejectedError,
    apply_import,
    plan_import,
    revert_import,
)
from app.services.controls import add_control, list_controls, update_control
from app.services.engagements import create_engagement, get_engagement, update_engagement
from app.services.errors import ConflictError, InvalidInputError
from app.services.evidence import add_evidence, list_evidence
from app.services.objectives import list_objectives
from app.services.readiness import engagement_readiness
from app.services.workspace import Workspace

pytestmark = pytest.mark.backends

AS_OF = datetime(2026, 3, 1, 12, 0)
LETTER = {column.field: get_column_letter(index) for index, column in enumerate(CONTROL_COLUMNS, 1)}


def export(workspace: Workspace, engagement_id: int, target: Path) -> Path:
    """The engagement's workbook, as the export command writes it."""
    engagement = get_engagement(workspace, engagement_id)
    with workspace.session() as session:
        changes = change_rows(session, engagement_id=engagement_id)
    data = WorkbookData(
        company=engagement.company,
        engagement_name=engagement.name,
        system_name=engagement.system_name,
        report_kinds=engagement.report_kinds,
        report_type=engagement.report_type,
        categories_in_scope=categories_in_scope(engagement.report_kinds, engagement.categories),
        period_start=engagement.period_start,
        period_end=engagement.period_end,
        as_of_date=engagement.as_of_date,
        auditor_firm=engagement.auditor_firm,
        controls=list_controls(workspace, engagement_id=engagement_id),
        readiness=engagement_readiness(workspace, engagement_id=engagement_id, today=AS_OF.date()),
        objectives=list_objectives(workspace, engagement_id=engagement_id),
        cuecs=list_cuecs(workspace, engagement_id=engagement_id),
        subservice_orgs=list_subservice_orgs(workspace, engagement_id=engagement_id),
        changes=changes,
    )
    write_workbook(target, data, as_of=AS_OF)
    return target


@pytest.fixture
def engagement_id(workspace: Workspace) -> int:
    engagement = create_engagement(workspace, name="FY26", company="Acme")
    assert engagement.id is not None
    update_engagement(
        workspace, engagement.id, report_kinds=["SOC 2"], categories=["Security", "Availability"]
    )
    add_control(
        workspace,
        engagement_id=engagement.id,
        ref="AC-1",
        title="Access review",
        criteria="CC6.1,CC6.2",
        owner="Alice",
        status="in-progress",
        frequency="quarterly",
        is_key=True,
        remediation_due=date(2026, 4, 30),
    )
    add_control(
        workspace,
        engagement_id=engagement.id,
        ref="AC-2",
        title="Formula-looking texts",
        description="=SUM(1)",
        owner="+x",
        notes="-x\r\n@x _x0041_ tab\there",
        status="in-progress",
        criteria="A1.2",
    )
    add_control(workspace, engagement_id=engagement.id, ref="AC-3", title="Retired control", criteria="CC7.1")
    return engagement.id


def snapshot(workspace: Workspace, engagement_id: int) -> list[dict[str, Any]]:
    return [row.as_dict() | {"id": 0} for row in list_controls(workspace, engagement_id=engagement_id)]


def row_of(sheet: Any, ref: str) -> int:
    for row in range(2, sheet.max_row + 1):
        if sheet[f"{LETTER['ref']}{row}"].value == ref:
            return row
    raise AssertionError(f"no row for {ref}")


def edit(path: Path, change: Any) -> Path:
    """Open the workbook in openpyxl (as a client's spreadsheet program would), let *change* edit it, save."""
    workbook = openpyxl.load_workbook(path)
    change(workbook[ALL_CONTROLS_SHEET])
    workbook.save(path)
    return path


def test_unchanged_workbook_plans_nothing(workspace: Workspace, engagement_id: int, tmp_path: Path) -> None:
    path = export(workspace, engagement_id, tmp_path / "w.xlsx")
    plan = plan_import(workspace, engagement_id=engagement_id, path=path)
    assert plan.is_empty, plan.as_dict()
    assert plan.warnings == ()
    resaved = edit(path, lambda sheet: None)
    assert plan_import(workspace, engagement_id=engagement_id, path=resaved).is_empty


def client_edits(sheet: Any) -> None:
    sheet[f"{LETTER['owner']}{row_of(sheet, 'AC-1')}"] = "Bob"
    sheet[f"{LETTER['status']}{row_of(sheet, 'AC-2')}"] = "Ready for audit"
    sheet.delete_rows(row_of(sheet, "AC-3"))
    new = sheet.max_row + 1
    sheet[f"{LETTER['ref']}{new}"] = "AC-4"
    sheet[f"{LETTER['title']}{new}"] = "Change approval"
    sheet[f"{LETTER['criteria']}{new}"] = "cc8.1; CC7.1"
    sheet[f"{LETTER['status']}{new}"] = "In progress"
    sheet[f"{LETTER['is_key']}{new}"] = "Yes"
    sheet[f"{LETTER['remediation_due']}{new}"] = datetime(2026, 5, 31)
    sheet["V1"] = "Auditor comment"
    sheet["V2"] = "looks fine"


def test_round_trip(workspace: Workspace, engagement_id: int, tmp_path: Path) -> None:
    path = edit(export(workspace, engagement_id, tmp_path / "w.xlsx"), client_edits)
    before = {row.ref: row for row in list_controls(workspace, engagement_id=engagement_id)}

    plan = plan_import(workspace, engagement_id=engagement_id, path=path, remove_missing=True)

    assert [(c.ref, c.changes) for c in plan.changed] == [
        ("AC-1", (FieldChange("owner", "Alice", "Bob"),)),
        ("AC-2", (FieldChange("status", "in-progress", "ready-for-audit"),)),
    ]
    assert [(r.ref, r.title, r.status, r.evidence_files) for r in plan.removed] == [
        ("AC-3", "Retired control", "not-started", 0)
    ]
    assert "- AC-3: Retired control (Not started, 0 evidence files) — deleted" in plan.lines()
    (added,) = plan.added
    assert added.ref == "AC-4"
    assert added.values["criteria"] == ["CC7.1", "CC8.1"]
    assert (added.values["status"], added.values["is_key"]) == ("in-progress", True)
    assert added.values["remediation_due"] == date(2026, 5, 31)
    assert plan.warnings == ("column V “Auditor comment” is not part of the control matrix; ignored",)
    assert plan.as_dict()["changed"][1]["changes"] == [
        {"field": "status", "label": "Status", "old": "In progress", "new": "Ready for audit"}
    ]
    assert snapshot(workspace, engagement_id) == [row.as_dict() | {"id": 0} for row in before.values()]

    result = apply_import(workspace, plan)

    assert result.as_dict() == {"added": ["AC-4"], "changed": ["AC-1", "AC-2"], "removed": ["AC-3"]}
    after = {row.ref: row for row in list_controls(workspace, engagement_id=engagement_id)}
    assert sorted(after) == ["AC-1", "AC-2", "AC-4"]
    assert after["AC-1"] == replace(before["AC-1"], owner="Bob", version=2)
    assert after["AC-2"] == replace(before["AC-2"], status="ready-for-audit", version=2)
    new = after["AC-4"]
    assert (new.title, new.criteria, new.status, new.is_key) == (
        "Change approval",
        ["CC7.1", "CC8.1"],
        "in-progress",
        True,
    )
    assert plan_import(workspace, engagement_id=engagement_id, path=path, remove_missing=True).is_empty
    with workspace.session() as session:
        logged = session.exec(
            select(ChangeLog.entity_ref, ChangeLog.field, ChangeLog.old_value, ChangeLog.new_value)
            .where(ChangeLog.entity == "control")
            .order_by(col(ChangeLog.id).desc())
            .limit(4)
        ).all()
    assert sorted(logged, key=str) == sorted(
        [
            ("AC-3", "deleted", "Retired control", None),
            ("AC-1", "owner", "Alice", "Bob"),
            ("AC-2", "status", "in-progress", "ready-for-audit"),
            ("AC-4", "created", None, "Change approval"),
        ],
        key=str,
    )


def test_criteria_and_dates_change_field_by_field(
    workspace: Workspace, engagement_id: int, tmp_path: Path
) -> None:
    def change(sheet: Any) -> None:
        row = row_of(sheet, "AC-1")
        sheet[f"{LETTER['criteria']}{row}"] = "CC6.2, CC6.1, CC6.3"
        sheet[f"{LETTER['remediation_due']}{row}"] = "2026-06-30"
        sheet[f"{LETTER['is_key']}{row}"] = "no"

    path = edit(export(workspace, engagement_id, tmp_path / "w.xlsx"), change)
    plan = plan_import(workspace, engagement_id=engagement_id, path=path)
    assert plan.changed == (
        ControlChange(
            plan.changed[0].control_id,
            "AC-1",
            2,
            (
                FieldChange("criteria", ["CC6.1", "CC6.2"], ["CC6.1", "CC6.2", "CC6.3"]),
                FieldChange("is_key", True, False),
                FieldChange("remediation_due", date(2026, 4, 30), date(2026, 6, 30)),
            ),
        ),
    )
    apply_import(workspace, plan)
    row = next(r for r in list_controls(workspace, engagement_id=engagement_id) if r.ref == "AC-1")
    assert (row.criteria, row.is_key, row.remediation_due) == (
        ["CC6.1", "CC6.2", "CC6.3"],
        False,
        date(2026, 6, 30),
    )


def test_bad_cells_are_all_reported_and_nothing_is_written(
    workspace: Workspace, engagement_id: int, tmp_path: Path
) -> None:
    def change(sheet: Any) -> None:
        sheet[f"{LETTER['status']}{row_of(sheet, 'AC-1')}"] = "Done"
        sheet[f"{LETTER['remediation_due']}{row_of(sheet, 'AC-2')}"] = "31/02/2026"
        sheet[f"{LETTER['criteria']}{row_of(sheet, 'AC-3')}"] = "CC6.1, CC9.9"
        sheet[f"{LETTER['owner']}{row_of(sheet, 'AC-3')}"] = "Carol"
        sheet[f"{LETTER['ref']}5"] = "AC-1"
        sheet[f"{LETTER['title']}5"] = "Duplicate"
        sheet[f"{LETTER['status']}5"] = "Implemented"

    path = edit(export(workspace, engagement_id, tmp_path / "w.xlsx"), change)
    before = snapshot(workspace, engagement_id)
    with pytest.raises(WorkbookRejectedError) as raised:
        plan_import(workspace, engagement_id=engagement_id, path=path)
    errors = raised.value.errors
    assert [(e.sheet, e.row, e.column) for e in errors] == [
        (ALL_CONTROLS_SHEET, 2, LETTER["status"]),
        (ALL_CONTROLS_SHEET, 3, LETTER["remediation_due"]),
        (ALL_CONTROLS_SHEET, 4, LETTER["criteria"]),
        (ALL_CONTROLS_SHEET, 5, LETTER["ref"]),
    ]
    assert errors[0].message == (
        "Status: “Done” is not one of the list's words: Not started, In progress, Implemented, "
        "Ready for audit, Exception"
    )
    assert "'31/02/2026' is not a date" in errors[1].message
    assert errors[2].message == "Criteria: unknown criterion CC9.9"
    assert errors[3].message == "the ref 'AC-1' is already used on row 2"
    message = str(raised.value)
    assert message.startswith("the workbook has 4 problems; nothing was imported:")
    assert f"All controls!{LETTER['status']}2: Status: “Done” is not one of the list's words" in message
    assert snapshot(workspace, engagement_id) == before


def test_many_errors_are_counted(workspace: Workspace, engagement_id: int, tmp_path: Path) -> None:
    def change(sheet: Any) -> None:
        for row in range(5, 35):
            sheet[f"{LETTER['ref']}{row}"] = f"N-{row}"
            sheet[f"{LETTER['title']}{row}"] = "New"
            sheet[f"{LETTER['status']}{row}"] = "maybe"

    path = edit(export(workspace, engagement_id, tmp_path / "w.xlsx"), change)
    with pytest.raises(WorkbookRejectedError) as raised:
        plan_import(workspace, engagement_id=engagement_id, path=path)
    assert len(raised.value.errors) == 30
    assert str(raised.value).splitlines()[-1] == "  ... and 10 more"


def test_reader_reports_a_missing_title_and_reads_a_blank_status_as_not_started(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = ALL_CONTROLS_SHEET
    sheet.append(["Matrix sent back by the CPA firm"])
    sheet.append(["ref", " TITLE ", "Status", None, "Owner"])
    sheet.append(["X-1", "", "Implemented"])
    sheet.append(["X-2", "Fine", ""])
    sheet.append([None, None, None, "stray", None])
    sheet.append(["X-3", "Fine", "implemented", None, 12])
    workbook.save(tmp_path / "w.xlsx")
    read = read_control_workbook(tmp_path / "w.xlsx")
    assert read.errors == (CellError(ALL_CONTROLS_SHEET, 3, "B", "a control needs a title"),)
    assert read.fields == ("ref", "title", "status", "owner")
    assert [(c.row, c.ref, dict(c.values)) for c in read.controls] == [
        (4, "X-2", {"ref": "X-2", "title": "Fine", "status": "not-started", "owner": ""}),
        (6, "X-3", {"ref": "X-3", "title": "Fine", "status": "implemented", "owner": "12"}),
    ]
    assert read.warnings == ("column D has values but no header; ignored",)


def test_controls_missing_from_the_workbook_are_kept_unless_asked(
    workspace: Workspace, engagement_id: int, tmp_path: Path
) -> None:
    ac3 = next(r for r in list_controls(workspace, engagement_id=engagement_id) if r.ref == "AC-3")
    evidence = tmp_path / "log.txt"
    evidence.write_text("monitoring log")
    add_evidence(workspace, engagement_id=engagement_id, files=[evidence], control_ids=[ac3.id])
    update_control(workspace, ac3.id, status="implemented")
    path = edit(
        export(workspace, engagement_id, tmp_path / "w.xlsx"), lambda s: s.delete_rows(row_of(s, "AC-3"))
    )
    plan = plan_import(workspace, engagement_id=engagement_id, path=path)
    assert plan.is_empty and plan.removed == ()
    assert [removal.words for removal in plan.kept] == [
        "AC-3: Retired control (Implemented, 1 evidence file)"
    ]
    assert "  ! 1 control of the engagement is not in the workbook and is kept: AC-3" in plan.lines()
    deleting = plan.deleting_missing(True)
    assert [removal.ref for removal in deleting.removed] == ["AC-3"] and deleting.kept == ()
    assert deleting.as_dict()["removed"] == [
        {"ref": "AC-3", "title": "Retired control", "status": "implemented", "evidence_files": 1}
    ]


def test_an_applied_import_is_undone_in_one_step(
    workspace: Workspace, engagement_id: int, tmp_path: Path
) -> None:
    ac3 = next(r for r in list_controls(workspace, engagement_id=engagement_id) if r.ref == "AC-3")
    evidence = tmp_path / "log.txt"
    evidence.write_text("monitoring log")
    add_evidence(workspace, engagement_id=engagement_id, files=[evidence], control_ids=[ac3.id])
    before = snapshot(workspace, engagement_id)
    path = edit(export(workspace, engagement_id, tmp_path / "w.xlsx"), client_edits)
    plan = plan_import(workspace, engagement_id=engagement_id, path=path, remove_missing=True)
    result = apply_import(workspace, plan)
    assert sorted(r.ref for r in list_controls(workspace, engagement_id=engagement_id)) == [
        "AC-1",
        "AC-2",
        "AC-4",
    ]
    revert_import(workspace, result)
    assert snapshot(workspace, engagement_id) == before
    assert list_evidence(workspace, engagement_id=engagement_id)[0].controls == ["AC-3"]
    again = apply_import(workspace, plan)
    assert again.as_dict() == result.as_dict()


def test_stale_plan_is_refused(workspace: Workspace, engagement_id: int, tmp_path: Path) -> None:
    path = edit(export(workspace, engagement_id, tmp_path / "w.xlsx"), client_edits)
    plan = plan_import(workspace, engagement_id=engagement_id, path=path)
    ac1 = next(r for r in list_controls(workspace, engagement_id=engagement_id) if r.ref == "AC-1")
    update_control(workspace, ac1.id, owner="Dave")
    before = snapshot(workspace, engagement_id)
    with pytest.raises(ConflictError, match="the owner of control AC-1 was changed"):
        apply_import(workspace, plan)
    assert snapshot(workspace, engagement_id) == before


def test_apply_is_one_transaction(workspace: Workspace, engagement_id: int, tmp_path: Path) -> None:
    path = edit(export(workspace, engagement_id, tmp_path / "w.xlsx"), client_edits)
    plan = plan_import(workspace, engagement_id=engagement_id, path=path)
    broken_change = ControlChange(
        plan.changed[0].control_id,
        "AC-1",
        2,
        (FieldChange("owner", "Alice", "Bob"), FieldChange("criteria", ["CC6.1", "CC6.2"], ["CC9.9"])),
    )
    broken = replace(plan, changed=(broken_change,))
    before = snapshot(workspace, engagement_id)
    with pytest.raises(InvalidInputError, match="unknown criterion CC9.9"):
        apply_import(workspace, broken)
    assert snapshot(workspace, engagement_id) == before


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "broken.xlsx",
            b"this is not a spreadsheet",
            "broken.xlsx is not an Excel workbook (.xlsx); save it as .xlsx",
        ),
        ("broken.xlsx", b"PK\x03\x04 cut short", "broken.xlsx is a damaged .xlsx file"),
        ("matrix.csv", b"Ref,Title\nA,B\n", "matrix.csv is not an Excel workbook (.xlsx); save it as .xlsx"),
    ],
)
def test_unreadable_file_is_one_clear_error(
    workspace: Workspace, engagement_id: int, tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InvalidInputError, match=re.escape(message)) as raised:
        plan_import(workspace, engagement_id=engagement_id, path=path)
    assert "\n" not in str(raised.value)


def test_missing_file_sheet_or_columns(workspace: Workspace, engagement_id: int, tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="absent.xlsx does not exist"):
        plan_import(workspace, engagement_id=engagement_id, path=tmp_path / "absent.xlsx")
    other = openpyxl.Workbook()
    other.active.title = "Controls"
    other.save(tmp_path / "other.xlsx")
    with pytest.raises(InvalidInputError, match="has no “All controls” sheet \\(it has: Controls\\)"):
        plan_import(workspace, engagement_id=engagement_id, path=tmp_path / "other.xlsx")
    no_title = openpyxl.Workbook()
    no_title.active.title = "all controls"
    no_title.active.append(["Ref", "Owner"])
    no_title.save(tmp_path / "no-title.xlsx")
    with pytest.raises(InvalidInputError, match="has no header row with “Ref” and “Title” columns"):
        plan_import(workspace, engagement_id=engagement_id, path=tmp_path / "no-title.xlsx")


def test_repeated_column_is_a_cell_error(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    workbook.active.title = ALL_CONTROLS_SHEET
    workbook.active.append(["Ref", "Title", "Owner", "owner"])
    workbook.save(tmp_path / "w.xlsx")
    read = read_control_workbook(tmp_path / "w.xlsx")
    assert read.errors == (
        CellError(ALL_CONTROLS_SHEET, 1, "D", "the column “Owner” appears twice (also in column C)"),
    )
