# mypy: disable-error-code="import-untyped"
"""Reading the control matrix back from an auditor workbook the client edited.

Only the "All controls" sheet is read (see :mod:`app.domain.workbook_layout`;
the per-category sheets are protected views). Its header row is found by our
column labels in any letter case; columns we do not know are ignored with a
warning, and every cell of the columns we do know is validated. All problems
are collected, each with its sheet, row and column, so the client can fix
them in one pass. Nothing here writes anything.
"""

import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter
from python_calamine import CalamineWorkbook

from app.domain.workbook_layout import (
    ALL_CONTROLS_SHEET,
    CONTROL_COLUMNS,
    DERIVED_CONTROL_COLUMNS,
    REQUIRED_CONTROL_FIELDS,
    parse_matrix_value,
)
from app.importers.safe_files import (
    WORKBOOK_LIMITS,
    UnreadableFileError,
    check_xlsx_archive,
    open_regular_file,
    scan_sheet,
    sheet_part,
)
from app.source_files import display_path

MAX_ROWS = 200_000
MAX_COLUMNS = 200
"""Columns a sheet may use: far more than the matrix has, few enough that a stray cell in column XFD
cannot make a grid of 16,384 columns for every row (such a sheet is refused, naming the cell)."""
READ_SECONDS = 120
HEADER_SEARCH_ROWS = 10
"""How far down the header row may have moved (a client may add a title row above it)."""

_FIELDS_BY_HEADER = {" ".join(column.header.split()).casefold(): column for column in CONTROL_COLUMNS}
_DERIVED_HEADERS = frozenset(" ".join(column.header.split()).casefold() for column in DERIVED_CONTROL_COLUMNS)


class UnreadableWorkbookError(Exception):
    """The file is not a workbook we can read (corrupt, not .xlsx, no control matrix); one plain line."""


@dataclass(frozen=True, slots=True)
class CellError:
    """A cell whose content does not fit, located as a spreadsheet user finds it (``All controls!N7``)."""

    sheet: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.sheet}!{self.column}{self.row}: {self.message}"


@dataclass(frozen=True, slots=True)
class ImportedControl:
    """One control row: its sheet row and the value of every field the sheet has a column for."""

    row: int
    ref: str
    values: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class ImportedControls:
    """What the control matrix sheet holds; valid only when ``errors`` is empty."""

    sheet: str
    fields: tuple[str, ...]
    controls: tuple[ImportedControl, ...]
    warnings: tuple[str, ...]
    errors: tuple[CellError, ...]


def _header_key(value: Any) -> str:
    return " ".join(str(value).split()).casefold() if value is not None else ""


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


@dataclass(frozen=True)
class _Header:
    """Where the header row is and which column holds which field."""

    row: int
    fields: dict[int, str]
    named: frozenset[int]
    warnings: tuple[str, ...]
    errors: tuple[CellError, ...]


def _read_header(sheet: str, row_number: int, cells: tuple[Any, ...]) -> _Header:
    """Map the header row's columns to fields; unknown headers become warnings, repeated ones errors."""
    fields: dict[int, str] = {}
    warnings: list[str] = []
    errors: list[CellError] = []
    seen: dict[str, str] = {}
    named: set[int] = set()
    for index, value in enumerate(cells):
        letter = get_column_letter(index + 1)
        key = _header_key(value)
        if not key:
            continue
        named.add(index)
        column = _FIELDS_BY_HEADER.get(key)
        if column is None and key in _DERIVED_HEADERS:
            continue  # worked out by the export (sample size, evidence...): nothing to read back
        if column is None:
            warnings.append(
                f"column {letter} “{str(value).strip()}” is not part of the control matrix; ignored"
            )
        elif column.field in seen:
            message = f"the column “{column.header}” appears twice (also in column {seen[column.field]})"
            errors.append(CellError(sheet, row_number, letter, message))
        else:
            seen[column.field] = letter
            fields[index] = column.field
    return _Header(row_number, fields, frozenset(named), tuple(warnings), tuple(errors))


