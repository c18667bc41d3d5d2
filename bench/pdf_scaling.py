"""Time of the readiness checklist PDF against bare reportlab tables of the same rows.

For N and 4N controls spread over the Trust Services Criteria, each run is a
fresh process that builds the data, then times one export only (imports and
font loading excluded). The floor is bare reportlab: the same rows as plain
strings in chunked ``Table``s of 250 rows (header repeated, DejaVu font,
nothing else) built by ``SimpleDocTemplate``, in two forms: "bare" writes
each cell on one line (long titles run over their column), "bare-wrapped"
breaks them into the lines the checklist shows, so it draws the same text.

Prints the median wall and CPU time of each, the ratios checklist / bare
(target <= 1.5), the ratio 4N / N of the checklist (target <= 4.5: linear)
and the peak resident memory of the export processes (target < 300 MB).

    python bench/pdf_scaling.py [--controls 5000] [--runs 5]
"""

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

RUN = r"""
import json, random, resource, sys, tempfile, time
from datetime import datetime
from pathlib import Path

from app.domain.catalog import load_catalog
from app.domain.vocab import Status, label
from app.exporters.checklists import (
    ChecklistControl, ChecklistCriterion, ChecklistHeader, ChecklistSection, write_readiness_checklist,
)

mode, count = sys.argv[1], int(sys.argv[2])
words = (
    "review access change approve backup restore quarterly monthly privileged user vendor incident "
    "response logging monitor encryption key firewall rule onboarding offboarding ticket security "
    "awareness training policy risk assessment production deploy code test segregation alert"
).split()
rng = random.Random(7)
criteria = load_catalog().criteria
statuses = [status.value for status in Status]
controls = [
    ChecklistControl(
        f"CTL-{number:05d}",
        " ".join(rng.choice(words) for _ in range(rng.randint(4, 18))).capitalize(),
        rng.choice(["Jörg Müller", "Ana Souza", "Chloé Lefèvre", "IT operations", "Søren Ødegård"]),
        rng.choice(statuses),
        rng.randint(0, 12),
        rng.random() < 0.3,
    )
    for number in range(count)
]
by_criterion = {criterion.id: [] for criterion in criteria}
for number, control in enumerate(controls):
    by_criterion[criteria[number % len(criteria)].id].append(control)
catalog = load_catalog()
sections = [
    ChecklistSection(
        category.name,
        [ChecklistCriterion(c.id, c.title, by_criterion[c.id]) for c in catalog.in_category(category.name)],
    )
    for category in catalog.categories
]
header = ChecklistHeader("Acme Zürich AG", "FY2026 SOC 2", "SOC 2 Type 2", "1 Jan–30 Jun 2026", "Example LLP")
target = Path(tempfile.mkdtemp()) / "out.pdf"

if mode == "checklist":
    def export():
        write_readiness_checklist(target, header, sections, as_of=datetime(2026, 3, 1, 9, 0))
else:
    from reportlab.lib.pagesizes import LETTER
    from reportlab.platypus import SimpleDocTemplate, Table, TableStyle
    from app.exporters.checklists import CONTROL_COLUMNS
    from app.exporters.pdf import CELL_PADDING, FONT, register_fonts, wrap_text

    register_fonts()
    head = [name for name, _ in CONTROL_COLUMNS]
    widths = [width for _, width in CONTROL_COLUMNS]

    def export():
        rows = [
            [c.ref, c.title, c.owner, label(c.status), str(c.evidence_count), "Yes" if c.is_key else "", ""]
            for c in controls
        ]
        if mode == "bare-wrapped":
            inner = [width - 2 * CELL_PADDING for width in widths]
            rows = [[wrap_text(value, width) for value, width in zip(row, inner)] for row in rows]
        style = TableStyle([("FONT", (0, 0), (-1, -1), FONT, 8)])
        story = [
            Table([head, *rows[start:start + 250]], colWidths=widths, repeatRows=1, style=style)
            for start in range(0, len(rows), 250)
        ]
        SimpleDocTemplate(str(target), pagesize=LETTER, invariant=1).build(story)

started, cpu_started = time.perf_counter(), time.process_time()
export()
elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": elapsed, "cpu": cpu, "peak_mb": peak, "bytes": target.stat().st_size}))
"""


def run_once(mode: str, count: int) -> dict[str, float]:
    """One export in a fresh process: its time, peak memory and file size."""
    done = subprocess.run(
        [sys.executable, "-c", RUN, mode, str(count)], cwd=ROOT, capture_output=True, text=True, check=True
    )
    result: dict[str, float] = json.loads(done.stdout)
    return result


MODES = ("bare", "bare-wrapped", "checklist")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--controls", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()
    sizes = (options.controls, 4 * options.controls)
    results: dict[tuple[str, int], list[dict[str, float]]] = {(m, n): [] for m in MODES for n in sizes}
    for _ in range(options.runs):
        for key in results:
            results[key].append(run_once(*key))
    wall = {key: statistics.median(run["seconds"] for run in runs) for key, runs in results.items()}
    cpu = {key: statistics.median(run["cpu"] for run in runs) for key, runs in results.items()}
    for (mode, size), runs in results.items():
        peak = max(run["peak_mb"] for run in runs)
        kilobytes = runs[0]["bytes"] / 1024
        print(
            f"{mode:12} {size:6} controls: wall {wall[mode, size]:6.2f} s  cpu {cpu[mode, size]:6.2f} s"
            f"  {kilobytes:7.0f} KB  peak {peak:4.0f} MB"
        )
    for size in sizes:
        for floor in ("bare", "bare-wrapped"):
            ratio = wall["checklist", size] / wall[floor, size]
            cpu_ratio = cpu["checklist", size] / cpu[floor, size]
            print(f"checklist / {floor} at {size}: {ratio:.2f} (cpu {cpu_ratio:.2f}; target <= 1.5)")
    small, large = sizes
    growth = wall["checklist", large] / wall["checklist", small]
    cpu_growth = cpu["checklist", large] / cpu["checklist", small]
    print(f"checklist {large} / {small}: {growth:.2f} (cpu {cpu_growth:.2f}; target <= 4.5)")


if __name__ == "__main__":
    main()
