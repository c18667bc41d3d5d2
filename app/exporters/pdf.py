# mypy: disable-error-code="import-untyped", allow-subclassing-any
"""The pieces every PDF of the workbench is built from.

Fonts (DejaVu, embedded, so any Unicode text prints), one calm style sheet,
page furniture (header, footer, "Page X of Y"), a table of contents, chunked
tables, fillable checkboxes, and :func:`build_document`, which lays a story
out in one pass and writes it atomically.

Everything that depends on what comes later in the document (the page total
in every footer, the page numbers in the contents) is drawn as a small PDF
form that the canvas defines once the last page is done. So a document is
laid out exactly once, in time linear in its length, with no second pass.

Output is reproducible: reportlab's invariant mode, metadata dates and the
visible "data as of" stamp from the ``as_of`` argument, never the clock.
"""

import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from functools import cache, partial
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape as _xml_escape

from reportlab import rl_config
from reportlab.lib import colors, pagesizes
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfdoc import PDFDictionary, PDFObject, PDFObjectReference, PDFString, xObjectName
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Paragraph, Table, TableStyle

from app.domain.periods import format_day
from app.exporters.atomic import atomic_path
from app.exporters.progress import Cancel, Progress, Tracker
from app.resources import resource_path

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
FONT_ITALIC = "DejaVuSans-Oblique"
FONT_BOLD_ITALIC = "DejaVuSans-BoldOblique"
FONT_MONO = "DejaVuSansMono"
_FONT_FILES = {
    FONT: "DejaVuSans.ttf",
    FONT_BOLD: "DejaVuSans-Bold.ttf",
    FONT_ITALIC: "DejaVuSans-Oblique.ttf",
    FONT_BOLD_ITALIC: "DejaVuSans-BoldOblique.ttf",
    FONT_MONO: "DejaVuSansMono.ttf",
}

LETTER = pagesizes.LETTER
MARGIN = 54.0
"""Page margin in points (0.75 inch)."""
CELL_SIZE = 8.0
CELL_LEADING = 10.0
CELL_PADDING = 4.0
MAX_CELL_LINES = 12
CHUNK_ROWS = 250
"""Rows per table: splitting one table across pages costs time quadratic in its rows."""
CHECKBOX_SIZE = 9.0
DEFAULT_AUTHOR = "SOC Workbench"

INK = colors.HexColor("#1f2933")
MUTED = colors.HexColor("#52606d")
RULE = colors.HexColor("#cbd2d9")
RULE_STRONG = colors.HexColor("#7b8794")
SHADE = colors.HexColor("#eef2f6")
ACCENT = colors.HexColor("#243b53")
WARNING_FILL = colors.HexColor("#fff4e5")
WARNING_EDGE = colors.HexColor("#c27c0e")

_FURNITURE_SIZE = 7.5
_CONTENTS_LEADING = 15.0


@cache
def register_fonts() -> None:
    """Register DejaVu Sans (one family of four faces) and DejaVu Sans Mono, once per process.

    Also turns off ASCII85 stream encoding: binary streams make files about a
    fifth smaller and faster to write (a process-wide reportlab setting).
    """
    for name, file_name in _FONT_FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(resource_path("fonts", file_name))))
    pdfmetrics.registerFontFamily(
        FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_ITALIC, boldItalic=FONT_BOLD_ITALIC
    )
    rl_config.useA85 = 0


@dataclass(frozen=True)
class Styles:
    """The paragraph styles of every document: one calm, readable sheet."""

    title: ParagraphStyle
    subtitle: ParagraphStyle
    h1: ParagraphStyle
    h2: ParagraphStyle
    body: ParagraphStyle
    bullet: ParagraphStyle
    small: ParagraphStyle
    cell: ParagraphStyle
    warning: ParagraphStyle
    lead: ParagraphStyle