def _find_header(sheet: str, rows: Iterator[tuple[Any, ...]]) -> _Header:
    """The first row (of the first few) holding the Ref and Title headers."""
    wanted = set(REQUIRED_CONTROL_FIELDS)
    for row_number, cells in enumerate(rows, 1):
        header = _read_header(sheet, row_number, cells)
        if wanted <= set(header.fields.values()):
            return header
        if row_number >= HEADER_SEARCH_ROWS:
            break
    labels = " and ".join(f"“{c.header}”" for c in CONTROL_COLUMNS if c.field in REQUIRED_CONTROL_FIELDS)
    raise UnreadableWorkbookError(
        f"the “{sheet}” sheet has no header row with {labels} columns; export the workbook again from "
        "SOC Workbench and edit that copy"
    )


def _parse_row(
    sheet: str, row_number: int, cells: tuple[Any, ...], fields: Mapping[int, str]
) -> tuple[dict[str, Any], list[CellError]]:
    """The field values of one row, and an error for every cell that does not fit."""
    values: dict[str, Any] = {}
    errors: list[CellError] = []
    for index, name in fields.items():
        cell = cells[index] if index < len(cells) else None
        try:
            values[name] = parse_matrix_value(name, cell)
        except ValueError as error:
            errors.append(CellError(sheet, row_number, get_column_letter(index + 1), str(error)))
    return values, errors


def _unheaded_columns(cells: tuple[Any, ...], header: _Header) -> set[int]:
    """Columns of *cells* holding something under an empty header cell."""
    return {index for index, value in enumerate(cells) if index not in header.named and not _is_blank(value)}


def _read_sheet(sheet: str, rows: Iterator[tuple[Any, ...]]) -> ImportedControls:
    header = _find_header(sheet, rows)
    ref_column = get_column_letter(next(i for i, name in header.fields.items() if name == "ref") + 1)
    controls: list[ImportedControl] = []
    errors = list(header.errors)
    first_row_of: dict[str, int] = {}
    stray: set[int] = set()
    for row_number, cells in enumerate(rows, header.row + 1):
        stray |= _unheaded_columns(cells, header)
        if all(_is_blank(cells[index]) for index in header.fields if index < len(cells)):
            continue  # blank, or notes only in columns the import ignores
        values, row_errors = _parse_row(sheet, row_number, cells, header.fields)
        errors += row_errors
        ref = values.get("ref")
        if ref is None:
            continue
        if ref in first_row_of:
            message = f"the ref {ref!r} is already used on row {first_row_of[ref]}"
            errors.append(CellError(sheet, row_number, ref_column, message))
            continue
        first_row_of[ref] = row_number
        if not row_errors:
            controls.append(ImportedControl(row_number, ref, values))
    warnings = list(header.warnings) + [
        f"column {get_column_letter(i + 1)} has values but no header; ignored" for i in sorted(stray)
    ]
    return ImportedControls(
        sheet, tuple(header.fields.values()), tuple(controls), tuple(warnings), tuple(errors)
    )


def _bounded(rows: Iterator[tuple[Any, ...]], name: str, deadline: float) -> Iterator[tuple[Any, ...]]:
    """The rows, refusing a sheet longer than :data:`MAX_ROWS` or slower to read than :data:`READ_SECONDS`."""
    for number, row in enumerate(rows, 1):
        if number > MAX_ROWS:
            raise UnreadableWorkbookError(
                f"the “{ALL_CONTROLS_SHEET}” sheet of {name} has more than {MAX_ROWS:,} rows; "
                "it was not imported"
            )
        if number % 1000 == 0 and time.monotonic() > deadline:
            raise UnreadableWorkbookError(
                f"reading {name} took longer than {READ_SECONDS} seconds; it was not imported"
            )
        yield row


