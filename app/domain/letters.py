"""Drafts of the letters management signs: the assertion in the report, and a bridge letter after it.

Both are drafts in the workbench's own words, built from the engagement's
data; every place management must confirm, complete or agree with its
auditor is a :class:`~app.domain.document.ConfirmMark`. Dates come from the
arguments, never from the clock.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from app.domain.description import CARVE_OUT, SOC1, SOC2, TYPE2, CuecFact, DescriptionFacts, SubserviceFact
from app.domain.document import (
    Block,
    ConfirmMark,
    Document,
    Heading,
    NumberedList,
    bullets,
    inlines,
    paragraph,
)
from app.domain.periods import add_months, describe_period, format_day
from app.domain.system_changes import ChangeLogEntry, system_changes
from app.domain.vocab import REPORT_KINDS, REPORT_TYPES
from app.domain.wording import counted

BRIDGE_USUAL_MONTHS = 3
"""How long after a report's period customers usually accept a bridge letter."""
BRIDGE_LONGEST_MONTHS = 12
"""Past this, a bridge letter cannot stand in for the next report."""
DRAFT_STATUS = "Draft for management's review"


def _signature(company: str, dated: str | ConfirmMark) -> list[Block]:
    return [
        paragraph(f"For the management of {company}"),
        paragraph("Name: ", ConfirmMark("name of the person signing")),
        paragraph("Title: ", ConfirmMark("their title, for example Chief Executive Officer")),
        paragraph("Date: ", dated),
    ]


def _and_list(names: list[str]) -> str:
    """``A``, ``A and B``, ``A, B and C``."""
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


# Management's assertion ------------------------------------------------------------------------


def _assertion_when(facts: DescriptionFacts) -> tuple[str, str]:
    """(how the description's time is named, how the statements name it); refuses a missing period."""
    if facts.report_type not in REPORT_TYPES:
        raise ValueError(
            "Choose the report type (Type 1 or Type 2) on the Scope page before drafting the assertion."
        )
    if facts.report_type == TYPE2:
        if not (facts.period_start and facts.period_end):
            raise ValueError(
                "Set the review period on the Scope page before drafting the assertion: "
                "a Type 2 assertion speaks about a period."
            )
        span = f"{format_day(facts.period_start)} to {format_day(facts.period_end)}"
        return f"for the period {span}", f"throughout the period {span}"
    if not facts.as_of_date:
        raise ValueError(
            "Set the as-of date on the Scope page before drafting the assertion: "
            "a Type 1 assertion speaks about one day."
        )
    day = format_day(facts.as_of_date)
    return f"as of {day}", f"as of {day}"


def _subservice_paragraphs(orgs: tuple[SubserviceFact, ...]) -> list[Block]:
    blocks: list[Block] = []
    for org in orgs:
        services = " ".join(org.services.split())
        does = (
            f" runs part of the system for us ({services})" if services else " runs part of the system for us"
        )
        if org.method == CARVE_OUT:
            blocks.append(
                paragraph(
                    f"{org.name}{does}. Its controls are left out of the description (the carve-out method); "
                    f"the description names the controls we expect {org.name} to run and how we check on "
                    "them. Some criteria or objectives are met only if those controls work as we expect."
                )
            )
        else:
            blocks.append(
                paragraph(
                    f"{org.name}{does}. Its relevant controls are described and included with ours "
                    "(the inclusive method), and its management gives its own assertion about them."
                )
            )
    return blocks


def _cuec_paragraph(cuecs: tuple[CuecFact, ...], goals: str) -> list[Block]:
    if not cuecs:
        return []
    count = len(cuecs)
    return [
        paragraph(
            f"Some {goals} are met only if our customers run the controls the description expects of them "
            f"({counted(count, 'control')}, listed in the description). This assertion does "
            "not cover whether customers run them."
        )
    ]


def _complement(facts: DescriptionFacts) -> str:
    """The condition the design and operation statements carry when others' controls are needed."""
    who = []
    if facts.cuecs:
        who.append("our customers")
    if any(org.method == CARVE_OUT for org in facts.subservice_orgs):
        who.append("our subservice organizations")
    if not who:
        return ""
    return f", and if {_and_list(who)} ran the controls we expect of them"


_AssertionParts = tuple[str, str, list[Block], list[str]]
"""What differs between a SOC 1 and a SOC 2 assertion: what the controls aim at, the opening, the
scope blocks and the statements management confirms."""


