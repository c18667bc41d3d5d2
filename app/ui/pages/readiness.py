"""Readiness page: bars per category, SOC 1 objectives, and the gap list that jumps to the fix."""

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
    QTableView,
    QVBoxLayout,
)

from app.domain.changes import Changes, Kind
from app.domain.readiness import READINESS_DEFINITION, ReadinessReport
from app.domain.sampling import ControlSampling, group_due
from app.domain.vocab import label
from app.services.readiness import engagement_readiness
from app.services.sampling import sampling_report
from app.ui.context import AppContext
from app.ui.models.gaps import GapTableModel
from app.ui.models.roles import CONTROL_ID_ROLE
from app.ui.pages.base import Page, page_heading
from app.ui.widgets.bars import ReadinessBars


class ReadinessPage(Page):
    """How close the engagement is to its audit, and what to do next."""

    needs_engagement = True

    def __init__(self, context: AppContext) -> None:
        super().__init__(context)
        self.report: ReadinessReport | None = None
        self.bars = ReadinessBars()
        self.bars.setToolTip(READINESS_DEFINITION)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.objectives = QLabel()
        self.objectives.setWordWrap(True)
        self.gaps = GapTableModel()
        self.gap_view = QTableView()
        self.gap_view.setModel(self.gaps)
        self.gap_view.setAccessibleName("Gaps")
        self.gap_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.gap_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.gap_view.verticalHeader().hide()
        self.gap_view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.gap_view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.gap_view.setAlternatingRowColors(True)
        self.gap_view.setWordWrap(False)
        header = self.gap_view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        how = QLabel("<a href='#'>How is readiness computed?</a>")
        how.setToolTip(READINESS_DEFINITION)
        how.linkActivated.connect(
            lambda _link: self.context.interaction.info("Readiness", READINESS_DEFINITION)
        )
        figures = QGroupBox("Readiness by category")
        figures_layout = QVBoxLayout(figures)
        figures_layout.addWidget(self.bars)
        figures_layout.addWidget(self.summary)
        figures_layout.addWidget(self.objectives)
        figures_layout.addWidget(how)
        due_box = QGroupBox("What is due — evidence of recurring controls")
        due_layout = QHBoxLayout(due_box)
        self.overdue = QListWidget()
        self.overdue.setAccessibleName("Overdue evidence")
        self.due_soon = QListWidget()
        self.due_soon.setAccessibleName("Evidence due this week")
        for title, widget in (("Overdue", self.overdue), ("Due this week", self.due_soon)):
            column = QVBoxLayout()
            column.addWidget(QLabel(f"<b>{title}</b>"))
            column.addWidget(widget)
            due_layout.addLayout(column)
            widget.setMaximumHeight(self.fontMetrics().height() * 7)
            widget.itemActivated.connect(
                lambda item: self.context.navigate.emit(("control", int(item.data(CONTROL_ID_ROLE))))
            )
        self.coverage = QLabel()
        self.coverage.setWordWrap(True)
        gap_box = QGroupBox("Gaps — double-click or press Enter to go to the criterion or control")
        gap_layout = QVBoxLayout(gap_box)
        gap_layout.addWidget(self.gap_view)
        self.empty = QLabel()
        self.empty.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(
            page_heading(
                "Readiness", "Where the engagement stands, and what stands between it and the audit."
            )
        )
        layout.addWidget(self.empty)
        layout.addWidget(figures)
        layout.addWidget(self.coverage)
        layout.addWidget(due_box)
        layout.addWidget(gap_box, 1)
        self.gap_view.activated.connect(self.open_gap)
        context.changed.connect(self._changed)
        context.engagement_selected.connect(lambda _id: self._refresh_if_visible())

    def _changed(self, changes: Changes) -> None:
        if changes.touches(
            Kind.CONTROLS,
            Kind.OBJECTIVES,
            Kind.EVIDENCE,
            Kind.SCOPE,
            Kind.SETTINGS,
            Kind.DOCUMENTS,
            Kind.POLICIES,
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
            self.bars.set_rows([])
            self.gaps.set_gaps([])
            self.summary.clear()
            self.objectives.clear()
            return
        today = date.today()
        loaded = self.context.run(
            "Readiness",
            lambda: (
                engagement_readiness(self.context.workspace, engagement_id=engagement_id, today=today),
                sampling_report(self.context.workspace, engagement_id=engagement_id, today=today),
            ),
        )
        if loaded is None:
            return
        report, sampling = loaded
        self._show_due(sampling)
        self.report = report
        self.bars.set_rows(report.categories)
        self.gaps.set_gaps(report.gaps)
        self.empty.setText(
            ""
            if report.categories or report.objectives
            else "Nothing in scope yet: run the scoping wizard on the Scope page to choose the reports."
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

    def _show_due(self, sampling: list[ControlSampling]) -> None:
        """Coverage of the period so far, and the overdue and due-this-week lists."""
        recurring = [row for row in sampling if row.slices]
        missing = sum(1 for row in recurring for item in row.slices if item.missing)
        complete = sum(1 for row in recurring if not any(item.missing for item in row.slices))
        stale = sum(row.stale_evidence for row in sampling)
        self.coverage.setText(
            f"<b>Period coverage:</b> {complete} of {len(recurring)} recurring controls have evidence for "
            f"every part of the period that has ended; {missing} period slice{'s' if missing != 1 else ''} "
            f"without evidence; {stale} stale evidence file{'s' if stale != 1 else ''}."
            if recurring
            else "<b>Period coverage:</b> set a review period and control frequencies to see it."
        )
        due = group_due(sampling)
        for widget, rows in ((self.overdue, due.overdue), (self.due_soon, due.due_soon)):
            widget.clear()
            for row in rows:
                assert row.next_due is not None
                item = QListWidgetItem(f"{row.next_due.isoformat()}  {row.ref}  {row.title}")
                item.setData(CONTROL_ID_ROLE, row.control_id)
                widget.addItem(item)
            if widget.count() == 0:
                empty = QListWidgetItem("Nothing")
                empty.setFlags(Qt.ItemFlag.NoItemFlags)
                widget.addItem(empty)

    def open_gap(self, index: QModelIndex) -> None:
        """Go to what the gap points at: a policy, a control, a criterion or a section of the description."""
        gap = self.gaps.row_at(index.row())
        if gap.policy_key is not None:
            self.context.navigate.emit(("policy", gap.policy_key))
        elif gap.control_id is not None:
            self.context.navigate.emit(("control", gap.control_id))
        elif gap.criterion is not None:
            self.context.navigate.emit(("criterion", gap.criterion))
        elif gap.section is not None:
            self.context.navigate.emit(("description", gap.section))
