"""The shared PDF pieces: page furniture, contents, checkboxes, determinism, atomic writing."""

from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, PageBreak, Paragraph

from app.exporters.errors import ExportCancelled
from app.exporters.pdf import (
    FONT,
    Checkbox,
    Heading,
    TableOfContents,
    build_document,
    chunked_table,
    clip_text,
    escape,
    register_fonts,
    styles,
    wrap_text,
)

AS_OF = datetime(2026, 3, 12, 14, 5)
COMPANY = "Zürich Ŝtøre — “quoted”"
Pages = Callable[[Path], list[str]]


def story(rows: int = 120, sections: int = 2) -> list[Flowable]:
    """A cover, contents, and *sections* headed tables of *rows* rows with a checkbox each."""
    sheet = styles()
    flowables: list[Flowable] = [
        Paragraph(escape(f"Report for {COMPANY} & <friends>"), sheet.title),
        PageBreak(),
        TableOfContents(),
    ]
    for section in range(1, sections + 1):
        flowables += [PageBreak(), Heading(f"Section {section}"), Heading(f"Part {section}.1", level=1)]
        text = wrap_text("Owner Chloé Lefèvre-Ødegård reviews access " * 2, 200)
        data = [[f"R-{section}-{row}", text, Checkbox(f"box-{section}-{row}")] for row in range(rows)]
        flowables += chunked_table(["Ref", "Text", "Done"], data, [80, 208, 40], chunk=50)
    return flowables


def build(target: Path, flowables: list[Flowable] | None = None, **options: object) -> None:
    settings: dict[str, object] = {"title": "Test document", "header": f"{COMPANY} — FY26", "as_of": AS_OF}
    settings.update(options)
    build_document(target, story() if flowables is None else flowables, **settings)


def test_every_page_says_page_x_of_y(tmp_path: Path, pdf_pages: Pages) -> None:
    build(tmp_path / "out.pdf")
    pages = pdf_pages(tmp_path / "out.pdf")
    assert len(pages) > 4
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in text
        assert "Data as of 12 Mar 2026, 14:05" in text


def test_later_pages_carry_the_header_and_title(tmp_path: Path, pdf_pages: Pages) -> None:
    build(tmp_path / "out.pdf")
    first, *later = pdf_pages(tmp_path / "out.pdf")
    assert f"{COMPANY} — FY26" not in first
    assert all(f"{COMPANY} — FY26" in text and "Test document" in text for text in later)


def test_metadata_comes_from_the_arguments_and_as_of(tmp_path: Path) -> None:
    as_of = datetime(2026, 3, 12, 14, 5, 9, tzinfo=timezone(timedelta(hours=-5)))
    build(tmp_path / "out.pdf", as_of=as_of, subject="Readiness", author="Ana Souza")
    metadata = PdfReader(tmp_path / "out.pdf").metadata
    assert metadata is not None
    assert metadata.creation_date == as_of
    assert metadata.modification_date == as_of
    assert metadata.title == "Test document"
    assert metadata.subject == "Readiness"
    assert metadata.author == "Ana Souza"
    assert metadata.creator == "SOC Workbench"


def test_naive_as_of_is_written_without_a_zone(tmp_path: Path) -> None:
    build(tmp_path / "out.pdf")
    metadata = PdfReader(tmp_path / "out.pdf").metadata
    assert metadata is not None
    assert metadata.creation_date == AS_OF


def test_same_input_gives_the_same_bytes_and_as_of_changes_them(tmp_path: Path) -> None:
    build(tmp_path / "one.pdf")
    build(tmp_path / "two.pdf")
    build(tmp_path / "later.pdf", as_of=AS_OF + timedelta(days=1))
    one = (tmp_path / "one.pdf").read_bytes()
    assert one == (tmp_path / "two.pdf").read_bytes()
    assert one != (tmp_path / "later.pdf").read_bytes()


def test_unicode_text_round_trips_in_embedded_fonts(
    tmp_path: Path, pdf_pages: Pages, fonts_embedded: Callable[[Path], bool]
) -> None:
    build(tmp_path / "out.pdf")
    text = " ".join(pdf_pages(tmp_path / "out.pdf"))
    assert f"Report for {COMPANY} & <friends>" in text
    assert "Chloé Lefèvre-Ødegård" in text
    assert b"/FontFile2" in (tmp_path / "out.pdf").read_bytes()
    assert fonts_embedded(tmp_path / "out.pdf")


def test_contents_list_every_heading_with_its_page_and_link(tmp_path: Path, pdf_pages: Pages) -> None:
    build(tmp_path / "out.pdf")
    pages = pdf_pages(tmp_path / "out.pdf")
    contents = pages[1]
    for heading in ("Section 1", "Part 1.1", "Section 2", "Part 2.1"):
        page = next(number for number, text in enumerate(pages, start=1) if number > 2 and heading in text)
        assert f"{heading} {page}" in contents
    links = [a.get_object() for a in PdfReader(tmp_path / "out.pdf").pages[1]["/Annots"]]
    assert sum(1 for link in links if link["/Subtype"] == "/Link") == 4


