"""The control matrix in the window: add, edit in place and in the panel, map criteria, undo,
filter, bulk edit, delete, tabs per category and the by-criterion view."""

from typing import Any

from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester

from app.services.controls import add_control, list_controls
from app.services.engagements import create_engagement, update_engagement
from app.services.workspace import Workspace
from app.ui.main_window import MainWindow
from app.ui.pages.controls import CRITERION_TAB, ControlsPage


def seeded(workspace: Workspace) -> int:
    engagement = create_engagement(workspace, name="Matrix Co")
    assert engagement.id is not None
    update_engagement(
        workspace,
        engagement.id,
        report_kinds=["SOC 2"],
        report_type="Type 2",
        categories=["Security", "Availability"],
    )
    rows = [
        ("ACC-01", "Quarterly access review", "CC6.2,CC6.3", "Dana", "quarterly", True, "implemented"),
        ("ACC-02", "MFA on every system", "CC6.1", "Dana", "continuous", True, "in-progress"),
        ("BCP-01", "Restore test", "A1.3", "Sam", "annual", False, "not-started"),
        ("CHG-10", "Change approval", "CC8.1", "", "per-event", True, "ready-for-audit"),
        ("CHG-2", "Emergency changes reviewed", "CC8.1", "Lee", "monthly", False, "exception"),
    ]
    for ref, title, criteria, owner, frequency, key, status in rows:
        add_control(
            workspace,
            engagement_id=engagement.id,
            ref=ref,
            title=title,
            criteria=criteria,
            owner=owner,
            frequency=frequency,
            is_key=key,
            status=status,
        )
    return engagement.id


def controls_page(window: MainWindow) -> ControlsPage:
    return window.open_page(ControlsPage)


def visible_refs(page: ControlsPage) -> list[str]:
    return [page.model.row_at(row).ref for row in range(page.model.rowCount())]


def stored(workspace: Workspace, engagement_id: int) -> dict[str, Any]:
    return {row.ref: row for row in list_controls(workspace, engagement_id=engagement_id)}


def test_matrix_model_is_a_correct_item_model(
    qtmodeltester: ModelTester, workspace: Workspace, make_window: Any
) -> None:
    seeded(workspace)
    page = controls_page(make_window())
    qtmodeltester.check(page.model)
    page.apply_search("access")
    qtmodeltester.check(page.model)


def test_empty_state_offers_the_next_step(workspace: Workspace, make_window: Any) -> None:
    create_engagement(workspace, name="Empty Co")
    page = controls_page(make_window())
    assert page.body.currentIndex() == 1 and "No controls yet" in page.empty.text()
    page.empty_add.click()
    assert page.body.currentIndex() == 0 and visible_refs(page) == ["CTL-001"]


def test_tabs_per_category_and_by_criterion(workspace: Workspace, make_window: Any) -> None:
    seeded(workspace)
    page = controls_page(make_window())
    assert page.tab_names == ["All controls", "Security", "Availability", CRITERION_TAB]
    assert len(visible_refs(page)) == 5
    page.show_tab("Availability")
    assert visible_refs(page) == ["BCP-01"]
    page.show_tab("Security")
    assert sorted(visible_refs(page)) == ["ACC-01", "ACC-02", "CHG-10", "CHG-2"]
    page.show_tab(CRITERION_TAB)
    tree = page.criterion_view.model()
    security = tree.item(0, 0)
    assert security.text().startswith("Security — 4 of 33 criteria covered")
    texts = [security.child(r, 0).text() for r in range(security.rowCount())]
    assert any(t.startswith("CC6.4") and "gap: no control yet" in t for t in texts)
    cc81 = next(
        security.child(r, 0)
        for r in range(security.rowCount())
        if security.child(r, 0).text().startswith("CC8.1")
    )
    assert sorted(cc81.child(r, 0).text().split()[0] for r in range(cc81.rowCount())) == ["CHG-10", "CHG-2"]
    page._open_from_tree(cc81.child(0, 0).index())
    assert page.views.currentWidget() is page.table and len(page.selected_ids()) == 1


