"""Several people on one workspace: versions refuse stale saves, the change log says who, a poll
sees others' changes. Each test runs on one SQLite file opened twice and on a PostgreSQL database
opened twice, so both backends behave the same."""

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import select

from app.db.models import ChangeLog
from app.domain.changes import Kind
from app.services.changes import changes_since, latest_change_id
from app.services.controls import (
    add_control,
    get_control,
    set_control_values,
    update_control,
    update_controls,
)
from app.services.engagements import create_engagement, get_engagement, update_engagement
from app.services.errors import EditConflictError
from app.services.workspace import Workspace, open_workspace

pytestmark = pytest.mark.backends


@pytest.fixture
def other(data_dir: Path, database_url: str | None) -> Iterator[Workspace]:
    """The same workspace opened a second time, by another person (Eli)."""
    opened = open_workspace(data_dir, database_url=database_url, user="Eli")
    yield opened
    opened.close()


def log_of(workspace: Workspace, entity: str) -> list[tuple[str, str | None, str | None, str]]:
    with workspace.session() as session:
        rows = session.exec(select(ChangeLog).where(ChangeLog.entity == entity).order_by(ChangeLog.id)).all()
    return [(row.field, row.old_value, row.new_value, row.changed_by) for row in rows]


def test_every_change_records_who_made_it(workspace: Workspace, other: Workspace) -> None:
    engagement = create_engagement(workspace, name="Acme")
    control = add_control(other, engagement_id=engagement.id, ref="AC-01", title="Access")
    update_control(workspace, control.id, owner="Dana")
    workspace.author.name = "Dana Smith"
    update_control(workspace, control.id, status="implemented")
    assert log_of(workspace, "control") == [
        ("created", None, "Access", "Eli"),
        ("owner", "", "Dana", "tester"),
        ("status", "not-started", "implemented", "Dana Smith"),
    ]
    assert log_of(workspace, "engagement") == [("created", None, "Acme", "tester")]


def test_a_save_based_on_an_old_version_is_refused_showing_the_other_change(
    workspace: Workspace, other: Workspace
) -> None:
    engagement = create_engagement(workspace, name="Acme")
    seen = add_control(workspace, engagement_id=engagement.id, ref="AC-01", title="Access")
    assert seen.version == 1
    theirs = update_control(other, seen.id, version=seen.version, owner="Eli")
    assert theirs.version == 2

    with pytest.raises(EditConflictError) as refused:
        update_control(workspace, seen.id, version=seen.version, owner="Dana", status="implemented")

    error = refused.value
    assert (error.field, error.value, error.changed_by) == ("owner", "Eli", "Eli")
    assert str(error) == (
        "Eli changed the owner of control AC-01 to “Eli” after you read it, so your change was not saved. "
        "Check the current values and make it again."
    )
    assert error.reload.ids_of(Kind.CONTROLS) == {seen.id}
    now = get_control(workspace, seen.id)
    assert (now.owner, now.status, now.version) == ("Eli", "not-started", 2)
    assert [entry[0] for entry in log_of(workspace, "control")] == ["created", "owner"]
    assert update_control(workspace, seen.id, version=now.version, owner="Dana").version == 3


def test_a_bulk_edit_with_one_stale_control_writes_nothing(workspace: Workspace, other: Workspace) -> None:
    engagement = create_engagement(workspace, name="Acme")
    first = add_control(workspace, engagement_id=engagement.id, ref="AC-01", title="Access")
    second = add_control(workspace, engagement_id=engagement.id, ref="AC-02", title="Review")
    update_control(other, second.id, criteria="CC6.1", notes="from Eli")
    with pytest.raises(
        EditConflictError, match=r"Eli changed the notes of control AC-02 .*\(and 1 other field\)"
    ):
        update_controls(
            workspace, [first.id, second.id], versions={first.id: 1, second.id: 1}, status="implemented"
        )
    assert [get_control(workspace, i).status for i in (first.id, second.id)] == ["not-started", "not-started"]
    with pytest.raises(EditConflictError):
        set_control_values(workspace, [(second.id, "owner", "x")], versions={second.id: 1})


def test_an_engagement_carries_a_version_too(workspace: Workspace, other: Workspace) -> None:
    engagement = create_engagement(workspace, name="Acme")
    update_engagement(other, engagement.id, version=engagement.version, company="Acme Ltd")
    with pytest.raises(EditConflictError, match="Eli changed the company of engagement Acme to “Acme Ltd”"):
        update_engagement(workspace, engagement.id, version=engagement.version, company="Acme Inc")
    assert get_engagement(workspace, engagement.id).company == "Acme Ltd"


def test_two_people_saving_the_same_control_at_once_lose_nothing(
    workspace: Workspace, other: Workspace
) -> None:
    """Both read version 1 and save at the same moment: one wins, the other is told, nothing is lost."""
    engagement = create_engagement(workspace, name="Acme")
    control = add_control(workspace, engagement_id=engagement.id, ref="AC-01", title="Access")
    start = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def save(person: Workspace, owner: str) -> None:
        start.wait()
        try:
            update_control(person, control.id, version=control.version, owner=owner)
            outcomes[owner] = "saved"
        except EditConflictError as error:
            outcomes[owner] = str(error)

    threads = [threading.Thread(target=save, args=pair) for pair in ((workspace, "Dana"), (other, "Eli"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    winner = next(owner for owner, outcome in outcomes.items() if outcome == "saved")
    loser = next(owner for owner in ("Dana", "Eli") if owner != winner)
    assert outcomes[loser].endswith(
        "so your change was not saved. Check the current values and make it again."
    )
    assert f"to “{winner}”" in outcomes[loser]
    after = get_control(workspace, control.id)
    assert (after.owner, after.version) == (winner, 2)
    assert [entry[:3] for entry in log_of(workspace, "control")] == [
        ("created", None, "Access"),
        ("owner", "", winner),
    ]


def test_a_poll_sees_the_other_persons_changes_and_skips_its_own(
    workspace: Workspace, other: Workspace
) -> None:
    engagement = create_engagement(workspace, name="Acme")
    start = latest_change_id(workspace)
    mine = add_control(workspace, engagement_id=engagement.id, ref="AC-01", title="Access")
    own = changes_since(workspace, start)
    assert not own.changes and own.last_id > start

    theirs = add_control(other, engagement_id=engagement.id, ref="AC-02", title="Review")
    update_engagement(other, engagement.id, report_type="Type 2")
    update_control(other, mine.id, owner="Eli")
    seen = changes_since(workspace, own.last_id)

    assert seen.changes.ids_of(Kind.CONTROLS) == {mine.id, theirs.id}
    assert seen.changes.ids_of(Kind.SCOPE) == {engagement.id}
    assert seen.by == ("Eli",)
    assert seen.last_id == latest_change_id(other)
    assert not changes_since(workspace, seen.last_id).changes
