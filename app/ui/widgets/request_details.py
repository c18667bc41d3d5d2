"""The detail panel of the selected request: the auditor's words, our work, controls, evidence, samples.

Every edit made here is an undoable command; files dropped on the panel are
added as evidence provided for the request.
"""

from collections.abc import Mapping
from datetime import date
from html import escape
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.domain.changes import Changes, Kind
from app.domain.requests import RequestRow, RequestStatus
from app.domain.vocab import label
from app.domain.wording import counted
from app.services.requests import RequestDetail, request_detail, status_fields, update_request
from app.ui.commands import EditRecord, RequestControlLinks, RequestEvidenceLinks
from app.ui.context import AppContext
from app.ui.evidence_actions import local_paths, open_evidence
from app.ui.fieldwork_actions import attach_to_item, attach_to_request, enter_selection, record_exception
from app.ui.icons import icon
from app.ui.models.roles import CONTROL_ID_ROLE, EVIDENCE_ID_ROLE, ROW_ID_ROLE
from app.ui.widgets.dates import DateField

NOTHING_SELECTED = "Select a request to see the auditor's words and your work on it"


def _list(name: str, lines: int) -> QListWidget:
    widget = QListWidget()
    widget.setAccessibleName(name)
    widget.setWordWrap(True)
    widget.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    widget.setMaximumHeight(widget.fontMetrics().height() * lines + 12)
    return widget


def _buttons(*buttons: QPushButton) -> QHBoxLayout:
    row = QHBoxLayout()
    for button in buttons:
        row.addWidget(button)
    row.addStretch(1)
    return row