def test_search_filters_and_sort(qtbot: Any, workspace: Workspace, make_window: Any) -> None:
    seeded(workspace)
    window = make_window()
    page = controls_page(window)
    qtbot.keyClicks(window.search, "chang")
    assert sorted(visible_refs(page)) == ["CHG-10", "CHG-2"]
    assert page.count.text() == "2 of 5 controls"
    window.search.clear()
    page.status_filter.setCurrentIndex(page.status_filter.findData("in-progress"))
    assert visible_refs(page) == ["ACC-02"]
    page.status_filter.setCurrentIndex(0)
    page.owner_filter.setCurrentIndex(page.owner_filter.findData("Dana"))
    assert sorted(visible_refs(page)) == ["ACC-01", "ACC-02"]
    page.owner_filter.setCurrentIndex(0)
    page.key_filter.setChecked(True)
    assert sorted(visible_refs(page)) == ["ACC-01", "ACC-02", "CHG-10"]
    page.key_filter.setChecked(False)
    page.table.sortByColumn(page.model.column_of("ref"), Qt.SortOrder.AscendingOrder)
    assert visible_refs(page) == ["ACC-01", "ACC-02", "BCP-01", "CHG-2", "CHG-10"]
    page.table.sortByColumn(page.model.column_of("status"), Qt.SortOrder.DescendingOrder)
    assert visible_refs(page)[0] == "CHG-2"  # exception sorts last in the vocabulary


