"""Evidence: adding files, describing and linking them, verifying the store, sampling and due dates.

Files go into the workspace's content-addressed store (:mod:`app.evidence.store`: the
workspace's ``evidence/`` folder, or for a team workspace the database, through the same
:class:`~app.evidence.store.ContentStore` interface); records, links and the change log go
into the database. A stored file is
shared by every record with the same SHA-256 and removed only when no record
anywhere refers to it.
"""

import hashlib
import logging
import os
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import delete, insert
from sqlmodel import Session, col, func, select

from app.db.changelog import record_change
from app.db.engine import RESTORE_ADVICE, integrity_problems
from app.db.models import Control, Evidence, EvidenceControl, utcnow
from app.db.session import WorkbenchSession, note
from app.db.snapshots import restore_snapshot, take_snapshot
from app.domain.changes import Kind
from app.domain.evidence import EvidenceRow, EvidenceWarning
from app.domain.files import LARGE_FILE_BYTES, human_size, looks_like_a_program, original_name_text
from app.domain.periods import parse_day
from app.domain.snapshots import Snapshot
from app.evidence.database_store import DatabaseStore
from app.evidence.sources import original_name_bytes, safe_file_name, scan_sources
from app.evidence.store import CancelledError as StoreCancelledError
from app.evidence.store import (
    ContentStatus,
    ContentStore,
    EvidenceStore,
    StoredFile,
    StoreError,
    write_verified_copy,
)
from app.services.engagements import engagement_in
from app.services.errors import CancelledError, InvalidInputError, NotFoundError, WorkbenchError
from app.services.workspace import Workspace

log = logging.getLogger(__name__)

ENTITY = "evidence"
EDITABLE_FIELDS = ("title", "collected_on", "covers_from", "covers_to", "as_of", "source_system", "notes")
DATE_FIELDS = frozenset({"collected_on", "covers_from", "covers_to", "as_of"})
VIEW_DIR_NAME = "view"
CONTENT_DIR_NAME = "content"
PURGE_GRACE_SECONDS = 3600.0
"""Stored content this recent is spared by a purge: another process may be about to record it."""

Progress = Callable[[int, int], None]
"""Called with bytes done and bytes in all (for adding: every file; for verifying: every stored file)."""
Cancel = Callable[[], bool]


# --- helpers ---------------------------------------------------------------------------------


@contextmanager
def store_errors(cancelled: str = "the operation was cancelled") -> Iterator[None]:
    """Store errors as workbench errors; a cancel as :class:`CancelledError` saying *cancelled*."""
    try:
        yield
    except StoreCancelledError as error:
        raise CancelledError(cancelled) from error
    except StoreError as error:
        raise WorkbenchError(str(error)) from error


def open_store(workspace: Workspace) -> ContentStore:
    """The workspace's evidence store: its ``evidence/`` folder, or a team workspace's database."""
    if workspace.is_team:
        return DatabaseStore(workspace.engine)
    with store_errors():
        return EvidenceStore(workspace.evidence_dir)


def _evidence(session: Session, evidence_id: int) -> Evidence:
    evidence = session.get(Evidence, evidence_id)
    if evidence is None:
        raise NotFoundError(f"evidence {evidence_id} no longer exists")
    return evidence


def _controls(session: Session, engagement_id: int, control_ids: Iterable[int]) -> dict[int, str]:
    """Control id -> ref for controls that must exist and belong to the engagement."""
    wanted = list(dict.fromkeys(control_ids))
    found = {
        control.id: control
        for control in session.exec(select(Control).where(col(Control.id).in_(wanted))).all()
        if control.id is not None
    }
    refs: dict[int, str] = {}
    for control_id in wanted:
        control = found.get(control_id)
        if control is None:
            raise NotFoundError(f"control {control_id} no longer exists")
        if control.engagement_id != engagement_id:
            raise InvalidInputError(f"control {control.ref} belongs to another engagement")
        refs[control_id] = control.ref
    return refs


