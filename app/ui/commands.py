"""Undoable actions: every data edit made in the window is one of these commands.

A command's ``redo()`` is the only implementation of its action: a page
builds the command and pushes it (:meth:`AppContext.push`), and the push runs
the first ``redo()``. ``undo()`` calls the inverse service. A refused action
(the service raised) is shown to the user and the command is dropped from
the stack. The services announce what they changed, so no command refreshes
a page itself.

An edit of a versioned record (a control, an engagement) carries the version
the window showed; the window remembers the versions its own saves produce
(:meth:`AppContext.seen_version`), so its edits and undos follow each other,
while a save (or an undo) after someone else changed the record is refused,
showing their change, instead of overwriting it.
"""

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

from PySide6.QtGui import QUndoCommand

from app.domain.carveouts import CARVE_OUT_CSOCS, CARVE_OUT_MONITORING
from app.domain.controls import field_spec
from app.domain.engagements import EngagementRow
from app.domain.scoping import Answers
from app.domain.snapshots import Snapshot
from app.services.carveouts import (
    add_subservice_org,
    delete_cuecs,
    delete_subservice_orgs,
    restore_cuecs,
    restore_subservice_orgs,
)
from app.services.control_import import ImportPlan, ImportResult, apply_import, revert_import
from app.services.controls import (
    delete_controls,
    get_controls,
    restore_controls,
    set_control_values,
    update_controls,
)
from app.services.engagements import update_engagement
from app.services.evidence import link_evidence, unlink_evidence
from app.services.objectives import delete_objectives, restore_objectives
from app.services.requests import (
    link_request_controls,
    link_request_evidence,
    unlink_request_controls,
    unlink_request_evidence,
)
from app.services.scoping import APPLIED_FIELDS, apply_scoping
from app.services.seeding import SeedResult, seed_engagement
from app.ui.context import AppContext


class Command(QUndoCommand):
    """An undoable action; subclasses implement :meth:`apply` and :meth:`revert`.

    ``done`` says whether the last ``redo()`` succeeded.
    """

    def __init__(self, context: AppContext, text: str) -> None:
        super().__init__(text)
        self.context = context
        self.done = False

    def redo(self) -> None:
        self.done = self._attempt(self.text(), self.apply)
        if not self.done:
            self.setObsolete(True)

    def undo(self) -> None:
        if not self._attempt(f"Undo: {self.text()}", self.revert):
            self.setObsolete(True)

    def _attempt(self, title: str, action: Callable[[], None]) -> bool:
        def run() -> bool:
            action()
            return True

        return bool(self.context.run(title, run))

    def apply(self) -> None:
        raise NotImplementedError

    def revert(self) -> None:
        raise NotImplementedError


class EditControls(Command):
    """One field set to one value on one or more controls; undo gives each its old value back.

    *versions* (control id -> version) are those of the controls the window showed.
    """

    def __init__(
        self,
        context: AppContext,
        control_ids: Sequence[int],
        field: str,
        value: Any,
        versions: Mapping[int, int] | None = None,
    ) -> None:
        count = f"{len(control_ids)} controls" if len(control_ids) != 1 else "a control"
        super().__init__(context, f"Change {field_spec(field).label.lower()} of {count}")
        self.ids = list(control_ids)
        self.field = field
        self.value = value
        self.versions = dict(versions or {})
        self.before: list[tuple[int, str, Any]] | None = None

    def apply(self) -> None:
        workspace = self.context.workspace
        if self.before is None:
            self.before = [
                (row.id, self.field, getattr(row, self.field)) for row in get_controls(workspace, self.ids)
            ]
        rows = update_controls(workspace, self.ids, versions=self._expected(), **{self.field: self.value})
        self.context.saved("control", rows)

    def revert(self) -> None:
        assert self.before is not None
        rows = set_control_values(self.context.workspace, self.before, versions=self._expected())
        self.context.saved("control", rows)

    def _expected(self) -> dict[int, int]:
        seen = {i: self.context.seen_version("control", i, self.versions.get(i)) for i in self.ids}
        return {i: version for i, version in seen.items() if version is not None}


class Creation(Command):
    """Records an action made; undo deletes them, keeping what puts them back; redo puts them back."""

    def __init__(
        self,
        context: AppContext,
        text: str,
        create: Callable[[], Sequence[int]],
        delete: Callable[[Sequence[int]], Snapshot],
        restore: Callable[[Snapshot], Sequence[Any]],
    ) -> None:
        super().__init__(context, text)
        self.create, self.delete, self.restore = create, delete, restore
        self.ids: list[int] = []
        self.snapshot: Snapshot | None = None

    def apply(self) -> None:
        if self.snapshot is None:
            self.ids = list(self.create())
        else:
            self.ids = [row.id for row in self.restore(self.snapshot)]

    def revert(self) -> None:
        self.snapshot = self.delete(self.ids)


