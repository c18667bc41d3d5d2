"""Every data edit made in the window is one undoable step: done, undone, redone, and the pages follow."""

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QApplication, QLineEdit, QWizard

from app.services.carveouts import list_cuecs, list_subservice_orgs
from app.services.controls import add_control, list_controls
from app.services.engagements import create_engagement, get_engagement, update_engagement
from app.services.evidence import add_evidence, get_evidence, list_evidence, open_store
from app.services.objectives import list_objectives
from app.services.workspace import Workspace
from app.ui.main_window import MainWindow
from app.ui.pages.controls import OBJECTIVES_TAB, ControlsPage
from app.ui.pages.engagements import EngagementsPage
from app.ui.pages.evidence import EvidencePage
from app.ui.pages.scope import ScopePage


def scoped(workspace: Workspace) -> int:
    engagement = create_engagement(workspace, name="Undo Co", company="Undo Ltd")
    update_engagement(
        workspace,
        engagement.id,
        report_kinds=["SOC 1", "SOC 2"],
        report_type="Type 2",
        categories=["Security"],
        period_start=date(2026, 1, 1),
        period_end=date(2026, 6, 30),
    )
    return engagement.id


def undo_redo(window: MainWindow) -> tuple[Any, Any]:
    return window.context.undo_stack.undo, window.context.undo_stack.redo


def test_cuecs_added_edited_and_deleted_are_undone_and_redone(
    qtbot: Any, workspace: Workspace, make_window: Any, interaction: Any
) -> None:
    engagement_id = scoped(workspace)
    window = make_window()
    undo, redo = undo_redo(window)
    page = window.open_page(ScopePage)
    panel = page.cuecs
    page.tabs.setCurrentWidget(panel)
    panel.add_record()
    assert [c.ref for c in list_cuecs(workspace, engagement_id=engagement_id)] == ["CUEC-01"]
    assert panel.table.currentIndex().column() == 1  # editing starts in the description
    assert panel.model.rowCount() == 1
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit) and editor.text() == "Describe what customers must do"
    editor.selectAll()
    qtbot.keyClicks(editor, "Customers review the reports we send")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: panel.table.state() != QAbstractItemView.State.EditingState)
    assert list_cuecs(workspace, engagement_id=engagement_id)[0].description.startswith("Customers review")
    undo()
    assert (
        list_cuecs(workspace, engagement_id=engagement_id)[0].description == "Describe what customers must do"
    )
    assert panel.model.index(0, 1).data() == "Describe what customers must do"
    redo()
    assert list_cuecs(workspace, engagement_id=engagement_id)[0].description.startswith("Customers review")

    panel.table.selectRow(0)
    interaction.confirmations.append(True)
    panel.delete_selected()
    assert list_cuecs(workspace, engagement_id=engagement_id) == [] and panel.model.rowCount() == 0
    undo()
    (back,) = list_cuecs(workspace, engagement_id=engagement_id)
    assert back.description.startswith("Customers review") and panel.model.rowCount() == 1
    undo()
    undo()
    assert list_cuecs(workspace, engagement_id=engagement_id) == []
    redo()
    assert [c.ref for c in list_cuecs(workspace, engagement_id=engagement_id)] == ["CUEC-01"]


def test_a_subservice_organization_added_starts_editing_its_name_and_is_undone(
    workspace: Workspace, make_window: Any
) -> None:
    engagement_id = scoped(workspace)
    window = make_window()
    undo, _redo = undo_redo(window)
    panel = window.open_page(ScopePage).subservice
    panel.add_record()
    assert panel.table.currentIndex().column() == 0
    assert [s.name for s in list_subservice_orgs(workspace, engagement_id=engagement_id)] == [
        "Subservice organization 1"
    ]
    undo()
    assert list_subservice_orgs(workspace, engagement_id=engagement_id) == []
    assert panel.model.rowCount() == 0


def test_engagement_details_and_the_business_type_are_undone(workspace: Workspace, make_window: Any) -> None:
    engagement_id = scoped(workspace)
    window = make_window()
    undo, redo = undo_redo(window)
    details = window.open_page(EngagementsPage).details
    details.lines["auditor_firm"].setText("Numbers LLP")
    details.lines["auditor_firm"].editingFinished.emit()
    assert get_engagement(workspace, engagement_id).auditor_firm == "Numbers LLP"
    undo()
    assert get_engagement(workspace, engagement_id).auditor_firm == ""
    assert details.lines["auditor_firm"].text() == ""
    redo()
    assert get_engagement(workspace, engagement_id).auditor_firm == "Numbers LLP"

    scope = window.open_page(ScopePage)
    scope.business_type.setCurrentIndex(scope.business_type.findData("payroll"))
    scope.business_type.activated.emit(scope.business_type.currentIndex())
    assert get_engagement(workspace, engagement_id).business_type == "payroll"
    undo()
    assert get_engagement(workspace, engagement_id).business_type == ""
    assert scope.business_type.currentData() == ""


