"""The demo's evidence files, made by the workbench: policies as PDF, screenshots as PNG, exports as CSV.

Screens are drawn with Pillow (which reportlab already installs) in the
shipped DejaVu fonts, so they look the same on every machine and the same
content gives the same bytes.
"""

import csv
import io
from datetime import datetime
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from app.domain.demo import CsvFile, DemoEvidence, PolicyFile, Screenshot
from app.domain.document import document_from_markdown
from app.exporters.document_pdf import write_document_pdf
from app.resources import resource_path

SCREEN_WIDTH = 1100
_ROW = 52
_PAGE = "#f3f4f6"
_WINDOW = "#ffffff"
_BAR = "#24292f"
_INK = "#1f2328"
_MUTED = "#57606a"
_RULE = "#d0d7de"
_ON = "#1a7f37"
_DOTS = ("#ff5f57", "#febc2e", "#28c840")


@cache
def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return ImageFont.truetype(str(resource_path("fonts", name)), size)


def csv_text(content: CsvFile) -> str:
    """The export as CSV text: its title line, a blank line, the header and the rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([content.title])
    writer.writerow([])
    writer.writerow(content.header)
    writer.writerows(content.rows)
    return buffer.getvalue()


def _fitted(draw: ImageDraw.ImageDraw, text: str, width: int, font: ImageFont.FreeTypeFont) -> str:
    """*text* cut with an ellipsis to fit *width* pixels."""
    if draw.textlength(text, font=font) <= width:
        return text
    while text and draw.textlength(text + "…", font=font) > width:
        text = text[:-1]
    return text + "…"


def screenshot_png(content: Screenshot) -> bytes:
    """An admin console screen: title bar, heading, one line per setting with its value, a caption."""
    width, height = SCREEN_WIDTH, 24 + 124 + len(content.rows) * _ROW + 40 + 60
    image = Image.new("RGB", (width, height), _PAGE)
    draw = ImageDraw.Draw(image)
    left, top, right, bottom = 30, 24, width - 30, height - 60
    draw.rectangle((left, top, right, bottom), fill=_WINDOW, outline=_RULE)
    draw.rectangle((left, top, right, top + 40), fill=_BAR)
    for index, colour in enumerate(_DOTS):
        x = left + 20 + index * 22
        draw.ellipse((x, top + 14, x + 12, top + 26), fill=colour)
    draw.text(
        (left + 100, top + 11),
        _fitted(draw, content.window, right - left - 120, _font(15)),
        _WINDOW,
        _font(15),
    )
    draw.text((left + 30, top + 64), content.heading, _INK, _font(24, bold=True))
    draw.rounded_rectangle((right - 130, top + 64, right - 30, top + 94), radius=15, fill=_ON)
    draw.text((right - 80, top + 79), "Active", _WINDOW, _font(15, bold=True), anchor="mm")
    y = top + 124
    for label, value in content.rows:
        draw.line((left + 30, y, right - 30, y), fill=_RULE)
        draw.text((left + 30, y + 14), _fitted(draw, label, 380, _font(16)), _MUTED, _font(16))
        draw.text(
            (left + 440, y + 14),
            _fitted(draw, value, right - left - 480, _font(16)),
            _INK,
            _font(16, bold=True),
        )
        y += _ROW
    draw.line((left + 30, y, right - 30, y), fill=_RULE)
    draw.text((left, bottom + 18), content.caption, _MUTED, _font(14))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=False)
    return buffer.getvalue()


def write_demo_file(folder: Path, item: DemoEvidence, *, company: str, as_of: datetime) -> Path:
    """Write the demo evidence file *item* into *folder*; returns its path."""
    target = folder / item.file_name
    content = item.content
    if isinstance(content, CsvFile):
        target.write_text(csv_text(content), encoding="utf-8", newline="")
    elif isinstance(content, Screenshot):
        target.write_bytes(screenshot_png(content))
    else:
        assert isinstance(content, PolicyFile)
        document = document_from_markdown(content.markdown, subtitle=company, particulars=content.particulars)
        write_document_pdf(target, document, as_of=as_of)
    return target
