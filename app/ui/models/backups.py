"""Table model of the database's backups."""

from app.domain.backups import BackupRow
from app.domain.files import human_size
from app.ui.models.base import RowTableModel, TableColumn


class BackupTableModel(RowTableModel[BackupRow]):
    """One row per copy that can be restored: when, what made it, its size and file name.

    Signals:
        filtered(int): the number of visible rows.
    """

    def __init__(self) -> None:
        super().__init__(
            [
                TableColumn("Made on", lambda row: row.made_on.isoformat()),
                TableColumn("Kind", lambda row: row.kind_words),
                TableColumn("Size", lambda row: human_size(row.size), sort_key=lambda row: row.size),
                TableColumn("File", lambda row: row.name),
            ]
        )
