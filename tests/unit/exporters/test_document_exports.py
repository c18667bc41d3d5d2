"""Documents written as PDF and Word and read back: text, headings, lists, tables, marks, dates, bytes."""

import hashlib
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_COLOR_INDEX
from docx.oxml.ns import qn
from pypdf import PdfReader

from app.domain.description import (
    ControlRef,
    CriterionControls,
    DescriptionFacts,
    SavedSection,
    build_description_document,
    fill_description,
)
from app.domain.document import (
    ConfirmMark,
    Document,
    PageBreak,
    Run,
    document_from_markdown,
    paragraph,
    table,
)
from app.domain.letters import BridgeFacts, PriorReport, build_assertion_document, build_bridge_letter
from app.exporters.document_docx import write_document_docx
from app.exporters.document_pdf import write_document_pdf
from app.exporters.errors import ExportCancelled

AS_OF = datetime(2026, 3, 12, 14, 5)
Pages = Callable[[Path], list[str]]

POLICY = """# Access control policy

This policy applies to **every** system that holds *customer* data in Zürich — “quoted”.

## Granting access

- Access is requested in the ticketing tool.
- The owner approves it.

1. Request
2. Approve

## Roles

| Role | Who |
|---|---|
| Owner | **Head of IT** |
| Reviewer | Security lead |

### Exceptions

1. Written approval
2. Reviewed yearly
"""


def sample() -> Document:
    document = document_from_markdown(
        POLICY, subtitle="Fernbrook Software Ltd", particulars=[("Version", "1.2"), ("Owner", "Head of IT")]
    )
    return replace(
        document,
        contents=True,
        blocks=(
            *document.blocks,
            PageBreak(),
            paragraph("Approved by: ", ConfirmMark("name of the approver")),
        ),
    )


def test_pdf_reads_back_with_headings_lists_tables_marks_and_page_numbers(
    tmp_path: Path, pdf_pages: Pages, fonts_embedded: Callable[[Path], bool]
) -> None:
    target = tmp_path / "policy.pdf"
    write_document_pdf(target, sample(), as_of=AS_OF)
    pages = pdf_pages(target)
    text = " ".join(pages)
    assert len(pages) == 2
    assert "Access control policy Fernbrook Software Ltd Version 1.2 Owner Head of IT Contents" in pages[0]
    assert "Zürich — “quoted”" in text
    assert "• Access is requested in the ticketing tool. • The owner approves it." in text
    assert "1. Request 2. Approve" in text and "1. Written approval 2. Reviewed yearly" in text
    assert "Role Who Owner Head of IT Reviewer Security lead" in text
    assert "Approved by: [Confirm: name of the approver]" in pages[1]
    assert all(
        f"Page {n} of 2" in page and "Data as of 12 Mar 2026, 14:05" in page
        for n, page in enumerate(pages, 1)
    )
    assert "Fernbrook Software Ltd" in pages[1].split("Access control policy")[0]
    reader = PdfReader(target)
    assert [item.title for item in reader.outline if not isinstance(item, list)] == [
        "Granting access",
        "Roles",
    ]
    assert reader.metadata is not None and reader.metadata["/CreationDate"] == "D:20260312140500"
    assert reader.metadata["/Title"] == "Access control policy"
    assert fonts_embedded(target)


def test_pdf_confirm_marks_are_shaded(tmp_path: Path) -> None:
    plain, marked = tmp_path / "plain.pdf", tmp_path / "marked.pdf"
    write_document_pdf(plain, Document(title="Letter", blocks=(paragraph("Signed: name"),)), as_of=AS_OF)
    write_document_pdf(
        marked, Document(title="Letter", blocks=(paragraph("Signed: ", ConfirmMark("name")),)), as_of=AS_OF
    )
    fill = b"1 .956863 .898039 rg"
    assert fill not in PdfReader(plain).pages[0].get_contents().get_data()  # type: ignore[union-attr]
    assert fill in PdfReader(marked).pages[0].get_contents().get_data()  # type: ignore[union-attr]


