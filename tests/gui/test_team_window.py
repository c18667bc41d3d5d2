"""The window with others at work on the same workspace: their changes appear, a stale save is refused
and the current values shown, the name recorded is the one set in Settings, and a team server is
chosen, tested and remembered. Two workspaces on one SQLite file stand for two people here; the
server choice uses PostgreSQL."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from app.db.models import ChangeLog
from app.domain.changes import Kind
from app.services.controls import add_control, get_control, update_control
from app.services.engagements import create_engagement
from app.services.workspace import Workspace, open_workspace, shown_team_url
from app.ui.application import build_main_window
from app.ui.main_window import MainWindow
from app.ui.pages.controls import ControlsPage
from app.ui.window_state import window_state_for
from tests.postgres import PostgresServer


@pytest.fixture
def eli(data_dir: Path) -> Iterator[Workspace]:
    """The same workspace opened by another person."""
    opened = open_workspace(data_dir, user="Eli")
    yield opened
    opened.close()


def one_control(workspace: Workspace) -> int:
    engagement = create_engagement(workspace, name="Acme")
    return add_control(workspace, engagement_id=engagement.id, ref="AC-01", title="Access", owner="Dana").id


def test_changes_by_another_person_appear_without_a_restart(
    workspace: Workspace, eli: Workspace, make_window: Any
) -> None:
    control_id = one_control(workspace)
    window: MainWindow = make_window()
    page = window.open_page(ControlsPage)
    assert page.model.row_by_id(control_id).owner == "Dana"  # type: ignore[union-attr]

    update_control(eli, control_id, owner="Eli")
    changes = window.context.poll_changes()

    assert changes.ids_of(Kind.CONTROLS) == {control_id}
    assert page.model.row_by_id(control_id).owner == "Eli"  # type: ignore[union-attr]
    assert window.saved_label.text() == "Updated with changes by Eli"
    assert not window.context.poll_changes()
    assert window.poll_timer.isActive()


def test_a_save_over_another_persons_change_is_refused_and_the_current_values_shown(
    workspace: Workspace, eli: Workspace, make_window: Any, interaction: Any
) -> None:
    control_id = one_control(workspace)
    window: MainWindow = make_window()
    page = window.open_page(ControlsPage)
    window.poll_timer.stop()  # Eli saves between two polls
    update_control(eli, control_id, owner="Eli")

    assert not page.edit([control_id], "owner", "Sam")

    ((title, message),) = interaction.errors
    assert message.startswith("Eli changed the owner of control AC-01 to “Eli” after you read it")
    assert get_control(workspace, control_id).owner == "Eli"
    assert page.model.row_by_id(control_id).owner == "Eli"  # type: ignore[union-attr]
    assert not window.context.undo_stack.canUndo()
    assert page.edit([control_id], "owner", "Sam")  # now based on what is shown
    window.context.undo_stack.undo()
    assert get_control(workspace, control_id).owner == "Eli"


def test_undo_after_another_persons_change_is_refused(
    workspace: Workspace, eli: Workspace, make_window: Any, interaction: Any
) -> None:
    control_id = one_control(workspace)
    window: MainWindow = make_window()
    page = window.open_page(ControlsPage)
    assert page.edit([control_id], "owner", "Sam")
    assert page.edit([control_id], "status", "implemented")
    update_control(eli, control_id, notes="checked by Eli")
    window.context.undo_stack.undo()
    assert "Eli changed the notes of control AC-01" in interaction.errors[-1][1]
    stored = get_control(workspace, control_id)
    assert (stored.owner, stored.status, stored.notes) == ("Sam", "implemented", "checked by Eli")


def test_the_name_set_in_settings_is_recorded_with_each_change(
    workspace: Workspace, make_window: Any
) -> None:
    control_id = one_control(workspace)
    window: MainWindow = make_window()
    dialog = window.edit_settings()
    assert dialog.name.text() == ""
    dialog.name.setText("  Dana   Smith ")
    dialog.accept()
    window.open_page(ControlsPage).edit([control_id], "owner", "Sam")
    with workspace.session() as session:
        last = session.exec(select(ChangeLog).order_by(ChangeLog.id.desc())).first()  # type: ignore[union-attr]
    assert last is not None and (last.field, last.changed_by) == ("owner", "Dana Smith")
    assert window_state_for(workspace.data_dir).user_name == "Dana Smith"


def test_a_server_that_does_not_answer_is_never_remembered(window: MainWindow, tmp_path: Path) -> None:
    dialog = window.connect_to_server()
    chosen: list[object] = []
    window.workspace_chosen.connect(chosen.append)
    dialog.url.setText(f"postgresql://nobody@/nothing?host={tmp_path / 'no-server'}")
    assert not dialog.test()
    assert dialog.outcome.text().startswith("Cannot connect: cannot reach the team server")
    assert not dialog.connect_button.isEnabled()
    dialog.accept()
    assert chosen == [] and window.context.home_state.team_server == ""


@pytest.mark.postgresql
def test_a_tested_team_server_is_remembered_and_opened_next_time(
    window: MainWindow, postgres_server: PostgresServer, qtbot: Any
) -> None:
    url = postgres_server.empty_database()
    dialog = window.connect_to_server()
    chosen: list[object] = []
    window.workspace_chosen.connect(chosen.append)
    dialog.url.setText(url)
    assert dialog.test()
    assert dialog.outcome.text() == "Connected: an empty database, ready to become the team workspace."
    dialog.accept()
    assert chosen == [url]
    home = window.context.workspace.data_dir
    shown = shown_team_url(url)
    assert shown.startswith("postgresql://") and window_state_for(home).team_server == shown

    team = build_main_window(home)
    qtbot.addWidget(team)
    assert team.context.workspace.is_team and team.context.workspace.server == shown
    assert team.workspace_label.text() == f"Team server {shown} · you are tester"
    team.use_local_workspace()
    assert window_state_for(home).team_server == ""
    team.close()
    team.context.workspace.close()
    postgres_server.drop_database(url)


def test_an_unreachable_remembered_server_opens_the_local_workspace_and_says_why(
    workspace: Workspace, tmp_path: Path, qtbot: Any
) -> None:
    state = window_state_for(workspace.data_dir)
    state.team_server = f"postgresql://nobody@/gone?host={tmp_path / 'no-server'}"
    state.sync()
    window = build_main_window(workspace.data_dir)
    qtbot.addWidget(window)
    errors: list[str] = []
    window.context.interaction.error = lambda title, text: errors.append(text)  # type: ignore[method-assign]
    qtbot.waitUntil(lambda: bool(errors))
    assert not window.context.workspace.is_team
    assert errors[0].startswith("The team workspace on postgresql://nobody@/gone")
    assert "Your local workspace is open instead" in errors[0]
    window.close()
    window.context.workspace.close()
