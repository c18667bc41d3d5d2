"""Output piped into ``head`` ends quietly; the main flows open no network socket."""

import subprocess
import sys
from pathlib import Path

import pytest

from app.services.controls import add_control
from app.services.engagements import create_engagement
from app.services.workspace import open_workspace

NO_SOCKETS = """
import socket, sys
class NoSocket(socket.socket):
    def __init__(self, *args, **kwargs):
        raise OSError("network sockets are not allowed in this test")
def refuse(*args, **kwargs):
    raise OSError("network sockets are not allowed in this test")
socket.socket = NoSocket
socket.create_connection = refuse
socket.socketpair = refuse
from app.cli import main
sys.exit(main())
"""


@pytest.fixture
def many_controls(data_dir: Path) -> Path:
    workspace = open_workspace(data_dir)
    engagement = create_engagement(workspace, name="FY26")
    for number in range(400):
        add_control(workspace, engagement_id=engagement.id or 0, ref=f"C-{number:03d}", title="x" * 200)
    workspace.close()
    return data_dir


@pytest.mark.parametrize(
    "command",
    [
        ["controls", "list", "--engagement", "FY26"],
        ["controls", "list", "--engagement", "FY26", "--json"],
        ["criteria"],
    ],
)
def test_output_piped_into_head_ends_quietly(many_controls: Path, command: list[str]) -> None:
    shell = subprocess.run(
        f"{sys.executable} -m app --data-dir '{many_controls}' {' '.join(command)} | head -n 1; "
        "exit ${PIPESTATUS[0]}",
        shell=True,
        executable="/bin/bash",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert shell.stderr == ""
    assert shell.returncode == 0
    assert shell.stdout.count("\n") == 1


def test_the_main_flows_run_with_socket_creation_failing(data_dir: Path, tmp_path: Path) -> None:
    evidence = tmp_path / "e.txt"
    evidence.write_text("evidence")
    steps = [
        ["engagement", "create", "--name", "FY26"],
        ["controls", "seed", "--engagement", "FY26"],
        ["evidence", "add", "--engagement", "FY26", str(evidence)],
        ["export", "xlsx", "--engagement", "FY26", "-o", str(tmp_path / "w.xlsx")],
        ["export", "package", "--engagement", "FY26", "-o", str(tmp_path / "p.zip")],
        ["controls", "import", "--engagement", "FY26", str(tmp_path / "w.xlsx")],
        ["evidence", "verify"],
    ]
    for step in steps:
        result = subprocess.run(
            [sys.executable, "-c", NO_SOCKETS, "--data-dir", str(data_dir), *step],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, (step, result.stderr)
        assert "Traceback" not in result.stderr