def _links(session: Session, evidence_ids: Sequence[int] | None, engagement_id: int) -> dict[int, list[str]]:
    """Evidence id -> refs of its linked controls, in ref order."""
    statement = (
        select(EvidenceControl.evidence_id, Control.ref)
        .join(Control, col(Control.id) == EvidenceControl.control_id)
        .where(Control.engagement_id == engagement_id)
        .order_by(Control.ref)
    )
    if evidence_ids is not None:
        statement = statement.where(col(EvidenceControl.evidence_id).in_(evidence_ids))
    mapping: dict[int, list[str]] = defaultdict(list)
    for evidence_id, ref in session.exec(statement):
        if evidence_id is not None:
            mapping[evidence_id].append(ref)
    return mapping


def _row(evidence: Evidence, refs: Iterable[str]) -> EvidenceRow:
    assert evidence.id is not None and evidence.engagement_id is not None
    return EvidenceRow(
        id=evidence.id,
        engagement_id=evidence.engagement_id,
        title=evidence.title,
        file_name=evidence.file_name,
        size=evidence.size,
        sha256=evidence.sha256,
        media_type=evidence.media_type,
        collected_on=evidence.collected_on,
        covers_from=evidence.covers_from,
        covers_to=evidence.covers_to,
        as_of=evidence.as_of,
        source_system=evidence.source_system,
        notes=evidence.notes,
        added_at=evidence.added_at,
        controls=sorted(refs),
        original_name=original_name_text(evidence.file_name_bytes) if evidence.file_name_bytes else "",
    )


def _log(session: Session, evidence: Evidence, field_name: str, *, old: Any = None, new: Any = None) -> None:
    record_change(
        session,
        engagement_id=evidence.engagement_id,
        entity=ENTITY,
        entity_id=evidence.id,
        entity_ref=evidence.title,
        field=field_name,
        old=old,
        new=new,
    )
    note(session, Kind.EVIDENCE, evidence.id)


def _coerce(name: str, value: Any) -> Any:
    """A field's value from user input; ``InvalidInputError`` when it does not fit."""
    if name in DATE_FIELDS:
        if value is None or isinstance(value, date):
            return value
        text = str(value).strip()
        try:
            return parse_day(text) if text else None
        except ValueError as error:
            raise InvalidInputError(f"{name.replace('_', ' ')}: {error}") from None
    text = "" if value is None else str(value)
    if name == "title":
        text = " ".join(text.split())
        if not text:
            raise InvalidInputError("evidence needs a title")
        return text
    return text.strip()


def _check_covers(covers_from: date | None, covers_to: date | None) -> None:
    if covers_from and covers_to and covers_from > covers_to:
        raise InvalidInputError(f"the evidence covers from {covers_from}, after its end {covers_to}")


def _referenced(session: Session, hashes: Iterable[str]) -> set[str]:
    wanted = list(set(hashes))
    rows = session.exec(select(Evidence.sha256).where(col(Evidence.sha256).in_(wanted)).distinct())
    return set(rows.all())


# --- choosing files --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A file about to be added: where it is, its size and the day it was last written."""

    path: Path
    size: int
    modified_on: date


def collect_files(paths: Iterable[str | Path], skipped: list[str] | None = None) -> list[SourceFile]:
    """The files to add: given files, and the files of given folders (recursively, hidden ones skipped).

    Every file is opened once to prove it can be read; a missing or
    unreadable file or subfolder is refused here, naming each, before
    anything is copied. Links inside a folder are not followed, and named
    pipes or devices in it are not read: each is named in *skipped*. A file
    given twice is added once.
    """
    scan = scan_sources(paths)
    if scan.missing:
        raise NotFoundError(f"{scan.missing[0]}: no such file or folder")
    if scan.not_regular:
        raise InvalidInputError(scan.not_regular[0])
    if scan.unreadable:
        shown = "; ".join(scan.unreadable[:5])
        more = f" (and {len(scan.unreadable) - 5} more)" if len(scan.unreadable) > 5 else ""
        raise InvalidInputError(f"nothing was added: {shown}{more}")
    if scan.empty_folders:
        raise InvalidInputError(f"the folder {scan.empty_folders[0]} holds no files to add")
    if skipped is not None:
        skipped.extend(scan.skipped)
    chosen: dict[Path, SourceFile] = {}
    for found in scan.files:
        key = found.path.resolve()
        if key not in chosen:
            chosen[key] = SourceFile(found.path, found.size, datetime.fromtimestamp(found.mtime).date())
    if not chosen:
        raise InvalidInputError("no files to add")
    return list(chosen.values())


