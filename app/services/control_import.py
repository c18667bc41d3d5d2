"""Importing the control matrix from an auditor workbook the client edited: a plan, then one transaction.

:func:`plan_import` reads the workbook's "All controls" sheet and compares it
with the engagement, control by control (matched by ref): controls to add,
fields to change (old and new value, field by field) and controls to remove.
It writes nothing. :func:`apply_import` then applies exactly that plan in one
transaction, logging every change, and refuses if the engagement changed in
the meantime.

Controls missing from the sheet are kept by default: a client who deleted a
row by mistake must not delete the control and its evidence links with it.
Removing them takes an explicit choice (``remove_missing=True``, or
:meth:`ImportPlan.deleting_missing`); the plan names each one with its
status and how many evidence files it holds. A renamed ref reads as one
control added (and, when removing, one removed).

An applied import can be undone as one step: :func:`apply_import` keeps a
snapshot of every control it changes or removes, and :func:`revert_import`
puts them back and removes the controls it added.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlmodel import col, select

from app.db.models import Control, utcnow
from app.db.queries import criteria_of
from app.db.session import note
from app.db.snapshots import restore_snapshot, take_snapshot
from app.domain.changes import Kind
from app.domain.controls import FIELDS_BY_NAME, display_value
from app.domain.snapshots import Snapshot
from app.domain.vocab import label
from app.domain.wording import counted
from app.domain.workbook_layout import same_in_workbook
from app.services.controls import (
    controls_of,
    criterion_ids,
    delete_controls_in,
    insert_controls,
    log_control_change,
    set_control_field,
)
from app.services.engagements import engagement_in
from app.services.errors import ConflictError, InvalidInputError
from app.services.evidence import evidence_counts_in
from app.services.workspace import Workspace

if TYPE_CHECKING:
    from app.importers.workbook import CellError

ERRORS_SHOWN = 20
"""Cell errors spelled out in the refusal's message; the rest are counted."""


class WorkbookRejectedError(InvalidInputError):
    """The workbook has cells that do not fit; ``errors`` lists every one of them. Nothing was written."""

    def __init__(self, errors: Sequence["CellError"]) -> None:
        self.errors = tuple(errors)
        lines = [f"  {error}" for error in self.errors[:ERRORS_SHOWN]]
        if len(self.errors) > ERRORS_SHOWN:
            lines.append(f"  ... and {len(self.errors) - ERRORS_SHOWN} more")
        super().__init__(
            f"the workbook has {counted(len(self.errors), 'problem')}; nothing was imported:\n"
            + "\n".join(lines)
        )


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field of a control: its value now and its value in the workbook."""

    field: str
    old: Any
    new: Any

    def as_dict(self) -> dict[str, Any]:
        """The field's name and label with both values as the workbook shows them."""
        return {
            "field": self.field,
            "label": FIELDS_BY_NAME[self.field].label,
            "old": display_value(self.field, self.old),
            "new": display_value(self.field, self.new),
        }


@dataclass(frozen=True, slots=True)
class ControlChange:
    """A control of the engagement whose row in the workbook differs."""

    control_id: int
    ref: str
    row: int
    changes: tuple[FieldChange, ...]

    def as_dict(self) -> dict[str, Any]:
        return {"ref": self.ref, "row": self.row, "changes": [change.as_dict() for change in self.changes]}


@dataclass(frozen=True, slots=True)
class ControlAddition:
    """A workbook row whose ref the engagement does not have: a new control."""

    ref: str
    row: int
    values: Mapping[str, Any]

    def as_dict(self) -> dict[str, Any]:
        values = {name: display_value(name, value) for name, value in self.values.items()}
        return {"ref": self.ref, "row": self.row, "values": values}


@dataclass(frozen=True, slots=True)
class ControlRemoval:
    """A control of the engagement that the workbook no longer lists, with its status and evidence files."""

    control_id: int
    ref: str
    title: str
    status: str = "not-started"
    evidence_files: int = 0

    @property
    def words(self) -> str:
        """``ACC-09: Title (In progress, 3 evidence files)``."""
        files = counted(self.evidence_files, "evidence file")
        return f"{self.ref}: {self.title} ({label(self.status)}, {files})"

    def as_dict(self) -> dict[str, Any]:
        return {
            "ref": self.ref,
            "title": self.title,
            "status": self.status,
            "evidence_files": self.evidence_files,
        }


