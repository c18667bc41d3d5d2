"""Reading tables people made: headers among title rows, and dates in every usual form."""

from datetime import date, datetime

import pytest

from app.domain.tabular import (
    Column,
    RowError,
    column_letter,
    find_header,
    header_key,
    infer_day_first,
    parse_date_cell,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (date(2026, 7, 16), date(2026, 7, 16)),
        (datetime(2026, 7, 16, 9, 30), date(2026, 7, 16)),
        (44197, date(2021, 1, 1)),
        (45292.0, date(2024, 1, 1)),
        (45351.75, date(2024, 2, 29)),
        ("2026-07-16", date(2026, 7, 16)),
        ("2026-07-16 00:00:00", date(2026, 7, 16)),
        ("2026/7/6", date(2026, 7, 6)),
        ("16.07.2026", date(2026, 7, 16)),
        ("03.04.2026", date(2026, 4, 3)),
        ("16/07/2026", date(2026, 7, 16)),
        ("07/16/2026", date(2026, 7, 16)),
        ("16/07/26", date(2026, 7, 16)),
        ("16 Jul 2026", date(2026, 7, 16)),
        ("16-Jul-26", date(2026, 7, 16)),
        ("16 July 2026", date(2026, 7, 16)),
        ("July 16, 2026", date(2026, 7, 16)),
        ("Sept 1st, 2026", date(2026, 9, 1)),
        ("05/05/2026", date(2026, 5, 5)),
        ("", None),
        ("   ", None),
        (None, None),
    ],
)
def test_dates_in_every_usual_form(value: object, expected: date | None) -> None:
    assert parse_date_cell(value, day_first=None) == expected


def test_an_ambiguous_slash_date_follows_the_order_given_or_asks() -> None:
    assert parse_date_cell("03/04/2026", day_first=True) == date(2026, 4, 3)
    assert parse_date_cell("03/04/2026", day_first=False) == date(2026, 3, 4)
    with pytest.raises(
        ValueError, match="could be 3 Apr or 4 Mar; say whether the file's dates are day-first"
    ):
        parse_date_cell("03/04/2026", day_first=None)


@pytest.mark.parametrize("value", ["31/02/2026", "2026-13-01", "soon", "12", True, -3, 3_000_000])
def test_non_dates_are_refused_plainly(value: object) -> None:
    with pytest.raises(ValueError, match="not a (real )?date"):
        parse_date_cell(value, day_first=True)


def test_day_order_is_inferred_from_the_values() -> None:
    assert infer_day_first(["03/04/2026", "16/07/2026", None, date(2026, 1, 1)]) is True
    assert infer_day_first(["03/04/2026", "07/16/2026"]) is False
    assert infer_day_first(["03/04/2026", "16.07.2026", 45000]) is None
    with pytest.raises(ValueError, match="mix day-first .* and month-first"):
        infer_day_first(["16/07/2026", "07/16/2026"])


def test_header_keys_and_column_letters() -> None:
    assert header_key("  E-mail Address (work):") == "e mail address"
    assert header_key(None) == ""
    assert header_key("Employee #") == "employee number"
    assert [column_letter(i) for i in (0, 25, 26, 701, 702)] == ["A", "Z", "AA", "ZZ", "AAA"]
    assert str(RowError(7, "C", "no name")) == "row 7, column C: no name"
    assert str(RowError(3, "", "bad")) == "row 3: bad"


def test_the_header_is_found_below_title_rows_and_repeated_columns_are_ignored() -> None:
    columns = (Column("email", ("e mail",)), Column("name", ("full name",)))
    rows = [
        ("Acme staff — exported 2026-05-01", None),
        (),
        ("Notes", "internal"),
        ("Employee", "E-Mail", "Email", "Full name", "Team"),
        ("Jane", "jane@acme.example"),
    ]
    header = find_header(rows, columns, lambda fields: {"email", "name"} <= fields)
    assert header is not None
    assert header.row == 4
    assert dict(header.columns) == {"email": 2, "name": 3}
    assert header.ignored == ("A “Employee”", "B “E-Mail”", "E “Team”")
    assert find_header(rows[:3], columns, lambda fields: "email" in fields) is None
