"""Drafting an engagement's documents from its rows: facts per report, gaps, combined files, bridge letter."""

from dataclasses import replace
from datetime import date, datetime

from app.domain.carveouts import CuecRow, SubserviceRow
from app.domain.controls import ControlRow
from app.domain.description import ControlRef, CriterionControls, ObjectiveControls, SavedSection
from app.domain.document import Heading, PageBreak, confirm_marks, plain_text
from app.domain.engagement_documents import (
    DEMO_NOTE,
    IncidentRow,
    description_facts,
    description_gaps,
    draft_documents,
    prior_report_of,
)
from app.domain.engagements import EngagementRow
from app.domain.history import ChangeRow
from app.domain.letters import PriorReport
from app.domain.objectives import ObjectiveRow

ENGAGEMENT = EngagementRow(
    id=1,
    name="Harbour 2026",
    company="Harbour Ledger Ltd",
    system_name="Harbour Books",
    system_description="Bookkeeping for small firms.",
    report_kinds=["SOC 2"],
    report_type="Type 2",
    categories=["Security", "Availability"],
    period_start=date(2026, 1, 1),
    period_end=date(2026, 12, 31),
)
CONTROLS = [
    ControlRow(id=11, engagement_id=1, ref="BC-01", title="Daily backups", criteria=["A1.2"], systems="AWS"),
    ControlRow(id=10, engagement_id=1, ref="AC-02", title="Access review", criteria=["CC6.1", "CC6.2"]),
    ControlRow(
        id=9, engagement_id=1, ref="AC-01", title="SSO with MFA", criteria=["CC6.1"], systems="Okta, AWS"
    ),
]
OBJECTIVES = [
    ObjectiveRow(
        id=5, engagement_id=1, ref="CO-1", kind="itgc", title="Access is restricted", control_ids=[10, 9]
    ),
    ObjectiveRow(id=6, engagement_id=1, ref="CO-2", kind="business", title="Invoices are accurate"),
]
CUECS = [CuecRow(id=1, engagement_id=1, ref="CUEC-01", description="Customers manage their own users.")]
ORGS = [
    SubserviceRow(
        id=1,
        engagement_id=1,
        name="AWS",
        services="hosting",
        csocs="Data centre security",
        monitoring="SOC 2",
    )
]


def change(day: date, entity: str, ref: str, field: str) -> ChangeRow:
    return ChangeRow(
        id=1,
        at=datetime(day.year, day.month, day.day, 9),
        engagement_id=1,
        entity=entity,
        entity_id=1,
        entity_ref=ref,
        field=field,
    )


CHANGES = [
    change(date(2025, 12, 20), "control", "AC-01", "created"),
    change(date(2026, 2, 10), "subservice", "Postmark", "created"),
    change(date(2026, 2, 11), "control", "AC-02", "status"),
    change(date(2026, 3, 2), "control", "AC-02", "description"),
]


def drafts(engagement: EngagementRow = ENGAGEMENT, **parts: object):  # type: ignore[no-untyped-def]
    values: dict[str, object] = {
        "controls": CONTROLS,
        "objectives": OBJECTIVES,
        "cuecs": CUECS,
        "subservice_orgs": ORGS,
        "changes": CHANGES,
        "saved": {},
        "incidents": [],
        "prepared": date(2026, 3, 20),
    }
    values.update(parts)
    return draft_documents(engagement, **values)  # type: ignore[arg-type]


def test_soc2_facts_list_each_criterion_in_scope_with_its_controls_in_ref_order() -> None:
    (facts,) = description_facts(
        ENGAGEMENT,
        controls=CONTROLS,
        objectives=OBJECTIVES,
        cuecs=CUECS,
        subservice_orgs=ORGS,
        changes=CHANGES,
    )
    assert (facts.company, facts.system_name, facts.report, facts.categories) == (
        "Harbour Ledger Ltd",
        "Harbour Books",
        "SOC 2 Type 2",
        ("Security", "Availability"),
    )
    by_ref = {item.ref: item for item in facts.criteria}
    assert len(facts.criteria) == 33 + 3
    assert facts.criteria[0].ref == "CC1.1" and facts.criteria[-1].ref == "A1.3"
    assert by_ref["CC6.1"] == CriterionControls(
        "CC6.1", (ControlRef("AC-01", "SSO with MFA"), ControlRef("AC-02", "Access review"))
    )
    assert by_ref["A1.3"].controls == ()
    assert facts.objectives == ()
    assert facts.control_systems == ("AWS", "Okta, AWS")
    assert facts.system_summary == "Bookkeeping for small firms."
    assert facts.cuecs == tuple(CUECS) and facts.subservice_orgs == tuple(ORGS)


