# mypy: disable-error-code="import-untyped"
"""Reading an auditor's request list (``.xlsx`` or ``.csv``) as auditors send them.

The file is read once, whole, through :mod:`app.importers.safe_files` (a
regular file, under a size limit); an ``.xlsx`` is checked as an archive and
its XML parts are scanned (see :func:`_scan_parts`) before openpyxl parses
it. Then everything the file holds is kept as an
:class:`~app.domain.original_workbook.OriginalWorkbook` and read from there:
the request sheet and its header row (on any of the first
:data:`HEADER_SEARCH_ROWS` rows, found by the column names auditors use),
the requests, and a second sheet of samples when there is one.

Why openpyxl's normal mode and not its read-only mode: merged ranges, column
widths, row heights and frozen panes exist only in the normal mode, and the
whole file is kept anyway, so streaming would save nothing. The normal mode
builds a sheet from its cells and never trusts the declared dimensions; what
it would build (cells, the cells of merged and linked ranges, rows, styles)
is counted in the scan first and refused past :class:`RequestListLimits`.

Nothing here writes anything. A file that cannot be read raises
:class:`~app.importers.safe_files.UnreadableFileError` with one plain line;
every cell that does not fit (an unknown criterion, a date that is not
one, a request without an ID) is a :class:`~app.importers.workbook.CellError`
in the result, and the request is still read.
"""

import csv
import hashlib
import io
import posixpath
import re
import warnings
import xml.etree.ElementTree as ElementTree
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, TypeVar
from xml.parsers import expat

from openpyxl import load_workbook
from openpyxl.cell.cell import MergedCell
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.utils.cell import column_index_from_string

from app.domain.catalog import load_catalog
from app.domain.original_workbook import (
    MAX_COLUMN,
    MAX_ROW,
    ORIGINAL_FORMAT,
    ORIGINAL_VERSION,
    CellStyle,
    ColumnLook,
    ErrorValue,
    OriginalSheet,
    OriginalWorkbook,
    RowLook,
    encode_value,
    sheet_values,
)
from app.domain.requests import (
    REQUEST_HEADERS,
    REQUIRED_REQUEST_ROLES,
    REQUIRED_SAMPLE_ROLES,
    SAMPLE_HEADERS,
    AuditorRequest,
    AuditorSample,
    ColumnRole,
    DateOrder,
    DateOrderChoice,
    SampleRole,
    check_mapping,
    decide_date_order,
    parse_criteria_refs,
    parse_date,
    propose_mapping,
    request_key,
    split_references,
)
from app.domain.workbook_layout import cell_text, sheet_title
from app.importers.safe_files import (
    MB,
    XML_SUFFIXES,
    ArchiveLimits,
    UnreadableFileError,
    check_xlsx_archive,
    read_regular_file,
)
from app.importers.workbook import CellError

HEADER_SEARCH_ROWS = 20
"""The header row is looked for on this many rows from the top (title rows come first)."""
CSV_SUFFIXES = (".csv", ".txt", ".tsv")
CSV_DELIMITERS = (",", ";", "\t")


@dataclass(frozen=True, slots=True)
class RequestListLimits:
    """What a request list may hold; a real one has a few hundred rows and a handful of sheets."""

    max_file_bytes: int = 20 * MB
    archive: ArchiveLimits = ArchiveLimits(max_total_bytes=100 * MB, max_part_bytes=20 * MB)
    max_sheets: int = 50
    max_cells: int = 200_000
    """Cells of all sheets together, counting those of merged and linked ranges."""
    max_rows: int = 100_000
    """Row entries of all sheets together."""
    max_elements: int = 2_000_000
    """XML elements of all parts together (each becomes an object when parsed)."""
    max_attribute_chars: int = 65_536


@dataclass(frozen=True, slots=True)
class HeaderColumn:
    """One column of a header row: its number (from 1), letter, header text and the role we read it as."""

    column: int
    letter: str
    header: str
    role: str | None


@dataclass(frozen=True, slots=True)
class SampleSheet:
    """The auditor's selections: where they were read from and what they are."""

    sheet: str
    header_row: int
    columns: tuple[HeaderColumn, ...]
    mapping: Mapping[SampleRole, int]
    samples: tuple[AuditorSample, ...]


