"""The seam between pages and modal dialogs, so tests never run a dialog's event loop.

Pages ask the :class:`Interaction` to confirm, to report an error or to pick
files; tests replace it with a scripted one.
"""

from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QCheckBox, QFileDialog, QInputDialog, QMessageBox, QWidget


def documents_folder() -> Path:
    """The user's Documents folder (the home folder where there is none): where exports go by default."""
    location = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(location) if location else Path.home()


class Interaction:
    """Message boxes and file pickers for real use."""

    def __init__(self, parent: QWidget | None = None) -> None:
        self.parent = parent

    def confirm(self, title: str, text: str, *, action: str = "OK") -> bool:
        box = QMessageBox(QMessageBox.Icon.Warning, title, text, parent=self.parent)
        accept = box.addButton(action, QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        return box.clickedButton() is accept

    def confirm_with_option(
        self, title: str, text: str, option: str, *, action: str = "OK"
    ) -> tuple[bool, bool]:
        """Ask to go on, offering *option* as a box left unticked; returns (go on, option ticked)."""
        box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=self.parent)
        tick = QCheckBox(option)
        box.setCheckBox(tick)
        accept = box.addButton(action, QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        return box.clickedButton() is accept, tick.isChecked()

    def error(self, title: str, text: str) -> None:
        QMessageBox.critical(self.parent, title, text)

    def info(self, title: str, text: str) -> None:
        QMessageBox.information(self.parent, title, text)

    def ask_text(self, title: str, label: str, text: str = "") -> str | None:
        value, accepted = QInputDialog.getText(self.parent, title, label, text=text)
        return value if accepted else None

    def choose(self, title: str, label: str, options: list[str]) -> str | None:
        """One of *options*, picked from a list; ``None`` when cancelled."""
        value, accepted = QInputDialog.getItem(self.parent, title, label, options, 0, False)
        return value if accepted else None

    def open_files(self, title: str, folder: Path, filters: str = "All files (*)") -> list[Path]:
        names, _ = QFileDialog.getOpenFileNames(self.parent, title, str(folder), filters)
        return [Path(name) for name in names]

    def open_file(self, title: str, folder: Path, filters: str) -> Path | None:
        name, _ = QFileDialog.getOpenFileName(self.parent, title, str(folder), filters)
        return Path(name) if name else None

    def save_file(self, title: str, suggested: Path, filters: str) -> Path | None:
        name, _ = QFileDialog.getSaveFileName(self.parent, title, str(suggested), filters)
        return Path(name) if name else None

    def choose_folder(self, title: str, folder: Path) -> Path | None:
        name = QFileDialog.getExistingDirectory(self.parent, title, str(folder))
        return Path(name) if name else None
