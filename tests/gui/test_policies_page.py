"""The Policies page: seed, answer, edit, approve, version, import staff and sign-off sheets, record; undo."""

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QComboBox, QLineEdit

from app.domain.policies import load_policy_library
from app.services.engagements import get_engagement, list_engagements
from app.services.evidence import list_evidence
from app.services.policies import (
    approve_policy,
    get_policy,
    get_policy_answers,
    list_policies,
    policy_records,
    seed_policies,
    set_policy_answers,
)
from app.services.staff import import_staff, list_staff, preview_staff_import
from app.services.workspace import Workspace
from app.ui.main_window import MainWindow
from app.ui.pages.engagements import EngagementsPage
from app.ui.pages.policies import PoliciesPage
from app.ui.pages.readiness import ReadinessPage
from app.ui.widgets.policy_editor import MAJOR_WORDS, MINOR_WORDS
from tests.policy_setup import ANSWERS, COMPANY, STAFF_CSV, scoped_engagement, with_policies

TODAY = date.today()


def wait_for_tasks(qtbot: Any, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: not window.context.tasks, timeout=20_000)


def keys(page: PoliciesPage) -> list[str]:
    return [page.model.key_at(row) for row in range(page.model.rowCount())]


def answer(qtbot: Any, field: QLineEdit, text: str) -> None:
    field.selectAll()
    qtbot.keyClicks(field, text)
    field.editingFinished.emit()


def test_seeding_answering_editing_approving_and_versioning_are_undoable_steps(
    qtbot: Any, workspace: Workspace, make_window: Any
) -> None:
    engagement_id = scoped_engagement(workspace)
    window = make_window()
    undo, redo = window.context.undo_stack.undo, window.context.undo_stack.redo
    page = window.open_page(PoliciesPage)
    assert page.empty.isVisible() and not page.table.isVisible()
    qtbot.mouseClick(page.seed_button, Qt.MouseButton.LeftButton)
    expected = [t.key for t in load_policy_library().for_categories(["Security", "Availability"])]
    assert keys(page) == expected and page.count.text() == f"{len(expected)} policies"
    undo()
    assert page.model.rowCount() == 0 and list_policies(workspace, engagement_id=engagement_id) == []
    redo()
    assert keys(page) == expected

    form = page.questionnaire
    page.tabs.setCurrentWidget(form)
    assert isinstance(form.fields["company"], QLineEdit) and form.fields["company"].text() == COMPANY
    for key, value in ANSWERS.items():
        field = form.fields[key]
        assert isinstance(field, QLineEdit)
        answer(qtbot, field, value)
    cadence = form.fields["review_cadence"]
    assert isinstance(cadence, QComboBox) and cadence.currentData() == "annual"
    assert get_policy_answers(workspace, engagement_id=engagement_id)["identity_provider"] == "Okta"
    undo()
    assert "privacy_owner" not in get_policy_answers(workspace, engagement_id=engagement_id)
    assert form.fields["privacy_owner"].text() == ""  # type: ignore[union-attr]
    redo()

    page.select_policy("backup")
    editor = page.editor
    assert editor.heading.text() == "Backup Policy" and "Version 1.0 is a draft" in editor.state.text()
    assert COMPANY in editor.preview.toPlainText() and "{{" not in editor.preview.toPlainText()
    editor.tabs.setCurrentWidget(editor.text)
    editor.text.setPlainText(editor.text.toPlainText() + "\nThe night shift checks every backup.\n")
    editor.save_text()
    assert get_policy(workspace, engagement_id=engagement_id, key="backup").latest.body.endswith("backup.\n")
    undo()
    assert "night shift" not in get_policy(workspace, engagement_id=engagement_id, key="backup").latest.body
    redo()

    answer(qtbot, editor.lines["owner"], "Head of Operations")
    assert get_policy(workspace, engagement_id=engagement_id, key="backup").owner == "Head of Operations"
    assert editor.approve_button.text() == "Approve version 1.0"
    editor.approver.setText("Jane Doe, CEO")
    editor.approved_on.set_value(TODAY - timedelta(days=3))
    qtbot.mouseClick(editor.approve_button, Qt.MouseButton.LeftButton)
    approved = get_policy(workspace, engagement_id=engagement_id, key="backup")
    assert approved.in_force is not None and approved.in_force.approved_on == TODAY - timedelta(days=3)
    assert "night shift" in approved.in_force.body and editor.lifecycle.currentIndex() == 1
    assert editor.text.isReadOnly() and "approved by Jane Doe, CEO" in editor.state.text()
    undo()
    assert get_policy(workspace, engagement_id=engagement_id, key="backup").in_force is None
    assert editor.lifecycle.currentIndex() == 0
    redo()

    assert editor.change_words.text() == MINOR_WORDS
    editor.major.setChecked(True)
    assert editor.change_words.text() == MAJOR_WORDS
    editor.summary.setText("Restore tests every quarter")
    qtbot.mouseClick(editor.version_button, Qt.MouseButton.LeftButton)
    versioned = get_policy(workspace, engagement_id=engagement_id, key="backup")
    assert versioned.draft is not None and versioned.draft.version == "2.0"
    assert editor.approve_button.text() == "Approve version 2.0" and not editor.text.isReadOnly()
    assert "Restore tests every quarter" in editor.history.toPlainText()
    undo()
    assert get_policy(workspace, engagement_id=engagement_id, key="backup").draft is None


