"""Crash harness: real CLI processes SIGKILLed at random moments and at the N-th write, sync or rename;
after each kill the workspace must pass ``integrity_check``, hold exactly the state before or after,
leave no partial file at the target, lose its scratch files on the next start, and open.

    python tests/crash/harness.py [--kills 40] [--seed 1]

Flows: evidence add, controls seed, controls import, export package, and the upgrade of a workspace
made at schema 0003. Half the kills come at a random moment; the other half, where ``strace`` is
installed, come from ``strace -f -e inject=SYSCALL:signal=KILL:when=N`` at the N-th ``write``,
``fsync``/``fdatasync`` or ``rename`` the flow makes. Bounded by the number of kills (a few seconds
each); ``.ci/run`` runs it with a small count and prints the figures.
"""

import argparse
import hashlib
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import zipfile
from collections import Counter
from pathlib import Path

PYTHON = sys.executable
OLD_REVISION = "0003"
SYSCALLS = {
    "write": "write,pwrite64",
    "sync": "fsync,fdatasync",
    "rename": "rename,renameat,renameat2",
}
"""The system calls a kill may come at, by the name the figures give them."""


def cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PYTHON, "-m", "app", "--data-dir", str(data_dir), *args], capture_output=True, text=True
    )


def state(data_dir: Path) -> str:
    """A digest of the schema revision and the user's data (engagements, controls, evidence, links)."""
    connection = sqlite3.connect(f"file:{data_dir / 'workbench.db'}?mode=ro", uri=True)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",), "integrity_check failed"
        rows = [repr(connection.execute("SELECT version_num FROM alembic_version").fetchall())]
        for table in ("engagement", "control", "evidence", "evidence_control", "control_criterion"):
            columns = [r[1] for r in connection.execute(f"PRAGMA table_info({table})")]
            keep = [c for c in columns if c not in ("created_at", "updated_at", "added_at")]
            rows += [repr(r) for r in connection.execute(f"SELECT {', '.join(keep)} FROM {table} ORDER BY 1")]
        return hashlib.sha256("\n".join(rows).encode()).hexdigest()
    finally:
        connection.close()


def old_workspace(folder: Path) -> None:
    """A workspace made by the migrations up to :data:`OLD_REVISION`, holding an engagement and controls."""
    from alembic import command
    from sqlalchemy import text

    from app.db.engine import make_engine
    from app.db.migrate import alembic_config

    folder.mkdir()
    engine = make_engine(folder / "workbench.db")
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, OLD_REVISION)
        connection.execute(
            text(
                "INSERT INTO engagement (name, company, system_name, system_description, business_type,"
                " report_kinds, categories, framework, auditor_firm, created_at, updated_at) VALUES"
                " ('FY25', 'Old Co', '', '', '', '[]', '[]', 'tsc-2017', '', '2025-01-01', '2025-01-01')"
            )
        )
        for number in range(200):
            connection.execute(
                text(
                    "INSERT INTO control (engagement_id, ref, title, description, owner, is_key, status,"
                    " systems, expected_evidence, test_procedure, population_source, gap, remediation_owner,"
                    " exceptions, management_response, dependency, notes, created_at, updated_at) VALUES"
                    f" (1, 'OLD-{number:03d}', 'Old control {number}', 'kept', 'Dana', 0, 'implemented',"
                    " '', '', '', '', '', '', '', '', '', '', '2025-01-01', '2025-01-01')"
                )
            )
    engine.dispose()


