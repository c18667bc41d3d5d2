"""Starting the window: the Qt application, the workspace, the main window."""

import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QThreadPool, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from app import APP_NAME, __version__
from app.resources import resource_path
from app.services.errors import WorkbenchError
from app.services.workspace import Workspace, open_workspace
from app.ui.context import AppContext
from app.ui.interaction import Interaction
from app.ui.main_window import MainWindow
from app.ui.window_state import window_state_for


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


def build_main_window(data_dir: str | Path | None) -> MainWindow:
    """Open the workspace and build the window over it (raises WorkbenchError)."""
    workspace = open_workspace(data_dir)
    interaction = Interaction()
    window = MainWindow(AppContext(workspace, interaction, window_state_for(workspace.data_dir)))
    interaction.parent = window
    return window


def backup_of_the_day(workspace: Workspace) -> None:
    """Today's copy of the database (on a worker thread; its module is imported there, off the start-up
    path)."""
    from app.services.backups import make_daily_backup

    make_daily_backup(workspace)


def run(data_dir: str | Path | None, *, smoke_test: bool = False) -> int:
    """Show the main window until it is closed; with *smoke_test*, render it once and exit."""
    application = make_application()
    try:
        window = build_main_window(data_dir)
    except WorkbenchError as error:
        if smoke_test:
            sys.stderr.write(f"soc-workbench: {error}\n")
        else:
            QMessageBox.critical(None, APP_NAME, str(error))
        return 1
    window.show()
    QThreadPool.globalInstance().start(lambda: backup_of_the_day(window.context.workspace))
    if smoke_test:
        QTimer.singleShot(0, lambda: (window.grab(), window.close(), application.quit()))
    code = application.exec()
    window.context.workspace.close()
    return int(code)
