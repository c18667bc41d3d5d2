"""History per engagement, control and evidence item, from the append-only change log."""

from pathlib import Path
from typing import Any

import pytest

from app.services.controls import add_control, update_control
from app.services.engagements import create_engagement
from app.services.errors import NotFoundError
from app.services.evidence import add_evidence, link_evidence, unlink_evidence, update_evidence
from app.services.history import history
from app.services.workspace import Workspace


@pytest.fixture
def recorded(workspace: Workspace, tmp_path: Path) -> dict[str, int]:
    engagement = create_engagement(workspace, name="FY26")
    other = create_engagement(workspace, name="Other")
    access = add_control(workspace, engagement_id=engagement.id, ref="AC-1", title="Access")
    change = add_control(workspace, engagement_id=engagement.id, ref="CM-1", title="Changes")
    add_control(workspace, engagement_id=other.id, ref="AC-1", title="Elsewhere")
    update_control(workspace, access.id, owner="Dana")
    update_control(workspace, access.id, owner="Eli")
    (tmp_path / "list.csv").write_text("user\n")
    (evidence,) = add_evidence(workspace, engagement_id=engagement.id, files=[tmp_path / "list.csv"])
    link_evidence(workspace, evidence.id, [access.id, change.id])
    unlink_evidence(workspace, evidence.id, [access.id])
    update_evidence(workspace, evidence.id, title="User list")
    return {"engagement": engagement.id, "access": access.id, "change": change.id, "evidence": evidence.id}


def test_a_control_s_history_holds_its_own_changes_and_its_evidence_links_newest_first(
    workspace: Workspace, recorded: dict[str, int]
) -> None:
    rows = history(workspace, engagement_id=recorded["engagement"], control_id=recorded["access"])
    assert [(r.entity, r.field, r.old_value, r.new_value) for r in rows] == [
        ("evidence", "unlinked", "AC-1", None),
        ("evidence", "linked", None, "AC-1"),
        ("control", "owner", "Dana", "Eli"),
        ("control", "owner", "", "Dana"),
        ("control", "created", None, "Access"),
    ]


def test_an_evidence_item_s_history_and_the_engagement_s_whole_history(
    workspace: Workspace, recorded: dict[str, int]
) -> None:
    rows = history(workspace, engagement_id=recorded["engagement"], evidence_id=recorded["evidence"])
    assert [(r.field, r.old_value, r.new_value) for r in rows] == [
        ("title", "list", "User list"),
        ("unlinked", "AC-1", None),
        ("linked", None, "CM-1"),
        ("linked", None, "AC-1"),
        ("created", None, "list.csv"),
    ]
    everything = history(workspace, engagement_id=recorded["engagement"])
    assert (
        len(everything) == 10 and everything[-1].field == "created" and everything[-1].entity == "engagement"
    )
    assert "Elsewhere" not in {r.new_value for r in everything}
    assert [r.id for r in everything] == sorted((r.id for r in everything), reverse=True)


def test_a_record_of_another_engagement_has_no_history_here(
    workspace: Workspace, recorded: dict[str, int]
) -> None:
    with pytest.raises(NotFoundError, match="not in this engagement"):
        history(workspace, engagement_id=recorded["engagement"] + 1, control_id=recorded["access"])


def test_the_history_command_prints_a_table_or_json(cli: Any, recorded: dict[str, int]) -> None:
    result = cli("history", "--engagement", "FY26", "--control", "AC-1")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0].split() == ["When", "What", "Field", "Old", "New"]
    assert lines[3].split()[2:] == ["control", "AC-1", "owner", "Dana", "Eli"]
    entries = cli("history", "--engagement", "FY26", "--evidence", str(recorded["evidence"]), "--json").json()
    assert entries[0] | {"at": None, "id": None} == {
        "at": None,
        "id": None,
        "entity": "evidence",
        "entity_id": recorded["evidence"],
        "entity_ref": "User list",
        "field": "title",
        "old": "list",
        "new": "User list",
    }
    assert entries[0]["at"].endswith("+00:00")
    refused = cli("history", "--engagement", "FY26", "--control", "AC-1", "--evidence", "1")
    assert refused.code == 2
    missing = cli("history", "--engagement", "FY26", "--control", "NOPE")
    assert missing.code == 1 and "NOPE" in missing.err
