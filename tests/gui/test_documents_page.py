"""The Documents page: writing the description, marking it reviewed, the letters, exports, and the demo."""

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import docx

from app.domain.description import SectionStatus
from app.services.controls import add_control, update_control
from app.services.documents import document_drafts, list_incidents
from app.services.engagements import create_engagement, get_engagement, list_engagements, update_engagement
from app.services.workspace import Workspace
from app.ui.main_window import PAGES, MainWindow
from app.ui.pages.documents import DocumentsPage
from app.ui.pages.engagements import EngagementsPage
from app.ui.pages.readiness import ReadinessPage

TODAY = date.today()
START = TODAY - timedelta(days=40)
PRIOR_END = START - timedelta(days=1)


def scoped(workspace: Workspace, **changes: Any) -> int:
    engagement = create_engagement(workspace, name="Docs Co", company="Docs Ltd")
    values: dict[str, Any] = {
        "system_name": "Docs Cloud",
        "report_kinds": ["SOC 2"],
        "report_type": "Type 2",
        "categories": ["Security"],
        "period_start": START,
        "period_end": START + timedelta(days=180),
    }
    update_engagement(workspace, engagement.id, **(values | changes))
    add_control(
        workspace, engagement_id=engagement.id, ref="AC-1", title="SSO", criteria="CC6.1", systems="Okta"
    )
    return engagement.id


def section(workspace: Workspace, engagement_id: int, key: str) -> Any:
    return document_drafts(workspace, engagement_id=engagement_id).descriptions[0].section(key)


def open_documents(window: MainWindow, engagement_id: int) -> DocumentsPage:
    window.context.set_engagement(engagement_id)
    return window.open_page(DocumentsPage)


def test_a_section_is_written_saved_when_left_undone_and_kept_in_step(
    qtbot: Any, workspace: Workspace, make_window: Any
) -> None:
    engagement_id = scoped(workspace)
    window = make_window()
    page = open_documents(window, engagement_id)
    editor = page.description.editor
    assert page.description.sections.count() == 9
    assert editor.title.text() == "1. Services we provide"
    assert "Docs Cloud system of Docs Ltd" in editor.known.toPlainText()
    editor.text.setFocus()
    qtbot.keyClicks(editor.text, "We sell Docs Cloud.")
    page.description.select_section("commitments")
    assert section(workspace, engagement_id, "services").text == "We sell Docs Cloud."
    qtbot.waitUntil(lambda: "Complete" in page.description.sections.item(0).toolTip())
    window.context.undo_stack.undo()
    assert section(workspace, engagement_id, "services").text == ""
    page.description.select_section("services")
    qtbot.waitUntil(lambda: editor.text.toPlainText() == "")
    window.context.undo_stack.redo()
    qtbot.waitUntil(lambda: editor.text.toPlainText() == "We sell Docs Cloud.")
    assert window.context.undo_stack.undoText() == "Edit the description: Services we provide"
    page.description.select_section("components")
    assert "Okta" in editor.known.toPlainText()
    control = add_control(workspace, engagement_id=engagement_id, ref="AC-2", title="Keys", systems="Vault")
    qtbot.waitUntil(lambda: "Vault" in editor.known.toPlainText())
    update_control(workspace, control.id, systems="HashiCorp Vault")
    qtbot.waitUntil(lambda: "HashiCorp Vault" in editor.known.toPlainText())


def test_marking_reviewed_is_one_undoable_step(qtbot: Any, workspace: Workspace, make_window: Any) -> None:
    engagement_id = scoped(workspace)
    window = make_window()
    page = open_documents(window, engagement_id)
    page.description.select_section("components")
    editor = page.description.editor
    assert editor.review_button.isEnabled() and "1 item to confirm" in editor.review_state.text()
    editor.review_button.click()
    assert section(workspace, engagement_id, "components").reviewed
    qtbot.waitUntil(lambda: not editor.review_button.isEnabled())
    assert "have not changed since" in editor.review_state.text()
    window.context.undo_stack.undo()
    assert not section(workspace, engagement_id, "components").reviewed
    qtbot.waitUntil(editor.review_button.isEnabled)


