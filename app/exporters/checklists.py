# mypy: disable-error-code="import-untyped"
"""The readiness checklist and the evidence index: PDFs a company hands its auditor.

Both take plain data (no database objects) and write one file atomically;
long lists become chunked tables so time and size grow linearly.
"""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from itertools import count
from pathlib import Path
from typing import Any

from reportlab.platypus import CondPageBreak, Flowable, PageBreak, Paragraph

from app.domain.files import human_size
from app.domain.periods import format_day
from app.domain.vocab import Status, label
from app.domain.wording import counted
from app.exporters.pdf import (
    CELL_PADDING,
    FONT_MONO,
    Checkbox,
    Heading,
    TableOfContents,
    build_document,
    chunked_table,
    data_stamp,
    escape,
    styles,
    table,
    title_block,
    wrap_text,
)
from app.exporters.progress import Cancel, Progress

CHECKLIST_TITLE = "Readiness checklist"
EVIDENCE_INDEX_TITLE = "Evidence index"
CONTROL_COLUMNS = (
    ("Ref", 56.0),
    ("Control", 174.0),
    ("Owner", 78.0),
    ("Status", 70.0),
    ("Evidence", 48.0),
    ("Key", 26.0),
    ("Reviewed", 52.0),
)
EVIDENCE_COLUMNS = (
    ("Title", 136.0),
    ("File", 108.0),
    ("SHA-256", 126.0),
    ("Size", 48.0),
    ("Collected", 58.0),
    ("Period", 92.0),
    ("Controls", 116.0),
)
_HASH_SIZE = 6.0


@dataclass(frozen=True, slots=True)
class ChecklistControl:
    """One control under a criterion; *status* is a :class:`~app.domain.vocab.Status` value."""

    ref: str
    title: str
    owner: str
    status: str
    evidence_count: int
    is_key: bool


@dataclass(frozen=True, slots=True)
class ChecklistCriterion:
    """A criterion (or SOC 1 control objective) and the controls mapped to it, in report order."""

    id: str
    title: str
    controls: Sequence[ChecklistControl]


@dataclass(frozen=True, slots=True)
class ChecklistSection:
    """One category in scope with its criteria (or the SOC 1 control objectives, ``noun`` "objective"),
    and its readiness (the share of its criteria ready)."""

    category: str
    criteria: Sequence[ChecklistCriterion]
    noun: str = "criterion"
    readiness: float | None = None

    @property
    def nouns(self) -> str:
        return "objectives" if self.noun == "objective" else "criteria"


@dataclass(frozen=True, slots=True)
class ChecklistCarveOuts:
    """What the report assumes of others: customers' CUECs (ref, what they do) and the subservice
    organizations (name, method, the controls expected of them, how they are monitored)."""

    cuecs: Sequence[tuple[str, str]] = ()
    subservice_orgs: Sequence[tuple[str, str, str, str]] = ()


@dataclass(frozen=True, slots=True)
class ChecklistHeader:
    """Who and what a document is about: shown on its first page and atop every later one."""

    company: str
    engagement: str
    scope: str
    """Reports, type and categories in words, e.g. ``SOC 2 Type 2 — Security, Availability``."""
    period: str
    """The review period or as-of date in words (see :func:`app.domain.periods.describe_period`)."""
    auditor: str = ""
    gaps: int | None = None
    """How many gaps the readiness report lists (``None``: not shown)."""


@dataclass(frozen=True, slots=True)
class EvidenceIndexEntry:
    """One evidence file as the auditor will receive it."""

    title: str
    file_name: str
    sha256: str
    size: int
    collected: date | None
    period: str
    controls: Sequence[str]


def _page_header(header: ChecklistHeader) -> str:
    return f"{header.company} — {header.engagement}"


def _title_block(
    title: str, header: ChecklistHeader, as_of: datetime, *extra: tuple[str, str]
) -> list[Flowable]:
    """Title, company and the engagement's particulars, then any *extra* ones."""
    particulars = [
        ("Engagement", header.engagement),
        ("Scope", header.scope),
        ("Period", header.period),
        ("Auditor", header.auditor or "Not named yet"),
        ("Data", data_stamp(as_of).removeprefix("Data ")),
        *extra,
    ]
    return title_block(title, header.company, particulars)


def _counts(section: ChecklistSection) -> tuple[int, int, int]:
    """Distinct controls, criteria without a control, and controls ready for audit in *section*."""
    controls = {control.ref: control for criterion in section.criteria for control in criterion.controls}
    gaps = sum(1 for criterion in section.criteria if not criterion.controls)
    ready = sum(1 for control in controls.values() if control.status == Status.READY_FOR_AUDIT)
    return len(controls), gaps, ready