# --- adding ----------------------------------------------------------------------------------


@dataclass
class AddedEvidence:
    """What :func:`adding_evidence` stored, in the open unit of work that records it.

    ``records`` are the new evidence records (flushed, with ids) and ``rows``
    their read models; a caller may add its own rows to ``session`` before the
    unit of work commits.
    """

    session: WorkbenchSession
    records: list[Evidence]
    rows: list[EvidenceRow]


@contextmanager
def adding_evidence(
    workspace: Workspace,
    *,
    engagement_id: int,
    files: Iterable[str | Path],
    control_ids: Iterable[int] = (),
    collected_on: date | None = None,
    title: str | None = None,
    covers_from: date | None = None,
    covers_to: date | None = None,
    as_of: date | None = None,
    source_system: str = "",
    notes: str = "",
    progress: Progress | None = None,
    cancel: Cancel | None = None,
    skipped: list[str] | None = None,
) -> Iterator[AddedEvidence]:
    """The unit of work of adding files as evidence (see :func:`add_evidence`), open for more rows.

    The files are copied into the store and their records created; then the
    body runs in the same transaction, which commits when it ends. After a
    cancel or an error, in the copying or in the body, no record and no newly
    stored content remains.
    """
    _check_covers(covers_from, covers_to)
    clean_title = None if title is None else _coerce("title", title)
    sources = collect_files(files, skipped)
    control_ids = list(control_ids)
    store = open_store(workspace)
    stored: list[StoredFile] = []
    # The content is pending until its records are committed; the transaction, and its write lock,
    # begin only after the copying.
    with store_errors(), store.adding(), workspace.writing() as session:
        try:
            with store_errors("adding evidence was cancelled; nothing was added"):
                total = sum(source.size for source in sources)
                done = 0
                for source in sources:
                    report = _offset(progress, done, total)
                    stored.append(store.add_file(source.path, progress=report, cancel=cancel))
                    done += source.size
            engagement_in(session, engagement_id)
            refs = _controls(session, engagement_id, control_ids)
            now = utcnow()
            added = AddedEvidence(session, [], [])
            for source, item in zip(sources, stored, strict=True):
                name = safe_file_name(source.path.name)
                evidence = Evidence(
                    engagement_id=engagement_id,
                    title=clean_title or " ".join(safe_file_name(source.path.stem).split()) or name,
                    file_name=name,
                    file_name_bytes=original_name_bytes(source.path.name),
                    size=item.size,
                    sha256=item.sha256,
                    media_type=item.media_type,
                    collected_on=collected_on or source.modified_on,
                    covers_from=covers_from,
                    covers_to=covers_to,
                    as_of=as_of,
                    source_system=source_system.strip(),
                    notes=notes.strip(),
                    added_at=now,
                    updated_at=now,
                )
                session.add(evidence)
                session.flush()
                _log(session, evidence, "created", new=evidence.file_name)
                _link(session, evidence, refs)
                added.records.append(evidence)
                added.rows.append(_row(evidence, refs.values()))
            yield added
            session.commit()
        except BaseException:
            session.rollback()
            forget_new_content_in(session, store, [item.sha256 for item in stored if not item.already_stored])
            raise
    log.info("added %d evidence files to engagement %s", len(added.rows), engagement_id)