@cache
def styles() -> Styles:
    """The shared style sheet (fonts are registered on first use)."""
    register_fonts()
    body = ParagraphStyle(
        "body",
        fontName=FONT,
        bulletFontName=FONT,
        fontSize=9.5,
        leading=13.5,
        textColor=INK,
        alignment=TA_LEFT,
        spaceAfter=5,
    )
    return Styles(
        title=ParagraphStyle("title", body, fontName=FONT_BOLD, fontSize=20, leading=25, spaceAfter=4),
        subtitle=ParagraphStyle("subtitle", body, fontSize=11, leading=15, textColor=MUTED, spaceAfter=14),
        h1=ParagraphStyle(
            "h1",
            body,
            fontName=FONT_BOLD,
            fontSize=13,
            leading=17,
            textColor=ACCENT,
            spaceBefore=14,
            spaceAfter=6,
            keepWithNext=True,
        ),
        h2=ParagraphStyle(
            "h2", body, fontName=FONT_BOLD, fontSize=10, leading=13, spaceBefore=10, spaceAfter=4
        ),
        body=body,
        bullet=ParagraphStyle("bullet", body, leftIndent=14, bulletIndent=3, spaceAfter=3),
        small=ParagraphStyle("small", body, fontSize=8, leading=11, textColor=MUTED),
        cell=ParagraphStyle("cell", body, fontSize=CELL_SIZE, leading=CELL_LEADING, spaceAfter=0),
        warning=ParagraphStyle(
            "warning",
            body,
            backColor=WARNING_FILL,
            borderColor=WARNING_EDGE,
            borderWidth=0.75,
            borderPadding=(5, 6, 6, 6),
            leftIndent=6,
            rightIndent=6,
            spaceBefore=10,
            spaceAfter=14,
        ),
        lead=ParagraphStyle(
            "lead", body, fontName=FONT_BOLD, fontSize=12.5, leading=17, textColor=ACCENT, spaceAfter=8
        ),
    )


TABLE_STYLE: tuple[tuple[Any, ...], ...] = (
    ("FONT", (0, 0), (-1, -1), FONT, CELL_SIZE, CELL_LEADING),
    ("FONT", (0, 0), (-1, 0), FONT_BOLD, CELL_SIZE, CELL_LEADING),
    ("BACKGROUND", (0, 0), (-1, 0), SHADE),
    ("LINEBELOW", (0, 0), (-1, 0), 0.75, RULE_STRONG),
    ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE),
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
    ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
)
"""The look of every table: bold shaded header, thin rules between rows.

Commands covering every cell are applied cell by cell (and again to each
piece of a table split across pages), so the list is kept short: text
colour and vertical padding stay at reportlab's defaults.
"""


def escape(text: str) -> str:
    """*text* safe inside Paragraph markup (``&``, ``<`` and ``>`` escaped)."""
    return _xml_escape(text)


_BREAKS_AFTER = "-_./"
"""Where a word too long for its line is best cut (file names, references)."""


def _fitting_prefix(text: str, width: float, font: str, size: float) -> int:
    """How many leading characters of *text* fit in *width* points (at least one)."""
    used = 0.0
    for index, char in enumerate(text):
        used += pdfmetrics.stringWidth(char, font, size)
        if used > width:
            return max(1, index)
    return len(text)


def clip_text(text: str, width: float, *, font: str = FONT, size: float = CELL_SIZE) -> str:
    """*text* on one line of at most *width* points, cut with "…" when longer."""
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    room = width - pdfmetrics.stringWidth("…", font, size)
    return text[: _fitting_prefix(text, room, font, size)].rstrip() + "…"


def wrap_text(
    text: str, width: float, *, font: str = FONT, size: float = CELL_SIZE, max_lines: int = MAX_CELL_LINES
) -> str:
    """*text* broken into lines of at most *width* points, joined by newlines, for a plain table cell.

    Much cheaper than a Paragraph per cell on tables of thousands of rows.
    Words longer than a line are cut, after a hyphen, underscore, dot or
    slash where there is one; past *max_lines* the text ends with "…"
    (a row taller than a page could not be laid out).
    """
    space = pdfmetrics.stringWidth(" ", font, size)
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line, line_width = "", 0.0
        for word in paragraph.split():
            word_width = pdfmetrics.stringWidth(word, font, size)
            if line and line_width + space + word_width <= width:
                line, line_width = f"{line} {word}", line_width + space + word_width
                continue
            if line:
                lines.append(line)
            while word_width > width:
                cut = _fitting_prefix(word, width, font, size)
                cut = max((word.rfind(char, 0, cut) + 1 for char in _BREAKS_AFTER), default=0) or cut
                lines.append(word[:cut])
                word = word[cut:]
                word_width = pdfmetrics.stringWidth(word, font, size)
            line, line_width = word, word_width
        lines.append(line)
        if len(lines) > max_lines:
            break
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = clip_text(lines[-1] + " …", width, font=font, size=size)
    return "\n".join(lines)