def test_soc1_and_soc2_in_scope_give_one_set_of_facts_each_soc1_with_its_objectives() -> None:
    both = replace(ENGAGEMENT, report_kinds=["SOC 2", "SOC 1"])
    soc1, soc2 = description_facts(
        both, controls=CONTROLS, objectives=OBJECTIVES, cuecs=(), subservice_orgs=(), changes=()
    )
    assert (soc1.report_kind, soc2.report_kind) == ("SOC 1", "SOC 2")
    assert soc1.categories == () and soc1.criteria == ()
    assert soc1.objectives == (
        ObjectiveControls(
            "CO-1",
            "Access is restricted",
            (ControlRef("AC-01", "SSO with MFA"), ControlRef("AC-02", "Access review")),
        ),
        ObjectiveControls("CO-2", "Invoices are accurate", ()),
    )
    unscoped = replace(ENGAGEMENT, report_kinds=[])
    assert (
        description_facts(unscoped, controls=(), objectives=(), cuecs=(), subservice_orgs=(), changes=())
        == ()
    )


def test_the_prior_report_is_read_from_the_scoping_answers_absent_or_not() -> None:
    assert prior_report_of(None) == (None, "")
    assert prior_report_of({"customer_data": True}) == (None, "")
    answer = {"prior_report": {"report": "SOC 2", "type": "Type 2", "period_end": "2025-12-31"}}
    assert prior_report_of(answer) == (PriorReport("SOC 2", "Type 2", date(2025, 12, 31)), "")
    report, problem = prior_report_of(
        {"prior_report": {"report": "SOC 2", "type": "Type 2", "period_end": "soon"}}
    )
    assert report is None
    assert problem.startswith(
        "The prior report recorded with the scoping answers cannot be read: prior_report"
    )


def test_a_section_both_descriptions_share_is_one_gap() -> None:
    both = drafts(replace(ENGAGEMENT, report_kinds=["SOC 1", "SOC 2"]), cuecs=[])
    gaps = description_gaps(both.descriptions)
    sections = [gap.section for gap in gaps]
    assert sections.count("cuecs") == 1
    assert sections[:4] == ["soc1-services", "transactions", "reports-produced", "objectives-controls"]
    assert "services" in sections and "commitments" in sections
    cuecs = next(gap for gap in gaps if gap.section == "cuecs")
    assert cuecs.kind == "description-section" and cuecs.control_id is None and cuecs.criterion is None
    assert cuecs.message.startswith(
        "Description, “What customers are expected to do”: not started. Add the CUECs"
    )


def test_saved_text_fills_its_section_and_a_finished_section_is_no_gap() -> None:
    saved = {"services": SavedSection("Harbour Books keeps the books of small firms.")}
    document = drafts(saved=saved)
    assert (
        document.descriptions[0].section("services").text == "Harbour Books keeps the books of small firms."
    )
    assert "services" not in [gap.section for gap in description_gaps(document.descriptions)]


def test_one_report_gives_its_own_documents_two_reports_one_file_with_a_part_each() -> None:
    single = drafts().description_document()
    assert single.title == "Description of the Harbour Books system"
    assert ("Prepared", "20 Mar 2026") in single.particulars
    both = drafts(replace(ENGAGEMENT, report_kinds=["SOC 1", "SOC 2"])).description_document()
    assert both.title == "System descriptions"
    assert both.particulars == (("Reports", "SOC 1 Type 2 and SOC 2 Type 2"),)
    parts = [block.text for block in both.blocks if isinstance(block, Heading) and block.level == 1]
    assert parts == [
        "SOC 1 Type 2: Description of the Harbour Books system",
        "SOC 2 Type 2: Description of the Harbour Books system",
    ]
    assert sum(isinstance(block, PageBreak) for block in both.blocks) == 1
    assert Heading(2, "1. Services we provide") in both.blocks
    assertion = drafts(replace(ENGAGEMENT, report_kinds=["SOC 1", "SOC 2"])).assertion_document()
    assert [block.text for block in assertion.blocks if isinstance(block, Heading) and block.level == 1] == [
        "SOC 1 Type 2: Management's assertion",
        "SOC 2 Type 2: Management's assertion",
    ]