def add_evidence(
    workspace: Workspace,
    *,
    engagement_id: int,
    files: Iterable[str | Path],
    control_ids: Iterable[int] = (),
    collected_on: date | None = None,
    title: str | None = None,
    covers_from: date | None = None,
    covers_to: date | None = None,
    as_of: date | None = None,
    source_system: str = "",
    notes: str = "",
    progress: Progress | None = None,
    cancel: Cancel | None = None,
    skipped: list[str] | None = None,
) -> list[EvidenceRow]:
    """Store files and create one evidence record per file, linked to the given controls.

    Folders expand to their files. The title defaults to the file name
    without its extension; the collected date to the day the file was last
    written (the closest the file itself comes to when the evidence was
    produced). Content already in the store is linked, not copied again.
    Everything is checked before the first copy; after a cancel or an error
    no record and no newly stored content remains.
    """
    with adding_evidence(
        workspace,
        engagement_id=engagement_id,
        files=files,
        control_ids=control_ids,
        collected_on=collected_on,
        title=title,
        covers_from=covers_from,
        covers_to=covers_to,
        as_of=as_of,
        source_system=source_system,
        notes=notes,
        progress=progress,
        cancel=cancel,
        skipped=skipped,
    ) as added:
        pass
    return added.rows


def evidence_warnings(
    workspace: Workspace,
    *,
    engagement_id: int,
    files: Iterable[str | Path],
    control_ids: Iterable[int] = (),
    large_bytes: int = LARGE_FILE_BYTES,
) -> list[EvidenceWarning]:
    """What looks like a mistake among files about to be added: empty files, files already
    attached to one of *control_ids*, programs and scripts, files larger than *large_bytes*.

    Reads each file's first bytes; hashes a file only when a record linked to
    those controls has its size. Writes nothing.
    """
    sources = collect_files(files)
    wanted = list(control_ids)
    with workspace.session() as session:
        engagement_in(session, engagement_id)
        linked = session.exec(
            select(Evidence.size, Evidence.sha256, Evidence.file_name, Control.ref)
            .join(EvidenceControl, col(EvidenceControl.evidence_id) == Evidence.id)
            .join(Control, col(Control.id) == EvidenceControl.control_id)
            .where(col(Control.id).in_(wanted), Control.engagement_id == engagement_id)
        ).all()
    by_size: dict[int, list[tuple[str, str, str]]] = defaultdict(list)
    for size, sha256, file_name, ref in linked:
        by_size[size].append((sha256, file_name, ref))
    warnings: list[EvidenceWarning] = []
    for source in sources:
        name = source.path.name

        def warn(kind: str, message: str, name: str = name) -> None:
            warnings.append(EvidenceWarning(file_name=name, kind=kind, message=message))

        with source.path.open("rb") as handle:
            head = handle.read(16)
        if source.size == 0:
            warn("empty", f"{name} is empty (0 bytes): it shows nothing")
        if looks_like_a_program(name, head):
            warn("program", f"{name} is a program or a script, not a document or a screenshot")
        if source.size > large_bytes:
            warn(
                "large",
                f"{name} is {human_size(source.size)}, more than the {human_size(large_bytes)} "
                "evidence usually takes",
            )
        if source.size in by_size:
            sha256 = _sha256_of(source.path)
            for stored_sha, stored_name, ref in by_size[source.size]:
                if stored_sha == sha256:
                    warn("duplicate", f"{name} is already attached to {ref} (as {stored_name})")
    return warnings


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _offset(progress: Progress | None, done: int, total: int) -> Callable[[int], None] | None:
    """The store's per-file progress as progress over all files."""
    if progress is None:
        return None
    report = progress
    return lambda count: report(done + count, total)