@dataclass(frozen=True, slots=True)
class RequestListImport:
    """Everything read from a request list; nothing is stored yet.

    ``original`` is the whole file as data (store it; the export writes it
    back); ``mapping`` gives each role its column number (from 1), which the
    user may change and read again with ``mapping=``. ``date_order`` says how
    text dates were read; when it is ambiguous the dates it could not read are
    flagged and the user should choose (``day_first=``). ``flags`` lists every
    cell that did not fit, each with its sheet, row and column.
    """

    file_name: str
    sha256: str
    original: OriginalWorkbook
    sheet: str
    header_row: int
    columns: tuple[HeaderColumn, ...]
    mapping: Mapping[ColumnRole, int]
    date_order: DateOrderChoice
    requests: tuple[AuditorRequest, ...]
    samples: SampleSheet | None
    flags: tuple[CellError, ...]
    warnings: tuple[str, ...] = ()


# --- scanning the XML parts before openpyxl sees them ----------------------------------------------

_COORDINATE = re.compile(r"^([A-Z]{1,3})(\d{1,7})$")
_RELATIONSHIP = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


@dataclass
class _Budget:
    """What openpyxl would build, counted across every part of the file."""

    limits: RequestListLimits
    name: str
    cells: int = 0
    rows: int = 0
    elements: int = 0

    def add_cells(self, count: int, where: str) -> None:
        self.cells += count
        if self.cells > self.limits.max_cells:
            raise UnreadableFileError(
                f"{self.name} holds more than {self.limits.max_cells:,} cells (counted up to {where}); "
                "a request list that large is not read"
            )


def _sheet_parts(archive: zipfile.ZipFile, name: str) -> dict[str, str]:
    """Worksheet part name -> sheet name, from the workbook part and its relationships."""
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    relations_name = "xl/_rels/workbook.xml.rels"
    targets: dict[str, str] = {}
    if relations_name in archive.namelist():
        for relation in ElementTree.fromstring(archive.read(relations_name)):
            target = relation.get("Target", "")
            part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
            targets[relation.get("Id", "")] = part
    parts: dict[str, str] = {}
    for element in workbook.iter():
        if _local(element.tag) == "sheet":
            part = targets.get(element.get(_RELATIONSHIP, ""), "")
            if part in archive.namelist():
                parts[part] = element.get("name", "")
    if not parts:
        raise UnreadableFileError(f"{name} has no worksheet")
    return parts


def _cell_position(reference: str | None, row: int, column: int, sheet: str) -> tuple[int, int]:
    if reference is None:
        return row, column + 1
    match = _COORDINATE.match(reference)
    if match is None:
        raise UnreadableFileError(f"the sheet “{sheet}” is damaged: {reference[:20]!r} is not a cell")
    return int(match.group(2)), int(column_index_from_string(match.group(1)))


def _range_area(reference: str, sheet: str) -> int:
    try:
        first_column, first_row, last_column, last_row = range_boundaries(reference.split()[0])
    except (ValueError, TypeError, IndexError):
        raise UnreadableFileError(
            f"the sheet “{sheet}” is damaged: {reference[:20]!r} is not a range"
        ) from None
    if None in (first_column, first_row, last_column, last_row):
        return MAX_ROW * MAX_COLUMN
    return int((last_column - first_column + 1) * (last_row - first_row + 1))


