"""SOC 1 view of the matrix: each control objective with the controls that address it.

Signals of :class:`ObjectivesView`:
    control_activated(int): the user opened a control (its id).
"""

from collections.abc import Sequence

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from app.domain.controls import ControlRow
from app.domain.vocab import label
from app.services.objectives import (
    ObjectiveRow,
    add_objective,
    delete_objectives,
    list_objectives,
    set_objective_controls,
)
from app.ui.context import AppContext
from app.ui.models.controls import natural_key
from app.ui.models.roles import CONTROL_ID_ROLE

OBJECTIVE_ID_ROLE = Qt.ItemDataRole.UserRole + 20


class ControlChecklist(QDialog):
    """Tick the controls that address an objective."""

    def __init__(
        self, title: str, controls: Sequence[ControlRow], chosen: set[int], parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Filter controls")
        self.search.setClearButtonEnabled(True)
        self.list = QListWidget()
        for row in sorted(controls, key=lambda r: natural_key(r.ref)):
            item = QListWidgetItem(f"{row.ref}  {row.title}")
            item.setData(CONTROL_ID_ROLE, row.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if row.id in chosen else Qt.CheckState.Unchecked)
            self.list.addItem(item)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.list, 1)
        layout.addWidget(buttons)
        self.search.textChanged.connect(self._filter)
        self.resize(520, 520)

    def _filter(self, text: str) -> None:
        needle = text.strip().casefold()
        for row in range(self.list.count()):
            item = self.list.item(row)
            item.setHidden(bool(needle) and needle not in item.text().casefold())

    def chosen(self) -> list[int]:
        return [
            int(self.list.item(row).data(CONTROL_ID_ROLE))
            for row in range(self.list.count())
            if self.list.item(row).checkState() == Qt.CheckState.Checked
        ]

    def set_checked(self, control_id: int, checked: bool) -> None:
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item.data(CONTROL_ID_ROLE) == control_id:
                item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)


class ObjectivesView(QWidget):
    """Objectives → controls, with adding, deleting and linking objectives."""

    control_activated = Signal(int)

    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        self.controls: list[ControlRow] = []
        self.objectives: list[ObjectiveRow] = []
        self.checklist: ControlChecklist | None = None
        self.tree = QTreeView()
        self.tree.setAccessibleName("SOC 1 control objectives")
        self.tree.setUniformRowHeights(True)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.add_button = QPushButton("Add objective…")
        self.link_button = QPushButton("Link controls…")
        self.delete_button = QPushButton("Delete objective…")
        buttons = QHBoxLayout()
        for button in (self.add_button, self.link_button, self.delete_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(self.tree, 1)
        self.add_button.clicked.connect(self.add_objective)
        self.link_button.clicked.connect(self.link_controls)
        self.delete_button.clicked.connect(self.delete_objective)
        self.tree.activated.connect(self._activated)

    def show_objectives(self, controls: Sequence[ControlRow]) -> None:
        """Reload the objectives of the current engagement and show them over *controls*."""
        engagement_id = self.context.engagement_id
        self.controls = list(controls)
        objectives = (
            self.context.run(
                "Load objectives",
                lambda: list_objectives(self.context.workspace, engagement_id=engagement_id),
                writes=False,
            )
            if engagement_id is not None
            else []
        )
        self.objectives = list(objectives or [])
        by_id = {row.id: row for row in self.controls}
        model = QStandardItemModel(self)
        model.setHorizontalHeaderLabels(["Objective / control", "Owner", "Status"])
        for objective in self.objectives:
            linked = [by_id[i] for i in objective.control_ids if i in by_id]
            kind = "IT general controls" if objective.kind == "itgc" else "Business process"
            item = QStandardItem(f"{objective.ref}  {objective.title}")
            item.setData(objective.id, OBJECTIVE_ID_ROLE)
            item.setToolTip(objective.description)
            cells = [
                item,
                QStandardItem(kind),
                QStandardItem(f"{len(linked)} controls" if linked else "Gap: no control"),
            ]
            for control in sorted(linked, key=lambda r: natural_key(r.ref)):
                child = [
                    QStandardItem(f"{control.ref}  {control.title}"),
                    QStandardItem(control.owner),
                    QStandardItem(label(control.status)),
                ]
                for cell in child:
                    cell.setData(control.id, CONTROL_ID_ROLE)
                    cell.setData(objective.id, OBJECTIVE_ID_ROLE)
                item.appendRow(child)
            model.appendRow(cells)
        self.tree.setModel(model)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)

    def current_objective(self) -> ObjectiveRow | None:
        objective_id = self.tree.currentIndex().data(OBJECTIVE_ID_ROLE)
        return next((o for o in self.objectives if o.id == objective_id), None)

    def _activated(self, index: QModelIndex) -> None:
        control_id = index.data(CONTROL_ID_ROLE)
        if control_id is not None:
            self.control_activated.emit(int(control_id))

    def add_objective(self) -> None:
        engagement_id = self.context.engagement_id
        if engagement_id is None:
            return
        title = self.context.interaction.ask_text(
            "Add objective", "Control objective (e.g. “Payroll is calculated completely and accurately”):"
        )
        if not title or not title.strip():
            return
        taken = {o.ref for o in self.objectives}
        number = len(taken) + 1
        while f"CO-{number:02d}" in taken:
            number += 1
        if self.context.run(
            "Add objective",
            lambda: add_objective(
                self.context.workspace, engagement_id=engagement_id, ref=f"CO-{number:02d}", title=title
            ),
        ):
            self.show_objectives(self.controls)

    def link_controls(self) -> ControlChecklist | None:
        objective = self.current_objective()
        if objective is None:
            return None
        self.checklist = ControlChecklist(
            f"Controls for {objective.ref}", self.controls, set(objective.control_ids), self
        )
        self.checklist.accepted.connect(lambda: self._link(objective.id))
        self.checklist.open()
        return self.checklist

    def _link(self, objective_id: int) -> None:
        assert self.checklist is not None
        chosen = self.checklist.chosen()
        if self.context.run(
            "Link controls", lambda: set_objective_controls(self.context.workspace, objective_id, chosen)
        ):
            self.show_objectives(self.controls)

    def delete_objective(self) -> None:
        objective = self.current_objective()
        if objective is None:
            return
        if not self.context.interaction.confirm(
            "Delete objective",
            f"Delete the objective {objective.ref} “{objective.title}”? Its controls stay in the matrix.",
            action="Delete",
        ):
            return

        def delete() -> bool:
            delete_objectives(self.context.workspace, [objective.id])
            return True

        if self.context.run("Delete objective", delete):
            self.show_objectives(self.controls)