def read_control_workbook(path: Path) -> ImportedControls:
    """The control matrix of the workbook at *path*, validated cell by cell.

    The file is checked before it is parsed (:func:`check_xlsx_archive`:
    a regular file, sizes, ratios, not encrypted or renamed), and its sheet is
    scanned (:func:`scan_sheet`): a formula without a saved result is refused
    naming its cells, and a sheet wider than :data:`MAX_COLUMNS` or longer
    than :data:`MAX_ROWS` is refused before python-calamine builds its grid.
    The sheet's declared dimensions are ignored (every row in the file is
    read). Cells are read as saved: no formula is ever evaluated.

    Raises :class:`UnreadableWorkbookError` when the file cannot be opened as
    an ``.xlsx`` workbook, has no “All controls” sheet, or that sheet has no
    Ref and Title columns; every other problem is a :class:`CellError` in the
    result.
    """
    name = display_path(Path(path).name)
    deadline = time.monotonic() + READ_SECONDS
    try:
        check_xlsx_archive(path, WORKBOOK_LIMITS)
        with open_regular_file(path, WORKBOOK_LIMITS.max_file_bytes) as handle:
            workbook = CalamineWorkbook.from_filelike(handle)
    except UnreadableFileError as error:
        raise UnreadableWorkbookError(str(error)) from error
    except Exception as error:  # calamine fails on a damaged file in many ways
        raise UnreadableWorkbookError(
            f"{name} cannot be read as an Excel workbook (.xlsx); it may be damaged ({error})"
        ) from error
    try:
        names = {sheet_name.casefold(): sheet_name for sheet_name in workbook.sheet_names}
        sheet = names.get(ALL_CONTROLS_SHEET.casefold())
        if sheet is None:
            found = ", ".join(workbook.sheet_names)
            raise UnreadableWorkbookError(
                f"{name} has no “{ALL_CONTROLS_SHEET}” sheet (it has: {found}); "
                "the import reads the control matrix from that sheet"
            )
        _check_sheet(path, sheet, name)
        try:
            rows = _rows(workbook.get_sheet_by_name(sheet))
            return _read_sheet(sheet, _bounded(rows, name, deadline))
        except UnreadableWorkbookError:
            raise
        except Exception as error:  # a damaged sheet part surfaces only while it is read
            raise UnreadableWorkbookError(f"the “{sheet}” sheet of {name} is damaged: {error}") from error
    finally:
        workbook.close()


def _rows(worksheet: Any) -> Iterator[tuple[Any, ...]]:
    """The sheet's rows from row 1 and column A, empty cells as ``None``."""
    for cells in worksheet.to_python(skip_empty_area=False):
        yield tuple(None if cell == "" else cell for cell in cells)


def _check_sheet(path: Path, sheet: str, name: str) -> None:
    """Refuse formulas without a saved result, and a sheet too wide or too long to read."""
    try:
        part = sheet_part(path, sheet)
        scan = scan_sheet(path, part) if part else None
    except UnreadableFileError as error:
        raise UnreadableWorkbookError(str(error)) from error
    if scan is None:
        return
    if scan.formulas_without_values:
        cells = scan.formulas_without_values
        shown = ", ".join(f"{sheet}!{cell}" for cell in cells[:5])
        more = " and more" if len(cells) > 5 else ""
        raise UnreadableWorkbookError(
            f"{name} has formulas without a saved result ({shown}{more}); open it in a spreadsheet "
            "program and save it there first, then import that copy"
        )
    if scan.columns > MAX_COLUMNS:
        raise UnreadableWorkbookError(
            f"the “{sheet}” sheet of {name} has a cell at {scan.farthest}, beyond column "
            f"{get_column_letter(MAX_COLUMNS)}; delete what lies right of the matrix and import again"
        )
    if scan.rows > MAX_ROWS + HEADER_SEARCH_ROWS:
        raise UnreadableWorkbookError(
            f"the “{sheet}” sheet of {name} has more than {MAX_ROWS:,} rows; it was not imported"
        )