class _PartScanner:
    """Streams one XML part through expat, counting what openpyxl would build from it.

    Refuses a document type declaration (no spreadsheet part has one; it is
    how entity bombs are made). In a sheet (*sheet* is its name) it also
    follows rows and cells as openpyxl numbers them and refuses a formula
    whose result was not saved.
    """

    def __init__(self, budget: _Budget, sheet: str | None) -> None:
        self.budget, self.limits, self.sheet = budget, budget.limits, sheet
        self.row = self.column = 0
        self.cell_type = ""
        self.has_formula = self.has_value = self.in_value = False

    def scan(self, stream: Any) -> None:
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.StartDoctypeDeclHandler = self.doctype
        parser.StartElementHandler = self.start
        parser.EndElementHandler = self.end
        parser.CharacterDataHandler = self.text
        while block := stream.read(1 * MB):
            parser.Parse(block, False)
        parser.Parse(b"", True)

    def doctype(self, *_: Any) -> None:
        raise UnreadableFileError(f"{self.budget.name} declares an XML document type; workbooks never do")

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        self.budget.elements += 1
        if self.budget.elements > self.limits.max_elements:
            raise UnreadableFileError(
                f"{self.budget.name} holds more than {self.limits.max_elements:,} XML elements; "
                "a request list that large is not read"
            )
        for value in attributes.values():
            if len(value) > self.limits.max_attribute_chars:
                raise UnreadableFileError(
                    f"{self.budget.name} holds an XML attribute of {len(value):,} characters; "
                    f"attributes over {self.limits.max_attribute_chars:,} are not read"
                )
        if self.sheet is not None:
            self._sheet_start(tag.rpartition(" ")[2], attributes, self.sheet)

    def _sheet_start(self, tag: str, attributes: dict[str, str], sheet: str) -> None:
        if tag == "row":
            self.row, self.column = int(attributes.get("r") or self.row + 1), 0
            self.budget.rows += 1
            if self.budget.rows > self.limits.max_rows or not 1 <= self.row <= MAX_ROW:
                raise UnreadableFileError(
                    f"the sheet “{sheet}” has more than {self.limits.max_rows:,} rows or a row past the "
                    "last one; a request list that large is not read"
                )
        elif tag == "c":
            self.row, self.column = _cell_position(attributes.get("r"), self.row, self.column, sheet)
            if self.column > MAX_COLUMN:
                raise UnreadableFileError(f"the sheet “{sheet}” has a cell past the last column")
            self.cell_type = attributes.get("t", "n")
            self.has_formula = self.has_value = False
            self.budget.add_cells(1, f"{sheet}!{get_column_letter(self.column)}{self.row}")
        elif tag == "f":
            self.has_formula = True
        elif tag == "v":
            self.in_value = True
            self.has_value = self.has_value or self.cell_type == "str"  # a formula's empty text
        elif tag in ("mergeCell", "hyperlink"):
            self.budget.add_cells(_range_area(attributes.get("ref", ""), sheet), f"the ranges of “{sheet}”")

    def text(self, data: str) -> None:
        if self.in_value and data:
            self.has_value = True

    def end(self, tag: str) -> None:
        if self.sheet is None:
            return
        tag = tag.rpartition(" ")[2]
        if tag == "v":
            self.in_value = False
        elif tag == "c" and self.has_formula and not self.has_value:
            cell = f"{self.sheet}!{get_column_letter(self.column)}{self.row}"
            raise UnreadableFileError(
                f"{cell} holds a formula whose result was not saved; "
                "open the file in a spreadsheet program, save it, and import it again"
            )


def _scan_parts(content: bytes, name: str, limits: RequestListLimits) -> None:
    """Refuse, before openpyxl parses it, a workbook that would cost too much or lose a value.

    The workbook part and its relationships are scanned first (they name the
    sheets), then every other XML part.
    """
    budget = _Budget(limits, name)
    first = ("xl/workbook.xml", "xl/_rels/workbook.xml.rels")
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            for part in first:
                if part in archive.namelist():
                    with archive.open(part) as stream:
                        _PartScanner(budget, None).scan(stream)
            sheets = _sheet_parts(archive, name)
            if len(sheets) > limits.max_sheets:
                raise UnreadableFileError(
                    f"{name} has {len(sheets)} sheets; a request list of more than "
                    f"{limits.max_sheets} is not read"
                )
            for entry in archive.infolist():
                if entry.filename.endswith(XML_SUFFIXES) and entry.filename not in first:
                    with archive.open(entry) as stream:
                        _PartScanner(budget, sheets.get(entry.filename)).scan(stream)
    except (expat.ExpatError, ElementTree.ParseError) as error:
        raise UnreadableFileError(f"{name} is a damaged workbook: {error}") from None
    except (zipfile.BadZipFile, ValueError, KeyError, NotImplementedError) as error:
        raise UnreadableFileError(f"{name} is a damaged workbook: {error}") from None


# --- keeping the original --------------------------------------------------------------------------


