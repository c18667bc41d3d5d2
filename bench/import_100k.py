"""Reading 100,000 control rows: the importer (openpyxl read-only) against python-calamine.

Writes a workbook of 100,000 valid rows (Ref, Title, Owner, Status) and times
``read_control_workbook`` (archive check, formula scan and openpyxl read-only
parse, validation) and, when it is installed, python-calamine's plain read.

    python bench/import_100k.py [--rows 100000]
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

from openpyxl import Workbook

from app.domain.workbook_layout import ALL_CONTROLS_SHEET, CONTROL_COLUMNS
from app.importers.workbook import read_control_workbook


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    headers = {column.field: column.header for column in CONTROL_COLUMNS}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "matrix.xlsx"
        book = Workbook(write_only=True)
        sheet = book.create_sheet(ALL_CONTROLS_SHEET)
        sheet.append([headers["ref"], headers["title"], headers["owner"], headers["status"]])
        for number in range(args.rows):
            sheet.append([f"C-{number:06d}", f"Control number {number}", "Alice", "implemented"])
        book.save(path)
        print(f"{args.rows:,} rows, {path.stat().st_size / 2**20:.1f} MiB")
        started = time.perf_counter()
        imported = read_control_workbook(path)
        print(
            f"read_control_workbook: {time.perf_counter() - started:.1f} s",
            f"({len(imported.controls):,} controls)",
        )
        try:
            from python_calamine import CalamineWorkbook
        except ImportError:
            print("python-calamine not installed; skipped")
            return 0
        started = time.perf_counter()
        rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(ALL_CONTROLS_SHEET).to_python()
        print(f"python-calamine to_python: {time.perf_counter() - started:.1f} s ({len(rows):,} rows)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
