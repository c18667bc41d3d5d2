"""Reading tables people made: a header row among title rows, columns by their usual names, dates.

Rows come from a spreadsheet or a CSV file as tuples of cell values (text,
numbers, dates, booleans or ``None``); row numbers are 1-based as a
spreadsheet shows them. Nothing here touches a file.
"""

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from app.domain.periods import MONTHS

HEADER_SEARCH_ROWS = 20
"""How far down the header row may be (title rows, notes and blank rows above it)."""

EXCEL_EPOCH = date(1899, 12, 30)
"""Day zero of spreadsheet serial dates (the 1900 date system, as Excel and LibreOffice write it)."""
SERIAL_RANGE = (1, 2958465)
"""Serial numbers that are dates (1 Jan 1900 to 31 Dec 9999)."""

MONTH_NAMES = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        1,
    )
    for name in names
}

_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_NUMERIC = re.compile(r"^(\d{1,2})([/.-])(\d{1,2})\2(\d{2}|\d{4})(?: \d{1,2}:\d{2}(?::\d{2})?)?$")
_DAY_MONTH_NAME = re.compile(r"^(\d{1,2})[ -]([a-z]{3,9})\.?,?[ -](\d{2}|\d{4})$")
_MONTH_NAME_DAY = re.compile(r"^([a-z]{3,9})\.? (\d{1,2})(?:st|nd|rd|th)?,? (\d{4})$")


def cell_text(value: Any) -> str:
    """A cell as one trimmed line of text (``None`` → ``""``, ``12.0`` → ``"12"``)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


def header_key(value: Any) -> str:
    """A header cell reduced for matching: ``" E-mail Address (work): "`` → ``"e mail address"``."""
    text = re.sub(r"\([^)]*\)", " ", cell_text(value).casefold()).replace("#", " number ")
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text).split())


def column_letter(index: int) -> str:
    """``0`` → ``A``, ``26`` → ``AA``: how a spreadsheet names the column at *index*."""
    letters = ""
    number = index + 1
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


@dataclass(frozen=True, slots=True)
class Column:
    """A field of an import and the header texts that name it (compared by :func:`header_key`)."""

    field: str
    synonyms: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Header:
    """The header row found: its number, the column index of each field, headers not recognised."""

    row: int
    columns: Mapping[str, int]
    ignored: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RowError:
    """A problem with one row (and column, when it is one cell's), as a spreadsheet user finds it."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"row {self.row}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.message}"


def _match_header(row_number: int, cells: Sequence[Any], columns: Sequence[Column]) -> Header:
    """Each field's column: the one named by its earliest synonym, the leftmost on a tie."""
    by_key: dict[str, tuple[str, int]] = {}
    for column in columns:
        for rank, synonym in enumerate((column.field, *column.synonyms)):
            by_key.setdefault(header_key(synonym), (column.field, rank))
    best: dict[str, tuple[int, int]] = {}
    named: list[int] = []
    for index, cell in enumerate(cells):
        key = header_key(cell)
        if not key:
            continue
        named.append(index)
        match = by_key.get(key)
        if match is not None and (match[0] not in best or match[1] < best[match[0]][0]):
            best[match[0]] = (match[1], index)
    found = {field: index for field, (_, index) in best.items()}
    used = set(found.values())
    ignored = tuple(f"{column_letter(i)} “{cell_text(cells[i])}”" for i in named if i not in used)
    return Header(row_number, found, ignored)


def find_header(
    rows: Sequence[Sequence[Any]],
    columns: Sequence[Column],
    required: Callable[[frozenset[str]], bool],
    search_rows: int = HEADER_SEARCH_ROWS,
) -> Header | None:
    """The first of the first *search_rows* rows whose recognised fields satisfy *required*.

    A field named by several columns takes the one named by the synonym listed
    first (``Full name`` before ``Employee``); the others are listed as ignored.
    """
    for row_number, cells in enumerate(rows[:search_rows], 1):
        header = _match_header(row_number, cells, columns)
        if required(frozenset(header.columns)):
            return header
    return None


def _year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        year += 2000 if year < 70 else 1900
    return year


def _numeric_parts(text: str) -> tuple[int, int, str] | None:
    """``(first, second, separator)`` of a ``dd/mm/yyyy``-like text, else ``None``."""
    match = _NUMERIC.match(text)
    if not match:
        return None
    return int(match.group(1)), int(match.group(3)), match.group(2)


def infer_day_first(values: Iterable[Any]) -> bool | None:
    """Whether slash or dash dates among *values* are day-first, from any part above 12.

    ``None`` when no value settles it. Dotted dates (``16.07.2026``) are always
    day-first and do not count. Raises ``ValueError`` when some values can
    only be day-first and others only month-first.
    """
    day_first = month_first = None
    for value in values:
        if not isinstance(value, str):
            continue
        parts = _numeric_parts(cell_text(value))
        if parts is None or parts[2] == ".":
            continue
        first, second, _ = parts
        if first > 12 and second <= 12:
            day_first = day_first or value
        elif second > 12 and first <= 12:
            month_first = month_first or value
    if day_first and month_first:
        raise ValueError(
            f"the dates mix day-first ({day_first!r}) and month-first ({month_first!r}) forms; "
            "use one form throughout"
        )
    if day_first:
        return True
    if month_first:
        return False
    return None


def _make_date(year: int, month: int, day: int, text: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"{text!r} is not a real date") from None


def parse_date_cell(value: Any, *, day_first: bool | None) -> date | None:
    """The date a cell holds, or ``None`` for an empty cell.

    Accepts real dates and date-times, spreadsheet serial numbers, and text in
    the usual forms: ``2026-07-16``, ``16.07.2026``, ``16/07/2026`` or
    ``07/16/2026`` (by *day_first*; a part above 12 settles it alone),
    ``16 Jul 2026``, ``16-Jul-26``, ``July 16, 2026``. Raises ``ValueError``
    with a plain message for anything else, and for a slash date that could be
    read both ways when *day_first* is ``None``.
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a date")
    if isinstance(value, int | float):
        if not SERIAL_RANGE[0] <= value <= SERIAL_RANGE[1]:
            raise ValueError(f"{value!r} is not a date")
        return EXCEL_EPOCH + timedelta(days=int(value))
    text = cell_text(value)
    if not text:
        return None
    lowered = text.casefold()
    if match := _ISO.match(lowered):
        return _make_date(int(match.group(1)), int(match.group(2)), int(match.group(3)), text)
    if parts := _numeric_parts(lowered):
        first, second, separator = parts
        year = _year(lowered.split(separator)[2].split(" ")[0])
        if separator == "." or first > 12:
            return _make_date(year, second, first, text)
        if second > 12:
            return _make_date(year, first, second, text)
        if first != second and day_first is None:
            raise ValueError(
                f"{text!r} could be {first} {_month_name(second)} or {second} {_month_name(first)}; "
                "say whether the file's dates are day-first or month-first"
            )
        return _make_date(year, second, first, text) if day_first else _make_date(year, first, second, text)
    if (match := _DAY_MONTH_NAME.match(lowered)) and match.group(2) in MONTH_NAMES:
        return _make_date(_year(match.group(3)), MONTH_NAMES[match.group(2)], int(match.group(1)), text)
    if (match := _MONTH_NAME_DAY.match(lowered)) and match.group(1) in MONTH_NAMES:
        return _make_date(int(match.group(3)), MONTH_NAMES[match.group(1)], int(match.group(2)), text)
    raise ValueError(f"{text!r} is not a date (use a form such as 2026-07-16)")


def _month_name(month: int) -> str:
    return MONTHS[month - 1]