def test_headings_become_the_outline(tmp_path: Path) -> None:
    build(tmp_path / "out.pdf")
    outline = PdfReader(tmp_path / "out.pdf").outline
    titles = [item.title for item in outline if not isinstance(item, list)]
    assert titles == ["Section 1", "Section 2"]
    assert [item.title for item in outline[1]] == ["Part 1.1"]


def test_each_checkbox_is_a_form_field(tmp_path: Path) -> None:
    build(tmp_path / "out.pdf")
    fields = PdfReader(tmp_path / "out.pdf").get_fields()
    assert fields is not None
    assert len(fields) == 240
    assert fields["box-2-119"]["/FT"] == "/Btn"
    assert {field.get("/V") for field in fields.values()} == {"/Off"}


def test_checkbox_appearances_are_shared(tmp_path: Path) -> None:
    build(tmp_path / "out.pdf")
    fields = PdfReader(tmp_path / "out.pdf").get_fields()
    assert fields is not None
    widgets = [field.indirect_reference.get_object() for field in fields.values() if field.indirect_reference]
    looks = {
        tuple(widget["/AP"]["/N"].raw_get(state).idnum for state in ("/Yes", "/Off")) for widget in widgets
    }
    assert len(widgets) == 240
    assert len(looks) == 1


def test_progress_counts_rows_and_a_cancel_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "out.pdf"
    target.write_bytes(b"the previous export")
    reports: list[tuple[int, int]] = []
    with pytest.raises(ExportCancelled):
        build(
            target,
            progress=lambda done, total: reports.append((done, total)),
            cancel=lambda: len(reports) == 2,
        )
    assert reports == [(50, 240), (100, 240)]
    assert target.read_bytes() == b"the previous export"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["out.pdf"]


def test_progress_reaches_the_total(tmp_path: Path) -> None:
    reports: list[tuple[int, int]] = []
    build(tmp_path / "out.pdf", progress=lambda done, total: reports.append((done, total)))
    assert reports[-1] == (240, 240)
    assert [done for done, _ in reports] == sorted(done for done, _ in reports)


def test_cancel_before_start_writes_nothing(tmp_path: Path) -> None:
    with pytest.raises(ExportCancelled):
        build(tmp_path / "out.pdf", cancel=lambda: True)
    assert list(tmp_path.iterdir()) == []


class Exploding(Flowable):
    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return 10, 10

    def draw(self) -> None:
        raise RuntimeError("disk on fire")


def test_a_failure_mid_build_leaves_no_file(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="disk on fire"):
        build(tmp_path / "out.pdf", [*story(rows=60), Exploding()])
    assert list(tmp_path.iterdir()) == []


def test_landscape_turns_the_page(tmp_path: Path) -> None:
    build(tmp_path / "out.pdf", story(rows=5, sections=1), landscape=True)
    box = PdfReader(tmp_path / "out.pdf").pages[0].mediabox
    assert (box.width, box.height) == (792, 612)


def test_chunked_table_repeats_the_header_and_marks_each_chunk() -> None:
    flowables = chunked_table(["A", "B"], [[str(n), "x"] for n in range(120)], [50, 50], chunk=50)
    tables, marks = flowables[::2], flowables[1::2]
    assert [len(table._cellvalues) for table in tables] == [51, 51, 21]
    assert all(table._cellvalues[0] == ["A", "B"] and table.repeatRows == 1 for table in tables)
    assert [mark.rows for mark in marks] == [50, 50, 20]


def test_wrap_text_keeps_lines_within_the_width() -> None:
    register_fonts()
    text = "Quarterly review of privileged access to production databases by the security lead " * 3
    lines = wrap_text(text, 120).split("\n")
    assert len(lines) > 3
    assert all(stringWidth(line, FONT, 8) <= 120 for line in lines)
    assert " ".join(lines) == " ".join(text.split())


def test_wrap_text_cuts_long_words_after_a_hyphen_and_stops_with_an_ellipsis() -> None:
    register_fonts()
    lines = wrap_text("access-review-2026-quarter-one-okta-export.xlsx", 60).split("\n")
    assert "".join(lines) == "access-review-2026-quarter-one-okta-export.xlsx"
    assert all(line.endswith(("-", ".")) for line in lines[:-1])
    cut = wrap_text("word " * 200, 60, max_lines=3).split("\n")
    assert len(cut) == 3 and cut[-1].endswith("…")
    assert wrap_text("", 60) == ""


def test_clip_text_ends_with_an_ellipsis() -> None:
    register_fonts()
    assert clip_text("short", 100) == "short"
    clipped = clip_text("a rather long header text " * 10, 100)
    assert clipped.endswith("…") and stringWidth(clipped, FONT, 8) <= 100


def test_escape_protects_markup() -> None:
    assert escape("R&D <b>") == "R&amp;D &lt;b&gt;"
