"""``controls set`` on many controls at once, the workbook's words, and imports that keep what is missing."""

from pathlib import Path
from typing import Any

import openpyxl

from app.domain.workbook_layout import ALL_CONTROLS_SHEET


def matrix(cli: Any) -> dict[str, dict[str, Any]]:
    return {row["ref"]: row for row in cli("controls", "list", "--engagement", "E", "--json").json()}


def three_controls(cli: Any) -> None:
    assert cli("engagement", "create", "--name", "E").code == 0
    for ref, criteria in (("ACC-01", "CC6.1"), ("ACC-02", "CC6.2"), ("BCP-01", "A1.2")):
        assert cli(
            "controls", "add", "--engagement", "E", "--ref", ref, "--title", ref, "--criteria", criteria
        )


def test_several_refs_change_in_one_command(cli: Any) -> None:
    three_controls(cli)
    result = cli("controls", "set", "--engagement", "E", "ACC-01", "BCP-01", "--owner", "Dana")
    assert result.code == 0, result.err
    assert result.out == "Updated 2 controls (ACC-01, BCP-01): owner\n"
    assert {ref: row["owner"] for ref, row in matrix(cli).items()} == {
        "ACC-01": "Dana",
        "ACC-02": "",
        "BCP-01": "Dana",
    }


def test_filters_choose_the_controls(cli: Any) -> None:
    three_controls(cli)
    assert cli("controls", "set", "--engagement", "E", "--ref", "ACC-02", "--status", "Implemented").code == 0
    by_status = cli(
        "controls", "set", "--engagement", "E", "--with-status", "Not started", "--status", "in-progress"
    )
    assert by_status.code == 0, by_status.err
    assert {ref: row["status"] for ref, row in matrix(cli).items()} == {
        "ACC-01": "in-progress",
        "ACC-02": "implemented",
        "BCP-01": "in-progress",
    }
    assert (
        cli("controls", "set", "--engagement", "E", "--category", "availability", "--owner", "Ops").code == 0
    )
    assert [ref for ref, row in matrix(cli).items() if row["owner"] == "Ops"] == ["BCP-01"]
    everything = cli("controls", "set", "--engagement", "E", "--all", "--frequency", "Quarterly", "--json")
    assert everything.code == 0 and [row["frequency"] for row in everything.json()] == ["quarterly"] * 3


def test_unclear_or_refused_selections_change_nothing(cli: Any) -> None:
    three_controls(cli)
    before = matrix(cli)
    for arguments, words in (
        (("--owner", "X"), "say which controls"),
        (("ACC-01", "--all", "--owner", "X"), "not both"),
        (("ACC-01", "NOPE", "--owner", "X"), "no control with ref 'NOPE'"),
        (("--all", "--new-ref", "X-1"), "--new-ref gives one control a new ref"),
        (("--with-status", "exception", "--owner", "X"), "no control matches"),
    ):
        result = cli("controls", "set", "--engagement", "E", *arguments)
        assert result.code == 1 and words in result.err, (arguments, result.err)
    wrong = cli("controls", "set", "--engagement", "E", "ACC-01", "--status", "Done")
    assert wrong.code == 2 and "not-started (Not started)" in wrong.err
    assert matrix(cli) == before


def test_import_keeps_missing_controls_unless_delete_missing(cli: Any, tmp_path: Path) -> None:
    three_controls(cli)
    workbook = tmp_path / "w.xlsx"
    assert cli("export", "xlsx", "--engagement", "E", "-o", str(workbook)).code == 0
    book = openpyxl.load_workbook(workbook)
    book[ALL_CONTROLS_SHEET].delete_rows(4)
    book.save(workbook)
    kept = cli("controls", "import", "--engagement", "E", str(workbook), "--yes")
    assert kept.code == 0
    assert "1 control of the engagement is not in the workbook and is kept: BCP-01" in kept.out
    assert sorted(matrix(cli)) == ["ACC-01", "ACC-02", "BCP-01"]
    preview = cli("controls", "import", "--engagement", "E", str(workbook), "--delete-missing")
    assert "- BCP-01: BCP-01 (Not started, 0 evidence files) — deleted" in preview.out
    assert "Nothing was written" in preview.out and sorted(matrix(cli)) == ["ACC-01", "ACC-02", "BCP-01"]
    deleted = cli("controls", "import", "--engagement", "E", str(workbook), "--delete-missing", "--yes")
    assert deleted.code == 0 and sorted(matrix(cli)) == ["ACC-01", "ACC-02"]
