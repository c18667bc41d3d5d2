"""Moving a workspace: a laptop's workspace into an empty one (a team database, or another
folder) and back, every record and every evidence file kept and checked."""

import os
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from app.db.models import Evidence
from app.db.transfer import copied_tables
from app.evidence.store import CHUNK_SIZE
from app.services.controls import add_control, list_controls, update_control
from app.services.engagements import create_engagement
from app.services.errors import InvalidInputError, WorkbenchError
from app.services.evidence import add_evidence, verify_evidence
from app.services.settings import set_type1_max_age_days
from app.services.workspace import Workspace, open_workspace
from app.services.workspace_copy import copy_workspace
from tests.stored_evidence import spoil, stored_content

pytestmark = pytest.mark.backends


def everything(workspace: Workspace) -> dict[str, list[dict[str, Any]]]:
    """Every row of every copied table, in key order."""
    with workspace.session() as session:
        return {
            table.name: [
                dict(row)
                for row in session.execute(select(table).order_by(*table.primary_key.columns)).mappings()
            ]
            for table in copied_tables()
        }


@pytest.fixture
def laptop(tmp_path: Path) -> Workspace:
    """A local workspace with an engagement, edited controls, shared and multi-chunk evidence, a setting."""
    workspace = open_workspace(tmp_path / "laptop", user="Dana")
    engagement = create_engagement(
        workspace, name="Acme", period_start=date(2026, 1, 1), period_end=date(2026, 6, 30)
    )
    first = add_control(workspace, engagement_id=engagement.id, ref="AC-01", title="Access", criteria="CC6.1")
    second = add_control(workspace, engagement_id=engagement.id, ref="AC-02", title="Review")
    update_control(workspace, first.id, owner="Eli", is_key=True)
    update_control(workspace, second.id, population_size=120, start_date=date(2026, 2, 1))
    files = tmp_path / "files"
    files.mkdir()
    (files / "big.bin").write_bytes(os.urandom(CHUNK_SIZE * 2 + 17))
    (files / "list.csv").write_text("user,role\n")
    add_evidence(workspace, engagement_id=engagement.id, files=[files], control_ids=[first.id])
    add_evidence(workspace, engagement_id=engagement.id, files=[files / "list.csv"], title="Again")
    set_type1_max_age_days(workspace, 60)
    return workspace


def test_a_workspace_goes_there_and_back_with_every_record_and_hash(
    laptop: Workspace, workspace: Workspace, tmp_path: Path
) -> None:
    report = copy_workspace(laptop, workspace)
    assert (report.evidence_files, report.rows["control"], report.rows["evidence"]) == (2, 2, 3)
    assert report.evidence_bytes == CHUNK_SIZE * 2 + 17 + len("user,role\n")
    back = open_workspace(tmp_path / "back")
    copy_workspace(workspace, back)

    original = everything(laptop)
    assert everything(workspace) == original
    assert everything(back) == original
    assert {row["changed_by"] for row in original["change_log"]} == {"Dana"}
    assert stored_content(workspace) == stored_content(laptop) == stored_content(back)
    assert verify_evidence(workspace).intact and verify_evidence(back).intact

    engagement_id = original["engagement"][0]["id"]
    added = add_control(workspace, engagement_id=engagement_id, ref="AC-03", title="After the move")
    assert added.id == max(row["id"] for row in original["control"]) + 1
    assert [row.ref for row in list_controls(workspace, engagement_id=engagement_id)] == [
        "AC-01",
        "AC-02",
        "AC-03",
    ]
    back.close()
    laptop.close()


def test_a_target_holding_records_is_refused_untouched(laptop: Workspace, workspace: Workspace) -> None:
    create_engagement(workspace, name="Already here")
    before = everything(workspace)
    with pytest.raises(InvalidInputError, match="is not empty .* Nothing was copied"):
        copy_workspace(laptop, workspace)
    assert everything(workspace) == before
    assert stored_content(workspace) == []
    laptop.close()


def test_altered_evidence_stops_the_copy_and_leaves_the_target_empty(
    laptop: Workspace, workspace: Workspace
) -> None:
    with laptop.session() as session:
        spoiled = (
            session.execute(select(Evidence.sha256).where(Evidence.file_name == "list.csv")).scalars().first()
        )
    assert spoiled is not None
    spoil(laptop, spoiled, b"tampered,\n")
    with pytest.raises(WorkbenchError, match="no longer matches its SHA-256"):
        copy_workspace(laptop, workspace)
    assert all(rows == [] for rows in everything(workspace).values())
    assert stored_content(workspace) == []
    laptop.close()
