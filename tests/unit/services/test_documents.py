"""Description sections and incidents stored, drafts filled from the engagement, documents read back."""

import re
import zipfile
from datetime import date, timedelta
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_COLOR_INDEX
from pypdf import PdfReader
from sqlmodel import select

from app.db.models import ChangeLog
from app.domain.description import SectionStatus
from app.domain.periods import format_day
from app.services.carveouts import add_cuec, add_subservice_org
from app.services.controls import add_control, update_control
from app.services.documents import (
    add_incident,
    delete_incidents,
    document_drafts,
    list_incidents,
    restore_incidents,
    set_description_section,
    update_incident,
)
from app.services.engagements import create_engagement, update_engagement
from app.services.errors import InvalidInputError, NotFoundError
from app.services.exports import run_export
from app.services.readiness import engagement_readiness
from app.services.workspace import Workspace

TODAY = date.today()
START = TODAY - timedelta(days=40)
PRIOR_END = START - timedelta(days=1)

pytestmark = pytest.mark.backends


def scoped(workspace: Workspace, **changes: object) -> int:
    engagement = create_engagement(workspace, name="Harbour", company="Harbour Ledger Ltd")
    values: dict[str, object] = {
        "system_name": "Harbour Books",
        "report_kinds": ["SOC 2"],
        "report_type": "Type 2",
        "categories": ["Security", "Availability"],
        "period_start": START,
        "period_end": START + timedelta(days=364),
    }
    values.update(changes)
    update_engagement(workspace, engagement.id, **values)
    return engagement.id


def test_section_text_is_saved_as_written_logged_and_an_unknown_key_refused(workspace: Workspace) -> None:
    engagement_id = scoped(workspace)
    text = "Harbour Books keeps the books of **small firms**.\r\n\r\n- web app\r\n- API  "
    saved = set_description_section(workspace, engagement_id=engagement_id, key="services", text=text)
    assert saved.text == "Harbour Books keeps the books of **small firms**.\n\n- web app\n- API  "
    section = document_drafts(workspace, engagement_id=engagement_id).descriptions[0].section("services")
    assert section.text == saved.text and section.status == SectionStatus.COMPLETE
    with workspace.session() as session:
        logged = session.exec(select(ChangeLog).where(ChangeLog.entity == "description")).all()
    assert [(entry.entity_ref, entry.field, entry.new_value) for entry in logged] == [
        ("services", "text", saved.text)
    ]
    with pytest.raises(InvalidInputError, match="no section 'servces'"):
        set_description_section(workspace, engagement_id=engagement_id, key="servces", text="x")
    with pytest.raises(NotFoundError):
        set_description_section(workspace, engagement_id=999, key="services", text="x")


def test_text_of_a_section_outside_the_scope_is_kept_for_when_it_returns(workspace: Workspace) -> None:
    engagement_id = scoped(workspace)
    set_description_section(
        workspace, engagement_id=engagement_id, key="commitments", text="We promise uptime."
    )
    update_engagement(workspace, engagement_id, report_kinds=["SOC 1"])
    soc1 = document_drafts(workspace, engagement_id=engagement_id)
    assert [item.facts.report_kind for item in soc1.descriptions] == ["SOC 1"]
    assert soc1.saved["commitments"].text == "We promise uptime."
    update_engagement(workspace, engagement_id, report_kinds=["SOC 2"])
    soc2 = document_drafts(workspace, engagement_id=engagement_id).descriptions[0]
    assert soc2.section("commitments").text == "We promise uptime."


def test_marking_reviewed_holds_until_the_items_to_confirm_change(workspace: Workspace) -> None:
    engagement_id = scoped(workspace)
    control = add_control(
        workspace, engagement_id=engagement_id, ref="AC-01", title="SSO", systems="Okta, AWS"
    )
    set_description_section(workspace, engagement_id=engagement_id, key="components", text="Runs on AWS.")
    section = document_drafts(workspace, engagement_id=engagement_id).descriptions[0].section("components")
    assert section.to_confirm == ("AWS", "Okta") and section.status == SectionStatus.NEEDS_REVIEW
    set_description_section(
        workspace, engagement_id=engagement_id, key="components", reviewed=section.fingerprint
    )
    reviewed = document_drafts(workspace, engagement_id=engagement_id).descriptions[0].section("components")
    assert reviewed.status == SectionStatus.COMPLETE and reviewed.text == "Runs on AWS."
    update_control(workspace, control.id, systems="Okta, AWS, GitHub")
    again = document_drafts(workspace, engagement_id=engagement_id).descriptions[0].section("components")
    assert again.status == SectionStatus.NEEDS_REVIEW and "GitHub" in again.to_confirm


