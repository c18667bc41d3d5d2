"""Populations, samples and exceptions through the services: counted, drawn reproducibly, recorded, undone."""

import hashlib
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import select

from app.db.models import ControlException, Evidence, Population, Sample, SampleItem, SampleItemEvidence
from app.domain.fieldwork import SampleSource
from app.services.controls import add_control, delete_controls, get_control, restore_controls
from app.services.engagements import create_engagement, update_engagement
from app.services.errors import ConflictError, InvalidInputError
from app.services.evidence import get_evidence, list_evidence
from app.services.fieldwork import (
    add_exception,
    add_population,
    add_sample_items,
    attach_to_sample_item,
    delete_exceptions,
    delete_sample_items,
    delete_samples,
    draw_control_sample,
    find_sample_item,
    list_exceptions,
    list_populations,
    list_samples,
    restore_exceptions,
    restore_sample_items,
    restore_samples,
    update_exception,
)
from app.services.readiness import engagement_readiness
from app.services.requests import (
    find_request,
    import_request_list,
    link_request_controls,
    preview_request_list,
)
from app.services.workspace import Workspace, open_workspace
from tests.request_lists import write_auditor_workbook, write_csv_list, write_population_csv

pytestmark = pytest.mark.backends

START, END = date(2026, 1, 1), date(2026, 6, 30)


def engagement_with_control(workspace: Workspace, name: str = "Acme") -> tuple[int, int]:
    engagement = create_engagement(workspace, name=name)
    update_engagement(
        workspace,
        engagement.id,
        report_kinds=["SOC 2"],
        report_type="Type 2",
        categories=["Security"],
        period_start=START,
        period_end=END,
    )
    control = add_control(
        workspace,
        engagement_id=engagement.id,
        ref="CM-01",
        title="Changes are approved",
        criteria="CC8.1",
        frequency="per-event",
        owner="Eng",
        is_key=True,
    )
    return engagement.id, control.id


def table_counts(workspace: Workspace) -> tuple[int, ...]:
    with workspace.session() as session:
        return tuple(
            session.exec(select(func.count()).select_from(table)).one()
            for table in (Evidence, Population, Sample, SampleItem, SampleItemEvidence, ControlException)
        )


# --- populations ---------------------------------------------------------------------------------------


def test_a_population_is_stored_as_evidence_counted_and_sets_the_population_size(
    workspace: Workspace, tmp_path: Path
) -> None:
    engagement_id, control_id = engagement_with_control(workspace)
    path = write_population_csv(tmp_path / "changes.csv", 120, START, END)
    row = add_population(workspace, engagement_id=engagement_id, control_id=control_id, path=path)
    assert (row.control_ref, row.item_count, row.file_name) == ("CM-01", 120, "changes.csv")
    assert row.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert (row.first_date, row.last_date) == (START, END)
    assert get_control(workspace, control_id).population_size == 120
    (evidence,) = list_evidence(workspace, engagement_id=engagement_id)
    assert (evidence.id, evidence.controls, evidence.sha256) == (row.evidence_id, ["CM-01"], row.sha256)
    assert evidence.notes == "Population: 120 occurrences, read from row 3"
    assert list_populations(workspace, engagement_id=engagement_id) == [row]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x00\x01\x02binary" * 40, "is not a text file"),
        (b"Ticket,Created\nA-1,03/04/2026\nA-2,05/06/2026\n", "03/04/2026 can be read either way"),
    ],
)
def test_a_population_that_cannot_be_read_stores_nothing(
    workspace: Workspace, tmp_path: Path, content: bytes, message: str
) -> None:
    engagement_id, control_id = engagement_with_control(workspace)
    path = tmp_path / "population.csv"
    path.write_bytes(content)
    with pytest.raises(InvalidInputError, match=message):
        add_population(workspace, engagement_id=engagement_id, control_id=control_id, path=path)
    assert table_counts(workspace) == (0, 0, 0, 0, 0, 0)
    assert not [p for p in (workspace.evidence_dir).rglob("*") if p.is_file()]
    assert get_control(workspace, control_id).population_size is None


def test_ambiguous_population_dates_are_read_in_the_order_chosen(
    workspace: Workspace, tmp_path: Path
) -> None:
    engagement_id, control_id = engagement_with_control(workspace)
    rows = [["Ticket", "Created"], ["A-1", "03/04/2026"], ["A-2", "05/06/2026"]]
    path = write_csv_list(tmp_path / "p.csv", rows, delimiter=",", bom=False)
    row = add_population(
        workspace, engagement_id=engagement_id, control_id=control_id, path=path, day_first=True
    )
    assert (row.first_date, row.last_date) == (date(2026, 4, 3), date(2026, 6, 5))


# --- drawing samples -----------------------------------------------------------------------------------


