# mypy: disable-error-code="import-untyped"
"""A :class:`~app.domain.document.Document` as a PDF, in the house style of every workbench PDF.

Title block, optional table of contents, headings with bookmarks, lists,
tables (split into chunks), and confirm marks shaded like a highlighter so
nobody signs past one. Same input, same bytes (see :func:`build_document`).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Spacer
from reportlab.platypus import PageBreak as PdfPageBreak
from reportlab.platypus import Paragraph as PdfParagraph

from app.domain.document import (
    BulletList,
    ConfirmMark,
    Document,
    Heading,
    Inlines,
    NumberedList,
    PageBreak,
    Paragraph,
    Table,
    column_widths,
)
from app.exporters.pdf import (
    CELL_PADDING,
    CELL_SIZE,
    FONT_BOLD,
    LETTER,
    MARGIN,
    MUTED,
    WARNING_FILL,
    TableOfContents,
    build_document,
    chunked_table,
    escape,
    styles,
    table,
    title_block,
)
from app.exporters.pdf import Heading as PdfHeading
from app.exporters.progress import Cancel, Progress

CONFIRM_INK = "#8a4b00"
"""Text colour of a confirm mark, dark amber on the warning fill."""
_GAP = 5.0
"""Space after a list or a table, in points."""


@dataclass(frozen=True)
class _Sheet:
    h2: ParagraphStyle
    h3: ParagraphStyle
    numbered: ParagraphStyle
    header_cell: ParagraphStyle
    contents_label: ParagraphStyle


@cache
def _sheet() -> _Sheet:
    base = styles()
    return _Sheet(
        h2=ParagraphStyle("document-h2", base.h2, keepWithNext=True),
        h3=ParagraphStyle(
            "document-h3", base.body, fontName=FONT_BOLD, textColor=MUTED, spaceBefore=6, keepWithNext=True
        ),
        numbered=ParagraphStyle("document-numbered", base.bullet, leftIndent=20, bulletIndent=3),
        header_cell=ParagraphStyle("document-header-cell", base.cell, fontName=FONT_BOLD),
        contents_label=ParagraphStyle("document-contents", base.h2, spaceBefore=12),
    )


def markup(items: Inlines) -> str:
    """Paragraph markup of *items*: bold and italic runs, confirm marks shaded."""
    parts = []
    for item in items:
        if isinstance(item, ConfirmMark):
            parts.append(
                f'<font backColor="#{WARNING_FILL.hexval()[2:]}" color="{CONFIRM_INK}">'
                f"<b>{escape(item.shown)}</b></font>"
            )
            continue
        text = escape(item.text)
        if item.italic:
            text = f"<i>{text}</i>"
        if item.bold:
            text = f"<b>{text}</b>"
        parts.append(text)
    return "".join(parts)


def _cell_width(text: str) -> float:
    """How wide *text* prints in a table cell (in the bold face, the wider of the two)."""
    return float(stringWidth(text, FONT_BOLD, CELL_SIZE))


def _table(block: Table, width: float) -> list[Flowable]:
    base, sheet = styles(), _sheet()
    header = [PdfParagraph(escape(name), sheet.header_cell) for name in block.header]
    rows = [[PdfParagraph(markup(cell), base.cell) for cell in row] for row in block.rows]
    widths = list(column_widths(block, width, _cell_width, 2 * CELL_PADDING + 1))
    return chunked_table(header, rows, widths) or [table(header, [], widths)]


def _story(document: Document, width: float) -> list[Flowable]:
    base, sheet = styles(), _sheet()
    story: list[Flowable] = [
        *title_block(document.title, document.subtitle, document.particulars),
        Spacer(0, _GAP * 2),
    ]
    if document.contents:
        story += [PdfParagraph("Contents", sheet.contents_label), TableOfContents(), Spacer(0, _GAP * 2)]
    top = min((block.level for block in document.blocks if isinstance(block, Heading)), default=1)
    outline_level = -1
    for block in document.blocks:
        if isinstance(block, Heading):
            if block.level - top >= 2:
                story.append(PdfParagraph(escape(block.text), sheet.h3))
                continue
            outline_level = min(block.level - top, outline_level + 1)
            style = base.h1 if outline_level == 0 else sheet.h2
            story.append(PdfHeading(block.text, outline_level, style))
        elif isinstance(block, Paragraph):
            if block.inlines:
                story.append(PdfParagraph(markup(block.inlines), base.body))
        elif isinstance(block, BulletList):
            story += [PdfParagraph(markup(item), base.bullet, bulletText="•") for item in block.items]
            story.append(Spacer(0, _GAP))
        elif isinstance(block, NumberedList):
            story += [
                PdfParagraph(markup(item), sheet.numbered, bulletText=f"{number}.")
                for number, item in enumerate(block.items, start=1)
            ]
            story.append(Spacer(0, _GAP))
        elif isinstance(block, Table):
            story += _table(block, width)
            story.append(Spacer(0, _GAP))
        elif isinstance(block, PageBreak):
            story.append(PdfPageBreak())
    return story


def write_document_pdf(
    target: Path,
    document: Document,
    *,
    as_of: datetime,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
    pagesize: tuple[float, float] = LETTER,
) -> None:
    """Write *document* as a PDF to *target* atomically, dated by *as_of* (footer and metadata).

    *progress* hears of table rows laid out; *cancel* stops the build with
    ``ExportCancelled`` and leaves *target* as it was.
    """
    story: Sequence[Flowable] = _story(document, pagesize[0] - 2 * MARGIN)
    build_document(
        target,
        story,
        title=document.title,
        header=document.page_header or document.title,
        as_of=as_of,
        progress=progress,
        cancel=cancel,
        pagesize=pagesize,
    )
