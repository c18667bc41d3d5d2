"""Fieldwork rules: population listings, controls a request names, requests due, our fields."""

from datetime import date, datetime

import pytest

from app.domain.changes import Changes, Kind, change_notice
from app.domain.controls import ControlRow
from app.domain.fieldwork import (
    REQUEST_FIELDS,
    coerce_field,
    field_named,
    population_items,
    population_items_json,
    read_population,
    request_due_state,
    suggest_controls,
)
from app.domain.requests import AuditorRequest, PopulationItem, RequestRow, RequestStatus
from tests.request_lists import population_rows


def test_a_population_export_with_a_title_row_is_read_with_its_dates() -> None:
    table = read_population(population_rows(5, date(2026, 1, 1), date(2026, 1, 5)))
    assert (table.header_row, table.label_column, table.date_column, table.undated) == (
        2,
        "Ticket",
        "Created",
        0,
    )
    assert table.items == tuple(
        PopulationItem(number, f"CHG-{999 + number}", date(2026, 1, number)) for number in range(1, 6)
    )


def test_population_layouts() -> None:
    workbook_rows = [
        ("Leavers Jan-Jun", None, None),
        ("Name", "Department", "Termination date"),
        ("Ana", "Sales", datetime(2026, 2, 3)),
        (None, None, None),
        ("Bo", "Ops", datetime(2026, 5, 1)),
    ]
    table = read_population(workbook_rows)
    assert (table.header_row, table.label_column, table.date_column) == (2, "Name", "Termination date")
    assert [(i.position, i.label, i.when) for i in table.items] == [
        (1, "Ana", date(2026, 2, 3)),
        (2, "Bo", date(2026, 5, 1)),
    ]
    no_header = read_population([("CHG-1", datetime(2026, 1, 2)), ("CHG-2", datetime(2026, 1, 3))])
    assert (no_header.header_row, len(no_header.items), no_header.date_column) == (0, 2, "column 2")
    one_column = read_population([("Ticket",), ("CHG-1",), ("CHG-2",)])
    assert (one_column.header_row, [i.label for i in one_column.items]) == (1, ["CHG-1", "CHG-2"])
    empty = read_population([("Ticket", "Created")])
    assert (empty.header_row, empty.items) == (1, ())
    day_first = read_population([("Ticket", "Opened"), ("A", "16/07/2026"), ("B", "03/04/2026")])
    assert [i.when for i in day_first.items] == [date(2026, 7, 16), date(2026, 4, 3)]
    with pytest.raises(ValueError, match="03/04/2026 can be read either way"):
        read_population([("Ticket", "Opened"), ("A", "03/04/2026")])
    items = day_first.items
    assert population_items(population_items_json(items)) == items


def control(control_id: int, ref: str, criteria: list[str], *, key: bool = False) -> ControlRow:
    return ControlRow(
        id=control_id, engagement_id=1, ref=ref, title=ref.lower(), criteria=criteria, is_key=key
    )


def test_suggestions_name_referenced_controls_first_then_those_of_the_criteria() -> None:
    request = AuditorRequest(
        "PBC-9",
        "Access",
        criteria=("CC6.1", "CC6.2"),
        unknown_criteria=("see AC 1",),
        references=("ac-003", "HR-1 (onboarding)"),
    )
    controls = [
        control(1, "AC-01", ["CC6.1"]),
        control(2, "AC-03", ["CC6.1"]),
        control(3, "AC-05", ["CC6.2"]),
        control(4, "AC-06", ["CC6.1", "CC6.2"]),
        control(5, "AC-07", ["CC6.2"], key=True),
        control(6, "HR-01", ["CC1.4"]),
        control(7, "BK-01", ["A1.2"]),
    ]
    suggestions = suggest_controls(request, controls, linked=[3])
    assert [(s.ref, s.named) for s in suggestions] == [
        ("AC-01", True),
        ("AC-03", True),
        ("HR-01", True),
        ("AC-07", False),
        ("AC-06", False),
    ]
    assert [s.reason for s in suggestions[2:4]] == [
        "the request names HR-1",
        "maps to CC6.2, which the request names",
    ]


def test_requests_due_are_the_ones_still_waiting() -> None:
    today = date(2026, 7, 14)

    def row(theirs: date | None, status: RequestStatus = RequestStatus.OPEN, **ours: object) -> RequestRow:
        return RequestRow(AuditorRequest("R", "t", due=theirs), status=status, **ours)  # type: ignore[arg-type]

    assert request_due_state(row(date(2026, 7, 13)), today) == "overdue"
    assert request_due_state(row(date(2026, 7, 21)), today) == "due-soon"
    assert request_due_state(row(date(2026, 7, 22)), today) is None
    assert request_due_state(row(date(2026, 7, 1), RequestStatus.PROVIDED), today) is None
    assert request_due_state(row(date(2026, 7, 1), listed=False), today) is None
    assert request_due_state(row(date(2026, 7, 1), due=date(2026, 7, 20)), today) == "due-soon"
    assert request_due_state(row(None), today) is None


def test_our_fields_read_what_people_type() -> None:
    status = field_named(REQUEST_FIELDS, "status")
    assert coerce_field(status, "In progress") is RequestStatus.IN_PROGRESS
    assert coerce_field(field_named(REQUEST_FIELDS, "due"), " 2026-07-16 ") == date(2026, 7, 16)
    assert coerce_field(field_named(REQUEST_FIELDS, "owner"), "  Ana \n Lee ") == "Ana Lee"
    assert coerce_field(field_named(REQUEST_FIELDS, "notes"), " line one\nline two ") == "line one\nline two"
    with pytest.raises(ValueError, match="'closed' is not a request status"):
        coerce_field(status, "closed")
    with pytest.raises(ValueError, match="there is no field 'colour'"):
        field_named(REQUEST_FIELDS, "colour")


def test_other_peoples_fieldwork_changes_reach_the_pages_showing_them() -> None:
    assert change_notice("request", "status", 7, 1) == Changes.of(Kind.REQUESTS, [7])
    assert change_notice("exception", "created", 3, 1) == Changes.of(Kind.FIELDWORK, [1])
    assert change_notice("sample", "sample drawn", None, 1) == Changes.of(Kind.FIELDWORK, [1])
