# mypy: disable-error-code="import-untyped"
"""The auditor workbook: an engagement in one Excel file the CPA firm can read, print, edit and send back.

Sheets: Summary, the control matrix (all controls, then one sheet per category
in scope), Criteria coverage, SOC 1 objectives (when a SOC 1 is in scope),
Evidence index, CUECs, Subservice organizations, Gaps and remediation,
Exceptions, Change log. Every table has a frozen, filterable header, widths that fit, wrapped
long text, and prints landscape, one page wide, with the header on every page.
Vocabulary columns of the matrix offer their words in a drop-down list.

Every text is written as text: a description starting with ``=``, ``+``,
``-`` or ``@`` stays that text (and keeps doing so when a person re-enters the
cell); characters spreadsheets reject are dropped (see
:func:`app.domain.workbook_layout.cell_text`).

The file is reproducible: the workbook's metadata and every zip entry carry
``as_of`` (the engagement's last data change), never the clock, so an
unchanged engagement exports to identical bytes. It is written under a
temporary name and renamed into place; a cancel or a crash leaves nothing.
"""

import io
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import quote
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.protection import SheetProtection
from openpyxl.writer.excel import ExcelWriter

from app.domain.carveouts import CuecRow, SubserviceRow
from app.domain.catalog import load_catalog
from app.domain.controls import ControlRow
from app.domain.evidence import EvidenceRow
from app.domain.fieldwork import ExceptionRow
from app.domain.history import ChangeRow, readable_change_value, readable_field
from app.domain.objectives import ObjectiveRow
from app.domain.periods import describe_period, format_day
from app.domain.readiness import GAP_KIND_WORDS, ReadinessReport, criterion_ready
from app.domain.sampling import ControlSampling
from app.domain.vocab import Status, label
from app.domain.workbook_layout import (
    ALL_CONTROLS_SHEET,
    CHANGES_SHEET,
    CONTROL_COLUMNS,
    CRITERIA_SHEET,
    CUECS_SHEET,
    DATE_FORMAT,
    DATETIME_FORMAT,
    DERIVED_CONTROL_COLUMNS,
    EVIDENCE_SHEET,
    EXCEPTIONS_SHEET,
    FORMULA_PREFIXES,
    GAPS_SHEET,
    OBJECTIVES_SHEET,
    REVIEW_COLUMNS,
    SUBSERVICE_SHEET,
    SUMMARY_SHEET,
    Column,
    category_sheet,
    cell_text,
    escape_cell_text,
    matrix_value,
    sheet_title,
)
from app.exporters.atomic import atomic_path
from app.exporters.progress import Cancel, Progress, Tracker

APPLICATION = "SOC Workbench"
LAST_ROW = 1_048_576
"""The last row of a sheet: drop-down lists reach it, so rows the client adds get them too."""
CHUNK_ROWS = 500
"""Rows written between two progress reports and cancel checks."""
MAX_FITTED_WIDTH = 60.0

PERCENT_FORMAT = "0%"
COUNT_FORMAT = "#,##0"

OBJECTIVE_KIND_WORDS = {"itgc": "IT general controls", "business": "Business process"}


@dataclass(frozen=True)
class WorkbookData:
    """Everything the workbook shows about one engagement.

    ``categories_in_scope`` get a control matrix sheet each and make up the
    criteria coverage; the SOC 1 objectives sheet appears when ``report_kinds``
    holds ``SOC 1``. ``evidence_links`` maps an evidence id to the file's path
    relative to the workbook (inside an evidence package); those files are
    linked from the evidence index. ``changes`` are listed in the order given.
    """

    company: str
    engagement_name: str
    system_name: str
    report_kinds: Sequence[str]
    report_type: str | None
    categories_in_scope: Sequence[str]
    period_start: date | None
    period_end: date | None
    as_of_date: date | None
    auditor_firm: str
    controls: Sequence[ControlRow]
    readiness: ReadinessReport
    objectives: Sequence[ObjectiveRow] = ()
    evidence: Sequence[EvidenceRow] = ()
    evidence_links: Mapping[int, str] | None = None
    cuecs: Sequence[CuecRow] = ()
    subservice_orgs: Sequence[SubserviceRow] = ()
    changes: Sequence[ChangeRow] = ()
    exceptions: Sequence[ExceptionRow] = ()
    sampling: Sequence[ControlSampling] = ()
    """Expected occurrences and sample size per control (by control id), for the matrix's last columns."""


