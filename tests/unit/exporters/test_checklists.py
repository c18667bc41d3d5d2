"""The readiness checklist and the evidence index PDFs."""

import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from app.domain.catalog import load_catalog
from app.exporters.checklists import (
    ChecklistControl,
    ChecklistCriterion,
    ChecklistHeader,
    ChecklistSection,
    EvidenceIndexEntry,
    write_evidence_index,
    write_readiness_checklist,
)
from app.exporters.errors import ExportCancelled

AS_OF = datetime(2026, 3, 12, 14, 5)
HEADER = ChecklistHeader(
    company="Zürich Ŝtøre — “quoted” AG",
    engagement="FY2026 SOC 2",
    scope="SOC 2 Type 2 — Security, Availability",
    period="1 Apr–30 Sep 2026",
    auditor="Example & Partners LLP",
)
Pages = Callable[[Path], list[str]]


def control(ref: str, **changes: object) -> ChecklistControl:
    values: dict[str, object] = {
        "ref": ref,
        "title": "Quarterly review of privileged access to production",
        "owner": "Chloé Lefèvre-Ødegård",
        "status": "ready-for-audit",
        "evidence_count": 3,
        "is_key": True,
    }
    values.update(changes)
    return ChecklistControl(**values)


SECTIONS = [
    ChecklistSection(
        "Security",
        [
            ChecklistCriterion(
                "CC6.1",
                "Access design, encryption and key handling",
                [control("AC-01"), control("AC-02", status="in-progress", is_key=False, owner="")],
            ),
            ChecklistCriterion("CC6.2", "Approving new accounts and removing old ones", []),
            ChecklistCriterion("CC6.3", "Role-based access and access reviews", [control("AC-01")]),
        ],
    ),
    ChecklistSection(
        "Availability",
        [
            ChecklistCriterion(
                "A1.2",
                "Backups and resilient infrastructure",
                [control("BC-01", title="Nightly backup restore test", evidence_count=0)],
            )
        ],
    ),
]


def many_controls(count: int) -> list[ChecklistSection]:
    """*count* controls spread over every criterion of the catalog."""
    catalog = load_catalog()
    by_criterion: dict[str, list[ChecklistControl]] = {criterion.id: [] for criterion in catalog.criteria}
    for number in range(count):
        criterion = catalog.criteria[number % len(catalog.criteria)]
        by_criterion[criterion.id].append(
            control(f"CTL-{number:05d}", title=f"Control {number} " + "words " * (number % 17))
        )
    return [
        ChecklistSection(
            category.name,
            [
                ChecklistCriterion(c.id, c.title, by_criterion[c.id])
                for c in catalog.in_category(category.name)
            ],
        )
        for category in catalog.categories
    ]


def test_checklist_lists_criteria_controls_and_gaps(tmp_path: Path, pdf_pages: Pages) -> None:
    write_readiness_checklist(tmp_path / "checklist.pdf", HEADER, SECTIONS, as_of=AS_OF)
    pages = pdf_pages(tmp_path / "checklist.pdf")
    cover, contents, *body = pages
    assert "Readiness checklist" in cover and "Zürich Ŝtøre — “quoted” AG" in cover
    assert "Example & Partners LLP" in cover and "1 Apr–30 Sep 2026" in cover
    assert "Security — 3 2 1 1" in cover  # readiness, criteria, controls, without a control, ready for audit
    assert "Security 3" in contents and "CC6.2 Approving new accounts and removing old ones 3" in contents
    text = " ".join(body)
    title = "Quarterly review of privileged access to production"
    assert f"AC-01 {title} Chloé Lefèvre-Ødegård Ready for audit 3 Yes" in text
    assert f"AC-02 {title} Not assigned In progress 3" in text
    assert "CC6.2 Approving new accounts and removing old ones Gap: no control yet." in text
    assert "BC-01 Nightly backup restore test Chloé Lefèvre-Ødegård Ready for audit 0 Yes" in text
    assert all(f"Page {n} of {len(pages)}" in page for n, page in enumerate(pages, start=1))


