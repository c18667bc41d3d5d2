"""The documents around the matrix, drafted from one engagement: description, assertion, bridge letter.

:mod:`app.domain.description` and :mod:`app.domain.letters` draft from facts;
this module gathers those facts from the engagement's read models (controls
per criterion or objective, CUECs, subservice organizations, the change log,
the prior report among the scoping answers) and holds the drafts in one
:class:`DocumentDrafts`. The Documents page and the exports read the same
drafts, so what the page shows is what is exported. Dates come from the
arguments (the engagement's last data change), never from the clock.

An engagement with both SOC 1 and SOC 2 in scope has a description and an
assertion for each report; a file holds them one after the other.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from app.domain.carveouts import CuecRow, SubserviceRow
from app.domain.catalog import load_catalog
from app.domain.controls import ControlRow
from app.domain.description import (
    STATUS_WORDS,
    ControlRef,
    CriterionControls,
    DescriptionFacts,
    ObjectiveControls,
    SavedSection,
    SystemDescription,
    build_description_document,
    fill_description,
)
from app.domain.document import (
    Block,
    BulletList,
    Document,
    Heading,
    NumberedList,
    PageBreak,
    Paragraph,
    Run,
    Table,
    paragraph,
    plain_text,
)
from app.domain.engagements import EngagementRow
from app.domain.history import ChangeRow
from app.domain.letters import (
    BridgeFacts,
    Incident,
    PriorReport,
    bridge_letter_warnings,
    build_assertion_document,
    build_bridge_letter,
    prior_report_from_answer,
    why_no_bridge_letter,
)
from app.domain.objectives import ObjectiveRow
from app.domain.readiness import Gap
from app.domain.vocab import REPORT_KINDS

DEMO_NOTE = "a fictional company and its data, made by SOC Workbench to show how it works"
"""What every document of a demo engagement says about it, under its title."""
PRIOR_REPORT_ANSWER = "prior_report"
"""The scoping answer naming the last report issued for the system."""


@dataclass(frozen=True, slots=True, kw_only=True)
class IncidentRow:
    """An incident management recorded: the day it happened and what happened."""

    id: int
    engagement_id: int
    on: date
    summary: str


def _refs(controls: Sequence[ControlRow]) -> tuple[ControlRef, ...]:
    return tuple(ControlRef(control.ref, control.title) for control in controls)


def _criteria(categories: Sequence[str], controls: Sequence[ControlRow]) -> tuple[CriterionControls, ...]:
    """Each criterion of *categories*, in report order, with the controls mapped to it in ref order."""
    ordered = sorted(controls, key=lambda control: control.ref)
    return tuple(
        CriterionControls(criterion.id, _refs([c for c in ordered if criterion.id in c.criteria]))
        for category in categories
        for criterion in load_catalog().in_category(category)
    )


def _objectives(
    objectives: Sequence[ObjectiveRow], controls: Sequence[ControlRow]
) -> tuple[ObjectiveControls, ...]:
    by_id = {control.id: control for control in controls}
    return tuple(
        ObjectiveControls(
            objective.ref,
            objective.title,
            _refs(sorted((by_id[i] for i in objective.control_ids if i in by_id), key=lambda c: c.ref)),
        )
        for objective in objectives
    )


def reports_in_scope(engagement: EngagementRow) -> tuple[str, ...]:
    """The reports a description is written for (``SOC 1``, ``SOC 2``), in that order."""
    return tuple(kind for kind in REPORT_KINDS if kind in engagement.report_kinds)


def description_facts(
    engagement: EngagementRow,
    *,
    controls: Sequence[ControlRow],
    objectives: Sequence[ObjectiveRow],
    cuecs: Sequence[CuecRow],
    subservice_orgs: Sequence[SubserviceRow],
    changes: Sequence[ChangeRow],
) -> tuple[DescriptionFacts, ...]:
    """What the engagement holds for the description of each report in scope (none when none is)."""
    facts = []
    for report in reports_in_scope(engagement):
        soc2 = report == "SOC 2"
        categories = engagement.categories_in_scope if soc2 else ()
        facts.append(
            DescriptionFacts(
                company=engagement.display_company,
                system_name=engagement.system_name,
                report_kind=report,
                report_type=engagement.report_type,
                period_start=engagement.period_start,
                period_end=engagement.period_end,
                as_of_date=engagement.as_of_date,
                categories=categories,
                system_summary=engagement.system_description,
                criteria=_criteria(categories, controls) if soc2 else (),
                objectives=() if soc2 else _objectives(objectives, controls),
                cuecs=tuple(cuecs),
                subservice_orgs=tuple(subservice_orgs),
                control_systems=tuple(control.systems for control in controls if control.systems.strip()),
                changes=tuple(changes),
            )
        )
    return tuple(facts)


def prior_report_of(answers: Mapping[str, Any] | None) -> tuple[PriorReport | None, str]:
    """The prior report among the scoping *answers*, and what is wrong with the answer ("" when nothing)."""
    try:
        return prior_report_from_answer((answers or {}).get(PRIOR_REPORT_ANSWER)), ""
    except ValueError as error:
        return None, f"The prior report recorded with the scoping answers cannot be read: {error}."


def plain_lines(blocks: Sequence[Block]) -> list[str]:
    """*blocks* as plain lines: headings, paragraphs, ``- `` list items, table rows joined by `` | ``."""
    lines: list[str] = []
    for block in blocks:
        if isinstance(block, Heading):
            lines.append(block.text)
        elif isinstance(block, Paragraph):
            lines.append(plain_text(block.inlines))
        elif isinstance(block, BulletList):
            lines += [f"- {plain_text(item)}" for item in block.items]
        elif isinstance(block, NumberedList):
            lines += [f"{number}. {plain_text(item)}" for number, item in enumerate(block.items, start=1)]
        elif isinstance(block, Table):
            lines.append(" | ".join(block.header))
            lines += [" | ".join(plain_text(cell) for cell in row) for row in block.rows]
    return lines


def description_gaps(descriptions: Sequence[SystemDescription]) -> tuple[Gap, ...]:
    """One readiness gap per unfinished section, a section shared by the SOC 1 and SOC 2 descriptions once."""
    gaps: dict[str, Gap] = {}
    for description in descriptions:
        for section in description.unfinished:
            if section.key in gaps:
                continue
            words = STATUS_WORDS[section.status].lower()
            message = f"Description, “{section.title}”: {words}. {section.reason}"
            gaps[section.key] = Gap(
                "description-section", None, None, None, None, message, section=section.key
            )
    return tuple(gaps.values())


def _demoted(blocks: Sequence[Block]) -> list[Block]:
    return [Heading(block.level + 1, block.text) if isinstance(block, Heading) else block for block in blocks]


def _combined(title: str, parts: Sequence[tuple[str, Document]]) -> Document:
    """*parts* (report, document) in one document, each under a heading of its own; one part as it is."""
    if len(parts) == 1:
        return parts[0][1]
    first = parts[0][1]
    blocks: list[Block] = []
    for number, (report, document) in enumerate(parts):
        if number:
            blocks.append(PageBreak())
        blocks.append(Heading(1, f"{report}: {document.title}"))
        blocks += [paragraph(Run(f"{name}: ", bold=True), value) for name, value in document.particulars]
        blocks += _demoted(document.blocks)
    return Document(
        title=title,
        subtitle=first.subtitle,
        particulars=(("Reports", " and ".join(report for report, _ in parts)),),
        blocks=tuple(blocks),
        header=f"{first.subtitle} — {title.lower()}",
        contents=any(document.contents for _, document in parts),
    )


@dataclass(frozen=True, slots=True)
class DocumentDrafts:
    """The engagement's description, assertion and bridge letter as drafted from its data.

    *prepared* is the day of the engagement's last data change: the documents
    are prepared and the bridge letter dated on it. The bridge letter covers
    up to the engagement's chosen ``bridge_through`` day, or *prepared* when
    none is chosen.
    """

    engagement: EngagementRow
    descriptions: tuple[SystemDescription, ...]
    saved: Mapping[str, SavedSection]
    incidents: tuple[IncidentRow, ...]
    changes: tuple[ChangeRow, ...]
    cuecs: tuple[CuecRow, ...]
    prepared: date
    prior: PriorReport | None
    prior_problem: str

    def _marked(self, document: Document) -> Document:
        if not self.engagement.is_demo:
            return document
        return replace(document, particulars=(("Demo", DEMO_NOTE), *document.particulars))

    # The description ---------------------------------------------------------------------------

    @property
    def description_refusal(self) -> str | None:
        """Why no description can be drafted yet, or ``None``."""
        if not self.descriptions:
            return "Choose the report (SOC 1 or SOC 2) on the Scope page first: the description follows it."
        return None

    def description_document(self) -> Document:
        """The description of every report in scope; ``ValueError`` with :attr:`description_refusal`."""
        if self.description_refusal:
            raise ValueError(self.description_refusal)
        parts = [
            (item.facts.report, build_description_document(item, prepared=self.prepared))
            for item in self.descriptions
        ]
        return self._marked(_combined("System descriptions", parts))

    # The assertion -----------------------------------------------------------------------------

    def assertion_document(self) -> Document:
        """Management's assertion for every report in scope; ``ValueError`` saying what to set first."""
        if self.description_refusal:
            raise ValueError(self.description_refusal.replace("the description", "the assertion"))
        parts = [
            (item.facts.report, build_assertion_document(item.facts, prepared=self.prepared))
            for item in self.descriptions
        ]
        return self._marked(_combined("Management's assertions", parts))

    @property
    def assertion_refusal(self) -> str | None:
        """Why no assertion can be drafted yet, or ``None``."""
        try:
            self.assertion_document()
        except ValueError as error:
            return str(error)
        return None

    # The bridge letter -------------------------------------------------------------------------

    @property
    def through(self) -> date:
        """The last day the bridge letter covers."""
        return self.engagement.bridge_through or self.prepared

    @property
    def bridge_refusal(self) -> str | None:
        """Why no bridge letter applies, in plain words, or ``None``."""
        if self.prior_problem:
            return self.prior_problem
        return why_no_bridge_letter(self.engagement.display_company, self.prior, self.through)

    @property
    def bridge_warnings(self) -> tuple[str, ...]:
        """Advice for whoever drafts the letter (not part of it)."""
        if self.prior is None or self.bridge_refusal:
            return ()
        return bridge_letter_warnings(self.prior, self.through)

    def bridge_letter(self) -> Document:
        """The bridge letter; ``ValueError`` with :attr:`bridge_refusal` when none applies."""
        if self.prior_problem:
            raise ValueError(self.prior_problem)
        engagement = self.engagement
        next_end = engagement.period_end or engagement.as_of_date
        prior_end = self.prior.period_end if self.prior else None
        facts = BridgeFacts(
            company=engagement.display_company,
            system_name=engagement.system_name,
            prior=self.prior,
            through=self.through,
            dated=self.prepared,
            changes=self.changes,
            incidents=tuple(Incident(incident.on, incident.summary) for incident in self.incidents),
            cuecs=self.cuecs,
            next_period_end=next_end if next_end and prior_end and next_end > prior_end else None,
        )
        return self._marked(build_bridge_letter(facts))


def draft_documents(
    engagement: EngagementRow,
    *,
    controls: Sequence[ControlRow],
    objectives: Sequence[ObjectiveRow],
    cuecs: Sequence[CuecRow],
    subservice_orgs: Sequence[SubserviceRow],
    changes: Sequence[ChangeRow],
    saved: Mapping[str, SavedSection],
    incidents: Sequence[IncidentRow],
    prepared: date,
) -> DocumentDrafts:
    """The drafts of the engagement's documents from its read models (see :class:`DocumentDrafts`)."""
    facts = description_facts(
        engagement,
        controls=controls,
        objectives=objectives,
        cuecs=cuecs,
        subservice_orgs=subservice_orgs,
        changes=changes,
    )
    prior, problem = prior_report_of(engagement.scoping_answers)
    return DocumentDrafts(
        engagement=engagement,
        descriptions=tuple(fill_description(item, saved) for item in facts),
        saved=dict(saved),
        incidents=tuple(sorted(incidents, key=lambda incident: (incident.on, incident.id))),
        changes=tuple(changes),
        cuecs=tuple(cuecs),
        prepared=prepared,
        prior=prior,
        prior_problem=problem,
    )
