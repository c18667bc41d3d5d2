"""The control's details: evidence first, fields grouped, rarely used ones folded, every kind editable."""

from typing import Any

from app.services.controls import add_control, get_control
from app.services.engagements import create_engagement
from app.services.workspace import Workspace
from app.ui.pages.controls import ControlsPage


def test_details_put_evidence_first_and_fold_the_rare_fields(workspace: Workspace, make_window: Any) -> None:
    engagement = create_engagement(workspace, name="Details Co")
    control = add_control(
        workspace, engagement_id=engagement.id, ref="ACC-01", title="Access review", criteria="CC6.2,CC6.3"
    )
    page = make_window().open_page(ControlsPage)
    page.select_control(control.id)
    details = page.details
    layout = details.body.layout()
    first_section = layout.indexOf(details.sections["What it is"])
    assert layout.indexOf(details.widgets["title"].parentWidget().parentWidget()) == first_section
    assert details.evidence_slot.indexOf(page.evidence_panel) == 0
    assert [title for title, section in details.sections.items() if section.folded] == [
        "Gap and remediation",
        "More",
    ]
    assert details.criteria_label.text() == "CC6.2, CC6.3"
    details.focus_field("remediation_due")
    assert not details.sections["Gap and remediation"].folded
    size = details.widgets["population_size"]
    size.setText("250")
    size.editingFinished.emit()
    assert get_control(workspace, control.id).population_size == 250
    assert details.widgets["population_size"].text() == "250"
