"""Table model of a history: one row per change-log entry."""

from app.domain.history import ChangeRow
from app.ui.models.base import RowTableModel, TableColumn


class HistoryTableModel(RowTableModel[ChangeRow]):
    """When, what, which field, the old and the new value.

    Signals:
        filtered(int): the number of visible rows.
    """

    def __init__(self) -> None:
        super().__init__(
            [
                TableColumn("When", lambda row: row.local_time, sort_key=lambda row: row.id),
                TableColumn("What", lambda row: row.subject),
                TableColumn("Field", lambda row: row.field.replace("_", " ")),
                TableColumn("Old", lambda row: row.shown(row.old_value)),
                TableColumn("New", lambda row: row.shown(row.new_value)),
            ]
        )
