"""``cuecs`` and ``subservice`` on the command line, and a SOC 1 seeded for its business type."""

from typing import Any


def soc1(cli: Any) -> None:
    assert cli("engagement", "create", "--name", "Payroll Co").code == 0


def test_cuecs_add_list_delete(cli: Any) -> None:
    soc1(cli)
    added = cli(
        "cuecs", "add", "--engagement", "Payroll Co", "--ref", "CUEC-01", "--criteria", "cc6.2,CC6.1",
        "--json",
        "--description", "Customers approve who may submit payroll changes",
    )  # fmt: skip
    assert added.code == 0, added.err
    assert added.json()["related_criteria"] == "CC6.1, CC6.2"
    listed = cli("cuecs", "list", "--engagement", "Payroll Co", "--json").json()
    assert [row["ref"] for row in listed] == ["CUEC-01"]
    unknown = cli(
        "cuecs", "add", "--engagement", "Payroll Co", "--ref", "X", "--description", "d", "--criteria", "ZZ9"
    )
    assert unknown.code == 1 and "unknown criterion ZZ9" in unknown.err
    refused = cli("cuecs", "delete", "--engagement", "Payroll Co", "--ref", "CUEC-01")
    assert refused.code == 1 and "--yes" in refused.err
    assert cli("cuecs", "delete", "--engagement", "Payroll Co", "--ref", "cuec-01", "--yes").code == 0
    assert "No CUECs." in cli("cuecs", "list", "--engagement", "Payroll Co").out


def test_subservice_add_list_delete(cli: Any) -> None:
    soc1(cli)
    added = cli(
        "subservice", "add", "--engagement", "Payroll Co", "--name", "Cloud Co", "--services", "hosting",
        "--monitoring", "reviews its SOC 2 each year",
    )  # fmt: skip
    assert added.code == 0, added.err
    assert "Cloud Co (carve-out)" in added.out
    listed = cli("subservice", "list", "--engagement", "Payroll Co", "--json").json()
    assert [(row["name"], row["method"], row["monitoring"]) for row in listed] == [
        ("Cloud Co", "carve-out", "reviews its SOC 2 each year")
    ]
    twice = cli("subservice", "add", "--engagement", "Payroll Co", "--name", "cloud co")
    assert twice.code == 1 and "already exists" in twice.err
    assert cli("subservice", "delete", "--engagement", "Payroll Co", "--name", "Cloud Co", "--yes").code == 0
    assert cli("subservice", "list", "--engagement", "Payroll Co", "--json").json() == []


def test_a_soc1_is_seeded_for_one_business_type(cli: Any, tmp_path: Any) -> None:
    import json

    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({"financial_reporting_impact": True}))
    soc1(cli)
    assert cli("wizard", "--answers", str(answers), "--engagement", "Payroll Co", "--apply").code == 0
    refused = cli("controls", "seed", "--engagement", "Payroll Co")
    assert refused.code == 1 and "payroll" in refused.err and "business type" in refused.err
    assert cli("controls", "list", "--engagement", "Payroll Co", "--json").json() == []
    wrong = cli("controls", "seed", "--engagement", "Payroll Co", "--business-type", "bakery")
    assert wrong.code == 1 and "bakery" in wrong.err
    seeded = cli("controls", "seed", "--engagement", "Payroll Co", "--business-type", "payroll", "--json")
    assert seeded.code == 0, seeded.err
    result = seeded.json()
    assert result["added_objectives"] and result["added_cuecs"] and result["added_subservice_orgs"]
    assert cli("engagement", "show", "Payroll Co", "--json").json()["business_type"] == "payroll"
    again = cli("controls", "seed", "--engagement", "Payroll Co", "--json").json()
    assert again["added_controls"] == [] and again["added_cuecs"] == []


def test_population_size_sets_the_sample_of_a_per_event_control(cli: Any) -> None:
    assert (
        cli(
            "engagement",
            "create",
            "--name",
            "Events",
            "--period-start",
            "2026-01-01",
            "--period-end",
            "2026-06-30",
        ).code
        == 0
    )
    added = cli(
        "controls", "add", "--engagement", "Events", "--ref", "CHG-01", "--title", "Changes are approved",
        "--frequency", "per-event", "--start-date", "2025-06-01",
    )  # fmt: skip
    assert added.code == 0, added.err
    unknown = cli("sampling", "--engagement", "Events", "--json").json()[0]
    assert unknown["population_size"] is None and any(
        "population size needed" in note.casefold() for note in unknown["notes"]
    )
    for size, sample in (("1", 1), ("4", 2), ("12", 2), ("13", 5), ("52", 5), ("53", 25)):
        changed = cli(
            "controls", "set", "--engagement", "Events", "--ref", "CHG-01", "--population-size", size
        )
        assert changed.code == 0, changed.err
        row = cli("sampling", "--engagement", "Events", "--json").json()[0]
        assert (row["population_size"], row["suggested_sample"]) == (int(size), sample)
    bad = cli("controls", "set", "--engagement", "Events", "--ref", "CHG-01", "--population-size", "many")
    assert bad.code == 1 and "Population size" in bad.err
    shown = cli("controls", "show", "--engagement", "Events", "--ref", "CHG-01", "--json").json()
    assert (shown["population_size"], shown["start_date"]) == (53, "2025-06-01")
