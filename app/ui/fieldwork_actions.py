"""Fieldwork actions shared by the Requests page and the control's details.

Adding files runs off the GUI thread with progress and Cancel (as adding
evidence does everywhere); every other edit is an undoable command.
"""

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QWidget

from app.domain.fieldwork import SampleSource
from app.domain.requests import RequestRow
from app.domain.wording import counted
from app.services.controls import list_controls
from app.services.fieldwork import (
    add_exception,
    add_population,
    add_sample_items,
    attach_to_sample_item,
    delete_exceptions,
    delete_sample_items,
    delete_samples,
    draw_control_sample,
    list_samples,
    restore_exceptions,
    restore_sample_items,
    restore_samples,
)
from app.services.requests import attach_to_request as attach_files_to_request
from app.ui.commands import Creation
from app.ui.context import AppContext
from app.ui.interaction import documents_folder
from app.ui.tasks import Task
from app.ui.widgets.fieldwork_dialogs import DrawDialog, ExceptionDialog, PopulationDialog, SelectionDialog

Work = Callable[[Callable[[int, int], None], Callable[[], bool]], Any]


def _files_task(context: AppContext, paths: Sequence[Path], title: str, work: Work) -> Task | None:
    if context.engagement_id is None or not paths:
        return None
    count = len(paths)
    return context.start(f"{title} ({counted(count, 'item')})", work, lambda _rows: None)


def attach_to_request(context: AppContext, request_id: int, paths: Sequence[Path]) -> Task | None:
    """Store files as evidence provided for a request (linked to its controls), off the GUI thread."""
    engagement_id = context.engagement_id or 0
    return _files_task(
        context,
        paths,
        "Adding evidence to the request",
        lambda progress, cancel: attach_files_to_request(
            context.workspace,
            engagement_id=engagement_id,
            request_id=request_id,
            files=list(paths),
            progress=progress,
            cancel=cancel,
        ),
    )


def attach_to_item(context: AppContext, item_id: int, paths: Sequence[Path]) -> Task | None:
    """Store files as evidence of one sampled item, off the GUI thread."""
    engagement_id = context.engagement_id or 0
    return _files_task(
        context,
        paths,
        "Adding evidence to the sampled item",
        lambda progress, cancel: attach_to_sample_item(
            context.workspace,
            engagement_id=engagement_id,
            item_id=item_id,
            files=list(paths),
            progress=progress,
            cancel=cancel,
        ),
    )


def _control_choices(context: AppContext) -> list[tuple[int, str]]:
    engagement_id = context.engagement_id
    if engagement_id is None:
        return []
    rows = context.run(
        "Load controls", lambda: list_controls(context.workspace, engagement_id=engagement_id, summary=True)
    )
    return [(row.id, f"{row.ref} — {row.title}") for row in rows or []]


def enter_selection(context: AppContext, request: RequestRow, parent: QWidget) -> SelectionDialog:
    """Ask for an item the auditor selected for *request*, then add it (undoably)."""
    engagement_id = context.engagement_id or 0
    samples = context.run(
        "Load samples",
        lambda: list_samples(context.workspace, engagement_id=engagement_id, request_id=request.id),
    )
    numbers = [item.number for sample in samples or [] for item in sample.items]
    following = str(max((int(n) for n in numbers if n.isdigit()), default=0) + 1)
    dialog = SelectionDialog(request.request.request_id, following, parent)
    workspace = context.workspace

    def add() -> None:
        number, item, when = dialog.values()
        context.push(
            Creation(
                context,
                f"Add sample {number} to {request.request.request_id}",
                lambda: [
                    row.id
                    for row in add_sample_items(
                        workspace,
                        engagement_id=engagement_id,
                        request_id=request.id,
                        items=[(number, item, when)],
                    )
                ],
                lambda ids: delete_sample_items(workspace, ids),
                lambda snapshot: restore_sample_items(workspace, snapshot),
            )
        )

    dialog.accepted.connect(add)
    dialog.open()
    return dialog


