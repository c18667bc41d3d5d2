"""Engagements page: create, open, rename, roll forward, delete, and edit an engagement's details."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QItemSelectionModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
)

from app.domain.bundle_format import SUFFIX
from app.domain.changes import Changes, Kind
from app.domain.engagements import EngagementRow
from app.domain.files import safe_name
from app.domain.guidance import no_engagement_path
from app.domain.periods import describe_period
from app.domain.rollforward import CARRIED, NOT_CARRIED, suggested_name
from app.services.bundles import export_bundle, import_bundle
from app.services.engagements import (
    create_engagement,
    delete_engagement,
    engagement_counts,
    list_engagements,
)
from app.services.rollforward import preview_roll_forward, roll_forward
from app.ui.commands import edit_engagement
from app.ui.context import AppContext
from app.ui.icons import icon
from app.ui.interaction import documents_folder
from app.ui.models.engagements import EngagementTableModel
from app.ui.pages.base import Page, page_heading, stacked, with_details
from app.ui.widgets.demo import make_demo
from app.ui.widgets.engagement_details import EngagementDetails
from app.ui.widgets.history_dialog import open_history
from app.ui.widgets.path_checklist import PathChecklist
from app.ui.widgets.table_dialog import TableDialog

Progress = Callable[[int, int], None]
Cancel = Callable[[], bool]


class EngagementsPage(Page):
    """All engagements of the workspace; the selected one becomes the current engagement."""

    def __init__(self, context: AppContext) -> None:
        super().__init__(context)
        self.model = EngagementTableModel()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        # Name and company share what the short columns leave, eliding long names, so the table never
        # needs a horizontal scroll bar at 1280×800.
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        for column in (0, 1):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        self.table.setAlternatingRowColors(True)
        self.table.setAccessibleName("Engagements")

        self.new_button = QPushButton(icon("plus"), "New engagement…")
        self.rename_button = QPushButton("Rename…")
        self.roll_forward_button = QPushButton(icon("calendar-plus"), "Roll forward…")
        self.roll_forward_button.setToolTip("Start the next audit period's engagement from this one")
        self.delete_button = QPushButton(icon("trash-2"), "Delete…")
        self.demo_button = QPushButton(icon("sprout"), "Try the demo")
        self.demo_button.setToolTip("A fictional company with a worked matrix, evidence and documents")
        buttons = QHBoxLayout()
        for button in (
            self.new_button,
            self.rename_button,
            self.roll_forward_button,
            self.delete_button,
            self.demo_button,
        ):
            buttons.addWidget(button)
        buttons.addStretch(1)

        self.empty = QLabel(
            "<b>Welcome.</b> SOC Workbench takes a company from its first questions to an evidence package "
            "for the auditor, in the steps below. Start by creating the engagement: one company's audit "
            "preparation, with its scope, its control matrix and its evidence — or click <b>Try the "
            "demo</b> to look around a fictional company first."
        )
        self.empty.setWordWrap(True)
        self.path = PathChecklist()
        self.path.set_steps(no_engagement_path(), enabled_from_first=True)
        self.path.action_requested.connect(lambda key: self.context.navigate.emit(("step", key)))

        self.details = EngagementDetails(context)
        main = stacked(buttons, self.empty, self.path, self.table)
        main_layout = main.layout()
        assert isinstance(main_layout, QVBoxLayout)
        main_layout.addStretch(0)  # what is left when the table is hidden (an empty workspace)
        splitter = with_details(main, self.details, (660, 440))

        layout = QVBoxLayout(self)
        layout.addWidget(
            page_heading(
                "Engagements",
                "Each engagement is one company's audit preparation. The one selected here is "
                "the one the other pages work on.",
            )
        )
        layout.addWidget(splitter, 1)

        self.new_button.clicked.connect(self.new_engagement)
        self.rename_button.clicked.connect(self.rename_selected)
        self.roll_forward_button.clicked.connect(self.roll_forward_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.demo_button.clicked.connect(lambda: make_demo(self.context))
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        context.engagement_selected.connect(lambda _id: self.refresh())
        context.changed.connect(self._changed)
        self.refresh()

    def _changed(self, changes: Changes) -> None:
        if changes.touches(Kind.ENGAGEMENT, Kind.SCOPE):
            self.refresh()

    def refresh(self) -> None:
        engagements = self.context.run("Load engagements", lambda: list_engagements(self.context.workspace))
        self.model.set_rows(engagements or [])
        has_rows = self.model.rowCount() > 0
        self.empty.setVisible(not has_rows)
        self.path.setVisible(not has_rows)
        self.table.setVisible(has_rows)
        for button in (self.rename_button, self.roll_forward_button, self.delete_button):
            button.setEnabled(has_rows)
        self.demo_button.setVisible(not has_rows)
        self.rename_button.setEnabled(has_rows)
        self.delete_button.setEnabled(has_rows)
        row = self.model.row_of(self.context.engagement_id)
        if row >= 0:
            self.table.selectionModel().setCurrentIndex(
                self.model.index(row, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
            )
            self.details.show_engagement(self.model.row_at(row))
        else:
            self.details.show_engagement(None)

    def _row_changed(self, current: Any, _previous: Any) -> None:
        if current.isValid():
            engagement = self.model.row_at(current.row())
            self.details.show_engagement(engagement)
            self.context.set_engagement(engagement.id)

    def selected(self) -> EngagementRow | None:
        index = self.table.selectionModel().currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def new_engagement(self) -> None:
        name = self.context.interaction.ask_text(
            "New engagement", "Name of the engagement (for example the company and year):"
        )
        if name is None or not name.strip():
            return
        created = self.context.run(
            "New engagement",
            lambda: create_engagement(self.context.workspace, name=name, company=name),
        )
        if created is None:
            return
        self.context.set_engagement(created.id)
        self.context.navigate.emit(("page", "Readiness"))

    def rename_selected(self) -> None:
        engagement = self.selected()
        if engagement is None:
            return
        name = self.context.interaction.ask_text("Rename engagement", "New name:", engagement.name)
        if name is None or name.strip() == engagement.name:
            return
        self.context.push(
            edit_engagement(
                self.context,
                f"Rename {engagement.name}",
                engagement,
                {"name": engagement.name},
                {"name": name},
            )
        )

    def roll_forward_selected(self) -> None:
        """Start the next period's engagement from the selected one, after saying what carries over."""
        engagement = self.selected()
        if engagement is None:
            return
        name = self.context.interaction.ask_text(
            "Roll forward", "Name of the next period's engagement:", suggested_name(engagement.name)
        )
        if name is None or not name.strip():
            return
        workspace, engagement_id = self.context.workspace, engagement.id
        plan = self.context.run(
            "Roll forward", lambda: preview_roll_forward(workspace, engagement_id=engagement_id, name=name)
        )
        if plan is None:
            return
        period = describe_period(plan.period_start, plan.period_end, None)
        listed = "\n".join(f"• {item}" for item in CARRIED)
        left = "\n".join(f"• {item}" for item in NOT_CARRIED)
        if not self.context.interaction.confirm(
            "Roll forward",
            f"Create “{plan.name}”, a {plan.report_type} for {period}, with “{engagement.name}” recorded as "
            f"its prior report?\n\nCarried over:\n{listed}\n\nNot carried over:\n{left}\n\n"
            f"“{engagement.name}” itself is left exactly as it is.",
            action="Roll forward",
        ):
            return
        result = self.context.run(
            "Roll forward", lambda: roll_forward(workspace, engagement_id=engagement_id, name=name)
        )
        if result is not None:
            self.context.set_engagement(result.engagement.id)

    def delete_selected(self) -> None:
        engagement = self.selected()
        if engagement is None:
            return
        engagement_id = engagement.id
        counts = engagement_counts(self.context.workspace, engagement_id)
        confirmed = self.context.interaction.confirm(
            "Delete engagement",
            f"Delete the engagement “{engagement.name}”?\n\n"
            f"This removes its {counts['controls']} controls and {counts['evidence']} evidence "
            "files from the workspace (a stored file another engagement also uses stays there). "
            "This cannot be undone.",
            action="Delete",
        )
        if not confirmed:
            return
        deleted = self.context.run(
            "Delete engagement", lambda: delete_engagement(self.context.workspace, engagement_id)
        )
        if deleted is not None:
            self.context.set_engagement(None)

    def show_history(self) -> TableDialog | None:
        """Everything that changed in the selected engagement."""
        engagement = self.selected()
        if engagement is None:
            return None
        self.history_dialog = open_history(self.context, self, f"“{engagement.name}”")
        return self.history_dialog

    def export_bundle(self) -> None:
        """Write the selected engagement with its evidence to one .socwb file, off the GUI thread."""
        engagement = self.selected()
        if engagement is None:
            return
        suggested = documents_folder() / f"{safe_name(engagement.name)}{SUFFIX}"
        target = self.context.interaction.save_file(
            "Export engagement bundle", suggested, f"Engagement bundles (*{SUFFIX})"
        )
        if target is None:
            return
        workspace = self.context.workspace

        def work(progress: Progress, _cancel: Cancel) -> Path:
            return export_bundle(workspace, engagement_id=engagement.id, target=target, progress=progress)

        self.context.start(
            "Exporting the engagement",
            work,
            lambda path: self.context.interaction.info(
                "Engagement exported", f"“{engagement.name}” and its evidence are in {path}."
            ),
        )

    def import_bundle(self) -> None:
        """Add the engagement a .socwb file holds (as a copy when its name is taken), off the GUI thread."""
        path = self.context.interaction.open_file(
            "Import engagement bundle", documents_folder(), f"Engagement bundles (*{SUFFIX})"
        )
        if path is None:
            return
        workspace = self.context.workspace

        def imported(engagement: EngagementRow) -> None:
            self.context.set_engagement(engagement.id)
            self.context.interaction.info(
                "Engagement imported", f"Imported “{engagement.name}” from {path.name}."
            )

        self.context.start("Importing an engagement", lambda _p, _c: import_bundle(workspace, path), imported)