def test_pdf_is_the_same_bytes_for_the_same_input(tmp_path: Path) -> None:
    write_document_pdf(tmp_path / "a.pdf", sample(), as_of=AS_OF)
    write_document_pdf(tmp_path / "b.pdf", sample(), as_of=AS_OF)
    write_document_pdf(tmp_path / "c.pdf", sample(), as_of=AS_OF + timedelta(minutes=1))
    digests = {
        name: hashlib.sha256((tmp_path / name).read_bytes()).digest() for name in ("a.pdf", "b.pdf", "c.pdf")
    }
    assert digests["a.pdf"] == digests["b.pdf"] != digests["c.pdf"]


def test_a_cancelled_pdf_leaves_the_target_as_it_was(tmp_path: Path) -> None:
    target = tmp_path / "policy.pdf"
    target.write_bytes(b"previous")
    with pytest.raises(ExportCancelled):
        write_document_pdf(target, sample(), as_of=AS_OF, cancel=lambda: True)
    assert target.read_bytes() == b"previous"
    assert [path.name for path in tmp_path.iterdir()] == ["policy.pdf"]


def test_docx_reads_back_with_word_styles(tmp_path: Path) -> None:
    target = tmp_path / "policy.docx"
    write_document_docx(target, sample(), as_of=AS_OF)
    word = docx.Document(str(target))
    lines = [(paragraph.style.name, paragraph.text) for paragraph in word.paragraphs]  # type: ignore[union-attr]
    assert lines[:4] == [
        ("Title", "Access control policy"),
        ("Normal", "Fernbrook Software Ltd"),
        ("Normal", "Version: 1.2"),
        ("Normal", "Owner: Head of IT"),
    ]
    assert ("TOC Heading", "Contents") in lines
    assert ("Heading 2", "Granting access") in lines and ("Heading 3", "Exceptions") in lines
    assert [text for style, text in lines if style == "List Bullet"] == [
        "Access is requested in the ticketing tool.",
        "The owner approves it.",
    ]
    assert [text for style, text in lines if style == "List Number"] == [
        "Request",
        "Approve",
        "Written approval",
        "Reviewed yearly",
    ]
    (body,) = [paragraph for paragraph in word.paragraphs if paragraph.text.startswith("This policy")]
    assert [(run.text, run.bold, run.italic) for run in body.runs] == [
        ("This policy applies to ", None, None),
        ("every", True, None),
        (" system that holds ", None, None),
        ("customer", None, True),
        (" data in Zürich — “quoted”.", None, None),
    ]
    signed = word.paragraphs[-1]
    assert signed.text == "Approved by: [Confirm: name of the approver]"
    assert signed.runs[1].bold and signed.runs[1].font.highlight_color == WD_COLOR_INDEX.YELLOW
    (grid,) = word.tables
    assert [[cell.text for cell in row.cells] for row in grid.rows] == [
        ["Role", "Who"],
        ["Owner", "Head of IT"],
        ["Reviewer", "Security lead"],
    ]
    assert grid.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert grid.rows[1].cells[1].paragraphs[0].runs[0].bold


def test_docx_numbered_lists_each_start_at_one(tmp_path: Path) -> None:
    target = tmp_path / "policy.docx"
    write_document_docx(target, sample(), as_of=AS_OF)
    word = docx.Document(str(target))
    numbered = [paragraph for paragraph in word.paragraphs if paragraph.style.name == "List Number"]  # type: ignore[union-attr]
    ids = [paragraph._p.pPr.numPr.numId.val for paragraph in numbered]  # type: ignore[union-attr]
    assert ids[0] == ids[1] != ids[2] == ids[3]
    numbering = word.part.numbering_part.element
    for num_id in (ids[0], ids[2]):
        override = numbering.num_having_numId(num_id).find(qn("w:lvlOverride"))
        assert override.find(qn("w:startOverride")).get(qn("w:val")) == "1"