def _soc2_assertion(facts: DescriptionFacts, system: str, described: str, throughout: str) -> _AssertionParts:
    if not facts.categories:
        raise ValueError(
            "Choose the trust services categories on the Scope page before drafting the assertion."
        )
    complement = _complement(facts)
    categories = _and_list([category.lower() for category in facts.categories])
    opening = (
        f"This is the assertion of the management of {facts.company} about the description of its "
        f"{system} system {described} (the description) and about the controls it describes. We wrote "
        "the description following the description criteria for SOC 2 reports. It tells our customers, "
        "and others allowed to read the report, how the system works and which controls keep the "
        "promises we make about it."
    )
    statements = [
        f"The description presents the {system} system as it was designed and implemented {throughout}, "
        "following the description criteria.",
        f"The controls in the description were suitably designed {throughout} to give reasonable "
        "assurance that our service commitments and system requirements would be met under the trust "
        f"services criteria for {categories}, if the controls operated as described{complement}.",
    ]
    if facts.report_type == TYPE2:
        statements.append(
            f"The controls in the description operated effectively {throughout} to give reasonable "
            f"assurance that our service commitments and system requirements were met under the trust "
            f"services criteria for {categories}{complement}."
        )
    return "criteria", opening, [], statements


def _soc1_assertion(facts: DescriptionFacts, system: str, described: str, throughout: str) -> _AssertionParts:
    complement = _complement(facts)
    opening = (
        f"This is the assertion of the management of {facts.company} about the description of its "
        f"{system} system {described} (the description), the system we use to process our customers' "
        "transactions, and about the controls it describes. The description is for our customers and "
        "their auditors, to help them judge the risk of material misstatement in the customers' own "
        "financial statements."
    )
    objectives = [f"{objective.ref} {objective.title}" for objective in facts.objectives]
    scope_blocks: list[Block] = [
        paragraph("The control objectives in the description are:"),
        bullets(objectives) if objectives else paragraph(ConfirmMark("add the control objectives")),
    ]
    statements = [
        f"The description fairly presents the {system} system as designed and implemented {throughout} "
        "for processing our customers' transactions.",
        "The description leaves out or distorts nothing relevant to the system, while it is written for "
        "many customers and cannot cover everything each of them may find important.",
        f"The controls related to the control objectives were suitably designed {throughout} to give "
        f"reasonable assurance that the objectives would be achieved if the controls operated as "
        f"described{complement}.",
    ]
    if facts.report_type == TYPE2:
        statements.append(
            f"The controls related to the control objectives operated effectively {throughout} to "
            f"achieve those objectives{complement}."
        )
    return "control objectives", opening, scope_blocks, statements


def build_assertion_document(facts: DescriptionFacts, *, prepared: date) -> Document:
    """A draft of management's assertion for *facts*' report (SOC 1 or SOC 2, Type 1 or Type 2).

    Raises ``ValueError`` with a plain message when the report type, its
    period or as-of date, or (SOC 2) the categories are not set.
    """
    described, throughout = _assertion_when(facts)
    system = facts.system_name or "(unnamed)"
    if facts.report_kind == SOC2:
        goals, opening, scope_blocks, statements = _soc2_assertion(facts, system, described, throughout)
    elif facts.report_kind == SOC1:
        goals, opening, scope_blocks, statements = _soc1_assertion(facts, system, described, throughout)
    else:
        raise ValueError(f"an assertion is drafted for a SOC 1 or SOC 2 report, not {facts.report_kind!r}")
    period = described.removeprefix("for the period ").removeprefix("as of ")
    particulars = [("Report", facts.report), ("Period" if facts.report_type == TYPE2 else "As of", period)]
    if facts.report_kind == SOC2:
        particulars.append(("Categories", ", ".join(facts.categories)))
    particulars += [("Prepared", format_day(prepared)), ("Status", DRAFT_STATUS)]
    blocks: list[Block] = [
        paragraph(opening),
        paragraph(
            ConfirmMark("the system's name, the period and the scope match the auditor's engagement letter")
        ),
        *scope_blocks,
        *_subservice_paragraphs(facts.subservice_orgs),
        *_cuec_paragraph(facts.cuecs, goals),
        paragraph("We confirm, to the best of our knowledge and belief, that:"),
        NumberedList(tuple(inlines(statement) for statement in statements)),
        paragraph(
            ConfirmMark(
                "each statement above is true; if a control did not operate as described or the auditor "
                "found deviations, agree the wording with your auditor before signing"
            )
        ),
        *_signature(facts.company, ConfirmMark("date of signing, usually the date of the auditor's report")),
    ]
    return Document(
        title="Management's assertion",
        subtitle=facts.company,
        particulars=tuple(particulars),
        blocks=tuple(blocks),
        header=f"{facts.company} — {facts.report} management's assertion",
    )


