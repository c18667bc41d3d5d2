"""The auditor's request list through the services: import in several layouts, re-import, work, refusals."""

import zipfile
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import select

from app.db.models import AuditRequest, ChangeLog, RequestList, Sample, SampleItem
from app.domain.changes import Changes, Kind
from app.domain.requests import RequestStatus
from app.services.controls import add_control
from app.services.engagements import create_engagement, update_engagement
from app.services.errors import EditConflictError, InvalidInputError, NotFoundError
from app.services.evidence import get_evidence
from app.services.fieldwork import list_samples
from app.services.requests import (
    DateOrderNeededError,
    attach_to_request,
    find_request,
    get_requests,
    import_request_list,
    link_request_controls,
    link_request_evidence,
    list_requests,
    preview_request_list,
    remembered_columns,
    request_detail,
    request_list_info,
    status_fields,
    unlink_request_controls,
    unlink_request_evidence,
    update_request,
)
from app.services.workspace import Workspace
from tests.request_lists import (
    write_ambiguous_csv,
    write_auditor_workbook,
    write_csv_list,
    write_day_first_list,
    write_plain_list,
    write_semicolon_csv,
    write_updated_workbook,
)

pytestmark = pytest.mark.backends


def engagement(workspace: Workspace, name: str = "Acme", firm: str = "Example CPA LLP") -> int:
    row = create_engagement(workspace, name=name)
    update_engagement(
        workspace,
        row.id,
        auditor_firm=firm,
        report_kinds=["SOC 2"],
        report_type="Type 2",
        categories=["Security"],
        period_start=date(2026, 1, 1),
        period_end=date(2026, 6, 30),
    )
    return row.id


def imported(workspace: Workspace, engagement_id: int, path: Path, **options: object) -> list[str]:
    preview = preview_request_list(workspace, engagement_id=engagement_id, path=path, **options)  # type: ignore[arg-type]
    return import_request_list(workspace, preview).lines()


def counts(workspace: Workspace) -> tuple[int, int, int, int]:
    with workspace.session() as session:
        return tuple(  # type: ignore[return-value]
            session.exec(select(func.count()).select_from(table)).one()
            for table in (RequestList, AuditRequest, Sample, SampleItem)
        )


# --- importing as the lists come -----------------------------------------------------------------------


def test_the_auditors_workbook_is_imported_with_samples_and_kept_whole(
    workspace: Workspace, tmp_path: Path
) -> None:
    engagement_id = engagement(workspace)
    heard: list[Changes] = []
    workspace.listeners.append(heard.append)
    lines = imported(workspace, engagement_id, write_auditor_workbook(tmp_path / "Acme PBC.xlsx"))
    assert lines[0] == (
        "Read 3 requests from Acme PBC.xlsx: 3 new, 0 reworded, 0 withdrawn; 3 sampled items."
    )
    assert "flagged PBC List!C8: not criteria we know: CC9.9 (kept as written)" in lines
    rows = list_requests(workspace, engagement_id=engagement_id)
    assert [(r.request.request_id, r.request.row, r.owner, r.status) for r in rows] == [
        ("PBC-001", 6, "Dana", RequestStatus.OPEN),
        ("PBC-002", 8, "Eli", RequestStatus.OPEN),
        ("PBC-003", 9, "", RequestStatus.OPEN),
    ]
    second = rows[1].request
    assert (second.criteria, second.unknown_criteria, second.references) == (
        ("CC8.1",),
        ("CC9.9",),
        ("CM-01", "CM-02"),
    )
    assert (second.due, second.auditor_status, second.comments) == (
        date(2026, 7, 20),
        "Open",
        "=SUM(A1) is not a formula",
    )
    assert rows[2].request.due == date(2026, 7, 16)  # a date serial number
    info = request_list_info(workspace, engagement_id=engagement_id)
    assert info is not None and (info.file_name, info.sheet, info.header_row, info.samples_sheet) == (
        "Acme PBC.xlsx",
        "PBC List",
        5,
        "Samples",
    )
    samples = list_samples(workspace, engagement_id=engagement_id)
    assert [(s.request_ref, [(i.number, i.item, i.when, i.row) for i in s.items]) for s in samples] == [
        ("PBC-001", [("1", "dana@acme.example", None, 5)]),
        ("PBC-002", [("1", "CHG-1041", date(2026, 2, 3), 3), ("2", "CHG-1187", date(2026, 4, 21), 4)]),
    ]
    assert any(Kind.REQUESTS in changes and Kind.FIELDWORK in changes for changes in heard)
    with workspace.session() as session:
        stored = session.exec(select(RequestList)).one()
    assert [sheet["name"] for sheet in stored.original["sheets"]] == ["Instructions", "PBC List", "Samples"]


