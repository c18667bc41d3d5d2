"""Reading back the PDFs the exporters write."""

from collections.abc import Callable
from pathlib import Path

import pytest
from pypdf import PdfReader

Pages = Callable[[Path], list[str]]


def _page_texts(path: Path) -> list[str]:
    """The text of each page with runs of whitespace (line breaks too) made single spaces."""
    return [" ".join(page.extract_text().split()) for page in PdfReader(path).pages]


@pytest.fixture
def pdf_pages() -> Pages:
    """``pdf_pages(path)``: the whitespace-normalised text of each page of a PDF."""
    return _page_texts


@pytest.fixture
def fonts_embedded() -> Callable[[Path], bool]:
    """``fonts_embedded(path)``: every font used on every page carries its TrueType file."""

    def check(path: Path) -> bool:
        fonts = [
            font.get_object()
            for page in PdfReader(path).pages
            for font in page["/Resources"]["/Font"].values()
        ]
        return bool(fonts) and all("/FontFile2" in font["/FontDescriptor"] for font in fonts)

    return check