def test_filters_show_due_reviews_and_search_finds_policies_by_control(
    qtbot: Any, workspace: Workspace, make_window: Any
) -> None:
    engagement_id = with_policies(workspace)
    for key, days in (("backup", 380), ("access-control", 10)):
        approve_policy(
            workspace,
            engagement_id=engagement_id,
            key=key,
            approved_by="Jane Doe, CEO",
            approved_on=TODAY - timedelta(days=days),
        )
    window = make_window()
    page = window.open_page(PoliciesPage)
    page.filter_box.setCurrentIndex(page.filter_box.findData("review"))
    assert keys(page) == ["backup"] and page.model.index(0, 3).data() == "Overdue"
    page.filter_box.setCurrentIndex(page.filter_box.findData("not-approved"))
    assert "backup" not in keys(page) and "access-control" not in keys(page) and len(keys(page)) > 10
    page.filter_box.setCurrentIndex(0)
    window.search.setText("BCP-02")
    relying = [p.key for p in list_policies(workspace, engagement_id=engagement_id) if "BCP-02" in p.controls]
    assert (
        "backup" in relying and keys(page) == relying and page.count.text().startswith(f"{len(relying)} of ")
    )


def test_staff_and_sign_off_sheets_are_read_off_the_gui_thread_and_recorded_undoably(
    qtbot: Any, workspace: Workspace, make_window: Any, interaction: Any, tmp_path: Path
) -> None:
    engagement_id = with_policies(workspace)
    approve_policy(
        workspace,
        engagement_id=engagement_id,
        key="code-of-conduct",
        approved_by="Jane Doe, CEO",
        approved_on=TODAY - timedelta(days=60),
    )
    window = make_window()
    undo = window.context.undo_stack.undo
    page = window.open_page(PoliciesPage)
    panel = page.acknowledgements
    page.tabs.setCurrentWidget(panel)
    assert panel.empty.isVisible() and not panel.record_button.isEnabled()

    staff = tmp_path / "staff.csv"
    staff.write_text(STAFF_CSV, encoding="utf-8")
    interaction.files.append([staff])
    interaction.confirmations.append(True)
    page.import_staff_list()
    wait_for_tasks(qtbot, window)
    assert "4 people: 4 new" in interaction.asked[-1]
    assert len(list_staff(workspace, engagement_id=engagement_id)) == 4
    assert panel.policy_box.currentData() == "code-of-conduct" and panel.register.rowCount() == 3
    assert "3 people on the staff list today, 1 others left" in panel.summary.text()

    sheet = tmp_path / "signed.csv"
    signed_on = TODAY - timedelta(days=20)
    sheet.write_text(
        f'Employee,Date signed\n"Doe, Jane",{signed_on.isoformat()}\nAna Silva,\n', encoding="utf-8"
    )
    interaction.files.append([sheet])
    interaction.confirmations.append(True)
    qtbot.mouseClick(panel.import_signoff_button, Qt.MouseButton.LeftButton)
    wait_for_tasks(qtbot, window)
    assert (
        "records 1 new acknowledgements" in interaction.asked[-1]
        and "1 people have not signed" in interaction.asked[-1]
    )
    states = {panel.register.index(r, 1).data(): panel.register.index(r, 4).data() for r in range(3)}
    assert states["jane.doe@northbeam.example"] == "Acknowledged"

    panel.show_box.setCurrentIndex(panel.show_box.findData("outstanding"))
    assert sorted(panel.register.index(r, 1).data() for r in range(panel.register.rowCount())) == [
        "ana.silva@northbeam.example",
        "sam.lee@northbeam.example",
    ]
    panel.table.selectRow(0)
    interaction.texts.append((TODAY - timedelta(days=2)).isoformat())
    qtbot.mouseClick(panel.record_button, Qt.MouseButton.LeftButton)
    recorded = policy_records(workspace, engagement_id=engagement_id).acknowledgements
    assert len(recorded) == 2 and recorded[-1].acknowledged_on == TODAY - timedelta(days=2)
    assert panel.register.rowCount() == 1
    undo()
    assert len(policy_records(workspace, engagement_id=engagement_id).acknowledgements) == 1

    panel.show_box.setCurrentIndex(panel.show_box.findData("late"))
    assert (
        panel.table.model() is panel.late and panel.days.isEnabled() and not panel.record_button.isEnabled()
    )
    late = {panel.late.index(r, 1).data() for r in range(panel.late.rowCount())}
    assert late == {"ana.silva@northbeam.example", "sam.lee@northbeam.example", "jane.doe@northbeam.example"}
    panel.days.setValue(45)
    assert {panel.late.index(r, 1).data() for r in range(panel.late.rowCount())} == {
        "ana.silva@northbeam.example",
        "sam.lee@northbeam.example",
    }

    undo()
    undo()
    assert policy_records(workspace, engagement_id=engagement_id).acknowledgements == ()
    assert list_staff(workspace, engagement_id=engagement_id) == []
    assert not panel.empty.isHidden() and panel.table.isHidden()


