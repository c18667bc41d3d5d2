"""A small document model the PDF and Word exporters both write, and Markdown read into it.

Letters, the system description and policies are built as a :class:`Document`:
a title block and a sequence of blocks (headings, paragraphs, lists, tables,
page breaks). Text inside a block is a sequence of inlines: :class:`Run` s of
plain, bold or italic text and :class:`ConfirmMark` s, the places management
must confirm before the document is handed on (each exporter shows them
highlighted as ``[Confirm: …]``).

:func:`document_from_markdown` and :func:`blocks_from_markdown` read the
small part of Markdown the workbench's templates and users write: ``#``
headings, paragraphs, ``-``/``*``/``+`` bullet lists, ``1.`` numbered lists,
``**bold**``, ``*italic*`` and pipe tables with a ``|---|`` separator row.
"""

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

CONFIRM_PREFIX = "Confirm: "
"""What every confirm mark starts with when shown: ``[Confirm: the signatory's name]``."""


@dataclass(frozen=True, slots=True)
class Run:
    """Text in one style."""

    text: str
    bold: bool = False
    italic: bool = False


@dataclass(frozen=True, slots=True)
class ConfirmMark:
    """A place management must confirm or complete; *text* says what to confirm."""

    text: str

    @property
    def shown(self) -> str:
        """``[Confirm: text]``: the words every exporter prints."""
        return f"[{CONFIRM_PREFIX}{self.text}]"


Inline = Run | ConfirmMark
Inlines = tuple[Inline, ...]


@dataclass(frozen=True, slots=True)
class Heading:
    """A section title; *level* 1 is a section, 2 a subsection, 3 a minor heading."""

    level: int
    text: str


@dataclass(frozen=True, slots=True)
class Paragraph:
    inlines: Inlines


@dataclass(frozen=True, slots=True)
class BulletList:
    items: tuple[Inlines, ...]


@dataclass(frozen=True, slots=True)
class NumberedList:
    """Items numbered from 1; each numbered list starts again at 1."""

    items: tuple[Inlines, ...]


@dataclass(frozen=True, slots=True)
class Table:
    """A header row and body rows of cells; every row has as many cells as the header."""

    header: tuple[str, ...]
    rows: tuple[tuple[Inlines, ...], ...]


@dataclass(frozen=True, slots=True)
class PageBreak:
    """The next block starts a new page."""


Block = Heading | Paragraph | BulletList | NumberedList | Table | PageBreak


@dataclass(frozen=True, slots=True)
class Document:
    """A titled document.

    *subtitle* is usually the company; *particulars* are name/value lines
    under the title (report, period, prepared on); *header* runs at the top
    of every page but the first (the subtitle when empty). With *contents*
    the exporters add a table of contents of the level 1 and 2 headings.
    """

    title: str
    blocks: tuple[Block, ...]
    subtitle: str = ""
    particulars: tuple[tuple[str, str], ...] = ()
    header: str = ""
    contents: bool = False

    @property
    def page_header(self) -> str:
        return self.header or self.subtitle


def inlines(*parts: str | Inline) -> Inlines:
    """Inlines from plain strings (each a :class:`Run`) and ready inlines; empty strings are dropped."""
    return tuple(Run(part) if isinstance(part, str) else part for part in parts if part != "")


def paragraph(*parts: str | Inline) -> Paragraph:
    """A paragraph of plain strings and inlines, e.g. ``paragraph("Signed: ", ConfirmMark("name"))``."""
    return Paragraph(inlines(*parts))


def bullets(items: Iterable[str | Inlines]) -> BulletList:
    """A bullet list of plain strings or ready inlines."""
    return BulletList(tuple(inlines(item) if isinstance(item, str) else item for item in items))


def table(header: Sequence[str], rows: Iterable[Sequence[str | Inlines]]) -> Table:
    """A table from plain strings or ready inlines per cell; refused without columns or with a ragged row."""
    if not header:
        raise ValueError("a table needs at least one column")
    body = tuple(tuple(inlines(cell) if isinstance(cell, str) else cell for cell in row) for row in rows)
    for row in body:
        if len(row) != len(header):
            raise ValueError(f"a table row has {len(row)} cells where the header has {len(header)}")
    return Table(tuple(header), body)


def plain_text(items: Inlines) -> str:
    """The words of *items* as printed (confirm marks as ``[Confirm: …]``)."""
    return "".join(item.shown if isinstance(item, ConfirmMark) else item.text for item in items)


