"""GUI fixtures: a main window over a temporary workspace, with scripted dialogs."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.services.workspace import Workspace
from app.ui.context import AppContext
from app.ui.interaction import Interaction
from app.ui.main_window import MainWindow
from app.ui.window_state import window_state_for


class ScriptedInteraction(Interaction):
    """Answers dialogs from queues the test fills; records what was shown."""

    def __init__(self) -> None:
        super().__init__(None)
        self.texts: list[str | None] = []
        self.confirmations: list[bool] = []
        self.options: list[bool] = []
        self.files: list[list[Path]] = []
        self.save_paths: list[Path | None] = []
        self.folders: list[Path | None] = []
        self.errors: list[tuple[str, str]] = []
        self.infos: list[tuple[str, str]] = []
        self.asked: list[str] = []
        self.choices: list[str | None] = []
        self.choices_offered: list[list[str]] = []

    def confirm(self, title: str, text: str, *, action: str = "OK") -> bool:
        self.asked.append(text)
        return self.confirmations.pop(0)

    def confirm_with_option(
        self, title: str, text: str, option: str, *, action: str = "OK"
    ) -> tuple[bool, bool]:
        self.asked.append(f"{text}\n[ ] {option}")
        return self.confirmations.pop(0), self.options.pop(0)

    def error(self, title: str, text: str) -> None:
        self.errors.append((title, text))

    def info(self, title: str, text: str) -> None:
        self.infos.append((title, text))

    def choose(self, title: str, label: str, options: list[str]) -> str | None:
        self.asked.append(label)
        self.choices_offered.append(options)
        return self.choices.pop(0)

    def ask_text(self, title: str, label: str, text: str = "") -> str | None:
        self.asked.append(label)
        return self.texts.pop(0)

    def open_files(self, title: str, folder: Path, filters: str = "All files (*)") -> list[Path]:
        return self.files.pop(0)

    def open_file(self, title: str, folder: Path, filters: str) -> Path | None:
        chosen = self.files.pop(0)
        return chosen[0] if chosen else None

    def save_file(self, title: str, suggested: Path, filters: str) -> Path | None:
        return self.save_paths.pop(0)

    def choose_folder(self, title: str, folder: Path) -> Path | None:
        return self.folders.pop(0)


@pytest.fixture
def interaction() -> ScriptedInteraction:
    return ScriptedInteraction()


@pytest.fixture
def make_window(qtbot: Any, workspace: Workspace, interaction: ScriptedInteraction) -> Iterator[Any]:
    """Build main windows over the test workspace (a new one simulates a restart)."""
    windows: list[MainWindow] = []

    def build() -> MainWindow:
        window = MainWindow(AppContext(workspace, interaction, window_state_for(workspace.data_dir)))
        qtbot.addWidget(window)
        window.show()
        window.activateWindow()
        qtbot.waitExposed(window)
        qtbot.waitUntil(window.isActiveWindow)
        windows.append(window)
        return window

    yield build
    for window in windows:
        window.close()


@pytest.fixture
def window(make_window: Any) -> MainWindow:
    return make_window()  # type: ignore[no-any-return]