# Bridge letter ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PriorReport:
    """The last report issued for the system: ``SOC 2``, ``Type 2``, and the end of its period.

    For a Type 1, *period_end* is its as-of date.
    """

    report: str
    report_type: str
    period_end: date
    period_start: date | None = None
    auditor_firm: str = ""

    @property
    def identification(self) -> str:
        """``SOC 2 Type 2 report for the period 1 Jan–30 Jun 2025`` (or ``ending 30 Jun 2025``)."""
        name = f"{self.report} {self.report_type} report"
        if self.report_type != TYPE2:
            return f"{name} as of {format_day(self.period_end)}"
        if self.period_start:
            return f"{name} for the period {describe_period(self.period_start, self.period_end, None)}"
        return f"{name} for the period ending {format_day(self.period_end)}"


def prior_report_from_answer(value: Mapping[str, Any] | None) -> PriorReport | None:
    """The scoping answer ``prior_report`` (``{"report", "type", "period_end"}``, or null) as a report.

    Raises ``ValueError`` naming the key that does not fit.
    """
    if value is None:
        return None
    report, report_type, end = value.get("report"), value.get("type"), value.get("period_end")
    if report not in REPORT_KINDS:
        raise ValueError(f"prior_report.report must be one of {', '.join(REPORT_KINDS)}, not {report!r}")
    if report_type not in REPORT_TYPES:
        raise ValueError(f"prior_report.type must be one of {', '.join(REPORT_TYPES)}, not {report_type!r}")
    try:
        period_end = date.fromisoformat(str(end))
    except ValueError:
        raise ValueError(
            f"prior_report.period_end must be a date in the form YYYY-MM-DD, not {end!r}"
        ) from None
    return PriorReport(report=str(report), report_type=str(report_type), period_end=period_end)


@dataclass(frozen=True, slots=True)
class Incident:
    """An incident management entered for the bridge letter."""

    on: date
    summary: str


@dataclass(frozen=True, slots=True)
class BridgeFacts:
    """What a bridge letter is drafted from.

    *through* is the date the customer asked about (the letter covers the
    days after the prior report's period up to it); *dated* the date on the
    letter. *changes* are the engagement's change-log entries in any order:
    those in the bridged days are listed for review. *next_period_end* is the
    end of the period of the report in preparation, when one is planned.
    """

    company: str
    system_name: str
    prior: PriorReport | None
    through: date
    dated: date
    changes: tuple[ChangeLogEntry, ...] = ()
    incidents: tuple[Incident, ...] = ()
    cuecs: tuple[CuecFact, ...] = ()
    next_period_end: date | None = None


def why_no_bridge_letter(company: str, prior: PriorReport | None, through: date) -> str | None:
    """Why no bridge letter applies, in plain words; ``None`` when one does."""
    if prior is None:
        return (
            "A bridge letter carries an existing SOC report forward to a later date. "
            f"{company or 'The company'} has no SOC report yet, so there is nothing to bridge. A customer "
            "who needs assurance now can be offered a Type 1 report, which describes the controls as of one "
            "day and can be ready soon after they are in place, or a readiness letter from the auditor "
            "saying that the examination is under way."
        )
    if through <= prior.period_end:
        return (
            f"The date chosen, {format_day(through)}, is not after the end of the prior report's period "
            f"({format_day(prior.period_end)}): the report itself covers it, so no bridge letter is needed."
        )
    if through > add_months(prior.period_end, BRIDGE_LONGEST_MONTHS):
        return (
            f"The prior report's period ended on {format_day(prior.period_end)}, more than "
            f"{BRIDGE_LONGEST_MONTHS} months before {format_day(through)}. A bridge letter cannot stand in "
            "for a missing year: customers expect the next report, so tell them when it will be ready."
        )
    return None


