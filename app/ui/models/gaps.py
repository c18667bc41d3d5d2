"""Table model of the readiness gap list."""

from collections.abc import Sequence

from app.domain.readiness import GAP_KIND_WORDS, Gap
from app.ui.models.base import RowTableModel, TableColumn


def _points_at(gap: Gap) -> str:
    if gap.section:
        return "System description"
    return gap.criterion or gap.objective or gap.control_ref or gap.policy_key or ""


class GapTableModel(RowTableModel[Gap]):
    """One row per gap: what kind, which category, what it points at, and the explanation.

    Gaps have no id of their own: a row's id is its position in the list.

    Signals:
        filtered(int): the number of visible rows.
    """

    def __init__(self) -> None:
        super().__init__(
            [
                TableColumn("Gap", lambda gap: GAP_KIND_WORDS[gap.kind]),
                TableColumn("Category", lambda gap: gap.category or ""),
                TableColumn("Criterion / control", _points_at),
                TableColumn("Details", lambda gap: gap.message),
            ]
        )
        self._numbers: dict[int, int] = {}
        self.row_id = lambda gap: self._numbers[id(gap)]

    def set_gaps(self, gaps: Sequence[Gap]) -> None:
        self._numbers = {id(gap): number for number, gap in enumerate(gaps)}
        self.set_rows(gaps)
