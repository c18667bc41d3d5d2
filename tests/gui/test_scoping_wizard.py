"""The scoping wizard, clicked through every branch, and the Scope page."""

from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard
from sqlmodel import select

from app.db.models import ChangeLog
from app.domain.scoping import recommend
from app.services.engagements import create_engagement, get_engagement
from app.services.workspace import Workspace
from app.ui.main_window import MainWindow
from app.ui.pages.scope import ScopePage
from app.ui.wizard import (
    PAGE_CATEGORIES,
    PAGE_PROVIDERS,
    PAGE_SERVICE,
    PAGE_SUMMARY,
    PAGE_TIMING,
    ScopingWizard,
)


def open_wizard(window: MainWindow) -> ScopingWizard:
    page = window.open_page(ScopePage)
    wizard = page.open_wizard()
    assert wizard is not None
    return wizard


def click(qtbot: Any, wizard: ScopingWizard, button: QWizard.WizardButton) -> None:
    qtbot.mouseClick(wizard.button(button), Qt.MouseButton.LeftButton)


NEXT = QWizard.WizardButton.NextButton
FINISH = QWizard.WizardButton.FinishButton


def test_soc1_only_branch_skips_categories_and_applies_a_type1(
    qtbot: Any, workspace: Workspace, make_window: Any
) -> None:
    engagement = create_engagement(workspace, name="Payroll Co")
    window = make_window()
    wizard = open_wizard(window)
    assert wizard.currentId() == PAGE_SERVICE
    wizard.service.boxes["financial_reporting_impact"].setChecked(True)
    click(qtbot, wizard, NEXT)
    assert wizard.currentId() == PAGE_TIMING
    click(qtbot, wizard, NEXT)
    assert wizard.currentId() == PAGE_PROVIDERS
    click(qtbot, wizard, NEXT)
    assert wizard.currentId() == PAGE_SUMMARY
    assert "SOC 1 — Type 1 now, then a Type 2" in wizard.summary.text.toPlainText()
    click(qtbot, wizard, FINISH)
    stored = get_engagement(workspace, engagement.id or 0)
    assert (stored.report_kinds, stored.report_type, stored.categories) == (["SOC 1"], "Type 1", [])
    assert stored.as_of_date is not None and stored.period_start is None
    assert stored.scoping_answers and stored.scoping_answers["financial_reporting_impact"] is True
    assert "SOC 1 Type 1" in window.scope_label.text()


def test_soc2_branch_asks_categories_and_applies_a_type2(
    qtbot: Any, workspace: Workspace, make_window: Any
) -> None:
    engagement = create_engagement(workspace, name="SaaS Co")
    window = make_window()
    wizard = open_wizard(window)
    wizard.service.boxes["customer_data"].setChecked(True)
    click(qtbot, wizard, NEXT)
    assert wizard.currentId() == PAGE_CATEGORIES
    wizard.categories.boxes["availability_commitments"].setChecked(True)
    click(qtbot, wizard, NEXT)
    assert wizard.currentId() == PAGE_TIMING
    wizard.timing.operating.setValue(7)
    wizard.timing.deadline.setValue(7)
    click(qtbot, wizard, NEXT)
    click(qtbot, wizard, NEXT)
    text = wizard.summary.text.toPlainText()
    assert "SOC 2 — Type 2" in text and "Availability, because you promise customers uptime." in text
    recommended = recommend(wizard.answers(), date.today())
    assert wizard.summary.months.value() == recommended.observation_months
    assert recommended.observation_months is not None and recommended.observation_months < 6  # the deadline
    click(qtbot, wizard, FINISH)
    stored = get_engagement(workspace, engagement.id or 0)
    assert (stored.report_kinds, stored.report_type, stored.categories) == (
        ["SOC 2"],
        "Type 2",
        ["Security", "Availability"],
    )
    assert stored.period_start is not None and stored.period_end is not None
    assert stored.period_start.day == 1
    months = (
        (stored.period_end.year - stored.period_start.year) * 12
        + stored.period_end.month
        - stored.period_start.month
        + 1
    )
    assert months == recommended.observation_months
    page = window.page(ScopePage)
    assert "Security, Availability" in page.text.toPlainText()


def test_no_report_branch_warns(qtbot: Any, workspace: Workspace, make_window: Any) -> None:
    create_engagement(workspace, name="Tiny Co")
    wizard = open_wizard(make_window())
    click(qtbot, wizard, NEXT)
    assert wizard.currentId() == PAGE_TIMING
    click(qtbot, wizard, NEXT)
    click(qtbot, wizard, NEXT)
    assert "No SOC report indicated" in wizard.summary.text.toPlainText()
    assert "Warning: Nothing you answered" in wizard.summary.text.toPlainText()