def test_evidence_links_and_fields_are_undone(workspace: Workspace, make_window: Any, tmp_path: Path) -> None:
    engagement_id = scoped(workspace)
    control = add_control(
        workspace, engagement_id=engagement_id, ref="AC-1", title="Access", criteria="CC6.1"
    )
    source = tmp_path / "list.csv"
    source.write_text("user\n")
    (row,) = add_evidence(workspace, engagement_id=engagement_id, files=[source])
    window = make_window()
    undo, redo = undo_redo(window)
    page = window.open_page(EvidencePage)
    page.select(row.id)
    checklist = page.details.edit_links()
    assert checklist is not None
    checklist.set_checked(control.id, True)
    checklist.accept()
    assert get_evidence(workspace, row.id).controls == ["AC-1"]
    assert page.model.row_by_id(row.id).controls == ["AC-1"]
    undo()
    assert get_evidence(workspace, row.id).controls == []
    redo()
    assert get_evidence(workspace, row.id).controls == ["AC-1"]

    page.details.title.setText("Access list, January")
    page.details.title.editingFinished.emit()
    assert get_evidence(workspace, row.id).title == "Access list, January"
    undo()
    assert get_evidence(workspace, row.id).title == "list"


def test_evidence_deleted_from_the_page_comes_back_with_its_links_until_the_window_closes(
    workspace: Workspace, make_window: Any, interaction: Any, tmp_path: Path
) -> None:
    engagement_id = scoped(workspace)
    control = add_control(
        workspace, engagement_id=engagement_id, ref="AC-1", title="Access", criteria="CC6.1"
    )
    source = tmp_path / "access-review.csv"
    source.write_text("user,decision\nana,keep\n")
    (row,) = add_evidence(workspace, engagement_id=engagement_id, files=[source], control_ids=[control.id])
    window = make_window()
    undo, redo = undo_redo(window)
    page = window.open_page(EvidencePage)
    page.select(row.id)
    interaction.confirmations.append(True)
    page.delete_selected()
    assert "Edit ▸ Undo brings them back" in interaction.asked[-1]
    assert list_evidence(workspace, engagement_id=engagement_id) == [] and page.model.rowCount() == 0
    assert open_store(workspace).contains(row.sha256)
    undo()
    assert get_evidence(workspace, row.id).controls == ["AC-1"]
    assert page.model.row_by_id(row.id).file_name == "access-review.csv"
    redo()
    assert list_evidence(workspace, engagement_id=engagement_id) == []
    window.close()
    assert not open_store(workspace).contains(row.sha256), "closing the window ends the undo: the copy goes"


def test_objectives_added_linked_and_deleted_are_undone(
    workspace: Workspace, make_window: Any, interaction: Any
) -> None:
    engagement_id = scoped(workspace)
    control = add_control(
        workspace, engagement_id=engagement_id, ref="AC-1", title="Access", criteria="CC6.1"
    )
    window = make_window()
    undo, redo = undo_redo(window)
    page = window.open_page(ControlsPage)
    page.show_tab(OBJECTIVES_TAB)
    view = page.objectives_view
    interaction.texts.append("Access is limited to authorised people")
    view.add_objective()
    assert [o.ref for o in list_objectives(workspace, engagement_id=engagement_id)] == ["CO-01"]
    assert view.tree.model().rowCount() == 1
    view.tree.setCurrentIndex(view.tree.model().index(0, 0))
    checklist = view.link_controls()
    assert checklist is not None
    checklist.set_checked(control.id, True)
    checklist.accept()
    assert list_objectives(workspace, engagement_id=engagement_id)[0].control_ids == [control.id]
    undo()
    assert list_objectives(workspace, engagement_id=engagement_id)[0].control_ids == []
    redo()
    view.tree.setCurrentIndex(view.tree.model().index(0, 0))
    interaction.confirmations.append(True)
    view.delete_objective()
    assert list_objectives(workspace, engagement_id=engagement_id) == []
    undo()
    (back,) = list_objectives(workspace, engagement_id=engagement_id)
    assert back.ref == "CO-01" and back.control_ids == [control.id]


def test_applying_the_wizard_is_one_step_undone(qtbot: Any, workspace: Workspace, make_window: Any) -> None:
    engagement = create_engagement(workspace, name="Wizard Undo Co")
    window = make_window()
    undo, redo = undo_redo(window)
    wizard = window.open_page(ScopePage).open_wizard()
    assert wizard is not None
    wizard.service.boxes["customer_data"].setChecked(True)
    while wizard.currentId() != wizard.pageIds()[-1]:
        qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)
    assert get_engagement(workspace, engagement.id).report_kinds == ["SOC 2"]
    assert "SOC 2" in window.scope_label.text()
    undo()
    undone = get_engagement(workspace, engagement.id)
    assert (undone.report_kinds, undone.scoping_answers, undone.categories) == ([], None, [])
    assert "Scope not set" in window.scope_label.text()
    redo()
    assert get_engagement(workspace, engagement.id).report_kinds == ["SOC 2"]


def test_a_refused_edit_leaves_nothing_to_undo(
    workspace: Workspace, make_window: Any, interaction: Any
) -> None:
    engagement_id = scoped(workspace)
    add_control(workspace, engagement_id=engagement_id, ref="AC-1", title="One")
    second = add_control(workspace, engagement_id=engagement_id, ref="AC-2", title="Two")
    window = make_window()
    page = window.open_page(ControlsPage)
    assert not page.edit([second.id], "ref", "AC-1")
    assert interaction.errors and "already exists" in interaction.errors[-1][1]
    assert window.context.undo_stack.count() == 0
    assert {row.ref for row in list_controls(workspace, engagement_id=engagement_id)} == {"AC-1", "AC-2"}
