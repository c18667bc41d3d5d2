"""Documents page: the system description section by section, management's assertion and the bridge letter."""

from datetime import date
from html import escape
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTabWidget, QVBoxLayout, QWidget

from app.domain.changes import Changes, Kind
from app.domain.description import DescriptionSection
from app.domain.engagement_documents import DocumentDrafts
from app.domain.files import safe_name
from app.services.documents import (
    add_incident,
    delete_incidents,
    document_drafts,
    list_incidents,
    restore_incidents,
    set_description_section,
    update_incident,
)
from app.services.engagements import update_engagement
from app.services.exports import FORMAT_NAMES, KINDS_BY_NAME, run_export
from app.ui.commands import EditFields
from app.ui.context import AppContext
from app.ui.interaction import documents_folder
from app.ui.pages.base import Page, page_heading
from app.ui.widgets.description_editor import DescriptionEditor
from app.ui.widgets.letters import BridgeLetterPanel, LetterView
from app.ui.widgets.records_panel import RecordServices, RecordsPanel

TABS = (
    (
        "description",
        "System description",
        "What management writes about its system for the report. Answer the questions of each section in "
        "your own words; what the workbench already knows is filled in for you.",
    ),
    (
        "assertion",
        "Management's assertion",
        "The letter management signs in the report. The draft follows the scope; check or complete every "
        "highlighted place before signing.",
    ),
    (
        "bridge-letter",
        "Bridge letter",
        "A letter for customers covering the time since your last report, until the next one arrives. "
        "Choose the last day it covers and record the incidents since the report.",
    ),
)
SHOWN_BY = (Kind.DOCUMENTS, Kind.CONTROLS, Kind.OBJECTIVES, Kind.SCOPE, Kind.ENGAGEMENT)