@pytest.mark.parametrize(
    ("writer", "name", "expected"),
    [
        (
            write_plain_list,
            "plain.xlsx",
            [
                ("R-1", ("CC6.1", "CC6.3"), date(2026, 4, 15)),
                ("R-2", ("CC3.1", "CC3.2"), date(2026, 4, 20)),
                ("R-3", ("CC1.4", "CC6.2"), date(2026, 5, 1)),
                ("R-4", ("CC7.3",), None),
            ],
        ),
        (
            write_day_first_list,
            "pruefung.xlsx",
            [
                ("1", ("CC1.3",), date(2026, 7, 16)),
                ("2", ("CC1.2",), date(2026, 8, 3)),
                ("3", ("CC9.2",), date(2026, 9, 1)),
            ],
        ),
        (
            write_semicolon_csv,
            "list.csv",
            [("A-1", ("CC6.6",), date(2026, 7, 16)), ("A-2", ("CC6.1", "CC6.7"), date(2026, 7, 20))],
        ),
    ],
)
def test_realistic_layouts_are_read(
    workspace: Workspace, tmp_path: Path, writer: object, name: str, expected: list[tuple[object, ...]]
) -> None:
    engagement_id = engagement(workspace)
    imported(workspace, engagement_id, writer(tmp_path / name))  # type: ignore[operator]
    rows = list_requests(workspace, engagement_id=engagement_id)
    assert [(r.request.request_id, r.request.criteria, r.request.due) for r in rows] == expected


def test_ambiguous_dates_are_asked_and_nothing_is_stored_until_answered(
    workspace: Workspace, tmp_path: Path
) -> None:
    engagement_id = engagement(workspace)
    path = write_ambiguous_csv(tmp_path / "q.csv")
    preview = preview_request_list(workspace, engagement_id=engagement_id, path=path)
    assert preview.date_question == (
        "dates such as 03/04/2026 can be read either way: choose day-first or month-first"
    )
    with pytest.raises(DateOrderNeededError, match="03/04/2026 can be read either way"):
        import_request_list(workspace, preview)
    assert counts(workspace) == (0, 0, 0, 0)
    imported(workspace, engagement_id, path, day_first=True)
    assert [r.request.due for r in list_requests(workspace, engagement_id=engagement_id)] == [
        date(2026, 4, 3),
        date(2026, 6, 5),
    ]


