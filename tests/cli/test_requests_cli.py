"""The fieldwork commands: requests, populations, samples and exceptions, as scripts use them."""

import json
import shutil
import subprocess
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from app.cli import build_parser
from tests.request_lists import (
    write_ambiguous_csv,
    write_auditor_workbook,
    write_population_csv,
    write_semicolon_csv,
    write_updated_workbook,
)

LIST_KEYS = {
    "id",
    "text",
    "criteria",
    "references",
    "type",
    "due",
    "status",
    "auditor_status",
    "owner",
    "controls",
    "evidence",
}


@pytest.fixture
def acme(cli: Any) -> Any:
    cli(
        "engagement", "create", "--name", "Acme", "--period-start", "2026-01-01", "--period-end", "2026-06-30"
    )
    cli("controls", "add", "--engagement", "Acme", "--ref", "CM-01", "--title", "Changes",
        "--criteria", "CC8.1", "--frequency", "per-event")  # fmt: skip
    return cli


def test_import_list_set_link_attach_and_hand_back(acme: Any, tmp_path: Path) -> None:
    source = write_auditor_workbook(tmp_path / "Acme PBC.xlsx")
    imported = acme("requests", "import", "--engagement", "Acme", str(source))
    assert imported.code == 0, imported.err
    assert imported.out.splitlines() == [
        "Read 3 requests from Acme PBC.xlsx: 3 new, 0 reworded, 0 withdrawn; 3 sampled items.",
        "flagged PBC List!A7: only this cell is filled: read as a heading and skipped",
        "flagged PBC List!C8: not criteria we know: CC9.9 (kept as written)",
    ]
    listed = acme("requests", "list", "--engagement", "Acme", "--json").json()
    assert [row["id"] for row in listed] == ["PBC-001", "PBC-002", "PBC-003"]
    assert LIST_KEYS <= set(listed[1])
    assert {key: listed[1][key] for key in LIST_KEYS} == {
        "id": "PBC-002",
        "text": "Change tickets from the change system\nwith approvals",
        "criteria": ["CC8.1"],
        "references": ["CM-01", "CM-02"],
        "type": "Population",
        "due": "2026-07-20",
        "status": "open",
        "auditor_status": "Open",
        "owner": "Eli",
        "controls": [],
        "evidence": [],
    }
    linked = acme("requests", "link", "--engagement", "Acme", "PBC-002", "--control", "CM-01")
    assert linked.out == "PBC-002 is linked to CM-01\n"
    export = tmp_path / "tickets.csv"
    export.write_text("ticket\nCHG-1041\n")
    attached = acme("requests", "attach", "--engagement", "Acme", "pbc-002", str(export))
    assert attached.code == 0 and "Added tickets.csv" in attached.out and "linked to CM-01" in attached.out
    changed = acme("requests", "set", "--engagement", "Acme", "PBC-002", "--status", "provided", "--owner",
                   "Sam", "--note", "Exported from Jira", "--json")  # fmt: skip
    assert (
        changed.json()["status"] == "provided" and changed.json()["date_provided"] == date.today().isoformat()
    )
    row = acme("requests", "list", "--engagement", "Acme", "--json").json()[1]
    assert (row["owner"], row["controls"], row["evidence"], row["notes"]) == (
        "Sam",
        ["CM-01"],
        ["tickets.csv"],
        "Exported from Jira",
    )
    shown = acme("requests", "show", "--engagement", "Acme", "PBC-002", "--json").json()
    assert shown["samples"][0]["items"][0]["item"] == "CHG-1041"

    workbook = tmp_path / "out" / "returned.xlsx"
    workbook.parent.mkdir()
    assert acme("requests", "export", "--engagement", "Acme", "-o", str(workbook)).code == 0
    sheet = openpyxl.load_workbook(workbook)["PBC List"]
    assert [sheet.cell(row=8, column=column).value for column in (1, 12, 14, 15)] == [
        "PBC-002",
        "Provided",
        "tickets.csv",
        "Exported from Jira",
    ]
    package = tmp_path / "out" / "package.zip"
    packaged = acme("requests", "package", "--engagement", "Acme", "-o", str(package), "--json")
    assert packaged.code == 0 and packaged.json()["kind"] == "request-package"
    with zipfile.ZipFile(package) as archive:
        assert "requests/PBC-002/tickets.csv" in archive.namelist()
        archive.extractall(tmp_path / "unzipped")
    if shutil.which("sha256sum"):
        check = subprocess.run(["sha256sum", "-c", "MANIFEST.sha256"], cwd=tmp_path / "unzipped", check=False)
        assert check.returncode == 0


def test_reimport_reports_changes_and_withdrawals(acme: Any, tmp_path: Path) -> None:
    acme("requests", "import", "--engagement", "Acme", str(write_auditor_workbook(tmp_path / "v1.xlsx")))
    acme("requests", "set", "--engagement", "Acme", "PBC-003", "--status", "in-progress")
    updated = write_updated_workbook(tmp_path / "v2.xlsx")
    again = acme("requests", "import", "--engagement", "Acme", str(updated), "--json")
    result = again.json()
    assert (result["added"], result["withdrawn"]) == (["PBC-004"], ["PBC-003"])
    assert result["changed"][0]["id"] == "PBC-001"
    assert [c["field"] for c in result["changed"][0]["changes"]] == ["request text", "due date"]
    rows = {row["id"]: row for row in acme("requests", "list", "--engagement", "Acme", "--json").json()}
    assert (rows["PBC-003"]["status"], rows["PBC-003"]["listed"]) == ("withdrawn", False)


