"""Scope page: the engagement's reports, type, categories and period, and why; runs the wizard."""

from collections.abc import Callable, Sequence
from html import escape
from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.db.models import Engagement
from app.domain.periods import describe_period
from app.domain.starter import load_starter
from app.domain.vocab import SubserviceMethod
from app.exporters.package import safe_name
from app.services.carveouts import (
    add_cuec,
    add_subservice_org,
    delete_cuecs,
    delete_subservice_orgs,
    list_cuecs,
    list_subservice_orgs,
    update_cuec,
    update_subservice_org,
)
from app.services.engagements import update_engagement
from app.services.exports import run_export
from app.services.scoping import saved_scoping
from app.ui.context import AppContext
from app.ui.interaction import documents_folder
from app.ui.models.records import RecordTableModel
from app.ui.pages.base import Page, page_heading
from app.ui.wizard import ScopingWizard, recommendation_html


def scope_html(engagement: Engagement) -> str:
    """The applied scope, the saved recommendation and the user's overrides with their reasons."""
    saved = saved_scoping(engagement)
    reports = " + ".join(engagement.report_kinds) or "not set"
    period = describe_period(engagement.period_start, engagement.period_end, engagement.as_of_date)
    parts = [
        "<h2>Applied scope</h2>",
        f"<p><b>Reports:</b> {escape(reports)} {escape(engagement.report_type or '')}<br>",
        f"<b>Categories:</b> {escape(', '.join(engagement.categories) or '—')}<br>",
        f"<b>Period:</b> {escape(period)}</p>",
    ]
    if saved is None:
        parts.append(
            "<p>The scoping wizard has not been run for this engagement yet. It asks a few plain "
            "questions about your service and customers and recommends which report you need, "
            "with the reasons, so you can show them to your management.</p>"
        )
        return "".join(parts)
    if saved.overrides:
        parts.append("<h3>Your changes to the recommendation</h3><ul>")
        for key, override in saved.overrides.items():
            value = override["value"]
            shown = ", ".join(value) if isinstance(value, list) else str(value)
            parts.append(
                f"<li>{escape(key.replace('_', ' ').capitalize())}: {escape(shown)} — "
                f"<i>{escape(str(override.get('reason', '')))}</i></li>"
            )
        parts.append("</ul>")
    parts.append("<hr><p><b>What the wizard recommended</b></p>")
    parts.append(recommendation_html(saved.recommendation))
    return "".join(parts)


class RecordsPanel(QWidget):
    """A table of simple records with Add and Delete, each edit saved at once."""

    def __init__(
        self,
        context: AppContext,
        explanation: str,
        columns: Sequence[tuple[str, str]],
        load: Callable[[int], Sequence[Any]],
        add: Callable[[int, int], Any],
        save: Callable[[int, str, str], Any],
        delete: Callable[[list[int]], None],
        noun: str,
    ) -> None:
        super().__init__()
        self.context = context
        self.load, self.add, self.delete, self.noun = load, add, delete, noun
        self.model = RecordTableModel(
            columns,
            lambda record, field, value: context.run(f"Change {noun}", lambda: save(record.id, field, value)),
        )
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName(noun.capitalize() + "s")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate([100] + [220] * (len(columns) - 1)):
            self.table.setColumnWidth(column, width)
        self.add_button = QPushButton(f"Add {noun}")
        self.delete_button = QPushButton("Delete…")
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        text = QLabel(explanation)
        text.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        self.add_button.clicked.connect(self.add_record)
        self.delete_button.clicked.connect(self.delete_selected)

    def reload(self) -> None:
        engagement_id = self.context.engagement_id
        records = (
            self.context.run(f"Load {self.noun}s", lambda: self.load(engagement_id), writes=False)
            if engagement_id is not None
            else []
        )
        self.model.set_records(records or [])
        self.setEnabled(engagement_id is not None)

    def add_record(self) -> None:
        engagement_id = self.context.engagement_id
        if engagement_id is None:
            return
        number = len(self.model.records) + 1
        if self.context.run(f"Add {self.noun}", lambda: self.add(engagement_id, number)) is None:
            return
        self.reload()
        self.table.setCurrentIndex(self.model.index(len(self.model.records) - 1, 1))
        self.table.edit(self.table.currentIndex())

    def delete_selected(self) -> None:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        if not rows:
            return
        records = [self.model.records[row] for row in rows]
        if not self.context.interaction.confirm(
            f"Delete {self.noun}s",
            f"Delete {len(records)} {self.noun}(s)? This cannot be undone.",
            action="Delete",
        ):
            return

        def remove() -> bool:
            self.delete([record.id for record in records])
            return True

        if self.context.run(f"Delete {self.noun}s", remove):
            self.reload()