def test_without_a_report_in_scope_nothing_is_drafted_and_the_reason_says_where_to_go() -> None:
    unscoped = drafts(replace(ENGAGEMENT, report_kinds=[]))
    assert unscoped.description_refusal == (
        "Choose the report (SOC 1 or SOC 2) on the Scope page first: the description follows it."
    )
    assert unscoped.assertion_refusal == (
        "Choose the report (SOC 1 or SOC 2) on the Scope page first: the assertion follows it."
    )
    no_type = drafts(replace(ENGAGEMENT, report_type=None))
    assert no_type.assertion_refusal is not None and "Type 1 or Type 2" in no_type.assertion_refusal


def test_a_demo_says_so_under_every_title() -> None:
    demo = drafts(replace(ENGAGEMENT, is_demo=True, scoping_answers=prior_answer()))
    for document in (demo.description_document(), demo.assertion_document(), demo.bridge_letter()):
        assert document.particulars[0] == ("Demo", DEMO_NOTE)
    assert drafts().description_document().particulars[0] != ("Demo", DEMO_NOTE)


def prior_answer(end: str = "2025-12-31") -> dict[str, object]:
    return {"prior_report": {"report": "SOC 2", "type": "Type 2", "period_end": end}}


def test_bridge_letter_covers_the_days_after_the_prior_report_to_the_chosen_day() -> None:
    engagement = replace(ENGAGEMENT, scoping_answers=prior_answer(), bridge_through=date(2026, 2, 28))
    incidents = [
        IncidentRow(id=2, engagement_id=1, on=date(2026, 2, 14), summary="Dashboards down for 35 minutes."),
        IncidentRow(id=1, engagement_id=1, on=date(2026, 1, 9), summary="Phishing email reported."),
    ]
    document = drafts(engagement, incidents=incidents)
    assert document.through == date(2026, 2, 28)
    assert document.bridge_refusal is None and document.bridge_warnings == ()
    letter = document.bridge_letter()
    assert dict(letter.particulars) == {
        "Prior report": "SOC 2 Type 2 report for the period ending 31 Dec 2025",
        "Covers": "1 Jan 2026 to 28 Feb 2026",
        "Dated": "20 Mar 2026",
        "Status": "Draft for management's review",
    }
    lines = [plain_text(item) for block in letter.blocks if hasattr(block, "items") for item in block.items]
    assert (
        "Subservice organization Postmark added (10 Feb 2026) [Confirm: material? reword or remove]" in lines
    )
    assert not any("AC-02" in line for line in lines), "a status is no change; its text changed later"
    assert not any("AC-01" in line for line in lines), "added before the prior report ended"
    assert lines.index("9 Jan 2026: Phishing email reported.") < lines.index(
        "14 Feb 2026: Dashboards down for 35 minutes."
    )
    assert "Customers manage their own users." in lines
    words = " ".join(plain_text(block.inlines) for block in letter.blocks if hasattr(block, "inlines"))
    assert "Our next report is to cover the period ending 31 Dec 2026." in words
    assert "the list is complete and each incident is described accurately" in confirm_marks(letter)


def test_the_bridge_letter_runs_to_the_data_day_unless_a_day_is_chosen_and_says_why_not() -> None:
    document = drafts(replace(ENGAGEMENT, scoping_answers=prior_answer()))
    assert document.through == date(2026, 3, 20)
    assert document.bridge_letter().particulars[1] == ("Covers", "1 Jan 2026 to 20 Mar 2026")
    none = drafts()
    assert none.prior is None
    assert none.bridge_refusal is not None and "has no SOC report yet" in none.bridge_refusal
    late = drafts(replace(ENGAGEMENT, scoping_answers=prior_answer(), bridge_through=date(2026, 5, 15)))
    assert late.bridge_refusal is None
    assert late.bridge_warnings and "more than 3 months" in late.bridge_warnings[0]
    broken = drafts(replace(ENGAGEMENT, scoping_answers={"prior_report": {"report": "SOC 4"}}))
    assert broken.bridge_refusal is not None and "cannot be read" in broken.bridge_refusal
