"""Scope page: the engagement's reports, type, categories and period, and why; runs the wizard."""

from html import escape

from PySide6.QtWidgets import QHBoxLayout, QPushButton, QTextBrowser, QVBoxLayout

from app.db.models import Engagement
from app.domain.periods import describe_period
from app.services.scoping import saved_scoping
from app.ui.context import AppContext
from app.ui.pages.base import Page, page_heading
from app.ui.wizard import ScopingWizard, recommendation_html


def scope_html(engagement: Engagement) -> str:
    """The applied scope, the saved recommendation and the user's overrides with their reasons."""
    saved = saved_scoping(engagement)
    reports = " + ".join(engagement.report_kinds) or "not set"
    period = describe_period(engagement.period_start, engagement.period_end, engagement.as_of_date)
    parts = [
        "<h2>Applied scope</h2>",
        f"<p><b>Reports:</b> {escape(reports)} {escape(engagement.report_type or '')}<br>",
        f"<b>Categories:</b> {escape(', '.join(engagement.categories) or '—')}<br>",
        f"<b>Period:</b> {escape(period)}</p>",
    ]
    if saved is None:
        parts.append(
            "<p>The scoping wizard has not been run for this engagement yet. It asks a few plain "
            "questions about your service and customers and recommends which report you need, "
            "with the reasons, so you can show them to your management.</p>"
        )
        return "".join(parts)
    if saved.overrides:
        parts.append("<h3>Your changes to the recommendation</h3><ul>")
        for key, override in saved.overrides.items():
            value = override["value"]
            shown = ", ".join(value) if isinstance(value, list) else str(value)
            parts.append(
                f"<li>{escape(key.replace('_', ' ').capitalize())}: {escape(shown)} — "
                f"<i>{escape(str(override.get('reason', '')))}</i></li>"
            )
        parts.append("</ul>")
    parts.append("<hr><p><b>What the wizard recommended</b></p>")
    parts.append(recommendation_html(saved.recommendation))
    return "".join(parts)


class ScopePage(Page):
    """Shows the current scope and opens the scoping wizard."""

    title = "Scope"
    needs_engagement = True

    def __init__(self, context: AppContext) -> None:
        super().__init__(context)
        self.wizard: ScopingWizard | None = None
        self.text = QTextBrowser()
        self.text.setAccessibleName("Scope of the engagement")
        self.wizard_button = QPushButton("Run the scoping wizard…")
        self.wizard_button.setDefault(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.wizard_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(
            page_heading(
                "Scope",
                "Which report you need — SOC 1, SOC 2 or both, Type 1 or Type 2 — which Trust Services "
                "Categories, and for which period.",
            )
        )
        layout.addLayout(buttons)
        layout.addWidget(self.text, 1)
        self.wizard_button.clicked.connect(self.open_wizard)
        context.engagement_changed.connect(lambda _id: self.refresh())

    def refresh(self) -> None:
        engagement = self.context.engagement()
        self.wizard_button.setEnabled(engagement is not None)
        if engagement is None:
            self.text.setHtml("<p>Create or choose an engagement on the Engagements page first.</p>")
            return
        self.text.setHtml(scope_html(engagement))

    def open_wizard(self) -> ScopingWizard | None:
        """Open the wizard (window-modal) starting from the saved answers; returns it."""
        engagement = self.context.engagement()
        if engagement is None:
            return None
        saved = saved_scoping(engagement)
        self.wizard = ScopingWizard(
            self.context,
            engagement,
            saved.answers if saved else None,
            saved.overrides if saved else None,
            parent=self,
        )
        self.wizard.applied.connect(self._applied)
        self.wizard.open()
        return self.wizard

    def _applied(self, engagement: Engagement) -> None:
        self.context.engagement_changed.emit(engagement.id)
        self.context.engagements_changed.emit()
        self.refresh()
