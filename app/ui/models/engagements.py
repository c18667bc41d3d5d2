"""Table model of the engagements list."""

from app.domain.engagements import EngagementRow
from app.ui.models.base import RowTableModel, TableColumn


def _changed(row: EngagementRow) -> str:
    return row.updated_at.astimezone().strftime("%Y-%m-%d %H:%M") if row.updated_at else ""


class EngagementTableModel(RowTableModel[EngagementRow]):
    """One row per engagement: name, company, reports, period, last change.

    Signals:
        filtered(int): the number of visible rows.
    """

    def __init__(self) -> None:
        super().__init__(
            [
                TableColumn("Name", lambda row: row.name),
                TableColumn("Company", lambda row: row.company),
                TableColumn("Reports", lambda row: row.reports_words if row.report_kinds else "Not scoped"),
                TableColumn("Period", lambda row: row.period_words),
                TableColumn("Last changed", _changed),
            ]
        )
