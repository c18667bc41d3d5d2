"""The path as a short checklist (each step done or not, with its action) and the one "next step" line.

Signals of both widgets:
    action_requested(str): the user asked for a step's action (its key, e.g. ``"seed"``).
"""

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QPushButton, QWidget

from app.domain.guidance import PathStep, next_step
from app.ui.icons import icon
from app.ui.widgets.status_chip import status_colour

STEP_ICONS = {
    "engagement": "briefcase",
    "scope": "wand-sparkles",
    "seed": "sprout",
    "owners": "users",
    "evidence": "file-plus",
    "export": "package",
}


class PathChecklist(QFrame):
    """One row per step: done mark, title and where it stands, and the button that does it."""

    action_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName("The path to a sealed evidence package")
        self.grid = QGridLayout(self)
        self.grid.setColumnStretch(2, 1)
        self.grid.setHorizontalSpacing(10)
        self.buttons: dict[str, QPushButton] = {}
        self.marks: dict[str, QLabel] = {}
        self.titles: dict[str, QLabel] = {}
        self.details: dict[str, QLabel] = {}
        self.steps: tuple[PathStep, ...] = ()

    def set_steps(self, steps: Sequence[PathStep], *, enabled_from_first: bool = False) -> None:
        """Show *steps*; with *enabled_from_first* only the first step's button works (no engagement yet)."""
        self.steps = tuple(steps)
        upcoming = next_step(self.steps)
        size = self.fontMetrics().height() + 4
        for row, step in enumerate(self.steps):
            if step.key not in self.buttons:
                self._add_row(row, step)
            mark, title, detail = self.marks[step.key], self.titles[step.key], self.details[step.key]
            colour = status_colour("implemented") if step.done else None
            mark.setPixmap(icon("circle-check" if step.done else "circle", colour).pixmap(size, size))
            mark.setAccessibleName("Done" if step.done else "Not done yet")
            title.setText(f"<b>{step.title}</b>" if step is upcoming else step.title)
            detail.setText(step.detail)
            button = self.buttons[step.key]
            button.setEnabled(not enabled_from_first or row == 0)
            button.setDefault(step is upcoming)

    def _add_row(self, row: int, step: PathStep) -> None:
        mark, title, detail = QLabel(), QLabel(), QLabel()
        detail.setWordWrap(True)
        detail.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        button = QPushButton(icon(STEP_ICONS.get(step.key, "arrow-right")), step.action)
        button.clicked.connect(lambda _checked=False, key=step.key: self.action_requested.emit(key))
        self.grid.addWidget(mark, row, 0, Qt.AlignmentFlag.AlignTop)
        self.grid.addWidget(title, row, 1, Qt.AlignmentFlag.AlignTop)
        self.grid.addWidget(detail, row, 2)
        self.grid.addWidget(button, row, 3, Qt.AlignmentFlag.AlignTop)
        self.marks[step.key], self.titles[step.key], self.details[step.key] = mark, title, detail
        self.buttons[step.key] = button


class NextStepLine(QFrame):
    """``Next: <step> — <where it stands>  [action]``, or a line saying the path is done."""

    action_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.button = QPushButton()
        self.step: PathStep | None = None
        self.mark = QLabel()
        layout = QHBoxLayout(self)
        layout.addWidget(self.mark, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.button)
        self.button.clicked.connect(lambda: self.step and self.action_requested.emit(self.step.key))

    def set_steps(self, steps: Sequence[PathStep]) -> None:
        self.step = next_step(tuple(steps))
        size = self.fontMetrics().height() + 4
        if self.step is None:
            self.mark.setPixmap(icon("circle-check", status_colour("implemented")).pixmap(size, size))
            self.text.setText(
                "<b>The path is done.</b> Export the package again whenever the controls or the "
                "evidence change."
            )
            self.button.hide()
            return
        self.mark.setPixmap(icon("arrow-right").pixmap(size, size))
        self.text.setText(f"<b>Next: {self.step.title}</b> — {self.step.detail}")
        self.button.setText(self.step.action)
        self.button.setIcon(icon(STEP_ICONS.get(self.step.key, "arrow-right")))
        self.button.show()
