"""Table model of the engagements list."""

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from app.db.models import Engagement
from app.domain.periods import describe_period

Index = QModelIndex | QPersistentModelIndex


class EngagementTableModel(QAbstractTableModel):
    """One row per engagement: name, company, reports, period, last change."""

    HEADERS = ("Name", "Company", "Reports", "Period", "Last changed")

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[Engagement] = []

    def set_engagements(self, engagements: Sequence[Engagement]) -> None:
        self.beginResetModel()
        self._rows = list(engagements)
        self.endResetModel()

    def engagement_at(self, row: int) -> Engagement:
        return self._rows[row]

    def row_of(self, engagement_id: int | None) -> int:
        for row, engagement in enumerate(self._rows):
            if engagement.id == engagement_id:
                return row
        return -1

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
        ):
            return None
        engagement = self._rows[index.row()]
        column = index.column()
        if column == 0:
            return engagement.name
        if column == 1:
            return engagement.company
        if column == 2:
            reports = " + ".join(engagement.report_kinds)
            return f"{reports} {engagement.report_type or ''}".strip() or "Not scoped"
        if column == 3:
            return describe_period(engagement.period_start, engagement.period_end, engagement.as_of_date)
        return engagement.updated_at.astimezone().strftime("%Y-%m-%d %H:%M")

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None
