"""Settings: the sample-size conventions, the age limit of Type 1 evidence, and your name."""

from collections.abc import Mapping

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.domain.sampling import (
    AUTOMATED,
    DEFAULT_CONVENTIONS,
    MAX_SAMPLE,
    POPULATION_BRACKETS,
    TYPE_1,
    Convention,
)
from app.domain.vocab import label

ROW_LABELS = {
    AUTOMATED: "Automated control (test of one)",
    TYPE_1: "Any control, Type 1 (walkthrough)",
    **{bracket.key: bracket.label for bracket in POPULATION_BRACKETS},
}


class SettingsDialog(QDialog):
    """Edit the typical sample per frequency and how old Type 1 evidence may be."""

    def __init__(
        self,
        conventions: Mapping[str, Convention],
        type1_days: int,
        parent: QWidget | None = None,
        *,
        user_name: str = "",
    ):
        super().__init__(parent)
        self.setWindowTitle("Settings")
        brackets = {bracket.key for bracket in POPULATION_BRACKETS}
        self.samples: dict[str, QSpinBox] = {}
        by_frequency = self._sample_group(
            "Typical sample sizes for a Type 2, by frequency",
            {key: c for key, c in conventions.items() if key not in brackets},
        )
        by_population = self._sample_group(
            "By population, when a control's population size is known",
            {key: c for key, c in conventions.items() if key in brackets},
        )
        note = QLabel(
            "Widely used conventions; no standard fixes them. The auditor picks the sample, and for a "
            "short period it shrinks with the number of occurrences. A control whose population size "
            "you entered takes its sample from the population table instead of its frequency."
        )
        note.setWordWrap(True)
        defaults = QPushButton("Restore the usual sizes")
        defaults.clicked.connect(self.restore_defaults)
        tables = QHBoxLayout()
        tables.addWidget(by_frequency)
        population_column = QVBoxLayout()
        population_column.addWidget(by_population)
        population_column.addWidget(note)
        population_column.addWidget(defaults)
        population_column.addStretch(1)
        tables.addLayout(population_column)
        self.type1_days = QSpinBox()
        self.type1_days.setRange(1, 3650)
        self.type1_days.setSuffix(" days")
        self.type1_days.setValue(type1_days)
        age = QGroupBox("Stale evidence")
        age_form = QFormLayout(age)
        age_form.addRow(
            "For a Type 1, evidence older than this before the as-of date is stale", self.type1_days
        )
        you = QGroupBox("You")
        you_form = QFormLayout(you)
        self.name = QLineEdit(user_name)
        self.name.setPlaceholderText("your login name")
        self.name.setAccessibleName("Your name")
        you_form.addRow("Your name, recorded with every change you make", self.name)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(tables)
        layout.addWidget(age)
        layout.addWidget(you)
        layout.addWidget(buttons)

    def _sample_group(self, title: str, conventions: Mapping[str, Convention]) -> QGroupBox:
        group = QGroupBox(title)
        form = QFormLayout(group)
        for key, convention in conventions.items():
            spin = QSpinBox()
            spin.setRange(1, MAX_SAMPLE)
            spin.setValue(convention.sample)
            yearly = (
                f" (~{convention.occurrences_per_year} a year)" if convention.occurrences_per_year else ""
            )
            row_label = ROW_LABELS.get(key, label(key)) + yearly
            spin.setAccessibleName(f"Sample for: {row_label}")
            form.addRow(row_label, spin)
            self.samples[key] = spin
        return group

    def restore_defaults(self) -> None:
        for key, spin in self.samples.items():
            spin.setValue(DEFAULT_CONVENTIONS[key].sample)

    def values(self) -> tuple[dict[str, int], int]:
        """The chosen sample per key, and the Type 1 age limit in days."""
        return {key: spin.value() for key, spin in self.samples.items()}, self.type1_days.value()

    def user_name(self) -> str:
        """The name typed (empty: the login name)."""
        return " ".join(self.name.text().split())
