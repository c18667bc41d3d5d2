"""The auditor workbook's layout, shared by the exporter that writes it and the importer that reads it back.

Sheet names, the control matrix columns (derived from
:data:`app.domain.controls.CONTROL_FIELDS`), how a field's value looks in a
cell and how a cell edited by the client becomes a value again, and the text
rules every spreadsheet program imposes: characters it rejects, the cell
length limit, what a sheet may be called.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from app.domain.catalog import load_catalog, sort_key
from app.domain.controls import CONTROL_FIELDS, FieldSpec, coerce_value, display_value, field_spec
from app.domain.vocab import Status, label

SUMMARY_SHEET = "Summary"
ALL_CONTROLS_SHEET = "All controls"
"""The control matrix sheet the import reads; the per-category sheets are for reading only."""
CRITERIA_SHEET = "Criteria coverage"
OBJECTIVES_SHEET = "SOC 1 objectives"
EVIDENCE_SHEET = "Evidence index"
CUECS_SHEET = "CUECs"
SUBSERVICE_SHEET = "Subservice organizations"
GAPS_SHEET = "Gaps and remediation"
EXCEPTIONS_SHEET = "Exceptions"
CHANGES_SHEET = "Change log"

MAX_CELL_TEXT = 32_767
"""Characters a cell holds (counted in UTF-16 units, as spreadsheet programs count)."""
MAX_SHEET_TITLE = 31
FORMULA_PREFIXES = ("=", "+", "-", "@")
"""A text starting with one of these becomes a formula when a person re-enters the cell."""

DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"

_REJECTED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_ESCAPE_LOOKALIKE = re.compile("_(?=x[0-9A-Fa-f]{4}_)")
_SHEET_REJECTED = re.compile(r"[\[\]:*?/\\]")


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a sheet: header, width in characters, and how its cells behave.

    ``choices`` are the words of the drop-down list (empty: free input);
    ``field`` is the control field a control matrix column holds.
    """

    header: str
    width: float
    wrap: bool = False
    number_format: str = "General"
    choices: tuple[str, ...] = ()
    blank_allowed: bool = True
    field: str = ""


_KIND_WIDTHS = {
    "text": 18.0,
    "long": 40.0,
    "choice": 16.0,
    "bool": 7.0,
    "date": 13.0,
    "int": 11.0,
    "criteria": 18.0,
}
_FIELD_WIDTHS = {"ref": 12.0, "title": 36.0, "description": 50.0, "owner": 20.0}


def _choices(spec: FieldSpec) -> tuple[str, ...]:
    """The drop-down words of a field: vocabulary labels, or Yes and No."""
    if spec.choices is not None:
        return tuple(label(member.value) for member in spec.choices)
    return ("Yes", "No") if spec.kind == "bool" else ()


def _control_column(spec: FieldSpec) -> Column:
    return Column(
        header=spec.label,
        width=_FIELD_WIDTHS.get(spec.name, _KIND_WIDTHS[spec.kind]),
        wrap=spec.kind == "long",
        number_format=DATE_FORMAT if spec.kind == "date" else "General",
        choices=_choices(spec),
        blank_allowed=spec.name != "status",
        field=spec.name,
    )


CONTROL_COLUMNS: tuple[Column, ...] = tuple(_control_column(spec) for spec in CONTROL_FIELDS)
"""The control matrix columns in :data:`CONTROL_FIELDS` order; headers are the field labels."""
REVIEW_FIELDS = ("ref", "title", "description", "criteria", "owner", "frequency", "is_key", "status")
REVIEW_COLUMNS: tuple[Column, ...] = tuple(
    column for column in CONTROL_COLUMNS if column.field in REVIEW_FIELDS
)
"""The per-category sheets' columns: what a reviewer reads, narrow enough to print one page wide."""
DERIVED_CONTROL_COLUMNS: tuple[Column, ...] = (
    Column("SOC 1 objectives", 16, wrap=True),
    Column("Evidence files", 9, number_format="#,##0"),
    Column("Evidence", 36, wrap=True),
    Column("Expected occurrences", 11, number_format="#,##0"),
    Column("Sample size", 9, number_format="#,##0"),
)
"""Columns the "All controls" sheet adds after the fields, worked out from the engagement (the
objectives a control serves, its evidence, its sample); an import reads past them."""
REQUIRED_CONTROL_FIELDS = ("ref", "title")
"""Columns a workbook must have for an import: the key and the one field every control needs."""