def test_drafts_fill_from_the_engagement_and_the_change_log_in_the_period(workspace: Workspace) -> None:
    engagement_id = scoped(workspace)
    add_control(workspace, engagement_id=engagement_id, ref="AC-01", title="SSO with MFA", criteria="CC6.1")
    add_cuec(
        workspace, engagement_id=engagement_id, ref="CUEC-01", description="Customers manage their users."
    )
    add_subservice_org(workspace, engagement_id=engagement_id, name="AWS", services="hosting")
    description = document_drafts(workspace, engagement_id=engagement_id).descriptions[0]
    facts = description.facts
    assert (facts.company, facts.system_name, facts.period_start) == (
        "Harbour Ledger Ltd",
        "Harbour Books",
        START,
    )
    assert next(item for item in facts.criteria if item.ref == "CC6.1").controls[0].ref == "AC-01"
    assert [cuec.ref for cuec in facts.cuecs] == ["CUEC-01"]
    assert [org.name for org in facts.subservice_orgs] == ["AWS"]
    changes = description.section("changes").to_confirm
    day = format_day(TODAY)
    assert f"Control AC-01 added ({day})" in changes
    assert f"Subservice organization AWS added ({day})" in changes
    gaps = engagement_readiness(workspace, engagement_id=engagement_id).gaps
    assert "subservice-orgs" in [gap.section for gap in gaps]


def test_incidents_are_added_changed_deleted_and_restored_and_bad_input_refused(workspace: Workspace) -> None:
    engagement_id = scoped(workspace)
    first = add_incident(
        workspace, engagement_id=engagement_id, on="2026-02-14", summary=" Dashboards  down. "
    )
    second = add_incident(workspace, engagement_id=engagement_id, on=date(2026, 1, 9), summary="Phishing.")
    assert first.summary == "Dashboards down."
    assert [row.on for row in list_incidents(workspace, engagement_id=engagement_id)] == [
        date(2026, 1, 9),
        date(2026, 2, 14),
    ]
    changed = update_incident(workspace, first.id, on="2026-02-15", summary="Dashboards down for 35 minutes.")
    assert (changed.on, changed.summary) == (date(2026, 2, 15), "Dashboards down for 35 minutes.")
    snapshot = delete_incidents(workspace, [second.id])
    assert [row.id for row in list_incidents(workspace, engagement_id=engagement_id)] == [first.id]
    assert [row.summary for row in restore_incidents(workspace, snapshot)] == ["Phishing."]
    assert len(list_incidents(workspace, engagement_id=engagement_id)) == 2
    with pytest.raises(InvalidInputError, match="say in a few words what happened"):
        add_incident(workspace, engagement_id=engagement_id, on="2026-02-14", summary="  ")
    with pytest.raises(InvalidInputError, match="'14/02/2026' is not a date in the form YYYY-MM-DD"):
        update_incident(workspace, first.id, on="14/02/2026")
    with pytest.raises(InvalidInputError, match="no field colour"):
        update_incident(workspace, first.id, colour="red")
    assert update_incident(workspace, first.id).on == date(2026, 2, 15)


def pdf_text(path: Path) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(path).pages)


def word_text(path: Path) -> list[str]:
    return [paragraph.text for paragraph in docx.Document(str(path)).paragraphs]


def worked(workspace: Workspace) -> int:
    engagement_id = scoped(
        workspace,
        scoping_answers={"prior_report": {"report": "SOC 2", "type": "Type 2", "period_end": str(PRIOR_END)}},
        bridge_through=TODAY,
    )
    add_control(workspace, engagement_id=engagement_id, ref="AC-01", title="SSO with MFA", criteria="CC6.1")
    add_cuec(
        workspace, engagement_id=engagement_id, ref="CUEC-01", description="Customers manage their users."
    )
    add_incident(workspace, engagement_id=engagement_id, on=TODAY, summary="Dashboards down for 35 minutes.")
    set_description_section(
        workspace, engagement_id=engagement_id, key="services", text="Harbour Books keeps **the books**."
    )
    return engagement_id