class _Styles:
    """The styles table of an original: each distinct look stored once, index 0 being no style."""

    def __init__(self) -> None:
        self.table: list[CellStyle] = [{}]
        self._index: dict[tuple[Any, ...], int] = {(): 0}
        self._by_array: dict[tuple[int, ...], int] = {}

    @staticmethod
    def _rgb(color: Any) -> str | None:
        if color is None or getattr(color, "type", None) != "rgb" or not isinstance(color.rgb, str):
            return None
        return str(color.rgb)

    def _look(self, cell: Any) -> CellStyle:
        look: CellStyle = {}
        font, fill, alignment, border = cell.font, cell.fill, cell.alignment, cell.border
        if font.b:
            look["bold"] = True
        if font.i:
            look["italic"] = True
        if font.sz is not None and float(font.sz) != 11.0:
            look["size"] = float(font.sz)
        if (color := self._rgb(font.color)) and color not in ("FF000000", "00000000"):
            look["color"] = color
        if fill.fill_type == "solid" and (color := self._rgb(fill.fgColor)):
            look["fill"] = color
        if alignment.horizontal:
            look["horizontal"] = str(alignment.horizontal)
        if alignment.vertical:
            look["vertical"] = str(alignment.vertical)
        if alignment.wrap_text:
            look["wrap"] = True
        sides = [getattr(border, side).style for side in ("left", "right", "top", "bottom")]
        if any(sides):
            look["border"] = sides
        return look

    def index(self, cell: Any) -> int:
        array = tuple(cell._style)  # openpyxl's style array: equal arrays, equal looks
        known = self._by_array.get(array)
        if known is None:
            look = self._look(cell)
            key = tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in look.items()))
            known = self._index.get(key)
            if known is None:
                known = self._index[key] = len(self.table)
                self.table.append(look)
            self._by_array[array] = known
        return known


def _cell_value(cell: Any) -> Any:
    if cell.data_type == "e":
        return ErrorValue(str(cell.value))
    return cell.value


def _original_sheet(sheet: Any, styles: _Styles) -> OriginalSheet:
    cells: list[list[Any]] = []
    max_row = max_column = 0
    for (row, column), cell in sorted(sheet._cells.items()):  # the cells the file has, never a rectangle
        if isinstance(cell, MergedCell):
            continue
        value = _cell_value(cell)
        style = styles.index(cell) if cell.has_style else 0
        if value is None and style == 0:
            continue
        entry: list[Any] = [row, column, encode_value(value)]
        number_format = cell.number_format or "General"
        if number_format != "General" or style:
            entry.append(number_format)
        if style:
            entry.append(style)
        cells.append(entry)
        max_row, max_column = max(max_row, row), max(max_column, column)
    ranges = sorted(sheet.merged_cells.ranges, key=lambda r: (r.min_row, r.min_col))
    merged = [str(cell_range) for cell_range in ranges]
    for cell_range in ranges:
        max_row, max_column = max(max_row, cell_range.max_row), max(max_column, cell_range.max_col)
    columns: dict[str, ColumnLook] = {}
    for dimension in sheet.column_dimensions.values():
        first = dimension.min or column_index_from_string(dimension.index)
        last = min(dimension.max or first, max_column)
        look: ColumnLook = {}
        if dimension.customWidth and dimension.width:
            look["width"] = float(dimension.width)
        if dimension.hidden:
            look["hidden"] = True
        if look:
            for number in range(first, last + 1):
                columns[get_column_letter(number)] = look
    rows: dict[str, RowLook] = {}
    for number, dimension in sheet.row_dimensions.items():
        row_look: RowLook = {}
        if dimension.ht is not None and dimension.customHeight:
            row_look["height"] = float(dimension.ht)
        if dimension.hidden:
            row_look["hidden"] = True
        if row_look and number <= max_row:
            rows[str(number)] = row_look
    return OriginalSheet(
        name=sheet.title,
        state=sheet.sheet_state,
        role=None,
        header_row=None,
        max_row=max_row,
        max_column=max_column,
        merged=merged,
        columns=columns,
        rows=rows,
        freeze=sheet.freeze_panes,
        cells=cells,
    )


def _xlsx_original(
    content: bytes, name: str, limits: RequestListLimits
) -> tuple[OriginalWorkbook, list[str]]:
    check_xlsx_archive(io.BytesIO(content), limits.archive, name=name)
    _scan_parts(content, name, limits)
    styles = _Styles()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about every extension it does not keep
            workbook = load_workbook(io.BytesIO(content), data_only=True, keep_links=False)
        sheets = [_original_sheet(sheet, styles) for sheet in workbook.worksheets]
    except Exception as error:  # openpyxl fails on a damaged file in many ways, some only when a cell is read
        reason = " ".join(str(error).split())[:200]
        raise UnreadableFileError(
            f"{name} cannot be read as an Excel workbook (.xlsx); it may be damaged ({reason})"
        ) from None
    skipped = [f"the chart sheet “{chart.title}” is not kept" for chart in workbook.chartsheets]
    original = OriginalWorkbook(
        format=ORIGINAL_FORMAT,
        version=ORIGINAL_VERSION,
        file_name=name,
        source="xlsx",
        styles=styles.table,
        sheets=sheets,
    )
    return original, skipped