def test_one_fillable_checkbox_per_control_row(tmp_path: Path) -> None:
    write_readiness_checklist(tmp_path / "checklist.pdf", HEADER, SECTIONS, as_of=AS_OF)
    fields = PdfReader(tmp_path / "checklist.pdf").get_fields()
    assert fields is not None
    assert sorted(fields) == ["reviewed-1", "reviewed-2", "reviewed-3", "reviewed-4"]
    assert fields["reviewed-3"]["/TU"] == "Reviewed CC6.3 AC-01"


def test_same_checklist_same_bytes_and_as_of_changes_them(tmp_path: Path) -> None:
    write_readiness_checklist(tmp_path / "one.pdf", HEADER, SECTIONS, as_of=AS_OF)
    write_readiness_checklist(tmp_path / "two.pdf", HEADER, SECTIONS, as_of=AS_OF)
    write_readiness_checklist(tmp_path / "three.pdf", HEADER, SECTIONS, as_of=AS_OF.replace(hour=15))
    one = (tmp_path / "one.pdf").read_bytes()
    assert one == (tmp_path / "two.pdf").read_bytes()
    assert one != (tmp_path / "three.pdf").read_bytes()
    metadata = PdfReader(tmp_path / "one.pdf").metadata
    assert metadata is not None and metadata.creation_date == AS_OF


WRITE_CHECKLIST = """
import sys
from datetime import datetime
from pathlib import Path
from app.exporters.checklists import *
control = ChecklistControl("AC-01", "Access review", "Søren Ødegård", "implemented", 2, True)
sections = [ChecklistSection("Security", [ChecklistCriterion("CC6.1", "Access", [control])])]
header = ChecklistHeader("Zürich AG", "FY26", "SOC 2 Type 2", "1 Apr–30 Sep 2026")
write_readiness_checklist(Path(sys.argv[1]), header, sections, as_of=datetime(2026, 3, 12, 14, 5))
"""


@pytest.mark.slow
def test_processes_with_different_hash_seeds_write_the_same_bytes(tmp_path: Path) -> None:
    for seed in ("1", "2"):
        environment = {**os.environ, "PYTHONHASHSEED": seed}
        command = [sys.executable, "-c", WRITE_CHECKLIST, str(tmp_path / f"{seed}.pdf")]
        subprocess.run(command, check=True, env=environment, cwd=Path(__file__).parents[3])
    assert (tmp_path / "1.pdf").read_bytes() == (tmp_path / "2.pdf").read_bytes()


def test_cancel_mid_way_leaves_no_file(tmp_path: Path) -> None:
    reports: list[tuple[int, int]] = []
    with pytest.raises(ExportCancelled):
        write_readiness_checklist(
            tmp_path / "checklist.pdf",
            HEADER,
            many_controls(600),
            as_of=AS_OF,
            progress=lambda done, total: reports.append((done, total)),
            cancel=lambda: len(reports) == 5,
        )
    assert len(reports) == 5 and reports[-1][1] == 600
    assert list(tmp_path.iterdir()) == []


def test_progress_counts_control_rows(tmp_path: Path) -> None:
    reports: list[tuple[int, int]] = []
    write_readiness_checklist(
        tmp_path / "checklist.pdf",
        HEADER,
        SECTIONS,
        as_of=AS_OF,
        progress=lambda d, t: reports.append((d, t)),
    )
    assert reports == [(2, 4), (3, 4), (4, 4)]


@pytest.mark.long
def test_thousands_of_controls_grow_linearly(tmp_path: Path) -> None:
    sizes = {}
    for count in (1500, 3000):
        target = tmp_path / f"{count}.pdf"
        write_readiness_checklist(target, HEADER, many_controls(count), as_of=AS_OF)
        reader = PdfReader(target)
        fields = reader.get_fields()
        assert fields is not None and len(fields) == count
        sizes[count] = (len(reader.pages), target.stat().st_size)
    (small_pages, small_bytes), (large_pages, large_bytes) = sizes[1500], sizes[3000]
    assert 1.8 < large_pages / small_pages < 2.2
    assert 1.8 < large_bytes / small_bytes < 2.2


def test_an_empty_scope_still_gives_a_checklist(tmp_path: Path, pdf_pages: Pages) -> None:
    write_readiness_checklist(tmp_path / "checklist.pdf", HEADER, [], as_of=AS_OF)
    assert "No category is in scope yet" in " ".join(pdf_pages(tmp_path / "checklist.pdf"))


