"""The system description management writes for its SOC report: sections, prompts, filling and completeness.

A description is written per report: the SOC 2 one follows the areas the
description criteria ask about, the SOC 1 one the services, transactions,
reports and control objectives that matter to customers' financial
reporting. Section names, prompts and examples are the workbench's own words.

Each section holds two things kept apart:

- the user's own text, saved as written and never changed by the workbench;
- what the workbench already knows (company, period, categories, controls per
  criterion or objective, CUECs, subservice organizations, systems named on
  controls, changes from the change log), rebuilt from the data every time,
  so it is always in step and never retyped.

Completeness of a section (:class:`SectionStatus`), the rule:

1. **empty** — there is no text of the user's, and either the section needs
   the user's own words (``SectionSpec.needs_text``) or the workbench knows
   nothing for it either (no CUECs recorded, say);
2. **needs review** — something is open that only the data can settle (an
   objective without a control, a carved-out organization whose controls or
   monitoring are not written down, no period set), or the items to confirm
   (systems named on controls, criteria without a control, changes in the
   period) changed since management last marked the section reviewed, or
   the text is still the example word for word;
3. **complete** — otherwise.

Marking a section reviewed stores its :attr:`DescriptionSection.fingerprint`
(``SavedSection.reviewed``); when the items to confirm change, the stored
fingerprint no longer matches and the section asks for review again.
"""

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Protocol

from app.domain.document import (
    Block,
    ConfirmMark,
    Document,
    Heading,
    Inlines,
    Run,
    blocks_from_markdown,
    bullets,
    inlines,
    paragraph,
    table,
)
from app.domain.periods import describe_period, format_day
from app.domain.system_changes import ChangeLogEntry, SystemChange, system_changes
from app.domain.wording import counted

SOC1 = "SOC 1"
SOC2 = "SOC 2"
TYPE2 = "Type 2"
CARVE_OUT = "carve-out"


class SectionStatus(StrEnum):
    """How far a section of the description is (see the module's description for the rule)."""

    EMPTY = "empty"
    NEEDS_REVIEW = "needs-review"
    COMPLETE = "complete"


@dataclass(frozen=True, slots=True)
class SectionSpec:
    """One section of a description: its key, name, what it is for, prompts and an example."""

    key: str
    title: str
    purpose: str
    prompts: tuple[str, ...]
    example: str
    """How a small SaaS company (the fictional Fernbrook Software) might write it."""
    needs_text: bool
    """Whether the section needs the user's own words; if not, what the workbench knows can carry it."""
    empty_hint: str
    """What to do when the section is empty, in one sentence."""
    type2_only: bool = False
    facts_first: bool = False
    """Whether what the workbench knows leads the section (an introduction) rather than following the text."""


_CUECS = SectionSpec(
    key="cuecs",
    title="What customers are expected to do",
    purpose=(
        "The controls your customers must run themselves (complementary user entity controls, CUECs) "
        "for the criteria or objectives to be met."
    ),
    prompts=(
        "What must customers do for your controls to work? For example: manage their own users, "
        "keep their passwords safe, review the reports you send them, tell you when staff leave.",
        "Which criteria or objectives does each of them support?",
        "How do you tell customers about these duties (contract, onboarding guide, help centre)?",
    ),
    example=(
        "Fernbrook's controls assume that each customer: grants access to Fernbrook Invoicing only to "
        "its own staff who need it, and removes it when they leave; keeps the credentials of its users "
        "and API keys confidential; reviews the invoices and payment reports it receives and tells "
        "Fernbrook about errors within 30 days. The customer agreement and the onboarding guide set "
        "these out."
    ),
    needs_text=False,
    empty_hint="Add the CUECs on the Scope page, or write here why customers need do nothing.",
)
_SUBSERVICE = SectionSpec(
    key="subservice-orgs",
    title="Subservice organizations and the controls we expect of them",
    purpose=(
        "Other companies that run part of the system for you, the controls you rely on them for, "
        "and how you check that they keep running them."
    ),
    prompts=(
        "Which vendors run part of the system for you: hosting, email delivery, payment processing?",
        "Are their controls left out of the report (carve-out) or described and tested with yours "
        "(inclusive)?",
        "Which of their controls do you rely on, for example the physical security of data centres?",
        "How do you check that they keep running them: a yearly review of their SOC report, "
        "contract terms, meetings?",
    ),
    example=(
        "Amazon Web Services (AWS) hosts the Fernbrook Invoicing platform; its controls are carved out "
        "of this report. Fernbrook relies on AWS for the physical security of its data centres, the "
        "environmental protection of its hardware and the secure disposal of storage media. Every year "
        "the head of platform reads AWS's SOC 2 Type 2 report, checks the exceptions and the customer "
        "duties it lists, and records the review in the vendor register."
    ),
    needs_text=False,
    empty_hint="Add the subservice organizations on the Scope page, or write here that there are none.",
)