class ScopePage(Page):
    """Shows the current scope and opens the scoping wizard."""

    needs_engagement = True

    def __init__(self, context: AppContext) -> None:
        super().__init__(context)
        self.wizard: ScopingWizard | None = None
        self.text = QTextBrowser()
        self.text.setAccessibleName("Scope of the engagement")
        self.wizard_button = QPushButton("Run the scoping wizard…")
        self.wizard_button.setDefault(True)
        self.business_type = QComboBox()
        self.business_type.setAccessibleName("SOC 1 business type")
        self.business_type.addItem("All business types", "")
        for business in load_starter().business_types:
            self.business_type.addItem(business.name, business.id)
        self.business_type.setToolTip(
            "For a SOC 1: which kind of service you provide decides which business-process control "
            "objectives the starter library offers."
        )
        self.memo_button = QPushButton("Save scoping memo…")
        buttons = QHBoxLayout()
        buttons.addWidget(self.wizard_button)
        buttons.addWidget(self.memo_button)
        buttons.addStretch(1)
        buttons.addWidget(QLabel("SOC 1 business type"))
        buttons.addWidget(self.business_type)
        ws = context.workspace
        self.cuecs = RecordsPanel(
            context,
            "Complementary user entity controls: what your customers must do themselves for your controls "
            "to work (approve who may submit changes, review the reports you send, manage their own users). "
            "They are listed in the system description and the exports.",
            [
                ("ref", "Ref"),
                ("description", "What customers must do"),
                ("related_criteria", "Criteria"),
                ("notes", "Notes"),
            ],
            lambda engagement_id: list_cuecs(ws, engagement_id=engagement_id),
            lambda engagement_id, n: add_cuec(
                ws,
                engagement_id=engagement_id,
                ref=f"CUEC-{n:02d}",
                description="Describe what customers must do",
            ),
            lambda record_id, field, value: update_cuec(ws, record_id, **{field: value}),
            lambda ids: delete_cuecs(ws, ids),
            "CUEC",
        )
        self.subservice = RecordsPanel(
            context,
            "Subservice organizations whose services your system relies on (typically the cloud provider). "
            f"Method: “{SubserviceMethod.CARVE_OUT.value}” (their controls are excluded; list the controls "
            "you expect of them, CSOCs, and how you monitor them, e.g. reviewing their SOC 2) or "
            f"“{SubserviceMethod.INCLUSIVE.value}” (rare).",
            [
                ("name", "Organization"),
                ("services", "Services"),
                ("method", "Method"),
                ("csocs", "Controls expected of them (CSOCs)"),
                ("monitoring", "How you monitor them"),
                ("notes", "Notes"),
            ],
            lambda engagement_id: list_subservice_orgs(ws, engagement_id=engagement_id),
            lambda engagement_id, n: add_subservice_org(
                ws, engagement_id=engagement_id, name=f"Subservice organization {n}"
            ),
            lambda record_id, field, value: update_subservice_org(ws, record_id, **{field: value}),
            lambda ids: delete_subservice_orgs(ws, ids),
            "subservice organization",
        )
        scope_tab = QWidget()
        scope_layout = QVBoxLayout(scope_tab)
        scope_layout.addLayout(buttons)
        scope_layout.addWidget(self.text, 1)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(scope_tab, "Report scope")
        self.tabs.addTab(self.cuecs, "CUECs")
        self.tabs.addTab(self.subservice, "Subservice organizations")
        layout = QVBoxLayout(self)
        layout.addWidget(
            page_heading(
                "Scope",
                "Which report you need — SOC 1, SOC 2 or both, Type 1 or Type 2 — which Trust Services "
                "Categories, and for which period.",
            )
        )
        layout.addWidget(self.tabs, 1)
        self.wizard_button.clicked.connect(self.open_wizard)
        self.memo_button.clicked.connect(self.save_memo)
        self.business_type.activated.connect(self._business_type_chosen)
        context.engagement_changed.connect(lambda _id: self.refresh())

    def refresh(self) -> None:
        engagement = self.context.engagement()
        self.wizard_button.setEnabled(engagement is not None)
        self.business_type.setEnabled(engagement is not None)
        self.cuecs.reload()
        self.subservice.reload()
        self.memo_button.setEnabled(engagement is not None and engagement.scoping_answers is not None)
        if engagement is None:
            self.text.setHtml("<p>Create or choose an engagement on the Engagements page first.</p>")
            return
        self.business_type.setCurrentIndex(max(self.business_type.findData(engagement.business_type), 0))
        self.text.setHtml(scope_html(engagement))

    def save_memo(self) -> None:
        """Write the scoping memo of the saved answers, recommendation and overrides."""
        engagement = self.context.engagement()
        if engagement is None or engagement.id is None:
            return
        engagement_id = engagement.id
        suggested = documents_folder() / f"{safe_name(engagement.name)} - scoping memo.pdf"
        target = self.context.interaction.save_file("Save scoping memo", suggested, "PDF (*.pdf)")
        if target is not None:
            self.context.run(
                "Save scoping memo",
                lambda: run_export(
                    self.context.workspace, engagement_id=engagement_id, kind="scoping-memo", target=target
                ),
            )

    def _business_type_chosen(self, _index: int) -> None:
        engagement_id = self.context.engagement_id
        if engagement_id is None:
            return
        value = str(self.business_type.currentData())
        self.context.run(
            "SOC 1 business type",
            lambda: update_engagement(self.context.workspace, engagement_id, business_type=value),
        )

    def open_wizard(self) -> ScopingWizard | None:
        """Open the wizard (window-modal) starting from the saved answers; returns it."""
        engagement = self.context.engagement()
        if engagement is None:
            return None
        saved = saved_scoping(engagement)
        self.wizard = ScopingWizard(
            self.context,
            engagement,
            saved.answers if saved else None,
            saved.overrides if saved else None,
            parent=self,
        )
        self.wizard.applied.connect(self._applied)
        self.wizard.open()
        return self.wizard

    def _applied(self, engagement: Engagement) -> None:
        self.context.engagement_changed.emit(engagement.id)
        self.context.engagements_changed.emit()
        self.refresh()