def test_the_user_chooses_the_columns_and_the_firm_remembers_them(
    workspace: Workspace, tmp_path: Path
) -> None:
    rows = [
        ["Ticket", "Ask", "Deadline"],
        ["T1", "Org chart", "2026-07-01"],
        ["T2", "Policies", "2026-07-02"],
    ]
    path = write_csv_list(tmp_path / "odd.csv", rows, delimiter=",", bom=False)
    first = engagement(workspace, "First", firm="Odd & Co")
    unread = preview_request_list(workspace, engagement_id=first, path=path)
    assert (
        unread.problem
        == "odd.csv: row 1 of the sheet “odd” names no request-id or text column; choose the columns"
    )
    assert [(c.header, c.role) for c in unread.columns] == [
        ("Ticket", None),
        ("Ask", None),
        ("Deadline", "due"),
    ]
    with pytest.raises(InvalidInputError, match="names no request-id or text column"):
        import_request_list(workspace, unread)
    preview = preview_request_list(
        workspace,
        engagement_id=first,
        path=path,
        header_row=1,
        mapping={"request-id": 1, "text": 2, "due": 3},
    )
    assert [(c.letter, c.header, c.role) for c in preview.columns] == [
        ("A", "Ticket", "request-id"),
        ("B", "Ask", "text"),
        ("C", "Deadline", "due"),
    ]
    assert preview.rows[:2] == ((1, ("Ticket", "Ask", "Deadline")), (2, ("T1", "Org chart", "2026-07-01")))
    import_request_list(workspace, preview)
    assert remembered_columns(workspace, " odd & co ") == {
        "Ticket": "request-id",
        "Ask": "text",
        "Deadline": "due",
    }
    second = engagement(workspace, "Second", firm="ODD & CO")
    again = preview_request_list(workspace, engagement_id=second, path=path)
    assert again.remembered and again.mapping == {"request-id": 1, "text": 2, "due": 3}
    assert again.added == 2


# --- re-importing ----------------------------------------------------------------------------------------


def test_reimport_merges_by_request_id_keeping_our_work(workspace: Workspace, tmp_path: Path) -> None:
    engagement_id = engagement(workspace)
    control = add_control(
        workspace, engagement_id=engagement_id, ref="AC-01", title="Access", criteria="CC6.1"
    )
    imported(workspace, engagement_id, write_auditor_workbook(tmp_path / "v1.xlsx"))
    first, _, third = list_requests(workspace, engagement_id=engagement_id)
    update_request(workspace, first.id, status="in-progress", owner="Priya", notes="export running")
    link_request_controls(workspace, first.id, [control.id])
    update_request(workspace, third.id, status="provided")

    preview = preview_request_list(
        workspace, engagement_id=engagement_id, path=write_updated_workbook(tmp_path / "v2.xlsx")
    )
    assert (preview.added, preview.changed, preview.withdrawn) == (1, 1, 1)
    lines = import_request_list(workspace, preview).lines()

    assert lines[0] == "Read 3 requests from v2.xlsx: 1 new, 1 reworded, 1 withdrawn; 3 sampled items."
    assert lines[1:4] == [
        "PBC-001: request text changed from “User access listing for the production database” to "
        "“User access listing for the production database and the VPN”",
        "PBC-001: due date changed from “2026-07-16” to “2026-07-23”",
        "PBC-003: no longer in the list; marked withdrawn",
    ]
    rows = {r.request.request_id: r for r in list_requests(workspace, engagement_id=engagement_id)}
    assert list(rows) == ["PBC-001", "PBC-002", "PBC-004", "PBC-003"]
    kept = rows["PBC-001"]
    assert (kept.status, kept.owner, kept.notes, kept.controls, kept.request.due) == (
        RequestStatus.IN_PROGRESS,
        "Priya",
        "export running",
        ("AC-01",),
        date(2026, 7, 23),
    )
    assert (rows["PBC-003"].status, rows["PBC-003"].listed) == (RequestStatus.WITHDRAWN, False)
    assert (rows["PBC-004"].status, rows["PBC-004"].request.row) == (RequestStatus.OPEN, 9)
    by_request = {s.request_ref: s for s in list_samples(workspace, engagement_id=engagement_id)}
    assert [(i.number, i.item, i.row, i.listed) for i in by_request["PBC-002"].items] == [
        ("1", "CHG-1041", 3, True),
        ("2", "CHG-1187", 4, True),
        ("3", "CHG-1203", 5, True),
    ]
    assert [(i.number, i.row, i.listed) for i in by_request["PBC-001"].items] == [("1", None, False)]
    with workspace.session() as session:
        logged = session.exec(
            select(ChangeLog.entity_ref, ChangeLog.field, ChangeLog.new_value).where(
                ChangeLog.entity == "request",
                ChangeLog.field.in_(["due date", "status"]),  # type: ignore[attr-defined]
            )
        ).all()
    assert ("PBC-001", "due date", "2026-07-23") in logged and ("PBC-003", "status", "withdrawn") in logged