@dataclass(frozen=True)
class ImportPlan:
    """What importing a workbook would do to an engagement's controls; nothing is written yet.

    ``missing`` are the controls the workbook does not list; ``removed`` are
    those of them the import deletes (none unless asked).
    """

    engagement_id: int
    source: Path
    sheet: str
    added: tuple[ControlAddition, ...]
    changed: tuple[ControlChange, ...]
    removed: tuple[ControlRemoval, ...]
    warnings: tuple[str, ...]
    missing: tuple[ControlRemoval, ...] = ()

    def deleting_missing(self, delete: bool) -> "ImportPlan":
        """The same plan deleting the controls the workbook does not list (or keeping them)."""
        return replace(self, removed=self.missing if delete else ())

    @property
    def kept(self) -> tuple[ControlRemoval, ...]:
        """Controls the workbook does not list that the import keeps."""
        removed = {removal.ref for removal in self.removed}
        return tuple(removal for removal in self.missing if removal.ref not in removed)

    @property
    def is_empty(self) -> bool:
        """Whether the workbook matches the engagement (nothing to apply)."""
        return not (self.added or self.changed or self.removed)

    @property
    def counts(self) -> str:
        return f"{len(self.added)} added, {len(self.changed)} changed, {len(self.removed)} removed"

    def lines(self) -> list[str]:
        """The plan in words, one line per addition, changed field and removal, then the warnings."""

        def shown(value: object) -> str:
            return repr(value) if value not in ("", None, []) else "(empty)"

        lines = [
            f"+ {addition.ref}: {addition.values['title']} (row {addition.row})" for addition in self.added
        ]
        for change in self.changed:
            lines.append(f"~ {change.ref} (row {change.row})")
            lines += [
                f"    {item['label']}: {shown(item['old'])} -> {shown(item['new'])}"
                for item in change.as_dict()["changes"]
            ]
        lines += [f"- {removal.words} — deleted" for removal in self.removed]
        warnings = list(self.warnings)
        if self.kept:
            kept = len(self.kept)
            warnings.append(
                f"{counted(kept, 'control')} of the engagement "
                f"{'are' if kept != 1 else 'is'} not in the workbook and "
                f"{'are' if kept != 1 else 'is'} kept: " + ", ".join(removal.ref for removal in self.kept)
            )
        if warnings:
            lines += ["", "Warnings:", *(f"  ! {warning}" for warning in warnings)]
        return lines

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: every addition, change and removal with values as the workbook shows them."""
        return {
            "engagement_id": self.engagement_id,
            "source": str(self.source),
            "sheet": self.sheet,
            "added": [addition.as_dict() for addition in self.added],
            "changed": [change.as_dict() for change in self.changed],
            "removed": [removal.as_dict() for removal in self.removed],
            "kept": [removal.as_dict() for removal in self.kept],
            "warnings": list(self.warnings),
        }


@dataclass(frozen=True)
class ImportResult:
    """The refs of the controls an applied import added, changed and removed, and what undoes it.

    ``before`` holds the changed and removed controls as they were (with their
    criteria and evidence links); ``added_ids`` are the controls it created.
    """

    added: tuple[str, ...]
    changed: tuple[str, ...]
    removed: tuple[str, ...]
    engagement_id: int = 0
    before: Snapshot | None = field(default=None, compare=False)
    added_ids: tuple[int, ...] = ()
    changed_ids: tuple[int, ...] = ()

    def as_dict(self) -> dict[str, list[str]]:
        return {"added": list(self.added), "changed": list(self.changed), "removed": list(self.removed)}


def plan_import(
    workspace: Workspace, *, engagement_id: int, path: Path | str, remove_missing: bool = False
) -> ImportPlan:
    """Compare the workbook at *path* with the engagement's controls; writes nothing.

    Raises :class:`WorkbookRejectedError` (listing every cell that does not
    fit) or ``InvalidInputError`` (a file that cannot be read as our workbook).
    """
    from app.importers.workbook import (  # openpyxl: not at start-up
        UnreadableWorkbookError,
        read_control_workbook,
    )

    source = Path(path)
    try:
        imported = read_control_workbook(source)
    except UnreadableWorkbookError as error:
        raise InvalidInputError(str(error)) from error
    if imported.errors:
        raise WorkbookRejectedError(imported.errors)
    with workspace.session() as session:
        current = {row.ref: row for row in controls_of(session, engagement_id)}
        files = evidence_counts_in(session, engagement_id)
    added: list[ControlAddition] = []
    changed: list[ControlChange] = []
    for control in imported.controls:
        existing = current.get(control.ref)
        if existing is None:
            added.append(ControlAddition(control.ref, control.row, dict(control.values)))
            continue
        changes = tuple(
            FieldChange(name, getattr(existing, name), value)
            for name, value in control.values.items()
            if not same_in_workbook(name, getattr(existing, name), value)
        )
        if changes:
            changed.append(ControlChange(existing.id, existing.ref, control.row, changes))
    listed = {control.ref for control in imported.controls}
    missing = tuple(
        ControlRemoval(row.id, row.ref, row.title, row.status, files.get(row.id, 0))
        for ref, row in current.items()
        if ref not in listed
    )
    plan = ImportPlan(
        engagement_id, source, imported.sheet, tuple(added), tuple(changed), (), imported.warnings, missing
    )
    return plan.deleting_missing(remove_missing)


def _stale(
    plan: ImportPlan, controls: Mapping[str, Control], criteria: Mapping[int, list[str]]
) -> str | None:
    """What changed in the engagement since *plan* was made, or ``None`` when it still applies."""
    for removal in plan.removed:
        if removal.ref not in controls or controls[removal.ref].id != removal.control_id:
            return f"control {removal.ref} is no longer there"
    for change in plan.changed:
        control = controls.get(change.ref)
        if control is None or control.id != change.control_id:
            return f"control {change.ref} is no longer there"
        for item in change.changes:
            now = (
                criteria.get(change.control_id, [])
                if item.field == "criteria"
                else getattr(control, item.field)
            )
            if not same_in_workbook(item.field, now, item.old):
                return f"the {FIELDS_BY_NAME[item.field].label.lower()} of control {change.ref} was changed"
    taken = [addition.ref for addition in plan.added if addition.ref in controls]
    if taken:
        return f"a control {taken[0]} was added"
    return None


def apply_import(workspace: Workspace, plan: ImportPlan) -> ImportResult:
    """Apply *plan* in one transaction: removals, then changes, then additions, each logged.

    Raises ``ConflictError`` and writes nothing when the engagement's controls
    changed since the plan was made (plan again), ``InvalidInputError`` for a
    criterion the workspace does not know.
    """
    now = utcnow()
    with workspace.writing() as session:
        engagement = engagement_in(session, plan.engagement_id)
        controls = {
            control.ref: control
            for control in session.exec(select(Control).where(Control.engagement_id == plan.engagement_id))
        }
        stale = _stale(plan, controls, criteria_of(session, None, plan.engagement_id))
        if stale is not None:
            raise ConflictError(f"the controls changed since the import was planned ({stale}); plan it again")
        known = criterion_ids(session, engagement.framework)
        touched = [change.control_id for change in plan.changed] + [r.control_id for r in plan.removed]
        before = take_snapshot(session, "control", touched)
        for removal in plan.removed:
            control = controls[removal.ref]
            log_control_change(session, control, "deleted", old=control.title, at=now)
            session.delete(control)
        session.flush()
        for change in plan.changed:
            for item in change.changes:
                set_control_field(
                    session,
                    controls[change.ref],
                    item.field,
                    item.old,
                    item.new,
                    known_criteria=known,
                    now=now,
                )
        added_ids: list[int] = []
        if plan.added:
            rows = [
                (
                    {name: value for name, value in addition.values.items() if name != "criteria"},
                    addition.values.get("criteria", []),
                )
                for addition in plan.added
            ]
            added_ids = insert_controls(
                session, engagement=engagement, rows=rows, known_criteria=known, now=now
            )
        session.commit()
    return ImportResult(
        added=tuple(addition.ref for addition in plan.added),
        changed=tuple(change.ref for change in plan.changed),
        removed=tuple(removal.ref for removal in plan.removed),
        engagement_id=plan.engagement_id,
        before=before,
        added_ids=tuple(added_ids),
        changed_ids=tuple(change.control_id for change in plan.changed),
    )


def revert_import(workspace: Workspace, result: ImportResult) -> None:
    """Undo an applied import in one transaction: the controls it added go, those it changed or
    removed come back as they were, with their criteria and evidence links."""
    assert result.before is not None
    now = utcnow()
    with workspace.writing() as session:
        present = session.exec(
            select(Control.id).where(
                Control.engagement_id == result.engagement_id,
                col(Control.id).in_([*result.added_ids, *result.changed_ids]),
            )
        ).all()
        delete_controls_in(session, [control_id for control_id in present if control_id is not None], now)
        session.flush()
        ids = restore_snapshot(session, result.before, at=now)
        note(session, Kind.CONTROLS, *result.added_ids, *ids.values())
        session.commit()
