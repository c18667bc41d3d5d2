"""Every service that writes says what it changed, once the change is committed; reads say nothing."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.domain.changes import Changes, Kind
from app.services.carveouts import add_cuec, add_subservice_org
from app.services.controls import add_control, delete_controls, list_controls, update_controls
from app.services.engagements import create_engagement, delete_engagement, update_engagement
from app.services.errors import ConflictError
from app.services.evidence import add_evidence, link_evidence
from app.services.exports import run_export
from app.services.objectives import add_objective
from app.services.settings import set_type1_max_age_days
from app.services.workspace import Workspace

pytestmark = pytest.mark.backends


@pytest.fixture
def heard(workspace: Workspace) -> Iterator[list[Changes]]:
    notices: list[Changes] = []
    workspace.listeners.append(notices.append)
    yield notices
    workspace.listeners.remove(notices.append)


def merged(notices: list[Changes]) -> Changes:
    result = Changes()
    for notice in notices:
        result |= notice
    return result


def test_each_kind_of_write_names_its_kind_and_ids(
    workspace: Workspace, heard: list[Changes], tmp_path: Path
) -> None:
    engagement = create_engagement(workspace, name="Notices Co")
    assert heard == [Changes.of(Kind.ENGAGEMENT, [engagement.id])]
    heard.clear()

    update_engagement(workspace, engagement.id, company="Notices Ltd")
    update_engagement(workspace, engagement.id, report_kinds=["SOC 2"], categories=["Security"])
    assert heard == [Changes.of(Kind.ENGAGEMENT, [engagement.id]), Changes.of(Kind.SCOPE, [engagement.id])]
    heard.clear()

    first = add_control(workspace, engagement_id=engagement.id, ref="A-1", title="One")
    second = add_control(workspace, engagement_id=engagement.id, ref="A-2", title="Two")
    update_controls(workspace, [first.id, second.id], owner="IT")
    assert heard[-1] == Changes.of(Kind.CONTROLS, [first.id, second.id])

    add_cuec(workspace, engagement_id=engagement.id, ref="CUEC-1", description="Customers approve users")
    add_subservice_org(workspace, engagement_id=engagement.id, name="Cloud Co")
    assert heard[-2:] == [Changes.of(Kind.SCOPE, [engagement.id])] * 2

    objective = add_objective(workspace, engagement_id=engagement.id, ref="CO-1", title="Access is limited")
    assert heard[-1] == Changes.of(Kind.OBJECTIVES, [objective.id])

    source = tmp_path / "users.csv"
    source.write_text("name\nada\n")
    (row,) = add_evidence(workspace, engagement_id=engagement.id, files=[source], control_ids=[first.id])
    assert heard[-1] == Changes.of(Kind.EVIDENCE, [row.id])
    link_evidence(workspace, row.id, [second.id])
    assert heard[-1] == Changes.of(Kind.EVIDENCE, [row.id])

    set_type1_max_age_days(workspace, 60)
    assert heard[-1] == Changes.of(Kind.SETTINGS)

    run_export(workspace, engagement_id=engagement.id, kind="xlsx", target=tmp_path / "book.xlsx")
    assert heard[-1] == Changes.of(Kind.EXPORTS, [engagement.id])

    delete_controls(workspace, [second.id])
    assert heard[-1] == Changes.of(Kind.CONTROLS, [second.id])
    delete_engagement(workspace, engagement.id)
    assert heard[-1] == Changes.of(Kind.ENGAGEMENT, [engagement.id])


def test_a_refused_write_and_a_read_announce_nothing(workspace: Workspace, heard: list[Changes]) -> None:
    engagement = create_engagement(workspace, name="Quiet Co")
    add_control(workspace, engagement_id=engagement.id, ref="A-1", title="One")
    heard.clear()
    with pytest.raises(ConflictError):
        add_control(workspace, engagement_id=engagement.id, ref="A-1", title="Again")
    list_controls(workspace, engagement_id=engagement.id)
    assert heard == []


def test_an_unchanged_value_changes_nothing(workspace: Workspace, heard: list[Changes]) -> None:
    engagement = create_engagement(workspace, name="Same Co", company="Same")
    heard.clear()
    update_engagement(workspace, engagement.id, company="Same")
    assert merged(heard) == Changes()
