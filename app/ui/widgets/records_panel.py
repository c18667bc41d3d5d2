"""A table of simple records of the engagement (CUECs, subservice organizations) with Add and Delete.

Every add, edit and delete is an undoable command; the panel reloads when
the services announce a change of its records' kind (the engagement's scope
by default).
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.changes import Changes, Kind
from app.domain.snapshots import Snapshot
from app.ui.commands import Creation, Deletion, EditFields
from app.ui.context import AppContext
from app.ui.models.records import RecordTableModel


@dataclass(frozen=True)
class RecordServices:
    """What a records panel calls: list, add (the engagement id and a running number), update,
    delete (returning what puts the records back) and restore."""

    load: Callable[[int], Sequence[Any]]
    add: Callable[[int, int], Any]
    update: Callable[[int, dict[str, Any]], Any]
    delete: Callable[[Sequence[int]], Snapshot]
    restore: Callable[[Snapshot], Sequence[Any]]


class RecordsPanel(QWidget):
    """A table of simple records with Add and Delete, each edit saved at once and undoable."""

    def __init__(
        self,
        context: AppContext,
        explanation: str,
        columns: Sequence[tuple[str, str]],
        services: RecordServices,
        noun: str,
        first_field: str,
        kind: Kind = Kind.SCOPE,
    ) -> None:
        super().__init__()
        self.context = context
        self.kind = kind
        self.services = services
        self.noun = noun
        self.first_column = [name for name, _ in columns].index(first_field)
        self.model = RecordTableModel(columns, self._save)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName(noun.capitalize() + "s")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate([100] + [220] * (len(columns) - 1)):
            self.table.setColumnWidth(column, width)
        self.add_button = QPushButton(f"Add {noun}")
        self.delete_button = QPushButton("Delete…")
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        text = QLabel(explanation)
        text.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        self.add_button.clicked.connect(self.add_record)
        self.delete_button.clicked.connect(self.delete_selected)
        context.changed.connect(self._changed)
        context.engagement_selected.connect(lambda _id: self.reload())

    def _changed(self, changes: Changes) -> None:
        if self.kind in changes:
            self.reload()

    def reload(self) -> None:
        engagement_id = self.context.engagement_id
        records = (
            self.context.run(f"Load {self.noun}s", lambda: self.services.load(engagement_id))
            if engagement_id is not None
            else []
        )
        self.model.replace_rows(list(records or []))
        self.setEnabled(engagement_id is not None)

    def _save(self, record: Any, field: str, value: str) -> bool:
        update = self.services.update
        return self.context.push(
            EditFields(
                self.context,
                f"Change {self.noun}",
                lambda values: update(record.id, dict(values)),
                {field: getattr(record, field)},
                {field: value},
            )
        )

    def add_record(self) -> None:
        engagement_id = self.context.engagement_id
        if engagement_id is None:
            return
        number = self.model.total() + 1
        services = self.services
        command = Creation(
            self.context,
            f"Add {self.noun}",
            lambda: [services.add(engagement_id, number).id],
            services.delete,
            services.restore,
        )
        if not self.context.push(command):
            return
        row = self.model.row_of(command.ids[0])
        self.table.setCurrentIndex(self.model.index(row, self.first_column))
        self.table.edit(self.table.currentIndex())

    def delete_selected(self) -> None:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        if not rows:
            return
        records = [self.model.row_at(row) for row in rows]
        if not self.context.interaction.confirm(
            f"Delete {self.noun}s",
            f"Delete {len(records)} {self.noun}(s)? Edit ▸ Undo brings them back.",
            action="Delete",
        ):
            return
        self.context.push(
            Deletion(
                self.context,
                f"Delete {len(records)} {self.noun}(s)",
                [record.id for record in records],
                self.services.delete,
                self.services.restore,
            )
        )
