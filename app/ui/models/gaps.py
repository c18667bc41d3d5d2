"""Table model of the readiness gap list."""

from collections.abc import Sequence

from app.domain.readiness import Gap
from app.ui.models.base import RowTableModel, TableColumn

KIND_WORDS = {
    "uncovered-criterion": "Criterion without a control",
    "key-not-implemented": "Key control not implemented",
    "no-owner": "Control without an owner",
    "remediation-overdue": "Remediation past due",
    "policy-not-approved": "Policy not approved",
    "policy-review-overdue": "Policy review overdue",
}


class GapTableModel(RowTableModel[Gap]):
    """One row per gap: what kind, which category, what it points at, and the explanation.

    Gaps have no id of their own: a row's id is its position in the list.

    Signals:
        filtered(int): the number of visible rows.
    """

    def __init__(self) -> None:
        super().__init__(
            [
                TableColumn("Gap", lambda gap: KIND_WORDS[gap.kind]),
                TableColumn("Category", lambda gap: gap.category or ""),
                TableColumn("Criterion / control", lambda gap: gap.criterion or gap.control_ref or ""),
                TableColumn("Details", lambda gap: gap.message),
            ]
        )
        self._numbers: dict[int, int] = {}

    def set_gaps(self, gaps: Sequence[Gap]) -> None:
        self._numbers = {id(gap): number for number, gap in enumerate(gaps)}
        self.set_rows(gaps)

    def row_id(self, row: Gap) -> int:
        return self._numbers[id(row)]
