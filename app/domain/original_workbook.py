"""An auditor's original spreadsheet kept as plain data, so it can be stored and written back.

A request list goes back to the auditor in the auditor's own layout, so the
import keeps every sheet, row and cell of the file as JSON-able data (dicts,
lists, strings, numbers) that the database stores, never a path to the file:

.. code-block:: text

    {"format": "soc-workbench.original-workbook", "version": 1,
     "file_name": "PBC list.xlsx", "source": "xlsx",        # or "csv"
     "csv": {"encoding": "utf-8-sig", "delimiter": ";"},     # CSV only
     "styles": [{}, {"bold": true, "fill": "FFD9E1F2", "border": ["thin", "thin", "thin", "thin"]}],
     "sheets": [
       {"name": "Requests", "state": "visible",              # or "hidden", "veryHidden"
        "role": "requests", "header_row": 4,                 # "samples" / null and null elsewhere
        "max_row": 312, "max_column": 11,                    # from the cells, never declared
        "merged": ["A1:K1", "A2:K2"],
        "columns": {"A": {"width": 12.0}, "F": {"width": 40.0, "hidden": true}},
        "rows": {"1": {"height": 30.0}},
        "freeze": "A5",                                      # or null
        "cells": [[1, 1, "Acme SOC 2 request list"], [5, 8, {"date": "2026-07-16"}, "mm/dd/yyyy", 2]]}]}

A cell is ``[row, column, value]``, then its number format when not
``General``, then its style's index in ``styles`` when it has one. A value is
text, a number, true/false, null (a cell that only has a style), or a tagged
object: ``{"date": ISO}``, ``{"datetime": ISO}``, ``{"time": ISO}``,
``{"duration": seconds}``, ``{"error": "#N/A"}``. Text that looks like a
formula is text here: formulas are kept as the value their file last showed.
Styles keep what makes a list readable (bold, italic, size, font colour,
solid fill, alignment, wrap, borders), not every detail of the file.
"""

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import Any, Literal, NotRequired, TypedDict

ORIGINAL_FORMAT = "soc-workbench.original-workbook"
ORIGINAL_VERSION = 1
MAX_ROW = 1_048_576
MAX_COLUMN = 16_384
"""The last row and column a spreadsheet has."""

SheetRole = Literal["requests", "samples"]


class CsvDetails(TypedDict):
    encoding: str
    delimiter: str


class CellStyle(TypedDict, total=False):
    bold: bool
    italic: bool
    size: float
    color: str
    fill: str
    horizontal: str
    vertical: str
    wrap: bool
    border: list[str | None]


class ColumnLook(TypedDict, total=False):
    width: float
    hidden: bool


class RowLook(TypedDict, total=False):
    height: float
    hidden: bool


class OriginalSheet(TypedDict):
    name: str
    state: str
    role: SheetRole | None
    header_row: int | None
    max_row: int
    max_column: int
    merged: list[str]
    columns: dict[str, ColumnLook]
    rows: dict[str, RowLook]
    freeze: str | None
    cells: list[list[Any]]


class OriginalWorkbook(TypedDict):
    format: str
    version: int
    file_name: str
    source: Literal["xlsx", "csv"]
    csv: NotRequired[CsvDetails]
    styles: list[CellStyle]
    sheets: list[OriginalSheet]


class ErrorValue(str):
    """An error a spreadsheet shows in a cell (``#N/A``), kept apart from text that reads the same."""

    __slots__ = ()


def encode_value(value: object) -> Any:
    """A cell value as JSON: text, numbers, booleans and null as they are; dates and errors tagged."""
    if isinstance(value, ErrorValue):
        return {"error": str(value)}
    if value is None or isinstance(value, str | bool | int | float):
        return value
    if isinstance(value, datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, date):
        return {"date": value.isoformat()}
    if isinstance(value, time):
        return {"time": value.isoformat()}
    if isinstance(value, timedelta):
        return {"duration": value.total_seconds()}
    raise TypeError(f"a cell cannot hold {type(value).__name__}")


def decode_value(stored: Any) -> Any:
    """The Python value of a stored cell value (the inverse of :func:`encode_value`)."""
    if not isinstance(stored, dict):
        return stored
    ((tag, text),) = stored.items()
    if tag == "datetime":
        return datetime.fromisoformat(text)
    if tag == "date":
        return date.fromisoformat(text)
    if tag == "time":
        return time.fromisoformat(text)
    if tag == "duration":
        return timedelta(seconds=text)
    if tag == "error":
        return ErrorValue(text)
    raise ValueError(f"unknown stored cell value {stored!r}")


def iter_cells(sheet: OriginalSheet) -> Iterator[tuple[int, int, Any, str, int]]:
    """Every stored cell of *sheet*: row, column, value, number format and style index."""
    for cell in sheet["cells"]:
        row, column, stored = cell[0], cell[1], cell[2]
        number_format = cell[3] if len(cell) > 3 else "General"
        style = cell[4] if len(cell) > 4 else 0
        yield row, column, decode_value(stored), number_format, style


def sheet_values(sheet: OriginalSheet) -> dict[tuple[int, int], Any]:
    """The values of *sheet* by (row, column), empty cells left out."""
    return {(row, column): value for row, column, value, _, _ in iter_cells(sheet) if value is not None}


def sheet_with_role(original: OriginalWorkbook, role: SheetRole) -> OriginalSheet | None:
    """The sheet the import read as the request list (``requests``) or as the samples (``samples``)."""
    return next((sheet for sheet in original["sheets"] if sheet["role"] == role), None)
