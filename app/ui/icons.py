"""The window's one icon set: Lucide's line icons, shipped as SVG in ``resources/icons``.

Lucide (ISC licence, see ``resources/icons/LICENSE-lucide.txt``) draws every
icon with the same 2-pixel stroke on a 24-pixel grid, so the sidebar, the
buttons and the status chips look like one family. The files are drawn in
``currentColor``; :func:`icon` paints them in the palette's text colour (or a
colour given, for the status chips) so they follow a light or dark palette.
Rendering needs only QtSvg, which PySide6-Essentials includes.
"""

from functools import cache

from PySide6.QtCore import QByteArray, QRectF, Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer

from app.resources import resource_path

SIZES = (16, 20, 24, 32, 48)

PAGE_ICONS = {
    "Engagements": "briefcase",
    "Readiness": "gauge",
    "Scope": "target",
    "Controls": "list-checks",
    "Evidence": "paperclip",
    "Exports": "package",
    "Documents": "file-text",
    "Policies": "scroll-text",
    "Requests": "clipboard-list",
    "Criteria": "book-open",
}
"""The sidebar's icon of each page (by title)."""


@cache
def _svg(name: str) -> str:
    return resource_path("icons", f"{name}.svg").read_text(encoding="utf-8")


def _text_colour() -> QColor:
    application = QGuiApplication.instance()
    palette = application.palette() if isinstance(application, QGuiApplication) else QPalette()
    return palette.color(QPalette.ColorRole.WindowText)


@cache
def _icon(name: str, colour: str) -> QIcon:
    renderer = QSvgRenderer(QByteArray(_svg(name).replace("currentColor", colour).encode("utf-8")))
    result = QIcon()
    for size in SIZES:
        pixmap = QPixmap(size, size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter, QRectF(0, 0, size, size))
        painter.end()
        result.addPixmap(pixmap)
    return result


def icon(name: str, colour: QColor | str | None = None) -> QIcon:
    """The icon *name* (a file of ``resources/icons``) in *colour*, by default the palette's text colour."""
    chosen = QColor(colour) if colour is not None else _text_colour()
    return _icon(name, chosen.name())
