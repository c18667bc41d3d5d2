"""The guided editor of the system description: the sections with how far each is, and one section open.

A section shows what it is for, the questions to answer, an example for a
small SaaS company, what the workbench already knows (rebuilt from the data,
never typed), and the user's own text. The text is saved when the user
pauses or leaves the field; "Mark reviewed" confirms the items the workbench
listed. Both are undoable commands pushed by the Documents page.
"""

from html import escape

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QIcon, QPalette, QPixmap, QResizeEvent
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.description import STATUS_WORDS, DescriptionSection, SectionStatus, SystemDescription
from app.domain.wording import counted
from app.ui.widgets.document_view import DocumentView

STATUS_COLOURS = {
    SectionStatus.EMPTY: QColor(140, 140, 140),
    SectionStatus.NEEDS_REVIEW: QColor(200, 130, 0),
    SectionStatus.COMPLETE: QColor(22, 150, 70),
}
"""Not started grey, needs review amber, complete green: the status colours of the whole window."""
SAVE_AFTER_MS = 1500
"""How long a pause in typing saves the text."""
KEY_ROLE = Qt.ItemDataRole.UserRole
KNOWN_LINES = 14
"""The most lines "what the workbench knows" takes before it scrolls."""


def status_icon(status: SectionStatus) -> QIcon:
    pixmap = QPixmap(12, 12)
    pixmap.fill(STATUS_COLOURS[status])
    return QIcon(pixmap)