SOC2_SECTIONS: tuple[SectionSpec, ...] = (
    SectionSpec(
        key="services",
        title="Services we provide",
        purpose="What the company offers its customers and which system the report covers.",
        prompts=(
            "What do customers buy from you, in one or two sentences?",
            "Which product or platform does the report cover, and which ones does it leave out?",
            "Who are your customers, and how do they use the service: in a browser, through an API, "
            "with an app?",
        ),
        example=(
            "Fernbrook Software sells Fernbrook Invoicing, an online service that small and mid-sized "
            "businesses use to create, send and track invoices and the payments made against them. "
            "Customers use it in a web browser and through a REST API. This description covers the "
            "Fernbrook Invoicing platform and the people and processes that run it; Fernbrook's "
            "marketing website is not part of it."
        ),
        needs_text=True,
        empty_hint="Describe in a few sentences what customers buy and which system the report covers.",
        facts_first=True,
    ),
    SectionSpec(
        key="commitments",
        title="Service commitments and system requirements",
        purpose=(
            "The promises you make to customers about the system, and what the system must do to keep them."
        ),
        prompts=(
            "What do your contracts, terms of service, service level agreement or security page promise "
            "customers: uptime, encryption, where data is kept, how soon you report a breach?",
            "Which laws or standards shape the system, for example data protection law?",
            "What must the system and the people running it do to keep those promises?",
        ),
        example=(
            "In its terms of service and data processing agreement Fernbrook commits to: encrypt "
            "customer data in transit and at rest; make the service available 99.9% of each month, "
            "outside announced maintenance; give access to customer data only to staff who need it; "
            "and tell customers of a security incident affecting their data within 72 hours. To keep "
            "these commitments Fernbrook requires, among other things, single sign-on with multi-factor "
            "authentication for all staff, peer review of every code change, daily backups tested each "
            "quarter, and security training for every employee when hired and every year."
        ),
        needs_text=True,
        empty_hint="Write down what you promise customers and what the system needs to keep the promises.",
    ),
    SectionSpec(
        key="components",
        title="System components: infrastructure, software, people, procedures and data",
        purpose="What the system is made of.",
        prompts=(
            "Infrastructure: where does the system run (cloud provider and regions, networks, offices "
            "that matter)?",
            "Software: which applications, databases and tools make up the system or support it?",
            "People: which teams build, run and support the system, and who leads security?",
            "Procedures: which written procedures govern running it (changes, access, incidents, backups)?",
            "Data: what data does the system hold (customer records, files, logs) and how is it classified?",
        ),
        example=(
            "Infrastructure: Fernbrook Invoicing runs on AWS in two availability zones of one region, "
            "behind a load balancer and a web application firewall. Software: a web application and "
            "API, a PostgreSQL database, a job queue; code is kept in GitHub and deployed by its "
            "pipelines; staff sign in through Okta. People: a product engineering team of twelve, a "
            "platform team of three led by the head of platform, who also leads security, and a "
            "support team of four. Procedures: the change management, access management, incident "
            "response and backup procedures, reviewed every year. Data: customers' invoices, payment "
            "records and contact details, classified as confidential; application and audit logs."
        ),
        needs_text=True,
        empty_hint="Describe the infrastructure, software, people, procedures and data of the system.",
    ),
    SectionSpec(
        key="boundaries",
        title="System boundaries",
        purpose="Where the system starts and ends: what the report covers and what it does not.",
        prompts=(
            "Which products, environments, locations and data are inside the system?",
            "What is outside it: other products, corporate IT, anything customers run themselves?",
            "Which other companies' services does the system depend on?",
        ),
        example=(
            "The system is the Fernbrook Invoicing production environment, the code and pipelines that "
            "build it, and the people and processes that run it. It does not include Fernbrook's "
            "marketing website, its internal finance systems, or the bank accounts customers collect "
            "payments into. Hosting is provided by AWS, whose controls are carved out (see the section "
            "on subservice organizations)."
        ),
        needs_text=True,
        empty_hint="Say what is inside the system and what is left outside it.",
    ),
    SectionSpec(
        key="incidents",
        title="Significant incidents",
        purpose=(
            "Incidents that made the system miss a commitment to customers, or were significant for "
            "another reason."
        ),
        prompts=(
            "During the period (or, for a Type 1, up to the as-of date), did an incident make you miss "
            "a commitment: a breach, a long outage, lost data?",
            "For each one: what happened and when, what it affected, and what you changed afterwards.",
            "If there was none, say so in one sentence.",
        ),
        example=(
            "No significant incidents occurred between 1 January and 30 June 2026. On 14 March 2026 a "
            "faulty database update made Fernbrook Invoicing unavailable for 40 minutes; the service "
            "stayed within its availability commitment for the month, and the update procedure now "
            "includes a rollback test."
        ),
        needs_text=True,
        empty_hint="Describe the significant incidents, or say in one sentence that there were none.",
    ),
    SectionSpec(
        key="criteria-controls",
        title="Criteria in scope and the controls that meet them",
        purpose="The trust services criteria that apply and the controls that address each of them.",
        prompts=(
            "Does any criterion not apply to your system? Name it and say why, for example that there "
            "is no office holding customer data.",
            "Is there anything about how the controls are organised that a reader should know: who owns "
            "them, which tools run the automated ones?",
        ),
        example=(
            "Each control below has an owner who runs it and keeps its evidence; the head of platform "
            "reviews them every quarter. Fernbrook has no data centre or server room: the physical "
            "security criteria are met through AWS, whose controls are carved out."
        ),
        needs_text=False,
        empty_hint="Set the categories in scope and map controls to their criteria on the Controls page.",
    ),
    _CUECS,
    _SUBSERVICE,
    SectionSpec(
        key="changes",
        title="Significant changes during the period",
        purpose="Changes to the system or its controls during the review period that a reader should know.",
        prompts=(
            "Did you add or remove controls, move infrastructure, change an important vendor, or "
            "reorganise the teams that run the system?",
            "For each change: what changed and when.",
            "If nothing significant changed, say so in one sentence.",
        ),
        example=(
            "On 1 April 2026 Fernbrook moved its source code from a self-hosted GitLab to GitHub and "
            "updated its change management controls the same day. There were no other significant "
            "changes during the period."
        ),
        needs_text=True,
        empty_hint="Describe the significant changes, or say in one sentence that there were none.",
        type2_only=True,
    ),
)

