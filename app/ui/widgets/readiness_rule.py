"""How readiness is measured, as a readable panel on the Readiness page (not a box of text).

Each measure is a column: its name and its rule as short points. A second
measure (readiness with evidence, beside readiness by design) is one more
column of the same panel.
"""

import re
from collections.abc import Sequence
from html import escape

from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from app.ui.widgets.sections import Section

_SENTENCE_END = re.compile(r"(?<=[.;])\s+(?=[A-Z])")


def rule_points(text: str) -> list[str]:
    """A rule's text cut into its sentences, one point each."""
    return [part.strip() for part in _SENTENCE_END.split(text) if part.strip()]


class ReadinessRulePanel(Section):
    """A folding panel: one column per measure, its rule as a list of points."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("How readiness is measured", folded=True, parent=parent)
        self.columns = QWidget()
        self.row = QHBoxLayout(self.columns)
        self.row.setContentsMargins(0, 0, 0, 0)
        self.form.addRow(self.columns)
        self.labels: list[QLabel] = []

    def set_measures(self, measures: Sequence[tuple[str, str]]) -> None:
        """Show *measures*: (name, rule text) pairs, side by side."""
        for label in self.labels:
            label.deleteLater()
        self.labels = []
        for name, text in measures:
            points = "".join(f"<li>{escape(point)}</li>" for point in rule_points(text))
            label = QLabel(f"<b>{escape(name)}</b><ul style='margin-left: -20px'>{points}</ul>")
            label.setWordWrap(True)
            label.setAccessibleName(f"Rule: {name}")
            self.row.addWidget(label, 1)
            self.labels.append(label)
