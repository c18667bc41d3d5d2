"""Drafts of management's assertion and of the bridge letter, their dates and confirm marks from the data."""

from dataclasses import dataclass, replace
from datetime import date, datetime

import pytest

from app.domain.description import DescriptionFacts, ObjectiveControls
from app.domain.document import (
    BulletList,
    Document,
    Heading,
    NumberedList,
    Paragraph,
    confirm_marks,
    plain_text,
)
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


@dataclass(frozen=True)
class Cuec:
    ref: str
    description: str


@dataclass(frozen=True)
class Org:
    name: str
    services: str
    method: str
    csocs: str = ""
    monitoring: str = ""


@dataclass(frozen=True)
class Entry:
    at: datetime
    entity: str
    entity_ref: str
    field: str


SOC2 = DescriptionFacts(
    company="Fernbrook Software Ltd",
    system_name="Fernbrook Invoicing",
    report_kind="SOC 2",
    report_type="Type 2",
    period_start=date(2026, 1, 1),
    period_end=date(2026, 6, 30),
    categories=("Security", "Availability"),
    cuecs=(Cuec("CUEC-1", "Customers manage their own users."), Cuec("CUEC-2", "Customers review reports.")),
    subservice_orgs=(Org("Amazon Web Services", "hosting", "carve-out"),),
)


def text_of(document: Document) -> str:
    """Every paragraph and list item of *document* as printed, one per line."""
    lines: list[str] = []
    for block in document.blocks:
        if isinstance(block, Paragraph):
            lines.append(plain_text(block.inlines))
        elif isinstance(block, BulletList | NumberedList):
            lines.extend(plain_text(item) for item in block.items)
        elif isinstance(block, Heading):
            lines.append(block.text)
    return "\n".join(lines)


def test_soc2_type2_assertion_speaks_of_the_period_categories_carve_outs_and_cuecs() -> None:
    document = build_assertion_document(SOC2, prepared=date(2026, 7, 20))
    assert document.title == "Management's assertion"
    assert dict(document.particulars) == {
        "Report": "SOC 2 Type 2",
        "Period": "1 Jan 2026 to 30 Jun 2026",
        "Categories": "Security, Availability",
        "Prepared": "20 Jul 2026",
        "Status": "Draft for management's review",
    }
    text = text_of(document)
    assert "description of its Fernbrook Invoicing system for the period 1 Jan 2026 to 30 Jun 2026" in text
    assert "Amazon Web Services runs part of the system for us (hosting)" in text
    assert "(the carve-out method)" in text
    assert "(2 controls, listed in the description)" in text
    (statements,) = [block for block in document.blocks if isinstance(block, NumberedList)]
    assert len(statements.items) == 3
    assert "suitably designed throughout the period 1 Jan 2026 to 30 Jun 2026" in plain_text(
        statements.items[1]
    )
    assert "criteria for security and availability" in plain_text(statements.items[1])
    assert plain_text(statements.items[2]).startswith("The controls in the description operated effectively")
    assert plain_text(statements.items[2]).endswith(
        "if our customers and our subservice organizations ran the controls we expect of them."
    )
    marks = confirm_marks(document)
    assert "name of the person signing" in marks
    assert "date of signing, usually the date of the auditor's report" in marks
    assert any(mark.startswith("the system's name, the period and the scope") for mark in marks)
    assert any(mark.startswith("each statement above is true") for mark in marks)


