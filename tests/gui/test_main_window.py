"""The main window: engagements, criteria browser, navigation, remembered state."""

from typing import Any

from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester

from app.services.engagements import create_engagement, list_engagements
from app.services.workspace import Workspace
from app.ui.main_window import MainWindow
from app.ui.pages.criteria import CRITERION_ROLE, CriteriaPage
from app.ui.pages.engagements import EngagementsPage
from app.ui.pages.readiness import ReadinessPage


def visible_rows(view: Any) -> int:
    return view.model().rowCount()


def test_empty_workspace_explains_what_to_do(window: MainWindow) -> None:
    page = window.page(EngagementsPage)
    assert isinstance(page, EngagementsPage)
    assert window.current_page() is page
    assert page.empty.isVisible() and "creating the engagement" in page.empty.text()
    assert page.path.isVisible()
    assert [step.key for step in page.path.steps] == [
        "engagement",
        "scope",
        "seed",
        "owners",
        "evidence",
        "export",
    ]
    assert [key for key, button in page.path.buttons.items() if button.isEnabled()] == ["engagement"]
    assert not any(step.done for step in page.path.steps)
    assert "Create or choose an engagement" in window.scope_label.text()
    assert [window.sidebar.item(i).text() for i in range(window.sidebar.count())] == [
        "Engagements",
        "Readiness",
        "Scope",
        "Controls",
        "Evidence",
        "Requests",
        "Documents",
        "Policies",
        "Exports",
        "",
        "Criteria",
    ]
    assert page.demo_button.isVisible()


def test_create_rename_and_delete_engagement_by_clicks(
    qtbot: Any, window: MainWindow, interaction: Any, workspace: Workspace
) -> None:
    page = window.page(EngagementsPage)
    assert isinstance(page, EngagementsPage)
    interaction.texts.append("Northbeam 2026")
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    assert [e.name for e in list_engagements(workspace)] == ["Northbeam 2026"]
    assert window.engagement_box.currentText() == "Northbeam 2026"
    assert page.model.rowCount() == 1
    readiness = window.current_page()
    assert isinstance(readiness, ReadinessPage), "a new engagement opens on the path"
    assert readiness.checklist.isVisible() and readiness.next_line.button.text() == "Run the scoping wizard…"
    window.open_page(EngagementsPage)

    page.details.lines["company"].setText("Northbeam Analytics")
    page.details.lines["company"].editingFinished.emit()
    assert list_engagements(workspace)[0].company == "Northbeam Analytics"
    assert "Northbeam Analytics" in window.scope_label.text()
    assert window.saved_label.text() == "Saved"

    interaction.texts.append("Northbeam FY26")
    qtbot.mouseClick(page.rename_button, Qt.MouseButton.LeftButton)
    assert window.engagement_box.currentText() == "Northbeam FY26"

    interaction.confirmations.append(False)
    qtbot.mouseClick(page.delete_button, Qt.MouseButton.LeftButton)
    assert "0 controls" in interaction.asked[-1]
    assert len(list_engagements(workspace)) == 1
    interaction.confirmations.append(True)
    qtbot.mouseClick(page.delete_button, Qt.MouseButton.LeftButton)
    assert list_engagements(workspace) == []
    assert page.empty.isVisible()
    assert window.context.engagement_id is None


def test_duplicate_name_shows_a_plain_error(
    qtbot: Any, window: MainWindow, interaction: Any, workspace: Workspace
) -> None:
    create_engagement(workspace, name="Taken")
    window.reload_engagements()
    interaction.texts.append("Taken")
    window.new_engagement()
    assert interaction.errors and "already exists" in interaction.errors[0][1]
    assert len(list_engagements(workspace)) == 1


def test_switching_engagement_from_the_bar(qtbot: Any, workspace: Workspace, make_window: Any) -> None:
    first = create_engagement(workspace, name="Alpha", company="Alpha Co")
    second = create_engagement(workspace, name="Beta", company="Beta Co")
    window = make_window()
    assert window.context.engagement_id == first.id
    window.engagement_box.setCurrentIndex(1)
    window.engagement_box.activated.emit(1)
    assert window.context.engagement_id == second.id
    assert "Beta Co" in window.scope_label.text()


def test_window_remembers_geometry_page_and_engagement(
    qtbot: Any, workspace: Workspace, make_window: Any
) -> None:
    create_engagement(workspace, name="Alpha")
    beta = create_engagement(workspace, name="Beta")
    window = make_window()
    assert (window.width(), window.height()) == (1280, 800)
    window.context.set_engagement(beta.id)
    window.resize(760, 560)  # within the offscreen screen, so restoring is not clamped
    window.open_page(CriteriaPage)
    window.close()
    again = make_window()
    assert again.context.engagement_id == beta.id
    assert isinstance(again.current_page(), CriteriaPage)
    assert (again.width(), again.height()) == (760, 560)