class _Link(NamedTuple):
    """A cell showing *text* that opens *target* (a path relative to the workbook)."""

    text: str
    target: str


@dataclass(frozen=True)
class SheetTable:
    """One sheet holding a table: a header row, then one row per record.

    A ``protected`` sheet can be filtered, sorted and resized but not edited:
    the per-category matrix sheets, which the import does not read.
    """

    title: str
    columns: Sequence[Column]
    rows: Sequence[Sequence[Any]]
    protected: bool = False


@dataclass(frozen=True)
class _Styles:
    """The few looks of the workbook, made once and shared by every cell."""

    header_font: Font = Font(bold=True)
    header_fill: PatternFill = PatternFill("solid", fgColor="DCE6F1")
    header_border: Border = Border(bottom=Side(style="thin", color="7B8794"))
    header_alignment: Alignment = Alignment(vertical="center", wrap_text=True)
    top: Alignment = Alignment(vertical="top")
    wrapped: Alignment = Alignment(vertical="top", wrap_text=True)
    title_font: Font = Font(bold=True, size=14)
    section_font: Font = Font(bold=True, size=12)
    link_font: Font = Font(color="0563C1", underline="single")
    label_font: Font = Font(bold=True)


STYLES = _Styles()


# --- cells --------------------------------------------------------------------------------------


def _template_cell(sheet: Any, *, number_format: str = "General", quoted: bool = False) -> Cell:
    """A cell whose look is set once and whose value changes from row to row."""
    cell = WriteOnlyCell(sheet)
    cell.alignment = STYLES.wrapped
    cell.number_format = number_format
    cell.quotePrefix = quoted
    return cell


def _text_cell(cell: Cell, text: str) -> Cell:
    """*cell* showing *text* (a :func:`cell_text` result) as a string, never as a formula."""
    cell.value = escape_cell_text(text)
    cell.data_type = "s"
    return cell


def _styled_cell(sheet: Any, value: Any, *, font: Font | None = None, number_format: str = "General") -> Any:
    """A one-off cell (the summary, links): text through :func:`cell_text`, never a formula; not wrapped."""
    if isinstance(value, str):
        value = cell_text(value)
        if not value:
            return None
    cell = _text_cell(WriteOnlyCell(sheet), value) if isinstance(value, str) else WriteOnlyCell(sheet, value)
    if font is not None:
        cell.font = font
    cell.alignment = STYLES.top
    cell.number_format = number_format
    cell.quotePrefix = isinstance(value, str) and value.startswith(FORMULA_PREFIXES)
    return cell


def _header_cell(sheet: Any, text: str) -> Cell:
    cell = _text_cell(WriteOnlyCell(sheet), cell_text(text))
    cell.font = STYLES.header_font
    cell.fill = STYLES.header_fill
    cell.border = STYLES.header_border
    cell.alignment = STYLES.header_alignment
    return cell


def _link_cell(sheet: Any, link: _Link) -> Cell | None:
    cell = _styled_cell(sheet, link.text, font=STYLES.link_font)
    if cell is not None:
        cell.alignment = STYLES.wrapped
        cell.hyperlink = quote(link.target.replace("\\", "/"), safe="/")
    return cell


# --- table sheets -------------------------------------------------------------------------------


def _fitted_width(column: Column, rows: Sequence[Sequence[Any]], index: int) -> float:
    """The column's width: as declared for long text, else wide enough for its header and values."""
    if column.wrap:
        return column.width
    longest = max((len(value) for row in rows if isinstance(value := row[index], str)), default=0)
    return max(column.width, len(column.header) + 2.0, min(longest + 2.0, MAX_FITTED_WIDTH))


def _size_column(sheet: Any, letter: str, width: float) -> None:
    """Set a column's width, keeping the default look: a column's own style would override it."""
    dimension = sheet.column_dimensions[letter]
    dimension.width = width
    dimension.alignment = STYLES.wrapped


