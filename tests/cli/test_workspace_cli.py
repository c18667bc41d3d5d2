"""The command line creates a workspace only to create something, and says so; every option has help."""

import argparse
import json
from pathlib import Path
from typing import Any

import pytest

from app.cli import build_parser, main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    try:
        code = main(list(argv))
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_reading_a_missing_workspace_fails_plainly_and_creates_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "typo"
    for argv in (
        ("engagement", "list"),
        ("controls", "list", "--engagement", "E"),
        ("readiness", "--engagement", "E"),
        ("evidence", "verify"),
        ("export", "history", "--engagement", "E"),
    ):
        code, _out, err = run(capsys, "--data-dir", str(missing), *argv)
        assert code == 1 and f"no workspace at {missing}" in err, (argv, err)
    assert not missing.exists()


def test_commands_that_need_no_workspace_never_create_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "none"
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({"customer_data": True}))
    for argv in (("criteria",), ("wizard", "--answers", str(answers)), ("--help",), ("--version",)):
        code, _out, _err = run(capsys, "--data-dir", str(missing), *argv)
        assert code == 0, argv
    for argv in (("engagement", "--help"), ("controls", "set", "--help")):
        assert run(capsys, *argv, "--data-dir", str(missing))[0] == 0
    assert not missing.exists()


def test_creating_an_engagement_creates_the_workspace_and_says_where(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "new" / "workspace"
    code, out, err = run(capsys, "--data-dir", str(folder), "engagement", "create", "--name", "First")
    assert code == 0 and "Created engagement 1: First" in out
    assert err == f"soc-workbench: created workspace at {folder}\n"
    code, _out, err = run(capsys, "--data-dir", str(folder), "engagement", "create", "--name", "Second")
    assert code == 0 and err == "", "an existing workspace is not announced again"


def test_the_demo_and_a_bundle_create_the_workspace_they_go_into(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    demo = tmp_path / "demo"
    code, out, err = run(capsys, "--data-dir", str(demo), "demo")
    assert code == 0 and "Created the demo engagement 'Demo — Larkspur Analytics'" in out, err
    assert err == f"soc-workbench: created workspace at {demo}\n"
    bundle = tmp_path / "larkspur.socwb"
    code, _out, err = run(
        capsys, "--data-dir", str(demo), "engagement", "export-bundle", "1", "-o", str(bundle)
    )
    assert code == 0, err
    laptop = tmp_path / "laptop"
    code, out, err = run(capsys, "--data-dir", str(laptop), "engagement", "import-bundle", str(bundle))
    assert code == 0 and out == "Imported engagement 1: Demo — Larkspur Analytics\n", err
    assert err == f"soc-workbench: created workspace at {laptop}\n"


def _actions(parser: argparse.ArgumentParser, path: str) -> Any:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _actions(sub, f"{path} {name}")
        elif not isinstance(action, argparse._HelpAction):
            yield path, action


def test_every_option_has_help_text() -> None:
    missing = [
        f"{path}: {'/'.join(action.option_strings) or action.dest}"
        for path, action in _actions(build_parser(), "soc-workbench")
        if not action.help or action.help == argparse.SUPPRESS
    ]
    assert missing == []