def test_import_options_and_refusals(acme: Any, tmp_path: Path) -> None:
    ambiguous = write_ambiguous_csv(tmp_path / "q.csv")
    refused = acme("requests", "import", "--engagement", "Acme", str(ambiguous))
    assert refused.code == 1 and refused.out == ""
    assert refused.err.strip() == (
        "soc-workbench: q.csv: dates such as 03/04/2026 can be read either way: add --day-first or "
        "--month-first (nothing was imported)"
    )
    assert acme("requests", "list", "--engagement", "Acme", "--json").json() == []
    assert acme("requests", "import", "--engagement", "Acme", str(ambiguous), "--month-first").code == 0
    assert [r["due"] for r in acme("requests", "list", "--engagement", "Acme", "--json").json()] == [
        "2026-03-04",
        "2026-05-06",
    ]
    other = tmp_path / "other.csv"
    other.write_text("Ticket,Ask\nT1,Org chart\n")
    unmapped = acme("requests", "import", "--engagement", "Acme", str(other))
    assert unmapped.code == 1 and unmapped.err == (
        "soc-workbench: other.csv: the sheet “other” has no header row naming request-id and text in its "
        "first 20 rows; choose the header row and the columns (nothing was imported; choose them with "
        "--sheet, --header-row and --column)\n"
    )
    mapped = acme("requests", "import", "--engagement", "Acme", str(other), "--header-row", "1",
                  "--column", "request-id=A", "--column", "text=2")  # fmt: skip
    assert mapped.code == 0 and "1 new" in mapped.out and "2 withdrawn" in mapped.out
    semicolons = acme(
        "requests", "import", "--engagement", "Acme", str(write_semicolon_csv(tmp_path / "s.csv"))
    )
    assert semicolons.code == 0 and "2 new" in semicolons.out


def test_hostile_files_give_one_line_and_store_nothing(acme: Any, tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"<" + b"a" * 150_000_000 + b">")
    text = tmp_path / "renamed.xlsx"
    text.write_text("not a workbook")
    for path in (bomb, text, tmp_path / "missing.csv"):
        result = acme("requests", "import", "--engagement", "Acme", str(path))
        assert result.code == 1 and result.out == "", path
        assert result.err.startswith("soc-workbench: ") and result.err.count("\n") == 1, result.err
        assert path.name in result.err
    assert acme("requests", "list", "--engagement", "Acme").out.startswith("No requests yet")


def test_populations_samples_and_exceptions(acme: Any, tmp_path: Path) -> None:
    population = write_population_csv(tmp_path / "changes.csv", 90, date(2026, 1, 1), date(2026, 6, 30))
    added = acme("populations", "add", "--engagement", "Acme", "--control", "CM-01", str(population))
    assert added.code == 0, added.err
    assert added.out.splitlines()[0] == (
        "Population of CM-01: 90 occurrences in changes.csv, dated 2026-01-01 to 2026-06-30"
    )
    shown = acme("controls", "show", "--engagement", "Acme", "--ref", "CM-01", "--json").json()
    assert shown["population_size"] == 90
    first = acme("samples", "draw", "--engagement", "Acme", "--control", "CM-01", "--size", "5", "--json")
    second = acme("samples", "draw", "--engagement", "Acme", "--control", "CM-01", "--size", "5", "--json")
    assert first.code == 0 and first.out == second.out
    drawn = first.json()
    assert drawn["size"] == 5 and drawn["seed"] in drawn["method"] and drawn["population_size"] == 90
    text = acme("samples", "draw", "--engagement", "Acme", "--control", "CM-01", "--size", "5").out
    assert f"Seed: {drawn['seed']}" in text and drawn["items"][0]["item"] in text
    listing = acme("samples", "list", "--engagement", "Acme", "--json").json()
    assert [sample["source"] for sample in listing] == ["drawn"]

    recorded = acme("exceptions", "add", "--engagement", "Acme", "--control", "CM-01", "--sample", "2",
                    "--description", "Approved after release", "--date", "2026-03-01",
                    "--root-cause", "Hotfix", "--json")  # fmt: skip
    assert recorded.code == 0, recorded.err
    assert recorded.json()["sample_item"] == f"CM-01 sample 2 ({drawn['items'][1]['item']})"
    acme("exceptions", "add", "--engagement", "Acme", "--control", "CM-01", "--description", "Missed review")
    listed = acme("exceptions", "list", "--engagement", "Acme", "--json").json()
    assert [e["description"] for e in listed] == ["Approved after release", "Missed review"]
    nothing = acme("exceptions", "add", "--engagement", "Acme", "--description", "x")
    assert nothing.code == 1 and "--control REF, or --request ID --sample N" in nothing.err
    readiness = acme("readiness", "--engagement", "Acme", "--json").json()
    assert sum(1 for gap in readiness["gaps"] if gap["kind"] == "exception") == 2


def test_every_option_of_the_fieldwork_commands_has_help() -> None:
    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command")
    missing = []
    for name in ("requests", "populations", "samples", "exceptions"):
        group = commands.choices[name]  # type: ignore[index]
        subcommands = next(a for a in group._actions if a.dest == "subcommand")
        for sub_name, sub in subcommands.choices.items():  # type: ignore[union-attr]
            assert sub.description, (name, sub_name)
            missing += [
                f"{name} {sub_name} {action.dest}"
                for action in sub._actions
                if action.dest != "help" and not action.help
            ]
    assert missing == []
    assert json.dumps(sorted(commands.choices)).count("requests") == 1  # type: ignore[arg-type]
