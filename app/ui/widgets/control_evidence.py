"""A control's evidence: what is linked, its Type 2 sampling and period coverage; drop files here."""

from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.changes import Changes, Kind
from app.domain.controls import ControlRow
from app.domain.vocab import label
from app.domain.wording import counted
from app.services.evidence import list_evidence
from app.services.sampling import sampling_report
from app.ui.commands import LinkEvidence
from app.ui.context import AppContext
from app.ui.evidence_actions import add_files, local_paths, open_evidence
from app.ui.icons import icon
from app.ui.models.roles import EVIDENCE_ID_ROLE
from app.ui.widgets.timeline import CoverageTimeline

DUE_WORDS = {"overdue": "overdue", "due-soon": "due this week", "scheduled": "scheduled"}


class ControlEvidencePanel(QWidget):
    """The evidence part of a control's detail panel."""

    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        self.control: ControlRow | None = None
        self.setAcceptDrops(True)
        self.heading = QLabel("<b>Evidence</b>")
        self.sampling = QLabel()
        self.sampling.setWordWrap(True)
        self.timeline = CoverageTimeline()
        self.list = QListWidget()
        self.list.setAccessibleName("Evidence of the control")
        self.list.setMaximumHeight(self.fontMetrics().height() * 7)
        self.add_button = QPushButton(icon("file-plus"), "Add files…")
        self.unlink_button = QPushButton("Unlink")
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.unlink_button)
        buttons.addStretch(1)
        hint = QLabel("Drop files here to add them as this control's evidence.")
        hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.sampling)
        layout.addWidget(self.timeline)
        layout.addWidget(self.list)
        layout.addLayout(buttons)
        layout.addWidget(hint)
        self.add_button.clicked.connect(self.choose_files)
        self.unlink_button.clicked.connect(self.unlink_selected)
        self.list.itemActivated.connect(
            lambda item: open_evidence(self.context, int(item.data(EVIDENCE_ID_ROLE)))
        )
        context.changed.connect(self._changed)

    def _changed(self, changes: Changes) -> None:
        if changes.touches(Kind.EVIDENCE, Kind.SETTINGS, Kind.SCOPE):
            self.show_control(self.control)

    def show_control(self, control: ControlRow | None) -> None:
        self.control = control
        self.list.clear()
        self.setEnabled(control is not None)
        if control is None:
            self.heading.setText("<b>Evidence</b>")
            self.sampling.clear()
            self.timeline.set_slices([])
            return
        engagement_id = control.engagement_id
        loaded = self.context.run(
            "Load evidence",
            lambda: (
                list_evidence(self.context.workspace, engagement_id=engagement_id, control_id=control.id),
                sampling_report(
                    self.context.workspace,
                    engagement_id=engagement_id,
                    today=date.today(),
                    control_ids=[control.id],
                ),
            ),
        )
        if loaded is None:
            return
        rows, report = loaded
        files = counted(len(rows), "file") if rows else "no files yet"
        self.heading.setText(f"<b>Evidence</b> — {files}")
        for row in rows:
            collected = row.collected_on.isoformat() if row.collected_on else "date unknown"
            item = QListWidgetItem(f"{row.title} · {collected}")
            item.setData(EVIDENCE_ID_ROLE, row.id)
            item.setToolTip(f"{row.file_name}\nSHA-256 {row.sha256}")
            self.list.addItem(item)
        sampling = report[0] if report else None
        self.timeline.set_slices(sampling.slices if sampling else [])
        self.timeline.setVisible(bool(sampling and sampling.slices))
        if sampling is None or sampling.frequency is None:
            self.sampling.setText("Set the control's frequency to see its expected occurrences and sample.")
            return
        parts = [label(sampling.frequency)]
        if sampling.expected_occurrences is not None:
            parts.append(f"about {sampling.expected_occurrences} occurrences in the period")
        if sampling.suggested_sample is not None:
            parts.append(f"suggested sample {sampling.suggested_sample}")
        if sampling.next_due is not None and sampling.due_status is not None:
            parts.append(
                f"next evidence due {sampling.next_due.isoformat()} ({DUE_WORDS[sampling.due_status]})"
            )
        if sampling.stale_evidence:
            stale = sampling.stale_evidence
            parts.append(counted(stale, "stale file"))
        self.sampling.setText(" · ".join(parts))

    def choose_files(self) -> None:
        if self.control is None:
            return
        paths = self.context.interaction.open_files(f"Evidence for {self.control.ref}", Path.home())
        add_files(self.context, paths, [self.control.id])

    def unlink_selected(self) -> None:
        item = self.list.currentItem()
        control = self.control
        if item is None or control is None:
            return
        evidence_id = int(item.data(EVIDENCE_ID_ROLE))
        self.context.push(
            LinkEvidence(
                self.context, evidence_id, [], [control.id], f"Unlink {item.text()} from {control.ref}"
            )
        )

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 (Qt override)
        if self.control is not None and local_paths(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 (Qt override)
        paths = local_paths(event.mimeData())
        if self.control is not None and paths:
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()
            add_files(self.context, paths, [self.control.id])