def _summary_table(sections: Sequence[ChecklistSection]) -> Flowable:
    """Per category: readiness, criteria, distinct controls, criteria without a control, controls ready."""
    rows = [
        [
            section.category,
            "—" if section.readiness is None else f"{section.readiness:.0%}",
            str(len(section.criteria)),
            *map(str, _counts(section)),
        ]
        for section in sections
    ]
    header = [
        "Category",
        "Readiness",
        "Criteria or objectives",
        "Controls",
        "Without a control",
        "Ready for audit",
    ]
    return table(header, rows, [130, 60, 90, 56, 86, 78], style=[("ALIGN", (1, 0), (-1, -1), "RIGHT")])


def _gap_words(count: int) -> str:
    if not count:
        return "None: nothing stands between the engagement and the audit"
    return f"{counted(count, 'gap')} to close before the audit (listed in the workbook)"


def _control_rows(criterion: ChecklistCriterion, boxes: Iterator[int]) -> list[list[Any]]:
    """Table rows of the controls under *criterion*; checkboxes take their numbers from *boxes*."""
    widths = [width - 2 * CELL_PADDING for _, width in CONTROL_COLUMNS]
    rows: list[list[Any]] = []
    for control in criterion.controls:
        rows.append(
            [
                wrap_text(control.ref, widths[0]),
                wrap_text(control.title, widths[1]),
                wrap_text(control.owner or "Not assigned", widths[2]),
                wrap_text(label(control.status), widths[3]),
                str(control.evidence_count),
                "Yes" if control.is_key else "",
                Checkbox(f"reviewed-{next(boxes)}", f"Reviewed {criterion.id} {control.ref}"),
            ]
        )
    return rows


def _section(section: ChecklistSection, boxes: Iterator[int]) -> list[Flowable]:
    """A category: its heading and summary, then each criterion with its controls or its gap."""
    sheet = styles()
    distinct, gaps, _ = _counts(section)
    summary = f"{len(section.criteria)} {section.nouns} · {distinct} controls · {gaps} without a control"
    story: list[Flowable] = [PageBreak(), Heading(section.category), Paragraph(summary, sheet.small)]
    header = [name for name, _ in CONTROL_COLUMNS]
    widths = [width for _, width in CONTROL_COLUMNS]
    centred = [("ALIGN", (4, 0), (-1, -1), "CENTER")]
    for criterion in section.criteria:
        story.append(CondPageBreak(72))
        story.append(Heading(f"{criterion.id}  {criterion.title}", level=1))
        if not criterion.controls:
            text = f"<b>Gap:</b> no control yet. Map a control to this {section.noun} before the audit."
            story.append(Paragraph(text, sheet.warning))
            continue
        heading = f"{criterion.id}  {criterion.title} (continued)"
        story.extend(
            chunked_table(header, _control_rows(criterion, boxes), widths, style=centred, continued=heading)
        )
    return story


def _carve_outs(carve_outs: ChecklistCarveOuts) -> list[Flowable]:
    """The CUECs and subservice organizations, each with a box to tick once reviewed."""
    sheet = styles()
    story: list[Flowable] = [PageBreak(), Heading("What the report assumes of others")]
    if carve_outs.cuecs:
        story.append(Heading("Complementary user entity controls (CUECs)", level=1))
        rows = [
            [ref, Paragraph(escape(text), sheet.cell), Checkbox(f"cuec-{n}", f"Reviewed {ref}")]
            for n, (ref, text) in enumerate(carve_outs.cuecs, 1)
        ]
        story.extend(chunked_table(["Ref", "What customers must do", "Reviewed"], rows, [70, 380, 54]))
    else:
        story.append(
            Paragraph(
                "No CUECs recorded: add them on the Scope page if customers must do anything.", sheet.body
            )
        )
    if carve_outs.subservice_orgs:
        story.append(Heading("Subservice organizations", level=1))
        rows = [
            [
                Paragraph(escape(name), sheet.cell),
                method,
                Paragraph(escape(csocs or "Not written down yet"), sheet.cell),
                Paragraph(escape(monitoring or "Not written down yet"), sheet.cell),
                Checkbox(f"subservice-{n}", f"Reviewed {name}"),
            ]
            for n, (name, method, csocs, monitoring) in enumerate(carve_outs.subservice_orgs, 1)
        ]
        header = ["Organization", "Method", "Controls expected of them", "How they are monitored", "Reviewed"]
        story.extend(chunked_table(header, rows, [90, 60, 170, 130, 54]))
    return story