def test_an_override_needs_a_reason_which_is_kept(qtbot: Any, workspace: Workspace, make_window: Any) -> None:
    engagement = create_engagement(workspace, name="Override Co")
    window = make_window()
    wizard = open_wizard(window)
    wizard.service.boxes["customer_data"].setChecked(True)
    for _ in range(4):
        click(qtbot, wizard, NEXT)
    assert wizard.currentId() == PAGE_SUMMARY
    wizard.summary.type_box.setCurrentText("Type 2")
    wizard.summary.months.setValue(4)
    click(qtbot, wizard, FINISH)
    assert wizard.currentId() == PAGE_SUMMARY
    assert "give a reason" in wizard.summary.problem.text()
    assert get_engagement(workspace, engagement.id or 0).report_type is None
    qtbot.keyClicks(wizard.summary.reason, "Our largest customer requires a Type 2")
    click(qtbot, wizard, FINISH)
    stored = get_engagement(workspace, engagement.id or 0)
    assert stored.report_type == "Type 2"
    assert stored.scoping_overrides == {
        "report_type": {"value": "Type 2", "reason": "Our largest customer requires a Type 2"},
        "observation_months": {"value": 4, "reason": "Our largest customer requires a Type 2"},
    }
    assert stored.scoping_recommendation and stored.scoping_recommendation["report_type"] == "Type 1"
    with workspace.session() as session:
        fields = {row.field for row in session.exec(select(ChangeLog)).all()}
    assert {"scoping_answers", "scoping_recommendation", "scoping_overrides", "report_type"} <= fields
    assert "Our largest customer requires a Type 2" in window.page(ScopePage).text.toPlainText()


def test_rerunning_starts_from_the_saved_answers_and_overrides(
    qtbot: Any, workspace: Workspace, make_window: Any
) -> None:
    create_engagement(workspace, name="Again Co")
    window = make_window()
    wizard = open_wizard(window)
    wizard.service.boxes["customer_data"].setChecked(True)
    wizard.service.requested["SOC 3"].setChecked(True)
    click(qtbot, wizard, NEXT)
    wizard.categories.boxes["confidential_data"].setChecked(True)
    click(qtbot, wizard, NEXT)
    wizard.timing.type2.setChecked(True)
    click(qtbot, wizard, NEXT)
    click(qtbot, wizard, NEXT)
    wizard.summary.category_boxes["Privacy"].setChecked(True)
    wizard.summary.reason.setText("Consumer app launching")
    click(qtbot, wizard, FINISH)

    again = open_wizard(window)
    assert again.service.boxes["customer_data"].isChecked()
    assert again.service.requested["SOC 3"].isChecked()
    assert again.categories.boxes["confidential_data"].isChecked()
    assert again.timing.type2.isChecked()
    assert again.timing.operating.value() == -1 and again.timing.operating.text() == "Don't know"
    for _ in range(4):
        click(qtbot, again, NEXT)
    assert again.summary.category_boxes["Privacy"].isChecked()
    assert again.summary.reason.text() == "Consumer app launching"


def test_security_is_always_shown_required(qtbot: Any, workspace: Workspace, make_window: Any) -> None:
    create_engagement(workspace, name="Sec Co")
    wizard = open_wizard(make_window())
    wizard.service.boxes["customer_data"].setChecked(True)
    click(qtbot, wizard, NEXT)
    security = [
        b
        for b in wizard.categories.findChildren(type(wizard.categories.boxes["confidential_data"]))
        if b.text().startswith("Security")
    ][0]
    assert security.isChecked() and not security.isEnabled()
    for _ in range(3):
        click(qtbot, wizard, NEXT)
    assert not wizard.summary.category_boxes["Security"].isEnabled()
    assert wizard.summary.category_boxes["Security"].isChecked()


def test_cuecs_subservice_orgs_and_business_type_on_the_scope_page(
    workspace: Workspace, make_window: Any, interaction: Any
) -> None:
    from app.services.carveouts import list_cuecs, list_subservice_orgs

    engagement = create_engagement(workspace, name="Carve Co")
    window = make_window()
    page = window.open_page(ScopePage)
    page.cuecs.add_record()
    model = page.cuecs.model
    assert model.setData(model.index(0, 1), "Customers review the monthly access report we send")
    assert not model.setData(model.index(0, 2), "ZZ9.9")
    assert interaction.errors and "ZZ9.9" in interaction.errors[-1][1]
    assert model.setData(model.index(0, 2), "cc6.2")
    (cuec,) = list_cuecs(workspace, engagement_id=engagement.id or 0)
    assert (cuec.ref, cuec.description, cuec.related_criteria) == (
        "CUEC-01",
        "Customers review the monthly access report we send",
        "CC6.2",
    )
    page.subservice.add_record()
    orgs = page.subservice.model
    assert orgs.setData(orgs.index(0, 0), "Amazon Web Services")
    assert orgs.setData(orgs.index(0, 4), "Annual review of the AWS SOC 2 report and bridge letter")
    assert not orgs.setData(orgs.index(0, 2), "outsourced")
    (org,) = list_subservice_orgs(workspace, engagement_id=engagement.id or 0)
    assert (org.name, org.method) == ("Amazon Web Services", "carve-out")
    page.subservice.table.selectRow(0)
    interaction.confirmations.append(True)
    page.subservice.delete_selected()
    assert list_subservice_orgs(workspace, engagement_id=engagement.id or 0) == []
    page.business_type.setCurrentIndex(page.business_type.findData("payroll"))
    page.business_type.activated.emit(page.business_type.currentIndex())
    assert get_engagement(workspace, engagement.id or 0).business_type == "payroll"
