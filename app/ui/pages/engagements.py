"""Engagements page: create, open, rename, delete, and edit an engagement's details."""

from datetime import date
from typing import Any

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
)

from app.db.models import Engagement
from app.services.engagements import (
    create_engagement,
    delete_engagement,
    engagement_counts,
    list_engagements,
    rename_engagement,
    update_engagement,
)
from app.ui.context import AppContext
from app.ui.models.engagements import EngagementTableModel
from app.ui.pages.base import Page, page_heading, stacked, with_details
from app.ui.widgets.dates import OptionalDateEdit


class EngagementDetails(QGroupBox):
    """Editable details of one engagement; each field is saved when the user leaves it."""

    TEXT_FIELDS = (
        ("name", "Name"),
        ("company", "Company"),
        ("system_name", "System name"),
        ("auditor_firm", "Auditor (CPA firm)"),
    )
    DATE_FIELDS = (
        ("period_start", "Review period start"),
        ("period_end", "Review period end"),
        ("as_of_date", "As-of date (Type 1)"),
    )

    def __init__(self, context: AppContext) -> None:
        super().__init__("Details")
        self.context = context
        self.engagement: Engagement | None = None
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
        self.dates: dict[str, OptionalDateEdit] = {}
        for field, label in self.DATE_FIELDS:
            edit = OptionalDateEdit()
            edit.date_changed.connect(lambda value, f=field: self._save(f, value))
            form.addRow(label, edit)
            self.dates[field] = edit
        self.scope = QLabel()
        self.scope.setWordWrap(True)
        form.addRow("Scope", self.scope)
        self.setEnabled(False)

    def show_engagement(self, engagement: Engagement | None) -> None:
        self.engagement = engagement
        self.setEnabled(engagement is not None)
        for field, line in self.lines.items():
            line.setText(getattr(engagement, field) if engagement else "")
            line.setCursorPosition(0)
        self.description.setPlainText(engagement.system_description if engagement else "")
        for field, edit in self.dates.items():
            edit.set_value(getattr(engagement, field) if engagement else None)
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

    def _save(self, field: str, value: str | date | None) -> None:
        engagement = self.engagement
        if engagement is None or engagement.id is None or getattr(engagement, field) == value:
            return
        engagement_id = engagement.id
        updated = self.context.run(
            "Save engagement",
            lambda: update_engagement(self.context.workspace, engagement_id, **{field: value}),
        )
        if updated is None:
            self.show_engagement(engagement)
            return
        self.engagement = updated
        if field == "name":
            self.context.engagements_changed.emit()
        self.context.engagement_changed.emit(engagement_id)


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
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setAlternatingRowColors(True)
        self.table.setAccessibleName("Engagements")

        self.new_button = QPushButton("New engagement…")
        self.rename_button = QPushButton("Rename…")
        self.delete_button = QPushButton("Delete…")
        buttons = QHBoxLayout()
        for button in (self.new_button, self.rename_button, self.delete_button):
            buttons.addWidget(button)
        buttons.addStretch(1)

        self.empty = QLabel(
            "No engagements yet. An engagement is one company's audit preparation: "
            "its scope, its control matrix and its evidence. Click <b>New engagement…</b> to start."
        )
        self.empty.setWordWrap(True)

        self.details = EngagementDetails(context)
        splitter = with_details(stacked(buttons, self.empty, self.table), self.details, (660, 440))

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
        self.delete_button.clicked.connect(self.delete_selected)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        context.engagement_changed.connect(lambda _id: self.refresh())
        context.engagements_changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        engagements = self.context.run(
            "Load engagements", lambda: list_engagements(self.context.workspace), writes=False
        )
        self.model.set_engagements(engagements or [])
        has_rows = self.model.rowCount() > 0
        self.empty.setVisible(not has_rows)
        self.table.setVisible(has_rows)
        self.rename_button.setEnabled(has_rows)
        self.delete_button.setEnabled(has_rows)
        row = self.model.row_of(self.context.engagement_id)
        if row >= 0:
            self.table.selectionModel().setCurrentIndex(
                self.model.index(row, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
            )
            self.details.show_engagement(self.model.engagement_at(row))
        else:
            self.details.show_engagement(None)

    def _row_changed(self, current: Any, _previous: Any) -> None:
        if current.isValid():
            engagement = self.model.engagement_at(current.row())
            self.details.show_engagement(engagement)
            self.context.set_engagement(engagement.id)

    def selected(self) -> Engagement | None:
        index = self.table.selectionModel().currentIndex()
        return self.model.engagement_at(index.row()) if index.isValid() else None

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
        self.context.engagements_changed.emit()
        self.context.set_engagement(created.id)
        self.refresh()
        self.details.lines["company"].setFocus(Qt.FocusReason.OtherFocusReason)

    def rename_selected(self) -> None:
        engagement = self.selected()
        if engagement is None or engagement.id is None:
            return
        engagement_id = engagement.id
        name = self.context.interaction.ask_text("Rename engagement", "New name:", engagement.name)
        if name is None or name.strip() == engagement.name:
            return
        if self.context.run(
            "Rename engagement",
            lambda: rename_engagement(self.context.workspace, engagement_id, name),
        ):
            self.context.engagements_changed.emit()
            self.context.engagement_changed.emit(engagement_id)

    def delete_selected(self) -> None:
        engagement = self.selected()
        if engagement is None or engagement.id is None:
            return
        engagement_id = engagement.id
        counts = engagement_counts(self.context.workspace, engagement_id)
        confirmed = self.context.interaction.confirm(
            "Delete engagement",
            f"Delete the engagement “{engagement.name}”?\n\n"
            f"This removes its {counts['controls']} controls and {counts['evidence']} evidence "
            "records from the workspace. Evidence files still used by another engagement stay. "
            "This cannot be undone.",
            action="Delete",
        )
        if not confirmed:
            return
        deleted = self.context.run(
            "Delete engagement", lambda: delete_engagement(self.context.workspace, engagement_id)
        )
        if deleted is None:
            return
        self.context.set_engagement(None)
        self.context.engagements_changed.emit()
        self.refresh()