def forget_new_content_in(session: Session, store: ContentStore, hashes: Sequence[str]) -> None:
    """Remove content an interrupted add stored, unless a record (of another process) uses it."""
    if not hashes:
        return
    try:
        in_use = _referenced(session, hashes)
        session.rollback()
        for sha256 in set(hashes) - in_use:
            store.remove(sha256)
    except Exception:  # the interruption's own error matters more; a purge clears the rest later
        log.exception("could not remove content of an interrupted add")


def _link(session: Session, evidence: Evidence, refs: dict[int, str]) -> None:
    if not refs:
        return
    session.execute(
        insert(EvidenceControl), [{"evidence_id": evidence.id, "control_id": cid} for cid in refs]
    )
    for ref in refs.values():
        _log(session, evidence, "linked", new=ref)


# --- reading ---------------------------------------------------------------------------------


def list_evidence(
    workspace: Workspace, *, engagement_id: int, control_id: int | None = None
) -> list[EvidenceRow]:
    """The engagement's evidence in the order it was added; with *control_id*, that control's."""
    with workspace.session() as session:
        return evidence_of(session, engagement_id, control_id)


def evidence_of(session: Session, engagement_id: int, control_id: int | None = None) -> list[EvidenceRow]:
    """The engagement's evidence read in *session* (see :func:`list_evidence`)."""
    engagement_in(session, engagement_id)
    statement = select(Evidence).where(Evidence.engagement_id == engagement_id).order_by(col(Evidence.id))
    if control_id is not None:
        linked = select(EvidenceControl.evidence_id).where(EvidenceControl.control_id == control_id)
        statement = statement.where(col(Evidence.id).in_(linked))
    records = session.exec(statement).all()
    links = _links(session, None, engagement_id)
    return [_row(evidence, links.get(evidence.id or 0, [])) for evidence in records]


def _evidence_row(session: Session, evidence_id: int) -> EvidenceRow:
    evidence = _evidence(session, evidence_id)
    assert evidence.engagement_id is not None
    links = _links(session, [evidence_id], evidence.engagement_id)
    return _row(evidence, links.get(evidence_id, []))


def get_evidence(workspace: Workspace, evidence_id: int) -> EvidenceRow:
    with workspace.session() as session:
        return _evidence_row(session, evidence_id)


def evidence_counts(workspace: Workspace, *, engagement_id: int) -> dict[int, int]:
    """Control id -> how many evidence files are linked to it (controls without any are left out)."""
    with workspace.session() as session:
        return evidence_counts_in(session, engagement_id)


def evidence_counts_in(session: Session, engagement_id: int) -> dict[int, int]:
    """The evidence files per control of the engagement, read in *session* (see :func:`evidence_counts`)."""
    rows = session.exec(
        select(EvidenceControl.control_id, func.count(col(EvidenceControl.evidence_id)))
        .join(Control, col(Control.id) == EvidenceControl.control_id)
        .where(Control.engagement_id == engagement_id)
        .group_by(col(EvidenceControl.control_id))
    ).all()
    return {control_id: count for control_id, count in rows if control_id is not None}


def stored_path(workspace: Workspace, evidence_id: int) -> Path:
    """A file holding the evidence's content, to read (never to write to): where it lies in the
    folder store, or for a team workspace a copy fetched from the server into the workspace's
    ``view`` folder (checked against its SHA-256, fetched once)."""
    with workspace.session() as session:
        evidence = _evidence(session, evidence_id)
    store = open_store(workspace)
    if isinstance(store, EvidenceStore):
        return store.path_for(evidence.sha256)
    target = workspace.data_dir / VIEW_DIR_NAME / CONTENT_DIR_NAME / evidence.sha256
    if not (target.is_file() and target.stat().st_size == evidence.size):
        _fetch(store, evidence, target)
    return target


def viewing_copy(workspace: Workspace, evidence_id: int) -> Path:
    """A read-only copy of the evidence under its original file name (its own bytes when they were
    not UTF-8), for the system viewer.

    Kept in the workspace's ``view`` folder (made again when missing), so the
    stored content itself is never handed to another program.
    """
    with workspace.session() as session:
        evidence = _evidence(session, evidence_id)
    name = os.fsdecode(evidence.file_name_bytes) if evidence.file_name_bytes else evidence.file_name
    target = workspace.data_dir / VIEW_DIR_NAME / str(evidence_id) / name
    if not target.exists():
        _fetch(open_store(workspace), evidence, target)
    return target