def test_a_withdrawn_request_back_in_the_list_is_open_again(workspace: Workspace, tmp_path: Path) -> None:
    engagement_id = engagement(workspace)
    imported(workspace, engagement_id, write_auditor_workbook(tmp_path / "v1.xlsx"))
    imported(workspace, engagement_id, write_updated_workbook(tmp_path / "v2.xlsx"))
    lines = imported(workspace, engagement_id, write_auditor_workbook(tmp_path / "v3.xlsx"))
    assert "1 back in the list" in lines[0] and "PBC-004: no longer in the list; marked withdrawn" in lines
    assert (
        find_request(workspace, engagement_id=engagement_id, request_ref="pbc-003").status
        == RequestStatus.OPEN
    )


# --- refusals --------------------------------------------------------------------------------------------


def binary_csv(folder: Path) -> Path:
    path = folder / "binary.csv"
    path.write_bytes(b"\x00\x01garbage" * 50)
    return path


def zip_bomb(path: Path) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<" + b"a" * 200_000_000 + b">")
    return path


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda folder: zip_bomb(folder / "bomb.xlsx"), "bomb.xlsx"),
        (binary_csv, "binary.csv is not a text file"),
        (lambda folder: folder / "missing.xlsx", "missing.xlsx"),
    ],
)  # fmt: skip
def test_hostile_or_wrong_files_give_one_line_and_store_nothing(
    workspace: Workspace, tmp_path: Path, make: object, message: str
) -> None:
    engagement_id = engagement(workspace)
    path = make(tmp_path)  # type: ignore[operator]
    with pytest.raises(InvalidInputError) as refused:
        preview_request_list(workspace, engagement_id=engagement_id, path=path)
    assert message in str(refused.value) and "\n" not in str(refused.value)
    assert counts(workspace) == (0, 0, 0, 0)


def test_a_readable_file_without_a_request_list_is_shown_and_refused(
    workspace: Workspace, tmp_path: Path
) -> None:
    engagement_id = engagement(workspace)
    path = tmp_path / "numbers.csv"
    path.write_text("a,b\n1,2\n")
    preview = preview_request_list(workspace, engagement_id=engagement_id, path=path)
    assert preview.problem is not None and "no header row naming request-id and text" in preview.problem
    assert preview.rows == ((1, ("a", "b")), (2, ("1", "2")))
    with pytest.raises(InvalidInputError, match="no header row"):
        import_request_list(workspace, preview)
    assert counts(workspace) == (0, 0, 0, 0)


# --- working a request -----------------------------------------------------------------------------------


def test_our_fields_are_checked_and_logged(workspace: Workspace, tmp_path: Path) -> None:
    engagement_id = engagement(workspace)
    imported(workspace, engagement_id, write_plain_list(tmp_path / "plain.xlsx"))
    row = find_request(workspace, engagement_id=engagement_id, request_ref="R-1")
    with pytest.raises(InvalidInputError, match="'done' is not a request status"):
        update_request(workspace, row.id, status="done")
    with pytest.raises(InvalidInputError, match="due"):
        update_request(workspace, row.id, due="16/07/2026")
    assert status_fields(row, RequestStatus.PROVIDED, date(2026, 4, 10)) == {
        "status": RequestStatus.PROVIDED,
        "date_provided": date(2026, 4, 10),
    }
    updated = update_request(workspace, row.id, status="Follow up", due="2026-04-30", owner="  Sam  Lee ")
    assert (updated.status, updated.due, updated.owner, updated.effective_due) == (
        RequestStatus.FOLLOW_UP,
        date(2026, 4, 30),
        "Sam Lee",
        date(2026, 4, 30),
    )
    assert updated.request.due == date(2026, 4, 15)  # the auditor's due date stays theirs
    with pytest.raises(NotFoundError, match="no request 'R-9'"):
        find_request(workspace, engagement_id=engagement_id, request_ref="R-9")


