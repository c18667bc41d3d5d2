"""The details of one engagement, each field saved (undoably) when the user leaves it."""

from typing import Any

from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QLineEdit, QPlainTextEdit

from app.domain.engagements import EngagementRow
from app.ui.commands import edit_engagement
from app.ui.context import AppContext
from app.ui.widgets.engagement_period import EngagementPeriodEditor


class EngagementDetails(QGroupBox):
    """Editable details of one engagement; each field is saved when the user leaves it."""

    TEXT_FIELDS = (
        ("name", "Name"),
        ("company", "Company"),
        ("system_name", "System name"),
        ("auditor_firm", "Auditor (CPA firm)"),
    )

    def __init__(self, context: AppContext) -> None:
        super().__init__("Details")
        self.context = context
        self.engagement: EngagementRow | None = None
        form = QFormLayout(self)
        self.lines: dict[str, QLineEdit] = {}
        for field, label in self.TEXT_FIELDS:
            line = QLineEdit()
            line.editingFinished.connect(lambda f=field: self._text_done(f))
            form.addRow(label, line)
            self.lines[field] = line
        self.description = QPlainTextEdit()
        self.description.setPlaceholderText("What the system does, for whom, and what it is made of")
        self.description.setTabChangesFocus(True)
        self.description.installEventFilter(self)
        form.addRow("System description", self.description)
        self.dates = EngagementPeriodEditor(context)
        form.addRow(self.dates)
        self.scope = QLabel()
        self.scope.setWordWrap(True)
        form.addRow("Scope", self.scope)
        self.setEnabled(False)

    def show_engagement(self, engagement: EngagementRow | None) -> None:
        self.engagement = engagement
        self.setEnabled(engagement is not None)
        for field, line in self.lines.items():
            line.setText(getattr(engagement, field) if engagement else "")
            line.setCursorPosition(0)
        self.description.setPlainText(engagement.system_description if engagement else "")
        self.dates.show_engagement(engagement)
        if engagement is None:
            self.scope.setText("")
        else:
            reports = " + ".join(engagement.report_kinds) or "Not scoped yet"
            categories = ", ".join(engagement.categories) or "—"
            self.scope.setText(f"{reports} {engagement.report_type or ''}\nCategories: {categories}".strip())

    def eventFilter(self, watched: Any, event: Any) -> bool:  # noqa: N802 (Qt override)
        if watched is self.description and event.type() == event.Type.FocusOut:
            self._save("system_description", self.description.toPlainText().strip())
        return super().eventFilter(watched, event)

    def _text_done(self, field: str) -> None:
        self._save(field, self.lines[field].text().strip())

    def _save(self, field: str, value: str) -> None:
        engagement = self.engagement
        if engagement is None or getattr(engagement, field) == value:
            return
        label = dict(self.TEXT_FIELDS).get(field, "system description").lower()
        if not self.context.push(
            edit_engagement(
                self.context,
                f"Change the {label} of {engagement.name}",
                engagement,
                {field: getattr(engagement, field)},
                {field: value},
            )
        ):
            self.show_engagement(engagement)