def _muted(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
    return label


def _wrapped(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class SectionEditor(QWidget):
    """One section open for writing.

    Signals:
        text_finished(str, str): the section's key and the user's text, when they paused or left the field
            and the text differs from the one saved.
        review_requested(str): the user confirmed the items listed for the section (its key).
    """

    text_finished = Signal(str, str)
    review_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.section: DescriptionSection | None = None
        self.title = QLabel()
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        self.title.setFont(font)
        self.title.setWordWrap(True)
        self.purpose = _muted()
        self.status = _wrapped()
        self.prompts = _wrapped()
        self.example_button = QToolButton()
        self.example_button.setCheckable(True)
        self.example_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.example_button.setArrowType(Qt.ArrowType.RightArrow)
        self.example_button.setText("Show an example (a small SaaS company)")
        self.example_button.setAutoRaise(True)
        self.example = _wrapped()
        self.example.hide()
        self.known = DocumentView("What the workbench knows")
        self.review_button = QPushButton("Mark reviewed")
        self.review_button.setToolTip("Confirm the items the workbench lists for this section")
        self.review_state = _muted()
        self.text = QPlainTextEdit()
        self.text.setAccessibleName("Your text for this section")
        self.text.setTabChangesFocus(True)
        self.text.setPlaceholderText(
            "Write here in your own words. A blank line starts a new paragraph; start a line with '- ' "
            "for a list; **bold** for bold."
        )
        self.text.setMinimumHeight(self.fontMetrics().height() * 9)
        self._saved_text = ""
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SAVE_AFTER_MS)
        self._build()
        self.example_button.toggled.connect(self._toggle_example)
        self.review_button.clicked.connect(self._review)
        self.text.textChanged.connect(self._typed)
        self._timer.timeout.connect(self.flush)
        self.text.installEventFilter(self)

    def _build(self) -> None:
        questions = QGroupBox("What to write")
        questions_layout = QVBoxLayout(questions)
        questions_layout.addWidget(self.prompts)
        questions_layout.addWidget(self.example_button, 0, Qt.AlignmentFlag.AlignLeft)
        questions_layout.addWidget(self.example)
        known = QGroupBox("What the workbench already knows — kept in step with your data")
        known_layout = QVBoxLayout(known)
        known_layout.addWidget(self.known)
        review = QHBoxLayout()
        review.addWidget(self.review_button)
        review.addWidget(self.review_state, 1)
        known_layout.addLayout(review)
        written = QGroupBox("Your text")
        written_layout = QVBoxLayout(written)
        written_layout.addWidget(self.text)
        written_layout.addWidget(
            _muted("Saved as you write. Undo with Ctrl+Z. A blank line starts a paragraph, '- ' a list.")
        )
        layout = QVBoxLayout(self)
        for widget in (self.title, self.purpose, self.status, questions, known):
            layout.addWidget(widget)
        layout.addWidget(written, 1)

    def show_section(self, section: DescriptionSection | None) -> None:
        """Open *section* (``None``: nothing to show); the text shown is replaced only when it differs."""
        self.flush()
        self.section = section
        self.setEnabled(section is not None)
        if section is None:
            self.title.setText("No section")
            return
        spec = section.spec
        self.title.setText(section.heading)
        self.purpose.setText(spec.purpose)
        colour = STATUS_COLOURS[section.status].name()
        words = STATUS_WORDS[section.status]
        self.status.setText(
            f"<span style='color:{colour}'>●</span> <b>{words}</b>"
            + (f" — {escape(section.reason)}" if section.reason else "")
        )
        self.prompts.setText("<ul>" + "".join(f"<li>{escape(p)}</li>" for p in spec.prompts) + "</ul>")
        self.example.setText(f"<i>{escape(spec.example)}</i>")
        points = "".join(f"<li>{escape(point)}</li>" for point in section.open_points)
        self.known.show_blocks(section.facts, "Nothing recorded for this section: your text carries it.")
        if points:
            self.known.append(f"<p><b>Open points</b></p><ul>{points}</ul>")
        self.known.fit_height(KNOWN_LINES)
        self._show_review(section)
        self._saved_text = section.text
        if self.text.toPlainText() != section.text:
            self.text.blockSignals(True)
            self.text.setPlainText(section.text)
            self.text.blockSignals(False)

    def _show_review(self, section: DescriptionSection) -> None:
        count = len(section.to_confirm)
        self.review_button.setVisible(bool(count))
        self.review_button.setEnabled(bool(count) and not section.reviewed)
        if not count:
            self.review_state.setText("Nothing here needs confirming.")
        elif section.reviewed:
            self.review_state.setText(f"Reviewed: the {count} items listed have not changed since.")
        else:
            self.review_state.setText(f"{counted(count, 'item')} to confirm, then mark reviewed.")

    def _toggle_example(self, shown: bool) -> None:
        self.example.setVisible(shown)
        self.example_button.setArrowType(Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow)

    def _typed(self) -> None:
        self._timer.start()

    def _review(self) -> None:
        if self.section is not None:
            self.flush()
            self.review_requested.emit(self.section.key)

    def flush(self) -> None:
        """Hand on the text typed since the last save, if any."""
        self._timer.stop()
        if self.section is not None and self.text.toPlainText() != self._saved_text:
            self._saved_text = self.text.toPlainText()
            self.text_finished.emit(self.section.key, self._saved_text)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        self.known.fit_height(KNOWN_LINES)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if watched is self.text and event.type() == QEvent.Type.FocusOut:
            self.flush()
        return super().eventFilter(watched, event)


class DescriptionEditor(QWidget):
    """The sections of one description in a list (status colour and word), the chosen one open beside it.

    Signals:
        report_chosen(int): the user chose another report's description (its position).
    """

    report_chosen = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.description: SystemDescription | None = None
        self.reports = QComboBox()
        self.reports.setAccessibleName("Report")
        self.summary = QLabel()
        self.sections = QListWidget()
        self.sections.setAccessibleName("Sections of the description")
        self.sections.setWordWrap(True)
        self.editor = SectionEditor()
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(self.editor)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.reports)
        left_layout.addWidget(self.summary)
        left_layout.addWidget(self.sections, 1)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(scroll)
        splitter.setChildrenCollapsible(False)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([300, 800])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self.sections.currentRowChanged.connect(self._row_changed)
        self.reports.activated.connect(self.report_chosen.emit)

    def show_description(self, descriptions: tuple[SystemDescription, ...], position: int) -> None:
        """Show the *position*-th of *descriptions*, keeping the section open if it still exists."""
        self.reports.blockSignals(True)
        self.reports.clear()
        for each in descriptions:
            self.reports.addItem(f"{each.facts.report} description", each.facts.report_kind)
        self.reports.setCurrentIndex(position)
        self.reports.setVisible(len(descriptions) > 1)
        self.reports.blockSignals(False)
        description = descriptions[position]
        current = self.current_key()
        self.description = description
        total = len(description.sections)
        self.summary.setText(f"<b>{description.complete_count} of {total}</b> sections complete")
        self.sections.blockSignals(True)
        self.sections.clear()
        for section in description.sections:
            item = QListWidgetItem(status_icon(section.status), f"{section.number}. {section.title}")
            item.setData(KEY_ROLE, section.key)
            item.setToolTip(
                f"{STATUS_WORDS[section.status]}" + (f": {section.reason}" if section.reason else "")
            )
            self.sections.addItem(item)
        self.sections.blockSignals(False)
        keys = [section.key for section in description.sections]
        self.sections.setCurrentRow(keys.index(current) if current in keys else 0)
        self._row_changed(self.sections.currentRow())

    def current_key(self) -> str | None:
        item = self.sections.currentItem()
        return str(item.data(KEY_ROLE)) if item is not None else None

    def select_section(self, key: str) -> bool:
        """Open section *key*; False when this description has none."""
        for row in range(self.sections.count()):
            if self.sections.item(row).data(KEY_ROLE) == key:
                self.sections.setCurrentRow(row)
                return True
        return False

    def _row_changed(self, row: int) -> None:
        if self.description is None or row < 0:
            self.editor.show_section(None)
            return
        self.editor.show_section(self.description.sections[row])