def _fetch(store: ContentStore, evidence: Evidence, target: Path) -> None:
    """Copy the evidence's stored content to *target*, checked against its SHA-256."""
    if not store.contains(evidence.sha256):
        raise NotFoundError(f"the stored file of {evidence.file_name!r} is missing; run Verify evidence")
    target.parent.mkdir(parents=True, exist_ok=True)
    with store_errors():
        write_verified_copy(store, evidence.sha256, target)


def control_ids_for_refs(workspace: Workspace, engagement_id: int, refs: Iterable[str]) -> list[int]:
    """The ids of the engagement's controls with these refs (exact, after trimming), in order."""
    wanted = [ref.strip() for ref in refs]
    with workspace.session() as session:
        engagement_in(session, engagement_id)
        rows = session.exec(
            select(Control.ref, Control.id).where(
                Control.engagement_id == engagement_id, col(Control.ref).in_(wanted)
            )
        ).all()
    known = {ref: control_id for ref, control_id in rows if control_id is not None}
    unknown = [ref for ref in wanted if ref not in known]
    if unknown:
        names = ", ".join(repr(ref) for ref in unknown)
        raise NotFoundError(f"no control with ref {names} in this engagement")
    return [known[ref] for ref in wanted]


# --- changing --------------------------------------------------------------------------------


