"""The editor of one policy: its details and links, approval or a new version, its text with a preview.

Every change is an undoable command: details and the draft's text through
:class:`~app.ui.commands.EditFields`, approval, new versions and retiring
through :class:`~app.ui.commands.Reversible` (undo puts the policy back as
it was).
"""

from collections.abc import Callable, Mapping
from datetime import date
from html import escape
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QStackedWidget,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.domain.periods import format_day
from app.domain.policies import PolicyRow, policy_markdown, render_policy
from app.domain.policy_records import unanswered_labels
from app.domain.vocab import VersionChange, label
from app.services.policies import (
    approve_policy,
    restore_policy,
    retire_policy,
    start_policy_version,
    update_policy,
)
from app.ui.commands import EditFields, Reversible
from app.ui.context import AppContext
from app.ui.widgets.dates import DateField

NOTHING_SELECTED = "Select a policy to read, edit and approve it"
MINOR_WORDS = (
    "Minor change: wording, names or a clearer step. Staff acknowledgements carry over to the new version."
)
MAJOR_WORDS = (
    "Major change: a new or stricter duty, a shorter deadline or a rule removed. "
    "Everyone acknowledges the new version again."
)
DETAIL_FIELDS = (("title", "Title"), ("owner", "Owner"), ("controls", "Controls"), ("criteria", "Criteria"))