def test_attached_files_are_evidence_of_the_request_and_its_controls(
    workspace: Workspace, tmp_path: Path
) -> None:
    engagement_id = engagement(workspace)
    access = add_control(
        workspace, engagement_id=engagement_id, ref="AC-01", title="Access", criteria="CC6.1", is_key=True
    )
    other = add_control(
        workspace, engagement_id=engagement_id, ref="AC-07", title="Reviews", criteria="CC6.2"
    )
    unrelated = add_control(
        workspace, engagement_id=engagement_id, ref="BK-1", title="Backups", criteria="A1.2"
    )
    imported(workspace, engagement_id, write_auditor_workbook(tmp_path / "pbc.xlsx"))
    first = find_request(workspace, engagement_id=engagement_id, request_ref="PBC-001")

    detail = request_detail(workspace, first.id)
    assert [(s.ref, s.named, s.reason) for s in detail.suggestions] == [
        ("AC-01", True, "the request names AC-01"),
        ("AC-07", False, "maps to CC6.2, which the request names"),
    ]
    source = tmp_path / "users.csv"
    source.write_text("user\nana\n")
    (evidence,) = attach_to_request(
        workspace, engagement_id=engagement_id, request_id=first.id, files=[source]
    )
    assert evidence.controls == []
    links = link_request_controls(workspace, first.id, [access.id, other.id])
    assert links.row.controls == ("AC-01", "AC-07") and links.row.evidence == ("users.csv",)
    assert sorted(links.evidence_links) == [(evidence.id, access.id), (evidence.id, other.id)]
    assert get_evidence(workspace, evidence.id).controls == ["AC-01", "AC-07"]
    second = tmp_path / "users-2.csv"
    second.write_text("user\nbo\n")
    (later,) = attach_to_request(workspace, engagement_id=engagement_id, request_id=first.id, files=[second])
    assert later.controls == ["AC-01", "AC-07"]

    through_other = [link for link in links.evidence_links if link[1] == other.id]
    row = unlink_request_controls(workspace, first.id, [other.id], through_other)
    assert row.controls == ("AC-01",)
    assert get_evidence(workspace, evidence.id).controls == ["AC-01"]
    assert request_detail(workspace, first.id).suggestions[0].ref == "AC-07"
    assert unlink_request_evidence(workspace, first.id, [evidence.id]).evidence == ("users-2.csv",)
    assert link_request_evidence(workspace, first.id, [evidence.id]).evidence == ("users.csv", "users-2.csv")
    assert get_requests(workspace, [first.id])[0].evidence == ("users.csv", "users-2.csv")
    with pytest.raises(InvalidInputError, match="belongs to another engagement"):
        link_request_controls(workspace, first.id, [add_other_engagement_control(workspace)])
    assert unrelated.id not in {s.control_id for s in request_detail(workspace, first.id).suggestions}


def add_other_engagement_control(workspace: Workspace) -> int:
    other = create_engagement(workspace, name="Other")
    return add_control(workspace, engagement_id=other.id, ref="X-1", title="Elsewhere").id


def test_an_edit_based_on_an_old_version_is_refused(workspace: Workspace, tmp_path: Path) -> None:
    engagement_id = engagement(workspace)
    imported(workspace, engagement_id, write_plain_list(tmp_path / "plain.xlsx"))
    seen = find_request(workspace, engagement_id=engagement_id, request_ref="R-2")
    saved = update_request(workspace, seen.id, version=seen.version, status="in-progress")
    assert saved.version == seen.version + 1
    with pytest.raises(EditConflictError, match="changed the status of request R-2 to “in-progress”"):
        update_request(workspace, seen.id, version=seen.version, owner="Sam")
    assert update_request(workspace, seen.id, version=saved.version, owner="Sam").owner == "Sam"
