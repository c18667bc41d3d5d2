"""SOC 1 view of the matrix: each control objective with the controls that address it.

Signals of :class:`ObjectivesView`:
    control_activated(int): the user opened a control (its id).
"""

from collections.abc import Sequence

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from app.domain.controls import ControlRow
from app.domain.objectives import ObjectiveRow
from app.domain.vocab import label
from app.services.objectives import (
    add_objective,
    delete_objectives,
    list_objectives,
    restore_objectives,
    set_objective_controls,
)
from app.ui.commands import Creation, Deletion, EditFields
from app.ui.context import AppContext
from app.ui.models.controls import natural_key
from app.ui.models.roles import CONTROL_ID_ROLE, STATUS_ROLE
from app.ui.widgets.control_checklist import ControlChecklist
from app.ui.widgets.status_chip import StatusChipDelegate

OBJECTIVE_ID_ROLE = Qt.ItemDataRole.UserRole + 20


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
        self.tree.setItemDelegateForColumn(2, StatusChipDelegate(self.tree))
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
                child[2].setData(control.status, STATUS_ROLE)
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
        workspace = self.context.workspace
        self.context.push(
            Creation(
                self.context,
                f"Add objective CO-{number:02d}",
                lambda: [
                    add_objective(
                        workspace, engagement_id=engagement_id, ref=f"CO-{number:02d}", title=title
                    ).id
                ],
                lambda ids: delete_objectives(workspace, ids),
                lambda snapshot: restore_objectives(workspace, snapshot),
            )
        )

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
        objective = next(o for o in self.objectives if o.id == objective_id)
        workspace = self.context.workspace
        self.context.push(
            EditFields(
                self.context,
                f"Link controls to {objective.ref}",
                lambda values: set_objective_controls(workspace, objective_id, values["controls"]),
                {"controls": list(objective.control_ids)},
                {"controls": chosen},
            )
        )

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

        workspace = self.context.workspace
        self.context.push(
            Deletion(
                self.context,
                f"Delete objective {objective.ref}",
                [objective.id],
                lambda ids: delete_objectives(workspace, ids),
                lambda snapshot: restore_objectives(workspace, snapshot),
            )
        )