class PolicyEditor(QWidget):
    """One policy of the current engagement: details, approval or new version, text, preview and history."""

    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        self.policy: PolicyRow | None = None
        self.engagement_id: int | None = None
        """The engagement of the policy shown: edits go there even while another one is being chosen."""
        self.answers: Mapping[str, str] = {}
        self.heading = QLabel(NOTHING_SELECTED)
        font = self.heading.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.heading.setFont(font)
        self.heading.setWordWrap(True)
        self.state = QLabel()
        self.state.setWordWrap(True)
        self.gaps = QLabel()
        self.gaps.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.state)
        layout.addWidget(self._details())
        layout.addWidget(self._lifecycle())
        layout.addWidget(self.gaps)
        layout.addWidget(self._documents(), 1)
        self.show_policy(None, {})

    # --- building -----------------------------------------------------------------------

    def _details(self) -> QWidget:
        box = QGroupBox("Details and links")
        grid = QGridLayout(box)
        self.lines: dict[str, QLineEdit] = {}
        hints = {
            "owner": "A role, e.g. IT Manager",
            "controls": "Control refs, e.g. ACC-01, ACC-02",
            "criteria": "Criterion IDs, e.g. CC6.1, CC6.2",
        }
        places = {"title": (0, 0, 1), "owner": (0, 2, 1), "controls": (1, 0, 3), "criteria": (2, 0, 3)}
        for name, text in DETAIL_FIELDS:
            line = QLineEdit()
            line.setAccessibleName(text)
            line.setPlaceholderText(hints.get(name, ""))
            line.editingFinished.connect(lambda n=name: self._line_done(n))
            row, column, span = places[name]
            grid.addWidget(QLabel(text), row, column)
            grid.addWidget(line, row, column + 1, 1, span)
            self.lines[name] = line
        self.next_review = DateField()
        self.next_review.setAccessibleName("Next review")
        self.next_review.date_changed.connect(self._review_changed)
        self.retire_button = QPushButton("Retire policy…")
        self.retire_button.setToolTip("Withdraw the policy; controls relying on it become readiness gaps")
        self.retire_button.clicked.connect(self.retire)
        grid.addWidget(QLabel("Next review"), 3, 0)
        grid.addWidget(self.next_review, 3, 1)
        grid.addWidget(self.retire_button, 3, 3, Qt.AlignmentFlag.AlignRight)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        return box

    def _lifecycle(self) -> QWidget:
        box = QGroupBox("Approval")
        self.lifecycle = QStackedWidget()
        self.lifecycle.addWidget(self._approve_form())
        self.lifecycle.addWidget(self._version_form())
        self.retired_note = QLabel("This policy is retired: nothing more to approve.")
        self.lifecycle.addWidget(self.retired_note)
        self.lifecycle.currentChanged.connect(self._fit_lifecycle)
        QVBoxLayout(box).addWidget(self.lifecycle)
        return box

    def _fit_lifecycle(self, shown: int) -> None:
        """Give the approval box the height of the form it shows, not of its tallest one."""
        for index in range(self.lifecycle.count()):
            height = QSizePolicy.Policy.Preferred if index == shown else QSizePolicy.Policy.Ignored
            page = self.lifecycle.widget(index)
            assert page is not None
            page.setSizePolicy(QSizePolicy.Policy.Preferred, height)
        self.lifecycle.adjustSize()

    def _approve_form(self) -> QWidget:
        page = QWidget()
        row = QHBoxLayout(page)
        row.setContentsMargins(0, 0, 0, 0)
        self.approver = QLineEdit()
        self.approver.setAccessibleName("Approved by")
        self.approver.setPlaceholderText("Name and role, e.g. Jane Doe, CEO")
        self.approved_on = DateField()
        self.approved_on.setAccessibleName("Approved on")
        self.approve_button = QPushButton("Approve")
        self.approve_button.clicked.connect(self.approve)
        row.addWidget(QLabel("Approved by"))
        row.addWidget(self.approver, 2)
        row.addWidget(QLabel("on"))
        row.addWidget(self.approved_on, 1)
        row.addWidget(self.approve_button)
        return page

    def _version_form(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        self.minor = QRadioButton("Minor change")
        self.major = QRadioButton("Major change")
        self.changes = QButtonGroup(page)
        kinds = QHBoxLayout()
        for button in (self.minor, self.major):
            self.changes.addButton(button)
            kinds.addWidget(button)
        kinds.addStretch(1)
        layout.addLayout(kinds)
        self.change_words = QLabel(MINOR_WORDS)
        self.change_words.setWordWrap(True)
        layout.addWidget(self.change_words)
        self.minor.toggled.connect(
            lambda minor: self.change_words.setText(MINOR_WORDS if minor else MAJOR_WORDS)
        )
        self.minor.setChecked(True)
        self.summary = QLineEdit()
        self.summary.setAccessibleName("What changes")
        self.summary.setPlaceholderText("What changes, for the change history")
        self.version_button = QPushButton("Start new version")
        self.version_button.clicked.connect(self.start_version)
        row = QHBoxLayout()
        row.addWidget(self.summary, 1)
        row.addWidget(self.version_button)
        layout.addLayout(row)
        return page

    def _documents(self) -> QTabWidget:
        self.tabs = QTabWidget()
        self.text = QPlainTextEdit()
        self.text.setAccessibleName("Policy text")
        self.text.installEventFilter(self)
        self.preview = QTextBrowser()
        self.preview.setAccessibleName("Preview")
        self.preview.setOpenLinks(False)
        self.history = QTextBrowser()
        self.history.setAccessibleName("Change history")
        self.tabs.addTab(self.preview, "Preview")
        self.tabs.addTab(self.text, "Text (Markdown)")
        self.tabs.addTab(self.history, "History")
        self.tabs.currentChanged.connect(lambda _index: self.save_text())
        return self.tabs

    # --- showing ------------------------------------------------------------------------

    def show_policy(self, policy: PolicyRow | None, answers: Mapping[str, str]) -> None:
        self.policy, self.answers = policy, answers
        self.engagement_id = self.context.engagement_id if policy is not None else None
        self.setEnabled(policy is not None)
        if policy is None:
            self.heading.setText(NOTHING_SELECTED)
            for widget in (self.state, self.gaps):
                widget.clear()
            for line in self.lines.values():
                line.clear()
            for browser in (self.preview, self.history):
                browser.clear()
            self.text.clear()
            return
        self.heading.setText(policy.title)
        self.state.setText(_state_words(policy))
        values = {"title": policy.title, "owner": policy.owner}
        values |= {"controls": ", ".join(policy.controls), "criteria": ", ".join(policy.criteria)}
        for name, line in self.lines.items():
            line.setText(values[name])
            line.setCursorPosition(0)
        current = policy.in_force
        self.next_review.set_value(current.next_review if current else None)
        self.next_review.setEnabled(current is not None and policy.retired_on is None)
        self._show_lifecycle(policy)
        self._show_text(policy)

    def _show_lifecycle(self, policy: PolicyRow) -> None:
        draft = policy.draft
        retired = policy.retired_on is not None
        self.lifecycle.setCurrentIndex(2 if retired else 0 if draft is not None else 1)
        self.retire_button.setEnabled(not retired)
        if draft is not None:
            self.approve_button.setText(f"Approve version {draft.version}")
            if self.approved_on.value() is None:
                self.approved_on.set_value(date.today())
        missing = render_policy(draft.body, self.answers).missing if draft is not None else ()
        self.gaps.setText(
            f"<b>Not answered yet:</b> {escape(unanswered_labels(missing))}. Answer these on the "
            "Questionnaire tab: the draft cannot be approved or exported until they are."
            if missing
            else ""
        )
        self.gaps.setVisible(bool(missing))

    def _show_text(self, policy: PolicyRow) -> None:
        version = policy.draft or policy.shown
        self.text.setPlainText(version.body)
        self.text.setReadOnly(policy.draft is None)
        self.text.setToolTip(
            "" if policy.draft is not None else "Approved text cannot change; start a new version to edit it"
        )
        rendered = render_policy(version.body, self.answers)
        self.preview.setMarkdown(policy_markdown(policy, version, rendered))
        rows = "".join(
            f"<tr><td>{v.version}</td><td>{label(v.status.value)}</td>"
            f"<td>{format_day(v.approved_on or v.created_on)}</td><td>{escape(v.approved_by)}</td>"
            f"<td>{escape(v.summary or ('First version' if v.change is None else ''))}"
            f"{' (' + v.change.value + ')' if v.change else ''}</td></tr>"
            for v in reversed(policy.versions)
        )
        self.history.setHtml(
            "<table cellpadding='4'><tr><th>Version</th><th>Status</th><th>Date</th><th>Approved by</th>"
            f"<th>Change</th></tr>{rows}</table>"
        )

    # --- editing ------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if watched is self.text and event.type() == QEvent.Type.FocusOut:
            self.save_text()
        return super().eventFilter(watched, event)

    def _edit(self, text: str, before: dict[str, Any], after: dict[str, Any]) -> None:
        policy = self.policy
        if policy is None or before == after:
            return
        workspace, engagement_id = self.context.workspace, self.engagement_id
        assert engagement_id is not None
        command = EditFields(
            self.context,
            f"{text} of the {policy.title}",
            lambda values: update_policy(workspace, engagement_id=engagement_id, key=policy.key, **values),
            before,
            after,
        )
        if not self.context.push(command):
            self.show_policy(policy, self.answers)

    def _line_done(self, name: str) -> None:
        policy = self.policy
        if policy is None:
            return
        text = self.lines[name].text()
        stored = getattr(policy, name)
        if isinstance(stored, tuple):
            typed = [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]
            unchanged = [part.casefold() for part in typed] == [part.casefold() for part in stored]
        else:
            unchanged = " ".join(text.split()) == stored
        if not unchanged:
            self._edit(f"Change the {name}", {name: stored}, {name: text})

    def _review_changed(self, value: date | None) -> None:
        policy = self.policy
        current = policy.in_force if policy else None
        if current is None or value is None or value == current.next_review:
            return
        self._edit("Move the next review", {"next_review": current.next_review}, {"next_review": value})

    def save_text(self) -> None:
        """Save the draft's text when it changed (the editor also saves when it loses focus)."""
        policy = self.policy
        draft = policy.draft if policy else None
        if draft is None or self.text.isReadOnly() or self.text.toPlainText() == draft.body:
            return
        self._edit("Edit the text", {"body": draft.body}, {"body": self.text.toPlainText()})

    def _lifecycle_step(self, text: str, action: Callable[[], PolicyRow]) -> bool:
        policy = self.policy
        engagement_id = self.engagement_id
        assert policy is not None and engagement_id is not None
        workspace = self.context.workspace
        return self.context.push(
            Reversible(
                self.context,
                text,
                action,
                lambda _after: restore_policy(workspace, engagement_id=engagement_id, policy=policy),
            )
        )

    def approve(self) -> None:
        policy, engagement_id = self.policy, self.engagement_id
        if policy is None or policy.draft is None or engagement_id is None:
            return
        self.approved_on.finish()
        if not self.approved_on.is_valid():
            self.context.interaction.error("Approve the policy", self.approved_on.problem)
            return
        self.save_text()
        policy = self.policy
        assert policy is not None and policy.draft is not None
        workspace, by, on = self.context.workspace, self.approver.text(), self.approved_on.value()
        today = date.today()
        if self._lifecycle_step(
            f"Approve the {policy.title} {policy.draft.version}",
            lambda: approve_policy(
                workspace,
                engagement_id=engagement_id,
                key=policy.key,
                approved_by=by,
                approved_on=on,
                today=today,
            ),
        ):
            self.approver.clear()

    def start_version(self) -> None:
        policy, engagement_id = self.policy, self.engagement_id
        if policy is None or engagement_id is None:
            return
        change = VersionChange.MAJOR if self.major.isChecked() else VersionChange.MINOR
        workspace, summary, today = self.context.workspace, self.summary.text(), date.today()
        if self._lifecycle_step(
            f"Start a {change.value} version of the {policy.title}",
            lambda: start_policy_version(
                workspace,
                engagement_id=engagement_id,
                key=policy.key,
                change=change,
                summary=summary,
                today=today,
            ),
        ):
            self.summary.clear()
            self.tabs.setCurrentWidget(self.text)

    def retire(self) -> None:
        policy, engagement_id = self.policy, self.engagement_id
        if policy is None or engagement_id is None:
            return
        if not self.context.interaction.confirm(
            "Retire policy",
            f"Retire the {policy.title}?\n\nIt leaves the policy pack and the acknowledgement register, and "
            "the criteria whose controls rely on it become readiness gaps. Undo puts it back.",
            action="Retire",
        ):
            return
        workspace = self.context.workspace
        self._lifecycle_step(
            f"Retire the {policy.title}",
            lambda: retire_policy(workspace, engagement_id=engagement_id, key=policy.key),
        )


def _state_words(policy: PolicyRow) -> str:
    current, draft = policy.in_force, policy.draft
    if policy.retired_on is not None:
        return f"Retired on {format_day(policy.retired_on)}."
    parts = []
    if current is not None and current.approved_on is not None:
        parts.append(
            f"Version {current.version} approved by {current.approved_by} "
            f"on {format_day(current.approved_on)}"
            + (f"; next review by {format_day(current.next_review)}" if current.next_review else "")
            + "."
        )
    if draft is not None:
        parts.append(f"Version {draft.version} is a draft: edit its text, then approve it.")
    return " ".join(parts)