def run_killed(command: list[str], delay: float) -> bool:
    """Start *command*, SIGKILL it after *delay* seconds; returns True when it was killed."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + delay
    while time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.005)
    if process.poll() is None:
        process.send_signal(signal.SIGKILL)
        process.wait()
        return True
    return False


def run_injected(command: list[str], syscalls: str, when: int) -> bool:
    """Run *command* under strace, SIGKILLed by it at the *when*-th of *syscalls*; True when killed."""
    traced = ["strace", "-f", "-qq", "-o", os.devnull, "-e", f"inject={syscalls}:signal=KILL:when={when}"]
    result = subprocess.run([*traced, *command], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return result.returncode != 0


def count_calls(command: list[str], log: Path) -> Counter[str]:
    """How many calls of each of :data:`SYSCALLS` a whole run of *command* makes."""
    every = ",".join(SYSCALLS.values())
    subprocess.run(["strace", "-f", "-qq", "-o", str(log), "-e", f"trace={every}", *command], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    names = Counter(match[1] for match in re.finditer(r"^\d+\s+(\w+)\(", log.read_text(), re.MULTILINE))
    return Counter({name: sum(names[c] for c in calls.split(",")) for name, calls in SYSCALLS.items()})


def check_after_kill(name: str, data_dir: Path, root: Path, allowed: tuple[str, str]) -> None:
    now = state(data_dir)
    assert now in allowed, f"{name}: state is neither before nor after"
    target = root / "out" / "p.zip"
    leftovers = [p.name for p in (root / "out").iterdir() if p.name != "p.zip"]
    assert not leftovers, f"{name}: files left in the export folder: {leftovers}"
    if target.exists():
        assert zipfile.ZipFile(target).testzip() is None, "partial package at the target"
        target.unlink()
    opened = cli(data_dir, "evidence", "verify", "--repair")
    assert opened.returncode == 0 and "Traceback" not in opened.stderr, (name, opened.stderr)
    scratch = data_dir / "scratch"
    left = [p.name for p in scratch.iterdir()] if scratch.exists() else []
    incoming = [p.name for p in (data_dir / "evidence" / ".incoming").iterdir()]
    assert not left and not incoming, f"{name}: scratch survived the next start: {left} {incoming}"
    backups = [p.name for p in data_dir.glob("workbench.before-*")]
    assert len(backups) <= 1, f"{name}: more than one copy before the upgrade: {backups}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    chance = random.Random(args.seed)
    tracing = shutil.which("strace") is not None
    outcomes: Counter[str] = Counter()
    kills_per_flow: Counter[str] = Counter()
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        evidence = root / "evidence.bin"
        evidence.write_bytes(os.urandom(8 << 20))
        template = root / "template"
        assert cli(template, "engagement", "create", "--name", "FY26").returncode == 0
        added = cli(template, "controls", "add", "--engagement", "FY26", "--ref", "A-1", "--title", "x")
        assert added.returncode == 0
        exported = cli(template, "export", "xlsx", "--engagement", "FY26", "-o", str(root / "w.xlsx"))
        assert exported.returncode == 0
        old_workspace(root / "old")
        (root / "out").mkdir()
        workbook, package = str(root / "w.xlsx"), str(root / "out" / "p.zip")
        flows = {
            "evidence add": (template, ["evidence", "add", "--engagement", "FY26", str(evidence)]),
            "controls seed": (template, ["controls", "seed", "--engagement", "FY26"]),
            "controls import": (template, ["controls", "import", "--engagement", "FY26", "--yes", workbook]),
            "export package": (template, ["export", "package", "--engagement", "FY26", "-o", package]),
            "upgrade from 0003": (root / "old", ["engagement", "list"]),
        }
        expected: dict[str, tuple[str, str]] = {}
        calls: dict[str, Counter[str]] = {}
        for name, (source, arguments) in flows.items():
            reference = root / "reference"
            subprocess.run(["cp", "-a", str(source), str(reference)], check=True)
            before = state(reference)
            command = [PYTHON, "-m", "app", "--data-dir", str(reference), *arguments]
            if tracing:
                calls[name] = count_calls(command, root / "strace.log")
                subprocess.run(["rm", "-rf", str(reference)], check=True)
                subprocess.run(["cp", "-a", str(source), str(reference)], check=True)
            assert cli(reference, *arguments).returncode == 0, name
            expected[name] = (before, state(reference))
            (root / "out" / "p.zip").unlink(missing_ok=True)
            subprocess.run(["rm", "-rf", str(reference)], check=True)
        for number in range(args.kills):
            name = chance.choice(sorted(flows))
            source, arguments = flows[name]
            data_dir = root / f"ws{number}"
            subprocess.run(["cp", "-a", str(source), str(data_dir)], check=True)
            command = [PYTHON, "-m", "app", "--data-dir", str(data_dir), *arguments]
            if tracing and number % 2:
                kind = chance.choice(sorted(k for k, count in calls[name].items() if count))
                when = chance.randint(1, calls[name][kind])
                how = f"at {kind} call"
                killed = run_injected(command, SYSCALLS[kind], when)
            else:
                how = "at a random moment"
                killed = run_killed(command, chance.uniform(0.2, 1.5))
            outcomes[f"{'killed' if killed else 'finished'} {how}"] += 1
            kills_per_flow[name] += killed
            check_after_kill(f"{name}, {how}", data_dir, root, expected[name])
            subprocess.run(["rm", "-rf", str(data_dir)], check=True)
    killed = sum(count for outcome, count in outcomes.items() if outcome.startswith("killed"))
    figures = ", ".join(f"{count} {outcome}" for outcome, count in sorted(outcomes.items()))
    per_flow = ", ".join(f"{name} {count}" for name, count in sorted(kills_per_flow.items()))
    seconds = time.monotonic() - started
    note = "" if tracing else " (strace not installed: random moments only)"
    print(
        f"crash harness: {killed} kills of {args.kills} runs in {seconds:.0f} s ({figures}; "
        f"kills per flow: {per_flow}); every state was before or after{note}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
