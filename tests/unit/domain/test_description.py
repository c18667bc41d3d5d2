"""The system description: sections per report, filling from the data, the user's text kept, completeness."""

from dataclasses import dataclass, replace
from datetime import date, datetime

import pytest

from app.domain.description import (
    SECTIONS_BY_KEY,
    SOC1_SECTIONS,
    SOC2_SECTIONS,
    ControlRef,
    CriterionControls,
    DescriptionFacts,
    DescriptionSection,
    ObjectiveControls,
    SavedSection,
    SectionStatus,
    build_description_document,
    description_sections,
    fill_description,
    section_spec,
    systems_named,
)
from app.domain.document import (
    Block,
    BulletList,
    Document,
    Heading,
    Paragraph,
    Run,
    Table,
    confirm_marks,
    plain_text,
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
    csocs: str
    monitoring: str


@dataclass(frozen=True)
class Entry:
    at: datetime
    entity: str
    entity_ref: str
    field: str


AWS = Org(
    "Amazon Web Services", "hosting", "carve-out", "Physical security of data centres", "Yearly SOC 2 review"
)
FACTS = DescriptionFacts(
    company="Fernbrook Software Ltd",
    system_name="Fernbrook Invoicing",
    report_kind="SOC 2",
    report_type="Type 2",
    period_start=date(2026, 1, 1),
    period_end=date(2026, 6, 30),
    categories=("Security", "Availability"),
    system_summary="Online invoicing for small businesses.",
    criteria=(
        CriterionControls(
            "CC6.1", (ControlRef("AC-01", "Single sign-on with MFA"), ControlRef("AC-02", "Access review"))
        ),
        CriterionControls("A1.2", (ControlRef("BC-01", "Daily backups"),)),
    ),
    cuecs=(Cuec("CUEC-1", "Customers manage their own users."),),
    subservice_orgs=(AWS,),
    control_systems=("AWS, Okta", "okta; GitHub\nAWS", ""),
    changes=(
        Entry(datetime(2026, 2, 3, 9), "control", "AC-03", "created"),
        Entry(datetime(2025, 12, 3, 9), "control", "AC-09", "created"),
    ),
)


def section(facts: DescriptionFacts, key: str, saved: SavedSection | None = None) -> DescriptionSection:
    return fill_description(facts, {key: saved} if saved else {}).section(key)


def marks(blocks: tuple[Block, ...]) -> tuple[str, ...]:
    return confirm_marks(Document(title="Section", blocks=blocks))


def test_soc2_and_soc1_sections_in_order_changes_only_for_a_type2() -> None:
    soc2 = [spec.key for spec in description_sections("SOC 2", "Type 2")]
    assert soc2 == [
        "services",
        "commitments",
        "components",
        "boundaries",
        "incidents",
        "criteria-controls",
        "cuecs",
        "subservice-orgs",
        "changes",
    ]
    assert "changes" not in [spec.key for spec in description_sections("SOC 2", "Type 1")]
    assert [spec.key for spec in description_sections("SOC 1", "Type 2")] == [
        "soc1-services",
        "transactions",
        "reports-produced",
        "objectives-controls",
        "cuecs",
        "subservice-orgs",
    ]
    with pytest.raises(ValueError, match="SOC 1 or SOC 2, not 'SOC 3'"):
        description_sections("SOC 3", "Type 2")


def test_every_section_has_prompts_an_example_and_a_hint() -> None:
    for spec in (*SOC2_SECTIONS, *SOC1_SECTIONS):
        assert spec.prompts and all(prompt.endswith("?") or prompt.endswith(".") for prompt in spec.prompts)
        assert "Fernbrook" in spec.example or "AWS" in spec.example, spec.key
        assert spec.purpose and spec.empty_hint
    assert len(SECTIONS_BY_KEY) == 13


def test_an_unknown_section_key_names_the_known_ones() -> None:
    with pytest.raises(ValueError, match="no section 'servics'; its sections are services, commitments"):
        section_spec("servics")


def test_systems_named_on_controls_are_split_and_deduplicated() -> None:
    assert systems_named(["AWS, Okta", "okta; GitHub\nAWS", "  ", "Google  Workspace"]) == (
        "AWS",
        "GitHub",
        "Google Workspace",
        "Okta",
    )


def test_the_users_text_is_passed_through_untouched_and_facts_follow_the_data() -> None:
    text = "Fernbrook sells **Fernbrook Invoicing**.\n\n- web\n- API\n"
    saved = {"services": SavedSection(text), "components": SavedSection("Runs on AWS.\n")}
    before = fill_description(FACTS, saved)
    renamed = replace(FACTS, system_name="Fernbrook Billing", control_systems=("AWS", "Stripe"))
    after = fill_description(renamed, saved)
    assert before.section("services").text == after.section("services").text == text
    assert after.section("components").text == "Runs on AWS.\n"
    words = plain_text(after.section("services").facts[0].inlines)  # type: ignore[union-attr]
    assert "Fernbrook Billing system of Fernbrook Software Ltd" in words
    assert "SOC 2 Type 2 report for the period 1 Jan–30 Jun 2026" in words
    assert BulletList(((Run("AWS"),), (Run("Stripe"),))) in after.section("components").facts
    assert saved["services"] == SavedSection(text)


def test_sections_needing_words_are_empty_without_them() -> None:
    description = fill_description(FACTS, {})
    statuses = {item.key: item.status for item in description.sections}
    assert statuses["services"] == SectionStatus.EMPTY
    assert description.section("services").reason == SECTIONS_BY_KEY["services"].empty_hint
    assert statuses["incidents"] == SectionStatus.EMPTY
    assert statuses["cuecs"] == SectionStatus.COMPLETE
    assert statuses["criteria-controls"] == SectionStatus.COMPLETE
    assert statuses["subservice-orgs"] == SectionStatus.COMPLETE
    assert [item.key for item in description.unfinished] == [
        "services",
        "commitments",
        "components",
        "boundaries",
        "incidents",
        "changes",
    ]
    assert description.complete_count == 3


def test_a_fact_section_without_facts_or_words_is_empty() -> None:
    item = section(replace(FACTS, cuecs=()), "cuecs")
    assert item.status == SectionStatus.EMPTY
    assert item.reason.startswith("Add the CUECs on the Scope page")
    item = section(replace(FACTS, cuecs=()), "cuecs", SavedSection("Customers need do nothing."))
    assert item.status == SectionStatus.COMPLETE


def test_items_to_confirm_need_a_review_that_lasts_until_they_change() -> None:
    saved = SavedSection("Runs on AWS, with Okta and GitHub.")
    item = section(FACTS, "components", saved)
    assert item.to_confirm == ("AWS", "GitHub", "Okta")
    assert item.status == SectionStatus.NEEDS_REVIEW
    assert item.reason == "Confirm the 3 systems named on controls, then mark the section reviewed."
    assert marks(item.facts) == ("each system listed is part of the system described, and none is missing",)

    reviewed = section(FACTS, "components", replace(saved, reviewed=item.fingerprint))
    assert reviewed.status == SectionStatus.COMPLETE and reviewed.reviewed
    assert marks(reviewed.facts) == ()

    gone = section(
        replace(FACTS, control_systems=("", " ")), "components", replace(saved, reviewed=item.fingerprint)
    )
    assert (gone.status, gone.to_confirm, gone.facts) == (SectionStatus.COMPLETE, (), ())
    stripe = replace(FACTS, control_systems=(*FACTS.control_systems, "Stripe"))
    again = section(stripe, "components", replace(saved, reviewed=item.fingerprint))
    assert again.fingerprint != item.fingerprint
    assert again.status == SectionStatus.NEEDS_REVIEW


def test_a_criterion_without_control_is_confirmed_by_review_and_then_printed_as_not_applying() -> None:
    facts = replace(FACTS, criteria=(*FACTS.criteria, CriterionControls("CC6.4", ())))
    item = section(facts, "criteria-controls")
    assert item.to_confirm == ("CC6.4 has no control",)
    assert item.status == SectionStatus.NEEDS_REVIEW
    assert item.reason.startswith("1 criterion has no control")
    table = next(block for block in item.facts if isinstance(block, Table))
    assert plain_text(table.rows[0][1]) == "AC-01 Single sign-on with MFA; AC-02 Access review"
    assert plain_text(table.rows[2][1]).startswith("[Confirm: no control")
    done = section(facts, "criteria-controls", SavedSection("CC6.4 is met by AWS.", item.fingerprint))
    assert done.status == SectionStatus.COMPLETE
    table = next(block for block in done.facts if isinstance(block, Table))
    assert plain_text(table.rows[2][1]) == "None: the criterion does not apply (see above)"


def test_open_points_cannot_be_reviewed_away() -> None:
    silent = replace(AWS, monitoring="")
    item = section(
        replace(FACTS, subservice_orgs=(silent,)), "subservice-orgs", SavedSection("AWS hosts it.", "")
    )
    assert item.status == SectionStatus.NEEDS_REVIEW
    assert item.reason == "Amazon Web Services: write down how you monitor it."
    inclusive = replace(AWS, method="inclusive", csocs="", monitoring="")
    item = section(replace(FACTS, subservice_orgs=(inclusive,)), "subservice-orgs")
    assert item.status == SectionStatus.COMPLETE
    assert marks(item.facts) == ()
    no_period = section(
        replace(FACTS, period_start=None, period_end=None), "services", SavedSection("We sell.")
    )
    assert no_period.reason == "The review period or the as-of date is not set: set it on the Scope page."
    soc1 = replace(
        FACTS,
        report_kind="SOC 1",
        objectives=(
            ObjectiveControls("CO-1", "Access is restricted", ()),
            ObjectiveControls("CO-2", "Backups", ()),
        ),
    )
    item = section(soc1, "objectives-controls", SavedSection("Our objectives."))
    assert (
        item.reason == "Objective CO-1 has no control yet: link one on the Scope page. (1 more point like it)"
    )


def test_the_example_copied_word_for_word_is_not_complete() -> None:
    example = SECTIONS_BY_KEY["incidents"].example
    item = section(FACTS, "incidents", SavedSection("  " + example.upper() + "\n"))
    assert item.status == SectionStatus.NEEDS_REVIEW
    assert item.reason == "The text is still the example: write your own."
    own = section(FACTS, "incidents", SavedSection("No significant incidents occurred during the period."))
    assert own.status == SectionStatus.COMPLETE


def test_changes_in_the_period_are_listed_for_review() -> None:
    item = section(FACTS, "changes", SavedSection("We added a control."))
    assert item.to_confirm == ("Control AC-03 added (3 Feb 2026)",)
    assert item.status == SectionStatus.NEEDS_REVIEW
    assert item.reason == "Review the 1 change recorded in the period, then mark the section reviewed."
    bullets = next(block for block in item.facts if isinstance(block, BulletList))
    assert [plain_text(entry) for entry in bullets.items] == ["Control AC-03 added (3 Feb 2026)"]


def test_the_document_has_every_section_the_users_words_and_the_facts() -> None:
    saved = {
        "services": SavedSection("Fernbrook sells **invoicing**.\n\n- web\n- API"),
        "incidents": SavedSection("No significant incidents occurred during the period."),
    }
    description = fill_description(FACTS, saved)
    document = build_description_document(description, prepared=date(2026, 7, 15))
    assert document.title == "Description of the Fernbrook Invoicing system"
    assert document.subtitle == "Fernbrook Software Ltd"
    assert document.contents
    assert dict(document.particulars) == {
        "Report": "SOC 2 Type 2",
        "Period": "1 Jan–30 Jun 2026",
        "Categories": "Security, Availability",
        "Prepared": "15 Jul 2026",
        "Status": "Draft: 5 of 9 sections complete",
    }
    headings = [block.text for block in document.blocks if isinstance(block, Heading) and block.level == 1]
    assert headings == [f"{item.number}. {item.title}" for item in description.sections]
    services = document.blocks.index(Heading(1, "1. Services we provide"))
    covers, summary, own_words, own_list = document.blocks[services + 1 : services + 5]
    assert plain_text(covers.inlines).startswith("This description covers")  # type: ignore[union-attr]
    assert plain_text(summary.inlines) == "Summary: Online invoicing for small businesses."  # type: ignore[union-attr]
    assert plain_text(own_words.inlines) == "Fernbrook sells invoicing."  # type: ignore[union-attr]
    assert isinstance(own_list, BulletList)
    marks = confirm_marks(document)
    assert "not written yet. What the system is made of." in marks
    assert not any(mark.startswith("not written yet. The trust services criteria") for mark in marks)
    unfinished = next(block for block in document.blocks if isinstance(block, BulletList))
    assert len(unfinished.items) == 4
    assert plain_text(unfinished.items[0]).startswith(
        "2. Service commitments and system requirements (not started): Write down what you promise"
    )
    assert plain_text(unfinished.items[3]) == (
        "9. Significant changes during the period (not started): "
        "Describe the significant changes, or say in one sentence that there were none."
    )
    assert isinstance(document.blocks[0], Paragraph)
