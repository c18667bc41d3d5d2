"""The policy questionnaire: one field per question, each answer saved (undoably) when the user leaves it."""

from collections.abc import Mapping

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit, QScrollArea, QVBoxLayout, QWidget

from app.domain.policies import QUESTIONS, QUESTIONS_BY_KEY
from app.services.policies import set_policy_answers
from app.ui.commands import EditFields
from app.ui.context import AppContext

INTRO = (
    "These answers fill the blanks of every policy: the company's name, its tools and who is responsible "
    "for what. A draft cannot be approved while one of its blanks is unanswered. Approved versions keep "
    "the words they were approved with; a change here reaches a policy through its next version."
)


class PolicyQuestionnaire(QScrollArea):
    """Every question of the questionnaire with the engagement's answer."""

    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        self.answers: dict[str, str] = {}
        self.setWidgetResizable(True)
        body = QWidget()
        body.setMaximumWidth(body.fontMetrics().averageCharWidth() * 110)
        outer = QVBoxLayout(body)
        intro = QLabel(INTRO)
        intro.setWordWrap(True)
        outer.addWidget(intro)
        form = QFormLayout()
        form.setVerticalSpacing(body.fontMetrics().height() // 2)
        outer.addLayout(form)
        outer.addStretch(1)
        self.setWidget(body)
        self.fields: dict[str, QLineEdit | QComboBox] = {}
        for question in QUESTIONS:
            form.addRow(question.label, self._row(question.key))

    def _row(self, key: str) -> QWidget:
        """The question's field with its help below it."""
        row = QWidget()
        layout = QVBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self._field(key))
        hint = QLabel(QUESTIONS_BY_KEY[key].help)
        hint.setWordWrap(True)
        hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        layout.addWidget(hint)
        return row

    def _field(self, key: str) -> QWidget:
        question = QUESTIONS_BY_KEY[key]
        widget: QLineEdit | QComboBox
        if question.choices:
            widget = QComboBox()
            widget.addItem("Not answered", "")
            for value, words in question.choices:
                widget.addItem(words[:1].upper() + words[1:], value)
            widget.activated.connect(lambda _row, k=key: self._done(k))
        else:
            widget = QLineEdit()
            widget.setPlaceholderText(f"e.g. {question.example}")
            widget.editingFinished.connect(lambda k=key: self._done(k))
        widget.setAccessibleName(question.label)
        widget.setToolTip(question.help)
        self.fields[key] = widget
        return widget

    def show_answers(self, answers: Mapping[str, str]) -> None:
        self.answers = dict(answers)
        for key, widget in self.fields.items():
            value = self.answers.get(key, "")
            if isinstance(widget, QComboBox):
                widget.setCurrentIndex(max(widget.findData(value), 0))
            else:
                widget.setText(value)
                widget.setCursorPosition(0)

    def value(self, key: str) -> str:
        widget = self.fields[key]
        return str(widget.currentData()) if isinstance(widget, QComboBox) else " ".join(widget.text().split())

    def _done(self, key: str) -> None:
        engagement_id = self.context.engagement_id
        old, new = self.answers.get(key, ""), self.value(key)
        if engagement_id is None or old == new:
            return
        workspace = self.context.workspace
        command = EditFields(
            self.context,
            f"Answer “{QUESTIONS_BY_KEY[key].label}”",
            lambda values: set_policy_answers(workspace, engagement_id=engagement_id, answers=values),
            {key: old},
            {key: new},
        )
        if not self.context.push(command):
            self.show_answers(self.answers)
