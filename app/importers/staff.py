# mypy: disable-error-code="import-untyped"
"""Reading staff lists and returned sign-off sheets from CSV files and ``.xlsx`` workbooks.

This module only turns a file into rows of cell values; the rules (header
row, column names, dates, merging) live in :mod:`app.domain.staff`. Files are
read through :mod:`app.importers.safe_files`: only regular files (after
resolving links), at most :data:`MAX_FILE_BYTES`, workbooks checked as
archives before they are parsed. Every row is read whatever the sheet
declares its size to be, and a formula without a saved value is reported by
cell rather than read as empty. Every failure is
:class:`~app.importers.safe_files.UnreadableFileError` with one plain line.
"""

import csv
import io
from collections.abc import Sequence
from datetime import date
from itertools import zip_longest
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from app.domain.policies import PolicyRow
from app.domain.staff import (
    SignoffImport,
    StaffImport,
    StaffRow,
    TableError,
    parse_signoff_sheet,
    parse_staff_list,
)
from app.domain.tabular import column_letter
from app.importers.safe_files import ArchiveLimits, UnreadableFileError, check_xlsx_archive, read_regular_file

LIMITS = ArchiveLimits()
"""A staff list, sign-off sheet or population: at most 20 MB, expanding to at most 200 MB."""
MAX_FILE_BYTES = LIMITS.max_file_bytes
MAX_ROWS = 100_000
MAX_COLUMNS = 200
CSV_SUFFIXES = frozenset({".csv", ".txt", ".tsv"})
WORKBOOK_SUFFIXES = frozenset({".xlsx", ".xlsm"})
CSV_DELIMITERS = (",", ";", "\t")
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"
"""The container of old ``.xls`` workbooks and of password-protected ``.xlsx`` files."""

Rows = list[tuple[Any, ...]]


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _delimiter(text: str) -> str:
    """The delimiter splitting most of the first lines into several fields."""
    sample = text.splitlines()[:50]

    def score(delimiter: str) -> tuple[int, int]:
        try:
            rows = list(csv.reader(sample, delimiter=delimiter))
        except csv.Error:
            return (0, 0)
        return sum(len(row) > 1 for row in rows), max((len(row) for row in rows), default=0)

    return max(CSV_DELIMITERS, key=score)


def _csv_rows(data: bytes, name: str) -> Rows:
    text = _decode(data)
    if "\x00" in text:
        raise UnreadableFileError(f"{name} is not a text file; import a CSV file or an .xlsx workbook")
    rows: Rows = []
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text)):
            if len(rows) >= MAX_ROWS:
                raise UnreadableFileError(f"{name} has more than {MAX_ROWS:,} rows")
            rows.append(tuple(row[:MAX_COLUMNS]))
    except csv.Error as error:
        raise UnreadableFileError(f"{name} cannot be read as CSV: {error}") from None
    return rows


def _pick_sheet(workbook: Any, sheet: str | None, name: str) -> str:
    if sheet is None:
        return str(workbook.sheetnames[0])
    names = {title.casefold(): title for title in workbook.sheetnames}
    found = names.get(sheet.strip().casefold())
    if found is None:
        raise UnreadableFileError(f"{name} has no sheet “{sheet}” (it has: {', '.join(workbook.sheetnames)})")
    return str(found)


def _workbook_rows(data: bytes, name: str, sheet: str | None) -> Rows:
    check_xlsx_archive(io.BytesIO(data), LIMITS, name=name)
    try:
        values = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        formulas = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as error:  # openpyxl fails on a damaged file in many ways
        raise UnreadableFileError(f"{name} cannot be read as an Excel workbook (.xlsx): {error}") from None
    try:
        title = _pick_sheet(values, sheet, name)
        value_sheet, formula_sheet = values[title], formulas[title]
        value_sheet.reset_dimensions()  # never trust the declared size: read every row there is
        formula_sheet.reset_dimensions()
        pairs = zip_longest(
            value_sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS),
            formula_sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS),
            fillvalue=(),
        )
        rows: Rows = []
        for number, (cells, written) in enumerate(pairs, 1):
            if number > MAX_ROWS:
                raise UnreadableFileError(f"{name} has more than {MAX_ROWS:,} rows on the sheet “{title}”")
            for index, cell in enumerate(cells):
                formula = written[index] if index < len(written) else None
                if cell is None and isinstance(formula, str) and formula.startswith("="):
                    raise UnreadableFileError(
                        f"cell {column_letter(index)}{number} of {name} holds a formula without a saved "
                        "value; "
                        "open the file in a spreadsheet program, save it and import it again"
                    )
            rows.append(tuple(cells))
        return rows
    except UnreadableFileError:
        raise
    except Exception as error:  # a damaged sheet part surfaces only while its rows are read
        raise UnreadableFileError(f"the sheet of {name} is damaged: {error}") from None
    finally:
        values.close()
        formulas.close()


def read_table(path: Path, *, sheet: str | None = None) -> Rows:
    """The rows of a CSV file or of one sheet of an ``.xlsx`` workbook (the first, or *sheet*).

    CSV files may be UTF-8 (with or without a byte-order mark), UTF-16 or
    Windows-1252, separated by commas, semicolons or tabs. Raises
    :class:`UnreadableFileError` for anything else.
    """
    path = Path(path)
    data = read_regular_file(path, MAX_FILE_BYTES)
    suffix = path.suffix.casefold()
    if data.startswith(OLE_MAGIC) or suffix == ".xls":
        raise UnreadableFileError(
            f"{path.name} is an old Excel file or a password-protected workbook; "
            "save it as .xlsx without a password, or as CSV, and import that"
        )
    if suffix in WORKBOOK_SUFFIXES or (suffix not in CSV_SUFFIXES and data.startswith(ZIP_MAGIC)):
        return _workbook_rows(data, path.name, sheet)
    return _csv_rows(data, path.name)


def read_staff_file(path: Path, *, sheet: str | None = None, day_first: bool | None = None) -> StaffImport:
    """The staff list in the file at *path* (see :func:`app.domain.staff.parse_staff_list`)."""
    rows = read_table(path, sheet=sheet)
    try:
        return parse_staff_list(rows, day_first=day_first)
    except TableError as error:
        raise UnreadableFileError(f"{Path(path).name}: {error}") from None


def read_signoff_file(
    path: Path,
    *,
    policies: Sequence[PolicyRow],
    staff: Sequence[StaffRow],
    today: date,
    policy_key: str | None = None,
    sheet: str | None = None,
    day_first: bool | None = None,
) -> SignoffImport:
    """The acknowledgements on the sign-off sheet at *path*.

    See :func:`app.domain.staff.parse_signoff_sheet`.
    """
    rows = read_table(path, sheet=sheet)
    try:
        return parse_signoff_sheet(
            rows, policies=policies, staff=staff, today=today, policy_key=policy_key, day_first=day_first
        )
    except TableError as error:
        raise UnreadableFileError(f"{Path(path).name}: {error}") from None