def test_docx_contents_header_footer_and_properties(tmp_path: Path) -> None:
    target = tmp_path / "policy.docx"
    write_document_docx(target, sample(), as_of=AS_OF)
    word = docx.Document(str(target))
    (contents,) = [p for p in word.paragraphs if p._p.xpath("./w:r/w:instrText[contains(., 'TOC')]")]
    assert contents.text == "Granting access\nRoles\n    Exceptions"
    assert contents._p.xpath("string(./w:r/w:instrText)") == ' TOC \\o "2-3" \\h \\z \\u '
    section = word.sections[0]
    assert section.different_first_page_header_footer
    assert section.header.paragraphs[0].text == "Fernbrook Software Ltd\tAccess control policy"
    footer = section.footer.paragraphs[0]
    assert footer.text.startswith("Data as of 12 Mar 2026, 14:05\tPage ")
    assert [field.get(qn("w:instr")) for field in footer._p.iter(qn("w:fldSimple"))] == ["PAGE", "NUMPAGES"]
    properties = word.core_properties
    assert properties.title == "Access control policy"
    assert properties.author == "SOC Workbench"
    assert properties.created == properties.modified == AS_OF.replace(tzinfo=UTC)
    assert properties.revision == 1


def test_docx_is_the_same_bytes_for_the_same_input(tmp_path: Path) -> None:
    write_document_docx(tmp_path / "a.docx", sample(), as_of=AS_OF)
    write_document_docx(tmp_path / "b.docx", sample(), as_of=AS_OF)
    assert (tmp_path / "a.docx").read_bytes() == (tmp_path / "b.docx").read_bytes()
    with zipfile.ZipFile(tmp_path / "a.docx") as package:
        assert {entry.date_time for entry in package.infolist()} == {(2026, 3, 12, 14, 5, 0)}
        assert "docProps/thumbnail.jpeg" not in package.namelist()
        assert package.testzip() is None
    assert [path.name for path in sorted(tmp_path.iterdir())] == ["a.docx", "b.docx"]


def test_docx_dated_in_another_zone_stores_utc(tmp_path: Path) -> None:
    zurich = datetime(2026, 3, 12, 15, 5, tzinfo=timezone(timedelta(hours=1)))
    write_document_docx(tmp_path / "a.docx", sample(), as_of=zurich)
    assert docx.Document(str(tmp_path / "a.docx")).core_properties.created == AS_OF.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Cuec:
    ref: str
    description: str


DESCRIPTION = DescriptionFacts(
    company="Fernbrook Software Ltd",
    system_name="Fernbrook Invoicing",
    report_kind="SOC 2",
    report_type="Type 2",
    period_start=date(2026, 1, 1),
    period_end=date(2026, 6, 30),
    categories=("Security",),
    criteria=(
        CriterionControls("CC6.1", (ControlRef("AC-01", "Single sign-on with MFA"),)),
        CriterionControls("CC6.4", ()),
    ),
    cuecs=(Cuec("CUEC-1", "Customers manage their own users."),),
    control_systems=("AWS, Okta",),
)
SAVED = {
    "services": SavedSection(
        "Fernbrook sells **Fernbrook Invoicing**, online invoicing.\n\n- web app\n- REST API"
    ),
    "incidents": SavedSection("No significant incidents occurred during the period."),
}


def description_document() -> Document:
    return build_description_document(fill_description(DESCRIPTION, SAVED), prepared=date(2026, 7, 15))


