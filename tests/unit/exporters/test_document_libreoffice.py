"""A real word processor opens the Word documents: LibreOffice converts one to PDF and the text reads back."""

import os
from pathlib import Path

import pytest
from pypdf import PdfReader
from test_document_exports import AS_OF, description_document  # the sample description beside this file
from test_workbook_libreoffice import SOFFICE, soffice_convert

from app.exporters.document_docx import write_document_docx

pytestmark = [
    pytest.mark.slow,
    # CI installs LibreOffice Writer, so there the test must run; elsewhere it may be missing.
    pytest.mark.skipif(
        SOFFICE is None and not os.environ.get("CI"), reason="LibreOffice (soffice) is not on PATH"
    ),
]


def test_libreoffice_opens_the_description_and_numbers_its_pages(tmp_path: Path) -> None:
    source = tmp_path / "description.docx"
    write_document_docx(source, description_document(), as_of=AS_OF)
    soffice_convert(source, tmp_path, "pdf")
    pages = [" ".join(page.extract_text().split()) for page in PdfReader(tmp_path / "description.pdf").pages]
    text = " ".join(pages)
    assert len(pages) >= 2
    assert all(f"Page {number} of {len(pages)}" in page for number, page in enumerate(pages, start=1))
    assert "Description of the Fernbrook Invoicing system" in text
    assert "9. Significant changes during the period" in text
    assert "[Confirm: each system listed is part of the system described, and none is missing]" in text
    assert "CC6.1 AC-01 Single sign-on with MFA" in text
