"""Readiness page: the next step, the path, bars per category, the rule, what is due, and the gap list."""

from datetime import date
from html import escape

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.changes import Changes, Kind
from app.domain.guidance import next_step
from app.domain.readiness import (
    DESIGNED_DEFINITION,
    EVIDENCED_DEFINITION,
    READINESS_DEFINITION,
    ReadinessReport,
)
from app.domain.sampling import ControlSampling, group_due
from app.domain.vocab import label
from app.domain.wording import counted
from app.services.guidance import engagement_path
from app.services.readiness import engagement_readiness
from app.services.sampling import sampling_report, stale_evidence_ids
from app.ui.context import AppContext
from app.ui.models.gaps import GapTableModel, gap_target
from app.ui.models.roles import CONTROL_ID_ROLE
from app.ui.pages.base import Page, page_heading
from app.ui.widgets.bars import ReadinessBars
from app.ui.widgets.path_checklist import NextStepLine, PathChecklist
from app.ui.widgets.readiness_rule import ReadinessRulePanel

MEASURES = (
    ("Designed: the controls are in place", DESIGNED_DEFINITION.removeprefix("Designed: ")),
    ("Evidenced: their evidence is there", EVIDENCED_DEFINITION.removeprefix("Evidenced: ")),
)
"""The readiness measures the page explains (name, rule), shown side by side."""


