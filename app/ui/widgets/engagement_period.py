"""An engagement's dates: the review period (both days saved together, as one undoable step) and the
as-of date of a Type 1. Used on the Engagements page and on the Scope page."""

from datetime import date
from typing import Any

from PySide6.QtWidgets import QFormLayout, QWidget

from app.domain.engagements import EngagementRow
from app.ui.commands import edit_engagement
from app.ui.context import AppContext
from app.ui.widgets.dates import DateField, PeriodEditor


class EngagementPeriodEditor(QWidget):
    """The review period and the as-of date of one engagement, each change saved undoably."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.engagement: EngagementRow | None = None
        self.period = PeriodEditor()
        self.as_of = DateField()
        self.as_of.setAccessibleName("As-of date of a Type 1")
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow("Review period (Type 2)", self.period)
        form.addRow("As-of date (Type 1)", self.as_of)
        self.period.period_changed.connect(self._period_changed)
        self.as_of.date_changed.connect(self._as_of_changed)
        self.setEnabled(False)

    def show_engagement(self, engagement: EngagementRow | None) -> None:
        self.engagement = engagement
        self.setEnabled(engagement is not None)
        self.period.set_period(
            engagement.period_start if engagement else None, engagement.period_end if engagement else None
        )
        self.as_of.set_value(engagement.as_of_date if engagement else None)

    def _push(self, text: str, before: dict[str, Any], after: dict[str, Any]) -> None:
        engagement = self.engagement
        if engagement is None or before == after:
            return
        if not self.context.push(
            edit_engagement(self.context, f"{text} of {engagement.name}", engagement, before, after)
        ):
            self.show_engagement(engagement)

    def _period_changed(self, start: date | None, end: date | None) -> None:
        engagement = self.engagement
        if engagement is None:
            return
        self._push(
            "Change the review period",
            {"period_start": engagement.period_start, "period_end": engagement.period_end},
            {"period_start": start, "period_end": end},
        )

    def _as_of_changed(self, value: date | None) -> None:
        engagement = self.engagement
        if engagement is None:
            return
        self._push("Change the as-of date", {"as_of_date": engagement.as_of_date}, {"as_of_date": value})