def page_header(*parts: str) -> str:
    """Company and engagement for the printed page header (``&`` doubled: it starts a code there)."""
    text = " — ".join(part for part in parts if part.strip())
    return cell_text(text)[:120].replace("&", "&&")


LINE_HEIGHT = 15.0
"""Points per line of text in the default font."""
MAX_ROW_HEIGHT = 409.0
"""The tallest row spreadsheet programs allow, in points."""
CHARACTERS_PER_WIDTH = 1.1
"""Characters of ordinary text per unit of column width (a unit is one digit's width)."""
PRINTABLE_WIDTH = 185.0
"""Column width (in characters) one landscape Letter page prints at about three quarters of full size."""
MAX_PAGES_WIDE = 2
"""No table prints wider than this many pages: a wider one is printed smaller."""


def _setup_print(
    sheet: Any, *, header: str, title_rows: str | None, pages_wide: int = 1, title_columns: str | None = None
) -> None:
    """Landscape, *pages_wide* pages wide, gridlines, *title_rows* (and *title_columns*) on every page,
    page numbers in the footer."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = pages_wide
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.page_margins = PageMargins(left=0.4, right=0.4, top=0.6, bottom=0.6, header=0.3, footer=0.3)
    sheet.print_options.gridLines = True
    if title_rows is not None:
        sheet.print_title_rows = title_rows
    if title_columns is not None:
        sheet.print_title_cols = title_columns
    sheet.oddHeader.left.text = header
    sheet.oddFooter.left.text = "&A"
    sheet.oddFooter.right.text = "Page &P of &N"


def _validation(column: Column, letter: str) -> DataValidation:
    """The drop-down list of a vocabulary column, from below the header to the sheet's last row."""
    validation = DataValidation(
        type="list",
        formula1='"' + ",".join(column.choices) + '"',
        allow_blank=column.blank_allowed,
        showErrorMessage=True,
        errorTitle=column.header,
        error=f"Choose one of: {', '.join(column.choices)}",
    )
    validation.add(f"{letter}2:{letter}{LAST_ROW}")
    return validation


def _lines(text: str, per_line: float) -> int:
    """How many lines *text* wraps to in a column holding *per_line* characters."""
    return sum(max(1, math.ceil(len(part) / per_line)) for part in text.split("\n"))


def _write_rows(sheet: Any, table: SheetTable, widths: Sequence[float], tracker: Tracker) -> None:
    """The table's rows a chunk at a time; every text through :func:`cell_text` into a string cell.

    A row whose texts wrap gets the height of its tallest cell: spreadsheet
    programs do not all work it out themselves, and overlapping text cannot be read.

    Every value goes through one template cell per column (top-aligned,
    wrapped, in the column's number format), and formula-looking texts through
    a second one, quote-prefixed so that re-entering the cell keeps them text:
    styles are looked up once per column, not built per cell.
    """
    plain = [_template_cell(sheet, number_format=column.number_format) for column in table.columns]
    quoted = [_template_cell(sheet, quoted=True) for _ in table.columns]
    per_line = [width * CHARACTERS_PER_WIDTH for width in widths]
    row_heights: dict[int, dict[str, str]] = sheet.row_dimensions
    append = sheet.append
    row_number = 1
    for start in range(0, len(table.rows), CHUNK_ROWS):
        chunk = table.rows[start : start + CHUNK_ROWS]
        for values in chunk:
            row_number += 1
            cells: list[Any] = []
            lines = 1
            for index, value in enumerate(values):
                if isinstance(value, str):
                    text = cell_text(value)
                    if len(text) > per_line[index] or "\n" in text:
                        lines = max(lines, _lines(text, per_line[index]))
                    if not text:
                        cells.append(None)
                    else:
                        cells.append(
                            _text_cell((quoted if text.startswith(FORMULA_PREFIXES) else plain)[index], text)
                        )
                elif value is None:
                    cells.append(None)
                elif isinstance(value, _Link):
                    cells.append(_link_cell(sheet, value))
                else:
                    template = plain[index]
                    template.value = value
                    cells.append(template)
            if lines > 1:
                # The row writer copies these attributes into <row>; a plain mapping spares building a
                # RowDimension per row, which costs more than writing the row itself.
                row_heights[row_number] = {
                    "ht": f"{min(MAX_ROW_HEIGHT, lines * LINE_HEIGHT):g}",
                    "customHeight": "1",
                }
            append(cells)
        tracker.advance(len(chunk))


