"""Moving a workspace: a local one into an empty team database, or a team's back into a local folder.

Evidence content is copied first, every file hashed on its way in and checked
again in the target's store; then every record is copied in one transaction
of the target, keeping its id. The target must be empty (a new workspace);
anything else is refused before a byte is written, and a copy that fails
leaves the target as empty as it was.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlmodel import select

from app.db.models import Evidence
from app.db.transfer import catalog_of, copy_rows, tables_holding_rows
from app.evidence.store import ContentStore, EvidenceStore, StoreError, write_verified_copy
from app.scratch import ScratchArea
from app.services.errors import CancelledError, InvalidInputError, WorkbenchError
from app.services.evidence import open_store
from app.services.workspace import Workspace

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
"""Called with evidence bytes copied and bytes in all."""
Cancel = Callable[[], bool]


@dataclass(frozen=True, slots=True)
class CopyReport:
    """What a copy carried: rows per table, and the evidence files (each hash checked)."""

    source: str
    target: str
    rows: dict[str, int] = field(default_factory=dict)
    evidence_files: int = 0
    evidence_bytes: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "target": self.target,
            "rows": dict(self.rows),
            "evidence_files": self.evidence_files,
            "evidence_bytes": self.evidence_bytes,
        }


def copy_workspace(
    source: Workspace,
    target: Workspace,
    *,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> CopyReport:
    """Copy everything of *source* (records, change log, settings, evidence) into the empty *target*."""
    if source.location == target.location:
        raise InvalidInputError("a workspace cannot be copied onto itself")
    with target.session() as session:
        filled = tables_holding_rows(session)
        target_catalog = catalog_of(session)
    if filled:
        raise InvalidInputError(
            f"the target {target.location} is not empty (it has {filled[0]} records); "
            "copy into a new, empty workspace. Nothing was copied"
        )
    with source.session() as session:
        if catalog_of(session) != target_catalog:
            raise InvalidInputError("the two workspaces list different criteria; nothing was copied")
        contents = {sha256: size for sha256, size in session.exec(select(Evidence.sha256, Evidence.size))}
    source_store, target_store = open_store(source), open_store(target)
    copied: list[str] = []
    try:
        with target_store.adding():
            total, done = sum(contents.values()), 0
            for sha256, size in sorted(contents.items()):
                if cancel is not None and cancel():
                    raise CancelledError("the copy was cancelled; the target was left empty")
                if _copy_content(source_store, target_store, sha256, target.data_dir):
                    copied.append(sha256)
                done += size
                if progress is not None:
                    progress(done, total)
            for sha256, size in contents.items():
                if target_store.check(sha256, size) != "ok":
                    raise WorkbenchError(
                        f"the copy of evidence {sha256[:12]} does not match; nothing was copied"
                    )
            with source.session() as reading, target.writing() as writing:
                rows = copy_rows(reading, writing)
                writing.commit()
    except BaseException:
        for sha256 in copied:
            _forget(target_store, sha256)
        raise
    log.info("copied %s into %s: %s", source.location, target.location, rows)
    return CopyReport(source.location, target.location, rows, len(contents), sum(contents.values()))


def _copy_content(source: ContentStore, target: ContentStore, sha256: str, scratch_dir: Path) -> bool:
    """Store *sha256*'s content in *target*, checking its hash; True when it was not there before."""
    try:
        if isinstance(source, EvidenceStore):
            stored = target.add_file(source.path_for(sha256))
        else:
            with ScratchArea(scratch_dir).folder("copy") as folder:
                write_verified_copy(source, sha256, folder / sha256)
                stored = target.add_file(folder / sha256)
    except StoreError as error:
        raise WorkbenchError(
            f"evidence {sha256[:12]} could not be copied: {error}; nothing was copied"
        ) from error
    if stored.sha256 != sha256:
        if not stored.already_stored:
            _forget(target, stored.sha256)
        raise WorkbenchError(
            f"the stored copy of evidence {sha256[:12]} no longer matches its SHA-256; run Verify evidence "
            "on the source. Nothing was copied"
        )
    return not stored.already_stored


def _forget(store: ContentStore, sha256: str) -> None:
    try:
        store.remove(sha256)
    except StoreError as error:  # the copy's own failure matters more; a purge clears the rest
        log.warning("%s", error)
