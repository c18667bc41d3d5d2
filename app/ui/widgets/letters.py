"""The letters management signs, as the Documents page shows them: the assertion and the bridge letter.

Both show the draft as it will print, with the places to confirm listed
beside it; when no letter can be drafted they say why in plain words. The
bridge letter's last day and the incidents it lists are edited here.
"""

from datetime import timedelta

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QListWidget, QSplitter, QVBoxLayout, QWidget

from app.domain.document import Document, confirm_marks
from app.domain.engagement_documents import DocumentDrafts
from app.domain.periods import format_day
from app.ui.widgets.dates import DateField
from app.ui.widgets.document_view import DocumentView
from app.ui.widgets.records_panel import RecordsPanel


def _note(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    return label


class LetterView(QWidget):
    """A draft beside the list of its places to confirm; or, when there is no draft, the reason."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = DocumentView(name)
        self.marks = QListWidget()
        self.marks.setAccessibleName("Places to confirm")
        self.marks.setWordWrap(True)
        self.marks.setSpacing(3)
        self.marks_title = QLabel()
        self.reason = _note()
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(self.marks_title)
        side_layout.addWidget(self.marks, 1)
        self.splitter = QSplitter()
        self.splitter.addWidget(self.view)
        self.splitter.addWidget(side)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([640, 300])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.reason)
        layout.addWidget(self.splitter, 1)
        layout.addStretch()

    def show_draft(self, document: Document | None, reason: str | None) -> None:
        """Show *document*, or *reason* when there is none."""
        self.reason.setText(reason or "")
        self.reason.setVisible(bool(reason))
        self.splitter.setVisible(document is not None)
        self.marks.clear()
        if document is None:
            return
        self.view.show_document(document)
        marks = confirm_marks(document)
        self.marks_title.setText(f"<b>Places to confirm before signing ({len(marks)})</b>")
        self.marks.addItems([f"{number}. {mark}" for number, mark in enumerate(marks, start=1)])


class BridgeLetterPanel(QWidget):
    """The prior report, the last day the letter covers, the incidents, and the draft.

    Signals:
        through_chosen(object): the user chose the letter's last day (``datetime.date`` or ``None``).
    """

    through_chosen = Signal(object)

    def __init__(self, incidents: RecordsPanel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.prior = _note()
        self.through = DateField()
        self.through.setAccessibleName("Last day the bridge letter covers")
        self.through.setToolTip("Usually the day the customer asked about; empty: the day of the last change")
        self.warnings = _note()
        self.letter = LetterView("Bridge letter")
        self.incidents = incidents
        self.setup = QWidget()
        top = QHBoxLayout(self.setup)
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.prior, 1)
        top.addWidget(QLabel("Covers up to"))
        top.addWidget(self.through)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(incidents)
        split.addWidget(self.letter)
        split.setStretchFactor(1, 1)
        split.setChildrenCollapsible(False)
        split.setSizes([self.fontMetrics().height() * 11, 600])
        self.body = split
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.setup)
        layout.addWidget(self.warnings)
        layout.addWidget(split, 1)
        layout.addStretch()
        self.through.date_changed.connect(self.through_chosen.emit)

    def show_drafts(self, drafts: DocumentDrafts) -> None:
        prior = drafts.prior
        self.setup.setVisible(prior is not None)
        self.body.setVisible(prior is not None)
        if prior is None:
            self.warnings.setText(drafts.bridge_refusal or "")
            self.warnings.show()
            return
        self.prior.setText(
            f"<b>Prior report:</b> {prior.identification}. The letter covers the days after it, "
            f"from {format_day(prior.period_end + timedelta(days=1))}."
        )
        self.through.set_value(drafts.engagement.bridge_through)
        self.warnings.setText(" ".join(drafts.bridge_warnings))
        self.warnings.setVisible(bool(drafts.bridge_warnings))
        refusal = drafts.bridge_refusal
        self.letter.show_draft(None if refusal else drafts.bridge_letter(), refusal)