class DocumentsPage(Page):
    """The documents around the matrix, drafted from the engagement, edited and exported here."""

    needs_engagement = True

    def __init__(self, context: AppContext) -> None:
        super().__init__(context)
        self.drafts: DocumentDrafts | None = None
        self.report_position = 0
        self.description = DescriptionEditor()
        self.assertion = LetterView("Management's assertion")
        self.bridge = BridgeLetterPanel(self._incident_panel())
        self.empty = QLabel()
        self.empty.setWordWrap(True)
        self.result = QLabel()
        self.result.linkActivated.connect(lambda link: QDesktopServices.openUrl(QUrl(link)))
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.export_buttons: dict[tuple[str, str], QPushButton] = {}
        for (kind, title, explanation), body in zip(
            TABS, (self.description, self.assertion, self.bridge), strict=True
        ):
            self.tabs.addTab(self._tab(kind, explanation, body), title)
        layout = QVBoxLayout(self)
        layout.addWidget(
            page_heading(
                "Documents",
                "The system description, management's assertion and the bridge letter, drafted from the "
                "engagement and kept in step with it. Every change is saved at once and can be undone.",
            )
        )
        layout.addWidget(self.empty)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.result)
        layout.addStretch()
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.timeout.connect(self.refresh)
        self.description.editor.text_finished.connect(self.save_text)
        self.description.editor.review_requested.connect(self.mark_reviewed)
        self.description.report_chosen.connect(self._report_chosen)
        self.bridge.through_chosen.connect(self.choose_through)
        context.changed.connect(self._changed)
        context.engagement_selected.connect(self._engagement_selected)
        self.bridge.incidents.reload()

    def _tab(self, kind: str, explanation: str, body: QWidget) -> QWidget:
        tab = QWidget()
        top = QHBoxLayout()
        text = QLabel(explanation)
        text.setWordWrap(True)
        top.addWidget(text, 1)
        for extension in KINDS_BY_NAME[kind].extensions:
            button = QPushButton(f"Export {FORMAT_NAMES[extension]}…")
            button.clicked.connect(lambda _checked=False, k=kind, e=extension: self.export(k, e))
            top.addWidget(button)
            self.export_buttons[(kind, extension)] = button
        layout = QVBoxLayout(tab)
        layout.addLayout(top)
        layout.addWidget(body, 1)
        return tab

    def _incident_panel(self) -> RecordsPanel:
        ws = self.context.workspace
        return RecordsPanel(
            self.context,
            "Incidents since the prior report: anything that affected the security or availability of the "
            "system or your commitments to customers. The bridge letter lists those in the days it covers.",
            [("on", "Day"), ("summary", "What happened")],
            RecordServices(
                load=lambda engagement_id: list_incidents(ws, engagement_id=engagement_id),
                add=lambda engagement_id, _n: add_incident(
                    ws, engagement_id=engagement_id, on=date.today(), summary="Describe what happened"
                ),
                update=lambda record_id, values: update_incident(ws, record_id, **values),
                delete=lambda ids: delete_incidents(ws, ids),
                restore=lambda snapshot: restore_incidents(ws, snapshot),
            ),
            "incident",
            "summary",
            kind=Kind.DOCUMENTS,
        )

    # --- showing ------------------------------------------------------------------------------

    def _changed(self, changes: Changes) -> None:
        if changes.touches(*SHOWN_BY) and self.isVisible():
            self._refresh_timer.start(0)

    def _engagement_selected(self, _engagement_id: Any) -> None:
        self.description.editor.flush()
        self.report_position = 0
        if self.isVisible():
            self.refresh()

    def refresh(self) -> None:
        engagement_id = self.context.engagement_id
        drafts = (
            self.context.run(
                "Documents", lambda: document_drafts(self.context.workspace, engagement_id=engagement_id)
            )
            if engagement_id is not None
            else None
        )
        self.drafts = drafts
        message = "Create or choose an engagement on the Engagements page first." if drafts is None else ""
        if drafts is not None and drafts.description_refusal:
            message = drafts.description_refusal
        self.empty.setText(message)
        self.empty.setVisible(bool(message))
        self.tabs.setVisible(drafts is not None and not drafts.description_refusal)
        if drafts is None or drafts.description_refusal:
            return
        self.report_position = min(self.report_position, len(drafts.descriptions) - 1)
        self.description.show_description(drafts.descriptions, self.report_position)
        refusal = drafts.assertion_refusal
        self.assertion.show_draft(None if refusal else drafts.assertion_document(), refusal)
        self.bridge.show_drafts(drafts)
        for (kind, _extension), button in self.export_buttons.items():
            button.setEnabled(self._refusal(kind) is None)

    def _refusal(self, kind: str) -> str | None:
        assert self.drafts is not None
        if kind == "assertion":
            return self.drafts.assertion_refusal
        if kind == "bridge-letter":
            return self.drafts.bridge_refusal
        return self.drafts.description_refusal

    def _report_chosen(self, position: int) -> None:
        self.report_position = position
        self.refresh()

    def show_section(self, key: str) -> None:
        """Open the description's section *key* (of whichever report in scope has it)."""
        self.tabs.setCurrentIndex(0)
        if self.drafts is None:
            self.refresh()
        if self.drafts is None:
            return
        for position, description in enumerate(self.drafts.descriptions):
            if key in [section.key for section in description.sections]:
                if position != self.report_position:
                    self._report_chosen(position)
                self.description.select_section(key)
                return

    # --- editing ------------------------------------------------------------------------------

    def _edit_section(self, key: str, text: str, field: str, value: str) -> None:
        """Save a field of the section shown, in the engagement it belongs to (even if another was chosen)."""
        if self.drafts is None:
            return
        engagement_id = self.drafts.engagement.id
        workspace = self.context.workspace
        before = self.drafts.saved.get(key)
        old = getattr(before, field) if before is not None else ""
        self.context.push(
            EditFields(
                self.context,
                text,
                lambda values: set_description_section(
                    workspace, engagement_id=engagement_id, key=key, **dict(values)
                ),
                {field: old},
                {field: value},
            )
        )

    def _section(self, key: str) -> DescriptionSection | None:
        """Section *key* of the description shown (or of the other report's, which shares it)."""
        if self.drafts is None:
            return None
        shown = self.drafts.descriptions[self.report_position : self.report_position + 1]
        for description in (*shown, *self.drafts.descriptions):
            for section in description.sections:
                if section.key == key:
                    return section
        return None

    def save_text(self, key: str, text: str) -> None:
        """Save the user's text of section *key* (undoable)."""
        section = self._section(key)
        if section is not None:
            self._edit_section(key, f"Edit the description: {section.title}", "text", text)

    def mark_reviewed(self, key: str) -> None:
        """Confirm the items listed for section *key* (undoable)."""
        section = self._section(key)
        if section is not None:
            self._edit_section(key, f"Mark reviewed: {section.title}", "reviewed", section.fingerprint)

    def choose_through(self, day: date | None) -> None:
        """Set the last day the bridge letter covers (undoable)."""
        engagement = self.context.engagement()
        if engagement is None or day == engagement.bridge_through:
            return
        workspace = self.context.workspace
        self.context.push(
            EditFields(
                self.context,
                "Change the bridge letter's last day",
                lambda values: update_engagement(workspace, engagement.id, **values),
                {"bridge_through": engagement.bridge_through},
                {"bridge_through": day},
            )
        )

    # --- exporting ----------------------------------------------------------------------------

    def export_pdf(self) -> None:
        """Export the document of the tab shown as PDF."""
        self.export(TABS[self.tabs.currentIndex()][0], "pdf")

    def export_docx(self) -> None:
        """Export the document of the tab shown as an editable Word document."""
        self.export(TABS[self.tabs.currentIndex()][0], "docx")

    def export(self, kind: str, extension: str) -> Path | None:
        """Ask where, then write the *kind* document as *extension*; returns the file written."""
        engagement = self.context.engagement()
        if engagement is None:
            return None
        self.description.editor.flush()
        export = KINDS_BY_NAME[kind]
        folder = self.context.window_state.export_folder or documents_folder()
        suggested = folder / f"{safe_name(engagement.name)} - {export.file_for(extension)}"
        filters = f"{FORMAT_NAMES[extension]} (*.{extension})"
        target = self.context.interaction.save_file(f"Export {export.label.lower()}", suggested, filters)
        if target is None:
            return None
        if target.suffix.lower() != f".{extension}":
            target = target.with_name(f"{target.name}.{extension}")
        result = self.context.run(
            f"Export {export.label.lower()}",
            lambda: run_export(self.context.workspace, engagement_id=engagement.id, kind=kind, target=target),
        )
        if result is None:
            return None
        self.context.window_state.export_folder = result.path.parent
        folder_url = QUrl.fromLocalFile(str(result.path.parent)).toString()
        self.result.setText(f"Wrote {escape(result.path.name)} — <a href='{folder_url}'>Open folder</a>")
        return result.path