def test_description_written_as_pdf_and_word_reads_back_sections_text_and_dates(
    workspace: Workspace, tmp_path: Path
) -> None:
    engagement_id = worked(workspace)
    pdf = run_export(workspace, engagement_id=engagement_id, kind="description", target=tmp_path / "d.pdf")
    word = run_export(workspace, engagement_id=engagement_id, kind="description", target=tmp_path / "d.docx")
    prepared = format_day(pdf.as_of.date())
    text = pdf_text(pdf.path)
    assert "Description of the Harbour Books system" in text and f"Prepared {prepared}" in text
    assert "1. Services we provide" in text and "9. Significant changes during the period" in text
    assert "Harbour Books keeps the books." in text
    assert "[Confirm: not written yet." in text
    paragraphs = word_text(word.path)
    assert paragraphs[0] == "Description of the Harbour Books system"
    headings = [p.text for p in docx.Document(str(word.path)).paragraphs if p.style.name == "Heading 1"]
    assert headings[0] == "1. Services we provide" and len(headings) == 9
    assert "Harbour Books keeps the books." in paragraphs
    assert f"Prepared: {prepared}" in paragraphs
    bold = [run.text for p in docx.Document(str(word.path)).paragraphs for run in p.runs if run.bold]
    assert "the books" in bold


def test_assertion_and_bridge_letter_read_back_with_dates_changes_and_confirm_marks(
    workspace: Workspace, tmp_path: Path
) -> None:
    engagement_id = worked(workspace)
    assertion = run_export(
        workspace, engagement_id=engagement_id, kind="assertion", target=tmp_path / "a.pdf"
    )
    span = f"{format_day(START)} to {format_day(START + timedelta(days=364))}"
    text = pdf_text(assertion.path)
    assert "Management's assertion" in text and f"throughout the period {span}" in text
    assert "[Confirm: name of the person signing]" in text
    letter = run_export(
        workspace, engagement_id=engagement_id, kind="bridge-letter", target=tmp_path / "b.docx"
    )
    paragraphs = word_text(letter.path)
    assert f"Covers: {format_day(START)} to {format_day(TODAY)}" in paragraphs
    assert f"Prior report: SOC 2 Type 2 report for the period ending {format_day(PRIOR_END)}" in paragraphs
    assert f"Control AC-01 added ({format_day(TODAY)}) [Confirm: material? reword or remove]" in paragraphs
    assert f"{format_day(TODAY)}: Dashboards down for 35 minutes." in paragraphs
    assert "Customers manage their users." in paragraphs
    marks = [
        run.text
        for p in docx.Document(str(letter.path)).paragraphs
        for run in p.runs
        if run.font.highlight_color == WD_COLOR_INDEX.YELLOW
    ]
    assert "[Confirm: name of the person signing]" in marks


def test_documents_refuse_plainly_and_the_package_holds_the_description_in_both_formats(
    workspace: Workspace, tmp_path: Path
) -> None:
    engagement_id = scoped(workspace)
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(InvalidInputError, match="has no SOC report yet, so there is nothing to bridge"):
        run_export(workspace, engagement_id=engagement_id, kind="bridge-letter", target=out / "b.pdf")
    with pytest.raises(InvalidInputError, match=r"written as \.pdf or \.docx"):
        run_export(workspace, engagement_id=engagement_id, kind="description", target=out / "d.txt")
    assert not list(out.iterdir())
    package = run_export(workspace, engagement_id=engagement_id, kind="package", target=tmp_path / "p.zip")
    with zipfile.ZipFile(package.path) as archive:
        names = [name.split("/", 1)[1] for name in archive.namelist()]
        readme = archive.read(f"{archive.namelist()[0].split('/')[0]}/README.txt").decode()
    assert {"system-description.pdf", "system-description.docx"} <= set(names)
    assert "system-description.docx" in readme
    update_engagement(workspace, engagement_id, report_kinds=[])
    bare = run_export(workspace, engagement_id=engagement_id, kind="package", target=tmp_path / "q.zip")
    with zipfile.ZipFile(bare.path) as archive:
        assert not any(name.endswith("/system-description.pdf") for name in archive.namelist())
        readme = archive.read(f"{archive.namelist()[0].split('/')[0]}/README.txt").decode()
    assert re.search(r"system-description\.pdf +not included: Choose the report \(SOC 1 or SOC 2\)", readme)