def _write_table(workbook: Workbook, table: SheetTable, header: str, tracker: Tracker) -> None:
    """One table sheet: widths, frozen header, filter, drop-down lists and print setup, then the rows."""
    sheet = workbook.create_sheet(sheet_title(table.title))
    widths = []
    for index, column in enumerate(table.columns, 1):
        letter = get_column_letter(index)
        width = _fitted_width(column, table.rows, index - 1)
        widths.append(width)
        _size_column(sheet, letter, width)
        if column.choices:
            sheet.data_validations.append(_validation(column, letter))
    if table.protected:
        sheet.protection = SheetProtection(
            sheet=True, autoFilter=False, sort=False, formatColumns=False, formatRows=False
        )
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(table.columns))}{len(table.rows) + 1}"
    if not table.rows and table.title != ALL_CONTROLS_SHEET:
        sheet.sheet_state = "hidden"  # an empty table would print a page holding only its header
    pages_wide = min(MAX_PAGES_WIDE, math.ceil(sum(widths) / PRINTABLE_WIDTH))
    _setup_print(
        sheet,
        header=header,
        title_rows="1:1",
        pages_wide=pages_wide,
        title_columns="A:B" if pages_wide > 1 else None,
    )
    sheet.append([_header_cell(sheet, column.header) for column in table.columns])
    _write_rows(sheet, table, widths, tracker)


# --- what the tables hold -----------------------------------------------------------------------

CRITERIA_COLUMNS = (
    Column("Criterion", 10),
    Column("Category", 14),
    Column("Group", 24),
    Column("In brief", 45, wrap=True),
    Column("Controls", 30, wrap=True),
    Column("Controls mapped", 10, number_format=COUNT_FORMAT),
    Column("Status", 12),
    Column("Gap", 60, wrap=True),
)
OBJECTIVE_COLUMNS = (
    Column("Ref", 10),
    Column("Kind", 18),
    Column("Title", 36, wrap=True),
    Column("Description", 50, wrap=True),
    Column("Controls", 30, wrap=True),
    Column("Controls addressing it", 12, number_format=COUNT_FORMAT),
    Column("Ready", 10, number_format=COUNT_FORMAT),
)
EVIDENCE_COLUMNS = (
    Column("Title", 36, wrap=True),
    Column("File", 24),
    Column("SHA-256", 66),
    Column("Size (bytes)", 12, number_format=COUNT_FORMAT),
    Column("Media type", 16),
    Column("Collected", 12, number_format=DATE_FORMAT),
    Column("Covers from", 12, number_format=DATE_FORMAT),
    Column("Covers to", 12, number_format=DATE_FORMAT),
    Column("As of", 12, number_format=DATE_FORMAT),
    Column("Source system", 16),
    Column("Controls", 24, wrap=True),
    Column("Notes", 40, wrap=True),
)
CUEC_COLUMNS = (
    Column("Ref", 10),
    Column("Description", 60, wrap=True),
    Column("Related criteria", 18),
    Column("Notes", 40, wrap=True),
)
SUBSERVICE_COLUMNS = (
    Column("Name", 24),
    Column("Services", 40, wrap=True),
    Column("Method", 12),
    Column("CSOCs", 50, wrap=True),
    Column("Monitoring", 40, wrap=True),
    Column("Notes", 40, wrap=True),
)
GAP_COLUMNS = (
    Column("Kind", 24),
    Column("Category", 14),
    Column("Criterion or objective", 12),
    Column("Control", 12),
    Column("Gap", 50, wrap=True),
    Column("Control status", 14),
    Column("Gap notes", 40, wrap=True),
    Column("Remediation owner", 18),
    Column("Remediation due", 13, number_format=DATE_FORMAT),
    Column("Management response", 40, wrap=True),
)
EXCEPTION_COLUMNS = (
    Column("Date", 12, number_format=DATE_FORMAT),
    Column("Control", 12),
    Column("Request", 12),
    Column("Sampled item", 30, wrap=True),
    Column("What happened", 50, wrap=True),
    Column("Root cause", 40, wrap=True),
    Column("Remediation", 40, wrap=True),
    Column("Management response", 40, wrap=True),
)
CHANGE_COLUMNS = (
    Column("At (UTC)", 19, number_format=DATETIME_FORMAT),
    Column("Entity", 12),
    Column("Ref", 14),
    Column("Field", 18),
    Column("Old value", 40, wrap=True),
    Column("New value", 40, wrap=True),
    Column("By", 18),
)
READINESS_HEADERS = ("Category", "Criteria in scope", "Covered", "Ready", "Readiness") + tuple(
    label(status.value) for status in Status
)


