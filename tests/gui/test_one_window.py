"""One window per workspace, a read-only second one, and closing while work runs."""

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from app.services.engagements import create_engagement, get_engagement
from app.services.workspace import Workspace, open_workspace
from app.ui.context import AppContext
from app.ui.main_window import MainWindow
from app.ui.pages.engagements import EngagementsPage
from app.ui.pages.exports import ExportsPage
from app.ui.window_state import window_state_for
from app.ui.workspace_lock import WINDOW_LOCK_NAME, WorkspaceLock


def test_a_second_window_is_told_who_has_the_workspace(data_dir: Path) -> None:
    first = WorkspaceLock(data_dir)
    assert first.acquire()
    second = WorkspaceLock(data_dir)
    assert not second.acquire()
    assert second.holder() == os.getpid()
    first.release()
    assert second.acquire()
    second.release()


def test_the_lock_of_a_process_that_died_is_taken_over(data_dir: Path) -> None:
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True)
    dead = int(finished.stdout)
    (data_dir / WINDOW_LOCK_NAME).write_text(f"{dead}\npython3\n{os.uname().nodename}\n")
    lock = WorkspaceLock(data_dir)
    assert lock.acquire(), "a lock left by a crashed window does not keep the workspace closed"
    assert lock.holder() == os.getpid()
    lock.release()


def test_a_read_only_window_refuses_every_change_plainly(
    qtbot: Any, data_dir: Path, interaction: Any
) -> None:
    writable = open_workspace(data_dir)
    engagement = create_engagement(writable, name="Shared Co")
    writable.close()
    workspace = open_workspace(data_dir, read_only=True)
    window = MainWindow(AppContext(workspace, interaction, window_state_for(data_dir)))
    qtbot.addWidget(window)
    window.show()
    assert "(read-only)" in window.windowTitle()
    assert "another window has this workspace open" in window.read_only_label.text()
    page = window.open_page(EngagementsPage)
    page.details.lines["company"].setText("Changed")
    page.details.lines["company"].editingFinished.emit()
    assert interaction.errors and "this window is read-only" in interaction.errors[-1][1]
    assert get_engagement(workspace, engagement.id).company == ""
    assert window.context.undo_stack.count() == 0
    exports = window.open_page(ExportsPage)
    assert not exports.export_button.isEnabled()
    exports.export_package()
    assert "does not export" in interaction.errors[-1][1] and not window.context.tasks
    window.close()
    workspace.close()


def test_a_smoke_test_beside_an_open_window_opens_read_only_and_ends(data_dir: Path) -> None:
    lock = WorkspaceLock(data_dir)
    assert lock.acquire()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-m", "app", "--data-dir", str(data_dir), "--smoke-test"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    lock.release()
    assert result.returncode == 0, result.stderr


def test_closing_while_work_runs_asks_first(
    qtbot: Any, workspace: Workspace, make_window: Any, interaction: Any, tmp_path: Path
) -> None:
    from app.ui.evidence_actions import add_files

    create_engagement(workspace, name="Busy Co")
    window = make_window()
    big = tmp_path / "big.dat"
    with big.open("wb") as handle:
        for _ in range(96):
            handle.write(b"\x5a" * (1 << 20))
    add_files(window.context, [big])
    qtbot.waitUntil(lambda: window.context.tasks and window.context.tasks[0].title.startswith("Adding"))
    interaction.confirmations.append(False)
    window.close()
    assert window.isVisible(), "the user chose to let the work finish"
    assert "Adding 1 item as evidence is still running" in interaction.asked[-1]
    interaction.confirmations.append(True)
    window.close()
    assert not window.isVisible()
