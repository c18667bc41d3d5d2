"""Exports at scale: the workbook and the checklist PDF against bare openpyxl and reportlab.

Runs, in one go, the two measurements the export targets name (each prints
its medians, ratios and peak memory):

- ``export_workbook.py``: 5,000 controls and 20,000 evidence records, the
  workbook against a bare openpyxl write-only dump of the same cell values
  (target <= 1.3x), peak memory < 300 MB;
- ``pdf_scaling.py``: the readiness checklist at 5,000 and 20,000 controls
  against bare reportlab tables of the same rows in chunks (target <= 1.5x),
  20,000 / 5,000 (target <= 4.5x: linear), peak memory < 300 MB.

    python bench/export.py [--runs 5]
"""

import argparse
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", default="5")
    args = parser.parse_args()
    status = 0
    for script in ("export_workbook.py", "pdf_scaling.py"):
        print(f"== {script}", flush=True)
        status |= subprocess.run(
            [sys.executable, str(HERE / script), "--runs", args.runs], check=False
        ).returncode
    return status


if __name__ == "__main__":
    sys.exit(main())
