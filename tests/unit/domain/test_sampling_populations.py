"""Population-based samples, periods counted from their start, and automated controls with or without
the IT general controls they rely on."""

from datetime import date

import pytest

from app.domain.controls import ControlRow
from app.domain.sampling import (
    DEFAULT_CONVENTIONS,
    NO_OCCURRENCE,
    POPULATION_BRACKETS,
    POPULATION_NEEDED,
    ItgcStatus,
    ReportScope,
    Slice,
    assess_control,
    conventions_with,
    coverage,
    expected_occurrences,
    itgc_status,
    population_sample,
    sample_advice,
    slices,
    suggested_sample,
)

D = date
FEB_TO_JUL = (D(2026, 2, 1), D(2026, 7, 31))


@pytest.mark.parametrize(
    ("population", "sample"),
    [(1, 1), (2, 2), (4, 2), (5, 2), (12, 2), (13, 5), (52, 5), (53, 25), (3, 2), (30, 5), (400, 25)],
)
def test_population_table_at_every_boundary(population: int, sample: int) -> None:
    assert population_sample(population) == sample
    assert (
        suggested_sample("per-event", "manual", "Type 2", *FEB_TO_JUL, population_size=population) == sample
    )


def test_brackets_cover_every_population_once() -> None:
    for population in range(1, 200):
        assert sum(bracket.holds(population) for bracket in POPULATION_BRACKETS) == 1
    assert [bracket.label for bracket in POPULATION_BRACKETS] == [
        "Population of 1",
        "Population of 2 to 4",
        "Population of 5 to 12",
        "Population of 13 to 52",
        "Population of 53 or more",
    ]
    assert all(
        DEFAULT_CONVENTIONS[bracket.key].occurrences_per_year is None for bracket in POPULATION_BRACKETS
    )


def test_population_samples_are_settings_like_the_frequency_table() -> None:
    mine = conventions_with({"population-13-52": 8, "population-5-12": 10, "population-53-plus": 40})
    assert population_sample(20, mine) == 8
    assert population_sample(6, mine) == 6  # never more than the population
    assert population_sample(60, mine) == 40
    assert population_sample(3, mine) == 2
    with pytest.raises(ValueError, match="whole number"):
        conventions_with({"population-1": 0})


def test_an_empty_population_has_nothing_to_sample_and_says_so() -> None:
    advice = sample_advice("per-event", "manual", "Type 2", *FEB_TO_JUL, population_size=0)
    assert advice.size == 0 and advice.notes == (NO_OCCURRENCE,)


@pytest.mark.parametrize("frequency", ["per-event", "multiple-daily"])
def test_unknown_population_keeps_the_default_and_asks_for_the_size(frequency: str) -> None:
    advice = sample_advice(frequency, "manual", "Type 2", *FEB_TO_JUL)
    assert advice.size == 25
    assert advice.notes == (POPULATION_NEEDED,)
    assert "Population size needed" in POPULATION_NEEDED


def test_a_known_population_overrides_the_calendar_and_a_type1_ignores_it() -> None:
    assert suggested_sample("monthly", "manual", "Type 2", *FEB_TO_JUL) == 2
    assert suggested_sample("monthly", "manual", "Type 2", *FEB_TO_JUL, population_size=60) == 25
    assert sample_advice("continuous", "manual", "Type 2", *FEB_TO_JUL).notes == ()
    assert suggested_sample("per-event", "manual", "Type 1", None, None, population_size=300) == 1
    assert suggested_sample(None, "manual", "Type 2", *FEB_TO_JUL, population_size=7) == 2


def test_quarterly_occurrences_of_an_off_calendar_period() -> None:
    assert slices("quarterly", *FEB_TO_JUL) == [
        Slice("Quarter 1", D(2026, 2, 1), D(2026, 4, 30)),
        Slice("Quarter 2", D(2026, 5, 1), D(2026, 7, 31)),
    ]
    assert expected_occurrences("quarterly", *FEB_TO_JUL) == 2
    assert expected_occurrences("monthly", *FEB_TO_JUL) == 6
    covered = coverage("quarterly", *FEB_TO_JUL, [D(2026, 4, 30), D(2026, 8, 1)])
    assert [(part.label, flag) for part, flag in covered] == [("Quarter 1", True), ("Quarter 2", False)]
    assert suggested_sample("quarterly", "manual", "Type 2", *FEB_TO_JUL) == 2


