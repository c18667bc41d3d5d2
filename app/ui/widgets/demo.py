"""The demo engagement in the window: made on request, marked in the engagement bar, deleted in one action."""

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from app.domain.engagements import EngagementRow
from app.services.engagements import delete_engagement
from app.ui.context import AppContext
from app.ui.tasks import Task

DEMO_STYLE = "background-color:#fff3cd; color:#8a4b00; font-weight:bold; padding:2px 8px; border-radius:4px"


def make_demo(context: AppContext, done: Callable[[EngagementRow], None] | None = None) -> Task:
    """Make the demo engagement in the background and choose it; *done* hears of it when ready."""

    def work(progress: Any, cancel: Any) -> EngagementRow:
        from app.services.demo import create_demo  # the demo's library is read when one is made

        return create_demo(context.workspace, progress=progress, cancel=cancel)

    def made(engagement: EngagementRow) -> None:
        context.set_engagement(engagement.id)
        if done is not None:
            done(engagement)

    return context.start("Making the demo engagement", work, made)


class DemoBadge(QWidget):
    """Says that the current engagement is the demo, and deletes it with one click (after asking)."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.engagement: EngagementRow | None = None
        self.label = QLabel("DEMO · fictional company")
        self.label.setStyleSheet(DEMO_STYLE)
        self.label.setToolTip(
            "This engagement is a demo made by SOC Workbench: a fictional company and its data. It is kept "
            "apart from your own engagements."
        )
        self.delete_button = QPushButton("Delete demo…")
        self.delete_button.setToolTip("Remove the demo engagement and its files; your own engagements stay")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.delete_button)
        self.delete_button.clicked.connect(self.delete_demo)
        self.hide()

    def show_for(self, engagement: EngagementRow | None) -> None:
        self.engagement = engagement
        self.setVisible(engagement is not None and engagement.is_demo)

    def delete_demo(self) -> bool:
        """Delete the demo engagement shown, once the user agrees; True when it was deleted."""
        engagement = self.engagement
        if engagement is None or not engagement.is_demo:
            return False
        if not self.context.interaction.confirm(
            "Delete the demo",
            f"Delete the demo engagement “{engagement.name}” with its controls, evidence files and "
            "documents? Your own engagements are not touched.",
            action="Delete demo",
        ):
            return False
        deleted = self.context.run(
            "Delete the demo", lambda: delete_engagement(self.context.workspace, engagement.id)
        )
        if deleted is None:
            return False
        self.context.set_engagement(None)
        return True
