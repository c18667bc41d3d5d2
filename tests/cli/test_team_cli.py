"""Team mode from the command line: the server option, who made a change, two processes saving the
same control at once, another process's change seen by a poll, and moving a workspace there and back."""

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from app.domain.changes import Kind
from app.services.changes import changes_since, latest_change_id
from app.services.controls import find_control
from app.services.workspace import Workspace
from tests.postgres import PostgresServer


def run_cli(*args: str, user: str = "tester") -> subprocess.Popen[str]:
    """``python -m app ARGS`` in a process of its own."""
    env = {**os.environ, "SOC_WORKBENCH_USER": user}
    return subprocess.Popen(
        [sys.executable, "-m", "app", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def finished(process: subprocess.Popen[str]) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=120)
    return process.returncode, out, err


def workspace_args(data_dir: Path, database_url: str | None) -> list[str]:
    return ["--data-dir", str(data_dir), *(["--database-url", database_url] if database_url else [])]


@pytest.mark.backends
def test_another_processs_change_is_seen_by_a_poll_with_who_made_it(
    cli: Any, workspace: Workspace, data_dir: Path, database_url: str | None
) -> None:
    cli("engagement", "create", "--name", "E")
    cli("controls", "add", "--engagement", "E", "--ref", "AC-01", "--title", "Access")
    start = latest_change_id(workspace)
    code, _out, err = finished(
        run_cli(*workspace_args(data_dir, database_url), "controls", "set", "--engagement", "E",
                "--ref", "AC-01", "--owner", "Eli", user="Eli Mensah")
    )  # fmt: skip
    assert code == 0, err
    seen = changes_since(workspace, start)
    control = find_control(workspace, engagement_id=1, ref="AC-01")
    assert seen.changes.ids_of(Kind.CONTROLS) == {control.id}
    assert seen.by == ("Eli Mensah",)
    assert (control.owner, control.version) == ("Eli", 2)


@pytest.mark.postgresql
def test_two_processes_saving_the_same_control_lose_nothing(
    postgres_server: PostgresServer, tmp_path: Path
) -> None:
    """Two people read version 1 and save at once: one process wins, the other is refused with the
    winner's change, and nothing is silently overwritten."""
    url = postgres_server.new_database()
    where = ["--data-dir", str(tmp_path), "--database-url", url]
    for argv in (
        ["engagement", "create", "--name", "E"],
        ["controls", "add", "--engagement", "E", "--ref", "AC-01", "--title", "Access"],
    ):
        assert finished(run_cli(*where, *argv))[0] == 0
    racers = {
        owner: run_cli(*where, "controls", "set", "--engagement", "E", "--ref", "AC-01", "--if-version", "1",
                       "--owner", owner, user=owner)
        for owner in ("Dana", "Eli")
    }  # fmt: skip
    results = {owner: finished(process) for owner, process in racers.items()}

    winners = [owner for owner, (code, _out, _err) in results.items() if code == 0]
    assert len(winners) == 1, results
    (winner,) = winners
    loser = "Eli" if winner == "Dana" else "Dana"
    code, _out, err = results[loser]
    assert code == 1
    assert f"{winner} changed the owner of control AC-01 to “{winner}”" in err
    assert "your change was not saved" in err
    shown = finished(run_cli(*where, "controls", "show", "--engagement", "E", "--ref", "AC-01", "--json"))
    assert (json.loads(shown[1])["owner"], json.loads(shown[1])["version"]) == (winner, 2)
    postgres_server.drop_database(url)


@pytest.mark.postgresql
def test_workspace_copy_to_a_team_server_and_back_checks_every_hash(
    cli: Any, postgres_server: PostgresServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli("engagement", "create", "--name", "E")
    cli("controls", "add", "--engagement", "E", "--ref", "AC-01", "--title", "Access")
    (tmp_path / "review.pdf").write_bytes(b"%PDF-1.4 review" * 5000)
    cli("evidence", "add", "--engagement", "E", "--control", "AC-01", str(tmp_path / "review.pdf"))
    team = postgres_server.empty_database()

    there = cli("workspace", "copy", "--to", team, "--json")
    assert there.code == 0, there.err
    assert there.json()["evidence_files"] == 1 and there.json()["rows"]["control"] == 1
    again = cli("workspace", "copy", "--to", team)
    assert again.code == 1 and "is not empty" in again.err

    home = tmp_path / "home"
    back = cli("workspace", "copy", "--from", team, "--data-dir", str(home), data_dir_arg=False)
    assert back.code == 0, back.err
    assert "every SHA-256 checked" in back.out
    listed = cli(
        "evidence", "list", "--engagement", "E", "--json", "--data-dir", str(home), data_dir_arg=False
    )
    assert [row["sha256"] for row in listed.json()] == [hashlib.sha256(b"%PDF-1.4 review" * 5000).hexdigest()]
    monkeypatch.setenv("SOC_WORKBENCH_DATABASE_URL", team)
    on_server = cli("evidence", "verify", "--data-dir", str(home), data_dir_arg=False)
    assert on_server.code == 0 and "intact" in on_server.out
    postgres_server.drop_database(team)


def test_an_unreachable_server_is_one_plain_line(cli: Any, tmp_path: Path) -> None:
    url = f"postgresql://nobody@/nothing?host={tmp_path / 'no-server'}"
    result = cli("engagement", "list", "--database-url", url)
    assert result.code == 1
    assert result.err.startswith("soc-workbench: cannot reach the team server postgresql://nobody@/nothing")
    assert "Traceback" not in result.err
    wrong = cli("engagement", "list", "--database-url", "mysql://somewhere/db")
    assert wrong.code == 1 and "PostgreSQL server" in wrong.err