def column_widths(
    block: Table, total: float, measure: Callable[[str], float], padding: float = 0.0
) -> tuple[float, ...]:
    """Widths of *block*'s columns summing to *total*, from *measure* (the printed width of a text).

    Each column gets at least its longest word plus *padding*, so no word is
    cut; the room left goes to the columns whose text runs longer, in
    proportion to how much more they would take on one line.
    """
    least: list[float] = []
    most: list[float] = []
    for index, name in enumerate(block.header):
        texts = [name, *(plain_text(row[index]) for row in block.rows)]
        word = max((measure(word) for text in texts for word in text.split()), default=0.0) + padding
        line = max(measure(text) for text in texts) + padding
        least.append(word)
        most.append(max(word, min(line, total)))
    floor = sum(least)
    if floor >= total:
        return tuple(total * width / floor for width in least)
    room, wanted = total - floor, sum(most) - floor
    if wanted <= 0:
        return tuple(width + room / len(least) for width in least)
    return tuple(
        width + room * (longest - width) / wanted for width, longest in zip(least, most, strict=True)
    )


def confirm_marks(document: Document) -> tuple[str, ...]:
    """What every confirm mark of *document* asks, in reading order."""
    found: list[str] = []
    for block in document.blocks:
        groups: Iterable[Inlines]
        if isinstance(block, Paragraph):
            groups = (block.inlines,)
        elif isinstance(block, BulletList | NumberedList):
            groups = block.items
        elif isinstance(block, Table):
            groups = (cell for row in block.rows for cell in row)
        else:
            continue
        found.extend(item.text for group in groups for item in group if isinstance(item, ConfirmMark))
    return tuple(found)


# Inline Markdown -------------------------------------------------------------------------------

_ESCAPABLE = "\\*_|`#"
_ESCAPED = {char: chr(0xE000 + index) for index, char in enumerate(_ESCAPABLE)}
_UNESCAPED = {code: char for char, code in _ESCAPED.items()}
_EMPHASIS = re.compile(
    r"(?P<both>\*\*\*(?=\S)(?P<both_text>.+?)(?<=\S)\*\*\*)"
    r"|(?P<bold>(?P<bold_mark>\*\*|(?<!\w)__)(?=\S)(?P<bold_text>.+?)(?<=\S)(?P=bold_mark))"
    r"|(?P<italic>(?P<italic_mark>\*|(?<!\w)_)(?=\S)(?P<italic_text>.+?)(?<=\S)(?P=italic_mark))"
)


def _escape(text: str) -> str:
    """Backslash escapes turned into private characters, so they never delimit emphasis."""
    return re.sub(r"\\([\\*_|`#])", lambda match: _ESCAPED[match.group(1)], text)


def _unescape(text: str) -> str:
    return "".join(_UNESCAPED.get(char, char) for char in text)


def _emphasis(text: str, bold: bool, italic: bool) -> list[Run]:
    runs: list[Run] = []
    position = 0
    for match in _EMPHASIS.finditer(text):
        mark = match.group("bold_mark") or match.group("italic_mark") or ""
        if mark.startswith("_") and _word_char_after(text, match.end()):
            continue
        if match.start() > position:
            runs.append(Run(_unescape(text[position : match.start()]), bold, italic))
        if match.group("both"):
            runs.extend(_emphasis(match.group("both_text"), True, True))
        elif match.group("bold"):
            runs.extend(_emphasis(match.group("bold_text"), True, italic))
        else:
            runs.extend(_emphasis(match.group("italic_text"), bold, True))
        position = match.end()
    if position < len(text):
        runs.append(Run(_unescape(text[position:]), bold, italic))
    return runs


def _word_char_after(text: str, index: int) -> bool:
    return index < len(text) and (text[index].isalnum() or text[index] == "_")


def _merged(runs: Iterable[Run]) -> Inlines:
    """Neighbouring runs of the same style joined into one."""
    merged: list[Run] = []
    for run in runs:
        if not run.text:
            continue
        if merged and (merged[-1].bold, merged[-1].italic) == (run.bold, run.italic):
            merged[-1] = Run(merged[-1].text + run.text, run.bold, run.italic)
        else:
            merged.append(run)
    return tuple(merged)