class Checkpoint(Flowable):
    """An invisible mark after *rows* rows: reports progress and stops the build on a cancel."""

    def __init__(self, rows: int) -> None:
        super().__init__()
        self.rows = rows

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.canv.tracker.advance(self.rows)


class ContinuedTable(Table):
    """A table that, when it runs onto another page, starts that page with *continued* (a heading)."""

    continued = ""

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        parts: list[Flowable] = super().split(available_width, available_height)
        if len(parts) == 2 and self.continued:
            rest = parts[1]
            assert isinstance(rest, ContinuedTable)
            rest.continued = self.continued
            return [parts[0], Paragraph(escape(self.continued), styles().h2), rest]
        return parts


def table(
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
    col_widths: Sequence[float],
    *,
    style: Sequence[tuple[Any, ...]] = (),
    continued: str = "",
) -> Table:
    """One table in the house style, repeating *header* on each page; for short lists.

    Cells are plain strings (newlines break lines, see :func:`wrap_text`),
    Paragraphs or other flowables; *style* adds TableStyle commands. With
    *continued*, a page the table runs onto starts with that heading.
    """
    data = [list(header), *(list(row) for row in rows)]
    made = ContinuedTable(
        data,
        colWidths=list(col_widths),
        repeatRows=1,
        style=TableStyle([*TABLE_STYLE, *style]),
        hAlign="LEFT",
    )
    made.continued = continued
    return made


def title_block(title: str, subtitle: str, particulars: Sequence[tuple[str, str]]) -> list[Flowable]:
    """A document's opening: *title*, *subtitle* (the company) and name/value particulars, if any."""
    sheet = styles()
    opening: list[Flowable] = [
        Paragraph(escape(title), sheet.title),
        Paragraph(escape(subtitle), sheet.subtitle),
    ]
    if not particulars:
        return opening
    rows = [[name, Paragraph(escape(value), sheet.cell)] for name, value in particulars]
    details = Table(
        rows,
        colWidths=[80, 360],
        hAlign="LEFT",
        style=TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), FONT, CELL_SIZE, CELL_LEADING),
                ("FONT", (0, 0), (0, -1), FONT_BOLD, CELL_SIZE, CELL_LEADING),
                ("TEXTCOLOR", (0, 0), (0, -1), MUTED),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        ),
    )
    return [*opening, details]


def chunked_table(
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
    col_widths: Sequence[float],
    *,
    chunk: int = CHUNK_ROWS,
    style: Sequence[tuple[Any, ...]] = (),
    continued: str = "",
) -> list[Flowable]:
    """*rows* as :func:`table` s of at most *chunk* rows, each followed by a :class:`Checkpoint`.

    Row indices in *style* count within a chunk, so keep its commands to whole columns.
    *continued* heads every page the rows run onto (see :func:`table`).
    """
    flowables: list[Flowable] = []
    for start in range(0, len(rows), chunk):
        part = rows[start : start + chunk]
        flowables.append(table(header, part, col_widths, style=style, continued=continued))
        flowables.append(Checkpoint(len(part)))
    return flowables


class Checkbox(Flowable):
    """A fillable checkbox (an AcroForm field) a reviewer ticks in any PDF reader.

    *name* must be unique in the document; *tooltip* says what ticking it means.
    """

    def __init__(self, name: str, tooltip: str = "", size: float = CHECKBOX_SIZE) -> None:
        super().__init__()
        self.name, self.tooltip, self.size = name, tooltip, size

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.size, self.size

    def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:
        """Add the field at (x, y) directly: a form field needs no graphics state of its own."""
        canvas.add_checkbox(self.name, self.tooltip, self.size, x, y)