def test_the_register_is_attached_as_evidence_in_one_step_and_policies_export(
    qtbot: Any, workspace: Workspace, make_window: Any, interaction: Any, tmp_path: Path
) -> None:
    engagement_id = with_policies(workspace, approve=("access-control",))
    staff = tmp_path / "staff.csv"
    staff.write_text(STAFF_CSV, encoding="utf-8")
    import_staff(
        workspace,
        engagement_id=engagement_id,
        imported=preview_staff_import(workspace, engagement_id=engagement_id, path=staff).imported,
    )
    window = make_window()
    page = window.open_page(PoliciesPage)
    interaction.save_paths.append(tmp_path / "register.xlsx")
    page.attach_register()
    (evidence,) = list_evidence(workspace, engagement_id=engagement_id)
    assert (evidence.title, evidence.controls) == ("Policy acknowledgement register", ["GOV-01", "HR-03"])
    window.context.undo_stack.undo()
    assert list_evidence(workspace, engagement_id=engagement_id) == []

    page.tabs.setCurrentIndex(0)
    page.select_policy("access-control")
    for button, name in ((page.pdf_button, "access.pdf"), (page.word_button, "access.docx")):
        interaction.save_paths.append(tmp_path / name)
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        assert (tmp_path / name).stat().st_size > 1000 and interaction.infos[-1][1].endswith(name)
    page.select_policy("hr-security")
    set_policy_answers(workspace, engagement_id=engagement_id, answers={"hr_system": ""})
    assert "HR system" in page.editor.gaps.text()
    interaction.save_paths.append(tmp_path / "hr.pdf")
    page.export_pdf()
    assert "answer these policy questions first: HR system" in interaction.errors[-1][1]
    assert not (tmp_path / "hr.pdf").exists()


def test_a_policy_gap_on_the_readiness_page_opens_the_policy(
    qtbot: Any, workspace: Workspace, make_window: Any
) -> None:
    with_policies(workspace)
    window = make_window()
    readiness = window.open_page(ReadinessPage)
    rows = [readiness.gaps.row_at(r) for r in range(readiness.gaps.rowCount())]
    backup = next(r for r, gap in enumerate(rows) if gap.policy_key == "backup")
    assert readiness.gaps.index(backup, 0).data() == "A policy it relies on is not approved"
    readiness.gap_view.activated.emit(readiness.gaps.index(backup, 0))
    page = window.page(PoliciesPage)
    assert window.current_page() is page and page.editor.heading.text() == "Backup Policy"


def test_rolling_forward_from_the_engagements_page(
    qtbot: Any, workspace: Workspace, make_window: Any, interaction: Any
) -> None:
    old_id = with_policies(workspace)
    window = make_window()
    page = window.open_page(EngagementsPage)
    page.table.selectionModel().setCurrentIndex(
        page.model.index(page.model.row_of(old_id), 0),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )
    interaction.texts.append("Northbeam FY2026")
    interaction.confirmations.append(False)
    qtbot.mouseClick(page.roll_forward_button, Qt.MouseButton.LeftButton)
    assert interaction.asked[-2] == "Name of the next period's engagement:"
    question = interaction.asked[-1]
    assert "a Type 2 for 1 Jan–31 Dec 2026" in question and "Not carried over:" in question
    assert "evidence and its links to controls" in question
    assert len(list_engagements(workspace)) == 1
    interaction.texts.append("Northbeam FY2026")
    interaction.confirmations.append(True)
    window.page_at(0).roll_forward_selected()  # type: ignore[attr-defined]
    new = next(e for e in list_engagements(workspace) if e.name == "Northbeam FY2026")
    assert (
        window.context.engagement_id == new.id and window.engagement_box.currentText() == "Northbeam FY2026"
    )
    assert get_engagement(workspace, new.id).period_start == date(2026, 1, 1)
    assert len(list_policies(workspace, engagement_id=new.id)) == len(
        list_policies(workspace, engagement_id=old_id)
    )


def test_text_typed_before_choosing_another_engagement_is_saved_to_its_own_engagement(
    qtbot: Any, workspace: Workspace, make_window: Any
) -> None:
    first = with_policies(workspace)
    second = scoped_engagement(workspace, name="Other Co FY2025")
    seed_policies(workspace, engagement_id=second)
    window = make_window()
    window.context.set_engagement(first)
    page = window.open_page(PoliciesPage)
    page.select_policy("backup")
    page.editor.text.setPlainText(page.editor.text.toPlainText() + "\nKept in a second region.\n")
    window.context.set_engagement(second)
    assert "second region" in get_policy(workspace, engagement_id=first, key="backup").latest.body
    assert "second region" not in get_policy(workspace, engagement_id=second, key="backup").latest.body
    assert page.editor.engagement_id == second and "second region" not in page.editor.text.toPlainText()