def test_edit_in_place_and_undo_redo(workspace: Workspace, make_window: Any) -> None:
    engagement_id = seeded(workspace)
    window = make_window()
    page = controls_page(window)
    page.table.sortByColumn(page.model.column_of("ref"), Qt.SortOrder.AscendingOrder)
    index = page.model.index(0, page.model.column_of("owner"))
    assert page.model.setData(index, "Priya")
    assert stored(workspace, engagement_id)["ACC-01"].owner == "Priya"
    assert page.model.index(0, page.model.column_of("owner")).data() == "Priya"
    key = page.model.index(2, page.model.column_of("is_key"))
    assert page.model.setData(key, Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    assert stored(workspace, engagement_id)["BCP-01"].is_key is True
    window.context.undo_stack.undo()
    assert stored(workspace, engagement_id)["BCP-01"].is_key is False
    window.context.undo_stack.undo()
    assert stored(workspace, engagement_id)["ACC-01"].owner == "Dana"
    assert page.model.index(0, page.model.column_of("owner")).data() == "Dana"
    window.context.undo_stack.redo()
    assert stored(workspace, engagement_id)["ACC-01"].owner == "Priya"
    bad = page.model.index(0, page.model.column_of("remediation_due"))
    assert not page.model.setData(bad, "next week")
    assert window.context.interaction.errors[-1][1].startswith("Remediation due")


def test_detail_panel_edits_are_saved_and_undoable(
    qtbot: Any, workspace: Workspace, make_window: Any
) -> None:
    engagement_id = seeded(workspace)
    window = make_window()
    page = controls_page(window)
    ref = "ACC-02"
    page.select_control(stored(workspace, engagement_id)[ref].id)
    title = page.details.widgets["title"]
    title.setText("MFA enforced everywhere")
    title.editingFinished.emit()
    status = page.details.widgets["status"]
    status.setCurrentIndex(status.findData("implemented"))
    status.activated.emit(status.currentIndex())
    row = stored(workspace, engagement_id)[ref]
    assert (row.title, row.status) == ("MFA enforced everywhere", "implemented")
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert stored(workspace, engagement_id)[ref].status == "in-progress"
    assert page.details.widgets["status"].currentData() == "in-progress"


def test_map_criteria_with_the_picker(workspace: Workspace, make_window: Any) -> None:
    engagement_id = seeded(workspace)
    page = controls_page(make_window())
    page.select_control(stored(workspace, engagement_id)["BCP-01"].id)
    picker = page.map_criteria()
    assert picker is not None and picker.selected() == ["A1.3"]
    picker.search.setText("backup")
    assert 0 < picker.proxy.rowCount() < 61
    picker.set_checked("A1.2", True)
    picker.set_checked("P8.1", True)
    picker.accept()
    assert stored(workspace, engagement_id)["BCP-01"].criteria == ["A1.2", "A1.3", "P8.1"]
    assert "A1.2, A1.3, P8.1" in page.details.criteria_label.text()
    page.context.undo_stack.undo()
    assert stored(workspace, engagement_id)["BCP-01"].criteria == ["A1.3"]


def test_add_duplicate_delete_and_undo(workspace: Workspace, make_window: Any, interaction: Any) -> None:
    engagement_id = seeded(workspace)
    window = make_window()
    page = controls_page(window)
    added = page.add_control()
    assert added is not None and added.ref == "CTL-001"
    page.select_control(stored(workspace, engagement_id)["ACC-01"].id)
    page.duplicate_selected()
    copy = stored(workspace, engagement_id)["ACC-01-copy"]
    assert copy.criteria == ["CC6.2", "CC6.3"]
    assert page.selected_ids() == [copy.id]
    interaction.confirmations.append(True)
    page.delete_selected()
    assert "ACC-01-copy" in interaction.asked[-1]
    assert "ACC-01-copy" not in stored(workspace, engagement_id)
    window.context.undo_stack.undo()
    assert stored(workspace, engagement_id)["ACC-01-copy"].id == copy.id
    assert page.model.row_of(copy.id) >= 0
    window.context.undo_stack.undo()
    window.context.undo_stack.undo()
    assert "ACC-01-copy" not in stored(workspace, engagement_id)
    assert "CTL-001" not in stored(workspace, engagement_id)
    assert len(visible_refs(page)) == 5


def test_bulk_edit_owner_status_frequency(workspace: Workspace, make_window: Any) -> None:
    engagement_id = seeded(workspace)
    window = make_window()
    page = controls_page(window)
    page.table.selectAll()
    dialog = page.bulk_edit()
    assert dialog is not None
    dialog.change["owner"].setChecked(True)
    dialog.owner.setText("Compliance lead")
    dialog.change["frequency"].setChecked(True)
    dialog.frequency.setCurrentIndex(dialog.frequency.findData("monthly"))
    dialog.accept()
    rows = stored(workspace, engagement_id).values()
    assert {(r.owner, r.frequency) for r in rows} == {("Compliance lead", "monthly")}
    assert {r.status for r in rows} == {
        "implemented",
        "in-progress",
        "not-started",
        "ready-for-audit",
        "exception",
    }
    window.context.undo_stack.undo()
    assert stored(workspace, engagement_id)["BCP-01"].owner == "Sam"
    assert stored(workspace, engagement_id)["BCP-01"].frequency == "annual"


def test_column_choice_is_remembered(workspace: Workspace, make_window: Any) -> None:
    seeded(workspace)
    window = make_window()
    page = controls_page(window)
    column = page.model.column_of("population_source")
    assert page.table.isColumnHidden(column)
    page.set_column_visible(column, True)
    window.close()
    again = controls_page(make_window())
    assert not again.table.isColumnHidden(column)


def test_long_texts_follow_the_first_paint(qtbot: Any, workspace: Workspace, make_window: Any) -> None:
    engagement_id = seeded(workspace)
    row = stored(workspace, engagement_id)["BCP-01"]
    from app.services.controls import update_control

    update_control(workspace, row.id, description="Ops restores last night's snapshot into staging")
    window = make_window()
    page = controls_page(window)
    assert page.model.row_by_id(row.id).description == ""  # the matrix paints from the usual columns first
    page.select_control(row.id)
    assert page.details.widgets["description"].toPlainText().startswith("Ops restores")
    qtbot.keyClicks(window.search, "snapshot")
    assert visible_refs(page) == ["BCP-01"]
    assert page.model.row_by_id(row.id).description.startswith("Ops restores")
    column = page.model.column_of("description")
    page.set_column_visible(column, True)
    assert page.model.index(0, column).data().startswith("Ops restores")


def test_text_being_typed_is_saved_when_the_window_closes(
    qtbot: Any, workspace: Workspace, make_window: Any
) -> None:
    engagement_id = seeded(workspace)
    window = make_window()
    page = controls_page(window)
    page.select_control(stored(workspace, engagement_id)["BCP-01"].id)
    notes = page.details.widgets["notes"]
    notes.setFocus()
    qtbot.waitUntil(notes.hasFocus)
    qtbot.keyClicks(notes, "Restore took 42 minutes")
    window.close()
    assert stored(workspace, engagement_id)["BCP-01"].notes == "Restore took 42 minutes"