def category_sheet(category: str) -> str:
    """The title of a category's control matrix sheet (``Security controls``)."""
    return sheet_title(f"{category} controls")


def _cut(text: str, limit: int) -> str:
    """*text* shortened to at most *limit* UTF-16 units, never inside a character."""
    if len(text) * 2 <= limit:
        return text
    units = 0
    for position, character in enumerate(text):
        units += 2 if ord(character) > 0xFFFF else 1
        if units > limit:
            return text[:position]
    return text


def cell_text(value: object) -> str:
    """Text as a spreadsheet program stores it and shows it back.

    Characters spreadsheets reject (control characters other than tab and
    line breaks, lone surrogates, U+FFFE/U+FFFF) are dropped, line breaks
    become ``\\n`` (what any program reads back) and the text is cut to
    :data:`MAX_CELL_TEXT`. Applying it twice changes nothing.
    """
    text = value if isinstance(value, str) else str(value)
    text = _REJECTED.sub("", text)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _cut(text, MAX_CELL_TEXT)


def escape_cell_text(text: str) -> str:
    """The string to store for a cell showing *text*.

    Spreadsheet files spell some characters as ``_xHHHH_``; a text that
    merely looks like that (``_x0041_``) has its underscore escaped so Excel
    shows it as typed rather than as ``A``. Apply once, to :func:`cell_text`'s result.
    """
    return _ESCAPE_LOOKALIKE.sub("_x005F_", text) if "_x" in text else text


def sheet_title(name: str) -> str:
    """A sheet name every spreadsheet accepts: no ``[]:*?/\\``, no edge apostrophes, at most 31 characters."""
    title = " ".join(_SHEET_REJECTED.sub(" ", _REJECTED.sub("", name)).split())
    title = _cut(title.strip("'"), MAX_SHEET_TITLE).rstrip().rstrip("'")
    return title or "Sheet"


def matrix_value(name: str, value: Any) -> str | date | int | None:
    """What the control matrix cell of field *name* shows: a date or a number for those fields, else words."""
    kind = field_spec(name).kind
    if kind == "date":
        return value if isinstance(value, date) else None
    if kind == "int":
        return value if isinstance(value, int) and not isinstance(value, bool) else None
    return display_value(name, value)


def _text_of(cell: Any) -> str:
    """A cell value of any type as the text a person typed."""
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "Yes" if cell else "No"
    if isinstance(cell, datetime):
        return cell.date().isoformat() if cell.time() == datetime.min.time() else cell.isoformat(sep=" ")
    if isinstance(cell, date):
        return cell.isoformat()
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell)


def parse_matrix_value(name: str, cell: Any) -> Any:
    """The value of field *name* from a control matrix cell as a spreadsheet reader hands it back
    (text with its ``_xHHHH_`` escapes decoded, as python-calamine does; see :func:`escape_cell_text`).

    Accepts the vocabulary words the workbook shows and the stored values,
    real date cells and ``YYYY-MM-DD`` text; criteria come back in report
    order. Raises ``ValueError`` with a message naming the field when the cell
    does not fit (an unknown criterion included).
    """
    kind = field_spec(name).kind
    if kind == "date" and isinstance(cell, datetime):
        return cell.date()
    if kind == "date" and isinstance(cell, date):
        return cell
    if kind == "bool" and isinstance(cell, bool):
        return cell
    text = _text_of(cell)
    if name == "status" and not text.strip():
        return Status.NOT_STARTED.value  # a row the client added without a status has not started
    spec = field_spec(name)
    try:
        value = coerce_value(name, text)
    except ValueError:
        if spec.kind != "choice":
            raise
        words = ", ".join(_choices(spec))
        raise ValueError(f"{spec.label}: “{text.strip()}” is not one of the list's words: {words}") from None
    if kind == "criteria":
        unknown = [ref for ref in value if ref not in load_catalog().ids]
        if unknown:
            raise ValueError(f"Criteria: unknown criterion {', '.join(unknown)}")
        value = sorted(value, key=sort_key)
    return value


def same_in_workbook(name: str, old: Any, new: Any) -> bool:
    """Whether two values of field *name* look the same in the control matrix cell (so nothing changed)."""
    shown = matrix_value(name, old), matrix_value(name, new)
    if isinstance(shown[0], str) and isinstance(shown[1], str):
        return cell_text(shown[0]) == cell_text(shown[1])
    return shown[0] == shown[1]
