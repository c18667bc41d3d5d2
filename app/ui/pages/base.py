"""What a page of the main window provides."""

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel, QLayout, QSplitter, QVBoxLayout, QWidget

from app.ui.context import AppContext


class Page(QWidget):
    """A page of the sidebar (declared in :data:`app.ui.main_window.PAGES`); it may support the search box."""

    needs_engagement = False
    searchable = False

    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context

    def apply_search(self, text: str) -> None:
        """Filter the page by the engagement bar's search text."""

    def refresh(self) -> None:
        """Reload what the page shows from the workspace."""


def page_heading(text: str, hint: str = "") -> QWidget:
    """A page's title line and a one-line hint below it."""
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 4)
    heading = QLabel(text)
    font = heading.font()
    font.setPointSizeF(font.pointSizeF() * 1.35)
    font.setBold(True)
    heading.setFont(font)
    layout.addWidget(heading)
    if hint:
        sub = QLabel(hint)
        sub.setWordWrap(True)
        sub.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        layout.addWidget(sub)
    return box


def stacked(*parts: QWidget | QLayout, stretch_last: bool = True) -> QWidget:
    """A widget holding *parts* one above the other, without margins; the last one takes the height."""
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    for number, part in enumerate(parts):
        last = stretch_last and number == len(parts) - 1
        if isinstance(part, QLayout):
            layout.addLayout(part, 1 if last else 0)
        else:
            layout.addWidget(part, 1 if last else 0)
    return box


def with_details(main: QWidget, details: QWidget, sizes: tuple[int, int]) -> QSplitter:
    """*main* beside the detail panel of its selected item, sized *sizes* at 1280 pixels wide."""
    splitter = QSplitter()
    splitter.addWidget(main)
    splitter.addWidget(details)
    splitter.setStretchFactor(0, sizes[0])
    splitter.setStretchFactor(1, sizes[1])
    splitter.setChildrenCollapsible(False)
    splitter.setSizes(list(sizes))
    return splitter
