"""Adding evidence files and verifying the store, off the GUI thread, shared by every page."""

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QMimeData, QUrl
from PySide6.QtGui import QDesktopServices

from app.domain.evidence import EvidenceRow
from app.services.evidence import VerifyReport, add_evidence, verify_evidence, viewing_copy
from app.ui.context import AppContext
from app.ui.tasks import Task


def local_paths(mime: QMimeData) -> list[Path]:
    """Files and folders dropped from the desktop (remote URLs are ignored)."""
    return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]


def add_files(
    context: AppContext,
    paths: Sequence[Path],
    control_ids: Sequence[int] = (),
    on_done: Callable[[list[EvidenceRow]], None] | None = None,
) -> Task | None:
    """Copy files into the evidence store (linked to *control_ids*) with progress and Cancel."""
    engagement_id = context.engagement_id
    if engagement_id is None or not paths:
        return None
    count = len(paths)

    def work(progress: Callable[[int, int], None], cancel: Callable[[], bool]) -> list[EvidenceRow]:
        return add_evidence(
            context.workspace,
            engagement_id=engagement_id,
            files=list(paths),
            control_ids=list(control_ids),
            progress=progress,
            cancel=cancel,
        )

    def succeeded(rows: Any) -> None:
        if on_done is not None:
            on_done(rows)

    return context.start(f"Adding {count} item{'s' if count != 1 else ''} as evidence", work, succeeded)


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
