"""``soc-workbench wizard``: recommendation as JSON, refusals, applying to an engagement."""

import json
from datetime import date
from pathlib import Path

import pytest

from app.domain.periods import period_end
from app.domain.scoping import future_start


def answers_file(tmp_path: Path, data: object, name: str = "answers.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(data))
    return str(path)


def test_prints_exactly_the_recommendation_keys(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = answers_file(
        tmp_path,
        {
            "customer_data": True,
            "availability_commitments": True,
            "controls_operating_months": 8,
            "report_needed_within_months": 12,
        },
    )
    result = cli("wizard", "--answers", path, "--json")
    assert result.code == 0, result.err
    start = future_start(date.today())  # no evidence kept: the period starts next month
    assert result.json() == {
        "reports": ["SOC 2"],
        "report_type": "Type 2",
        "then_type2": False,
        "categories": ["Security", "Availability"],
        "observation_months": 6,
        "period_start": start.isoformat(),
        "period_end": period_end(start, 6).isoformat(),
        "as_of": None,
        "renewal": False,
        "consider": [],
        "rationale": result.json()["rationale"],
        "warnings": [],
    }
    assert any("uptime" in line for line in result.json()["rationale"])
    plain = cli("wizard", "--answers", path)
    assert "SOC 2 — Type 2" in plain.out and "Why:" in plain.out


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"customer_dat": True}, "customer_dat"),
        ({"ipo_planned": "no"}, "ipo_planned"),
        ({"controls_operating_months": "six"}, "controls_operating_months"),
    ],
)
def test_bad_answers_exit_1_naming_the_key(cli, tmp_path: Path, data: object, key: str) -> None:  # type: ignore[no-untyped-def]
    result = cli("wizard", "--answers", answers_file(tmp_path, data), "--json")
    assert result.code == 1 and key in result.err and result.out == ""


def test_missing_or_broken_answers_file_exit_1(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert cli("wizard", "--answers", str(tmp_path / "none.json")).code == 1
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    result = cli("wizard", "--answers", str(broken))
    assert result.code == 1 and "not valid JSON" in result.err


def test_apply_stores_answers_and_sets_the_scope(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli("engagement", "create", "--name", "Acme")
    path = answers_file(
        tmp_path,
        {
            "financial_reporting_impact": True,
            "customer_data": True,
            "confidential_data": True,
            "customers_require_type2": True,
        },
    )
    result = cli("wizard", "--answers", path, "--engagement", "Acme", "--apply", "--json")
    assert result.code == 0, result.err
    shown = cli("engagement", "show", "Acme", "--json").json()
    assert shown["report_kinds"] == ["SOC 1", "SOC 2"]
    assert shown["report_type"] == "Type 2"
    assert shown["categories"] == ["Security", "Confidentiality"]
    assert shown["period_start"] and shown["period_end"] and shown["as_of_date"] is None


def test_apply_refusals(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = answers_file(tmp_path, {"customer_data": True})
    assert cli("wizard", "--answers", path, "--apply").code == 1
    assert cli("wizard", "--answers", path, "--engagement", "Ghost", "--apply").code == 1
    assert cli("wizard").code == 2


def test_apply_keeps_dates_the_user_set_unless_asked_to_replace_them(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = answers_file(tmp_path, {"customer_data": True, "customers_require_type2": True})
    created = cli(
        "engagement",
        "create",
        "--name",
        "Dated",
        "--period-start",
        "2026-01-01",
        "--period-end",
        "2026-06-30",
    )
    assert created.code == 0, created.err
    kept = cli("wizard", "--answers", path, "--engagement", "Dated", "--apply")
    assert kept.code == 0, kept.err
    assert "Your dates (1 Jan–30 Jun 2026) are kept" in kept.out and "--replace-period" in kept.out
    shown = cli("engagement", "show", "Dated", "--json").json()
    assert (shown["period_start"], shown["period_end"], shown["report_kinds"]) == (
        "2026-01-01",
        "2026-06-30",
        ["SOC 2"],
    )
    replaced = cli(
        "wizard", "--answers", path, "--engagement", "Dated", "--apply", "--replace-period", "--json"
    )
    assert replaced.code == 0, replaced.err
    assert replaced.json()["applied"]["period_kept"] is False
    suggested = replaced.json()["period_start"]
    assert cli("engagement", "show", "Dated", "--json").json()["period_start"] == suggested != "2026-01-01"
    refused = cli("wizard", "--answers", path, "--replace-period")
    assert refused.code == 1 and "only used with --apply" in refused.err