def test_the_bridge_letter_follows_its_day_and_incidents_or_says_why_not(
    qtbot: Any, workspace: Workspace, make_window: Any
) -> None:
    prior = {"prior_report": {"report": "SOC 2", "type": "Type 2", "period_end": PRIOR_END.isoformat()}}
    engagement_id = scoped(workspace)
    other = scoped_other(workspace)
    window = make_window()
    page = open_documents(window, other)
    page.tabs.setCurrentIndex(2)
    assert not page.bridge.setup.isVisible() and "has no SOC report yet" in page.bridge.warnings.text()
    assert not page.export_buttons[("bridge-letter", "pdf")].isEnabled()
    update_engagement(workspace, engagement_id, scoping_answers=prior)
    page = open_documents(window, engagement_id)
    assert (
        page.bridge.setup.isVisible()
        and "SOC 2 Type 2 report for the period ending" in page.bridge.prior.text()
    )
    through = START + timedelta(days=20)
    page.bridge.through.line.setText(through.isoformat())
    page.bridge.through.line.editingFinished.emit()
    assert get_engagement(workspace, engagement_id).bridge_through == through
    qtbot.waitUntil(lambda: f"to {through.day} " in page.bridge.letter.view.toPlainText())
    page.bridge.incidents.add_record()
    (incident,) = list_incidents(workspace, engagement_id=engagement_id)
    assert incident.summary == "Describe what happened"
    qtbot.waitUntil(lambda: "Describe what happened" in page.bridge.letter.view.toPlainText())
    window.context.undo_stack.undo()
    assert list_incidents(workspace, engagement_id=engagement_id) == []
    window.context.undo_stack.undo()
    assert get_engagement(workspace, engagement_id).bridge_through is None
    assert page.bridge.letter.marks.count() > 0


def scoped_other(workspace: Workspace) -> int:
    engagement = create_engagement(workspace, name="No report yet")
    update_engagement(
        workspace, engagement.id, report_kinds=["SOC 2"], report_type="Type 1", as_of_date=TODAY
    )
    return engagement.id


def test_documents_export_as_word_from_the_page(
    workspace: Workspace, make_window: Any, interaction: Any, tmp_path: Path
) -> None:
    engagement_id = scoped(workspace)
    window = make_window()
    page = open_documents(window, engagement_id)
    page.description.editor.text.setPlainText("We sell Docs Cloud.")
    interaction.save_paths.append(tmp_path / "description")
    written = page.export("description", "docx")
    assert written == tmp_path / "description.docx"
    assert "We sell Docs Cloud." in [p.text for p in docx.Document(str(written)).paragraphs]
    assert "Wrote description.docx" in page.result.text()
    page.tabs.setCurrentIndex(1)
    interaction.save_paths.append(tmp_path / "assertion.pdf")
    page.export_pdf()
    assert (tmp_path / "assertion.pdf").read_bytes().startswith(b"%PDF")
    assert interaction.errors == []


def test_a_description_gap_opens_its_section(qtbot: Any, workspace: Workspace, make_window: Any) -> None:
    engagement_id = scoped(workspace)
    window = make_window()
    window.context.set_engagement(engagement_id)
    readiness = window.open_page(ReadinessPage)
    gaps = readiness.gaps.all_rows()
    row = next(number for number, gap in enumerate(gaps) if gap.section == "commitments")
    assert readiness.gaps.index(row, 1).data().startswith("System description “")
    assert readiness.gaps.index(row, 2).data() == "Finish it on the Documents page"
    readiness.open_gap(readiness.gaps.index(row, 0))
    page = window.current_page()
    assert isinstance(page, DocumentsPage)
    assert page.description.current_key() == "commitments"
    assert page.description.editor.title.text() == "2. Service commitments and system requirements"


def test_the_demo_is_offered_on_first_start_shown_on_every_page_and_deleted_in_one_action(
    qtbot: Any, workspace: Workspace, make_window: Any, interaction: Any
) -> None:
    window = make_window()
    engagements = window.page(EngagementsPage)
    assert engagements.demo_button.isVisible() and not window.demo_badge.isVisible()
    engagements.demo_button.click()
    qtbot.waitUntil(lambda: window.context.engagement_id is not None, timeout=30_000)
    assert window.demo_badge.isVisible() and "(demo)" in window.scope_label.text()
    assert not engagements.demo_button.isVisible()
    for index in range(len(PAGES)):
        window.show_page(index)
        assert window.current_page().isVisible()
    documents = window.page(DocumentsPage)
    assert documents.description.sections.count() == 9
    assert documents.description.editor.section is not None
    statuses = {
        item.status
        for item in document_drafts(workspace, engagement_id=window.context.engagement_id or 0)
        .descriptions[0]
        .sections
    }
    assert statuses == set(SectionStatus)
    assert interaction.errors == []
    interaction.confirmations.append(True)
    assert window.demo_badge.delete_demo()
    assert "Your own engagements are not touched" in interaction.asked[-1]
    assert list_engagements(workspace) == [] and not window.demo_badge.isVisible()


def test_text_typed_before_choosing_another_engagement_stays_with_its_own(
    qtbot: Any, workspace: Workspace, make_window: Any
) -> None:
    engagement_id = scoped(workspace)
    other = scoped_other(workspace)
    window = make_window()
    page = open_documents(window, engagement_id)
    qtbot.keyClicks(page.description.editor.text, "Ours.")
    window.context.set_engagement(other)
    assert section(workspace, engagement_id, "services").text == "Ours."
    assert section(workspace, other, "services").text == ""
    qtbot.waitUntil(lambda: page.description.editor.text.toPlainText() == "")