def _utc(moment: datetime) -> datetime:
    """*moment* as a naive UTC time to the second (spreadsheets know no time zones)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.replace(microsecond=0)


def _derived_values(data: WorkbookData) -> dict[int, list[Any]]:
    """Control id -> the values of :data:`DERIVED_CONTROL_COLUMNS`: objectives, evidence, sampling."""
    objectives: dict[int, list[str]] = {}
    for objective in data.objectives:
        for control_id in objective.control_ids:
            objectives.setdefault(control_id, []).append(objective.ref)
    by_ref = {control.ref: control.id for control in data.controls}
    links = data.evidence_links or {}
    evidence: dict[int, list[str]] = {}
    for item in data.evidence:
        for ref in item.controls:
            if ref in by_ref:
                evidence.setdefault(by_ref[ref], []).append(links.get(item.id, item.file_name))
    sampling = {row.control_id: row for row in data.sampling}
    values = {}
    for control in data.controls:
        files = evidence.get(control.id, [])
        sample = sampling.get(control.id)
        values[control.id] = [
            ", ".join(objectives.get(control.id, [])),
            len(files),
            "\n".join(files),
            sample.expected_occurrences if sample is not None else None,
            sample.suggested_sample if sample is not None else None,
        ]
    return values


def _matrix_tables(data: WorkbookData) -> list[SheetTable]:
    """All controls (every field, then the objectives, evidence and sample each has), then the controls
    mapped to each category in scope (the review columns)."""
    names = [column.field for column in CONTROL_COLUMNS]
    rows = [[matrix_value(name, getattr(control, name)) for name in names] for control in data.controls]
    derived = _derived_values(data)
    every = [[*row, *derived[control.id]] for row, control in zip(rows, data.controls, strict=True)]
    tables = [SheetTable(ALL_CONTROLS_SHEET, (*CONTROL_COLUMNS, *DERIVED_CONTROL_COLUMNS), every)]
    review = [names.index(column.field) for column in REVIEW_COLUMNS]
    category_of = {criterion.id: criterion.category for criterion in load_catalog().criteria}
    touched = [{category_of.get(ref) for ref in control.criteria} for control in data.controls]
    for category in data.categories_in_scope:
        chosen = [
            [row[i] for i in review]
            for row, categories in zip(rows, touched, strict=True)
            if category in categories
        ]
        tables.append(SheetTable(category_sheet(category), REVIEW_COLUMNS, chosen, protected=True))
    return tables


def _criterion_notes(mapped: Sequence[ControlRow], gap_messages: Sequence[str]) -> tuple[str, str]:
    """A criterion's status words and what stands between it and ready."""
    if not mapped:
        return "No control", "\n".join(gap_messages)
    if criterion_ready(mapped):
        return "Ready", "\n".join(gap_messages)
    reasons = list(gap_messages)
    in_exception = [control.ref for control in mapped if control.status == Status.EXCEPTION]
    if in_exception:
        reasons.insert(0, f"In exception: {', '.join(in_exception)}")
    if not reasons:
        reasons.append("No mapped control is Implemented or Ready for audit yet")
    return "Not ready", "\n".join(reasons)