class Heading(Paragraph):
    """A section title with a bookmark, an outline entry and a line in the :class:`TableOfContents`.

    *level* 0 is a section, 1 a subsection. :func:`build_document` gives each
    heading of the story its key; a heading is never split across pages.
    """

    def __init__(self, text: str, level: int = 0, style: ParagraphStyle | None = None) -> None:
        sheet = styles()
        super().__init__(escape(text), style or (sheet.h1 if level == 0 else sheet.h2))
        self.text, self.level = text, level
        self.key = ""

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        return []

    def draw(self) -> None:
        super().draw()
        self.canv.bookmarkHorizontal(self.key, 0, self.height + self.style.fontSize)
        self.canv.addOutlineEntry(self.text, self.key, self.level)
        self.canv.record_heading(self.key)


class TableOfContents(Flowable):
    """One line per heading of the story with its page number, each a link to the heading.

    Place it in the story; :func:`build_document` fills in the entries. Page
    numbers are drawn as forms completed when the document is saved, so the
    contents need no second layout pass.
    """

    def __init__(self, entries: Sequence[tuple[int, str, str]] = ()) -> None:
        super().__init__()
        self.entries = list(entries)

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        self.height = len(self.entries) * _CONTENTS_LEADING
        return self.width, self.height

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        fits = int(available_height // _CONTENTS_LEADING)
        if fits <= 0:
            return []
        return [TableOfContents(self.entries[:fits]), TableOfContents(self.entries[fits:])]

    def draw(self) -> None:
        canvas = self.canv
        number_room = 36.0
        for index, (level, text, key) in enumerate(self.entries):
            top = self.height - index * _CONTENTS_LEADING
            baseline = top - _CONTENTS_LEADING + 4
            indent = 16.0 * level
            font, size = (FONT_BOLD, 9.5) if level == 0 else (FONT, 9.0)
            shown = clip_text(text, self.width - indent - number_room - 12, font=font, size=size)
            canvas.setFont(font, size)
            canvas.setFillColor(INK)
            canvas.drawString(indent, baseline, shown)
            start = indent + pdfmetrics.stringWidth(shown, font, size) + 6
            end = self.width - number_room
            if end > start:
                canvas.saveState()
                canvas.setStrokeColor(RULE_STRONG)
                canvas.setLineWidth(0.6)
                canvas.setLineCap(1)
                canvas.setDash(0.1, 3)
                canvas.line(start, baseline + 1, end, baseline + 1)
                canvas.restoreState()
            canvas.draw_heading_page(key, self.width, baseline, font, size)
            canvas.linkRect("", key, (0, top - _CONTENTS_LEADING, self.width, top), relative=1)


class _CheckboxWidget(PDFObject):
    """A checkbox field merged with its widget annotation, sharing the document's two appearances.

    Written directly rather than through reportlab's ``acroForm.checkbox``,
    which builds six appearance streams anew for every box: several times
    slower on a checklist of thousands of controls, and a much bigger file.
    """

    def __init__(
        self, name: str, tooltip: str, rect: tuple[float, ...], page: PDFObject, looks: PDFObject
    ) -> None:
        self.name, self.tooltip, self.rect, self.page, self.looks = name, tooltip, rect, page, looks

    def format(self, document: Any) -> bytes:
        return b"".join(
            (
                b"<< /Type /Annot /Subtype /Widget /FT /Btn /F 4 /V /Off /AS /Off /T ",
                PDFString(self.name).format(document),
                b" /TU ",
                PDFString(self.tooltip).format(document),
                b" /Rect [%.2f %.2f %.2f %.2f]" % self.rect,
                b" /P ",
                self.page.format(document),
                b" /AP ",
                self.looks.format(document),
                b" /MK << /CA (4) /BC [0.48 0.53 0.58] /BG [1 1 1] >> >>",
            )
        )


class _CheckboxLooks(PDFObject):
    """The appearance dictionary shared by all checkboxes of one size, formatted only once."""

    def __init__(self, size: float) -> None:
        self.forms = {"Off": f"checkbox-off-{size:g}", "Yes": f"checkbox-on-{size:g}"}
        self._formatted = b""

    def format(self, document: Any) -> bytes:
        if not self._formatted:
            states = {state: PDFObjectReference(xObjectName(name)) for state, name in self.forms.items()}
            self._formatted = PDFDictionary({"N": PDFDictionary(states)}).format(document)
        return self._formatted


def _pdf_date(moment: datetime) -> str:
    """``D:20260312140500+01'00'``; a naive time is written without a zone."""
    text = f"D:{moment:%Y%m%d%H%M%S}"
    offset = moment.utcoffset()
    if offset is None:
        return text
    minutes = int(offset.total_seconds()) // 60
    hours, minutes = divmod(abs(minutes), 60)
    return f"{text}{'-' if offset.total_seconds() < 0 else '+'}{hours:02d}'{minutes:02d}'"


def data_stamp(as_of: datetime) -> str:
    """``Data as of 12 Mar 2026, 14:05``: the words every document shows for its ``as_of``."""
    return f"Data as of {format_day(as_of.date())}, {as_of:%H:%M}"


class _DocumentCanvas(Canvas):
    """The canvas of one build.

    Remembers which page each heading landed on, draws footers and contents
    numbers as forms it completes on :meth:`save`, writes checkboxes, and
    carries the build's progress tracker.
    """

    def __init__(self, *args: Any, as_of: datetime, tracker: Tracker, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        date = _pdf_date(as_of)
        self.setDateFormatter(lambda *_: date)
        self.tracker = tracker
        self._folio_pages: list[int] = []
        self._heading_pages: dict[str, int] = {}
        self._numbered_headings: dict[str, tuple[str, float]] = {}
        self._checkbox_looks: dict[float, _CheckboxLooks] = {}

    def draw_folio(self, right: float, baseline: float) -> None:
        """The "Page X of Y" of this page, ending at *right*; Y is filled in on save."""
        page = self.getPageNumber()
        self._folio_pages.append(page)
        self._place_form(f"folio{page}", right, baseline)

    def record_heading(self, key: str) -> None:
        """Note that the heading *key* is on the current page."""
        self._heading_pages[key] = self.getPageNumber()

    def draw_heading_page(self, key: str, right: float, baseline: float, font: str, size: float) -> None:
        """The page number of heading *key*, ending at *right*; filled in when saved."""
        self._numbered_headings[key] = (font, size)
        self._place_form(f"page-of-{key}", right, baseline)

    def add_checkbox(self, name: str, tooltip: str, size: float, x: float, y: float) -> None:
        """A fillable checkbox with its lower left corner at (x, y) in the current coordinates."""
        x, y = self.absolutePosition(x, y)
        widget = _CheckboxWidget(
            name, tooltip, (x, y, x + size, y + size), self._doc.thisPageRef(), self._looks(size)
        )
        self._addAnnotation(widget)
        self.acroForm.fields.append(self._doc.Reference(widget))

    def save(self) -> None:
        total = self.getPageNumber() - 1
        for page in self._folio_pages:
            self._define_number_form(f"folio{page}", f"Page {page} of {total}", FONT, _FURNITURE_SIZE, MUTED)
        for key, (font, size) in self._numbered_headings.items():
            self._define_number_form(f"page-of-{key}", str(self._heading_pages[key]), font, size, INK)
        super().save()

    def _place_form(self, name: str, x: float, y: float) -> None:
        self.saveState()
        self.translate(x, y)
        self.doForm(name)
        self.restoreState()

    def _define_number_form(self, name: str, text: str, font: str, size: float, color: Any) -> None:
        """A form drawing *text* right-aligned to its origin."""
        self.beginForm(name, lowerx=-300, lowery=-size, upperx=0, uppery=size * 1.5)
        self.setFont(font, size)
        self.setFillColor(color)
        self.drawRightString(0, 0, text)
        self.endForm()

    def _looks(self, size: float) -> "_CheckboxLooks":
        """The appearances of a checkbox of *size*, drawn once per document: an empty box and a ticked one."""
        if size not in self._checkbox_looks:
            looks = self._checkbox_looks[size] = _CheckboxLooks(size)
            for state, name in looks.forms.items():
                self.beginForm(name, 0, 0, size, size)
                self.setLineWidth(0.75)
                self.setStrokeColor(RULE_STRONG)
                self.setFillColor(colors.white)
                self.rect(0.5, 0.5, size - 1, size - 1, stroke=1, fill=1)
                if state == "Yes":
                    self.setStrokeColor(INK)
                    self.setLineWidth(1.2)
                    self.setLineCap(1)
                    self.setLineJoin(1)
                    mark = self.beginPath()
                    mark.moveTo(size * 0.22, size * 0.52)
                    mark.lineTo(size * 0.42, size * 0.28)
                    mark.lineTo(size * 0.8, size * 0.76)
                    self.drawPath(mark, stroke=1, fill=0)
                self.endForm()
        return self._checkbox_looks[size]


@dataclass(frozen=True)
class _Furniture:
    """Header and footer of every page; the first page has no header (it carries the title)."""

    header: str
    title: str
    stamp: str
    with_header: bool

    def __call__(self, canvas: _DocumentCanvas, document: BaseDocTemplate) -> None:
        width, height = document.pagesize
        left, right = document.leftMargin, width - document.rightMargin
        half = (right - left) / 2 - 12
        canvas.saveState()
        canvas.setFont(FONT, _FURNITURE_SIZE)
        canvas.setFillColor(MUTED)
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        if self.with_header:
            top = height - MARGIN + 14
            canvas.drawString(left, top, clip_text(self.header, half, size=_FURNITURE_SIZE))
            canvas.drawRightString(right, top, clip_text(self.title, half, size=_FURNITURE_SIZE))
            canvas.line(left, top - 5, right, top - 5)
        bottom = MARGIN - 24
        canvas.line(left, bottom + 11, right, bottom + 11)
        canvas.drawString(left, bottom, clip_text(self.stamp, half, size=_FURNITURE_SIZE))
        canvas.draw_folio(right, bottom)
        canvas.restoreState()


def _page_templates(document: BaseDocTemplate, header: str, title: str, stamp: str) -> list[PageTemplate]:
    """The first page (title, no header) and every later page, each with one full-width frame."""
    templates = []
    for name, with_header in (("first", False), ("later", True)):
        frame = Frame(
            document.leftMargin,
            document.bottomMargin,
            document.width,
            document.height,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
            id=name,
        )
        furniture = _Furniture(header, title, stamp, with_header)
        templates.append(PageTemplate(name, [frame], onPage=furniture, autoNextPageTemplate="later"))
    return templates


def _link_headings(story: Sequence[Flowable]) -> None:
    """Give every heading of *story* its key and every table of contents its entries."""
    headings = [flowable for flowable in story if isinstance(flowable, Heading)]
    for number, heading in enumerate(headings, start=1):
        heading.key = f"h{number}"
    entries = [(heading.level, heading.text, heading.key) for heading in headings]
    for flowable in story:
        if isinstance(flowable, TableOfContents):
            flowable.entries = list(entries)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector for a build.

    A build keeps hundreds of thousands of objects alive until the file is
    written; full collections rescan them all and make big documents grow
    faster than linearly. The few cycles a build leaves are collected once
    the collector resumes.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def build_document(
    target: Path,
    story: Sequence[Flowable],
    *,
    title: str,
    header: str,
    as_of: datetime,
    subject: str = "",
    author: str = DEFAULT_AUTHOR,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
    landscape: bool = False,
    pagesize: tuple[float, float] = LETTER,
) -> None:
    """Lay *story* out and write it to *target* atomically.

    *header* (company and engagement) and *title* head every page but the
    first; every footer shows the :func:`data_stamp` of *as_of* and "Page X
    of Y". Metadata dates are *as_of* too, so equal inputs give equal bytes.
    :class:`Heading` flowables get bookmarks and fill any
    :class:`TableOfContents` in the story. *progress* hears of each
    :class:`Checkpoint`; when *cancel* returns True the build stops with
    :class:`ExportCancelled` and nothing is written. Flowables are consumed:
    build a fresh story for each document.
    """
    register_fonts()
    tracker = Tracker(progress, cancel, sum(f.rows for f in story if isinstance(f, Checkpoint)))
    tracker.check()
    _link_headings(story)
    with atomic_path(target) as temporary, _collector_paused():
        document = BaseDocTemplate(
            str(temporary),
            pagesize=pagesizes.landscape(pagesize) if landscape else pagesize,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=MARGIN + 8,
            bottomMargin=MARGIN,
            title=title,
            author=author,
            subject=subject or f"{title} — {header}",
            creator=DEFAULT_AUTHOR,
            invariant=1,
            initialFontName=FONT,
            lang="en-US",
            displayDocTitle=True,
        )
        document.addPageTemplates(_page_templates(document, header, title, data_stamp(as_of)))
        document.build(list(story), canvasmaker=partial(_DocumentCanvas, as_of=as_of, tracker=tracker))