def write_readiness_checklist(
    target: Path,
    header: ChecklistHeader,
    sections: Sequence[ChecklistSection],
    *,
    as_of: datetime,
    carve_outs: ChecklistCarveOuts = ChecklistCarveOuts(),
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> None:
    """The readiness checklist PDF: cover, contents, then one section per category in scope.

    Each criterion lists its controls (ref, title, owner, status, evidence
    count, key mark) with a fillable checkbox for the reviewer; a criterion
    without a control is shown as a gap. *as_of* (the engagement's last data
    change) dates the document; see :func:`~app.exporters.pdf.build_document`
    for *progress* and *cancel*.
    """
    sheet = styles()
    gaps = () if header.gaps is None else (("Gaps", _gap_words(header.gaps)),)
    story: list[Flowable] = _title_block(CHECKLIST_TITLE, header, as_of, *gaps)
    story.append(Paragraph("Readiness by category", sheet.h1))
    story.append(_summary_table(sections))
    story.append(Paragraph("How to use this checklist", sheet.h1))
    story.append(
        Paragraph(
            "Each control has a box in the Reviewed column. Tick it in your PDF reader once you have "
            "checked the control and its evidence, then save the file: the ticks are kept in the PDF. "
            "A criterion marked <b>Gap</b> has no control yet; map one in SOC Workbench before the audit.",
            sheet.body,
        )
    )
    story.extend([PageBreak(), Paragraph("Contents", sheet.h1), TableOfContents()])
    if not sections:
        story.append(Paragraph("No category is in scope yet: run the scoping wizard first.", sheet.body))
    boxes = count(1)
    for section in sections:
        story.extend(_section(section, boxes))
    if sections:
        story.extend(_carve_outs(carve_outs))
    build_document(
        target,
        story,
        title=CHECKLIST_TITLE,
        header=_page_header(header),
        as_of=as_of,
        progress=progress,
        cancel=cancel,
    )


def _evidence_rows(entries: Sequence[EvidenceIndexEntry]) -> list[list[str]]:
    widths = [width - 2 * CELL_PADDING for _, width in EVIDENCE_COLUMNS]
    return [
        [
            wrap_text(entry.title, widths[0]),
            wrap_text(entry.file_name, widths[1]),
            wrap_text(entry.sha256, widths[2], font=FONT_MONO, size=_HASH_SIZE),
            human_size(entry.size),
            format_day(entry.collected) if entry.collected else "Not recorded",
            wrap_text(entry.period, widths[5]),
            wrap_text(", ".join(entry.controls) or "None", widths[6]),
        ]
        for entry in entries
    ]


def write_evidence_index(
    target: Path,
    header: ChecklistHeader,
    entries: Sequence[EvidenceIndexEntry],
    *,
    as_of: datetime,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> None:
    """The evidence index PDF (landscape): one row per file with its SHA-256, size, date and controls."""
    sheet = styles()
    total = human_size(sum(entry.size for entry in entries))
    files = f"{counted(len(entries), 'file')}, {total} in all"
    story: list[Flowable] = _title_block(EVIDENCE_INDEX_TITLE, header, as_of, ("Files", files))
    story.append(
        Paragraph(
            "The SHA-256 fingerprint shows a file is exactly the one listed. To check one, run "
            "<font name='DejaVuSansMono'>shasum -a 256 FILE</font> on macOS or Linux, or "
            "<font name='DejaVuSansMono'>certutil -hashfile FILE SHA256</font> on Windows.",
            sheet.small,
        )
    )
    if entries:
        header_row = [name for name, _ in EVIDENCE_COLUMNS]
        widths = [width for _, width in EVIDENCE_COLUMNS]
        style = [
            ("FONT", (2, 1), (2, -1), FONT_MONO, _HASH_SIZE, _HASH_SIZE + 2),
            ("ALIGN", (3, 0), (3, -1), "RIGHT"),
        ]
        story.extend(chunked_table(header_row, _evidence_rows(entries), widths, style=style))
    else:
        story.append(Paragraph("No evidence collected yet.", sheet.body))
    build_document(
        target,
        story,
        title=EVIDENCE_INDEX_TITLE,
        header=_page_header(header),
        as_of=as_of,
        progress=progress,
        cancel=cancel,
        landscape=True,
    )
