"""A :class:`~app.domain.document.Document` as an editable Word document (python-docx).

Built on Word's own styles (Title, Heading 1–3, List Bullet, List Number,
Table Grid), so whoever edits it keeps a consistent look and Word's
navigation pane and table of contents work. Confirm marks are bold and
highlighted yellow. The contents is a real Word field: it shows the
section names as written and page numbers once updated in Word (F9).

Deterministic: the core properties' dates are *as_of*, the zip entries carry
*as_of* as their time stamp and the template's stale thumbnail is left out,
so the same document and *as_of* give the same bytes.
"""

import io
import zipfile
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

import docx
from docx.document import Document as WordDocument
from docx.enum.text import WD_BREAK, WD_COLOR_INDEX, WD_TAB_ALIGNMENT
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Inches, Pt, RGBColor
from docx.text.paragraph import Paragraph as WordParagraph

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
from app.exporters.atomic import atomic_path
from app.exporters.pdf import data_stamp

AUTHOR = "SOC Workbench"
MARGIN = Inches(1)
BODY_FONT = "Calibri"
"""Word's usual body font; LibreOffice shows its metric twin Carlito or a sans-serif fallback."""
BODY_SIZE = Pt(10.5)
FURNITURE_SIZE = Pt(8)
HEADER_SHADE = "EEF2F6"
MUTED = RGBColor(0x52, 0x60, 0x6D)
_TEXT_WIDTH = Inches(6.5)
"""Letter paper less two one-inch margins; the Header and Footer styles' right tab stop sits there."""
_AVERAGE_CHARACTER = Pt(7)
"""A generous width of one character at 10.5 pt, bold, so that no word is cut in any font."""
_CELL_MARGINS = Pt(12)
"""Word's default left and right cell margins together, with a little room."""
_PROPERTY_LIMIT = 255
_EARLIEST_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def _add_inlines(paragraph: WordParagraph, items: Inlines) -> None:
    for item in items:
        if isinstance(item, ConfirmMark):
            run = paragraph.add_run(item.shown)
            run.bold = True
            run.font.highlight_color = WD_COLOR_INDEX.YELLOW
            continue
        run = paragraph.add_run(item.text)
        run.bold = item.bold or None
        run.italic = item.italic or None


def _field(paragraph: WordParagraph, instruction: str, shown: str) -> None:
    """A simple field (``PAGE``, ``NUMPAGES``) showing *shown* until Word updates it."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = shown
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _field_char(paragraph: WordParagraph, kind: str) -> None:
    run = paragraph.add_run()
    mark = OxmlElement("w:fldChar")
    mark.set(qn("w:fldCharType"), kind)
    run._r.append(mark)


def _contents(word: WordDocument, document: Document) -> None:
    """A table-of-contents field over the two top heading levels, showing their names until updated."""
    top = min((block.level for block in document.blocks if isinstance(block, Heading)), default=1)
    headings = [block for block in document.blocks if isinstance(block, Heading) and block.level <= top + 1]
    word.add_paragraph("Contents", style="TOC Heading")
    paragraph = word.add_paragraph()
    _field_char(paragraph, "begin")
    instruction = OxmlElement("w:instrText")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = f' TOC \\o "{top}-{top + 1}" \\h \\z \\u '
    paragraph.add_run()._r.append(instruction)
    _field_char(paragraph, "separate")
    for index, heading in enumerate(headings):
        run = paragraph.add_run(("    " if heading.level > top else "") + heading.text)
        if index < len(headings) - 1:
            run.add_break()
    _field_char(paragraph, "end")


def _shade(cell_properties: BaseOxmlElement, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell_properties.append(shading)


def _text_width(text: str) -> float:
    return float(len(text) * _AVERAGE_CHARACTER)


def _table(word: WordDocument, block: Table) -> None:
    grid = word.add_table(rows=1, cols=len(block.header), style="Table Grid")
    grid.autofit = False
    widths = [int(width) for width in column_widths(block, _TEXT_WIDTH, _text_width, _CELL_MARGINS)]
    for column, width in zip(grid.columns, widths, strict=True):
        column.width = width
    header = grid.rows[0]
    header_properties = header._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    header_properties.append(repeat)
    for cell, name, width in zip(header.cells, block.header, widths, strict=True):
        cell.width = width
        cell.paragraphs[0].add_run(name).bold = True
        _shade(cell._tc.get_or_add_tcPr(), HEADER_SHADE)
    for row in block.rows:
        cells = grid.add_row().cells
        for cell, items, width in zip(cells, row, widths, strict=True):
            cell.width = width
            _add_inlines(cell.paragraphs[0], items)


def _numbered(word: WordDocument, block: NumberedList) -> None:
    """A numbered list starting at 1: its own numbering instance of the List Number style's scheme."""
    style_numbering = word.styles["List Number"].element.pPr.numPr
    numbering = word.part.numbering_part.element
    scheme = numbering.num_having_numId(style_numbering.numId.val).abstractNumId.val
    instance = numbering.add_num(scheme)
    instance.add_lvlOverride(ilvl=0).add_startOverride(1)
    for item in block.items:
        paragraph = word.add_paragraph(style="List Number")
        properties = paragraph._p.get_or_add_pPr().get_or_add_numPr()
        properties.get_or_add_ilvl().val = 0
        properties.get_or_add_numId().val = instance.numId
        _add_inlines(paragraph, item)