SOC1_SECTIONS: tuple[SectionSpec, ...] = (
    SectionSpec(
        key="soc1-services",
        title="Services we provide",
        purpose="The services the report covers and how they touch customers' financial reporting.",
        prompts=(
            "Which of your services affect your customers' financial statements: billing, payroll, "
            "payments, record keeping?",
            "Which system, and which locations, does the report cover?",
            "Who are your customers, and what do they use your output for in their own books?",
        ),
        example=(
            "Fernbrook Invoicing creates, sends and records invoices and the payments received against "
            "them for about 2,000 business customers. Customers post the invoices, payment records and "
            "receivables reports it produces in their own accounts, so errors in it could misstate "
            "their revenue and receivables."
        ),
        needs_text=True,
        empty_hint="Describe the services and how they touch customers' financial reporting.",
        facts_first=True,
    ),
    SectionSpec(
        key="transactions",
        title="Classes of transactions and how they are processed",
        purpose=(
            "The kinds of transactions the system handles, and how each is started, recorded, "
            "processed, corrected and reported."
        ),
        prompts=(
            "Which kinds of transactions does the system handle: invoices, credit notes, payments, refunds?",
            "For each: how is it started (by the customer, a file, a schedule), recorded and processed, "
            "and how are errors corrected?",
            "Which calculations or automated steps matter most: tax, currency conversion, late fees?",
        ),
        example=(
            "Fernbrook Invoicing handles three kinds of transactions. "
            "Invoices: customers enter them in the web application or send them through the API; the "
            "application checks required fields, calculates tax with the rates the customer set up, "
            "numbers the invoice and records it. Payments: bank files are imported every night and "
            "matched to open invoices by reference; unmatched payments go to a queue the customer "
            "resolves. Credit notes can only be raised against an existing invoice and reverse it in "
            "full or in part."
        ),
        needs_text=True,
        empty_hint="Describe each kind of transaction from start to report.",
    ),
    SectionSpec(
        key="reports-produced",
        title="Reports the system produces",
        purpose="The reports and files customers receive or download and use in their accounting.",
        prompts=(
            "Which reports, statements or exports do customers use for their books: aged receivables, "
            "payment reconciliations, ledger exports?",
            "How are they produced, and how do you make sure they are complete and accurate?",
        ),
        example=(
            "Fernbrook's customers download an aged receivables report and a monthly payments report from "
            "the application, and may schedule a nightly ledger export to their accounting software. The "
            "reports are generated from the production database by code that goes through the change "
            "management process; each export carries record counts and totals the customer can check."
        ),
        needs_text=True,
        empty_hint="List the reports customers rely on and how they are produced.",
    ),
    SectionSpec(
        key="objectives-controls",
        title="Control objectives and the controls that achieve them",
        purpose="Your control objectives and, under each, the controls that achieve it.",
        prompts=(
            "Does each objective say in plain words what it protects, for example 'Invoices are "
            "calculated completely and accurately'?",
            "Is there anything about how the controls are organised that a reader should know?",
        ),
        example=(
            "Fernbrook's control objectives cover logical access, change management, backup and "
            "recovery, and the complete and accurate processing of invoices and payments. Each "
            "objective below lists the controls that achieve it."
        ),
        needs_text=False,
        empty_hint="Add control objectives and link their controls on the Scope page.",
    ),
    _CUECS,
    _SUBSERVICE,
)