def update_evidence(workspace: Workspace, evidence_id: int, **fields: Any) -> EvidenceRow:
    """Change what a record says (title, dates, source system, notes), logging each change."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise InvalidInputError(f"cannot change {', '.join(sorted(unknown))} of evidence")
    clean = {name: _coerce(name, value) for name, value in fields.items()}
    with workspace.writing() as session:
        evidence = _evidence(session, evidence_id)
        _check_covers(
            clean.get("covers_from", evidence.covers_from), clean.get("covers_to", evidence.covers_to)
        )
        now = utcnow()
        for name, value in clean.items():
            old = getattr(evidence, name)
            if old == value:
                continue
            setattr(evidence, name, value)
            evidence.updated_at = now
            _log(session, evidence, name, old=old, new=value)
        session.add(evidence)
        session.commit()
        assert evidence.engagement_id is not None
        links = _links(session, [evidence_id], evidence.engagement_id)
    return _row(evidence, links.get(evidence_id, []))


def _linked_control_ids(session: Session, evidence_id: int) -> set[int]:
    rows = session.exec(
        select(EvidenceControl.control_id).where(EvidenceControl.evidence_id == evidence_id)
    ).all()
    return {control_id for control_id in rows if control_id is not None}


def link_evidence_in(session: Session, evidence_id: int, control_ids: Iterable[int]) -> list[int]:
    """Link evidence to more controls of its engagement in *session*; the control ids newly linked."""
    evidence = _evidence(session, evidence_id)
    assert evidence.engagement_id is not None
    refs = _controls(session, evidence.engagement_id, control_ids)
    present = _linked_control_ids(session, evidence_id)
    new = {cid: ref for cid, ref in refs.items() if cid not in present}
    _link(session, evidence, new)
    return list(new)


def link_evidence(workspace: Workspace, evidence_id: int, control_ids: Iterable[int]) -> EvidenceRow:
    """Link evidence to more controls of its engagement (links already there are kept)."""
    with workspace.writing() as session:
        link_evidence_in(session, evidence_id, control_ids)
        session.commit()
        return _evidence_row(session, evidence_id)


def unlink_evidence_in(session: Session, evidence_id: int, control_ids: Iterable[int]) -> None:
    """Unlink evidence from controls in *session*; the evidence itself stays."""
    evidence = _evidence(session, evidence_id)
    assert evidence.engagement_id is not None
    refs = _controls(session, evidence.engagement_id, control_ids)
    present = _linked_control_ids(session, evidence_id)
    for control_id, ref in refs.items():
        if control_id not in present:
            continue
        session.execute(
            delete(EvidenceControl).where(
                col(EvidenceControl.evidence_id) == evidence_id,
                col(EvidenceControl.control_id) == control_id,
            )
        )
        _log(session, evidence, "unlinked", old=ref)


def unlink_evidence(workspace: Workspace, evidence_id: int, control_ids: Iterable[int]) -> EvidenceRow:
    """Unlink evidence from controls; the evidence itself stays."""
    with workspace.writing() as session:
        unlink_evidence_in(session, evidence_id, control_ids)
        session.commit()
        return _evidence_row(session, evidence_id)


def _delete_records(session: Session, evidence_ids: Sequence[int]) -> list[str]:
    """Delete evidence records (their links go with them) in *session*; the content hashes they held."""
    hashes = []
    for evidence_id in dict.fromkeys(evidence_ids):
        evidence = _evidence(session, evidence_id)
        _log(session, evidence, "deleted", old=evidence.file_name)
        hashes.append(evidence.sha256)
        session.delete(evidence)
    return hashes


def remove_evidence(workspace: Workspace, evidence_ids: Sequence[int]) -> Snapshot:
    """Delete evidence records with their links to controls, requests and samples, keeping the stored
    content so that :func:`restore_evidence` can undo it; returns what puts them back.

    Content no record uses any more is removed by the next purge
    (:func:`purge_unreferenced_content`, which the window runs when it closes).
    """
    with workspace.writing() as session:
        snapshot = take_snapshot(session, "evidence", list(dict.fromkeys(evidence_ids)))
        _delete_records(session, evidence_ids)
        session.commit()
    return snapshot


def restore_evidence(workspace: Workspace, snapshot: Snapshot) -> list[EvidenceRow]:
    """Put deleted evidence records back with their links (undo of :func:`remove_evidence`).

    Refused, with nothing written, when the stored content of one of them has
    been purged since (another window deleted an engagement, say).
    """
    store = open_store(workspace)
    gone = [str(row["file_name"]) for row in snapshot.rows if not store.contains(str(row["sha256"]))]
    if gone:
        raise NotFoundError(
            f"the stored copy of {', '.join(gone)} was removed since it was deleted; add the file again"
        )
    with workspace.writing() as session:
        ids = restore_snapshot(session, snapshot, at=utcnow())
        note(session, Kind.EVIDENCE, *ids.values())
        rows = [_evidence_row(session, evidence_id) for evidence_id in ids.values()]
        session.commit()
    return rows


def delete_evidence(workspace: Workspace, evidence_ids: Sequence[int]) -> None:
    """Delete evidence records for good (the caller has asked first) and content no record uses any more."""
    with workspace.writing() as session:
        hashes = _delete_records(session, evidence_ids)
        session.commit()
        unused = set(hashes) - _referenced(session, hashes)
    store = open_store(workspace)
    for sha256 in unused:
        try:
            store.remove(sha256)
        except StoreError as error:  # the records are gone; a later purge retries the file
            log.warning("%s", error)


def purge_unreferenced_content(
    workspace: Workspace, *, grace_seconds: float = PURGE_GRACE_SECONDS, released: Iterable[str] = ()
) -> int:
    """Remove stored content no evidence record refers to (after deleting an engagement, or when a
    window that deleted evidence closes).

    Content stored or re-added within *grace_seconds* is spared, since another
    window or command may be adding it right now, unless it is *released*:
    the content of records deleted on purpose. Returns how many files went.
    """
    with workspace.session() as session:
        return purge_content_in(
            session, open_store(workspace), grace_seconds=grace_seconds, released=released
        )


def purge_content_in(
    session: Session,
    store: ContentStore,
    *,
    grace_seconds: float = PURGE_GRACE_SECONDS,
    released: Iterable[str] = (),
) -> int:
    """Remove the stored content no record read in *session* refers to (see above).

    *released* is the content of records just deleted: what no record refers
    to any more goes at once, however recently it was stored.
    """
    referenced = set(session.exec(select(Evidence.sha256).distinct()).all())
    session.rollback()
    with store_errors():
        removed = sorted(set(released) - referenced)
        for sha256 in removed:
            store.remove(sha256)
        removed += store.remove_unreferenced(referenced, grace_seconds=grace_seconds)
    if removed:
        log.info("purged %d unreferenced evidence files", len(removed))
    return len(removed)


# --- verifying -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class VerifiedEvidence:
    """One record's stored content: ``ok``, ``missing`` or ``altered``."""

    evidence_id: int
    engagement_id: int
    title: str
    file_name: str
    sha256: str
    status: ContentStatus


