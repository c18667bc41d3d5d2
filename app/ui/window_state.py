"""What the window remembers between runs, per workspace: size, page, engagement, columns, folders.

Every key lives here, with its type; pages read and write window state only
through :class:`WindowState`. (Workspace settings such as the sampling
conventions are data, kept in the database by ``app.services.settings``.)
"""

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

WINDOW_STATE_FILE = "window.ini"


class WindowState:
    """Typed access to the window's remembered state (a ``QSettings`` INI file in the workspace)."""

    def __init__(self, settings: QSettings) -> None:
        self.settings = settings

    def _bytes(self, key: str) -> QByteArray | None:
        value = self.settings.value(key)
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def _text(self, key: str) -> str:
        return str(self.settings.value(key, "") or "")

    def _folder(self, key: str) -> Path | None:
        text = self._text(key)
        return Path(text) if text else None

    @property
    def geometry(self) -> QByteArray | None:
        return self._bytes("geometry")

    @geometry.setter
    def geometry(self, value: QByteArray) -> None:
        self.settings.setValue("geometry", value)

    @property
    def page(self) -> str:
        """The title of the page shown last."""
        return self._text("page")

    @page.setter
    def page(self, title: str) -> None:
        self.settings.setValue("page", title)

    @property
    def last_engagement(self) -> int | None:
        text = self._text("last_engagement")
        return int(text) if text.isdigit() else None

    @last_engagement.setter
    def last_engagement(self, engagement_id: int | None) -> None:
        self.settings.setValue("last_engagement", "" if engagement_id is None else engagement_id)

    @property
    def controls_header(self) -> QByteArray | None:
        """The control matrix's column order, widths and hidden columns."""
        return self._bytes("controls/header")

    @controls_header.setter
    def controls_header(self, value: QByteArray) -> None:
        self.settings.setValue("controls/header", value)

    @property
    def evidence_folder(self) -> Path | None:
        """Where evidence files were last picked from."""
        return self._folder("evidence/last_folder")

    @evidence_folder.setter
    def evidence_folder(self, folder: Path) -> None:
        self.settings.setValue("evidence/last_folder", str(folder))

    @property
    def export_folder(self) -> Path | None:
        """Where exports were last written."""
        return self._folder("exports/folder")

    @export_folder.setter
    def export_folder(self, folder: Path) -> None:
        self.settings.setValue("exports/folder", str(folder))

    @property
    def team_server(self) -> str:
        """The team server the window opens (its URL without the password), or empty for the local
        workspace; kept in the local workspace's state."""
        return self._text("team/server")

    @team_server.setter
    def team_server(self, url: str) -> None:
        self.settings.setValue("team/server", url)

    @property
    def user_name(self) -> str:
        """The name recorded with every change made in the window (empty: the login name)."""
        return self._text("team/user_name")

    @user_name.setter
    def user_name(self, name: str) -> None:
        self.settings.setValue("team/user_name", name)

    def sync(self) -> None:
        self.settings.sync()


def window_state_for(data_dir: Path) -> WindowState:
    """The window state of the workspace in *data_dir*."""
    return WindowState(QSettings(str(data_dir / WINDOW_STATE_FILE), QSettings.Format.IniFormat))