def row(number: int, ref: str, criteria: str, status: str, *, key: bool = True) -> ControlRow:
    return ControlRow(
        id=number, engagement_id=1, ref=ref, title=ref, criteria=criteria.split(), status=status, is_key=key
    )


READY_ITGCS = [
    row(1, "CHG-01", "CC8.1 CC5.1", "implemented"),
    row(2, "ACC-01", "CC6.2 CC6.3", "ready-for-audit"),
    row(3, "ACC-04", "CC6.1", "implemented"),
    row(4, "CHG-06", "CC8.1", "not-started", key=False),  # not key: does not count
]


def test_itgcs_are_ready_when_every_key_control_of_both_areas_is_implemented() -> None:
    assert itgc_status(READY_ITGCS) == ItgcStatus(True, ())


def test_itgcs_name_what_is_missing() -> None:
    rows = [*READY_ITGCS[1:], row(5, "ACC-03", "CC6.1 CC6.2", "in-progress")]
    assert itgc_status(rows) == ItgcStatus(
        False,
        ("change management (CC8.1) has no key control", "key control ACC-03 is not implemented"),
    )
    assert not itgc_status([]).ready


def automated(itgcs: ItgcStatus | None, frequency: str = "daily") -> tuple[int | None, tuple[str, ...]]:
    result = assess_control(
        control_id=9,
        ref="BCP-01",
        title="Automated backups",
        frequency=frequency,
        nature="automated",
        scope=ReportScope("Type 2", *FEB_TO_JUL, None),
        collected_dates=[],
        today=D(2026, 3, 1),
        itgcs=itgcs,
    )
    return result.suggested_sample, result.notes


def test_an_automated_control_is_a_test_of_one_only_with_ready_itgcs() -> None:
    assert automated(itgc_status(READY_ITGCS)) == (1, ())
    assert automated(None) == (1, ())  # not checked: the convention stands
    sample, notes = automated(itgc_status(READY_ITGCS[1:]))
    assert sample == 25  # sized as a manual daily control over six months
    assert len(notes) == 1 and notes[0].startswith("Sized as a manual control")
    assert notes[0].endswith("change management (CC8.1) has no key control.")
    not_ready = itgc_status([row(1, "CHG-01", "CC8.1", "in-progress"), READY_ITGCS[1]])
    sample, notes = automated(not_ready, "per-event")
    assert sample == 25
    assert notes[0].endswith("key control CHG-01 is not implemented.")
    assert notes[1] == POPULATION_NEEDED
    assert automated(not_ready, "monthly")[0] == 2


def test_sampling_output_carries_occurrences_population_sample_and_notes() -> None:
    result = assess_control(
        control_id=3,
        ref="CHG-01",
        title="Peer review",
        frequency="per-event",
        nature="it-dependent-manual",
        scope=ReportScope("Type 2", *FEB_TO_JUL, None),
        collected_dates=[D(2026, 2, 10)],
        today=D(2026, 3, 1),
        population_size=40,
    )
    values = result.as_dict()
    assert (values["expected_occurrences"], values["population_size"], values["suggested_sample"]) == (
        None,
        40,
        5,
    )
    assert values["notes"] == []
    monthly = assess_control(
        control_id=4,
        ref="ACC-06",
        title="Privileged access review",
        frequency="monthly",
        nature="manual",
        scope=ReportScope("Type 2", *FEB_TO_JUL, None),
        collected_dates=[],
        today=D(2026, 3, 1),
    ).as_dict()
    assert (monthly["expected_occurrences"], monthly["population_size"], monthly["suggested_sample"]) == (
        6,
        None,
        2,
    )