def test_soc1_type1_assertion_lists_objectives_and_has_no_operating_statement() -> None:
    facts = replace(
        SOC2,
        report_kind="SOC 1",
        report_type="Type 1",
        period_start=None,
        period_end=None,
        as_of_date=date(2026, 3, 31),
        categories=(),
        cuecs=(),
        subservice_orgs=(),
        objectives=(ObjectiveControls("CO-1", "Access to invoices is restricted", ()),),
    )
    document = build_assertion_document(facts, prepared=date(2026, 4, 2))
    assert dict(document.particulars)["As of"] == "31 Mar 2026"
    assert "Categories" not in dict(document.particulars)
    text = text_of(document)
    assert "CO-1 Access to invoices is restricted" in text
    assert "process our customers' transactions" in text
    (statements,) = [block for block in document.blocks if isinstance(block, NumberedList)]
    assert len(statements.items) == 3
    assert all("operated effectively" not in plain_text(item) for item in statements.items)
    assert plain_text(statements.items[2]).endswith("if the controls operated as described.")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"report_type": None}, "Choose the report type"),
        ({"period_end": None}, "Set the review period on the Scope page"),
        ({"report_type": "Type 1"}, "Set the as-of date on the Scope page"),
        ({"categories": ()}, "Choose the trust services categories"),
        ({"report_kind": "SOC 3"}, "not 'SOC 3'"),
    ],
)
def test_an_assertion_without_its_scope_is_refused_plainly(change: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        build_assertion_document(replace(SOC2, **change), prepared=date(2026, 7, 20))  # type: ignore[arg-type]


PRIOR = PriorReport("SOC 2", "Type 2", date(2025, 12, 31), date(2025, 7, 1), "Smith & Partners LLP")
BRIDGE = BridgeFacts(
    company="Fernbrook Software Ltd",
    system_name="Fernbrook Invoicing",
    prior=PRIOR,
    through=date(2026, 3, 31),
    dated=date(2026, 4, 10),
    changes=(
        Entry(datetime(2026, 2, 3, 9), "control", "AC-03", "created"),
        Entry(datetime(2025, 12, 30, 9), "control", "AC-09", "created"),
        Entry(datetime(2026, 4, 2, 9), "control", "AC-10", "created"),
        Entry(datetime(2026, 2, 4, 9), "control", "AC-01", "status"),
    ),
    incidents=(
        Incident(date(2026, 3, 2), "Phishing email reported; no account compromised."),
        Incident(date(2026, 2, 14), "40-minute API outage after a faulty deployment."),
    ),
    cuecs=(Cuec("CUEC-1", "Managing their own users."),),
    next_period_end=date(2026, 12, 31),
)


def test_bridge_letter_identifies_the_report_and_covers_the_days_since() -> None:
    document = build_bridge_letter(BRIDGE)
    assert dict(document.particulars) == {
        "Prior report": "SOC 2 Type 2 report for the period 1 Jul–31 Dec 2025",
        "Covers": "1 Jan 2026 to 31 Mar 2026",
        "Dated": "10 Apr 2026",
        "Status": "Draft for management's review",
    }
    text = text_of(document)
    assert (
        "issued by Smith & Partners LLP. This letter covers the time since that report: from 1 Jan 2026"
        in text
    )
    assert "Control AC-03 added (3 Feb 2026) [Confirm: material? reword or remove]" in text
    assert "AC-09" not in text and "AC-10" not in text and "AC-01" not in text
    assert "14 Feb 2026: 40-minute API outage" in text.split("2 Mar 2026: Phishing")[0]
    assert "Managing their own users." in text
    assert "does not replace the SOC 2 report" in text
    assert "Our next report is to cover the period ending 31 Dec 2026." in text
    assert "Date: 10 Apr 2026" in text
    assert [block.text for block in document.blocks if isinstance(block, Heading)] == [
        "Changes since the report",
        "Incidents",
        "What we rely on customers to do",
        "About this letter",
    ]


def test_bridge_letter_without_changes_or_incidents_asks_management_to_confirm_none() -> None:
    document = build_bridge_letter(replace(BRIDGE, changes=(), incidents=(), cuecs=(), next_period_end=None))
    marks = confirm_marks(document)
    assert "no material change was made that the workbench does not record" in marks
    assert "no such incident occurred" in marks
    assert "the report lists no such controls, or list them here" in marks
    assert "when the next report is expected and the period it will cover" in marks


def test_no_prior_report_means_no_bridge_letter_and_says_what_to_offer() -> None:
    reason = why_no_bridge_letter("Fernbrook Software Ltd", None, date(2026, 3, 31))
    assert reason is not None
    assert "Fernbrook Software Ltd has no SOC report yet, so there is nothing to bridge" in reason
    assert "Type 1 report" in reason and "readiness letter from the auditor" in reason
    with pytest.raises(ValueError, match="nothing to bridge"):
        build_bridge_letter(replace(BRIDGE, prior=None))


def test_a_date_inside_the_report_or_a_year_past_it_needs_no_bridge_letter() -> None:
    inside = why_no_bridge_letter("Fernbrook", PRIOR, date(2025, 12, 31))
    assert inside is not None and "the report itself covers it" in inside
    stale = why_no_bridge_letter("Fernbrook", PRIOR, date(2027, 1, 1))
    assert stale is not None and "cannot stand in for a missing year" in stale
    assert why_no_bridge_letter("Fernbrook", PRIOR, date(2026, 12, 31)) is None


def test_more_than_three_months_draws_a_warning_for_the_drafter() -> None:
    assert bridge_letter_warnings(PRIOR, date(2026, 3, 31)) == ()
    (warning,) = bridge_letter_warnings(PRIOR, date(2026, 4, 1))
    assert "more than 3 months" in warning


def test_type1_prior_report_is_identified_by_its_as_of_date() -> None:
    prior = PriorReport("SOC 1", "Type 1", date(2025, 9, 30))
    assert prior.identification == "SOC 1 Type 1 report as of 30 Sep 2025"
    assert PriorReport("SOC 2", "Type 2", date(2025, 9, 30)).identification == (
        "SOC 2 Type 2 report for the period ending 30 Sep 2025"
    )


def test_prior_report_read_from_the_scoping_answer() -> None:
    assert prior_report_from_answer(None) is None
    assert prior_report_from_answer({"report": "SOC 2", "type": "Type 2", "period_end": "2025-12-31"}) == (
        PriorReport("SOC 2", "Type 2", date(2025, 12, 31))
    )
    with pytest.raises(ValueError, match="prior_report.type must be one of Type 1, Type 2"):
        prior_report_from_answer({"report": "SOC 2", "type": "Type 3", "period_end": "2025-12-31"})
    with pytest.raises(ValueError, match="prior_report.period_end must be a date"):
        prior_report_from_answer({"report": "SOC 1", "type": "Type 1", "period_end": "31/12/2025"})
