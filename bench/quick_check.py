"""What ``PRAGMA quick_check`` costs when a workspace opens, on a database of 5,000 controls.

Builds a workspace with one engagement of 5,000 controls (each with a few
hundred characters of text and two criteria, and their change-log entries),
then times, each as the median of several runs on a warm file cache:
``PRAGMA quick_check`` alone, opening the workspace as the app does (which
runs it), and the same opening without it. Compare the difference with the
start-up figures of ``bench/startup.py``.

    python bench/quick_check.py [--controls 5000] [--runs 9]
"""

import argparse
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

from app.db import engine as database
from app.db.models import utcnow
from app.services.controls import criterion_ids, insert_controls
from app.services.engagements import create_engagement, engagement_in
from app.services.workspace import open_workspace

TEXT = "Quarterly review of user access to the production systems by the system owners. " * 4


def build(data_dir: Path, count: int) -> None:
    workspace = open_workspace(data_dir)
    engagement = create_engagement(workspace, name="Bench")
    with workspace.writing() as session:
        rows = [
            (
                {"ref": f"C-{n:05d}", "title": f"Control {n}", "description": TEXT, "test_procedure": TEXT},
                ["CC6.1", "CC6.2"],
            )
            for n in range(count)
        ]
        known = criterion_ids(session, engagement_in(session, engagement.id).framework)
        insert_controls(
            session,
            engagement=engagement_in(session, engagement.id),
            rows=rows,
            known_criteria=known,
            now=utcnow(),
        )
        session.commit()
    workspace.close()


def median_ms(action: object, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()  # type: ignore[operator]
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--controls", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        data_dir = Path(folder) / "workspace"
        build(data_dir, args.controls)
        path = data_dir / "workbench.db"

        def quick_check() -> None:
            connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            assert connection.execute("PRAGMA quick_check").fetchone() == ("ok",)
            connection.close()

        def open_and_close() -> None:
            open_workspace(data_dir).close()

        checked = median_ms(open_and_close, args.runs)
        alone = median_ms(quick_check, args.runs)
        inspect = database.inspect_database
        database.inspect_database = lambda p, *, read_only, check=True: inspect(
            p, read_only=read_only, check=False
        )
        try:
            unchecked = median_ms(open_and_close, args.runs)
        finally:
            database.inspect_database = inspect
        size = path.stat().st_size / 2**20
    print(f"{args.controls:,} controls, database {size:.1f} MiB")
    print(f"PRAGMA quick_check alone: median {alone:.1f} ms over {args.runs} runs")
    print(f"open_workspace with the check: {checked:.1f} ms; without it: {unchecked:.1f} ms")
    print(f"the check adds {checked - unchecked:.1f} ms to each opening of the workspace")
    return 0


if __name__ == "__main__":
    sys.exit(main())
