"""The kept original of an auditor's spreadsheet: cell values as JSON and back."""

import json
from datetime import date, datetime, time, timedelta

import pytest

from app.domain.original_workbook import (
    ErrorValue,
    OriginalSheet,
    decode_value,
    encode_value,
    iter_cells,
    sheet_values,
)


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        ("=SUM(A1)", "=SUM(A1)"),
        (42, 42),
        (12.5, 12.5),
        (True, True),
        (None, None),
        (datetime(2026, 7, 16, 9, 30), {"datetime": "2026-07-16T09:30:00"}),
        (date(2026, 7, 16), {"date": "2026-07-16"}),
        (time(9, 30), {"time": "09:30:00"}),
        (timedelta(hours=36), {"duration": 129600.0}),
        (ErrorValue("#N/A"), {"error": "#N/A"}),
    ],
)
def test_values_go_to_json_and_come_back_with_their_type(value: object, stored: object) -> None:
    assert encode_value(value) == stored
    back = decode_value(json.loads(json.dumps(stored)))
    assert back == value and type(back) is type(value)


def test_text_reading_like_an_error_stays_text() -> None:
    assert encode_value("#N/A") == "#N/A"
    assert not isinstance(decode_value("#N/A"), ErrorValue)


def test_what_a_cell_cannot_hold_is_refused() -> None:
    with pytest.raises(TypeError, match="a cell cannot hold bytes"):
        encode_value(b"x")
    with pytest.raises(ValueError, match="unknown stored cell value"):
        decode_value({"formula": "=1"})


def test_cells_carry_their_format_and_style_only_when_they_have_one() -> None:
    sheet = OriginalSheet(
        name="S",
        state="visible",
        role=None,
        header_row=None,
        max_row=2,
        max_column=2,
        merged=[],
        columns={},
        rows={},
        freeze=None,
        cells=[[1, 1, "a"], [1, 2, {"date": "2026-07-16"}, "mm/dd/yyyy"], [2, 1, None, "General", 3]],
    )
    assert list(iter_cells(sheet)) == [
        (1, 1, "a", "General", 0),
        (1, 2, date(2026, 7, 16), "mm/dd/yyyy", 0),
        (2, 1, None, "General", 3),
    ]
    assert sheet_values(sheet) == {(1, 1): "a", (1, 2): date(2026, 7, 16)}
