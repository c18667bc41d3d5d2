"""Crash harness: real CLI processes SIGKILLed at random moments; after each kill the workspace
must pass ``integrity_check``, hold exactly the state before or after, leave no partial file at the
target, lose its scratch files on the next start, and open.

    python tests/crash/harness.py [--kills 40] [--seed 1]

Bounded by the number of kills (about 1.5 s each); ``.ci/run`` runs it with a small count.
"""

import argparse
import hashlib
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PYTHON = sys.executable


def cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PYTHON, "-m", "app", "--data-dir", str(data_dir), *args], capture_output=True, text=True
    )


def state(data_dir: Path) -> str:
    """A digest of the user's data (engagements, controls, evidence records and their links)."""
    connection = sqlite3.connect(f"file:{data_dir / 'workbench.db'}?mode=ro", uri=True)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",), "integrity_check failed"
        rows = []
        for table in ("engagement", "control", "evidence", "evidence_control", "control_criterion"):
            columns = [r[1] for r in connection.execute(f"PRAGMA table_info({table})")]
            keep = [c for c in columns if c not in ("created_at", "updated_at", "added_at")]
            rows += [repr(r) for r in connection.execute(f"SELECT {', '.join(keep)} FROM {table} ORDER BY 1")]
        return hashlib.sha256("\n".join(rows).encode()).hexdigest()
    finally:
        connection.close()


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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    chance = random.Random(args.seed)
    killed = finished = 0
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        evidence = root / "evidence.bin"
        evidence.write_bytes(os.urandom(8 << 20))
        template = root / "template"
        assert cli(template, "engagement", "create", "--name", "FY26").returncode == 0
        assert (
            cli(
                template, "controls", "add", "--engagement", "FY26", "--ref", "A-1", "--title", "x"
            ).returncode
            == 0
        )
        assert (
            cli(template, "export", "xlsx", "--engagement", "FY26", "-o", str(root / "w.xlsx")).returncode
            == 0
        )
        flows = {
            "evidence add": ["evidence", "add", "--engagement", "FY26", str(evidence)],
            "controls seed": ["controls", "seed", "--engagement", "FY26"],
            "controls import": ["controls", "import", "--engagement", "FY26", "--yes", str(root / "w.xlsx")],
            "export package": [
                "export",
                "package",
                "--engagement",
                "FY26",
                "-o",
                str(root / "out" / "p.zip"),
            ],
        }
        (root / "out").mkdir()
        for number in range(args.kills):
            name = chance.choice(sorted(flows))
            data_dir = root / f"ws{number}"
            subprocess.run(["cp", "-a", str(template), str(data_dir)], check=True)
            before = state(data_dir)
            reference = root / f"ref{number}"
            subprocess.run(["cp", "-a", str(template), str(reference)], check=True)
            assert cli(reference, *flows[name]).returncode == 0, name
            after = state(reference)
            command = [PYTHON, "-m", "app", "--data-dir", str(data_dir), *flows[name]]
            if run_killed(command, chance.uniform(0.3, 2.5)):
                killed += 1
            else:
                finished += 1
            now = state(data_dir)
            assert now in (before, after), f"{name}: state is neither before nor after"
            target = root / "out" / "p.zip"
            leftovers = [p.name for p in (root / "out").iterdir() if p.name != "p.zip"]
            assert not leftovers, f"{name}: files left in the export folder: {leftovers}"
            if target.exists():
                import zipfile

                assert zipfile.ZipFile(target).testzip() is None, "partial package at the target"
                target.unlink()
            opened = cli(data_dir, "evidence", "verify", "--repair")
            assert opened.returncode == 0 and "Traceback" not in opened.stderr, (name, opened.stderr)
            scratch = data_dir / "scratch"
            left = [p.name for p in scratch.iterdir()] if scratch.exists() else []
            incoming = [p.name for p in (data_dir / "evidence" / ".incoming").iterdir()]
            assert not left and not incoming, f"{name}: scratch survived the next start: {left} {incoming}"
            subprocess.run(["rm", "-rf", str(data_dir), str(reference)], check=True)
    print(f"crash harness: {killed} kills, {finished} runs finished first; every state was before or after")
    return 0


if __name__ == "__main__":
    sys.exit(main())
