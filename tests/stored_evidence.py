"""What a test needs to see or spoil in a workspace's evidence store, whichever backend keeps it."""

import os
import stat

from sqlalchemy import delete, select, update

from app.db.models import EvidenceBlob, EvidenceChunk
from app.evidence.store import INCOMING_DIR, EvidenceStore
from app.services.evidence import open_store
from app.services.workspace import Workspace

BLOB = EvidenceBlob.__table__  # type: ignore[attr-defined]
CHUNK = EvidenceChunk.__table__  # type: ignore[attr-defined]


def stored_content(workspace: Workspace) -> list[bytes]:
    """The content the store holds (its folder, or the team database), in hash order."""
    store = open_store(workspace)
    contents = []
    for sha256 in sorted(store.stored_hashes()):
        with store.open(sha256) as reader:
            contents.append(reader.read())
    return contents


def unfinished(workspace: Workspace) -> int:
    """Copies in progress left behind: files in ``.incoming``, or blobs without a hash."""
    if not workspace.is_team:
        return len(list((workspace.evidence_dir / INCOMING_DIR).iterdir()))
    with workspace.engine.connect() as connection:
        return len(connection.execute(select(BLOB.c.id).where(BLOB.c.sha256.is_(None))).all())


def spoil(workspace: Workspace, sha256: str, content: bytes | None) -> None:
    """Replace stored content behind the workbench's back (``None``: delete it)."""
    if not workspace.is_team:
        path = EvidenceStore(workspace.evidence_dir).path_for(sha256)
        path.chmod(stat.S_IRUSR | stat.S_IWUSR)
        if content is None:
            os.unlink(path)
        else:
            path.write_bytes(content)
        return
    with workspace.engine.begin() as connection:
        blob_id = connection.execute(select(BLOB.c.id).where(BLOB.c.sha256 == sha256)).scalar_one()
        if content is None:
            connection.execute(delete(BLOB).where(BLOB.c.id == blob_id))
        else:
            connection.execute(delete(CHUNK).where(CHUNK.c.blob_id == blob_id))
            connection.execute(CHUNK.insert().values(blob_id=blob_id, position=0, data=content))
            connection.execute(update(BLOB).where(BLOB.c.id == blob_id).values(size=len(content)))