def _decode_text(content: bytes, name: str) -> tuple[str, str]:
    """The text of a CSV file and its encoding (as a byte-order mark says; else UTF-8, else Windows)."""
    if b"\x00" in content[:4096] and not content.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UnreadableFileError(f"{name} is not a text file; save the request list as .xlsx or .csv")
    for encoding in (
        ("utf-8-sig", "utf-16") if content.startswith((b"\xff\xfe", b"\xfe\xff")) else ("utf-8-sig",)
    ):
        try:
            return content.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return content.decode("cp1252", errors="replace"), "cp1252"


def _csv_rows(text: str, delimiter: str, limits: RequestListLimits, name: str) -> list[list[str]]:
    rows: list[list[str]] = []
    cells = 0
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            rows.append(row)
            cells += len(row)
            if cells > limits.max_cells or len(rows) > limits.max_rows or len(row) > MAX_COLUMN:
                raise UnreadableFileError(
                    f"{name} holds more than {limits.max_cells:,} cells or {limits.max_rows:,} rows; "
                    "a request list that large is not read"
                )
    except csv.Error as error:
        raise UnreadableFileError(f"{name} cannot be read as CSV: {error}") from None
    return rows


def _delimiter(text: str) -> str:
    """The delimiter under which the first rows hold the best request-list header (commas on a tie)."""
    sample = "\n".join(text.splitlines()[: HEADER_SEARCH_ROWS * 3])

    def score(delimiter: str) -> tuple[int, int]:
        try:
            rows = list(csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter))
        except csv.Error:
            return (-1, 0)
        best = max(
            (len(propose_mapping(row, REQUEST_HEADERS)) for row in rows[:HEADER_SEARCH_ROWS]), default=0
        )
        return best, max((len(row) for row in rows), default=0)

    return max(CSV_DELIMITERS, key=score)


def _csv_original(content: bytes, name: str, limits: RequestListLimits) -> OriginalWorkbook:
    text, encoding = _decode_text(content, name)
    delimiter = _delimiter(text)
    rows = _csv_rows(text, delimiter, limits, name)
    cells: list[list[Any]] = [
        [row_number, column, cell_text(value)]
        for row_number, row in enumerate(rows, 1)
        for column, value in enumerate(row, 1)
        if value.strip()
    ]
    sheet = OriginalSheet(
        name=sheet_title(Path(name).stem),
        state="visible",
        role=None,
        header_row=None,
        max_row=max((cell[0] for cell in cells), default=0),
        max_column=max((cell[1] for cell in cells), default=0),
        merged=[],
        columns={},
        rows={},
        freeze=None,
        cells=cells,
    )
    return OriginalWorkbook(
        format=ORIGINAL_FORMAT,
        version=ORIGINAL_VERSION,
        file_name=name,
        source="csv",
        csv={"encoding": encoding, "delimiter": delimiter},
        styles=[{}],
        sheets=[sheet],
    )


# --- reading requests and samples from the original ---------------------------------------------------

Role = TypeVar("Role", ColumnRole, SampleRole)