def _criteria_table(data: WorkbookData) -> SheetTable:
    """Each criterion of the categories in scope with its controls, status and gaps."""
    mapped: dict[str, list[ControlRow]] = {}
    for control in data.controls:
        for ref in control.criteria:
            mapped.setdefault(ref, []).append(control)
    criterion_gaps: dict[str, list[str]] = {}
    control_gaps: dict[int, list[str]] = {}
    for gap in data.readiness.gaps:
        if gap.criterion is not None:
            criterion_gaps.setdefault(gap.criterion, []).append(gap.message)
        if gap.control_id is not None:
            control_gaps.setdefault(gap.control_id, []).append(gap.message)
    rows: list[list[Any]] = []
    for category in data.categories_in_scope:
        for criterion in load_catalog().in_category(category):
            controls = mapped.get(criterion.id, [])
            messages = criterion_gaps.get(criterion.id, []) + [
                message for control in controls for message in control_gaps.get(control.id, [])
            ]
            status, reasons = _criterion_notes(controls, messages)
            refs = ", ".join(control.ref for control in controls)
            rows.append(
                [
                    criterion.id,
                    category,
                    criterion.group,
                    criterion.title,
                    refs,
                    len(controls),
                    status,
                    reasons,
                ]
            )
    return SheetTable(CRITERIA_SHEET, CRITERIA_COLUMNS, rows)


def _objectives_table(data: WorkbookData) -> SheetTable:
    figures = {objective.ref: objective for objective in data.readiness.objectives}
    rows = []
    for objective in data.objectives:
        readiness = figures.get(objective.ref)
        rows.append(
            [
                objective.ref,
                OBJECTIVE_KIND_WORDS.get(objective.kind, objective.kind),
                objective.title,
                objective.description,
                ", ".join(objective.control_refs),
                len(objective.control_refs),
                readiness.ready if readiness is not None else None,
            ]
        )
    return SheetTable(OBJECTIVES_SHEET, OBJECTIVE_COLUMNS, rows)


def _evidence_table(data: WorkbookData) -> SheetTable:
    links = data.evidence_links or {}
    rows = []
    for item in data.evidence:
        target = links.get(item.id)
        rows.append(
            [
                item.title,
                _Link(item.file_name, target) if target else item.file_name,
                item.sha256,
                item.size,
                item.media_type,
                item.collected_on,
                item.covers_from,
                item.covers_to,
                item.as_of,
                item.source_system,
                ", ".join(item.controls),
                item.notes,
            ]
        )
    return SheetTable(EVIDENCE_SHEET, EVIDENCE_COLUMNS, rows)


def _carveout_tables(data: WorkbookData) -> list[SheetTable]:
    cuecs = [[c.ref, c.description, c.related_criteria, c.notes] for c in data.cuecs]
    orgs = [
        [o.name, o.services, o.method.capitalize(), o.csocs, o.monitoring, o.notes]
        for o in data.subservice_orgs
    ]
    return [
        SheetTable(CUECS_SHEET, CUEC_COLUMNS, cuecs),
        SheetTable(SUBSERVICE_SHEET, SUBSERVICE_COLUMNS, orgs),
    ]


def _gaps_table(data: WorkbookData) -> SheetTable:
    controls = {control.id: control for control in data.controls}
    rows = []
    for gap in data.readiness.gaps:
        control = controls.get(gap.control_id) if gap.control_id is not None else None
        kind = GAP_KIND_WORDS.get(gap.kind, gap.kind)
        details: list[Any] = [None] * 5
        if control is not None:
            details = [
                label(control.status),
                control.gap,
                control.remediation_owner,
                control.remediation_due,
                control.management_response,
            ]
        rows.append(
            [kind, gap.category, gap.criterion or gap.objective, gap.control_ref, gap.message, *details]
        )
    return SheetTable(GAPS_SHEET, GAP_COLUMNS, rows)


def _exceptions_table(data: WorkbookData) -> SheetTable:
    rows = [
        [
            row.occurred_on,
            row.control_ref,
            row.request_ref,
            row.sample_item,
            row.description,
            row.root_cause,
            row.remediation,
            row.management_response,
        ]
        for row in data.exceptions
    ]
    return SheetTable(EXCEPTIONS_SHEET, EXCEPTION_COLUMNS, rows)


def _changes_table(data: WorkbookData) -> SheetTable:
    rows = []
    for change in data.changes:
        rows.append(
            [
                _utc(change.at),
                change.entity,
                change.entity_ref,
                readable_field(change.entity, change.field),
                readable_change_value(change.old_value),
                readable_change_value(change.new_value),
                change.changed_by,
            ]
        )
    return SheetTable(CHANGES_SHEET, CHANGE_COLUMNS, rows)


