# mypy: disable-error-code="import-untyped"
"""Reading staff lists and returned sign-off sheets from CSV files and ``.xlsx`` workbooks.

This module only turns a file into rows of cell values; the rules (header
row, column names, dates, merging) live in :mod:`app.domain.staff`. Files are
read defensively: only regular files (after resolving links), at most
:data:`MAX_FILE_BYTES`, workbooks checked as archives before they are parsed,
every row read whatever the sheet declares its size to be, and a formula
without a saved value reported by cell rather than read as empty. These
checks are local to this importer until the shared file-safety module of the
reliability work lands; the lead merges them there. Every failure is
:class:`UnreadableFileError` with one plain line.
"""

import csv
import io
import stat
import zipfile
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

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ROWS = 100_000
MAX_COLUMNS = 200
MAX_ARCHIVE_ENTRIES = 1_000
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
CSV_SUFFIXES = frozenset({".csv", ".txt", ".tsv"})
WORKBOOK_SUFFIXES = frozenset({".xlsx", ".xlsm"})
CSV_DELIMITERS = (",", ";", "\t")
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"
"""The container of old ``.xls`` workbooks and of password-protected ``.xlsx`` files."""

Rows = list[tuple[Any, ...]]


class UnreadableFileError(Exception):
    """The file cannot be read as a table; the message is one plain line naming the file."""


def _read_bytes(path: Path) -> bytes:
    """The file's content, refused unless it is a regular file within the size limit."""
    name = path.name
    try:
        resolved = path.resolve(strict=True)
        info = resolved.stat()
    except FileNotFoundError:
        raise UnreadableFileError(f"{path} does not exist") from None
    except OSError as error:
        raise UnreadableFileError(f"cannot open {path}: {error.strerror or error}") from None
    if not stat.S_ISREG(info.st_mode):
        raise UnreadableFileError(f"{name} is not a regular file; import a CSV file or an .xlsx workbook")
    if info.st_size > MAX_FILE_BYTES:
        raise UnreadableFileError(f"{name} is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
    try:
        with resolved.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise UnreadableFileError(f"cannot read {name}: {error.strerror or error}") from None
    if len(data) > MAX_FILE_BYTES:
        raise UnreadableFileError(f"{name} is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
    return data


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


def _check_archive(data: bytes, name: str) -> None:
    """Refuse a workbook whose archive would cost far more to open than it weighs."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise UnreadableFileError(f"{name} is not an Excel workbook (.xlsx); it may be damaged") from None
    with archive:
        entries = archive.infolist()
        if len(entries) > MAX_ARCHIVE_ENTRIES:
            raise UnreadableFileError(
                f"{name} holds more than {MAX_ARCHIVE_ENTRIES} parts; it is not a staff list"
            )
        total = sum(entry.file_size for entry in entries)
        if total > MAX_UNCOMPRESSED_BYTES:
            limit = MAX_UNCOMPRESSED_BYTES // (1024 * 1024)
            raise UnreadableFileError(f"{name} unpacks to more than {limit} MB; it is not a staff list")
        for entry in entries:
            if entry.file_size > 1024 * 1024 and entry.file_size > MAX_COMPRESSION_RATIO * max(
                entry.compress_size, 1
            ):
                raise UnreadableFileError(
                    f"{name} is compressed more than {MAX_COMPRESSION_RATIO} to 1 ({entry.filename}); refused"
                )


def _pick_sheet(workbook: Any, sheet: str | None, name: str) -> str:
    if sheet is None:
        return str(workbook.sheetnames[0])
    names = {title.casefold(): title for title in workbook.sheetnames}
    found = names.get(sheet.strip().casefold())
    if found is None:
        raise UnreadableFileError(f"{name} has no sheet “{sheet}” (it has: {', '.join(workbook.sheetnames)})")
    return str(found)


def _workbook_rows(data: bytes, name: str, sheet: str | None) -> Rows:
    _check_archive(data, name)
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
    data = _read_bytes(path)
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