def test_description_pdf_has_every_section_the_users_words_and_the_facts(
    tmp_path: Path, pdf_pages: Pages
) -> None:
    target = tmp_path / "description.pdf"
    write_document_pdf(target, description_document(), as_of=AS_OF)
    text = " ".join(pdf_pages(target))
    assert "Description of the Fernbrook Invoicing system Fernbrook Software Ltd" in text
    assert "Report SOC 2 Type 2 Period 1 Jan–30 Jun 2026 Categories Security Prepared 15 Jul 2026" in text
    sections = [item.title for item in PdfReader(target).outline if not isinstance(item, list)]
    assert sections == [
        "1. Services we provide",
        "2. Service commitments and system requirements",
        "3. System components: infrastructure, software, people, procedures and data",
        "4. System boundaries",
        "5. Significant incidents",
        "6. Criteria in scope and the controls that meet them",
        "7. What customers are expected to do",
        "8. Subservice organizations and the controls we expect of them",
        "9. Significant changes during the period",
    ]
    assert "Fernbrook sells Fernbrook Invoicing, online invoicing. • web app • REST API" in text
    assert "for the period 1 Jan–30 Jun 2026" in text
    assert "Systems named on controls • AWS • Okta" in text
    assert "CC6.1 AC-01 Single sign-on with MFA CC6.4 [Confirm: no control" in text
    assert "CUEC-1 Customers manage their own users." in text
    assert "[Confirm: not written yet. The promises you make to customers" in text


def test_description_docx_has_every_section_as_a_heading(tmp_path: Path) -> None:
    target = tmp_path / "description.docx"
    write_document_docx(target, description_document(), as_of=AS_OF)
    word = docx.Document(str(target))
    headings = [p.text for p in word.paragraphs if p.style.name == "Heading 1"]  # type: ignore[union-attr]
    assert len(headings) == 9 and headings[0] == "1. Services we provide"
    texts = [p.text for p in word.paragraphs]
    assert "Period: 1 Jan–30 Jun 2026" in texts
    assert "Fernbrook sells Fernbrook Invoicing, online invoicing." in texts
    assert [[cell.text for cell in row.cells] for row in word.tables[0].rows][1] == [
        "CC6.1",
        "AC-01 Single sign-on with MFA",
    ]
    highlighted = [
        run.text
        for p in word.paragraphs
        for run in p.runs
        if run.font.highlight_color == WD_COLOR_INDEX.YELLOW
    ]
    assert "[Confirm: each system listed is part of the system described, and none is missing]" in highlighted


def test_letters_export_with_their_dates(tmp_path: Path, pdf_pages: Pages) -> None:
    assertion = build_assertion_document(DESCRIPTION, prepared=date(2026, 7, 20))
    write_document_pdf(tmp_path / "assertion.pdf", assertion, as_of=AS_OF)
    text = " ".join(pdf_pages(tmp_path / "assertion.pdf"))
    assert "throughout the period 1 Jan 2026 to 30 Jun 2026" in text
    assert "Prepared 20 Jul 2026" in text
    assert "Name: [Confirm: name of the person signing]" in text
    letter = build_bridge_letter(
        BridgeFacts(
            company="Fernbrook Software Ltd",
            system_name="Fernbrook Invoicing",
            prior=PriorReport("SOC 2", "Type 2", date(2025, 12, 31)),
            through=date(2026, 3, 31),
            dated=date(2026, 4, 10),
        )
    )
    write_document_docx(tmp_path / "bridge.docx", letter, as_of=AS_OF)
    texts = [p.text for p in docx.Document(str(tmp_path / "bridge.docx")).paragraphs]
    assert "Covers: 1 Jan 2026 to 31 Mar 2026" in texts
    assert "Date: 10 Apr 2026" in texts
    assert any("does not replace the SOC 2 report" in line for line in texts)


def test_a_table_without_rows_still_shows_its_header(tmp_path: Path, pdf_pages: Pages) -> None:
    document = Document(title="Register", blocks=(table(("Name", "Signed on"), []), paragraph(Run("End"))))
    write_document_pdf(tmp_path / "empty.pdf", document, as_of=AS_OF)
    assert "Name Signed on End" in " ".join(pdf_pages(tmp_path / "empty.pdf"))
    write_document_docx(tmp_path / "empty.docx", document, as_of=AS_OF)
    assert [cell.text for cell in docx.Document(str(tmp_path / "empty.docx")).tables[0].rows[0].cells] == [
        "Name",
        "Signed on",
    ]