class RequestDetails(QScrollArea):
    """All of one request, editable where it is ours."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.detail: RequestDetail | None = None
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setAcceptDrops(True)
        self.body = QWidget()
        layout = QVBoxLayout(self.body)
        self.heading = QLabel(NOTHING_SELECTED)
        font = self.heading.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.heading.setFont(font)
        self.heading.setWordWrap(True)
        layout.addWidget(self.heading)
        layout.addWidget(self._auditor_box())
        layout.addWidget(self._work_box())
        layout.addWidget(self._controls_box())
        layout.addWidget(self._evidence_box())
        layout.addWidget(self._samples_box())
        layout.addStretch(1)
        self.setWidget(self.body)
        context.changed.connect(self._changed)
        self.show_request(None)

    # --- building -----------------------------------------------------------------------

    def _auditor_box(self) -> QGroupBox:
        box = QGroupBox("The auditor's request")
        self.auditor = QLabel()
        self.auditor.setWordWrap(True)
        self.auditor.setTextFormat(Qt.TextFormat.RichText)
        self.auditor.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        QVBoxLayout(box).addWidget(self.auditor)
        return box

    def _work_box(self) -> QGroupBox:
        box = QGroupBox("Our work")
        box.setToolTip("Every change is saved at once; Ctrl+Z undoes it")
        form = QFormLayout(box)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        self.status = QComboBox()
        for status in RequestStatus:
            self.status.addItem(label(status.value), status)
        self.owner = QLineEdit()
        self.due = DateField()
        self.provided = DateField()
        self.notes = QPlainTextEdit()
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(self.notes.fontMetrics().lineSpacing() * 3 + 12)
        self.notes.installEventFilter(self)
        for text, widget in (
            ("Status", self.status),
            ("Owner", self.owner),
            ("Due (ours)", self.due),
            ("Date provided", self.provided),
            ("Notes (the auditor sees them)", self.notes),
        ):
            widget.setAccessibleName(text)
            form.addRow(text, widget)
        self.status.activated.connect(lambda _i: self._status_chosen())
        self.owner.editingFinished.connect(lambda: self._edit("owner", self.owner.text()))
        self.due.date_changed.connect(lambda value: self._edit("due", value))
        self.provided.date_changed.connect(lambda value: self._edit("date_provided", value))
        return box

    def _controls_box(self) -> QGroupBox:
        box = QGroupBox("Controls")
        self.controls = _list("Linked controls", 3)
        self.suggestions = _list("Suggested controls", 4)
        self.unlink_button = QPushButton("Unlink")
        self.link_ticked = QPushButton(icon("link"), "Link ticked")
        self.control_choice = QComboBox()
        self.control_choice.setAccessibleName("Another control")
        self.control_choice.setMinimumContentsLength(10)
        self.link_other = QPushButton("Link")
        layout = QVBoxLayout(box)
        layout.addWidget(self.controls)
        layout.addLayout(_buttons(self.unlink_button))
        self.suggestion_label = QLabel("Suggested from the criteria and control references it names:")
        self.suggestion_label.setWordWrap(True)
        layout.addWidget(self.suggestion_label)
        layout.addWidget(self.suggestions)
        layout.addLayout(_buttons(self.link_ticked))
        other = QHBoxLayout()
        other.addWidget(QLabel("Another:"))
        other.addWidget(self.control_choice, 1)
        other.addWidget(self.link_other)
        layout.addLayout(other)
        self.unlink_button.clicked.connect(self.unlink_control)
        self.link_ticked.clicked.connect(self.link_suggested)
        self.link_other.clicked.connect(self.link_chosen)
        self.controls.itemActivated.connect(
            lambda item: self.context.navigate.emit(("control", int(item.data(CONTROL_ID_ROLE))))
        )
        return box

    def _evidence_box(self) -> QGroupBox:
        box = QGroupBox("Evidence provided")
        self.evidence = _list("Evidence of the request", 3)
        self.add_files = QPushButton(icon("paperclip"), "Add files…")
        self.remove_evidence = QPushButton("Remove from request")
        hint = QLabel("Drop files here or on the request's row; they are linked to its controls too.")
        hint.setWordWrap(True)
        layout = QVBoxLayout(box)
        layout.addWidget(self.evidence)
        layout.addLayout(_buttons(self.add_files, self.remove_evidence))
        layout.addWidget(hint)
        self.add_files.clicked.connect(self.choose_files)
        self.remove_evidence.clicked.connect(self.remove_selected_evidence)
        self.evidence.itemActivated.connect(
            lambda item: open_evidence(self.context, int(item.data(EVIDENCE_ID_ROLE)))
        )
        return box

    def _samples_box(self) -> QGroupBox:
        box = QGroupBox("The auditor's samples and exceptions")
        self.items = _list("Sampled items", 4)
        self.exceptions = _list("Exceptions", 3)
        self.exceptions_label = QLabel()
        self.exceptions_label.setWordWrap(True)
        self.add_selection = QPushButton("Add selection…")
        self.attach_item = QPushButton("Files for item…")
        self.item_exception = QPushButton("Exception…")
        layout = QVBoxLayout(box)
        layout.addWidget(self.items)
        layout.addLayout(_buttons(self.add_selection, self.attach_item, self.item_exception))
        layout.addWidget(self.exceptions_label)
        layout.addWidget(self.exceptions)
        self.add_selection.clicked.connect(self.enter_selection)
        self.attach_item.clicked.connect(self.choose_item_files)
        self.item_exception.clicked.connect(self.record_item_exception)
        return box

    # --- showing ------------------------------------------------------------------------

    def _changed(self, changes: Changes) -> None:
        if self.detail is not None and changes.touches(
            Kind.REQUESTS, Kind.EVIDENCE, Kind.CONTROLS, Kind.FIELDWORK
        ):
            self.show_request(self.detail.row.id)

    def show_request(self, request_id: int | None) -> None:
        """Fill the panel with the request (or empty and disable it)."""
        detail = None
        if request_id is not None:
            detail = self.context.run(
                "Load request", lambda: request_detail(self.context.workspace, request_id)
            )
        same = self.detail is not None and detail is not None and self.detail.row.id == detail.row.id
        self.detail = detail
        self.body.setEnabled(detail is not None)
        if detail is None:
            self.heading.setText(NOTHING_SELECTED)
            self.auditor.clear()
            for widget in (self.controls, self.suggestions, self.evidence, self.items, self.exceptions):
                widget.clear()
            return
        row = detail.row
        self.heading.setText(f"{row.request.request_id} — {' '.join(row.request.text.split())[:120]}")
        self.auditor.setText(self._auditor_words(detail))
        self._show_work(detail, keep_typing=same)
        self._show_controls(detail)
        self._show_evidence(detail)
        self._show_samples(detail)

    @staticmethod
    def _auditor_words(detail: RequestDetail) -> str:
        request = detail.row.request
        criteria = list(request.criteria) + [
            f"{escape(text)} (not a criterion we know)" for text in request.unknown_criteria
        ]
        facts = [
            ("Request", escape(request.text).replace("\n", "<br>")),
            ("Criteria", ", ".join(criteria)),
            ("Control references", escape(", ".join(request.references))),
            ("Type", escape(request.request_type)),
            ("Period", escape(request.period)),
            ("Owner they named", escape(request.owner)),
            ("Due (theirs)", request.due.isoformat() if request.due else ""),
            ("Their status", escape(request.auditor_status)),
            ("Their comments", escape(request.comments).replace("\n", "<br>")),
            *((escape(header), escape(text)) for header, text in request.extras),
            (
                "Row in their list",
                str(request.row) if detail.row.listed else "no longer in their list (withdrawn)",
            ),
        ]
        return "<br>".join(f"<b>{name}:</b> {value}" for name, value in facts if value)

    def _show_work(self, detail: RequestDetail, *, keep_typing: bool) -> None:
        """Our fields of the request; with *keep_typing*, text the user is typing is left alone."""
        row = detail.row
        for widget in (self.status, self.owner, self.due, self.provided, self.notes):
            widget.blockSignals(True)
        self.status.setCurrentIndex(self.status.findData(row.status))
        if not (keep_typing and self.owner.hasFocus()):
            self.owner.setText(row.owner)
        self.due.set_value(row.due)
        self.provided.set_value(row.date_provided)
        if not (keep_typing and self.notes.hasFocus()):
            self.notes.setPlainText(row.notes)
        for widget in (self.status, self.owner, self.due, self.provided, self.notes):
            widget.blockSignals(False)

    def _show_controls(self, detail: RequestDetail) -> None:
        self.controls.clear()
        for control in detail.controls:
            item = QListWidgetItem(f"{control.ref} — {control.title}")
            item.setData(CONTROL_ID_ROLE, control.id)
            self.controls.addItem(item)
        self.suggestions.clear()
        for suggestion in detail.suggestions:
            item = QListWidgetItem(f"{suggestion.ref} — {suggestion.title} ({suggestion.reason})")
            item.setData(CONTROL_ID_ROLE, suggestion.control_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if suggestion.named else Qt.CheckState.Unchecked)
            self.suggestions.addItem(item)
        self.suggestion_label.setVisible(bool(detail.suggestions))
        self.suggestions.setVisible(bool(detail.suggestions))
        self.link_ticked.setVisible(bool(detail.suggestions))
        self.control_choice.clear()
        for control in detail.others:
            self.control_choice.addItem(f"{control.ref} — {control.title}", control.id)

    def _show_evidence(self, detail: RequestDetail) -> None:
        self.evidence.clear()
        for row in detail.evidence:
            item = QListWidgetItem(f"{row.file_name} · {row.collected_on or 'date unknown'}")
            item.setData(EVIDENCE_ID_ROLE, row.id)
            item.setToolTip(
                f"{row.title}\nSHA-256 {row.sha256}\nControls: {', '.join(row.controls) or 'none'}"
            )
            self.evidence.addItem(item)

    def _show_samples(self, detail: RequestDetail) -> None:
        self.items.clear()
        for sample in detail.samples:
            for sampled in sample.items:
                if not sampled.listed:
                    continue
                when = f" · {sampled.when.isoformat()}" if sampled.when else ""
                files = f" · {counted(len(sampled.evidence), 'file')}" if sampled.evidence else ""
                item = QListWidgetItem(f"{sampled.number} · {sampled.item}{when}{files}")
                item.setData(ROW_ID_ROLE, sampled.id)
                item.setToolTip("\n".join(sampled.evidence) or "No evidence yet")
                self.items.addItem(item)
        self.exceptions.clear()
        self.exceptions.setVisible(bool(detail.exceptions))
        self.exceptions_label.setText(
            "Exceptions found in these samples:"
            if detail.exceptions
            else "No exception recorded in these samples."
        )
        for exception in detail.exceptions:
            when = f"{exception.occurred_on.isoformat()} · " if exception.occurred_on else ""
            self.exceptions.addItem(f"{when}{exception.sample_item}: {exception.description}")

    # --- editing ------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if watched is self.notes and event.type() == QEvent.Type.FocusOut:
            self._edit("notes", self.notes.toPlainText())
        return super().eventFilter(watched, event)

    def _push_fields(self, after: dict[str, Any]) -> None:
        if self.detail is None:
            return
        row = self.detail.row
        before = {name: getattr(row, name) for name in after}
        if all(before[name] == after[name] for name in after):
            return
        request_id = row.id
        workspace = self.context.workspace
        names = ", ".join(name.replace("_", " ") for name in after)

        def write(values: Mapping[str, Any], version: int | None) -> RequestRow:
            return update_request(workspace, request_id, version=version, **values)

        text = f"Change {names} of {row.request.request_id}"
        self.context.push(
            EditRecord(self.context, text, write, before, after, ("request", row.id, row.version))
        )

    def _edit(self, name: str, value: Any) -> None:
        if isinstance(value, str):
            value = value.strip() if name == "notes" else " ".join(value.split())
        self._push_fields({name: value})

    def _status_chosen(self) -> None:
        if self.detail is not None:
            status = RequestStatus(self.status.currentData())
            self._push_fields(status_fields(self.detail.row, status, date.today()))

    def _relink(self, link: list[int], unlink: list[int], text: str) -> None:
        if self.detail is not None and (link or unlink):
            self.context.push(RequestControlLinks(self.context, self.detail.row.id, link, unlink, text))

    def link_suggested(self) -> None:
        ticked = [
            int(self.suggestions.item(row).data(CONTROL_ID_ROLE))
            for row in range(self.suggestions.count())
            if self.suggestions.item(row).checkState() == Qt.CheckState.Checked
        ]
        if self.detail is not None:
            self._relink(ticked, [], f"Link {self.detail.row.request.request_id} to {len(ticked)} control(s)")

    def link_chosen(self) -> None:
        control_id = self.control_choice.currentData()
        if self.detail is not None and control_id is not None:
            ref = self.control_choice.currentText().split(" — ")[0]
            text = f"Link {self.detail.row.request.request_id} to {ref}"
            self._relink([int(control_id)], [], text)

    def unlink_control(self) -> None:
        item = self.controls.currentItem()
        if self.detail is not None and item is not None:
            text = f"Unlink {self.detail.row.request.request_id} from {item.text().split(' — ')[0]}"
            self._relink([], [int(item.data(CONTROL_ID_ROLE))], text)

    def remove_selected_evidence(self) -> None:
        item = self.evidence.currentItem()
        if self.detail is None or item is None:
            return
        evidence_id = int(item.data(EVIDENCE_ID_ROLE))
        text = f"Remove {item.text().split(' · ')[0]} from {self.detail.row.request.request_id}"
        self.context.push(RequestEvidenceLinks(self.context, self.detail.row.id, [], [evidence_id], text))

    def choose_files(self) -> None:
        if self.detail is None:
            return
        paths = self.context.interaction.open_files(
            f"Evidence for {self.detail.row.request.request_id}", Path.home()
        )
        attach_to_request(self.context, self.detail.row.id, paths)

    def _selected_item(self) -> int | None:
        item = self.items.currentItem()
        return int(item.data(ROW_ID_ROLE)) if item is not None else None

    def choose_item_files(self) -> None:
        item_id = self._selected_item()
        if item_id is not None:
            paths = self.context.interaction.open_files("Evidence for the sampled item", Path.home())
            attach_to_item(self.context, item_id, paths)

    def enter_selection(self) -> Any:
        return enter_selection(self.context, self.detail.row, self) if self.detail is not None else None

    def record_item_exception(self) -> None:
        item_id = self._selected_item()
        if item_id is not None:
            record_exception(self.context, self, sample_item_id=item_id)

    # --- files dropped on the panel -----------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 (Qt override)
        if self.detail is not None and local_paths(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 (Qt override)
        paths = local_paths(event.mimeData())
        if self.detail is not None and paths:
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()
            attach_to_request(self.context, self.detail.row.id, paths)
