"""Request-list rules: statuses, columns, criteria references, dates, re-import merges, self-test samples."""

import hashlib
import subprocess
from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.catalog import load_catalog
from app.domain.requests import (
    REQUEST_HEADERS,
    SAMPLE_HEADERS,
    AuditorRequest,
    ColumnRole,
    DateOrder,
    PopulationItem,
    RequestRow,
    RequestStatus,
    SampleRole,
    WordingChange,
    check_mapping,
    decide_date_order,
    draw_sample,
    merge_request_list,
    parse_criteria_refs,
    parse_date,
    propose_mapping,
    sample_seed,
    split_references,
)
from app.domain.vocab import parse_choice

# --- statuses and columns ----------------------------------------------------------------------------


def test_statuses_are_the_six_of_a_request_list() -> None:
    assert [status.value for status in RequestStatus] == [
        "open",
        "in-progress",
        "provided",
        "accepted",
        "follow-up",
        "withdrawn",
    ]
    assert parse_choice(RequestStatus, "Follow up") is RequestStatus.FOLLOW_UP
    assert parse_choice(RequestStatus, "IN PROGRESS") is RequestStatus.IN_PROGRESS


@pytest.mark.parametrize(
    "header", ["Request #", "Req. No.", "  Request\nNumber ", "PBC Item #", "Request ID (auditor)", "IRL No"]
)
def test_request_id_headers_written_many_ways(header: str) -> None:
    assert propose_mapping([header, "Request"], REQUEST_HEADERS) == {
        ColumnRole.REQUEST_ID: 1,
        ColumnRole.TEXT: 2,
    }


def test_usual_header_names_map_to_roles() -> None:
    headers = [
        "PBC #",
        "Information Requested",
        "TSC Ref",
        "Control ID",
        "Request Type",
        "Period Covered",
        "Client Owner",
        "Due Date",
        "Auditor Status",
        "Auditor Comments",
    ]
    assert propose_mapping(headers, REQUEST_HEADERS) == {
        ColumnRole.REQUEST_ID: 1,
        ColumnRole.TEXT: 2,
        ColumnRole.CRITERIA: 3,
        ColumnRole.CONTROL_REF: 4,
        ColumnRole.TYPE: 5,
        ColumnRole.PERIOD: 6,
        ColumnRole.OWNER: 7,
        ColumnRole.DUE: 8,
        ColumnRole.STATUS: 9,
        ColumnRole.COMMENTS: 10,
    }


def test_a_role_goes_to_the_first_column_naming_it_and_unknown_headers_stay_unmapped() -> None:
    mapping = propose_mapping(["Ref", "Workpaper", "Request", "Request ID", None, "Notes"], REQUEST_HEADERS)
    assert mapping == {ColumnRole.REQUEST_ID: 1, ColumnRole.TEXT: 3, ColumnRole.COMMENTS: 6}


def test_a_sparse_row_maps_by_column_number() -> None:
    assert propose_mapping({16_384: "Request", 2: "ID"}, REQUEST_HEADERS) == {
        ColumnRole.REQUEST_ID: 2,
        ColumnRole.TEXT: 16_384,
    }


def test_remembered_headers_win_over_the_usual_names() -> None:
    remembered = {"Ask": ColumnRole.TEXT, "Notes": ColumnRole.OWNER}
    mapping = propose_mapping(["#", "ASK", "notes"], REQUEST_HEADERS, remembered)
    assert mapping == {ColumnRole.REQUEST_ID: 1, ColumnRole.TEXT: 2, ColumnRole.OWNER: 3}


def test_sample_sheet_headers() -> None:
    mapping = propose_mapping(["Request ID", "Population", "Sample #", "Item", "Date"], SAMPLE_HEADERS)
    assert list(mapping) == list(SampleRole)
    assert list(mapping.values()) == [1, 2, 3, 4, 5]


