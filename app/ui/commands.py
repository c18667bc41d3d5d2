"""Undoable changes to the control matrix.

Each command is pushed after its first change was made (and succeeded), so
its first ``redo`` does nothing; later redos and undos call the services
again and announce the result through the :class:`AppContext` signals.
"""

from collections.abc import Sequence
from typing import Any

from PySide6.QtGui import QUndoCommand

from app.domain.controls import ControlRow, field_spec
from app.services.controls import (
    ControlSnapshot,
    delete_controls,
    list_controls,
    restore_controls,
    snapshot_controls,
    update_control,
    update_controls,
)
from app.services.objectives import delete_objectives, list_objectives
from app.services.seeding import seed_engagement
from app.ui.context import AppContext


class _Command(QUndoCommand):
    def __init__(self, context: AppContext, text: str) -> None:
        super().__init__(text)
        self.context = context
        self._first = True

    def redo(self) -> None:
        if self._first:
            self._first = False
            return
        self.do()

    def do(self) -> None:
        raise NotImplementedError


class EditControls(_Command):
    """One field set to one value on one or more controls."""

    def __init__(self, context: AppContext, before: Sequence[ControlRow], field: str, value: Any) -> None:
        count = f"{len(before)} controls" if len(before) != 1 else before[0].ref
        super().__init__(context, f"Change {field_spec(field).label.lower()} of {count}")
        self.before = [(row.id, getattr(row, field)) for row in before]
        self.field = field
        self.value = value

    def do(self) -> None:
        ids = [control_id for control_id, _old in self.before]
        rows = self.context.run(
            self.text(), lambda: update_controls(self.context.workspace, ids, **{self.field: self.value})
        )
        if rows:
            self.context.controls_updated.emit(rows)

    def undo(self) -> None:
        def restore() -> list[ControlRow]:
            return [
                update_control(self.context.workspace, control_id, **{self.field: old})
                for control_id, old in self.before
            ]

        rows = self.context.run(f"Undo: {self.text()}", restore)
        if rows:
            self.context.controls_updated.emit(rows)


class AddControls(_Command):
    """Controls that were created (added, duplicated or seeded)."""

    def __init__(self, context: AppContext, rows: Sequence[ControlRow], text: str) -> None:
        super().__init__(context, text)
        self.ids = [row.id for row in rows]
        self.snapshots: list[ControlSnapshot] = []

    def do(self) -> None:
        rows = self.context.run(self.text(), lambda: restore_controls(self.context.workspace, self.snapshots))
        if rows:
            self.ids = [row.id for row in rows]
            self.context.controls_added.emit(rows)

    def undo(self) -> None:
        def remove() -> bool:
            self.snapshots = snapshot_controls(self.context.workspace, self.ids)
            delete_controls(self.context.workspace, self.ids)
            return True

        if self.context.run(f"Undo: {self.text()}", remove):
            self.context.controls_removed.emit(list(self.ids))


class DeleteControls(_Command):
    """Controls that were deleted, with what is needed to put them back."""

    def __init__(self, context: AppContext, snapshots: Sequence[ControlSnapshot]) -> None:
        count = f"{len(snapshots)} controls" if len(snapshots) != 1 else snapshots[0].row.ref
        super().__init__(context, f"Delete {count}")
        self.snapshots = list(snapshots)

    def do(self) -> None:
        ids = [snapshot.row.id for snapshot in self.snapshots]

        def remove() -> bool:
            self.snapshots = snapshot_controls(self.context.workspace, ids)
            delete_controls(self.context.workspace, ids)
            return True

        if self.context.run(self.text(), remove):
            self.context.controls_removed.emit(ids)

    def undo(self) -> None:
        rows = self.context.run(
            f"Undo: {self.text()}", lambda: restore_controls(self.context.workspace, self.snapshots)
        )
        if rows:
            self.snapshots = [
                ControlSnapshot(row, snapshot.evidence_ids, snapshot.objective_ids)
                for row, snapshot in zip(rows, self.snapshots, strict=True)
            ]
            self.context.controls_added.emit(rows)


class SeedControls(_Command):
    """Controls and objectives copied from the starter library; undo removes them again."""

    def __init__(
        self,
        context: AppContext,
        engagement_id: int,
        rows: Sequence[ControlRow],
        objective_refs: Sequence[str],
    ):
        super().__init__(context, f"Seed {len(rows)} controls from the starter library")
        self.engagement_id = engagement_id
        self.ids = [row.id for row in rows]
        self.objective_refs = list(objective_refs)

    def do(self) -> None:
        def seed() -> list[ControlRow]:
            seed_engagement(self.context.workspace, engagement_id=self.engagement_id)
            rows = list_controls(self.context.workspace, engagement_id=self.engagement_id)
            return [row for row in rows if row.id not in self.known]

        self.known = {
            row.id for row in list_controls(self.context.workspace, engagement_id=self.engagement_id)
        }
        rows = self.context.run(self.text(), seed)
        if rows:
            self.ids = [row.id for row in rows]
            self.context.controls_added.emit(rows)

    def undo(self) -> None:
        def remove() -> bool:
            objectives = list_objectives(self.context.workspace, engagement_id=self.engagement_id)
            delete_objectives(
                self.context.workspace, [o.id for o in objectives if o.ref in self.objective_refs]
            )
            delete_controls(self.context.workspace, self.ids)
            return True

        if self.context.run(f"Undo: {self.text()}", remove):
            self.context.controls_removed.emit(list(self.ids))