def _list(word: WordDocument, items: Iterable[Inlines], style: str) -> None:
    for item in items:
        _add_inlines(word.add_paragraph(style=style), item)


def _furniture(word: WordDocument, document: Document, as_of: datetime) -> None:
    """Page header (not on the first page) and footer: left text, then right text at the margin.

    The Header and Footer styles carry the small muted type; their centre tab
    stop is removed, so one tab reaches the right tab stop at the margin.
    """
    for name in ("Header", "Footer"):
        style = word.styles[name]
        style.font.size = FURNITURE_SIZE
        style.font.color.rgb = MUTED
        tabs = style.paragraph_format.tab_stops
        for index in reversed(range(len(tabs))):
            if tabs[index].alignment == WD_TAB_ALIGNMENT.CENTER:
                del tabs[index]
    section = word.sections[0]
    section.different_first_page_header_footer = True
    section.header.paragraphs[0].text = f"{document.page_header or document.title}\t{document.title}"
    for footer in (section.footer, section.first_page_footer):
        paragraph = footer.paragraphs[0]
        paragraph.add_run(f"{data_stamp(as_of)}\tPage ")
        _field(paragraph, "PAGE", "1")
        paragraph.add_run(" of ")
        _field(paragraph, "NUMPAGES", "1")


def _properties(word: WordDocument, document: Document, as_of: datetime) -> None:
    when = as_of.astimezone(UTC).replace(tzinfo=None) if as_of.tzinfo else as_of
    properties = word.core_properties
    properties.title = document.title[:_PROPERTY_LIMIT]
    properties.subject = " — ".join(filter(None, (document.title, document.subtitle)))[:_PROPERTY_LIMIT]
    properties.author = AUTHOR
    properties.last_modified_by = AUTHOR
    properties.comments = ""
    properties.revision = 1
    properties.created = when
    properties.modified = when
    package = word.part.package
    for key, relationship in list(package.rels.items()):
        if relationship.reltype == RELATIONSHIP_TYPE.THUMBNAIL:
            del package.rels[key]


def _body(word: WordDocument, document: Document) -> None:
    word.add_paragraph(document.title, style="Title")
    if document.subtitle:
        subtitle = word.add_paragraph().add_run(document.subtitle)
        subtitle.font.size = Pt(13)
        subtitle.font.color.rgb = MUTED
    for index, (name, value) in enumerate(document.particulars, start=1):
        line = word.add_paragraph()
        line.paragraph_format.space_after = Pt(12 if index == len(document.particulars) else 0)
        label = line.add_run(f"{name}: ")
        label.bold = True
        label.font.color.rgb = MUTED
        line.add_run(value)
    if document.contents:
        _contents(word, document)
    for block in document.blocks:
        if isinstance(block, Heading):
            word.add_heading(block.text, level=min(max(block.level, 1), 9))
        elif isinstance(block, Paragraph):
            if block.inlines:
                _add_inlines(word.add_paragraph(), block.inlines)
        elif isinstance(block, BulletList):
            _list(word, block.items, "List Bullet")
        elif isinstance(block, NumberedList):
            _numbered(word, block)
        elif isinstance(block, Table):
            _table(word, block)
        elif isinstance(block, PageBreak):
            word.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _stable_zip(data: bytes, target: Path, as_of: datetime) -> None:
    """Rewrite the package *data* into *target* with every entry stamped *as_of*."""
    stamp = max(as_of.timetuple()[:6], _EARLIEST_ZIP_TIME)
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(target, "w") as written:
        for entry in source.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            written.writestr(info, source.read(entry))


def write_document_docx(target: Path, document: Document, *, as_of: datetime) -> None:
    """Write *document* as a Word document to *target* atomically, dated by *as_of*."""
    word = docx.Document()
    section = word.sections[0]
    section.left_margin = section.right_margin = MARGIN
    section.top_margin = section.bottom_margin = MARGIN
    body = word.styles["Normal"].font
    body.name, body.size = BODY_FONT, BODY_SIZE
    _properties(word, document, as_of)
    _furniture(word, document, as_of)
    _body(word, document)
    buffer = io.BytesIO()
    word.save(buffer)
    with atomic_path(target) as temporary:
        _stable_zip(buffer.getvalue(), temporary, as_of)
