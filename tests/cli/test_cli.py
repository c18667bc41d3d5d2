"""The command line: grammar, JSON output, exit codes."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


def test_criteria_json_and_category_filter(cli) -> None:  # type: ignore[no-untyped-def]
    everything = cli("criteria", "--json")
    assert everything.code == 0
    rows = everything.json()
    assert len(rows) == 61
    assert {"id", "category", "group", "title"} <= set(rows[0])
    privacy = cli("criteria", "--category", "privacy", "--json").json()
    assert len(privacy) == 18 and {r["category"] for r in privacy} == {"Privacy"}
    plain = cli("criteria", "--category", "Availability")
    assert plain.code == 0 and "A1.2" in plain.out


def test_unknown_category_is_refused_with_one_line(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("criteria", "--category", "Integrity")
    assert result.code == 1
    assert result.err.count("\n") == 1 and "unknown category" in result.err


def test_engagement_create_list_show(cli) -> None:  # type: ignore[no-untyped-def]
    created = cli(
        "engagement",
        "create",
        "--name",
        "Acme 2026",
        "--company",
        "Acme Inc",
        "--period-start",
        "2026-01-01",
        "--period-end",
        "2026-06-30",
    )
    assert created.code == 0, created.err
    listed = cli("engagement", "list", "--json").json()
    assert [(e["id"], e["name"]) for e in listed] == [(1, "Acme 2026")]
    for key in ("1", "Acme 2026"):
        shown = cli("engagement", "show", key, "--json").json()
        assert shown["company"] == "Acme Inc"
        assert (shown["period_start"], shown["period_end"]) == ("2026-01-01", "2026-06-30")
    assert "1 Jan–30 Jun 2026" in cli("engagement", "show", "Acme 2026").out
    missing = cli("engagement", "show", "Nope")
    assert missing.code == 1 and "no engagement" in missing.err


def test_controls_add_and_list(cli) -> None:  # type: ignore[no-untyped-def]
    cli("engagement", "create", "--name", "E")
    added = cli(
        "controls",
        "add",
        "--engagement",
        "E",
        "--ref",
        "ACC-01",
        "--title",
        "Access review",
        "--description",
        "IT reviews access",
        "--criteria",
        "CC6.1,CC6.2",
        "--owner",
        "IT",
        "--frequency",
        "quarterly",
    )
    assert added.code == 0, added.err
    rows = cli("controls", "list", "--engagement", "E", "--json").json()
    assert len(rows) == 1
    row = rows[0]
    assert (
        row["ref"],
        row["title"],
        row["description"],
        row["criteria"],
        row["owner"],
        row["frequency"],
        row["status"],
    ) == (
        "ACC-01",
        "Access review",
        "IT reviews access",
        ["CC6.1", "CC6.2"],
        "IT",
        "quarterly",
        "not-started",
    )
    assert cli("controls", "list", "--engagement", "E", "--category", "Privacy", "--json").json() == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--ref", "X", "--title", "T", "--criteria", "CC6.1,ZZ9.9"], "unknown criterion ZZ9.9"),
        (["--ref", "ACC-01", "--title", "T"], "already exists"),
    ],
)
def test_controls_add_refusals_exit_1_and_write_nothing(cli, args, message) -> None:  # type: ignore[no-untyped-def]
    cli("engagement", "create", "--name", "E")
    cli("controls", "add", "--engagement", "E", "--ref", "ACC-01", "--title", "First")
    result = cli("controls", "add", "--engagement", "E", *args)
    assert result.code == 1 and message in result.err and result.err.count("\n") == 1
    assert [r["ref"] for r in cli("controls", "list", "--engagement", "E", "--json").json()] == ["ACC-01"]


def test_missing_engagement_exit_1(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("controls", "add", "--engagement", "Ghost", "--ref", "X", "--title", "T")
    assert result.code == 1 and "Ghost" in result.err


@pytest.mark.parametrize(
    "args",
    [
        ["engagement"],
        ["engagement", "create"],
        ["controls", "add", "--engagement", "E", "--ref", "X", "--title", "T", "--frequency", "hourly"],
        ["engagement", "create", "--name", "X", "--period-start", "2026-13-01"],
        ["frobnicate"],
    ],
)
def test_unparseable_command_lines_exit_2(cli, args) -> None:  # type: ignore[no-untyped-def]
    assert cli(*args).code == 2


def test_data_dir_is_accepted_before_and_after_the_command(cli, data_dir: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli("engagement", "create", "--name", "Here")
    for argv in (
        ["engagement", "list", "--json", "--data-dir", str(data_dir)],
        ["engagement", "--data-dir", str(data_dir), "list", "--json"],
        [
            "--data-dir",
            str(tmp_path / "elsewhere"),
            "engagement",
            "list",
            "--data-dir",
            str(data_dir),
            "--json",
        ],
    ):
        result = cli(*argv, data_dir_arg=False)
        assert [e["name"] for e in result.json()] == ["Here"], argv


def test_environment_variable_points_at_the_workspace(cli, data_dir: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    cli("engagement", "create", "--name", "Env")
    monkeypatch.setenv("SOC_WORKBENCH_DATA_DIR", str(data_dir))
    assert [e["name"] for e in cli("engagement", "list", "--json", data_dir_arg=False).json()] == ["Env"]


def test_delete_needs_confirmation(cli) -> None:  # type: ignore[no-untyped-def]
    cli("engagement", "create", "--name", "E")
    refused = cli("engagement", "delete", "E")
    assert refused.code == 1 and "--yes" in refused.err
    assert cli("engagement", "delete", "E", "--yes").code == 0
    assert cli("engagement", "list", "--json").json() == []


def test_console_script_and_module_run_the_same_cli(data_dir: Path) -> None:
    env = {**os.environ, "SOC_WORKBENCH_DATA_DIR": str(data_dir)}
    module = subprocess.run(
        [sys.executable, "-m", "app", "criteria", "--json"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert module.returncode == 0 and len(json.loads(module.stdout)) == 61
    script = Path(sys.executable).with_name("soc-workbench")
    if script.exists():
        result = subprocess.run(
            [str(script), "engagement", "list", "--json"],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        assert result.returncode == 0 and json.loads(result.stdout) == []


def test_smoke_test_opens_the_window_and_exits_0(data_dir: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-m", "app", "--data-dir", str(data_dir), "--smoke-test"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert (data_dir / "window.ini").exists()


def test_cli_commands_do_not_import_qt(data_dir: Path) -> None:
    code = (
        "import sys; from app.cli import main; main(['--data-dir', sys.argv[1], 'criteria', '--json']); "
        "assert 'PySide6' not in sys.modules, 'Qt imported'"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(data_dir)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


def test_starting_the_window_leaves_exports_and_migrations_unloaded(data_dir: Path) -> None:
    code = (
        "import sys\n"
        "from app.ui.application import build_main_window, make_application\n"
        "make_application()\n"
        "window = build_main_window(sys.argv[1])\n"
        "window.show()\n"
        "heavy = sorted(m for m in ('openpyxl', 'reportlab', 'alembic') if m in sys.modules)\n"
        "assert not heavy, heavy\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-c", code, str(data_dir)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr


def test_controls_show_set_and_delete(cli) -> None:  # type: ignore[no-untyped-def]
    cli("engagement", "create", "--name", "E")
    cli("controls", "add", "--engagement", "E", "--ref", "C-1", "--title", "Backups", "--criteria", "A1.2")
    changed = cli(
        "controls",
        "set",
        "--engagement",
        "E",
        "--ref",
        "C-1",
        "--status",
        "implemented",
        "--owner",
        "Ops",
        "--key",
        "yes",
        "--remediation-due",
        "2026-12-01",
        "--criteria",
        "a1.2,cc9.1",
        "--new-ref",
        "BCP-01",
        "--json",
    )
    assert changed.code == 0, changed.err
    shown = cli("controls", "show", "--engagement", "E", "--ref", "BCP-01", "--json").json()
    assert (
        shown["status"],
        shown["owner"],
        shown["is_key"],
        shown["remediation_due"],
        shown["criteria"],
    ) == ("implemented", "Ops", True, "2026-12-01", ["CC9.1", "A1.2"])
    assert (
        cli("controls", "set", "--engagement", "E", "--ref", "BCP-01", "--remediation-due", "soon").code == 1
    )
    assert cli("controls", "set", "--engagement", "E", "--ref", "BCP-01").code == 1
    assert cli("controls", "set", "--engagement", "E", "--ref", "BCP-01", "--status", "done").code == 2
    assert cli("controls", "show", "--engagement", "E", "--ref", "BCP-01", "--json").json()[
        "remediation_due"
    ] == ("2026-12-01")
    assert cli("controls", "delete", "--engagement", "E", "--ref", "BCP-01").code == 1
    assert cli("controls", "delete", "--engagement", "E", "--ref", "BCP-01", "--yes").code == 0
    assert cli("controls", "list", "--engagement", "E", "--json").json() == []
