"""Seeding from the starter library, the SOC 1 objectives view, and the Readiness page."""

from typing import Any

from pytestqt.modeltest import ModelTester

from app.services.controls import add_control, list_controls
from app.services.engagements import create_engagement, update_engagement
from app.services.objectives import list_objectives
from app.services.workspace import Workspace
from app.ui.pages.controls import OBJECTIVES_TAB, ControlsPage
from app.ui.pages.criteria import CriteriaPage
from app.ui.pages.readiness import ReadinessPage


def scoped(workspace: Workspace, **scope: Any) -> int:
    engagement = create_engagement(workspace, name="Seed Co")
    assert engagement.id is not None
    update_engagement(workspace, engagement.id, **scope)
    return engagement.id


def test_seed_from_the_empty_state_and_undo(workspace: Workspace, make_window: Any, interaction: Any) -> None:
    engagement_id = scoped(workspace, report_kinds=["SOC 2"], report_type="Type 1", categories=["Security"])
    window = make_window()
    page = window.open_page(ControlsPage)
    assert page.empty_seed.isVisible()
    interaction.confirmations.append(True)
    page.empty_seed.click()
    assert "Categories: Security" in interaction.asked[-1]
    stored = list_controls(workspace, engagement_id=engagement_id)
    assert len(stored) > 90 and page.model.rowCount() == len(stored)
    assert page.body.currentIndex() == 0
    assert interaction.infos[-1][1].startswith(f"Added {len(stored)} controls")
    window.context.undo_stack.undo()
    assert list_controls(workspace, engagement_id=engagement_id) == []
    assert page.body.currentIndex() == 1
    window.context.undo_stack.redo()
    assert len(list_controls(workspace, engagement_id=engagement_id)) == len(stored)
    assert page.model.rowCount() == len(stored)


def test_soc1_objectives_view(
    workspace: Workspace, make_window: Any, interaction: Any, qtmodeltester: ModelTester
) -> None:
    engagement_id = scoped(workspace, report_kinds=["SOC 1"], report_type="Type 1", business_type="payroll")
    window = make_window()
    page = window.open_page(ControlsPage)
    assert page.tab_names[-1] == OBJECTIVES_TAB
    interaction.confirmations.append(True)
    page.seed_from_library()
    page.show_tab(OBJECTIVES_TAB)
    view = page.objectives_view
    model = view.tree.model()
    qtmodeltester.check(model)
    objectives = list_objectives(workspace, engagement_id=engagement_id)
    assert model.rowCount() == len(objectives) >= 7
    first = model.index(0, 0)
    assert model.rowCount(first) > 0
    view.tree.setCurrentIndex(first)
    checklist = view.link_controls()
    assert checklist is not None
    extra = add_control(workspace, engagement_id=engagement_id, ref="X-1", title="Extra")
    checklist.close()
    view.tree.setCurrentIndex(view.tree.model().index(0, 0))
    checklist = view.link_controls()
    assert checklist is not None
    checklist.set_checked(extra.id, True)
    checklist.accept()
    assert extra.id in list_objectives(workspace, engagement_id=engagement_id)[0].control_ids
    tree = view.tree.model()
    child = tree.index(0, 0, tree.index(0, 0))
    view._activated(child)
    assert page.views.currentWidget() is page.table and len(page.selected_ids()) == 1


def test_readiness_page_bars_gaps_and_jumps(
    workspace: Workspace, make_window: Any, qtmodeltester: ModelTester
) -> None:
    engagement_id = scoped(
        workspace, report_kinds=["SOC 2"], report_type="Type 2", categories=["Security", "Confidentiality"]
    )
    add_control(
        workspace,
        engagement_id=engagement_id,
        ref="C-1",
        title="Classify data",
        criteria="C1.1",
        owner="IT",
        status="implemented",
    )
    add_control(
        workspace,
        engagement_id=engagement_id,
        ref="C-2",
        title="Dispose data",
        criteria="C1.2",
        status="in-progress",
        is_key=True,
    )
    window = make_window()
    page = window.open_page(ReadinessPage)
    qtmodeltester.check(page.gaps)
    assert [(r.category, r.criteria_ready, r.criteria_in_scope) for r in page.bars.rows] == [
        ("Security", 0, 33),
        ("Confidentiality", 1, 2),
    ]
    assert "Confidentiality: 50% designed · 0% evidenced · 2 criteria" in page.bars.accessibleDescription()
    kinds = [gap.kind for gap in page.gaps.all_rows()]
    assert kinds.count("uncovered-criterion") == 33
    matrix = [kind for kind in kinds if kind != "description-section"]
    assert matrix[-2:] == ["key-not-implemented", "no-owner"]
    assert kinds[len(matrix) :] == ["description-section"] * (len(kinds) - len(matrix))
    assert "criterion" in page.bars.toolTip()
    page.open_gap(page.gaps.index(len(matrix) - 1, 0))
    controls = window.current_page()
    assert isinstance(controls, ControlsPage)
    assert [controls.model.row_by_id(i).ref for i in controls.selected_ids()] == ["C-2"]
    window.open_page(ReadinessPage)
    page.open_gap(page.gaps.index(0, 0))
    criteria = window.current_page()
    assert isinstance(criteria, CriteriaPage) and criteria.current_criterion() == "CC1.1"


def test_readiness_follows_edits(workspace: Workspace, make_window: Any) -> None:
    engagement_id = scoped(workspace, report_kinds=["SOC 2"], report_type="Type 2", categories=["Security"])
    row = add_control(
        workspace,
        engagement_id=engagement_id,
        ref="G-1",
        title="Code of conduct",
        criteria="CC1.1",
        owner="HR",
    )
    window = make_window()
    controls = window.open_page(ControlsPage)
    controls.edit([row.id], "status", "ready-for-audit")
    page = window.open_page(ReadinessPage)
    assert page.bars.rows[0].criteria_ready == 1


def test_a_soc1_without_a_business_type_asks_for_one_and_seeds_its_cuecs_and_cloud_provider(
    workspace: Workspace, make_window: Any, interaction: Any
) -> None:
    from app.services.carveouts import list_cuecs, list_subservice_orgs
    from app.services.engagements import get_engagement

    engagement_id = scoped(workspace, report_kinds=["SOC 1"], report_type="Type 1")
    window = make_window()
    page = window.open_page(ControlsPage)
    interaction.choices.append("Payroll processing")
    interaction.confirmations.append(True)
    added = page.seed_from_library()
    assert added and "Payroll processing" in interaction.choices_offered[0]
    assert "All business types" not in interaction.choices_offered[0]
    assert get_engagement(workspace, engagement_id).business_type == "payroll"
    cuecs = list_cuecs(workspace, engagement_id=engagement_id)
    clouds = list_subservice_orgs(workspace, engagement_id=engagement_id)
    assert cuecs and [org.method for org in clouds] == ["carve-out"]
    window.context.undo_stack.undo()
    assert list_cuecs(workspace, engagement_id=engagement_id) == []
    assert list_subservice_orgs(workspace, engagement_id=engagement_id) == []
    assert list_controls(workspace, engagement_id=engagement_id) == []
    window.context.undo_stack.redo()
    assert len(list_cuecs(workspace, engagement_id=engagement_id)) == len(cuecs)