def test_keyboard_shortcuts_reach_pages_and_search(qtbot: Any, window: MainWindow) -> None:
    criteria_key = Qt.Key(Qt.Key.Key_0 + (window.index_of(CriteriaPage) + 1) % 10)  # Ctrl+0: the tenth
    qtbot.keyClick(window, criteria_key, Qt.KeyboardModifier.ControlModifier)
    assert isinstance(window.current_page(), CriteriaPage)
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.search.hasFocus()
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert isinstance(window.current_page(), EngagementsPage)
    assert not window.search.isEnabled()


def test_criteria_browser_searches_and_explains(qtbot: Any, window: MainWindow) -> None:
    page = window.open_page(CriteriaPage)
    assert visible_rows(page.tree) == 5
    qtbot.keyClicks(window.search, "backup")
    proxy = page.proxy
    found = [proxy.index(r, 0) for r in range(proxy.rowCount())]
    assert found and all(
        "backup" in page.model.data(proxy.mapToSource(i), Qt.ItemDataRole.UserRole + 2)
        or proxy.rowCount(i) > 0
        for i in found
    )
    page.select_criterion("A1.2")
    assert page.current_criterion() == "A1.2"
    html = page.text.toPlainText()
    assert "A1.2" in html and "What auditors look for" in html and "Typical evidence" in html
    window.search.clear()
    assert visible_rows(page.tree) == 5


def test_criteria_model_is_a_correct_item_model(qtmodeltester: ModelTester, window: MainWindow) -> None:
    page = window.page(CriteriaPage)
    assert isinstance(page, CriteriaPage)
    qtmodeltester.check(page.model)
    qtmodeltester.check(page.proxy)
    ids = page.model.match(
        page.model.index(0, 0),
        CRITERION_ROLE,
        "CC6.1",
        -1,
        Qt.MatchFlag.MatchExactly | Qt.MatchFlag.MatchRecursive,
    )
    assert len(ids) == 1


def test_engagement_model_is_a_correct_item_model(
    qtmodeltester: ModelTester, workspace: Workspace, make_window: Any
) -> None:
    create_engagement(workspace, name="Alpha")
    window = make_window()
    page = window.page(EngagementsPage)
    assert isinstance(page, EngagementsPage)
    qtmodeltester.check(page.model)


def test_about_names_the_version(window: MainWindow, interaction: Any) -> None:
    from app import __version__

    window.show_about()
    assert __version__ in interaction.infos[-1][1]


def test_every_page_action_has_a_menu_entry_enabled_on_its_page(
    workspace: Workspace, make_window: Any
) -> None:
    from app.ui.pages.controls import ControlsPage

    create_engagement(workspace, name="Menus")
    window = make_window()
    menus = {action.text().replace("&", "") for action in window.menuBar().actions()}
    assert {"File", "Edit", "Go", "Engagement", "Scope", "Controls", "Evidence", "Export", "Help"} <= menus
    for index, spec in enumerate(window.pages):
        page = window.page_at(index)
        for _text, _shortcut, method in (spec.menu or ("", ()))[1]:
            assert callable(getattr(page, method)), (spec.title, method)
    window.open_page(ControlsPage)
    controls_actions = window.page_menu_actions[window.index_of(ControlsPage)]
    assert all(action.isEnabled() for action in controls_actions)
    window.open_page(CriteriaPage)
    assert not any(action.isEnabled() for action in controls_actions)


def test_records_and_tree_models_are_correct_item_models(
    qtmodeltester: ModelTester, workspace: Workspace, make_window: Any
) -> None:
    from app.domain.vocab import CATEGORIES
    from app.services.controls import add_control, list_controls
    from app.ui.pages.controls import build_criterion_tree
    from app.ui.pages.scope import ScopePage
    from app.ui.widgets.criteria_picker import CriteriaPicker

    engagement = create_engagement(workspace, name="Models")
    add_control(workspace, engagement_id=engagement.id or 0, ref="A-1", title="T", criteria="CC6.1,A1.2")
    qtmodeltester.check(
        build_criterion_tree(list_controls(workspace, engagement_id=engagement.id or 0), CATEGORIES)
    )
    picker = CriteriaPicker(["CC6.1"])
    qtmodeltester.check(picker.model)
    qtmodeltester.check(picker.proxy)
    window = make_window()
    scope = window.open_page(ScopePage)
    scope.cuecs.add_record()
    qtmodeltester.check(scope.cuecs.model)