SECTIONS_BY_KEY: dict[str, SectionSpec] = {spec.key: spec for spec in (*SOC2_SECTIONS, *SOC1_SECTIONS)}


def description_sections(report_kind: str, report_type: str | None) -> tuple[SectionSpec, ...]:
    """The sections of the *report_kind* (``SOC 1`` or ``SOC 2``) description, in order."""
    if report_kind == SOC2:
        specs = SOC2_SECTIONS
    elif report_kind == SOC1:
        specs = SOC1_SECTIONS
    else:
        raise ValueError(f"a system description is written for SOC 1 or SOC 2, not {report_kind!r}")
    return tuple(spec for spec in specs if report_type == TYPE2 or not spec.type2_only)


def section_spec(key: str) -> SectionSpec:
    """The section *key*; ``ValueError`` naming the known keys otherwise."""
    try:
        return SECTIONS_BY_KEY[key]
    except KeyError:
        known = ", ".join(SECTIONS_BY_KEY)
        raise ValueError(f"the description has no section {key!r}; its sections are {known}") from None


# What the workbench knows --------------------------------------------------------------------


class CuecFact(Protocol):
    """A CUEC (the Scope page's CUEC rows fit)."""

    @property
    def ref(self) -> str: ...

    @property
    def description(self) -> str: ...


class SubserviceFact(Protocol):
    """A subservice organization (the Scope page's rows fit)."""

    @property
    def name(self) -> str: ...

    @property
    def services(self) -> str: ...

    @property
    def method(self) -> str: ...

    @property
    def csocs(self) -> str: ...

    @property
    def monitoring(self) -> str: ...


@dataclass(frozen=True, slots=True)
class ControlRef:
    ref: str
    title: str


@dataclass(frozen=True, slots=True)
class CriterionControls:
    """A criterion in scope (``CC6.1``) and the controls mapped to it, in the matrix's order."""

    ref: str
    controls: tuple[ControlRef, ...]


@dataclass(frozen=True, slots=True)
class ObjectiveControls:
    """A SOC 1 control objective and the controls that address it."""

    ref: str
    title: str
    controls: tuple[ControlRef, ...]