class ReadinessPage(Page):
    """How close the engagement is to its audit, and what to do next."""

    needs_engagement = True

    def __init__(self, context: AppContext) -> None:
        super().__init__(context)
        self.report: ReadinessReport | None = None
        self.next_line = NextStepLine()
        self.checklist = PathChecklist()
        for widget in (self.next_line, self.checklist):
            widget.action_requested.connect(lambda key: self.context.navigate.emit(("step", key)))
        self.bars = ReadinessBars()
        self.bars.setToolTip(READINESS_DEFINITION)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.objectives = QLabel()
        self.objectives.setWordWrap(True)
        self.rule = ReadinessRulePanel()
        self.rule.set_measures(MEASURES)
        figures = QGroupBox("Readiness by category")
        figures_layout = QVBoxLayout(figures)
        figures_layout.addWidget(self.bars)
        figures_layout.addWidget(self.summary)
        figures_layout.addWidget(self.objectives)
        figures_layout.addWidget(self.rule)
        self.coverage = QLabel()
        self.coverage.setWordWrap(True)
        due_box = self._build_due()
        self.gaps = GapTableModel()
        self.gap_view = self._build_gap_view()
        gap_box = QGroupBox("Gaps — double-click or press Enter on one to go where it is fixed")
        QVBoxLayout(gap_box).addWidget(self.gap_view)
        self.empty = QLabel()
        self.empty.setWordWrap(True)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.empty)
        layout.addWidget(self.next_line)
        layout.addWidget(self.checklist)
        layout.addWidget(figures)
        layout.addWidget(due_box)
        layout.addWidget(gap_box, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(body)
        outer = QVBoxLayout(self)
        outer.addWidget(
            page_heading(
                "Readiness", "Where the engagement stands, and what stands between it and the audit."
            )
        )
        outer.addWidget(scroll, 1)
        self.gap_view.activated.connect(self.open_gap)
        context.changed.connect(self._changed)
        context.engagement_selected.connect(lambda _id: self._refresh_if_visible())

    def _build_due(self) -> QGroupBox:
        due_box = QGroupBox("What is due — evidence of recurring controls")
        due_layout = QVBoxLayout(due_box)
        due_layout.addWidget(self.coverage)
        lists = QHBoxLayout()
        due_layout.addLayout(lists)
        self.overdue = QListWidget()
        self.overdue.setAccessibleName("Overdue evidence")
        self.due_soon = QListWidget()
        self.due_soon.setAccessibleName("Evidence due this week")
        for title, widget in (("Overdue", self.overdue), ("Due this week", self.due_soon)):
            column = QVBoxLayout()
            column.addWidget(QLabel(f"<b>{title}</b>"))
            column.addWidget(widget)
            lists.addLayout(column)
            widget.setMaximumHeight(self.fontMetrics().height() * 5)
            widget.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            widget.setTextElideMode(Qt.TextElideMode.ElideRight)
            widget.itemActivated.connect(
                lambda item: self.context.navigate.emit(("control", int(item.data(CONTROL_ID_ROLE))))
            )
        return due_box

    def _build_gap_view(self) -> QTableView:
        view = QTableView()
        view.setModel(self.gaps)
        view.setAccessibleName("Gaps")
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.verticalHeader().hide()
        view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        view.setAlternatingRowColors(True)
        view.setWordWrap(False)
        view.setMinimumHeight(self.fontMetrics().height() * 12)
        header = view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        view.setColumnWidth(0, 260)
        view.setColumnWidth(1, 380)
        return view

    def _changed(self, changes: Changes) -> None:
        if changes.touches(
            Kind.CONTROLS,
            Kind.OBJECTIVES,
            Kind.EVIDENCE,
            Kind.SCOPE,
            Kind.SETTINGS,
            Kind.EXPORTS,
            Kind.DOCUMENTS,
            Kind.POLICIES,
            Kind.FIELDWORK,
        ):
            self._refresh_if_visible()

    def _refresh_if_visible(self) -> None:
        if self.isVisible():
            self.refresh()

    def refresh(self) -> None:
        engagement_id = self.context.engagement_id
        if engagement_id is None:
            self.report = None
            self.empty.setText("Create or choose an engagement on the Engagements page first.")
            self.empty.show()
            for widget in (self.next_line, self.checklist):
                widget.hide()
            self.bars.set_rows([])
            self.gaps.set_gaps([])
            self.summary.clear()
            self.objectives.clear()
            return
        today = date.today()
        workspace = self.context.workspace
        loaded = self.context.run(
            "Readiness",
            lambda: (
                engagement_readiness(workspace, engagement_id=engagement_id, today=today),
                sampling_report(workspace, engagement_id=engagement_id, today=today),
                len(stale_evidence_ids(workspace, engagement_id=engagement_id, today=today)),
                engagement_path(workspace, engagement_id=engagement_id),
            ),
        )
        if loaded is None:
            return
        report, sampling, stale, steps = loaded
        self.next_line.set_steps(steps)
        self.next_line.show()
        self.checklist.set_steps(steps)
        self.checklist.setVisible(next_step(steps) is not None)
        self._show_due(sampling, stale)
        self.report = report
        self.bars.set_rows(report.categories)
        self.gaps.set_gaps(report.gaps)
        self.empty.setText(
            ""
            if report.categories or report.objectives
            else "Nothing in scope yet: run the scoping wizard (the first step below) to choose the reports."
        )
        self.empty.setVisible(bool(self.empty.text()))
        self.summary.setText(
            "<br>".join(
                f"<b>{escape(c.category)}</b>: "
                + ", ".join(
                    f"{count} {label(status).lower()}"
                    for status, count in c.controls_by_status.items()
                    if count
                )
                for c in report.categories
                if any(c.controls_by_status.values())
            )
        )
        self.objectives.setText(
            "SOC 1 objectives: "
            + "; ".join(f"{o.ref} {o.ready}/{o.controls} controls ready" for o in report.objectives)
            if report.objectives
            else ""
        )

    def _show_due(self, sampling: list[ControlSampling], stale: int) -> None:
        """Coverage of the period so far (stale counted in files), and the overdue and due-this-week lists."""
        recurring = [row for row in sampling if row.slices]
        missing = sum(1 for row in recurring for item in row.slices if item.missing)
        complete = sum(1 for row in recurring if not any(item.missing for item in row.slices))
        self.coverage.setText(
            f"<b>Period coverage:</b> {complete} of {len(recurring)} recurring controls have evidence for "
            f"every part of the period that has ended; {counted(missing, 'period slice')} "
            f"without evidence; {counted(stale, 'stale evidence file')}."
            if recurring
            else "<b>Period coverage:</b> set a review period and control frequencies to see it."
        )
        due = group_due(sampling)
        for widget, rows in ((self.overdue, due.overdue), (self.due_soon, due.due_soon)):
            widget.clear()
            for row in rows:
                assert row.next_due is not None
                item = QListWidgetItem(f"{row.next_due.isoformat()}  {row.ref}  {row.title}")
                item.setToolTip(item.text())
                item.setData(CONTROL_ID_ROLE, row.control_id)
                widget.addItem(item)
            if widget.count() == 0:
                empty = QListWidgetItem("Nothing")
                empty.setFlags(Qt.ItemFlag.NoItemFlags)
                widget.addItem(empty)

    def open_gap(self, index: QModelIndex) -> None:
        """Go where the gap is fixed: a control's field, a criterion, a policy or a description section."""
        self.context.navigate.emit(gap_target(self.gaps.row_at(index.row())))
