"""Table models of the Policies page: the policies, who stands where on acknowledgement, late starters."""

from collections.abc import Callable, Hashable, Sequence
from datetime import date
from typing import TypeVar

from app.domain.policies import PolicyRow, review_state
from app.domain.policy_records import STATE_WORDS
from app.domain.staff import AcknowledgementStatusRow, LateAcknowledgementRow
from app.domain.vocab import label
from app.ui.models.base import RowTableModel, TableColumn

R = TypeVar("R")

REVIEW_WORDS = {
    "not-approved": "Not approved",
    "current": "In date",
    "due": "Due soon",
    "overdue": "Overdue",
    "retired": "Retired",
}
POLICY_FILTERS: tuple[tuple[str, str], ...] = (
    ("", "All policies"),
    ("review", "Review due or overdue"),
    ("not-approved", "Not approved yet"),
    ("draft", "With a draft to approve"),
    ("retired", "Retired"),
)
"""The Policies list's filter: (value, words)."""


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


class KeyedTableModel(RowTableModel[R]):
    """Rows told apart by a key of their own (a policy's key; a policy and a person) instead of an id.

    Signals:
        filtered(int): the number of visible rows.
    """

    def __init__(self, columns: Sequence[TableColumn[R]], key: Callable[[R], Hashable]) -> None:
        super().__init__(columns)
        self._key = key
        self._ids: dict[Hashable, int] = {}

    def row_id(self, row: R) -> int:
        return self._ids.setdefault(self._key(row), len(self._ids))


class PolicyTableModel(KeyedTableModel[PolicyRow]):
    """The engagement's policies with the version shown, status and review; filtered by review state.

    Signals:
        filtered(int): the number of visible rows.
    """

    def __init__(self) -> None:
        super().__init__(
            [
                TableColumn("Policy", lambda row: row.title),
                TableColumn("Version", lambda row: row.shown.version),
                TableColumn("Status", self.status_words),
                TableColumn("Review", self.review_words, tooltip=self.review_tip),
            ],
            key=lambda row: row.key,
        )
        self.today = date.today()
        self.filter = ""

    def search_text(self, row: PolicyRow) -> str:
        return " ".join((row.title, row.key, row.owner, *row.controls, *row.criteria)).casefold()

    def status_words(self, row: PolicyRow) -> str:
        words = label(row.status.value)
        draft = row.draft
        return f"{words} · {draft.version} draft" if draft is not None and row.in_force else words

    def review_words(self, row: PolicyRow) -> str:
        return REVIEW_WORDS[review_state(row, self.today)]

    def review_tip(self, row: PolicyRow) -> str | None:
        current = row.in_force
        return f"Next review by {_day(current.next_review)}" if current and current.next_review else None

    def set_policies(self, rows: Sequence[PolicyRow], today: date) -> None:
        self.today = today
        self.set_rows(rows)

    def set_filter(self, value: str) -> None:
        self.filter = value
        self.refilter()

    def accepts(self, row: PolicyRow) -> bool:
        state = review_state(row, self.today)
        return {
            "": True,
            "review": state in ("due", "overdue"),
            "not-approved": state == "not-approved",
            "draft": row.draft is not None,
            "retired": state == "retired",
        }[self.filter]

    def key_at(self, view_row: int) -> str:
        return self.row_at(view_row).key


class AcknowledgementTableModel(KeyedTableModel[AcknowledgementStatusRow]):
    """People against one policy's version in force: where each stands; optionally only those outstanding.

    Signals:
        filtered(int): the number of visible rows.
    """

    def __init__(self) -> None:
        super().__init__(
            [
                TableColumn("Name", lambda row: row.name),
                TableColumn("Email", lambda row: row.email),
                TableColumn("Role", lambda row: row.role),
                TableColumn("Started", lambda row: _day(row.start_date)),
                TableColumn("Status", lambda row: STATE_WORDS[row.state]),
                TableColumn("Acknowledged", self.acknowledged),
            ],
            key=lambda row: (row.policy_key, row.email),
        )
        self.outstanding_only = False

    @staticmethod
    def acknowledged(row: AcknowledgementStatusRow) -> str:
        if row.acknowledged_on is None:
            return ""
        return f"{row.acknowledged_version} on {row.acknowledged_on.isoformat()}"

    def set_outstanding_only(self, value: bool) -> None:
        self.outstanding_only = value
        self.refilter()

    def accepts(self, row: AcknowledgementStatusRow) -> bool:
        return not self.outstanding_only or row.state != "acknowledged"


class LateStarterTableModel(KeyedTableModel[LateAcknowledgementRow]):
    """New starters who did not acknowledge a policy within the days allowed.

    Signals:
        filtered(int): the number of visible rows.
    """

    def __init__(self) -> None:
        super().__init__(
            [
                TableColumn("Name", lambda row: row.name),
                TableColumn("Email", lambda row: row.email),
                TableColumn("Started", lambda row: _day(row.start_date)),
                TableColumn("Due by", lambda row: _day(row.due_on)),
                TableColumn("Acknowledged", lambda row: _day(row.acknowledged_on) or "Not yet"),
            ],
            key=lambda row: (row.policy_key, row.email),
        )
