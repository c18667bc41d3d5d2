"""Several processes writing one workspace at once, and a workspace that cannot be written.

Each worker is its own process running command after command (each one opening the workspace as a
separate ``soc-workbench`` run does); every command that exited 0 must be found in the database
afterwards, and no command may end in a traceback.
"""

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

WORKER = r"""
import contextlib, io, json, sys
from app.cli import main

data_dir, worker, rounds, files = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
for number in range(rounds):
    ref = f"{worker}-{number}"
    commands = [
        ("control", ref, ["controls", "add", "--engagement", "FY26", "--ref", ref, "--title", ref]),
        ("owner", ref, ["controls", "set", "--engagement", "FY26", "--ref", "SHARED", "--owner", ref]),
        ("evidence", ref, ["evidence", "add", "--engagement", "FY26", "--control", ref, "--title", ref,
                            f"{files}/{ref}.txt", f"{files}/shared.txt"]),
    ]
    for kind, value, arguments in commands:
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(["--data-dir", data_dir, *arguments])
            except SystemExit as stop:
                code = stop.code
            except BaseException as error:
                import traceback
                traceback.print_exc(file=err)
                code = "traceback"
        print(json.dumps({"kind": kind, "value": value, "code": code, "err": err.getvalue()}), flush=True)
"""


NOBODY = 65534


def run_cli(data_dir: Path, *args: str, as_nobody: bool = False) -> subprocess.CompletedProcess[str]:
    """``soc-workbench`` run in a new process; *as_nobody* runs it as the user *nobody* (``setpriv``)."""
    drop = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"] if as_nobody else []
    return subprocess.run(
        [*drop, sys.executable, "-m", "app", "--data-dir", str(data_dir), *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def shared(tmp_path: Path) -> Path:
    data_dir = tmp_path / "workspace"
    assert run_cli(data_dir, "engagement", "create", "--name", "FY26").returncode == 0
    assert (
        run_cli(
            data_dir, "controls", "add", "--engagement", "FY26", "--ref", "SHARED", "--title", "S"
        ).returncode
        == 0
    )
    files = tmp_path / "files"
    files.mkdir()
    (files / "shared.txt").write_text("the same content from every worker")
    return data_dir


def race(data_dir: Path, workers: int, rounds: int) -> list[dict[str, object]]:
    files = data_dir.parent / "files"
    for worker in range(workers):
        for number in range(rounds):
            (files / f"w{worker}-{number}.txt").write_text(f"worker {worker} round {number}")
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(data_dir), f"w{worker}", str(rounds), str(files)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for worker in range(workers)
    ]
    results = []
    for process in processes:
        out, err = process.communicate(timeout=600)
        assert process.returncode == 0 and "Traceback" not in err, err
        results += [json.loads(line) for line in out.splitlines()]
    return results


def check(data_dir: Path, results: list[dict[str, object]]) -> None:
    assert not [r for r in results if r["code"] == "traceback" or "Traceback" in str(r["err"])]
    acknowledged = [r for r in results if r["code"] == 0]
    refused = [r for r in results if r["code"] != 0]
    assert all(str(r["err"]).count("\n") == 1 for r in refused), refused
    connection = sqlite3.connect(data_dir / "workbench.db")
    try:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        refs = {row[0] for row in connection.execute("SELECT ref FROM control")}
        titles = {row[0] for row in connection.execute("SELECT title FROM evidence")}
        links = {
            row[0]
            for row in connection.execute(
                "SELECT c.ref FROM evidence_control l JOIN control c ON c.id = l.control_id"
            )
        }
        (owner,) = connection.execute("SELECT owner FROM control WHERE ref = 'SHARED'").fetchone()
    finally:
        connection.close()
    for result in acknowledged:
        if result["kind"] == "control":
            assert result["value"] in refs, result
        elif result["kind"] == "evidence":
            assert result["value"] in titles and result["value"] in links, result
    owners = [r["value"] for r in acknowledged if r["kind"] == "owner"]
    assert owner in owners
    verified = run_cli(data_dir, "evidence", "verify")
    assert verified.returncode == 0 and "Traceback" not in verified.stderr, verified.stderr
    return None


@pytest.mark.parametrize("workers", [2, 3])
def test_processes_writing_at_once_lose_no_acknowledged_write(shared: Path, workers: int) -> None:
    results = race(shared, workers, rounds=4)
    assert len(results) == workers * 4 * 3
    check(shared, results)
    assert [r for r in results if r["code"] != 0] == []  # the busy timeout let every one through


@pytest.mark.long
def test_three_processes_writing_at_length(shared: Path) -> None:
    results = race(shared, 3, rounds=25)
    check(shared, results)


# --- a workspace that cannot be written ---------------------------------------------------------


@pytest.fixture
def read_only_workspace() -> Iterator[Path]:
    """A workspace owned by *nobody* with every write permission taken away, in a folder *nobody* can
    reach; the commands run as *nobody*, for whom the permissions hold (they do not for root)."""
    folder = Path(tempfile.mkdtemp(prefix="soc-read-only-"))
    folder.chmod(0o755)
    data_dir = folder / "workspace"
    try:
        assert run_cli(data_dir, "engagement", "create", "--name", "FY26").returncode == 0
        assert (
            run_cli(
                data_dir, "controls", "add", "--engagement", "FY26", "--ref", "A-1", "--title", "x"
            ).returncode
            == 0
        )
        shutil.rmtree(data_dir / "backups")
        for path in [data_dir, *data_dir.rglob("*")]:
            os.chown(path, NOBODY, NOBODY, follow_symlinks=False)
            path.chmod(0o500 if path.is_dir() else 0o400)
        yield data_dir
    finally:
        for path in [data_dir, *data_dir.rglob("*")]:
            path.chmod(0o700)
        shutil.rmtree(folder)


@pytest.mark.skipif(
    os.name != "posix" or os.geteuid() != 0 or shutil.which("setpriv") is None,
    reason="permissions bind root only through another user: needs root and setpriv to run as nobody",
)
def test_a_read_only_workspace_reads_and_refuses_writes_in_one_line(read_only_workspace: Path) -> None:
    for reading in (
        ["engagement", "list"],
        ["controls", "list", "--engagement", "FY26"],
        ["history", "--engagement", "FY26"],
        ["evidence", "verify"],
        ["workspace", "backups"],
    ):
        result = run_cli(read_only_workspace, *reading, as_nobody=True)
        assert result.returncode == 0 and result.stderr == "", (reading, result.stderr)
    assert (
        "A-1"
        in run_cli(read_only_workspace, "controls", "list", "--engagement", "FY26", as_nobody=True).stdout
    )
    for writing in (
        ["engagement", "create", "--name", "New"],
        ["controls", "set", "--engagement", "FY26", "--ref", "A-1", "--owner", "Dana"],
    ):
        result = run_cli(read_only_workspace, *writing, as_nobody=True)
        assert result.returncode == 1, (writing, result.stdout)
        assert result.stderr.count("\n") == 1 and "is read-only" in result.stderr, (writing, result.stderr)
    assert not (read_only_workspace / "backups").exists()  # no daily copy of a workspace it cannot write