ENTRIES = [
    EvidenceIndexEntry(
        title="Okta access review — Q2, signed by Søren",
        file_name="access-review-2026-q2-okta-export.xlsx",
        sha256="9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        size=1536,
        collected=date(2026, 4, 2),
        period="1 Apr–30 Jun 2026",
        controls=["AC-01", "AC-02"],
    ),
    EvidenceIndexEntry(
        title="Backup policy",
        file_name="backup.pdf",
        sha256="e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        size=0,
        collected=None,
        period="as of 30 Jun 2026",
        controls=[],
    ),
]


def test_evidence_index_lists_files_with_fingerprints(tmp_path: Path, pdf_pages: Pages) -> None:
    write_evidence_index(tmp_path / "index.pdf", HEADER, ENTRIES, as_of=AS_OF)
    reader = PdfReader(tmp_path / "index.pdf")
    assert reader.pages[0].mediabox.width > reader.pages[0].mediabox.height
    text = " ".join(pdf_pages(tmp_path / "index.pdf"))
    assert "2 files, 1.5 KB in all" in text
    for entry in ENTRIES:
        assert entry.sha256[:32] in text and entry.sha256[32:] in text
    assert "1.5 KB 2 Apr 2026" in text and "AC-01, AC-02" in text
    assert "0 bytes Not recorded as of 30 Jun 2026 None" in text
    assert "Page 1 of 1" in text


def test_evidence_index_is_chunked_and_reproducible(tmp_path: Path, pdf_pages: Pages) -> None:
    entries = ENTRIES * 300
    reports: list[tuple[int, int]] = []
    write_evidence_index(
        tmp_path / "one.pdf", HEADER, entries, as_of=AS_OF, progress=lambda d, t: reports.append((d, t))
    )
    write_evidence_index(tmp_path / "two.pdf", HEADER, entries, as_of=AS_OF)
    assert reports == [(250, 600), (500, 600), (600, 600)]
    assert (tmp_path / "one.pdf").read_bytes() == (tmp_path / "two.pdf").read_bytes()
    pages = pdf_pages(tmp_path / "one.pdf")
    assert all(f"Page {n} of {len(pages)}" in page for n, page in enumerate(pages, start=1))


def test_empty_evidence_index(tmp_path: Path, pdf_pages: Pages) -> None:
    write_evidence_index(tmp_path / "index.pdf", HEADER, [], as_of=AS_OF)
    assert "No evidence collected yet." in " ".join(pdf_pages(tmp_path / "index.pdf"))


def test_the_first_page_shows_readiness_per_category_and_the_gaps(tmp_path: Path, pdf_pages: Pages) -> None:
    sections = [replace(SECTIONS[0], readiness=0.25), replace(SECTIONS[1], readiness=1.0)]
    header = replace(HEADER, gaps=3)
    write_readiness_checklist(tmp_path / "checklist.pdf", header, sections, as_of=AS_OF)
    cover = pdf_pages(tmp_path / "checklist.pdf")[0]
    assert "Engagement FY2026 SOC 2" in cover
    assert "Security 25% 3 2 1 1" in cover and "Availability 100% 1 1 0 1" in cover
    assert "Gaps 3 gaps to close before the audit" in cover


def test_a_criterion_heading_repeats_on_the_page_its_table_runs_onto(
    tmp_path: Path, pdf_pages: Pages
) -> None:
    controls = [control(f"CTL-{number:03d}") for number in range(60)]
    sections = [ChecklistSection("Security", [ChecklistCriterion("CC6.1", "Logical access", controls)])]
    write_readiness_checklist(tmp_path / "long.pdf", HEADER, sections, as_of=AS_OF)
    body = pdf_pages(tmp_path / "long.pdf")[2:]
    assert len(body) >= 2
    assert "CC6.1 Logical access" in body[0] and "(continued)" not in body[0]
    continued = [page for page in body[1:] if "CTL-" in page]
    assert continued, "the table runs onto another page"
    for page in continued:
        assert "CC6.1 Logical access (continued)" in page