@dataclass(frozen=True, slots=True)
class DescriptionFacts:
    """What the engagement already holds for one report's description.

    ``criteria`` are the criteria of the categories in scope (SOC 2);
    ``objectives`` the control objectives (SOC 1). ``control_systems`` is the
    Systems text of every control ("AWS, Okta"); ``changes`` the engagement's
    change-log entries, in any order (only those in the period count).
    ``system_summary`` is the short description on the Scope page.
    """

    company: str
    system_name: str
    report_kind: str
    report_type: str | None
    period_start: date | None = None
    period_end: date | None = None
    as_of_date: date | None = None
    categories: tuple[str, ...] = ()
    system_summary: str = ""
    criteria: tuple[CriterionControls, ...] = ()
    objectives: tuple[ObjectiveControls, ...] = ()
    cuecs: tuple[CuecFact, ...] = ()
    subservice_orgs: tuple[SubserviceFact, ...] = ()
    control_systems: tuple[str, ...] = ()
    changes: tuple[ChangeLogEntry, ...] = ()

    @property
    def report(self) -> str:
        """``SOC 2 Type 2``."""
        return f"{self.report_kind} {self.report_type}" if self.report_type else self.report_kind

    @property
    def has_period(self) -> bool:
        """Whether the review period (both ends) or the as-of date is set."""
        return bool(self.period_start and self.period_end) or self.as_of_date is not None

    @property
    def period_words(self) -> str:
        """``for the period 1 Jan–30 Jun 2026``, ``as of 31 Mar 2026`` or ``(period not set)``."""
        if self.period_start and self.period_end:
            return f"for the period {describe_period(self.period_start, self.period_end, None)}"
        if self.as_of_date:
            return f"as of {format_day(self.as_of_date)}"
        return "(period not set)"


@dataclass(frozen=True, slots=True)
class SavedSection:
    """What the user saved for a section: their text and, when reviewed, the fingerprint they confirmed."""

    text: str = ""
    reviewed: str = ""


def systems_named(control_systems: Iterable[str]) -> tuple[str, ...]:
    """The distinct systems named on controls (split on commas, semicolons and lines), sorted.

    Names that differ only in case count once, spelled as first seen.
    """
    seen: dict[str, str] = {}
    for text in control_systems:
        for part in text.replace(";", ",").replace("\n", ",").split(","):
            name = " ".join(part.split())
            if name:
                seen.setdefault(name.casefold(), name)
    return tuple(sorted(seen.values(), key=str.casefold))