def test_a_drawn_sample_is_the_same_every_time_and_anywhere(workspace: Workspace, tmp_path: Path) -> None:
    engagement_id, control_id = engagement_with_control(workspace)
    path = write_population_csv(tmp_path / "changes.csv", 120, START, END)
    add_population(workspace, engagement_id=engagement_id, control_id=control_id, path=path)
    first = draw_control_sample(workspace, engagement_id=engagement_id, control_id=control_id)
    again = draw_control_sample(workspace, engagement_id=engagement_id, control_id=control_id)
    assert first.created and not again.created and again.sample == first.sample
    sample = first.sample
    population_sha = hashlib.sha256(path.read_bytes()).hexdigest()
    assert sample.seed == hashlib.sha256(f"Acme\nCM-01\n{population_sha}".encode()).hexdigest()
    assert len(sample.items) == 25  # a per-event control with 53 or more occurrences
    assert sample.method.startswith(f"Seed {sample.seed}") and "25 of 120 items drawn" in sample.method

    elsewhere = open_workspace(tmp_path / "elsewhere")
    try:
        other_engagement, other_control = engagement_with_control(elsewhere)
        add_population(elsewhere, engagement_id=other_engagement, control_id=other_control, path=path)
        there = draw_control_sample(elsewhere, engagement_id=other_engagement, control_id=other_control)
    finally:
        elsewhere.close()
    assert there.sample.as_dict() == sample.as_dict()


