# mypy: disable-error-code="import-untyped"
"""The auditor's request list handed back: their workbook as they sent it, with our columns on the right.

The workbook is rebuilt from the
:class:`~app.domain.original_workbook.OriginalWorkbook` the import kept: the
same sheets in the same order, every cell with its value and number format
(dates stay dates, numbers numbers, text text, and text that looks like a
formula stays text), the same merged ranges, column widths, row heights,
frozen panes and the kept look of each cell. On the request sheet our
columns (:data:`REQUEST_COLUMNS`) are added right of the auditor's last
column, their header on the auditor's header row and their values on each
request's own row; on the samples sheet likewise (:data:`SAMPLE_COLUMNS`).
A formula of the original is written as the value it last showed.

It is written under a temporary name and renamed into place; a cancel or a
crash leaves nothing.
"""

from collections.abc import Sequence
from copy import copy
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from app.domain.original_workbook import (
    MAX_COLUMN,
    CellStyle,
    ErrorValue,
    OriginalSheet,
    OriginalWorkbook,
    iter_cells,
)
from app.domain.requests import RequestStatus
from app.domain.vocab import label
from app.domain.workbook_layout import DATE_FORMAT, FORMULA_PREFIXES, cell_text, escape_cell_text
from app.exporters.atomic import atomic_path
from app.exporters.progress import Cancel, Progress, Tracker

REQUEST_COLUMNS: tuple[tuple[str, float], ...] = (
    ("Client status", 16.0),
    ("Date provided", 14.0),
    ("Evidence file names", 40.0),
    ("Client comments", 40.0),
)
"""Our columns on the request sheet, with their widths, in the order they are added."""
SAMPLE_COLUMNS: tuple[tuple[str, float], ...] = (("Evidence file names", 40.0),)
"""Our column on the samples sheet."""
_WRAPPED = Alignment(vertical="top", wrap_text=True)


@dataclass(frozen=True, slots=True)
class RequestHandback:
    """Our side of one request, written on its row of the request sheet (``AuditorRequest.row``)."""

    row: int
    status: RequestStatus
    date_provided: date | None = None
    evidence: tuple[str, ...] = ()
    comments: str = ""


@dataclass(frozen=True, slots=True)
class SampleHandback:
    """The evidence for one sampled item, written on its row of the samples sheet (``AuditorSample.row``)."""

    row: int
    evidence: tuple[str, ...] = ()


def _look(style: CellStyle) -> dict[str, Any]:
    """The openpyxl style objects of a kept look (only those it sets)."""
    objects: dict[str, Any] = {}
    if any(key in style for key in ("bold", "italic", "size", "color")):
        objects["font"] = Font(
            b=style.get("bold", False),
            i=style.get("italic", False),
            sz=style.get("size"),
            color=style.get("color"),
        )
    if "fill" in style:
        objects["fill"] = PatternFill(fill_type="solid", fgColor=style["fill"])
    if any(key in style for key in ("horizontal", "vertical", "wrap")):
        objects["alignment"] = Alignment(
            horizontal=style.get("horizontal"), vertical=style.get("vertical"), wrap_text=style.get("wrap")
        )
    if "border" in style:
        left, right, top, bottom = (Side(style=side) for side in style["border"])
        objects["border"] = Border(left=left, right=right, top=top, bottom=bottom)
    return objects


def _set_value(cell: Cell, value: Any) -> None:
    """Put an original value in *cell* with its own type: text stays text, an error stays an error."""
    cell.value = value
    if isinstance(value, ErrorValue):
        cell.data_type = "e"
    elif isinstance(value, str):
        cell.data_type = "s"  # never a formula, never an error code


def _text(cell: Cell, text: str) -> None:
    """Our text in *cell*: cleaned as spreadsheets need it, and kept text when re-entered by hand."""
    text = cell_text(text)
    cell.value = escape_cell_text(text) if text else None
    cell.data_type = "s"
    cell.quotePrefix = text.startswith(FORMULA_PREFIXES)
    cell.alignment = _WRAPPED