def fingerprint(items: Sequence[str]) -> str:
    """A short, stable fingerprint of the items a reviewer confirmed (empty when there is nothing)."""
    if not items:
        return ""
    return hashlib.sha256("\n".join(items).encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class _Known:
    """What the workbench knows for one section before review is taken into account."""

    to_confirm: tuple[str, ...] = ()
    open_points: tuple[str, ...] = ()
    has_facts: bool = False


def _controls_cell(controls: Sequence[ControlRef]) -> Inlines:
    parts: list[str | Run] = []
    for index, control in enumerate(controls):
        if index:
            parts.append("; ")
        parts += [Run(control.ref, bold=True), f" {control.title}"]
    return inlines(*parts)


def _carve_outs(facts: DescriptionFacts) -> list[SubserviceFact]:
    return [org for org in facts.subservice_orgs if org.method == CARVE_OUT]


def _known(key: str, facts: DescriptionFacts) -> _Known:
    """The items to confirm, open points and whether facts exist for section *key*."""
    if key in ("services", "soc1-services"):
        open_points = []
        if not facts.system_name.strip():
            open_points.append("The system has no name yet: name it on the Scope page.")
        if not facts.has_period:
            open_points.append("The review period or the as-of date is not set: set it on the Scope page.")
        return _Known(open_points=tuple(open_points), has_facts=True)
    if key == "commitments":
        return _Known(has_facts=bool(facts.categories))
    if key == "components":
        systems = systems_named(facts.control_systems)
        return _Known(to_confirm=systems, has_facts=bool(systems))
    if key == "boundaries":
        return _Known(has_facts=bool(facts.subservice_orgs))
    if key == "criteria-controls":
        missing = tuple(f"{item.ref} has no control" for item in facts.criteria if not item.controls)
        return _Known(to_confirm=missing, has_facts=bool(facts.criteria))
    if key == "objectives-controls":
        missing = tuple(
            f"Objective {item.ref} has no control yet: link one on the Scope page."
            for item in facts.objectives
            if not item.controls
        )
        return _Known(open_points=missing, has_facts=bool(facts.objectives))
    if key == "cuecs":
        return _Known(has_facts=bool(facts.cuecs))
    if key == "subservice-orgs":
        open_points = []
        for org in _carve_outs(facts):
            if not org.csocs.strip():
                open_points.append(f"{org.name}: write down the controls you rely on it for.")
            if not org.monitoring.strip():
                open_points.append(f"{org.name}: write down how you monitor it.")
        return _Known(open_points=tuple(open_points), has_facts=bool(facts.subservice_orgs))
    if key == "changes":
        return _Known(to_confirm=tuple(change.text for change in _changes(facts)))
    return _Known()


def _changes(facts: DescriptionFacts) -> tuple[SystemChange, ...]:
    if not (facts.period_start and facts.period_end):
        return ()
    return system_changes(facts.changes, facts.period_start, facts.period_end)


def _to_confirm_reason(key: str, count: int) -> str:
    plural = "s" if count != 1 else ""
    if key == "components":
        return f"Confirm the {count} system{plural} named on controls, then mark the section reviewed."
    if key == "criteria-controls":
        return (
            f"{count} criteri{'a have' if count != 1 else 'on has'} no control: explain why in the text "
            "or map a control, then mark the section reviewed."
        )
    if key == "changes":
        return f"Review the {count} change{plural} recorded in the period, then mark the section reviewed."
    return f"Review the {count} item{plural} to confirm, then mark the section reviewed."


def _services_facts(facts: DescriptionFacts, _reviewed: bool) -> tuple[Block, ...]:
    blocks: list[Block] = [
        paragraph(
            f"This description covers the {facts.system_name or '(unnamed)'} system of "
            f"{facts.company or '(company not named)'}, prepared for a {facts.report} report "
            f"{facts.period_words}."
        )
    ]
    if facts.system_summary.strip():
        blocks.append(paragraph(Run("Summary: ", bold=True), " ".join(facts.system_summary.split())))
    return tuple(blocks)


def _commitments_facts(facts: DescriptionFacts, _reviewed: bool) -> tuple[Block, ...]:
    if not facts.categories:
        return ()
    return (paragraph(Run("Trust services categories in scope: ", bold=True), ", ".join(facts.categories)),)


def _components_facts(facts: DescriptionFacts, reviewed: bool) -> tuple[Block, ...]:
    names = systems_named(facts.control_systems)
    if not names:
        return ()
    blocks: list[Block] = [Heading(3, "Systems named on controls"), bullets(names)]
    if not reviewed:
        blocks.append(
            paragraph(ConfirmMark("each system listed is part of the system described, and none is missing"))
        )
    return tuple(blocks)


def _boundaries_facts(facts: DescriptionFacts, _reviewed: bool) -> tuple[Block, ...]:
    if not facts.subservice_orgs:
        return ()
    lines = [
        f"{org.name}{f' ({org.services})' if org.services.strip() else ''}: "
        + ("carved out, outside the boundary" if org.method == CARVE_OUT else "included in the description")
        for org in facts.subservice_orgs
    ]
    return (Heading(3, "Services from other companies"), bullets(lines))


def _criteria_facts(facts: DescriptionFacts, reviewed: bool) -> tuple[Block, ...]:
    if not facts.criteria:
        return ()
    no_control: Inlines = (
        inlines("None: the criterion does not apply (see above)")
        if reviewed
        else inlines(ConfirmMark("no control: map one, or explain why the criterion does not apply"))
    )
    rows = [
        (item.ref, _controls_cell(item.controls) if item.controls else no_control) for item in facts.criteria
    ]
    return (
        paragraph(Run("Categories in scope: ", bold=True), ", ".join(facts.categories) or "none set"),
        table(("Criterion", "Controls"), rows),
    )


def _objectives_facts(facts: DescriptionFacts, _reviewed: bool) -> tuple[Block, ...]:
    if not facts.objectives:
        return ()
    rows = [
        (
            inlines(Run(item.ref, bold=True), f" {item.title}"),
            _controls_cell(item.controls) if item.controls else inlines(ConfirmMark("no control yet")),
        )
        for item in facts.objectives
    ]
    return (table(("Control objective", "Controls"), rows),)


def _cuecs_facts(facts: DescriptionFacts, _reviewed: bool) -> tuple[Block, ...]:
    if not facts.cuecs:
        return ()
    rows = [(c.ref, c.description) for c in facts.cuecs]
    return (table(("Ref", "What customers are expected to do"), rows),)


def _subservice_facts(facts: DescriptionFacts, _reviewed: bool) -> tuple[Block, ...]:
    if not facts.subservice_orgs:
        return ()
    missing = inlines(ConfirmMark("not written down"))
    rows = [
        (
            org.name,
            org.services,
            "Carve-out" if org.method == CARVE_OUT else "Inclusive",
            org.csocs or (missing if org.method == CARVE_OUT else ""),
            org.monitoring or (missing if org.method == CARVE_OUT else ""),
        )
        for org in facts.subservice_orgs
    ]
    return (table(("Organization", "Services", "Method", "Controls we rely on", "How we monitor"), rows),)


def _changes_facts(facts: DescriptionFacts, reviewed: bool) -> tuple[Block, ...]:
    changes = _changes(facts)
    if not changes:
        return ()
    blocks: list[Block] = [
        Heading(3, "Changes recorded in the workbench during the period"),
        bullets(change.text for change in changes),
    ]
    if not reviewed:
        blocks.append(
            paragraph(ConfirmMark("which of these changes are significant; describe those in the text above"))
        )
    return tuple(blocks)


_FACTS: dict[str, Callable[[DescriptionFacts, bool], tuple[Block, ...]]] = {
    "services": _services_facts,
    "soc1-services": _services_facts,
    "commitments": _commitments_facts,
    "components": _components_facts,
    "boundaries": _boundaries_facts,
    "criteria-controls": _criteria_facts,
    "objectives-controls": _objectives_facts,
    "cuecs": _cuecs_facts,
    "subservice-orgs": _subservice_facts,
    "changes": _changes_facts,
}
"""What the workbench knows for each section that it knows something about."""


def _facts_blocks(key: str, facts: DescriptionFacts, reviewed: bool) -> tuple[Block, ...]:
    """What the workbench knows for section *key*, as blocks (confirm marks while not reviewed)."""
    builder = _FACTS.get(key)
    return builder(facts, reviewed) if builder is not None else ()


# The description ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DescriptionSection:
    """One section as the editor shows it and the document prints it.

    ``text`` is the user's own text exactly as saved; ``facts`` what the
    workbench knows, rebuilt from the data. ``fingerprint`` is what to store
    as ``SavedSection.reviewed`` when the user marks the section reviewed.
    """

    number: int
    spec: SectionSpec
    text: str
    facts: tuple[Block, ...]
    to_confirm: tuple[str, ...]
    open_points: tuple[str, ...]
    fingerprint: str
    reviewed: bool
    status: SectionStatus
    reason: str
    """Why the section is not complete, in one sentence; empty when it is."""

    @property
    def key(self) -> str:
        return self.spec.key

    @property
    def title(self) -> str:
        return self.spec.title

    @property
    def heading(self) -> str:
        """``3. System boundaries``."""
        return f"{self.number}. {self.spec.title}"


@dataclass(frozen=True, slots=True)
class SystemDescription:
    """The description of one report (SOC 1 or SOC 2), section by section."""

    facts: DescriptionFacts
    sections: tuple[DescriptionSection, ...]

    @property
    def unfinished(self) -> tuple[DescriptionSection, ...]:
        """The sections that are not complete: gaps for the readiness list."""
        return tuple(section for section in self.sections if section.status != SectionStatus.COMPLETE)

    @property
    def complete_count(self) -> int:
        return len(self.sections) - len(self.unfinished)

    def section(self, key: str) -> DescriptionSection:
        for item in self.sections:
            if item.key == key:
                return item
        section_spec(key)
        raise ValueError(f"the {self.facts.report_kind} description has no section {key!r}")


def _same_words(first: str, second: str) -> bool:
    return " ".join(first.split()).casefold() == " ".join(second.split()).casefold()


def _section(
    number: int, spec: SectionSpec, facts: DescriptionFacts, saved: SavedSection
) -> DescriptionSection:
    known = _known(spec.key, facts)
    print_ = fingerprint(known.to_confirm)
    reviewed = not known.to_confirm or saved.reviewed == print_
    has_text = bool(saved.text.strip())
    if not has_text and (spec.needs_text or not known.has_facts):
        status, reason = SectionStatus.EMPTY, spec.empty_hint
    elif known.open_points:
        more = len(known.open_points) - 1
        status = SectionStatus.NEEDS_REVIEW
        reason = known.open_points[0] + (f" ({counted(more, 'more point')} like it)" if more else "")
    elif not reviewed:
        status, reason = SectionStatus.NEEDS_REVIEW, _to_confirm_reason(spec.key, len(known.to_confirm))
    elif has_text and _same_words(saved.text, spec.example):
        status, reason = SectionStatus.NEEDS_REVIEW, "The text is still the example: write your own."
    else:
        status, reason = SectionStatus.COMPLETE, ""
    return DescriptionSection(
        number=number,
        spec=spec,
        text=saved.text,
        facts=_facts_blocks(spec.key, facts, reviewed),
        to_confirm=known.to_confirm,
        open_points=known.open_points,
        fingerprint=print_,
        reviewed=reviewed,
        status=status,
        reason=reason,
    )


def fill_description(facts: DescriptionFacts, saved: Mapping[str, SavedSection]) -> SystemDescription:
    """The description of *facts*' report: each section's saved text beside what the workbench knows.

    *saved* maps section keys to what the user saved; keys of other reports'
    sections are ignored (and kept by whoever stores them), missing keys are
    sections not started. The saved text is passed through untouched.
    """
    specs = description_sections(facts.report_kind, facts.report_type)
    return SystemDescription(
        facts=facts,
        sections=tuple(
            _section(number, spec, facts, saved.get(spec.key, SavedSection()))
            for number, spec in enumerate(specs, start=1)
        ),
    )


STATUS_WORDS: dict[SectionStatus, str] = {
    SectionStatus.EMPTY: "Not started",
    SectionStatus.NEEDS_REVIEW: "Needs review",
    SectionStatus.COMPLETE: "Complete",
}


def build_description_document(description: SystemDescription, *, prepared: date) -> Document:
    """The description as a document: title block, contents, then each section's text and facts.

    A section without text of the user's shows a confirm mark saying what is
    still to write; the first page lists the sections still unfinished.
    """
    facts = description.facts
    total = len(description.sections)
    particulars = (
        ("Report", facts.report),
        ("Period", facts.period_words.removeprefix("for the period ")),
        *((("Categories", ", ".join(facts.categories)),) if facts.report_kind == SOC2 else ()),
        ("Prepared", format_day(prepared)),
        ("Status", f"Draft: {description.complete_count} of {total} sections complete"),
    )
    blocks: list[Block] = []
    if description.unfinished:
        blocks.append(
            paragraph(
                "Draft prepared with SOC Workbench for management to complete. Highlighted items ",
                ConfirmMark("…"),
                " need management's confirmation before the description goes to the auditor. "
                "Sections still unfinished:",
            )
        )
        blocks.append(
            bullets(
                f"{section.heading} ({STATUS_WORDS[section.status].lower()}): {section.reason}"
                for section in description.unfinished
            )
        )
    for section in description.sections:
        blocks.append(Heading(1, section.heading))
        written: tuple[Block, ...] = ()
        if section.text.strip():
            written = blocks_from_markdown(section.text)
        elif section.spec.needs_text or not section.facts:
            written = (paragraph(ConfirmMark(f"not written yet. {section.spec.purpose}")),)
        if section.spec.facts_first:
            blocks += [*section.facts, *written]
        else:
            blocks += [*written, *section.facts]
    return Document(
        title=f"Description of the {facts.system_name or 'system'}"
        + (" system" if facts.system_name else ""),
        subtitle=facts.company,
        particulars=particulars,
        blocks=tuple(blocks),
        header=f"{facts.company} — {facts.report} system description",
        contents=True,
    )
