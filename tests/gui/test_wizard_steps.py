"""The wizard shows its steps and keeps its size, proposes the dates (keep or replace), adds providers."""

from datetime import date, timedelta
from typing import Any

from PySide6.QtWidgets import QWizard

from app.services.carveouts import list_subservice_orgs
from app.services.engagements import create_engagement, get_engagement
from app.services.workspace import Workspace
from app.ui.pages.scope import ScopePage
from app.ui.wizard import PAGE_CATEGORIES, PAGE_PROVIDERS, PAGE_SUMMARY, ScopingWizard

NEXT = QWizard.WizardButton.NextButton
FINISH = QWizard.WizardButton.FinishButton


def open_wizard(window: Any) -> ScopingWizard:
    wizard = window.open_page(ScopePage).open_wizard()
    assert wizard is not None
    return wizard  # type: ignore[no-any-return]


def test_the_steps_are_shown_and_the_size_stays(qtbot: Any, workspace: Workspace, make_window: Any) -> None:
    create_engagement(workspace, name="Steps Co")
    wizard = open_wizard(make_window())
    wizard.service.boxes["customer_data"].setChecked(True)
    sizes = []
    current = []
    while True:
        qtbot.wait(10)
        sizes.append(wizard.size())
        current.append([label.text() for label in wizard.steps.labels.values() if "▸" in label.text()])
        if wizard.currentId() == PAGE_SUMMARY:
            break
        wizard.button(NEXT).click()
    assert len(set((size.width(), size.height()) for size in sizes)) == 1, sizes
    assert current == [
        ["<b>▸ 1. About your service</b>"],
        ["<b>▸ 2. Trust Services Categories</b>"],
        ["<b>▸ 3. Timing</b>"],
        ["<b>▸ 4. Providers you rely on</b>"],
        ["<b>▸ 5. Recommendation and period</b>"],
    ]
    assert wizard.steps.labels[PAGE_PROVIDERS].text().startswith("✓ 4.")


def test_providers_become_carve_out_rows_undone_with_the_scope(
    qtbot: Any, workspace: Workspace, make_window: Any
) -> None:
    engagement = create_engagement(workspace, name="Cloud Co")
    window = make_window()
    wizard = open_wizard(window)
    wizard.service.boxes["customer_data"].setChecked(True)
    for _ in range(3):
        wizard.button(NEXT).click()
    assert wizard.currentId() == PAGE_PROVIDERS
    wizard.providers.boxes["Amazon Web Services (AWS)"].setChecked(True)
    wizard.providers.other.setText("Stripe")
    wizard.providers.other_services.setText("Card payments")
    wizard.button(NEXT).click()
    wizard.button(FINISH).click()
    orgs = list_subservice_orgs(workspace, engagement_id=engagement.id)
    assert [(org.name, org.services, org.method) for org in orgs] == [
        (
            "Amazon Web Services (AWS)",
            "Cloud hosting: servers, storage, databases and networking",
            "carve-out",
        ),
        ("Stripe", "Card payments", "carve-out"),
    ]
    assert all(org.csocs and org.monitoring for org in orgs)
    again = open_wizard(window)
    box = again.providers.boxes["Amazon Web Services (AWS)"]
    assert box.isChecked() and not box.isEnabled() and "already listed" in box.text()
    assert again.providers.providers() == []
    window.context.undo_stack.undo()
    assert list_subservice_orgs(workspace, engagement_id=engagement.id) == []
    assert get_engagement(workspace, engagement.id).report_kinds == []


def test_the_summary_proposes_dates_and_asks_to_keep_or_replace(
    qtbot: Any, workspace: Workspace, make_window: Any
) -> None:
    fresh = create_engagement(workspace, name="Fresh Co")
    window = make_window()
    window.context.set_engagement(fresh.id)
    wizard = open_wizard(window)
    wizard.service.boxes["customer_data"].setChecked(True)
    wizard.timing.type2.setChecked(True)
    while wizard.currentId() != PAGE_SUMMARY:
        wizard.button(NEXT).click()
    summary = wizard.summary
    assert not summary.choice_row.isVisible(), "nothing to keep on a new engagement"
    start, end = summary.period.period()
    assert start is not None and end is not None and start.day == 1 and start > date.today()
    summary.period.start.line.setText("2027-01-01")
    summary.period.end.line.setText("2027-06-30")
    summary.period.start.line.textEdited.emit("2027-01-01")
    wizard.button(FINISH).click()
    stored = get_engagement(workspace, fresh.id)
    assert (stored.period_start, stored.period_end) == (date(2027, 1, 1), date(2027, 6, 30))

    again = open_wizard(window)
    while again.currentId() != PAGE_SUMMARY:
        again.button(NEXT).click()
    assert again.summary.choice_row.isVisible() and again.summary.keep.isChecked()
    assert "1 Jan–30 Jun 2027" in again.summary.keep.text()
    again.summary.months.setValue(9)
    again.summary.reason.setText("A longer first period")
    assert again.summary.keep.isChecked(), "changing the scope never replaces the dates by itself"
    again.button(FINISH).click()
    kept = get_engagement(workspace, fresh.id)
    assert (kept.period_start, kept.period_end) == (date(2027, 1, 1), date(2027, 6, 30))


def test_a_prior_report_and_kept_evidence_continue_the_period_the_day_after(
    qtbot: Any, workspace: Workspace, make_window: Any
) -> None:
    engagement = create_engagement(workspace, name="Renewal Co")
    window = make_window()
    window.context.set_engagement(engagement.id)
    wizard = open_wizard(window)
    prior = wizard.service.prior
    assert not prior.details.isEnabled(), "no prior report until the box is ticked"
    prior.issued.setChecked(True)
    prior.report.setCurrentText("SOC 2")
    prior.report_type.setCurrentText("Type 2")
    prior.period_end.line.setText("2026-02-30")
    wizard.button(NEXT).click()
    assert wizard.currentId() != PAGE_PROVIDERS and "2026-02-30 is not a date that exists" in (
        wizard.service.problem.text()
    )
    ended = date.today().replace(day=1) - timedelta(days=1)
    prior.period_end.line.setText(ended.isoformat())
    wizard.button(NEXT).click()
    assert wizard.currentId() == PAGE_CATEGORIES, "a SOC 2 renewal asks for its categories"
    wizard.button(NEXT).click()
    wizard.timing.evidence_kept.setChecked(True)
    while wizard.currentId() != PAGE_SUMMARY:
        wizard.button(NEXT).click()
    assert wizard.summary.period.period()[0] == ended + timedelta(days=1)
    wizard.button(FINISH).click()
    answers = get_engagement(workspace, engagement.id).scoping_answers or {}
    assert answers["prior_report"] == {"report": "SOC 2", "type": "Type 2", "period_end": ended.isoformat()}
    assert answers["evidence_kept"] is True

    again = open_wizard(window)
    assert again.service.prior.issued.isChecked() and again.service.prior.period_end.value() == ended
    assert again.timing.evidence_kept.isChecked()