def _copy_sheet(workbook: Workbook, sheet: OriginalSheet, looks: Sequence[dict[str, Any]]) -> Any:
    target = workbook.create_sheet(sheet["name"])
    target.sheet_state = sheet["state"]
    for row, column, value, number_format, style in iter_cells(sheet):
        cell = target.cell(row=row, column=column)
        _set_value(cell, value)
        cell.number_format = number_format
        for attribute, style_object in looks[style].items():
            setattr(cell, attribute, style_object)
    for reference in sheet["merged"]:
        target.merge_cells(reference)
    for letter, column_look in sheet["columns"].items():
        dimension = target.column_dimensions[letter]
        if "width" in column_look:
            dimension.width = column_look["width"]
        dimension.hidden = column_look.get("hidden", False)
    for number, row_look in sheet["rows"].items():
        row_dimension = target.row_dimensions[int(number)]
        row_dimension.ht = row_look.get("height")
        row_dimension.hidden = row_look.get("hidden", False)
    target.freeze_panes = sheet["freeze"]
    return target


def _add_headers(target: Any, sheet: OriginalSheet, columns: Sequence[tuple[str, float]]) -> int:
    """Write our headers right of the auditor's columns, looking like their last header; our first column."""
    first = sheet["max_column"] + 1
    if first + len(columns) - 1 > MAX_COLUMN:
        raise ValueError(f"the sheet “{sheet['name']}” has no room right of its last column for our columns")
    header_row = sheet["header_row"] or 1
    theirs = target.cell(row=header_row, column=sheet["max_column"]) if sheet["max_column"] else None
    for offset, (header, width) in enumerate(columns):
        cell = target.cell(row=header_row, column=first + offset)
        if theirs is not None and theirs.has_style:
            cell.font, cell.fill, cell.border = copy(theirs.font), copy(theirs.fill), copy(theirs.border)
            cell.alignment = copy(theirs.alignment)
        _set_value(cell, header)
        target.column_dimensions[get_column_letter(first + offset)].width = width
    return first


def _rows_checked(rows: Sequence[int], sheet: OriginalSheet, what: str) -> None:
    header_row = sheet["header_row"] or 0
    for row in rows:
        if row <= header_row:
            raise ValueError(
                f"{what} on row {row} is not below the header row {header_row} of “{sheet['name']}”"
            )
    if len(set(rows)) != len(rows):
        raise ValueError(f"two {what}s are given for one row of “{sheet['name']}”")


def _write_requests(target: Any, sheet: OriginalSheet, requests: Sequence[RequestHandback]) -> None:
    _rows_checked([request.row for request in requests], sheet, "request")
    first = _add_headers(target, sheet, REQUEST_COLUMNS)
    for request in requests:
        _text(target.cell(row=request.row, column=first), label(request.status.value))
        provided = target.cell(row=request.row, column=first + 1)
        provided.value = request.date_provided
        provided.number_format = DATE_FORMAT
        provided.alignment = _WRAPPED
        _text(target.cell(row=request.row, column=first + 2), "\n".join(request.evidence))
        _text(target.cell(row=request.row, column=first + 3), request.comments)


def _write_samples(target: Any, sheet: OriginalSheet, samples: Sequence[SampleHandback]) -> None:
    _rows_checked([sample.row for sample in samples], sheet, "sample")
    first = _add_headers(target, sheet, SAMPLE_COLUMNS)
    for sample in samples:
        _text(target.cell(row=sample.row, column=first), "\n".join(sample.evidence))


def write_request_workbook(
    target: Path,
    original: OriginalWorkbook,
    requests: Sequence[RequestHandback],
    samples: Sequence[SampleHandback] = (),
    *,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> None:
    """Write the auditor's workbook *original* back to *target* (``.xlsx``) with our columns, atomically.

    *requests* and *samples* carry our values for the rows of the request
    sheet and the samples sheet (the sheets the import marked with those
    roles); rows without one keep our columns empty. Raises ``ValueError``
    when a row is given twice or is not below its sheet's header. *progress*
    hears of the sheets written; when *cancel* returns True the export stops
    with :class:`~app.exporters.errors.ExportCancelled` and nothing is left
    at *target* nor beside it.
    """
    tracker = Tracker(progress, cancel, len(original["sheets"]) + 1)
    tracker.check()
    looks = [_look(style) for style in original["styles"]]
    workbook = Workbook()
    workbook.remove(workbook.active)
    for sheet in original["sheets"]:
        written = _copy_sheet(workbook, sheet, looks)
        if sheet["role"] == "requests":
            _write_requests(written, sheet, requests)
        elif sheet["role"] == "samples":
            _write_samples(written, sheet, samples)
        tracker.advance(1)
    with atomic_path(target) as temporary:
        tracker.check()
        workbook.save(temporary)
    tracker.finish()