class Deletion(Command):
    """Records deleted; undo puts them back with their links."""

    def __init__(
        self,
        context: AppContext,
        text: str,
        ids: Sequence[int],
        delete: Callable[[Sequence[int]], Snapshot],
        restore: Callable[[Snapshot], Sequence[Any]],
    ) -> None:
        super().__init__(context, text)
        self.ids = list(ids)
        self.delete, self.restore = delete, restore
        self.snapshot: Snapshot | None = None

    def apply(self) -> None:
        self.snapshot = self.delete(self.ids)

    def revert(self) -> None:
        assert self.snapshot is not None
        self.ids = [row.id for row in self.restore(self.snapshot)]


class EditFields(Command):
    """Fields of one record set to new values; undo sets the values they had."""

    def __init__(
        self,
        context: AppContext,
        text: str,
        write: Callable[[Mapping[str, Any]], Any],
        before: Mapping[str, Any],
        after: Mapping[str, Any],
    ) -> None:
        super().__init__(context, text)
        self.write = write
        self.before = dict(before)
        self.after = dict(after)

    def apply(self) -> None:
        self.write(self.after)

    def revert(self) -> None:
        self.write(self.before)


class Versioned(Protocol):
    """A read model carrying the id and the version of its record."""

    @property
    def id(self) -> int: ...

    @property
    def version(self) -> int: ...


class EditRecord(Command):
    """Fields of one versioned record (*entity*, *record_id*) set to new values; undo sets the values
    they had. *write* saves values based on a version and returns the record as saved; *version*
    is the one the window showed."""

    def __init__(
        self,
        context: AppContext,
        text: str,
        write: Callable[[Mapping[str, Any], int | None], Versioned],
        before: Mapping[str, Any],
        after: Mapping[str, Any],
        record: tuple[str, int, int],
    ) -> None:
        super().__init__(context, text)
        self.write = write
        self.before = dict(before)
        self.after = dict(after)
        self.entity, self.record_id, self.version = record

    def _write(self, values: Mapping[str, Any]) -> None:
        saved = self.write(values, self.context.seen_version(self.entity, self.record_id, self.version))
        self.context.saved(self.entity, [saved])

    def apply(self) -> None:
        self._write(self.after)

    def revert(self) -> None:
        self._write(self.before)


def edit_engagement(
    context: AppContext,
    text: str,
    engagement: EngagementRow,
    before: Mapping[str, Any],
    after: Mapping[str, Any],
) -> EditRecord:
    """Fields of the engagement as the window showed it (*engagement*) set to new values."""
    workspace = context.workspace

    def write(values: Mapping[str, Any], version: int | None) -> EngagementRow:
        return update_engagement(workspace, engagement.id, version=version, **values)

    return EditRecord(context, text, write, before, after, ("engagement", engagement.id, engagement.version))


class Relink(Command):
    """Links of one record added and others taken away; undo does the opposite. Subclasses say
    how (:meth:`relink`, given the ids to link and to unlink)."""

    def __init__(
        self, context: AppContext, record_id: int, link: Sequence[int], unlink: Sequence[int], text: str
    ) -> None:
        super().__init__(context, text)
        self.record_id = record_id
        self.link = list(link)
        self.unlink = list(unlink)

    def relink(self, link: Sequence[int], unlink: Sequence[int]) -> None:
        raise NotImplementedError

    def apply(self) -> None:
        self.relink(self.link, self.unlink)

    def revert(self) -> None:
        self.relink(self.unlink, self.link)


class LinkEvidence(Relink):
    """Evidence linked to some controls and unlinked from others."""

    def relink(self, link: Sequence[int], unlink: Sequence[int]) -> None:
        if link:
            link_evidence(self.context.workspace, self.record_id, link)
        if unlink:
            unlink_evidence(self.context.workspace, self.record_id, unlink)


class RequestEvidenceLinks(Relink):
    """Evidence counted as provided for a request, or no longer."""

    def relink(self, link: Sequence[int], unlink: Sequence[int]) -> None:
        if link:
            link_request_evidence(self.context.workspace, self.record_id, link)
        if unlink:
            unlink_request_evidence(self.context.workspace, self.record_id, unlink)


class RequestControlLinks(Command):
    """A request linked to some controls (its evidence linked to them too) and unlinked from others;
    undo does the opposite, taking back the evidence links the linking made."""

    def __init__(
        self, context: AppContext, request_id: int, link: Sequence[int], unlink: Sequence[int], text: str
    ) -> None:
        super().__init__(context, text)
        self.request_id = request_id
        self.link = list(link)
        self.unlink = list(unlink)
        self.evidence_links: tuple[tuple[int, int], ...] = ()

    def apply(self) -> None:
        workspace = self.context.workspace
        if self.link:
            self.evidence_links = link_request_controls(workspace, self.request_id, self.link).evidence_links
        if self.unlink:
            unlink_request_controls(workspace, self.request_id, self.unlink)

    def revert(self) -> None:
        workspace = self.context.workspace
        if self.unlink:
            link_request_controls(workspace, self.request_id, self.unlink)
        if self.link:
            unlink_request_controls(workspace, self.request_id, self.link, self.evidence_links)


