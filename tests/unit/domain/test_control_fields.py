"""The control fields added for sampling: population size, start date and key reports."""

from datetime import date

import pytest

from app.domain.controls import (
    CONTROL_FIELDS,
    FIELDS_BY_NAME,
    ControlRow,
    coerce_value,
    display_value,
)
from app.domain.workbook_layout import matrix_value, parse_matrix_value


def test_operation_fields_are_fields_of_the_matrix() -> None:
    names = [spec.name for spec in CONTROL_FIELDS]
    assert names.index("start_date") == names.index("frequency") + 1
    assert names.index("population_size") == names.index("population_source") + 1
    assert [
        (FIELDS_BY_NAME[name].kind, FIELDS_BY_NAME[name].label)
        for name in names[-0:]
        if name
        in (
            "start_date",
            "population_size",
            "key_reports",
        )
    ] == [("date", "Operating since"), ("int", "Population size"), ("long", "Key reports relied on")]


@pytest.mark.parametrize(
    ("given", "value"),
    [("120", 120), (" 1,200 ", 1200), (0, 0), (25.0, 25), ("", None), (None, None), ("  ", None)],
)
def test_population_size_is_a_whole_number_or_unknown(given: object, value: int | None) -> None:
    assert coerce_value("population_size", given) == value


@pytest.mark.parametrize("given", ["twelve", "-1", -3, 2.5, True, "10000001"])
def test_a_bad_population_size_is_refused_naming_the_field(given: object) -> None:
    with pytest.raises(ValueError, match="Population size"):
        coerce_value("population_size", given)


def test_start_date_and_key_reports_read_like_other_fields() -> None:
    assert coerce_value("start_date", "2026-02-01") == date(2026, 2, 1)
    assert (
        coerce_value("key_reports", "  Okta user list; Jira change report  ")
        == "Okta user list; Jira change report"
    )
    assert display_value("population_size", 1200) == "1200"
    assert display_value("population_size", None) == ""


def test_workbook_cells_carry_numbers_and_read_them_back() -> None:
    assert matrix_value("population_size", 48) == 48
    assert matrix_value("population_size", None) is None
    assert parse_matrix_value("population_size", 48.0) == 48
    assert parse_matrix_value("population_size", "48") == 48
    assert parse_matrix_value("start_date", date(2026, 3, 1)) == date(2026, 3, 1)


def test_a_control_is_implemented_when_implemented_or_ready_for_audit() -> None:
    def status(value: str) -> bool:
        return ControlRow(id=1, engagement_id=1, ref="X", title="X", status=value).implemented

    assert [
        status(s) for s in ("not-started", "in-progress", "implemented", "ready-for-audit", "exception")
    ] == [
        False,
        False,
        True,
        True,
        False,
    ]
