"""The path on the Readiness page: each step done or not, and the next step's one button doing it."""

from datetime import date
from typing import Any

from app.services.controls import add_control, list_controls
from app.services.engagements import create_engagement, update_engagement
from app.services.workspace import Workspace
from app.ui.pages.controls import ControlsPage
from app.ui.pages.readiness import ReadinessPage


def test_the_next_step_assigns_every_missing_owner_in_one_undoable_edit(
    qtbot: Any, workspace: Workspace, make_window: Any
) -> None:
    engagement = create_engagement(workspace, name="Owners Co")
    update_engagement(
        workspace,
        engagement.id,
        report_kinds=["SOC 2"],
        report_type="Type 2",
        categories=["Security"],
        period_start=date(2027, 1, 1),
        period_end=date(2027, 6, 30),
    )
    add_control(workspace, engagement_id=engagement.id, ref="A-1", title="One", owner="Dana")
    add_control(workspace, engagement_id=engagement.id, ref="A-2", title="Two", is_key=True)
    add_control(workspace, engagement_id=engagement.id, ref="A-3", title="Three")
    window = make_window()
    page = window.open_page(ReadinessPage)
    assert [(step.key, step.done) for step in page.checklist.steps] == [
        ("scope", True),
        ("seed", True),
        ("owners", False),
        ("evidence", False),
        ("export", False),
    ]
    assert page.next_line.button.text() == "Assign owners…"
    assert "2 controls without an owner" in page.next_line.text.text()
    page.next_line.button.click()
    controls = window.current_page()
    assert isinstance(controls, ControlsPage)
    assert sorted(controls.model.row_by_id(i).ref for i in controls.selected_ids()) == ["A-2", "A-3"]
    dialog = controls.bulk_dialog
    assert dialog is not None and dialog.change["owner"].isChecked() and dialog.focusWidget() is dialog.owner
    dialog.owner.setText("Sam")
    dialog.accept()
    assert {row.ref: row.owner for row in list_controls(workspace, engagement_id=engagement.id)} == {
        "A-1": "Dana",
        "A-2": "Sam",
        "A-3": "Sam",
    }
    window.open_page(ReadinessPage)
    assert page.checklist.steps[2].done and page.next_line.button.text() == "Add evidence files…"
    assert "0 of 1 key control have evidence" in page.next_line.text.text()
    window.context.undo_stack.undo()
    assert [row.owner for row in list_controls(workspace, engagement_id=engagement.id)] == ["Dana", "", ""]


def test_the_rule_panel_shows_both_measures_side_by_side(workspace: Workspace, make_window: Any) -> None:
    create_engagement(workspace, name="Rules Co")
    page = make_window().open_page(ReadinessPage)
    assert page.rule.folded
    page.rule.set_folded(False)
    names = [label.accessibleName() for label in page.rule.labels]
    assert names == ["Rule: Designed: the controls are in place", "Rule: Evidenced: their evidence is there"]
    assert all(label.isVisible() for label in page.rule.labels)
    assert "<li>" in page.rule.labels[1].text() and "Status alone never makes" in page.rule.labels[1].text()
