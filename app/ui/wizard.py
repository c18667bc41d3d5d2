"""The scoping wizard: about your service → categories (SOC 2 only) → timing → providers → summary.

The steps are listed beside the pages with the current one marked, and the
window keeps one size from the first step to the last.
"""

from collections.abc import Sequence
from datetime import date
from html import escape
from pathlib import Path
from typing import Any

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from app.domain.carveouts import CLOUD_PROVIDERS
from app.domain.catalog import load_catalog
from app.domain.engagements import EngagementRow
from app.domain.files import safe_name
from app.domain.scoping import (
    FIRST_TYPE2_MONTHS,
    QUESTIONS_BY_KEY,
    Answers,
    PriorReport,
    Recommendation,
    apply_overrides,
    recommend,
)
from app.domain.vocab import CATEGORIES, REPORT_KINDS, REPORT_TYPES
from app.services.carveouts import list_subservice_orgs
from app.services.exports import run_export
from app.services.scoping import suggested_dates
from app.ui.commands import ApplyScoping
from app.ui.context import AppContext
from app.ui.interaction import documents_folder
from app.ui.widgets.dates import DateField, PeriodEditor

PAGE_SERVICE, PAGE_CATEGORIES, PAGE_TIMING, PAGE_PROVIDERS, PAGE_SUMMARY = range(5)
STEPS = (
    (PAGE_SERVICE, "About your service"),
    (PAGE_CATEGORIES, "Trust Services Categories"),
    (PAGE_TIMING, "Timing"),
    (PAGE_PROVIDERS, "Providers you rely on"),
    (PAGE_SUMMARY, "Recommendation and period"),
)
"""The steps in the order the user meets them (ids are those of the pages)."""
CATEGORY_ANSWERS = {
    "Availability": "availability_commitments",
    "Confidentiality": "confidential_data",
    "Processing Integrity": "processing_integrity",
    "Privacy": "personal_information",
}
UNKNOWN = -1