class ApplyScoping(Command):
    """The wizard's answers, scope and dates stored on the engagement, and the subservice organizations
    it learnt of added as carve-outs; undo puts back what the engagement had and removes those rows."""

    def __init__(
        self,
        context: AppContext,
        engagement: EngagementRow,
        answers: Answers,
        overrides: dict[str, dict[str, Any]],
        *,
        dates: dict[str, Any] | None = None,
        providers: Sequence[tuple[str, str]] = (),
    ) -> None:
        super().__init__(context, "Apply the scoping wizard")
        self.engagement_id = engagement.id
        self.answers = answers
        self.overrides = overrides
        self.dates = dates
        self.providers = list(providers)
        self.added: list[int] = []
        self.before = {name: getattr(engagement, name) for name in APPLIED_FIELDS}

    def apply(self) -> None:
        workspace = self.context.workspace
        apply_scoping(workspace, self.engagement_id, self.answers, overrides=self.overrides, dates=self.dates)
        self.added = [
            add_subservice_org(
                workspace,
                engagement_id=self.engagement_id,
                name=name,
                services=services,
                csocs=CARVE_OUT_CSOCS,
                monitoring=CARVE_OUT_MONITORING,
            ).id
            for name, services in self.providers
        ]

    def revert(self) -> None:
        workspace = self.context.workspace
        if self.added:
            delete_subservice_orgs(workspace, self.added)
        update_engagement(workspace, self.engagement_id, **self.before)


class SeedControls(Command):
    """Controls, objectives, CUECs and subservice organizations copied from the starter library;
    undo removes them again. A seeding that added nothing is not kept on the stack."""

    def __init__(self, context: AppContext, engagement_id: int, business_type: str | None = None) -> None:
        super().__init__(context, "Seed from the starter library")
        self.engagement_id = engagement_id
        self.business_type = business_type
        self.result: SeedResult | None = None
        self.ids: dict[str, list[int]] = {}
        self.snapshots: dict[str, Snapshot] = {}

    def _kinds(self) -> tuple[tuple[str, Any, Any], ...]:
        """(name, delete, restore) in the order undo deletes: links to controls go first."""
        workspace = self.context.workspace
        return (
            (
                "objectives",
                lambda ids: delete_objectives(workspace, ids),
                lambda s: restore_objectives(workspace, s),
            ),
            ("cuecs", lambda ids: delete_cuecs(workspace, ids), lambda s: restore_cuecs(workspace, s)),
            (
                "subservice",
                lambda ids: delete_subservice_orgs(workspace, ids),
                lambda s: restore_subservice_orgs(workspace, s),
            ),
            (
                "controls",
                lambda ids: delete_controls(workspace, ids),
                lambda s: restore_controls(workspace, s),
            ),
        )

    def apply(self) -> None:
        if not self.snapshots:
            result = seed_engagement(
                self.context.workspace, engagement_id=self.engagement_id, business_type=self.business_type
            )
            self.result = result
            self.ids = {
                "objectives": result.added_objective_ids,
                "cuecs": result.added_cuec_ids,
                "subservice": result.added_subservice_ids,
                "controls": result.added_control_ids,
            }
            if not any(self.ids.values()):
                self.setObsolete(True)
            return
        for name, _delete, restore in reversed(self._kinds()):
            self.ids[name] = [row.id for row in restore(self.snapshots[name])]

    def revert(self) -> None:
        self.snapshots = {name: delete(self.ids[name]) for name, delete, _restore in self._kinds()}


class Reversible(Command):
    """An action and what takes it back: *do* returns what it did, and *undo* is handed that.

    Redo does the action again. What approving a policy, starting a version,
    importing a staff list or recording acknowledgements uses: each undo puts
    back the state saved before, or removes what was added.
    """

    def __init__(
        self, context: AppContext, text: str, do: Callable[[], Any], undo: Callable[[Any], Any]
    ) -> None:
        super().__init__(context, text)
        self.do, self.take_back = do, undo
        self.result: Any = None

    def apply(self) -> None:
        self.result = self.do()

    def revert(self) -> None:
        self.take_back(self.result)


class ImportWorkbook(Command):
    """An edited workbook's plan applied to the matrix; undo puts every control back as it was."""

    def __init__(self, context: AppContext, plan: ImportPlan) -> None:
        super().__init__(context, f"Import {plan.source.name}")
        self.plan = plan
        self.result: ImportResult | None = None

    def apply(self) -> None:
        self.result = apply_import(self.context.workspace, self.plan)

    def revert(self) -> None:
        assert self.result is not None
        revert_import(self.context.workspace, self.result)
