"""Scope page: the engagement's reports, type, categories and period, and why; runs the wizard."""

from html import escape

from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.domain.changes import Changes, Kind
from app.domain.engagements import EngagementRow
from app.domain.files import safe_name
from app.domain.starter import load_starter
from app.domain.vocab import SubserviceMethod
from app.services.carveouts import (
    add_cuec,
    add_subservice_org,
    delete_cuecs,
    delete_subservice_orgs,
    list_cuecs,
    list_subservice_orgs,
    restore_cuecs,
    restore_subservice_orgs,
    update_cuec,
    update_subservice_org,
)
from app.services.exports import run_export
from app.services.scoping import saved_scoping
from app.ui.commands import edit_engagement
from app.ui.context import AppContext
from app.ui.icons import icon
from app.ui.interaction import documents_folder
from app.ui.pages.base import Page, page_heading
from app.ui.widgets.engagement_period import EngagementPeriodEditor
from app.ui.widgets.records_panel import RecordServices, RecordsPanel
from app.ui.wizard import ScopingWizard, recommendation_html


def scope_html(engagement: EngagementRow) -> str:
    """The applied scope, the saved recommendation and the user's overrides with their reasons."""
    saved = saved_scoping(engagement)
    reports = " + ".join(engagement.report_kinds) or "not set"
    period = engagement.period_words
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


class ScopePage(Page):
    """Shows the current scope and opens the scoping wizard."""

    needs_engagement = True

    def __init__(self, context: AppContext) -> None:
        super().__init__(context)
        self.wizard: ScopingWizard | None = None
        self.text = QTextBrowser()
        self.text.setAccessibleName("Scope of the engagement")
        self.wizard_button = QPushButton(icon("wand-sparkles"), "Run the scoping wizard…")
        self.wizard_button.setDefault(True)
        self.business_type = QComboBox()
        self.business_type.setAccessibleName("SOC 1 business type")
        self.business_type.addItem("Choose…", "")
        for business in load_starter().business_types_with_objectives:
            self.business_type.addItem(business.name, business.id)
        self.business_type.setToolTip(
            "For a SOC 1: which kind of service you provide decides which business-process control "
            "objectives the starter library offers."
        )
        self.memo_button = QPushButton(icon("file-text"), "Save scoping memo…")
        buttons = QHBoxLayout()
        buttons.addWidget(self.wizard_button)
        buttons.addWidget(self.memo_button)
        buttons.addStretch(1)
        buttons.addWidget(QLabel("SOC 1 business type"))
        buttons.addWidget(self.business_type)
        self.cuecs = self._cuec_panel()
        self.subservice = self._subservice_panel()
        self.dates = EngagementPeriodEditor(context)
        scope_tab = QWidget()
        scope_layout = QVBoxLayout(scope_tab)
        scope_layout.addLayout(buttons)
        scope_layout.addWidget(self.dates)
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
        context.engagement_selected.connect(lambda _id: self.refresh())
        context.changed.connect(self._changed)
        self.cuecs.reload()
        self.subservice.reload()

    def _cuec_panel(self) -> RecordsPanel:
        ws = self.context.workspace
        return RecordsPanel(
            self.context,
            "Complementary user entity controls: what your customers must do themselves for your controls "
            "to work (approve who may submit changes, review the reports you send, manage their own users). "
            "They are listed in the system description and the exports.",
            [
                ("ref", "Ref"),
                ("description", "What customers must do"),
                ("related_criteria", "Criteria"),
                ("notes", "Notes"),
            ],
            RecordServices(
                load=lambda engagement_id: list_cuecs(ws, engagement_id=engagement_id),
                add=lambda engagement_id, n: add_cuec(
                    ws,
                    engagement_id=engagement_id,
                    ref=f"CUEC-{n:02d}",
                    description="Describe what customers must do",
                ),
                update=lambda record_id, values: update_cuec(ws, record_id, **values),
                delete=lambda ids: delete_cuecs(ws, ids),
                restore=lambda snapshot: restore_cuecs(ws, snapshot),
            ),
            "CUEC",
            "description",
        )

    def _subservice_panel(self) -> RecordsPanel:
        ws = self.context.workspace
        return RecordsPanel(
            self.context,
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
            RecordServices(
                load=lambda engagement_id: list_subservice_orgs(ws, engagement_id=engagement_id),
                add=lambda engagement_id, n: add_subservice_org(
                    ws, engagement_id=engagement_id, name=f"Subservice organization {n}"
                ),
                update=lambda record_id, values: update_subservice_org(ws, record_id, **values),
                delete=lambda ids: delete_subservice_orgs(ws, ids),
                restore=lambda snapshot: restore_subservice_orgs(ws, snapshot),
            ),
            "subservice organization",
            "name",
        )

    def _changed(self, changes: Changes) -> None:
        if changes.touches(Kind.SCOPE, Kind.ENGAGEMENT):
            self.refresh()

    def refresh(self) -> None:
        engagement = self.context.engagement()
        self.wizard_button.setEnabled(engagement is not None)
        self.business_type.setEnabled(engagement is not None)
        self.memo_button.setEnabled(engagement is not None and engagement.scoping_answers is not None)
        self.dates.show_engagement(engagement)
        if engagement is None:
            self.text.setHtml("<p>Create or choose an engagement on the Engagements page first.</p>")
            return
        self.business_type.setCurrentIndex(max(self.business_type.findData(engagement.business_type), 0))
        self.text.setHtml(scope_html(engagement))

    def save_memo(self) -> None:
        """Write the scoping memo of the saved answers, recommendation and overrides."""
        engagement = self.context.engagement()
        if engagement is None:
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
        engagement = self.context.engagement()
        if engagement is None:
            return
        self.context.push(
            edit_engagement(
                self.context,
                "Change the SOC 1 business type",
                engagement,
                {"business_type": engagement.business_type},
                {"business_type": str(self.business_type.currentData())},
            )
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
        self.wizard.open()
        return self.wizard
