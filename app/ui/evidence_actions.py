"""Adding evidence files and verifying the store, off the GUI thread, shared by every page."""

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QMimeData, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QTableView

from app.domain.evidence import EvidenceRow, EvidenceWarning
from app.domain.wording import counted
from app.services.evidence import (
    VerifyReport,
    add_evidence,
    evidence_warnings,
    verify_evidence,
    viewing_copy,
)
from app.ui.context import AppContext
from app.ui.tasks import Task


def local_paths(mime: QMimeData) -> list[Path]:
    """Files and folders dropped from the desktop (remote URLs are ignored)."""
    return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]


def files_dropped_on_row(
    table: QTableView, event: QEvent, dropped: Callable[[int, list[Path]], None]
) -> bool:
    """Files dragged from the desktop over the rows of *table*: accepted over a row, and on the drop
    handed with that row to *dropped*. Returns whether *event* was a drag or a drop (handled here)."""
    if not isinstance(event, QDropEvent | QDragMoveEvent | QDragEnterEvent):
        return False
    row = table.rowAt(event.position().toPoint().y())
    paths = local_paths(event.mimeData())
    if row < 0 or not paths:
        event.ignore()
    elif isinstance(event, QDropEvent) and event.type() == QEvent.Type.Drop:
        event.setDropAction(Qt.DropAction.CopyAction)
        event.accept()
        dropped(row, paths)
    else:
        event.acceptProposedAction()
    return True


def add_files(
    context: AppContext,
    paths: Sequence[Path],
    control_ids: Sequence[int] = (),
    on_done: Callable[[list[EvidenceRow]], None] | None = None,
) -> Task | None:
    """Copy files into the evidence store (linked to *control_ids*) with progress and Cancel.

    The files are looked at first: when some are probably a mistake (empty,
    already attached to one of the controls, a program, very large) the user
    is told and chooses whether to add them all the same.
    """
    engagement_id = context.engagement_id
    if engagement_id is None or not paths:
        return None
    files, controls = list(paths), list(control_ids)

    def check(_progress: Callable[[int, int], None], _cancel: Callable[[], bool]) -> list[EvidenceWarning]:
        return evidence_warnings(
            context.workspace, engagement_id=engagement_id, files=files, control_ids=controls
        )

    def checked(warnings: Any) -> None:
        if warnings and not context.interaction.confirm(
            "Add evidence",
            "Some files look like a mistake:\n\n"
            + "\n".join(f"• {warning.message}" for warning in warnings)
            + "\n\nAdd all the files anyway?",
            action="Add anyway",
        ):
            return
        _copy(context, engagement_id, files, controls, on_done)

    return context.start("Checking the files", check, checked)


def _copy(
    context: AppContext,
    engagement_id: int,
    files: list[Path],
    control_ids: list[int],
    on_done: Callable[[list[EvidenceRow]], None] | None,
) -> Task:
    count = len(files)

    def work(progress: Callable[[int, int], None], cancel: Callable[[], bool]) -> list[EvidenceRow]:
        return add_evidence(
            context.workspace,
            engagement_id=engagement_id,
            files=files,
            control_ids=control_ids,
            progress=progress,
            cancel=cancel,
        )

    def succeeded(rows: Any) -> None:
        if on_done is not None:
            on_done(rows)

    return context.start(f"Adding {counted(count, 'item')} as evidence", work, succeeded)


def verify(context: AppContext, on_done: Callable[[VerifyReport], None]) -> Task:
    """Re-hash every stored file of the current engagement (all engagements when none)."""
    engagement_id = context.engagement_id

    def work(progress: Callable[[int, int], None], cancel: Callable[[], bool]) -> VerifyReport:
        return verify_evidence(
            context.workspace, engagement_id=engagement_id, progress=progress, cancel=cancel
        )

    return context.start("Verifying evidence", work, on_done)


def open_evidence(context: AppContext, evidence_id: int, *, folder: bool = False) -> None:
    """Open a viewing copy with the system viewer (or its folder)."""
    path = context.run("Open evidence", lambda: viewing_copy(context.workspace, evidence_id))
    if path is not None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.parent if folder else path)))