def test_check_mapping_names_what_is_wrong() -> None:
    check_mapping({ColumnRole.REQUEST_ID: 1, ColumnRole.TEXT: 2}, [ColumnRole.REQUEST_ID], 2)
    with pytest.raises(ValueError, match="no column is chosen for: text"):
        check_mapping({ColumnRole.REQUEST_ID: 1}, [ColumnRole.REQUEST_ID, ColumnRole.TEXT], 3)
    with pytest.raises(ValueError, match="column 4 for text is outside the sheet's 3 columns"):
        check_mapping({ColumnRole.REQUEST_ID: 1, ColumnRole.TEXT: 4}, [], 3)
    with pytest.raises(ValueError, match="column 1 is chosen for both request-id and text"):
        check_mapping({ColumnRole.REQUEST_ID: 1, ColumnRole.TEXT: 1}, [], 3)


# --- criteria ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "known"),
    [
        ("CC6.1", ("CC6.1",)),
        ("CC6.1, CC6.3", ("CC6.1", "CC6.3")),
        ("CC3.1 CC3.2", ("CC3.1", "CC3.2")),
        ("CC1.4; CC6.2", ("CC1.4", "CC6.2")),
        ("cc6.1,cc6.1", ("CC6.1",)),
        ("CC 6.1 and CC7.2", ("CC6.1", "CC7.2")),
        ("CC6.1\nA1.2/PI1.3", ("CC6.1", "A1.2", "PI1.3")),
        ("CC6.1-CC6.3", ("CC6.1", "CC6.2", "CC6.3")),
        ("CC6.1 – 6.3", ("CC6.1", "CC6.2", "CC6.3")),
        ("(P4.1) [C1.2].", ("P4.1", "C1.2")),
        ("", ()),
        (None, ()),
    ],
)
def test_criteria_are_read_in_the_usual_forms(cell: object, known: tuple[str, ...]) -> None:
    assert parse_criteria_refs(cell) == (known, ())


def test_unknown_references_are_kept_as_written() -> None:
    assert parse_criteria_refs("CC6.1, PI1.6, PP1.1; CC9.9") == (("CC6.1",), ("PI1.6", "PP1.1", "CC9.9"))
    assert parse_criteria_refs("See CC6.1 (SOC 1: CO-4)") == (("CC6.1",), ("See", "SOC", "1", "CO-4"))
    assert parse_criteria_refs("CC6.1-CC7.3") == ((), ("CC6.1-CC7.3",))


def test_the_catalog_decides_what_is_known() -> None:
    assert parse_criteria_refs("CC6.1, XY1.1", known={"XY1.1"}) == (("XY1.1",), ("CC6.1",))


def test_control_references_are_split_on_commas_semicolons_and_lines() -> None:
    assert split_references("AC-01, AC-02;CM 01\n AC-01 ") == ("AC-01", "AC-02", "CM 01")
    assert split_references(None) == ()


# --- dates ----------------------------------------------------------------------------------------------


def test_a_first_number_above_12_settles_day_first() -> None:
    choice = decide_date_order(["03/04/2026", "16/07/2026", None, datetime(2026, 1, 2), 46219])
    assert (choice.order, choice.ambiguous) == (DateOrder.DAY_FIRST, False)
    assert choice.reason == "a date whose first number is above 12 shows they are day-first"


def test_a_second_number_above_12_settles_month_first() -> None:
    choice = decide_date_order(["03/04/2026", "07/16/2026"])
    assert (choice.order, choice.ambiguous) == (DateOrder.MONTH_FIRST, False)


def test_dates_that_read_both_ways_ask_the_user() -> None:
    choice = decide_date_order(["05/05/2026", " 03/04/2026 ", "2026-07-16"])
    assert (choice.order, choice.ambiguous) == (None, True)
    assert choice.reason == "dates such as 03/04/2026 can be read either way: choose day-first or month-first"


def test_mixed_orders_ask_the_user() -> None:
    choice = decide_date_order(["16/07/2026", "07/16/2026"])
    assert (choice.order, choice.ambiguous) == (None, True)
    assert "mix day-first ('16/07/2026') and month-first ('07/16/2026')" in choice.reason


def test_dates_that_need_no_order_decide_nothing() -> None:
    choice = decide_date_order(["2026-07-16", "05/05/2026", "03.04.2026", datetime(2026, 7, 16), "n/a"])
    assert (choice.order, choice.ambiguous) == (None, False)