def _tables(data: WorkbookData) -> list[SheetTable]:
    """Every table sheet in workbook order."""
    tables = [*_matrix_tables(data), _criteria_table(data)]
    if "SOC 1" in data.report_kinds:
        tables.append(_objectives_table(data))
    return [
        *tables,
        _evidence_table(data),
        *_carveout_tables(data),
        _gaps_table(data),
        _exceptions_table(data),
        _changes_table(data),
    ]


# --- summary ------------------------------------------------------------------------------------


def _scope_words(data: WorkbookData) -> str:
    reports = " + ".join(data.report_kinds) if data.report_kinds else "Not scoped yet"
    return f"{reports} {data.report_type}" if data.report_kinds and data.report_type else reports


def _summary_rows(data: WorkbookData, as_of: datetime, empty: Sequence[str]) -> Iterator[list[Any]]:
    """The summary's rows as (value, font, number format) triples per cell; ``None`` for an empty cell."""
    section = STYLES.section_font
    bold = STYLES.label_font
    yield [("Audit readiness workbook", STYLES.title_font, "General")]
    yield []
    facts = (
        ("Company", data.company),
        ("Engagement", data.engagement_name),
        ("System", data.system_name),
        ("Report", _scope_words(data)),
        ("Trust Services Categories", ", ".join(data.categories_in_scope) or "None"),
        ("Period", describe_period(data.period_start, data.period_end, data.as_of_date)),
        ("CPA firm", data.auditor_firm),
        ("Data as of", f"{format_day(as_of.date())}, {as_of:%H:%M} UTC (the engagement's last change)"),
    )
    for name, value in facts:
        yield [(name, bold, "General"), (value, None, "General")]
    yield []
    yield [("Readiness by category", section, "General")]
    yield [(text, bold, "General") for text in READINESS_HEADERS]
    for figures in data.readiness.categories:
        by_status = [
            (figures.controls_by_status.get(status.value, 0), None, COUNT_FORMAT) for status in Status
        ]
        yield [
            (figures.category, None, "General"),
            (figures.criteria_in_scope, None, COUNT_FORMAT),
            (figures.criteria_covered, None, COUNT_FORMAT),
            (figures.criteria_ready, None, COUNT_FORMAT),
            (figures.readiness, None, PERCENT_FORMAT),
            *by_status,
        ]
    if not data.readiness.categories:
        yield [("No Trust Services Category is in scope.", None, "General")]
    yield []
    yield [("Counts", section, "General")]
    counts = [
        ("Controls", len(data.controls)),
        ("Key controls", sum(1 for control in data.controls if control.is_key)),
        ("Gaps", len(data.readiness.gaps)),
        ("Evidence records", len(data.evidence)),
    ]
    if "SOC 1" in data.report_kinds:
        counts.append(("SOC 1 objectives", len(data.objectives)))
    counts += [
        ("CUECs", len(data.cuecs)),
        ("Subservice organizations", len(data.subservice_orgs)),
        ("Changes logged", len(data.changes)),
    ]
    for name, count in counts:
        yield [(name, bold, "General"), (count, None, COUNT_FORMAT)]
    yield []
    yield [("About this workbook", section, "General")]
    if empty:
        yield [
            (
                f"Hidden because they have no rows yet, so they do not print: {', '.join(empty)}.",
                None,
                "General",
            )
        ]
    about = (
        f"Edit controls on the “{ALL_CONTROLS_SHEET}” sheet: SOC Workbench reads that sheet back.",
        "Keep its Ref column: rows are matched by Ref; a new Ref adds a control, a deleted row removes one.",
        "The per-category control sheets are protected views; the other sheets are for reading.",
    )
    for line in about:
        yield [(line, None, "General")]


SummaryRows = Iterable[Sequence[tuple[Any, Font | None, str]]]
"""A summary sheet: rows of (value, font, number format) cells."""


def _write_summary(workbook: Workbook, rows: SummaryRows, header: str) -> None:
    sheet = workbook.create_sheet(SUMMARY_SHEET)
    _size_column(sheet, "A", 28)
    for letter in "BCDEFGHIJ":
        _size_column(sheet, letter, 15)
    _setup_print(sheet, header=header, title_rows=None)
    for row in rows:
        sheet.append([_styled_cell(sheet, value, font=font, number_format=fmt) for value, font, fmt in row])


