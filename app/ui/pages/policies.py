"""Policies page: the policies with editor and preview, the questionnaire, staff and acknowledgements."""

from datetime import date
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.changes import Changes, Kind
from app.domain.files import safe_name
from app.domain.policy_records import PolicyRecords
from app.services.exports import export_policy
from app.services.policies import PolicySeedResult, policy_records, seed_policies, unseed_policies
from app.ui.commands import Reversible
from app.ui.context import AppContext
from app.ui.interaction import documents_folder
from app.ui.models.policies import POLICY_FILTERS, PolicyTableModel
from app.ui.pages.base import Page, page_heading, stacked, with_details
from app.ui.widgets.acknowledgements_panel import AcknowledgementsPanel
from app.ui.widgets.policy_editor import PolicyEditor
from app.ui.widgets.policy_questionnaire import PolicyQuestionnaire

EMPTY = (
    "No policies yet. <b>Seed from the library</b> adds the policies your scope needs — information "
    "security, access control, change management, incident response and more — each a short draft written "
    "for a 20–200 person cloud company. Answer the questionnaire, adapt the text, then approve them."
)
FORMATS = {"pdf": ("PDF", "PDF (*.pdf)"), "docx": ("Word", "Word (*.docx)")}


class PoliciesPage(Page):
    """Written policies an auditor asks for: approved, reviewed on time and acknowledged by staff."""

    needs_engagement = True
    searchable = True

    def __init__(self, context: AppContext) -> None:
        super().__init__(context)
        self.records = PolicyRecords()
        self.model = PolicyTableModel()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Policies")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.editor = PolicyEditor(context)
        self.questionnaire = PolicyQuestionnaire(context)
        self.acknowledgements = AcknowledgementsPanel(context)
        self.tabs = QTabWidget()
        self.tabs.addTab(with_details(self._list_side(), self.editor, (480, 640)), "Policies")
        self.tabs.addTab(self.questionnaire, "Questionnaire")
        self.tabs.addTab(self.acknowledgements, "Staff and acknowledgements")
        layout = QVBoxLayout(self)
        layout.addWidget(
            page_heading(
                "Policies",
                "The policies an auditor asks for: approved, reviewed on time and acknowledged by staff.",
            )
        )
        layout.addWidget(self.tabs, 1)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._selected())
        self.filter_box.currentIndexChanged.connect(self._filter_changed)
        self.model.filtered.connect(lambda _count: self._update_count())
        context.changed.connect(self._changed)
        context.engagement_selected.connect(lambda _id: self._refresh_if_visible())

    def _list_side(self) -> QWidget:
        self.seed_button = QPushButton("Seed from the library…")
        self.seed_button.clicked.connect(self.seed_policies)
        self.pdf_button = QPushButton("Export PDF…")
        self.pdf_button.clicked.connect(self.export_pdf)
        self.word_button = QPushButton("Export Word…")
        self.word_button.clicked.connect(self.export_word)
        buttons = QHBoxLayout()
        buttons.addWidget(self.seed_button)
        buttons.addStretch(1)
        buttons.addWidget(self.pdf_button)
        buttons.addWidget(self.word_button)
        self.filter_box = QComboBox()
        self.filter_box.setAccessibleName("Show policies")
        for value, words in POLICY_FILTERS:
            self.filter_box.addItem(words, value)
        self.count = QLabel()
        filters = QHBoxLayout()
        filters.addWidget(QLabel("Show"))
        filters.addWidget(self.filter_box)
        filters.addStretch(1)
        filters.addWidget(self.count)
        self.empty = QLabel(EMPTY)
        self.empty.setWordWrap(True)
        return stacked(buttons, filters, self.empty, self.table)

    # --- loading ------------------------------------------------------------------------

    def _changed(self, changes: Changes) -> None:
        if changes.touches(Kind.POLICIES, Kind.STAFF, Kind.SCOPE, Kind.CONTROLS):
            self._refresh_if_visible()

    def _refresh_if_visible(self) -> None:
        if self.isVisible():
            self.refresh()

    def refresh(self) -> None:
        engagement_id = self.context.engagement_id
        current = self.editor.policy.key if self.editor.policy else None
        today = date.today()
        if engagement_id is None:
            records = PolicyRecords()
        else:
            loaded = self.context.run(
                "Load policies", lambda: policy_records(self.context.workspace, engagement_id=engagement_id)
            )
            if loaded is None:
                return
            records = loaded
        self.records = records
        self.model.set_policies(records.policies, today)
        self.questionnaire.show_answers(records.answers)
        self.acknowledgements.show_records(records, today)
        has_policies = bool(records.policies)
        self.empty.setVisible(not has_policies)
        self.table.setVisible(has_policies)
        self.seed_button.setEnabled(engagement_id is not None)
        self._update_count()
        if current is None and self.model.rowCount():
            current = self.model.key_at(0)
        self.select_policy(current)

    def _update_count(self) -> None:
        total, shown = self.model.total(), self.model.rowCount()
        self.count.setText(f"{shown} of {total} policies" if shown != total else f"{total} policies")

    def apply_search(self, text: str) -> None:
        self.model.set_search(text)

    def _filter_changed(self) -> None:
        self.model.set_filter(str(self.filter_box.currentData()))

    def select_policy(self, key: str | None) -> None:
        """Show the policy with this key (on the Policies tab), or nothing when it is not listed."""
        row = next((r for r in range(self.model.rowCount()) if self.model.key_at(r) == key), -1)
        if row < 0:
            self.editor.show_policy(None, self.records.answers)
            return
        self.tabs.setCurrentIndex(0)
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        )
        self._selected()

    def _selected(self) -> None:
        index = self.table.selectionModel().currentIndex()
        policy = self.model.row_at(index.row()) if index.isValid() else None
        if policy is not self.editor.policy:
            self.editor.save_text()
        self.editor.show_policy(policy, self.records.answers)
        for button in (self.pdf_button, self.word_button):
            button.setEnabled(policy is not None)

    # --- actions ------------------------------------------------------------------------

    def seed_policies(self) -> None:
        """Add the library's policies for the scope as drafts (undo removes them)."""
        engagement_id = self.context.engagement_id
        if engagement_id is None:
            return
        workspace = self.context.workspace

        def seed() -> PolicySeedResult:
            seeded = seed_policies(workspace, engagement_id=engagement_id)
            if not seeded.added:
                command.setObsolete(True)  # nothing to undo
            return seeded

        command = Reversible(
            self.context,
            "Seed policies from the library",
            seed,
            lambda seeded: unseed_policies(workspace, engagement_id=engagement_id, seeded=seeded),
        )
        if self.context.push(command) and not command.result.added:
            self.context.interaction.info(
                "Seed policies", "Every policy of the library for this scope is here."
            )

    def _export(self, file_format: str) -> None:
        policy, engagement_id = self.editor.policy, self.context.engagement_id
        if policy is None or engagement_id is None:
            return
        self.editor.save_text()
        words, filters = FORMATS[file_format]
        folder = self.context.window_state.export_folder or documents_folder()
        suggested = folder / safe_name(f"{policy.title}.{file_format}")
        target = self.context.interaction.save_file(
            f"Export the {policy.title} as {words}", suggested, filters
        )
        if target is None:
            return
        result = self.context.run(
            "Export policy",
            lambda: export_policy(
                self.context.workspace,
                engagement_id=engagement_id,
                key=policy.key,
                file_format=file_format,
                target=Path(target),
            ),
        )
        if result is not None:
            self.context.window_state.export_folder = result.path.parent
            self.context.interaction.info("Export policy", f"Wrote {result.path}")

    def export_pdf(self) -> None:
        self._export("pdf")

    def export_word(self) -> None:
        self._export("docx")

    def import_staff_list(self) -> None:
        self.tabs.setCurrentWidget(self.acknowledgements)
        self.acknowledgements.choose_staff_list()

    def import_signoff_sheet(self) -> None:
        self.tabs.setCurrentWidget(self.acknowledgements)
        self.acknowledgements.choose_signoff_sheet()

    def attach_register(self) -> None:
        self.tabs.setCurrentWidget(self.acknowledgements)
        self.acknowledgements.attach_register()
