"""Undo's snapshots: every table linking to a record is carried, found in the schema, not listed by hand."""

from pathlib import Path

import pytest
from sqlmodel import select

from app.db.models import ChangeLog, metadata
from app.db.snapshots import dependent_links
from app.services.controls import add_control, delete_controls, find_control, restore_controls
from app.services.engagements import create_engagement, update_engagement
from app.services.evidence import add_evidence, get_evidence
from app.services.objectives import add_objective, list_objectives, set_objective_controls
from app.services.workspace import Workspace


def test_every_table_pointing_at_a_control_is_a_link_undo_carries() -> None:
    control = metadata.tables["control"]
    found = {table.name for table, _column in dependent_links(control)}
    pointing = {
        table.name
        for table in metadata.tables.values()
        if table is not control
        and any(key.column.table is control for column in table.columns for key in column.foreign_keys)
    }
    assert found == pointing >= {"control_criterion", "evidence_control", "objective_control"}


def scoped_soc1(workspace: Workspace) -> int:
    engagement = create_engagement(workspace, name="Undo Co")
    update_engagement(workspace, engagement.id, report_kinds=["SOC 1", "SOC 2"], categories=["Security"])
    return engagement.id


@pytest.mark.backends
def test_a_deleted_control_comes_back_with_its_id_criteria_evidence_and_objectives(
    workspace: Workspace, tmp_path: Path
) -> None:
    engagement_id = scoped_soc1(workspace)
    control = add_control(
        workspace, engagement_id=engagement_id, ref="AC-1", title="Access review", criteria="CC6.1, CC6.2"
    )
    objective = add_objective(workspace, engagement_id=engagement_id, ref="CO-1", title="Access is limited")
    set_objective_controls(workspace, objective.id, [control.id])
    source = tmp_path / "review.pdf"
    source.write_bytes(b"%PDF-1.4 review")
    (evidence,) = add_evidence(
        workspace, engagement_id=engagement_id, files=[source], control_ids=[control.id]
    )

    snapshot = delete_controls(workspace, [control.id])
    assert get_evidence(workspace, evidence.id).controls == []
    (restored,) = restore_controls(workspace, snapshot)

    assert restored.id == control.id
    assert find_control(workspace, engagement_id=engagement_id, ref="AC-1").criteria == ["CC6.1", "CC6.2"]
    assert get_evidence(workspace, evidence.id).controls == ["AC-1"]
    assert list_objectives(workspace, engagement_id=engagement_id)[0].control_ids == [control.id]
    with workspace.session() as session:
        fields = [row.field for row in session.exec(select(ChangeLog).where(ChangeLog.entity == "control"))]
    assert fields[-2:] == ["deleted", "restored"]


def test_a_control_whose_id_was_taken_comes_back_under_a_new_id_with_its_links(
    workspace: Workspace, tmp_path: Path
) -> None:
    engagement_id = scoped_soc1(workspace)
    control = add_control(
        workspace, engagement_id=engagement_id, ref="AC-1", title="Access", criteria="CC6.1"
    )
    source = tmp_path / "list.csv"
    source.write_text("user\n")
    (evidence,) = add_evidence(
        workspace, engagement_id=engagement_id, files=[source], control_ids=[control.id]
    )
    snapshot = delete_controls(workspace, [control.id])
    newcomer = add_control(workspace, engagement_id=engagement_id, ref="AC-2", title="Newcomer")
    assert newcomer.id == control.id  # SQLite hands the freed id out again

    (restored,) = restore_controls(workspace, snapshot)

    assert restored.id != control.id and restored.ref == "AC-1" and restored.criteria == ["CC6.1"]
    assert get_evidence(workspace, evidence.id).controls == ["AC-1"]