def test_a_drawn_sample_is_spread_over_the_period(workspace: Workspace, tmp_path: Path) -> None:
    engagement_id, control_id = engagement_with_control(workspace)
    path = write_population_csv(tmp_path / "changes.csv", 181, START, END)  # one change a day
    add_population(workspace, engagement_id=engagement_id, control_id=control_id, path=path)
    sample = draw_control_sample(workspace, engagement_id=engagement_id, control_id=control_id, size=6).sample
    days = (END - START).days + 1
    stretches = sorted((item.when - START).days * 6 // days for item in sample.items if item.when)
    assert stretches == [0, 1, 2, 3, 4, 5]
    assert [item.number for item in sample.items] == ["1", "2", "3", "4", "5", "6"]
    assert all(item.position is not None and item.item.startswith("CHG-") for item in sample.items)
    bigger = draw_control_sample(workspace, engagement_id=engagement_id, control_id=control_id, size=12)
    assert bigger.created and len(bigger.sample.items) == 12


def test_drawing_needs_a_population(workspace: Workspace, tmp_path: Path) -> None:
    engagement_id, control_id = engagement_with_control(workspace)
    with pytest.raises(InvalidInputError, match="add a population for CM-01 first"):
        draw_control_sample(workspace, engagement_id=engagement_id, control_id=control_id)
    empty = write_csv_list(tmp_path / "empty.csv", [["Ticket", "Created"]], delimiter=",", bom=False)
    add_population(workspace, engagement_id=engagement_id, control_id=control_id, path=empty)
    assert get_control(workspace, control_id).population_size == 0
    with pytest.raises(InvalidInputError, match="the population of CM-01 is empty"):
        draw_control_sample(workspace, engagement_id=engagement_id, control_id=control_id)


# --- the auditor's selections, evidence per item, exceptions -------------------------------------------


def imported_list(workspace: Workspace, engagement_id: int, tmp_path: Path) -> None:
    path = write_auditor_workbook(tmp_path / "pbc.xlsx")
    import_request_list(workspace, preview_request_list(workspace, engagement_id=engagement_id, path=path))


def test_entered_selections_join_the_requests_sample(workspace: Workspace, tmp_path: Path) -> None:
    engagement_id, _ = engagement_with_control(workspace)
    imported_list(workspace, engagement_id, tmp_path)
    request = find_request(workspace, engagement_id=engagement_id, request_ref="PBC-002")
    (added,) = add_sample_items(
        workspace,
        engagement_id=engagement_id,
        request_id=request.id,
        items=[("3", "CHG-1300", date(2026, 5, 9))],
    )
    with pytest.raises(ConflictError, match="PBC-002 already has a sample 3"):
        add_sample_items(
            workspace, engagement_id=engagement_id, request_id=request.id, items=[(" 3 ", "x", None)]
        )
    (sample,) = list_samples(workspace, engagement_id=engagement_id, request_id=request.id)
    assert [(i.number, i.item, i.row) for i in sample.items] == [
        ("1", "CHG-1041", 3),
        ("2", "CHG-1187", 4),
        ("3", "CHG-1300", None),
    ]
    snapshot = delete_sample_items(workspace, [added.id])
    assert len(list_samples(workspace, engagement_id=engagement_id, request_id=request.id)[0].items) == 2
    (back,) = restore_sample_items(workspace, snapshot)
    assert (back.id, back.number, back.item) == (added.id, "3", "CHG-1300")


def test_evidence_and_exceptions_per_sampled_item(workspace: Workspace, tmp_path: Path) -> None:
    engagement_id, control_id = engagement_with_control(workspace)
    imported_list(workspace, engagement_id, tmp_path)
    request = find_request(workspace, engagement_id=engagement_id, request_ref="PBC-002")
    link_request_controls(workspace, request.id, [control_id])
    item = find_sample_item(workspace, engagement_id=engagement_id, request_id=request.id, number="1")
    approval = tmp_path / "CHG-1041 approval.pdf"
    approval.write_bytes(b"%PDF-1.4 approval")
    (evidence,) = attach_to_sample_item(
        workspace, engagement_id=engagement_id, item_id=item.id, files=[approval]
    )
    assert get_evidence(workspace, evidence.id).controls == ["CM-01"]
    (sample,) = list_samples(workspace, engagement_id=engagement_id, request_id=request.id)
    assert sample.items[0].evidence == ("CHG-1041 approval.pdf",)

    on_item = add_exception(
        workspace,
        engagement_id=engagement_id,
        sample_item_id=item.id,
        description="Deployed before approval",
        occurred_on="2026-02-03",
        root_cause="Hotfix at night",
    )
    assert (on_item.control_ref, on_item.request_ref, on_item.sample_item) == (
        "CM-01",
        "PBC-002",
        "PBC-002 sample 1 (CHG-1041)",
    )
    on_control = add_exception(
        workspace, engagement_id=engagement_id, control_id=control_id, description="No review in March"
    )
    with pytest.raises(InvalidInputError, match="needs a description"):
        add_exception(workspace, engagement_id=engagement_id, control_id=control_id, description=" ")
    with pytest.raises(InvalidInputError, match="against a control or a sampled item"):
        add_exception(workspace, engagement_id=engagement_id, description="x")
    updated = update_exception(workspace, on_control.id, management_response="Reviews are now calendared")
    assert updated.management_response == "Reviews are now calendared"
    assert [
        row.id for row in list_exceptions(workspace, engagement_id=engagement_id, control_id=control_id)
    ] == [
        on_item.id,
        on_control.id,
    ]
    gaps = [
        gap
        for gap in engagement_readiness(workspace, engagement_id=engagement_id).gaps
        if gap.kind == "exception"
    ]
    assert [(gap.control_ref, gap.category, gap.message) for gap in gaps] == [
        (
            "CM-01",
            "Security",
            "Exception against CM-01 · PBC-002 sample 1 (CHG-1041) on 2026-02-03: Deployed before approval",
        ),
        ("CM-01", "Security", "Exception against CM-01: No review in March"),
    ]
    snapshot = delete_exceptions(workspace, [on_control.id])
    assert len(list_exceptions(workspace, engagement_id=engagement_id)) == 1
    assert [row.id for row in restore_exceptions(workspace, snapshot)] == [on_control.id]


def test_undoing_a_control_deletion_brings_back_its_population_samples_and_exceptions(
    workspace: Workspace, tmp_path: Path
) -> None:
    engagement_id, control_id = engagement_with_control(workspace)
    path = write_population_csv(tmp_path / "changes.csv", 40, START, END)
    add_population(workspace, engagement_id=engagement_id, control_id=control_id, path=path)
    sample = draw_control_sample(workspace, engagement_id=engagement_id, control_id=control_id, size=3).sample
    ticket = tmp_path / "ticket.txt"
    ticket.write_text("approved")
    attach_to_sample_item(workspace, engagement_id=engagement_id, item_id=sample.items[0].id, files=[ticket])
    add_exception(
        workspace, engagement_id=engagement_id, sample_item_id=sample.items[1].id, description="Late"
    )
    before = table_counts(workspace)
    assert before == (2, 1, 1, 3, 1, 1)

    snapshot = delete_controls(workspace, [control_id])
    assert table_counts(workspace) == (2, 0, 0, 0, 0, 0)
    restore_controls(workspace, snapshot)

    assert table_counts(workspace) == before
    (back,) = list_samples(workspace, engagement_id=engagement_id)
    assert (back.id, back.seed, [i.item for i in back.items]) == (
        sample.id,
        sample.seed,
        [i.item for i in sample.items],
    )
    assert [item.evidence for item in back.items] == [("ticket.txt",), (), ()]
    assert [e.sample_item for e in list_exceptions(workspace, engagement_id=engagement_id)] == [
        f"CM-01 sample 2 ({sample.items[1].item})"
    ]
    snapshot = delete_samples(workspace, [back.id])
    assert table_counts(workspace)[2:] == (0, 0, 0, 0)
    (again,) = restore_samples(workspace, snapshot)
    assert again.source is SampleSource.DRAWN and len(again.items) == 3 and table_counts(workspace) == before