def bridge_letter_warnings(prior: PriorReport, through: date) -> tuple[str, ...]:
    """Advice for whoever drafts the letter (not part of it): a stretch longer than customers accept."""
    if through > add_months(prior.period_end, BRIDGE_USUAL_MONTHS):
        return (
            f"This letter covers more than {BRIDGE_USUAL_MONTHS} months after the prior report's period. "
            "Customers usually accept a bridge letter for about three months; beyond that they may ask for "
            "the next report.",
        )
    return ()


def _changes_blocks(facts: BridgeFacts, start: date) -> list[Block]:
    changes = system_changes(facts.changes, start, facts.through)
    heading = Heading(2, "Changes since the report")
    if not changes:
        return [
            heading,
            paragraph(
                "We know of no material changes to the system or its controls in that time. ",
                ConfirmMark("no material change was made that the workbench does not record"),
            ),
        ]
    return [
        heading,
        paragraph(
            "The workbench recorded these changes to the system and its controls in that time. "
            "Keep those that matter to customers, in plain words, and remove the others:"
        ),
        bullets(inlines(f"{change.text} ", ConfirmMark("material? reword or remove")) for change in changes),
        paragraph(
            "Apart from these, we know of no material changes to the system or its controls. ",
            ConfirmMark("no other material change was made"),
        ),
    ]


def _incident_blocks(facts: BridgeFacts) -> list[Block]:
    heading = Heading(2, "Incidents")
    if not facts.incidents:
        return [
            heading,
            paragraph(
                "We know of no incident in that time that affected the security of the system or our "
                "commitments to customers. ",
                ConfirmMark("no such incident occurred"),
            ),
        ]
    incidents = sorted(facts.incidents, key=lambda incident: incident.on)
    return [
        heading,
        paragraph("These incidents occurred in that time:"),
        bullets(f"{format_day(incident.on)}: {incident.summary}" for incident in incidents),
        paragraph(ConfirmMark("the list is complete and each incident is described accurately")),
    ]


def _customer_blocks(facts: BridgeFacts) -> list[Block]:
    heading = Heading(2, "What we rely on customers to do")
    if not facts.cuecs:
        return [
            heading,
            paragraph(
                "The controls the report expects of our customers (complementary user entity controls) still "
                "apply. ",
                ConfirmMark("the report lists no such controls, or list them here"),
            ),
        ]
    return [
        heading,
        paragraph(
            "The controls the report expects of our customers (complementary user entity controls) still "
            "apply. Customers remain responsible, among other things, for:"
        ),
        bullets(cuec.description for cuec in facts.cuecs),
    ]


def build_bridge_letter(facts: BridgeFacts) -> Document:
    """A draft bridge letter; ``ValueError`` with :func:`why_no_bridge_letter`'s words when none applies."""
    reason = why_no_bridge_letter(facts.company, facts.prior, facts.through)
    if reason is not None or facts.prior is None:
        raise ValueError(reason)
    prior = facts.prior
    start = prior.period_end + timedelta(days=1)
    system = facts.system_name or "(unnamed)"
    issued = f", issued by {prior.auditor_firm}" if prior.auditor_firm.strip() else ""
    if facts.next_period_end:
        next_report = paragraph(
            f"Our next report is to cover the period ending {format_day(facts.next_period_end)}. ",
            ConfirmMark("when you expect to have it"),
        )
    else:
        next_report = paragraph(ConfirmMark("when the next report is expected and the period it will cover"))
    blocks: list[Block] = [
        paragraph("To our customers and their auditors"),
        paragraph(
            f"Our most recent report on the {system} system is a {prior.identification}{issued}. This letter "
            f"covers the time since that report: from {format_day(start)} to {format_day(facts.through)}."
        ),
        *_changes_blocks(facts, start),
        *_incident_blocks(facts),
        *_customer_blocks(facts),
        Heading(2, "About this letter"),
        paragraph(
            f"This letter is written by the management of {facts.company}. It is not an auditor's report: "
            f"it gives no assurance on our controls and does not replace the {prior.report} report. Please "
            "read it together with that report."
        ),
        next_report,
        *_signature(facts.company, format_day(facts.dated)),
    ]
    return Document(
        title="Bridge letter",
        subtitle=facts.company,
        particulars=(
            ("Prior report", prior.identification),
            ("Covers", f"{format_day(start)} to {format_day(facts.through)}"),
            ("Dated", format_day(facts.dated)),
            ("Status", DRAFT_STATUS),
        ),
        blocks=tuple(blocks),
        header=f"{facts.company} — bridge letter",
    )