def cell_words(value: Any) -> str:
    """A cell's value as text for a request field (whole numbers without ``.0``, dates as ISO)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return str(value).strip()


@dataclass
class _Sheet:
    """A sheet of the original with its values by row, then column (only the cells it has), read once."""

    data: OriginalSheet

    def __post_init__(self) -> None:
        self.by_row: dict[int, dict[int, Any]] = {}
        for (row, column), value in sorted(sheet_values(self.data).items()):
            self.by_row.setdefault(row, {})[column] = value

    @property
    def name(self) -> str:
        return self.data["name"]

    def best_header(
        self, names: Mapping[Role, tuple[str, ...]], remembered: Mapping[str, Role] | None
    ) -> tuple[int, dict[Role, int]]:
        """The row of the first :data:`HEADER_SEARCH_ROWS` naming most roles and its mapping (0: none)."""
        best_row, best = 0, dict[Role, int]()
        for row in range(1, min(HEADER_SEARCH_ROWS, self.data["max_row"]) + 1):
            mapping = propose_mapping(self.by_row.get(row, {}), names, remembered)
            if len(mapping) > len(best):
                best_row, best = row, mapping
        return best_row, best

    def is_samples(self) -> bool:
        """Its header names a request ID, a sample number, and more sample columns than request ones."""
        _, samples = self.best_header(SAMPLE_HEADERS, None)
        _, requests = self.best_header(REQUEST_HEADERS, None)
        return all(role in samples for role in REQUIRED_SAMPLE_ROLES) and len(samples) > len(requests)

    def header_columns(self, header_row: int, mapping: Mapping[Role, int]) -> tuple[HeaderColumn, ...]:
        roles = {column: role.value for role, column in mapping.items()}
        cells = self.by_row.get(header_row, {})
        return tuple(
            HeaderColumn(column, get_column_letter(column), cell_words(cells.get(column)), roles.get(column))
            for column in range(1, self.data["max_column"] + 1)
        )

    def column_values(self, header_row: int, column: int | None) -> list[Any]:
        if column is None:
            return []
        return [cells[column] for row, cells in self.by_row.items() if row > header_row and column in cells]

    def layout(
        self,
        names: Mapping[Role, tuple[str, ...]],
        required: Sequence[Role],
        header_row: int | None,
        mapping: Mapping[Role, int] | None,
        remembered: Mapping[str, Role] | None,
    ) -> tuple[int, dict[Role, int]]:
        """Header row and mapping: as the user gave them, else found; ``ValueError`` in plain words."""
        if header_row is not None and not 1 <= header_row <= max(self.data["max_row"], 1):
            raise ValueError(f"the sheet “{self.name}” has no row {header_row}")
        if header_row is None:
            header_row, found = self.best_header(names, remembered)
        else:
            found = propose_mapping(self.by_row.get(header_row, {}), names, remembered)
        if not header_row:
            raise ValueError(
                f"the sheet “{self.name}” has no header row naming "
                f"{' and '.join(role.value for role in required)} in its first {HEADER_SEARCH_ROWS} rows; "
                "choose the header row and the columns"
            )
        chosen = dict(mapping) if mapping is not None else found
        if mapping is None and not all(role in chosen for role in required):
            raise ValueError(
                f"row {header_row} of the sheet “{self.name}” names no "
                f"{' or '.join(role.value for role in required if role not in chosen)} column; "
                "choose the columns"
            )
        check_mapping(chosen, required, self.data["max_column"])
        return header_row, chosen


@dataclass
class _Reader:
    """Reads the rows under a header, flagging cells that do not fit."""

    sheet: _Sheet
    header_row: int
    flags: list[CellError]
    order: DateOrder | None

    def flag(self, row: int, column: int, message: str) -> None:
        self.flags.append(CellError(self.sheet.name, row, get_column_letter(column), message))

    def rows(self) -> Iterable[tuple[int, Mapping[int, Any]]]:
        """Each row under the header with something in it (column -> value); a one-cell row is a heading."""
        for row, cells in self.sheet.by_row.items():
            filled = [column for column, value in cells.items() if cell_words(value)]
            if row <= self.header_row or not filled:
                continue
            if len(filled) == 1:
                self.flag(row, filled[0], "only this cell is filled: read as a heading and skipped")
            else:
                yield row, cells

    def date(self, row: int, column: int | None, value: Any) -> date | None:
        if column is None:
            return None
        try:
            return parse_date(value, self.order)
        except ValueError as error:
            self.flag(row, column, f"{error}; the date is left empty")
            return None


def _get(cells: Mapping[int, Any], column: int | None) -> Any:
    return cells.get(column) if column is not None else None


def _read_requests(
    reader: _Reader, mapping: Mapping[ColumnRole, int], headers: Sequence[HeaderColumn], known: frozenset[str]
) -> list[AuditorRequest]:
    requests: list[AuditorRequest] = []
    first_row: dict[str, int] = {}
    extra_columns = [column for column in headers if column.role is None and column.header]
    id_column, text_column = mapping[ColumnRole.REQUEST_ID], mapping[ColumnRole.TEXT]
    for row, values in reader.rows():

        def words(role: ColumnRole, values: Mapping[int, Any] = values) -> str:
            return cell_words(_get(values, mapping.get(role)))

        request_id = " ".join(words(ColumnRole.REQUEST_ID).split())
        if not request_id:
            reader.flag(row, id_column, "no request ID; this row is not tracked")
            continue
        key = request_key(request_id)
        if key in first_row:
            message = (
                f"the request ID {request_id!r} is also on row {first_row[key]}; only that row is tracked"
            )
            reader.flag(row, id_column, message)
            continue
        first_row[key] = row
        text = words(ColumnRole.TEXT)
        if not text:
            reader.flag(row, text_column, "no request text")
        criteria, unknown = parse_criteria_refs(words(ColumnRole.CRITERIA), known)
        if unknown:
            message = f"not criteria we know: {', '.join(unknown)} (kept as written)"
            reader.flag(row, mapping[ColumnRole.CRITERIA], message)
        due_column = mapping.get(ColumnRole.DUE)
        requests.append(
            AuditorRequest(
                request_id=request_id,
                text=text,
                criteria=criteria,
                unknown_criteria=unknown,
                references=split_references(words(ColumnRole.CONTROL_REF)),
                request_type=words(ColumnRole.TYPE),
                period=words(ColumnRole.PERIOD),
                owner=words(ColumnRole.OWNER),
                due=reader.date(row, due_column, _get(values, due_column)),
                auditor_status=words(ColumnRole.STATUS),
                comments=words(ColumnRole.COMMENTS),
                extras=tuple(
                    (column.header, extra)
                    for column in extra_columns
                    if (extra := cell_words(values.get(column.column)))
                ),
                row=row,
            )
        )
    return requests


def _read_samples(reader: _Reader, mapping: Mapping[SampleRole, int]) -> list[AuditorSample]:
    samples: list[AuditorSample] = []
    for row, values in reader.rows():

        def words(role: SampleRole, values: Mapping[int, Any] = values) -> str:
            return cell_words(_get(values, mapping.get(role)))

        request_id = " ".join(words(SampleRole.REQUEST_ID).split())
        if not request_id:
            reader.flag(row, mapping[SampleRole.REQUEST_ID], "no request ID; this sample is not tracked")
            continue
        date_column = mapping.get(SampleRole.DATE)
        samples.append(
            AuditorSample(
                request_id=request_id,
                sample_number=words(SampleRole.SAMPLE_NUMBER),
                population=words(SampleRole.POPULATION),
                item=words(SampleRole.ITEM),
                when=reader.date(row, date_column, _get(values, date_column)),
                row=row,
            )
        )
    return samples


def _order(day_first: bool | None, values: Iterable[Any]) -> DateOrderChoice:
    if day_first is None:
        return decide_date_order(values)
    order = DateOrder.DAY_FIRST if day_first else DateOrder.MONTH_FIRST
    return DateOrderChoice(order, False, f"dates are read {order.value}, as chosen")


def read_request_list(
    path: Path,
    *,
    sheet: str | None = None,
    header_row: int | None = None,
    mapping: Mapping[ColumnRole, int] | None = None,
    day_first: bool | None = None,
    samples_sheet: str | None = None,
    remembered: Mapping[str, ColumnRole] | None = None,
    limits: RequestListLimits = RequestListLimits(),
) -> RequestListImport:
    """The request list at *path* (``.xlsx``, or ``.csv`` / ``.txt`` with commas, semicolons or tabs).

    Without arguments everything is found: the request sheet (the first
    with a request ID and a request text column, not a samples sheet), its
    header row, the columns, a samples sheet, the date order. *sheet*,
    *header_row* (from 1), *mapping* (role -> column number from 1),
    *day_first* and *samples_sheet* set what the user chose instead;
    *remembered* (header text -> role, as this auditor's lists were mapped
    before) is preferred to the usual header names.

    Raises :class:`UnreadableFileError` (one plain line) when the file cannot
    be read safely or holds no request list; nothing is returned then.
    """
    name = Path(path).name
    read = read_original(path, limits=limits)
    try:
        return _interpret(
            read.original, name, read.sha256, list(read.notes),
            sheet=sheet, header_row=header_row, mapping=mapping, day_first=day_first,
            samples_sheet=samples_sheet, remembered=remembered,
        )  # fmt: skip
    except ValueError as error:
        raise UnreadableFileError(f"{name}: {error}") from None


@dataclass(frozen=True, slots=True)
class OriginalFile:
    """A spreadsheet read whole, before requests are looked for: its data, SHA-256, what was not kept."""

    original: OriginalWorkbook
    sha256: str
    notes: tuple[str, ...] = ()


def read_original(path: Path, *, limits: RequestListLimits = RequestListLimits()) -> OriginalFile:
    """Every sheet, row and cell of the ``.xlsx`` or ``.csv`` file at *path*, read safely.

    Raises :class:`UnreadableFileError` (one plain line) when it cannot be.
    """
    name = Path(path).name
    content = read_regular_file(path, limits.max_file_bytes)
    if Path(path).suffix.casefold() in CSV_SUFFIXES:
        original, notes = _csv_original(content, name, limits), list[str]()
    else:
        original, notes = _xlsx_original(content, name, limits)
    return OriginalFile(original, hashlib.sha256(content).hexdigest(), tuple(notes))


def _find_sheet(sheets: Sequence[_Sheet], wanted: str) -> _Sheet:
    for sheet in sheets:
        if sheet.name.casefold() == wanted.strip().casefold():
            return sheet
    raise ValueError(f"there is no sheet “{wanted}” (the sheets are: {', '.join(s.name for s in sheets)})")


def _request_sheet(sheets: Sequence[_Sheet], remembered: Mapping[str, ColumnRole] | None) -> _Sheet:
    """The first sheet whose header names a request ID and text and that is not a samples sheet."""
    for sheet in sheets:
        _, mapping = sheet.best_header(REQUEST_HEADERS, remembered)
        if all(role in mapping for role in REQUIRED_REQUEST_ROLES) and not sheet.is_samples():
            return sheet
    if not sheets:
        raise ValueError("the file holds no sheet")
    return sheets[0]


def _interpret(
    original: OriginalWorkbook,
    name: str,
    sha256: str,
    notes: list[str],
    *,
    sheet: str | None,
    header_row: int | None,
    mapping: Mapping[ColumnRole, int] | None,
    day_first: bool | None,
    samples_sheet: str | None,
    remembered: Mapping[str, ColumnRole] | None,
) -> RequestListImport:
    sheets = [_Sheet(data) for data in original["sheets"]]
    chosen = _find_sheet(sheets, sheet) if sheet is not None else _request_sheet(sheets, remembered)
    row, columns = chosen.layout(REQUEST_HEADERS, REQUIRED_REQUEST_ROLES, header_row, mapping, remembered)
    if samples_sheet is not None:
        other: _Sheet | None = _find_sheet(sheets, samples_sheet)
    else:
        other = next((s for s in sheets if s is not chosen and s.is_samples()), None)
    sample_layout = None
    if other is not None:
        sample_layout = other.layout(SAMPLE_HEADERS, REQUIRED_SAMPLE_ROLES, None, None, None)

    dates = chosen.column_values(row, columns.get(ColumnRole.DUE))
    if other is not None and sample_layout is not None:
        dates += other.column_values(sample_layout[0], sample_layout[1].get(SampleRole.DATE))
    date_order = _order(day_first, dates)

    flags: list[CellError] = []
    headers = chosen.header_columns(row, columns)
    requests = _read_requests(
        _Reader(chosen, row, flags, date_order.order), columns, headers, load_catalog().ids
    )
    chosen.data["role"], chosen.data["header_row"] = "requests", row
    samples: SampleSheet | None = None
    if other is not None and sample_layout is not None:
        sample_row, sample_columns = sample_layout
        other.data["role"], other.data["header_row"] = "samples", sample_row
        samples = SampleSheet(
            sheet=other.name,
            header_row=sample_row,
            columns=other.header_columns(sample_row, sample_columns),
            mapping=sample_columns,
            samples=tuple(_read_samples(_Reader(other, sample_row, flags, date_order.order), sample_columns)),
        )
    return RequestListImport(
        file_name=name,
        sha256=sha256,
        original=original,
        sheet=chosen.name,
        header_row=row,
        columns=headers,
        mapping=columns,
        date_order=date_order,
        requests=tuple(requests),
        samples=samples,
        flags=tuple(flags),
        warnings=tuple(notes),
    )