def parse_inline(text: str) -> Inlines:
    """``Some **bold** and *italic* words`` as runs; a backslash keeps ``*`` or ``_`` literal."""
    return _merged(_emphasis(_escape(text), False, False))


# Block Markdown --------------------------------------------------------------------------------

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")
_BULLET = re.compile(r"^\s{0,3}[-*+]\s+(.*)$")
_NUMBERED = re.compile(r"^\s{0,3}\d{1,9}[.)]\s+(.*)$")
_TABLE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$")
_RULE = re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$")


def _cells(line: str) -> list[str]:
    """The cells of a pipe-table line (escaped pipes stay in the cell)."""
    text = _escape(line.strip())
    if text.startswith("|"):
        text = text[1:]
    if text.endswith("|"):
        text = text[:-1]
    return [_unescape_pipes(cell.strip()) for cell in text.split("|")]


def _unescape_pipes(text: str) -> str:
    """Back to Markdown with its escapes, for :func:`parse_inline` to read again."""
    return "".join("\\" + _UNESCAPED[char] if char in _UNESCAPED else char for char in text)


def _is_table_start(lines: Sequence[str], index: int) -> bool:
    return (
        "|" in lines[index]
        and index + 1 < len(lines)
        and "|" in lines[index + 1]
        and bool(_TABLE_SEPARATOR.match(lines[index + 1]))
    )


def _heading_text(text: str) -> str:
    return plain_text(parse_inline(text)).strip()


def blocks_from_markdown(text: str) -> tuple[Block, ...]:
    """The blocks of a Markdown text (see the module's description for what is read).

    Lines that continue a paragraph or a list item are joined with a space;
    a blank line ends a paragraph, a list or a table. A horizontal rule
    (``---``) separates blocks and prints nothing. Table rows shorter than
    the header are padded, longer ones cut.
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    blocks: list[Block] = []
    paragraph_lines: list[str] = []
    list_kind: type[BulletList] | type[NumberedList] | None = None
    items: list[list[str]] = []

    def close() -> None:
        nonlocal list_kind
        if paragraph_lines:
            blocks.append(Paragraph(parse_inline(" ".join(paragraph_lines))))
            paragraph_lines.clear()
        if list_kind is not None:
            blocks.append(list_kind(tuple(parse_inline(" ".join(item)) for item in items)))
            items.clear()
            list_kind = None

    index = 0
    while index < len(lines):
        line = lines[index]
        stripped = line.strip()
        heading = _HEADING.match(stripped)
        bullet = _BULLET.match(line)
        numbered = _NUMBERED.match(line)
        if not stripped:
            close()
        elif heading:
            close()
            blocks.append(Heading(len(heading.group(1)), _heading_text(heading.group(2))))
        elif _RULE.match(line):
            close()
        elif item := bullet or numbered:
            kind = BulletList if bullet else NumberedList
            if paragraph_lines or list_kind is not kind:
                close()
                list_kind = kind
            items.append([item.group(1).strip()])
        elif _is_table_start(lines, index):
            close()
            header = _cells(line)
            rows: list[tuple[Inlines, ...]] = []
            index += 2
            while index < len(lines) and "|" in lines[index] and lines[index].strip():
                cells = (_cells(lines[index]) + [""] * len(header))[: len(header)]
                rows.append(tuple(parse_inline(cell) for cell in cells))
                index += 1
            blocks.append(Table(tuple(_heading_text(cell) for cell in header), tuple(rows)))
            continue
        elif list_kind is not None and line[:1].isspace():
            items[-1].append(stripped)
        else:
            if list_kind is not None:
                close()
            paragraph_lines.append(stripped)
        index += 1
    close()
    return tuple(blocks)


def document_from_markdown(
    text: str, *, title: str = "", subtitle: str = "", particulars: Sequence[tuple[str, str]] = ()
) -> Document:
    """A document from Markdown; without *title*, a leading ``# Heading`` becomes the title.

    Raises ``ValueError`` when there is neither a *title* nor a leading level 1 heading.
    """
    blocks = blocks_from_markdown(text)
    if not title:
        if not blocks or not isinstance(blocks[0], Heading) or blocks[0].level != 1:
            raise ValueError("the Markdown text needs a title: start it with a line '# Title'")
        title, blocks = blocks[0].text, blocks[1:]
    return Document(title=title, blocks=blocks, subtitle=subtitle, particulars=tuple(particulars))
