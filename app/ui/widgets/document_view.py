"""A document of the workbench (description, letter) shown as it will print, confirm marks highlighted."""

from collections.abc import Sequence
from html import escape

from PySide6.QtWidgets import QTextBrowser, QWidget

from app.domain.document import (
    Block,
    BulletList,
    ConfirmMark,
    Document,
    Heading,
    Inlines,
    NumberedList,
    PageBreak,
    Paragraph,
    Table,
)

CONFIRM_STYLE = "background-color:#fff3cd; color:#8a4b00; font-weight:bold"
"""Confirm marks as the PDF prints them: dark amber on a highlighter yellow."""


def inlines_html(items: Inlines) -> str:
    parts = []
    for item in items:
        if isinstance(item, ConfirmMark):
            parts.append(f'<span style="{CONFIRM_STYLE}">{escape(item.shown)}</span>')
            continue
        text = escape(item.text)
        if item.italic:
            text = f"<i>{text}</i>"
        if item.bold:
            text = f"<b>{text}</b>"
        parts.append(text)
    return "".join(parts)


def blocks_html(blocks: Sequence[Block], *, top: int = 1) -> str:
    """HTML of *blocks*; heading level *top* becomes ``<h2>``, deeper ones ``<h3>`` and ``<h4>``."""
    parts = []
    for block in blocks:
        if isinstance(block, Heading):
            level = min(max(block.level - top + 2, 2), 4)
            parts.append(f"<h{level}>{escape(block.text)}</h{level}>")
        elif isinstance(block, Paragraph):
            parts.append(f"<p>{inlines_html(block.inlines)}</p>")
        elif isinstance(block, BulletList | NumberedList):
            tag = "ul" if isinstance(block, BulletList) else "ol"
            items = "".join(f"<li>{inlines_html(item)}</li>" for item in block.items)
            parts.append(f"<{tag}>{items}</{tag}>")
        elif isinstance(block, Table):
            header = "".join(f"<th align='left'>{escape(name)}</th>" for name in block.header)
            rows = "".join(
                "<tr>" + "".join(f"<td>{inlines_html(cell)}</td>" for cell in row) + "</tr>"
                for row in block.rows
            )
            table = "<table border='1' cellspacing='0' cellpadding='4' width='100%'>"
            parts.append(f"{table}<tr>{header}</tr>{rows}</table>")
        elif isinstance(block, PageBreak):
            parts.append("<hr>")
    return "".join(parts)


def document_html(document: Document) -> str:
    """The whole document: title, subtitle, the title block's lines, then its blocks."""
    particulars = "<br>".join(
        f"<b>{escape(name)}:</b> {escape(value)}" for name, value in document.particulars
    )
    top = min((block.level for block in document.blocks if isinstance(block, Heading)), default=1)
    return (
        f"<h1>{escape(document.title)}</h1>"
        + (f"<p><i>{escape(document.subtitle)}</i></p>" if document.subtitle else "")
        + (f"<p>{particulars}</p>" if particulars else "")
        + blocks_html(document.blocks, top=top)
    )


class DocumentView(QTextBrowser):
    """A read-only view of a document or of some blocks, or of a plain message when there is none."""

    def __init__(self, accessible_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(accessible_name)
        self.setOpenLinks(False)

    def show_document(self, document: Document) -> None:
        self.setHtml(document_html(document))

    def show_blocks(self, blocks: Sequence[Block], empty: str) -> None:
        self.setHtml(blocks_html(blocks) if blocks else f"<p><i>{escape(empty)}</i></p>")

    def show_message(self, text: str) -> None:
        self.setHtml(f"<p>{escape(text)}</p>")

    def fit_height(self, most_lines: int) -> None:
        """As tall as its text, between three and *most_lines* lines (it scrolls beyond)."""
        document = self.document()
        document.setTextWidth(self.viewport().width())
        line = self.fontMetrics().lineSpacing()
        height = int(document.size().height()) + 2 * self.frameWidth() + 4
        self.setFixedHeight(max(line * 3, min(height, line * most_lines)))
