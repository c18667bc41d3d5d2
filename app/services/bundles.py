"""Portable engagements: one ``.socwb`` file with an engagement's data and evidence, and importing one.

Exporting reads the engagement in one read transaction, then writes the
bundle (:mod:`app.exporters.bundle`). Importing checks the whole bundle
first (:func:`app.importers.bundle.read_bundle`: names, kinds, sizes, every
hash) and only then writes: the evidence into the store, then every row in
one transaction, as a new engagement (``name (copy)`` when the name is
taken). After any refusal or error the workspace is as it was.
"""

import logging
from pathlib import Path

from sqlalchemy.exc import IntegrityError, StatementError
from sqlmodel import select

from app.db.changelog import record_change
from app.db.engagement_copy import CopyError, insert_engagement, read_engagement
from app.db.models import Engagement
from app.db.schema import HEAD_REVISION, KNOWN_REVISIONS
from app.db.session import note
from app.domain.bundle_format import copy_name
from app.domain.changes import Kind
from app.domain.engagements import EngagementRow
from app.exporters.atomic import scratch_in
from app.exporters.bundle import BundleContent, Progress, write_bundle
from app.importers.bundle import UnreadableBundleError, extract_evidence, read_bundle
from app.scratch import ScratchArea
from app.services.engagements import engagement_in, engagement_row
from app.services.errors import InvalidInputError, WorkbenchError
from app.services.evidence import forget_new_content_in, open_store, store_errors
from app.services.workspace import Workspace

log = logging.getLogger(__name__)


def export_bundle(
    workspace: Workspace, *, engagement_id: int, target: Path, progress: Progress | None = None
) -> Path:
    """Write the engagement with all its evidence to *target* (a ``.socwb`` file); returns *target*."""
    with workspace.session() as session:
        engagement = engagement_in(session, engagement_id)
        rows, references = read_engagement(session, engagement_id)
    evidence = {row["sha256"]: row["size"] for row in rows.get("evidence", [])}
    store = open_store(workspace)
    missing = [sha256 for sha256 in evidence if not store.contains(sha256)]
    if missing:
        raise WorkbenchError(
            f"{len(missing)} evidence files of {engagement.name!r} are missing from the store; "
            "run evidence verify first"
        )
    content = BundleContent(HEAD_REVISION, engagement.name, rows, references, evidence)
    try:
        with scratch_in(workspace.data_dir):
            write_bundle(target, content, store.open, progress)
    except OSError as error:
        raise WorkbenchError(f"cannot write {target.name}: {error.strerror or error}") from error
    log.info("exported engagement %s as a bundle to %s", engagement_id, target)
    return target


def import_bundle(workspace: Workspace, path: Path) -> EngagementRow:
    """Import the bundle at *path* as a new engagement (under a new name when the name is taken)."""
    try:
        bundle = read_bundle(path)
    except UnreadableBundleError as error:
        raise InvalidInputError(str(error)) from error
    if bundle.schema not in KNOWN_REVISIONS:
        raise InvalidInputError(
            f"{path.name} was written by a newer version of SOC Workbench (schema {bundle.schema}); "
            "update SOC Workbench to import it"
        )
    store = open_store(workspace)
    added: list[str] = []
    with store_errors(), store.adding(), workspace.writing() as session:
        try:
            with ScratchArea(workspace.data_dir).folder("bundle") as folder:
                for sha256 in bundle.evidence:
                    extract_evidence(path, sha256, folder / sha256)
                    stored = store.add_file(folder / sha256)
                    if not stored.already_stored:
                        added.append(sha256)
                    if stored.sha256 != sha256:
                        raise UnreadableBundleError(f"{path.name} changed while it was being imported")
            taken = set(session.exec(select(Engagement.name)).all())
            name = copy_name(bundle.engagement_name, taken)
            engagement_id = insert_engagement(session, bundle.rows, bundle.references, name=name)
            record_change(
                session,
                engagement_id=engagement_id,
                entity="engagement",
                entity_id=engagement_id,
                entity_ref=name,
                field="imported",
                new=path.name,
            )
            note(session, Kind.ENGAGEMENT, engagement_id)
            session.commit()
            engagement = engagement_row(engagement_in(session, engagement_id))
        except (
            CopyError,
            IntegrityError,
            StatementError,
            UnreadableBundleError,
            ValueError,
            TypeError,
        ) as error:
            session.rollback()
            forget_new_content_in(session, store, added)
            reason = getattr(error, "orig", None) or error
            raise InvalidInputError(
                f"{path.name} cannot be imported: {reason}; nothing was imported"
            ) from error
        except BaseException:
            session.rollback()
            forget_new_content_in(session, store, added)
            raise
    log.info("imported %s as engagement %s", path, engagement.id)
    return engagement
