"""The auditor workbook at scale against a bare openpyxl dump of the same cells.

Builds an engagement in memory (5,000 controls mapped to about three criteria
each, 20,000 evidence records, one change-log row per control), then times,
alternating runs (median of --runs):

- export: ``write_workbook`` of that engagement (every sheet, styles, drop-down
  lists, print setup, deterministic zip, atomic rename);
- baseline: a bare ``Workbook(write_only=True)`` dump of the same cell values
  (read back from the exported file beforehand): same sheets, same rows, no
  styles.

Prints both medians and their ratio (target <= 1.3), then the peak resident
memory of a separate process that builds the engagement and exports it once
(target < 300 MB).

    python bench/export_workbook.py [--controls 5000] [--evidence 20000] [--runs 5]
"""

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook

from app.domain.catalog import load_catalog
from app.domain.controls import ControlRow
from app.domain.evidence import EvidenceRow
from app.domain.readiness import compute_readiness
from app.domain.vocab import ControlType, Frequency, Nature, Status
from app.exporters.workbook import WorkbookData, write_workbook

AS_OF = datetime(2026, 3, 2, 10, 30)
CATEGORIES = ("Security", "Availability", "Confidentiality")
WORDS = (
    "access review backup restore change approval vendor incident monitoring encryption training "
    "onboarding offboarding policy risk scan patch alert firewall laptop quarterly manager ticket evidence"
).split()


class Change:
    """A change-log row as the workbook reads it."""

    def __init__(self, at: datetime, ref: str, title: str) -> None:
        self.at, self.entity, self.entity_ref, self.field = at, "control", ref, "created"
        self.old_value, self.new_value = None, title


def words(rng: random.Random, count: int) -> str:
    return " ".join(rng.choices(WORDS, k=count))


def build(controls: int, evidence: int) -> WorkbookData:
    """A synthetic engagement of realistic size and text lengths (fixed seed)."""
    rng = random.Random(7)
    criteria = [c.id for c in load_catalog().criteria if c.category in CATEGORIES]
    rows = [
        ControlRow(
            id=n,
            engagement_id=1,
            ref=f"C-{n:05d}",
            title=words(rng, 4).capitalize(),
            description=("=" if n % 100 == 0 else "") + words(rng, 40),
            criteria=sorted(rng.sample(criteria, 3), key=criteria.index),
            owner=rng.choice(["Dana", "Sam", "Lee", "Priya", ""]),
            frequency=rng.choice(list(Frequency)).value,
            nature=rng.choice(list(Nature)).value,
            control_type=rng.choice(list(ControlType)).value,
            is_key=rng.random() < 0.4,
            systems="Okta, AWS",
            expected_evidence=words(rng, 12),
            test_procedure=words(rng, 15),
            population_source="Jira export",
            status=rng.choice(list(Status)).value,
            gap=words(rng, 8) if n % 3 == 0 else "",
            remediation_owner="Dana" if n % 3 == 0 else "",
            remediation_due=date(2026, 1, 1) + timedelta(days=n % 200) if n % 3 == 0 else None,
            notes=words(rng, 6),
        )
        for n in range(1, controls + 1)
    ]
    records = [
        EvidenceRow(
            id=n,
            engagement_id=1,
            title=words(rng, 5).capitalize(),
            file_name=f"evidence-{n:05d}.pdf",
            size=rng.randrange(1_000, 5_000_000),
            sha256=rng.randbytes(32).hex(),
            media_type="application/pdf",
            collected_on=date(2026, 1, 1) + timedelta(days=n % 60),
            covers_from=date(2026, 1, 1),
            covers_to=date(2026, 1, 31),
            source_system="Okta",
            notes=words(rng, 6) if n % 2 else "",
            controls=[f"C-{rng.randrange(1, controls + 1):05d}" for _ in range(rng.randrange(1, 4))],
        )
        for n in range(1, evidence + 1)
    ]
    changes = [Change(AS_OF - timedelta(minutes=n), row.ref, row.title) for n, row in enumerate(rows)]
    return WorkbookData(
        company="Bench Co",
        engagement_name="Bench Co 2026",
        system_name="Bench Cloud",
        report_kinds=["SOC 2"],
        report_type="Type 2",
        categories_in_scope=CATEGORIES,
        period_start=date(2026, 1, 1),
        period_end=date(2026, 6, 30),
        as_of_date=None,
        auditor_firm="Numbers LLP",
        controls=rows,
        readiness=compute_readiness(rows, CATEGORIES, today=AS_OF.date()),
        evidence=records,
        changes=changes,
    )


def cell_values(path: Path) -> list[tuple[str, list[tuple[Any, ...]]]]:
    """Every sheet's title and rows of values, as the exported workbook holds them."""
    workbook = load_workbook(path, read_only=True)
    try:
        return [(sheet.title, list(sheet.iter_rows(values_only=True))) for sheet in workbook.worksheets]
    finally:
        workbook.close()


def bare_dump(path: Path, sheets: list[tuple[str, list[tuple[Any, ...]]]]) -> None:
    """The baseline: the same values through openpyxl's write-only mode and nothing else."""
    workbook = Workbook(write_only=True)
    for title, rows in sheets:
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    workbook.save(path)


def timed(action: Any) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def peak_memory(controls: int, evidence: int, folder: Path) -> int:
    """Peak resident bytes of a fresh process that builds the engagement and exports it once."""
    command = [sys.executable, __file__, "--child", str(folder / "child.xlsx")]
    command += ["--controls", str(controls), "--evidence", str(evidence)]
    process = subprocess.Popen(command)
    _, status, usage = os.wait4(process.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit("the export process failed")
    return usage.ru_maxrss * 1024  # Linux reports KiB


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--controls", type=int, default=5_000)
    parser.add_argument("--evidence", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--child", metavar="TARGET", help=argparse.SUPPRESS)
    args = parser.parse_args()
    data = build(args.controls, args.evidence)
    if args.child:
        write_workbook(Path(args.child), data, as_of=AS_OF)
        return
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        export_path, bare_path = folder / "export.xlsx", folder / "bare.xlsx"
        write_workbook(export_path, data, as_of=AS_OF)
        sheets = cell_values(export_path)
        total = sum(len(rows) for _, rows in sheets)
        print(f"{args.controls} controls, {args.evidence} evidence: {len(sheets)} sheets, {total} rows")
        exports, bares = [], []
        for _ in range(args.runs):
            exports.append(timed(lambda: write_workbook(export_path, data, as_of=AS_OF)))
            bares.append(timed(lambda: bare_dump(bare_path, sheets)))
        export, bare = statistics.median(exports), statistics.median(bares)
        print(f"export   median {export:6.2f} s  (runs: {', '.join(f'{t:.2f}' for t in exports)})")
        print(f"baseline median {bare:6.2f} s  (runs: {', '.join(f'{t:.2f}' for t in bares)})")
        print(f"ratio {export / bare:.2f} (target <= 1.3)")
        print(f"file sizes: export {export_path.stat().st_size:,} B, baseline {bare_path.stat().st_size:,} B")
        peak = peak_memory(args.controls, args.evidence, folder)
        print(f"peak resident memory of an export process: {peak / 2**20:.0f} MB (target < 300 MB)")


if __name__ == "__main__":
    main()