@dataclass(frozen=True, slots=True)
class VerifyReport:
    """The outcome of :func:`verify_evidence`; permission warnings do not make it fail."""

    results: list[VerifiedEvidence] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def problems(self) -> list[VerifiedEvidence]:
        return [result for result in self.results if result.status != "ok"]

    @property
    def intact(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        return {
            "intact": self.intact,
            "checked": len(self.results),
            "problems": [
                {
                    "id": r.evidence_id,
                    "engagement_id": r.engagement_id,
                    "title": r.title,
                    "file_name": r.file_name,
                    "sha256": r.sha256,
                    "status": r.status,
                }
                for r in self.problems
            ],
            "warnings": list(self.warnings),
        }


def verify_evidence(
    workspace: Workspace,
    *,
    engagement_id: int | None = None,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> VerifyReport:
    """Re-hash the stored content of every record (of one engagement, or all) and report its state.

    Content shared by several records is read once. A stored file that has
    become writable is only a warning.
    """
    damage = integrity_problems(workspace.engine)
    if damage:
        raise WorkbenchError(f"the workspace database is damaged ({damage[0]}); {RESTORE_ADVICE}")
    with workspace.session() as session:
        statement = select(Evidence).order_by(col(Evidence.id))
        if engagement_id is not None:
            engagement_in(session, engagement_id)
            statement = statement.where(Evidence.engagement_id == engagement_id)
        records = session.exec(statement).all()
    store = open_store(workspace)
    sizes = {record.sha256: record.size for record in records}
    total = sum(sizes.values())
    status: dict[str, ContentStatus] = {}
    warnings: list[str] = []
    done = 0
    with store_errors("verifying evidence was cancelled"):
        for sha256, size in sizes.items():
            status[sha256] = store.check(sha256, size, progress=_offset(progress, done, total), cancel=cancel)
            done += size
            warning = store.permission_warning(sha256)
            if warning is not None:
                names = ", ".join(sorted({r.file_name for r in records if r.sha256 == sha256}))
                warnings.append(f"{names}: {warning}")
    results = [
        VerifiedEvidence(
            evidence_id=record.id or 0,
            engagement_id=record.engagement_id or 0,
            title=record.title,
            file_name=record.file_name,
            sha256=record.sha256,
            status=status[record.sha256],
        )
        for record in records
    ]
    return VerifyReport(results, warnings)


def orphaned_content(workspace: Workspace, *, repair: bool = False) -> list[str]:
    """Stored content no evidence record refers to (what an add killed before its commit leaves).

    Content that another window or command is adding right now is not
    counted. With *repair*, the orphans are removed. Returns their hashes.
    """
    with workspace.session() as session:
        referenced = set(session.exec(select(Evidence.sha256).distinct()).all())
    store = open_store(workspace)
    orphans = store.unreferenced(referenced)
    if repair:
        with store_errors():
            for sha256 in orphans:
                store.remove(sha256)
        log.info("removed %d orphaned evidence files", len(orphans))
    return orphans
