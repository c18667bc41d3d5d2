"""Starting the window: the Qt application, the workspace, the main window."""

import os
import sys
from contextlib import suppress
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QThreadPool, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from app import APP_NAME, __version__
from app.locations import USER_ENV, resolve_data_dir, resolve_database_url
from app.resources import resource_path
from app.services.errors import WorkbenchError
from app.services.workspace import Workspace, open_workspace
from app.ui.context import AppContext
from app.ui.interaction import Interaction
from app.ui.main_window import MainWindow
from app.ui.window_state import window_state_for
from app.ui.workspace_lock import WorkspaceLock


def make_application() -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    QCoreApplication.setOrganizationName(APP_NAME)
    QCoreApplication.setApplicationName(APP_NAME)
    QCoreApplication.setApplicationVersion(__version__)
    application = QApplication(sys.argv[:1])
    application.setApplicationDisplayName(APP_NAME)
    application.setWindowIcon(QIcon(str(resource_path("icons", "soc-workbench.svg"))))
    return application


def build_main_window(
    data_dir: str | Path | None,
    *,
    database_url: str | None = None,
    user: str | None = None,
    read_only: bool = False,
) -> MainWindow:
    """Open the workspace and build the window over it (raises WorkbenchError); a *read_only*
    window refuses every change (another window has this data folder open).

    Without *database_url* (or ``SOC_WORKBENCH_DATABASE_URL``) the window opens the team server
    the local workspace remembers, if any; when that server cannot be used, the local workspace
    opens instead and the window says why. The user's name is *user*, else
    ``SOC_WORKBENCH_USER``, else the name set in Settings, else the login name.
    """
    home = resolve_data_dir(data_dir)
    url = resolve_database_url(database_url)
    remembered = None
    if url is None:
        remembered = window_state_for(home).team_server or None
    try:
        return window_over(home, url or remembered, user=user, read_only=read_only)
    except WorkbenchError as error:
        if remembered is None:
            raise
        window = window_over(home, None, user=user, read_only=read_only)
        problem = (
            f"The team workspace on {remembered} could not be opened: {error}\n\n"
            "Your local workspace is open instead. File ▸ Connect to a team server tries again."
        )
        QTimer.singleShot(0, lambda: window.context.interaction.error("Team server", problem))
        return window


def window_over(
    home: Path, database_url: str | None, *, user: str | None = None, read_only: bool = False
) -> MainWindow:
    """A window over the local workspace in *home*, or over the team server at *database_url*."""
    home_state = window_state_for(home)
    name = user or os.environ.get(USER_ENV) or home_state.user_name or None
    workspace = open_workspace(home, database_url=database_url, user=name, read_only=read_only)
    state = home_state if workspace.data_dir == home else window_state_for(workspace.data_dir)
    interaction = Interaction()
    window = MainWindow(AppContext(workspace, interaction, state, home_state))
    interaction.parent = window
    return window


def backup_of_the_day(workspace: Workspace) -> None:
    """Today's copy of the database (on a worker thread; its module is imported there, off the start-up
    path)."""
    from app.services.backups import make_daily_backup

    make_daily_backup(workspace)


def ask_read_only(holder: int | None, folder: Path) -> bool:
    """Tell the user another window has the workspace open; True to open it read-only, False to quit."""
    who = f"process {holder}" if holder else "another process"
    box = QMessageBox(
        QMessageBox.Icon.Information,
        APP_NAME,
        f"Another SOC Workbench window ({who}) has this workspace open:\n{folder}\n\n"
        "Two windows changing one workspace would undo each other's work. You can look at it "
        "here read-only, or quit and use the other window.",
    )
    read_only = box.addButton("Open read-only", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("Quit", QMessageBox.ButtonRole.RejectRole)
    box.exec()
    return box.clickedButton() is read_only


def run(
    data_dir: str | Path | None,
    *,
    smoke_test: bool = False,
    database_url: str | None = None,
    user: str | None = None,
) -> int:
    """Show the main window until it is closed; with *smoke_test*, render it once and exit.

    The window locks its data folder; when another window holds the lock, the
    user chooses between a read-only window and quitting. When the user
    chooses another workspace (a team server, or back to the local one), a new
    window over it replaces this one.
    """
    application = make_application()
    folder = resolve_data_dir(data_dir)
    lock = WorkspaceLock(folder)
    with suppress(OSError):  # opening the workspace reports a folder that cannot be made
        folder.mkdir(parents=True, exist_ok=True)
    read_only = folder.is_dir() and not lock.acquire()
    if read_only and not smoke_test and not ask_read_only(lock.holder(), folder):
        return 1
    try:
        window = build_main_window(folder, database_url=database_url, user=user, read_only=read_only)
    except WorkbenchError as error:
        lock.release()
        if smoke_test:
            sys.stderr.write(f"soc-workbench: {error}\n")
        else:
            QMessageBox.critical(None, APP_NAME, str(error))
        return 1
    current = [window]

    def switch(url: str | None) -> None:
        old = current[0]
        try:
            new = window_over(folder, url, user=user, read_only=read_only)
        except WorkbenchError as error:
            old.context.interaction.error("Open workspace", str(error))
            return
        new.workspace_chosen.connect(switch)
        current[0] = new
        new.show()
        old.close()
        old.context.workspace.close()

    window.workspace_chosen.connect(switch)
    window.show()
    QThreadPool.globalInstance().start(lambda: backup_of_the_day(window.context.workspace))
    if smoke_test:
        QTimer.singleShot(0, lambda: (window.grab(), window.close(), application.quit()))
    code = application.exec()
    current[0].context.workspace.close()
    lock.release()
    return int(code)
