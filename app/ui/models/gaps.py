"""Table model of the readiness gap list."""

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from app.domain.readiness import GAP_KIND_WORDS, Gap

Index = QModelIndex | QPersistentModelIndex


class GapTableModel(QAbstractTableModel):
    """One row per gap: what kind, which category, what it points at, and the explanation."""

    HEADERS = ("Gap", "Category", "Criterion / control", "Details")

    def __init__(self) -> None:
        super().__init__()
        self.gaps: list[Gap] = []

    def set_gaps(self, gaps: Sequence[Gap]) -> None:
        self.beginResetModel()
        self.gaps = list(gaps)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.gaps)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        gap = self.gaps[index.row()]
        return (
            GAP_KIND_WORDS[gap.kind],
            gap.category or "",
            gap.criterion or gap.objective or gap.control_ref or "",
            gap.message,
        )[index.column()]

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None