# --- the file -----------------------------------------------------------------------------------


class _StampedZip(ZipFile):
    """A zip archive whose every entry carries one fixed timestamp (so equal content, equal bytes)."""

    def __init__(self, file: Path, moment: datetime) -> None:
        super().__init__(file, "w", ZIP_DEFLATED, allowZip64=True)
        self._date_time = (max(moment.year, 1980), *moment.timetuple()[1:6])

    def _entry(self, name: str, size: int = 0) -> ZipInfo:
        entry = ZipInfo(name, self._date_time)
        entry.compress_type = ZIP_DEFLATED
        entry.create_system = 3
        entry.external_attr = 0o600 << 16
        entry.file_size = size
        return entry

    def writestr(
        self,
        zinfo_or_arcname: str | ZipInfo,
        data: Any,
        compress_type: int | None = None,
        compresslevel: int | None = None,
    ) -> None:
        if isinstance(zinfo_or_arcname, str):
            zinfo_or_arcname = self._entry(zinfo_or_arcname)
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(
        self,
        filename: Any,
        arcname: Any = None,
        compress_type: int | None = None,
        compresslevel: int | None = None,
    ) -> None:
        """Copy the file *filename* (a finished worksheet) into the archive as *arcname*."""
        path = Path(filename)
        entry = self._entry(str(arcname or path.name), path.stat().st_size)
        with path.open("rb") as source, self.open(entry, "w") as target:
            while block := source.read(1 << 20):
                target.write(block)


def _discard_sheet_files(workbook: Workbook) -> None:
    """Remove the temporary files openpyxl streams worksheets into (an export that failed leaves them).

    openpyxl removes them as it saves a workbook, so the unfinished workbook
    is saved into memory and thrown away.
    """
    with suppress(Exception), ZipFile(io.BytesIO(), "w") as throwaway:
        ExcelWriter(workbook, throwaway).save()


def write_workbook(
    target: Path,
    data: WorkbookData,
    *,
    as_of: datetime,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> None:
    """Write the auditor workbook of *data* to *target* (``.xlsx``), atomically.

    *as_of* (the engagement's last data change) dates the workbook: its
    metadata, every zip entry and the summary's "data as of" line, so two
    exports of unchanged data are byte-identical. *progress* hears of the rows
    written; when *cancel* returns True the export stops with
    :class:`ExportCancelled`, and on any error nothing is left at *target*
    nor beside it.
    """
    tables = _tables(data)
    empty = [table.title for table in tables if not table.rows and table.title != ALL_CONTROLS_SHEET]
    write_sheets(
        target,
        tables,
        title=f"Audit readiness workbook — {data.company or data.engagement_name}",
        header=page_header(data.company, data.engagement_name),
        as_of=as_of,
        summary=_summary_rows(data, _utc(as_of), empty),
        progress=progress,
        cancel=cancel,
    )


def write_sheets(
    target: Path,
    tables: Sequence[SheetTable],
    *,
    title: str,
    header: str,
    as_of: datetime,
    summary: SummaryRows,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> None:
    """Write a workbook of a summary sheet and table sheets to *target*, atomically and reproducibly.

    Every table sheet is laid out as the auditor workbook's are (frozen,
    filtered header, fitted widths, text never read as a formula, printed
    landscape with *header* on every page). *as_of* dates the metadata and
    every zip entry. *progress*, *cancel* and the guarantees on failure are
    those of :func:`write_workbook`.
    """
    moment = _utc(as_of)
    tracker = Tracker(progress, cancel, sum(len(table.rows) for table in tables) + 1)
    tracker.check()
    workbook = Workbook(write_only=True)
    properties = workbook.properties
    properties.creator = properties.lastModifiedBy = APPLICATION
    properties.created = properties.modified = moment
    properties.title = cell_text(title)
    with atomic_path(target) as temporary:
        try:
            _write_summary(workbook, summary, header)
            for table in tables:
                _write_table(workbook, table, header, tracker)
            tracker.check()
            with _StampedZip(temporary, moment) as archive:
                ExcelWriter(workbook, archive).save()
        except BaseException:
            _discard_sheet_files(workbook)
            raise
    tracker.finish()