def _help(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
    label.setContentsMargins(22, 0, 0, 8)
    return label


def _question_box(key: str, layout: QVBoxLayout) -> QCheckBox:
    question = QUESTIONS_BY_KEY[key]
    box = QCheckBox(question.text)
    box.setToolTip(question.help)
    layout.addWidget(box)
    layout.addWidget(_help(question.help))
    return box


class ServicePage(QWizardPage):
    """Which reports the service calls for."""

    def __init__(self) -> None:
        super().__init__()
        self.setTitle("About your service")
        self.setSubTitle("These questions decide whether you need a SOC 1, a SOC 2 or both.")
        layout = QVBoxLayout(self)
        self.boxes = {
            key: _question_box(key, layout) for key in ("financial_reporting_impact", "customer_data")
        }
        requested = QUESTIONS_BY_KEY["customers_requested"]
        layout.addWidget(QLabel(requested.text))
        row = QHBoxLayout()
        row.setContentsMargins(22, 0, 0, 0)
        self.requested = {report: QCheckBox(report) for report in ("SOC 1", "SOC 2", "SOC 3")}
        for box in self.requested.values():
            row.addWidget(box)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(_help(requested.help))
        self.boxes["ipo_planned"] = _question_box("ipo_planned", layout)
        self.prior = PriorReportEditor()
        layout.addWidget(self.prior)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #b3261e")
        layout.addWidget(self.problem)
        layout.addStretch(1)

    def validatePage(self) -> bool:  # noqa: N802 (Qt override)
        self.problem.setText(self.prior.problem())
        return not self.problem.text()

    def nextId(self) -> int:  # noqa: N802 (Qt override)
        wizard = self.wizard()
        assert isinstance(wizard, ScopingWizard)
        return (
            PAGE_CATEGORIES if "SOC 2" in recommend(wizard.answers(), date.today()).reports else PAGE_TIMING
        )


class PriorReportEditor(QWidget):
    """The latest SOC report issued for the system, if any: which, which type, and its last day."""

    def __init__(self) -> None:
        super().__init__()
        question = QUESTIONS_BY_KEY["prior_report"]
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.issued = QCheckBox("A SOC report has already been issued for this system")
        self.issued.setToolTip(question.help)
        layout.addWidget(self.issued)
        row = QHBoxLayout()
        row.setContentsMargins(22, 0, 0, 0)
        self.report = QComboBox()
        self.report.addItems(REPORT_KINDS)
        self.report.setCurrentText("SOC 2")  # the report most companies renew
        self.report.setAccessibleName("Prior report")
        self.report_type = QComboBox()
        self.report_type.addItems(REPORT_TYPES)
        self.report_type.setCurrentText("Type 2")
        self.report_type.setAccessibleName("Prior report's type")
        self.period_end = DateField()
        self.period_end.setAccessibleName("Last day the prior report covers")
        ended = QLabel("covering up to")
        ended.setBuddy(self.period_end)
        for widget in (self.report, self.report_type, ended, self.period_end):
            row.addWidget(widget)
        row.addStretch(1)
        self.details = QWidget()
        self.details.setLayout(row)
        layout.addWidget(self.details)
        layout.addWidget(_help(question.help))
        self.issued.toggled.connect(self.details.setEnabled)
        self.details.setEnabled(False)

    def set_report(self, prior: PriorReport | None) -> None:
        self.issued.setChecked(prior is not None)
        if prior is not None:
            self.report.setCurrentText(prior.report)
            self.report_type.setCurrentText(prior.report_type)
        self.period_end.set_value(prior.period_end if prior else None)

    def problem(self) -> str:
        """Why the report as entered cannot be used (empty when it can, or when there is none)."""
        if not self.issued.isChecked():
            return ""
        self.period_end.finish()
        if not self.period_end.is_valid():
            return self.period_end.problem
        if self.period_end.value() is None:
            return "Give the last day the prior report covers (for a Type 1, its as-of date)."
        return ""

    def value(self) -> dict[str, str] | None:
        """The report as the answers take it, or ``None`` (none issued, or its date missing)."""
        self.period_end.finish()  # the wizard asks for the next page before validating this one
        end = self.period_end.value()
        if not self.issued.isChecked() or end is None:
            return None
        return PriorReport(self.report.currentText(), self.report_type.currentText(), end).as_dict()


class CategoriesPage(QWizardPage):
    """Which Trust Services Categories the SOC 2 covers."""

    def __init__(self) -> None:
        super().__init__()
        self.setTitle("Trust Services Categories")
        self.setSubTitle("Security is in every SOC 2. Add another category only when customers rely on it.")
        catalog = load_catalog()
        layout = QVBoxLayout(self)
        security = QCheckBox("Security (required)")
        security.setChecked(True)
        security.setEnabled(False)
        layout.addWidget(security)
        layout.addWidget(_help(catalog.category("Security").summary))
        self.boxes: dict[str, QCheckBox] = {}
        for category, key in CATEGORY_ANSWERS.items():
            question = QUESTIONS_BY_KEY[key]
            box = QCheckBox(f"{category}: {question.text}")
            box.setToolTip(question.help)
            layout.addWidget(box)
            examples = "; ".join(catalog.category(category).examples)
            layout.addWidget(_help(f"{question.help} Examples: {examples}"))
            self.boxes[key] = box
        layout.addStretch(1)

    def nextId(self) -> int:  # noqa: N802 (Qt override)
        return PAGE_TIMING


class ProvidersPage(QWizardPage):
    """Which outside companies run part of the service (the cloud provider first): carve-out rows."""

    def __init__(self, existing: Sequence[str]) -> None:
        super().__init__()
        self.setTitle("Providers you rely on")
        self.setSubTitle(
            "A company that runs part of your system for you — most often the cloud provider — is a "
            "subservice organization. The report names it and leaves its controls to its own SOC report."
        )
        taken = {name.casefold() for name in existing}
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Where does your system run?"))
        self.boxes: dict[str, QCheckBox] = {}
        self.services = dict(CLOUD_PROVIDERS)
        for name, services in CLOUD_PROVIDERS:
            listed = name.casefold() in taken
            box = QCheckBox(f"{name} — already listed" if listed else name)
            box.setChecked(listed)
            box.setEnabled(not listed)
            box.setToolTip(services)
            layout.addWidget(box)
            self.boxes[name] = box
        other = QFormLayout()
        self.other = QLineEdit()
        self.other.setPlaceholderText("e.g. a payment processor or a managed database service")
        self.other_services = QLineEdit()
        self.other_services.setPlaceholderText("What it does for you")
        other.addRow("Another company", self.other)
        other.addRow("It provides", self.other_services)
        layout.addLayout(other)
        layout.addWidget(
            _help(
                "Each one ticked becomes a row on the Scope page's Subservice organizations tab, as a "
                "carve-out, with what you usually expect of it and how you check it; edit them there."
            )
        )
        layout.addStretch(1)
        self._taken = taken

    def providers(self) -> list[tuple[str, str]]:
        """The providers to add: (name, services), leaving out those already listed."""
        chosen = [
            (name, self.services[name])
            for name, box in self.boxes.items()
            if box.isChecked() and box.isEnabled()
        ]
        other = " ".join(self.other.text().split())
        if other and other.casefold() not in self._taken:
            chosen.append((other, self.other_services.text().strip()))
        return chosen

    def nextId(self) -> int:  # noqa: N802 (Qt override)
        return PAGE_SUMMARY


class TimingPage(QWizardPage):
    """How long controls have operated and whether their evidence was kept, the deadline, and whether a
    Type 2 is required."""

    def __init__(self) -> None:
        super().__init__()
        self.setTitle("Timing")
        self.setSubTitle(
            "These decide between a Type 1 (design at a date) and a Type 2 (operation over months)."
        )
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.operating = QSpinBox()
        self.operating.setRange(UNKNOWN, 240)
        self.operating.setSpecialValueText("Don't know")
        self.operating.setSuffix(" months")
        self.deadline = QSpinBox()
        self.deadline.setRange(UNKNOWN, 60)
        self.deadline.setSpecialValueText("No deadline")
        self.deadline.setSuffix(" months")
        for key, spin in (
            ("controls_operating_months", self.operating),
            ("report_needed_within_months", self.deadline),
        ):
            question = QUESTIONS_BY_KEY[key]
            spin.setToolTip(question.help)
            spin.setAccessibleName(question.text)
            label = QLabel(question.text)
            label.setWordWrap(True)
            label.setBuddy(spin)
            form.addRow(label, spin)
            form.addRow(_help(question.help))
        layout.addLayout(form)
        self.evidence_kept = _question_box("evidence_kept", layout)
        self.type2 = _question_box("customers_require_type2", layout)
        layout.addStretch(1)

    def nextId(self) -> int:  # noqa: N802 (Qt override)
        return PAGE_PROVIDERS


class SummaryPage(QWizardPage):
    """The recommendation with its reasons, and the user's adjustments (with a reason)."""

    def __init__(self) -> None:
        super().__init__()
        self.setTitle("Recommendation")
        self.setSubTitle("Why this scope, in plain words. Adjust it if you know better, and say why.")
        self.text = QTextBrowser()
        self.text.setAccessibleName("Recommendation and reasons")
        adjust = QGroupBox("Adjust the recommendation")
        grid = QFormLayout(adjust)
        self.report_boxes = {report: QCheckBox(report) for report in ("SOC 1", "SOC 2")}
        reports = QWidget()
        reports_row = QHBoxLayout(reports)
        reports_row.setContentsMargins(0, 0, 0, 0)
        for box in self.report_boxes.values():
            reports_row.addWidget(box)
        reports_row.addStretch(1)
        grid.addRow("Reports", reports)
        self.type_box = QComboBox()
        self.type_box.addItems(["Type 1", "Type 2"])
        grid.addRow("Type", self.type_box)
        self.category_boxes = {category: QCheckBox(category) for category in CATEGORIES}
        self.category_boxes["Security"].setEnabled(False)
        categories = QWidget()
        categories_row = QHBoxLayout(categories)
        categories_row.setContentsMargins(0, 0, 0, 0)
        for box in self.category_boxes.values():
            categories_row.addWidget(box)
        categories_row.addStretch(1)
        grid.addRow("Categories", categories)
        self.months = QSpinBox()
        self.months.setRange(1, 24)
        self.months.setSuffix(" months")
        grid.addRow("Review period", self.months)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("Needed when you change anything above; kept with the engagement")
        grid.addRow("Reason for changes", self.reason)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.memo_button = QPushButton("Save scoping memo…")
        layout = QVBoxLayout(self)
        layout.addWidget(self.text, 1)
        layout.addWidget(adjust)
        layout.addWidget(self._build_dates())
        layout.addWidget(self.problem)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(self.memo_button)
        layout.addLayout(bottom)
        self.report_boxes["SOC 2"].toggled.connect(self._sync_enabled)
        self.type_box.currentTextChanged.connect(self._sync_enabled)
        self.months.valueChanged.connect(lambda _months: self._propose_dates())
        self.recommendation: Recommendation | None = None

    def _build_dates(self) -> QGroupBox:
        """The period the wizard proposes, and (when the engagement has dates) keep or replace."""
        box = QGroupBox("Dates")
        form = QFormLayout(box)
        self.keep = QRadioButton()
        self.replace = QRadioButton("Use the proposed dates")
        self.keep.setChecked(True)
        choice = QWidget()
        choice_row = QHBoxLayout(choice)
        choice_row.setContentsMargins(0, 0, 0, 0)
        choice_row.addWidget(self.keep)
        choice_row.addWidget(self.replace)
        choice_row.addStretch(1)
        self.choice_row = choice
        form.addRow(choice)
        self.period = PeriodEditor()
        self.as_of = DateField()
        self.period_label = QLabel("Review period")
        self.as_of_label = QLabel("As-of date")
        form.addRow(self.period_label, self.period)
        form.addRow(self.as_of_label, self.as_of)
        self._typed = False
        for field in (self.period.start, self.period.end, self.as_of):
            field.line.textEdited.connect(self._dates_typed)
            field.date_changed.connect(lambda _value: self._dates_typed())
        return box

    def _dates_typed(self) -> None:
        self._typed = True
        self.replace.setChecked(True)

    def show_dates(self, engagement: EngagementRow) -> None:
        """Offer to keep the engagement's dates when it has some; propose new ones below."""
        has_dates = bool(engagement.period_start or engagement.as_of_date)
        self.choice_row.setVisible(has_dates)
        self.keep.setText(f"Keep the engagement's dates ({engagement.period_words})")
        (self.keep if has_dates else self.replace).setChecked(True)
        self._typed = False
        self._propose_dates()

    def _propose_dates(self) -> None:
        type2 = self.type_box.currentText() == "Type 2"
        shown: tuple[QWidget, ...] = (self.period, self.period_label)
        hidden: tuple[QWidget, ...] = (self.as_of, self.as_of_label)
        for widget in shown:
            widget.setVisible(type2)
        for widget in hidden:
            widget.setVisible(not type2)
        if self._typed or self.recommendation is None:
            return
        adjusted = {key: {**value, "reason": "proposal"} for key, value in self.overrides().items()}
        try:
            scope = apply_overrides(self.recommendation, adjusted)  # the reason is asked for on Apply
        except ValueError:
            return
        dates = suggested_dates(scope, self.recommendation, date.today())
        self.period.set_period(dates["period_start"], dates["period_end"])
        self.as_of.set_value(dates["as_of_date"])

    def chosen_dates(self) -> dict[str, date | None] | None:
        """The dates to apply (an empty mapping keeps the engagement's); ``None`` when they do not fit."""
        if self.choice_row.isVisible() and self.keep.isChecked():
            return {}
        if self.type_box.currentText() == "Type 2":
            if not self.period.commit():
                return None
            start, end = self.period.period()
            if start is None:
                self.period.problem.setText("Give the review period's first and last day.")
                self.period.problem.show()
                return None
            return {"period_start": start, "period_end": end, "as_of_date": None}
        self.as_of.finish()
        if not self.as_of.is_valid() or self.as_of.value() is None:
            return None
        return {"period_start": None, "period_end": None, "as_of_date": self.as_of.value()}

    def initializePage(self) -> None:  # noqa: N802 (Qt override)
        wizard = self.wizard()
        assert isinstance(wizard, ScopingWizard)
        self.recommendation = recommend(wizard.answers(), date.today())
        self.text.setHtml(recommendation_html(self.recommendation))
        self.show_scope(self.recommendation, wizard.initial_overrides)
        self.show_dates(wizard.engagement)
        self.problem.clear()

    def show_scope(self, recommendation: Recommendation, overrides: dict[str, dict[str, Any]]) -> None:
        """Fill the adjustment controls: the recommendation, then any overrides on top."""

        def value(key: str, default: Any) -> Any:
            return overrides[key]["value"] if key in overrides else default

        reports = value("reports", recommendation.reports)
        for report, box in self.report_boxes.items():
            box.setChecked(report in reports)
        self.type_box.setCurrentText(value("report_type", recommendation.report_type))
        categories = value("categories", recommendation.categories)
        for category, box in self.category_boxes.items():
            box.setChecked(category in categories or category == "Security")
        self.months.setValue(
            value("observation_months", recommendation.observation_months) or FIRST_TYPE2_MONTHS
        )
        reasons = {str(item.get("reason", "")) for item in overrides.values()}
        self.reason.setText(next(iter(reasons)) if len(reasons) == 1 else "; ".join(sorted(reasons)))
        self._sync_enabled()

    def _sync_enabled(self) -> None:
        soc2 = self.report_boxes["SOC 2"].isChecked()
        for category, box in self.category_boxes.items():
            box.setEnabled(soc2 and category != "Security")
        self.category_boxes["Security"].setChecked(soc2)
        self.months.setEnabled(self.type_box.currentText() == "Type 2")
        self._propose_dates()

    def overrides(self) -> dict[str, dict[str, Any]]:
        """Each adjusted part with the reason given (empty when nothing was adjusted)."""
        assert self.recommendation is not None
        recommendation = self.recommendation
        reports = tuple(report for report, box in self.report_boxes.items() if box.isChecked())
        categories = tuple(
            category
            for category, box in self.category_boxes.items()
            if box.isChecked() and "SOC 2" in reports
        )
        chosen: dict[str, Any] = {
            "reports": (reports, recommendation.reports),
            "report_type": (self.type_box.currentText(), recommendation.report_type),
            "categories": (categories, recommendation.categories),
        }
        if self.type_box.currentText() == "Type 2":
            chosen["observation_months"] = (
                self.months.value(),
                recommendation.observation_months or FIRST_TYPE2_MONTHS,
            )
        reason = self.reason.text().strip()
        return {
            key: {"value": list(new) if isinstance(new, tuple) else new, "reason": reason}
            for key, (new, old) in chosen.items()
            if new != old
        }

    def nextId(self) -> int:  # noqa: N802 (Qt override)
        return -1

    def validatePage(self) -> bool:  # noqa: N802 (Qt override)
        wizard = self.wizard()
        assert isinstance(wizard, ScopingWizard)
        overrides = self.overrides()
        if overrides and not self.reason.text().strip():
            self.problem.setText(
                "You changed the recommendation: please give a reason (it is kept with the engagement)."
            )
            self.reason.setFocus()
            return False
        dates = self.chosen_dates()
        if dates is None:
            self.problem.setText("The dates do not fit: correct them, or keep the engagement's dates.")
            return False
        return wizard.apply(overrides, dates)


def recommendation_html(recommendation: Recommendation) -> str:
    """The summary shown on the last page: the scope, the reasons and the warnings."""
    reports = " + ".join(recommendation.reports) or "No SOC report indicated"
    kind = "Type 1 now, then a Type 2" if recommendation.then_type2 else recommendation.report_type
    parts = [f"<h2>{escape(reports)} — {escape(kind)}</h2>"]
    if recommendation.categories:
        parts.append(f"<p><b>Categories:</b> {escape(', '.join(recommendation.categories))}</p>")
    if recommendation.observation_months:
        parts.append(f"<p><b>Review period:</b> {recommendation.observation_months} months</p>")
    parts.append("<h3>Why</h3><ul>")
    parts += [f"<li>{escape(line)}</li>" for line in recommendation.rationale]
    parts.append("</ul>")
    if recommendation.warnings:
        parts.append("<h3>Warnings</h3><ul>")
        parts += [f"<li><b>Warning:</b> {escape(line)}</li>" for line in recommendation.warnings]
        parts.append("</ul>")
    return "".join(parts)


class ScopingWizard(QWizard):
    """Asks the scoping questions for one engagement and applies the result to it (undoably)."""

    def __init__(
        self,
        context: AppContext,
        engagement: EngagementRow,
        initial: Answers | None = None,
        overrides: dict[str, dict[str, Any]] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.engagement = engagement
        self.initial_overrides = dict(overrides or {})
        self.setWindowTitle(f"Scoping wizard — {engagement.name}")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setButtonText(QWizard.WizardButton.FinishButton, "Apply to engagement")
        self.service = ServicePage()
        self.categories = CategoriesPage()
        self.timing = TimingPage()
        self.summary = SummaryPage()
        existing = context.run(
            "Scoping wizard", lambda: list_subservice_orgs(context.workspace, engagement_id=engagement.id)
        )
        self.providers = ProvidersPage([org.name for org in existing or []])
        pages = (self.service, self.categories, self.timing, self.providers, self.summary)
        for page_id, page in enumerate(pages):
            self.setPage(page_id, page)
        self.setStartId(PAGE_SERVICE)
        self.steps = StepList()
        self.setSideWidget(self.steps)
        self.currentIdChanged.connect(self._step_changed)
        self.set_answers(initial or Answers())
        self.summary.memo_button.clicked.connect(self.save_memo)
        self._keep_one_size(pages)

    def _keep_one_size(self, pages: Sequence[QWizardPage]) -> None:
        """One size for every step: the largest any page asks for, at least 820×660."""
        width = max([820, *(page.sizeHint().width() + self.steps.sizeHint().width() + 60 for page in pages)])
        height = max([660, *(page.sizeHint().height() + 200 for page in pages)])
        self.setMinimumSize(width, height)
        self.resize(width, height)

    def _step_changed(self, page_id: int) -> None:
        soc2 = "SOC 2" in recommend(self.answers(), date.today()).reports
        self.steps.show_step(page_id, skipped={PAGE_CATEGORIES} if not soc2 else set())

    def set_answers(self, answers: Answers) -> None:
        """Start from these answers (the ones saved on the engagement when re-run)."""
        for key, box in self.service.boxes.items():
            box.setChecked(bool(getattr(answers, key)))
        for report, box in self.service.requested.items():
            box.setChecked(report in answers.customers_requested)
        for key, box in self.categories.boxes.items():
            box.setChecked(bool(getattr(answers, key)))
        operating = answers.controls_operating_months
        deadline = answers.report_needed_within_months
        self.timing.operating.setValue(UNKNOWN if operating is None else operating)
        self.timing.deadline.setValue(UNKNOWN if deadline is None else deadline)
        self.timing.type2.setChecked(answers.customers_require_type2)
        self.timing.evidence_kept.setChecked(answers.evidence_kept)
        self.service.prior.set_report(answers.prior_report)

    def answers(self) -> Answers:
        """The answers as the pages show them now."""
        values: dict[str, Any] = {key: box.isChecked() for key, box in self.service.boxes.items()}
        values["customers_requested"] = [r for r, box in self.service.requested.items() if box.isChecked()]
        values.update({key: box.isChecked() for key, box in self.categories.boxes.items()})
        operating, deadline = self.timing.operating.value(), self.timing.deadline.value()
        values["controls_operating_months"] = None if operating == UNKNOWN else operating
        values["report_needed_within_months"] = None if deadline == UNKNOWN else deadline
        values["customers_require_type2"] = self.timing.type2.isChecked()
        values["evidence_kept"] = self.timing.evidence_kept.isChecked()
        values["prior_report"] = self.service.prior.value()
        return Answers.from_mapping(values)

    def save_memo(self) -> Path | None:
        """Write the scoping memo of the answers and adjustments as they stand (not yet applied)."""
        engagement_id = self.engagement.id
        suggested = documents_folder() / f"{safe_name(self.engagement.name)} - scoping memo.pdf"
        target = self.context.interaction.save_file("Save scoping memo", suggested, "PDF (*.pdf)")
        if target is None:
            return None
        answers, overrides = self.answers(), self.summary.overrides()
        result = self.context.run(
            "Save scoping memo",
            lambda: run_export(
                self.context.workspace,
                engagement_id=engagement_id,
                kind="scoping-memo",
                target=target,
                answers=answers,
                overrides=overrides,
            ),
        )
        return None if result is None else result.path

    def apply(self, overrides: dict[str, dict[str, Any]], dates: dict[str, Any] | None = None) -> bool:
        """Store answers, recommendation, overrides and dates, apply the scope and add the providers
        named as carve-outs, in one undoable step; False if refused."""
        return self.context.push(
            ApplyScoping(
                self.context,
                self.engagement,
                self.answers(),
                overrides,
                dates=dates,
                providers=self.providers.providers(),
            )
        )


class StepList(QWidget):
    """The wizard's steps beside its pages: done, current (in bold, with an arrow) and to come."""

    def __init__(self) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 8, 16, 8)
        heading = QLabel("<b>Steps</b>")
        layout.addWidget(heading)
        self.labels: dict[int, QLabel] = {}
        for number, (page_id, title) in enumerate(STEPS, 1):
            label = QLabel(f"{number}. {title}")
            label.setWordWrap(True)
            layout.addWidget(label)
            self.labels[page_id] = label
        layout.addStretch(1)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("Recommendation and period") + 40)

    def show_step(self, current: int, skipped: set[int]) -> None:
        order = [page_id for page_id, _title in STEPS]
        position = order.index(current) if current in order else -1
        for number, (page_id, title) in enumerate(STEPS, 1):
            label = self.labels[page_id]
            here = order.index(page_id)
            if page_id in skipped:
                text = f"{number}. {title} (not needed)"
            elif here == position:
                text = f"<b>▸ {number}. {escape(title)}</b>"
            elif here < position:
                text = f"✓ {number}. {escape(title)}"
            else:
                text = f"{number}. {escape(title)}"
            label.setText(text)
            label.setEnabled(page_id not in skipped)
            label.setAccessibleDescription("current step" if here == position else "")