@pytest.mark.parametrize(
    ("value", "order", "expected"),
    [
        (datetime(2026, 7, 16, 9, 30), None, date(2026, 7, 16)),
        (date(2026, 7, 16), None, date(2026, 7, 16)),
        (46219, None, date(2026, 7, 16)),
        (46219.75, None, date(2026, 7, 16)),
        ("2026-07-16", None, date(2026, 7, 16)),
        ("2026-07-16 00:00:00", None, date(2026, 7, 16)),
        ("07/16/2026", None, date(2026, 7, 16)),
        ("16.07.2026", None, date(2026, 7, 16)),
        ("16-07-26", None, date(2026, 7, 16)),
        ("03/04/2026", DateOrder.DAY_FIRST, date(2026, 4, 3)),
        ("03/04/2026", DateOrder.MONTH_FIRST, date(2026, 3, 4)),
        ("05/05/2026", None, date(2026, 5, 5)),
        ("16 Jul 2026", None, date(2026, 7, 16)),
        ("16-Jul-26", None, date(2026, 7, 16)),
        ("July 16, 2026", None, date(2026, 7, 16)),
        ("Sept 1 2026", None, date(2026, 9, 1)),
        ("7/16/26 9:00", None, date(2026, 7, 16)),
        ("07/16/2026", DateOrder.DAY_FIRST, date(2026, 7, 16)),
        ("   ", None, None),
        (None, None, None),
    ],
)
def test_parse_date(value: object, order: DateOrder | None, expected: date | None) -> None:
    assert parse_date(value, order) == expected