def _exception_targets(context: AppContext) -> list[tuple[str, str]]:
    engagement_id = context.engagement_id or 0
    samples = context.run(
        "Load samples", lambda: list_samples(context.workspace, engagement_id=engagement_id)
    )
    targets = [(f"control:{control_id}", f"Control {text}") for control_id, text in _control_choices(context)]
    for sample in samples or []:
        owner = (
            sample.request_ref if sample.source is SampleSource.AUDITOR else f"{sample.control_ref} (drawn)"
        )
        targets += [
            (f"item:{item.id}", f"Sampled item: {owner} sample {item.number} ({item.item})")
            for item in sample.items
            if item.listed
        ]
    return targets


def record_exception(
    context: AppContext, parent: QWidget, *, control_id: int | None = None, sample_item_id: int | None = None
) -> ExceptionDialog | None:
    """Ask what went wrong and against what, then record the exception (undoably)."""
    engagement_id = context.engagement_id
    if engagement_id is None:
        return None
    chosen = (
        f"item:{sample_item_id}"
        if sample_item_id is not None
        else f"control:{control_id}"
        if control_id
        else None
    )
    dialog = ExceptionDialog(_exception_targets(context), chosen, parent)
    workspace = context.workspace

    def add() -> None:
        target, fields = dialog.values()
        kind, _, key = target.partition(":")
        against = {"control_id": int(key)} if kind == "control" else {"sample_item_id": int(key)}
        context.push(
            Creation(
                context,
                "Record an exception",
                lambda: [add_exception(workspace, engagement_id=engagement_id, **against, **fields).id],
                lambda ids: delete_exceptions(workspace, ids),
                lambda snapshot: restore_exceptions(workspace, snapshot),
            )
        )

    dialog.accepted.connect(add)
    dialog.open()
    return dialog


def add_population_file(
    context: AppContext, parent: QWidget, control_id: int | None = None
) -> PopulationDialog | None:
    """Ask for a control and its population file, then store and count it off the GUI thread."""
    engagement_id = context.engagement_id
    controls = _control_choices(context)
    if engagement_id is None or not controls:
        return None

    def choose() -> Path | None:
        return context.interaction.open_file(
            "Population file", documents_folder(), "Spreadsheets and CSV files (*.xlsx *.csv *.txt *.tsv)"
        )

    dialog = PopulationDialog(controls, control_id, choose, parent)

    def add() -> None:
        chosen, path, sheet, day_first = dialog.values()
        context.start(
            f"Reading the population {path.name}",
            lambda progress, cancel: add_population(
                context.workspace,
                engagement_id=engagement_id,
                control_id=chosen,
                path=path,
                sheet=sheet,
                day_first=day_first,
                progress=progress,
                cancel=cancel,
            ),
            lambda row: context.interaction.info(
                "Population added",
                f"{row.file_name}: {row.item_count} occurrences of {row.control_ref}; its population size is "
                f"now {row.item_count}.\nSHA-256 {row.sha256}",
            ),
        )

    dialog.accepted.connect(add)
    dialog.open()
    return dialog


def draw_sample(context: AppContext, parent: QWidget, control_id: int | None = None) -> DrawDialog | None:
    """Ask which control and how many items, then draw the sample (undoably)."""
    engagement_id = context.engagement_id
    controls = _control_choices(context)
    if engagement_id is None or not controls:
        return None
    dialog = DrawDialog(controls, control_id, parent)
    workspace = context.workspace

    def draw() -> None:
        chosen, size = dialog.values()
        command = Creation(
            context,
            "Draw a sample",
            lambda: _drawn(context, engagement_id, chosen, size),
            lambda ids: delete_samples(workspace, ids),
            lambda snapshot: restore_samples(workspace, snapshot),
        )
        context.push(command)
        if command.done and not command.ids:
            command.setObsolete(True)

    dialog.accepted.connect(draw)
    dialog.open()
    return dialog


def _drawn(context: AppContext, engagement_id: int, control_id: int, size: int | None) -> list[int]:
    drawn = draw_control_sample(
        context.workspace, engagement_id=engagement_id, control_id=control_id, size=size
    )
    if not drawn.created:
        context.interaction.info(
            "Draw a sample",
            f"This sample of {drawn.sample.control_ref} was drawn before, with the same seed: the same "
            "items, already listed.",
        )
        return []
    return [drawn.sample.id]