@pytest.mark.parametrize(
    ("value", "order", "message"),
    [
        (
            "03/04/2026",
            None,
            "could be 3 Apr or 4 Mar; say whether the file's dates are day-first or month-first",
        ),
        ("31/02/2026", None, "is not a real date"),
        ("next week", None, "is not a date"),
        ("16 Juli 2026", None, "is not a date"),
        ("46219", None, "is not a date"),
        (12, None, "12 is a number, not a date"),
        (3_000_000, None, "3e\\+06 is a number, not a date"),
        (True, None, "is not a date"),
    ],
)
def test_what_is_not_a_date_says_why(value: object, order: DateOrder | None, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_date(value, order)


# --- re-import ------------------------------------------------------------------------------------------


def _request(request_id: str, text: str = "", **changes: object) -> AuditorRequest:
    return replace(AuditorRequest(request_id, text or f"Provide {request_id}"), **changes)  # type: ignore[arg-type]


def test_reimport_adds_reports_changes_keeps_our_work_and_withdraws() -> None:
    ours = RequestRow(
        _request("PBC-1", criteria=("CC6.1",), due=date(2026, 7, 1), row=5),
        status=RequestStatus.PROVIDED,
        owner="Alice",
        notes="sent on Monday",
        due=date(2026, 6, 28),
        controls=("AC-1",),
        evidence=("users.csv",),
    )
    untouched = RequestRow(_request("PBC-2", row=6), status=RequestStatus.IN_PROGRESS, owner="Bob")
    dropped = RequestRow(_request("PBC-3", row=7), status=RequestStatus.OPEN, owner="Carol")
    incoming = [
        _request("PBC-4", "A new request", row=5),
        _request("pbc-1", "Provide the user list and its query", criteria=("CC6.1", "CC6.2"), row=6),
        _request("PBC-2", row=9, extras=(("Workpaper", "WP-2"),)),
    ]
    incoming[1] = replace(incoming[1], due=date(2026, 7, 8))
    merge = merge_request_list([ours, untouched, dropped], incoming)

    assert [row.request.request_id for row in merge.added] == ["PBC-4"]
    assert merge.added[0].status is RequestStatus.OPEN
    assert [row.request.request_id for row in merge.merged] == ["PBC-4", "pbc-1", "PBC-2", "PBC-3"]
    first = merge.merged[1]
    assert (first.status, first.owner, first.notes, first.due) == (
        RequestStatus.PROVIDED,
        "Alice",
        "sent on Monday",
        date(2026, 6, 28),
    )
    assert (first.controls, first.evidence, first.request.row) == (("AC-1",), ("users.csv",), 6)
    assert first.effective_due == date(2026, 6, 28)
    (changed, workpaper) = merge.changed
    assert changed.before == ours and changed.after == first
    assert changed.changes == (
        WordingChange("request text", "Provide PBC-1", "Provide the user list and its query"),
        WordingChange("criteria", "CC6.1", "CC6.1, CC6.2"),
        WordingChange("due date", "2026-07-01", "2026-07-08"),
    )
    assert workpaper.changes == (WordingChange("Workpaper", "", "WP-2"),)
    assert merge.merged[2].status is RequestStatus.IN_PROGRESS and merge.merged[2].request.row == 9
    (withdrawn,) = merge.withdrawn
    assert withdrawn == merge.merged[3]
    assert (withdrawn.status, withdrawn.owner, withdrawn.listed) == (RequestStatus.WITHDRAWN, "Carol", False)
    assert merge.reinstated == ()


def test_a_withdrawn_request_back_in_the_list_is_open_again_and_stays_withdrawn_while_absent() -> None:
    gone = RequestRow(_request("PBC-3"), status=RequestStatus.WITHDRAWN, owner="Carol", listed=False)
    still_gone = RequestRow(_request("PBC-9"), status=RequestStatus.WITHDRAWN, listed=False)
    merge = merge_request_list([gone, still_gone], [_request("PBC-3")])
    (back,) = merge.reinstated
    assert (back.status, back.owner, back.listed) == (RequestStatus.OPEN, "Carol", True)
    assert merge.withdrawn == () and merge.changed == ()
    assert merge.merged == (back, still_gone)


def test_a_request_we_withdrew_while_listed_stays_withdrawn() -> None:
    ours = RequestRow(_request("PBC-1"), status=RequestStatus.WITHDRAWN)
    assert merge_request_list([ours], [_request("PBC-1")]).merged == (ours,)


def test_an_unchanged_list_changes_nothing() -> None:
    rows = [RequestRow(_request(f"PBC-{n}", row=n + 4), owner="Alice") for n in range(1, 4)]
    merge = merge_request_list(rows, [row.request for row in rows])
    assert merge.merged == tuple(rows)
    assert (merge.added, merge.changed, merge.withdrawn, merge.reinstated) == ((), (), (), ())


def test_a_list_repeating_a_request_id_is_refused() -> None:
    with pytest.raises(ValueError, match="'PBC-1 ' appears twice"):
        merge_request_list([], [_request("PBC-1"), _request("PBC-1 ")])


# --- self-test samples -------------------------------------------------------------------------------------

PERIOD = (date(2026, 1, 1), date(2026, 12, 31))
HASH = "AB" * 32


def _daily(days: int, start: date = PERIOD[0]) -> list[PopulationItem]:
    return [PopulationItem(n + 1, f"CHG-{n + 1}", start + timedelta(days=n)) for n in range(days)]


def _draw(items: list[PopulationItem], size: int, **changes: object) -> tuple[PopulationItem, ...]:
    arguments: dict[str, object] = {
        "engagement": "FY26 SOC 2",
        "control_ref": "CM-1",
        "population_sha256": HASH,
    }
    arguments.update(changes)
    return draw_sample(items, size, period=PERIOD, **arguments).items  # type: ignore[arg-type]


def test_the_seed_is_sha256_of_engagement_control_and_population_hash() -> None:
    expected = hashlib.sha256(f"FY26 SOC 2\nCM-1\n{HASH.lower()}".encode()).hexdigest()
    assert sample_seed("FY26 SOC 2", "CM-1", HASH) == expected
    shell = subprocess.run(
        ["sh", "-c", f"printf '%s\\n%s\\n%s' 'FY26 SOC 2' CM-1 {HASH.lower()} | sha256sum"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert shell.stdout.split()[0] == expected


def test_the_same_inputs_draw_the_same_sample_and_other_inputs_another() -> None:
    items = _daily(365)
    first = draw_sample(
        items, 25, engagement="FY26", control_ref="CM-1", population_sha256=HASH, period=PERIOD
    )
    again = draw_sample(
        list(items), 25, engagement="FY26", control_ref="CM-1", population_sha256=HASH, period=PERIOD
    )
    assert first == again
    assert len(set(first.items)) == 25
    assert _draw(items, 25, engagement="FY26") == first.items
    assert _draw(items, 25, engagement="FY27") != first.items
    assert _draw(items, 25, engagement="FY26", control_ref="CM-2") != first.items
    assert _draw(items, 25, engagement="FY26", population_sha256="cd" * 32) != first.items
    assert first.seed in first.method
    assert "25 stretches of equal length over 1 Jan–31 Dec 2026" in first.method
    assert "an item d days after 2026-01-01 is in stretch ⌊d × 25 ÷ 365⌋ + 1" in first.method


def test_a_sample_is_spread_evenly_over_the_period() -> None:
    items = _daily(365)
    chosen = _draw(items, 12)
    # twelve stretches of 30 or 31 days: one item from each, in date order
    stretches = [(item.when - PERIOD[0]).days * 12 // 365 for item in chosen if item.when]
    assert stretches == list(range(12))
    quarters = _draw(items, 4)
    assert [(item.when.month - 1) // 3 for item in quarters if item.when] == [0, 1, 2, 3]


def test_the_pick_in_each_stretch_is_the_documented_hash() -> None:
    """An auditor re-running the draw from the method text gets the same items."""
    items = _daily(365)
    draw = draw_sample(items, 5, engagement="FY26", control_ref="CM-1", population_sha256=HASH, period=PERIOD)
    for stretch, item in enumerate(draw.items, 1):
        members = [i for i in items if i.when and (i.when - PERIOD[0]).days * 5 // 365 == stretch - 1]
        digest = hashlib.sha256(f"{draw.seed}:date:{stretch}:1".encode()).hexdigest()
        assert item == members[int(digest, 16) % len(members)]


def test_stretches_without_items_pass_their_pick_on() -> None:
    # all changes happen in January and in December: the stretches in between are empty
    items = _daily(31) + _daily(31, date(2026, 12, 1))
    for item_number, item in enumerate(items, 1):
        items[item_number - 1] = replace(item, position=item_number)
    chosen = _draw(items, 6)
    assert len(set(chosen)) == 6
    assert {item.when.month for item in chosen if item.when} == {1, 12}


def test_undated_items_are_spread_over_their_order_in_the_file() -> None:
    items = [PopulationItem(n, f"user-{n}") for n in range(1, 101)]
    chosen = _draw(items, 5)
    assert [(item.position - 1) // 20 for item in chosen] == [0, 1, 2, 3, 4]


def test_dated_and_undated_items_share_the_sample_by_their_number() -> None:
    items = _daily(80) + [PopulationItem(100 + n, f"manual-{n}") for n in range(20)]
    chosen = _draw(items, 10)
    assert sum(1 for item in chosen if item.when is None) == 2
    assert len(set(chosen)) == 10


def test_a_small_population_is_taken_whole() -> None:
    items = _daily(3)
    draw = draw_sample(items, 5, engagement="FY26", control_ref="CM-1", population_sha256=HASH)
    assert draw.items == tuple(items)
    assert "every item is selected" in draw.method
    with pytest.raises(ValueError, match="at least one item"):
        draw_sample(items, 0, engagement="FY26", control_ref="CM-1", population_sha256=HASH)


# --- any text at all -----------------------------------------------------------------------------------


@given(st.text())
def test_any_criteria_cell_gives_known_ids_and_the_rest_as_written(cell: str) -> None:
    ids = load_catalog().ids
    known, unknown = parse_criteria_refs(cell)
    assert set(known) <= ids and len(set(known)) == len(known)
    assert all(token.strip() and token.upper() not in ids for token in unknown)


@given(
    st.one_of(st.text(), st.integers(), st.floats(allow_nan=False), st.none()),
    st.sampled_from([None, *DateOrder]),
)
def test_any_cell_is_a_date_nothing_or_a_plain_refusal(value: object, order: DateOrder | None) -> None:
    try:
        parsed = parse_date(value, order)
    except ValueError as error:
        assert "\n" not in str(error)
    else:
        assert parsed is None or isinstance(parsed, date)


@given(st.lists(st.text(alphabet="0123456789/.- ", max_size=12)))
def test_any_column_of_dates_gets_a_decision(values: list[str]) -> None:
    choice = decide_date_order(values)
    assert choice.order is None or not choice.ambiguous
    assert choice.reason
