"""The evidence store of a team workspace: content kept in the PostgreSQL database, in chunks.

Every member reaches the same evidence through the server. A file is read
once, in chunks of :data:`~app.evidence.store.CHUNK_SIZE`, hashed as each
chunk is written (``evidence_chunk`` rows under one ``evidence_blob``), all
in one transaction: a crash, a cancel or an error leaves nothing. Content
already stored is kept once; readers hash it again on the way out
(:func:`~app.evidence.store.write_verified_copy`, the package writer).

Content on its way to being recorded is protected as the folder store's
``.pending`` files protect it: the adding process holds a shared advisory
lock on the hash (on a connection of its own, released with it), and
removing content takes the exclusive lock first, skipping content whose lock
is held. The server, not a file mode, keeps the content from being changed.
"""

import io
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from io import BufferedIOBase
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, delete, exists, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from app.db.models import EvidenceBlob, EvidenceChunk
from app.evidence.media import sniff_media_type
from app.evidence.store import (
    CHUNK_SIZE,
    Cancel,
    ContentStatus,
    Progress,
    StoredFile,
    StoreError,
    copy_hashing,
    hash_content,
)
from app.source_files import SourceFileError, display_path, open_regular_file, unchanged

BLOB: Any = EvidenceBlob.__table__  # type: ignore[attr-defined]
CHUNK: Any = EvidenceChunk.__table__  # type: ignore[attr-defined]
LOCK_NAMESPACE = 0x50C_0003
"""The first key of the advisory locks on content hashes (the second is taken from the hash)."""


def lock_key(sha256: str) -> int:
    """The second key of the advisory lock on content *sha256* (its first 32 bits, signed)."""
    return int.from_bytes(bytes.fromhex(sha256[:8]), "big", signed=True)


class _ChunkWriter:
    """Writes what :func:`copy_hashing` copies as numbered chunks of one blob."""

    def __init__(self, connection: Connection, blob_id: int) -> None:
        self.connection = connection
        self.blob_id = blob_id
        self.position = 0

    def write(self, data: memoryview, /) -> int:
        self.connection.execute(
            insert(CHUNK).values(blob_id=self.blob_id, position=self.position, data=bytes(data))
        )
        self.position += 1
        return len(data)


class _ChunkReader(io.RawIOBase):
    """The chunks of one blob, in order, as a readable stream."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._left = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._left:
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._left = memoryview(chunk)
        count = min(len(buffer), len(self._left))
        buffer[:count] = self._left[:count]
        self._left = self._left[count:]
        return count


class DatabaseStore:
    """Content-addressed evidence storage in a team workspace's database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._writer = engine.execution_options(isolation_level="READ COMMITTED")
        self._pending: Connection | None = None
        self._held: set[str] = set()

    # --- adding ----------------------------------------------------------------------------

    def add_file(
        self, source: Path, *, progress: Progress | None = None, cancel: Cancel | None = None
    ) -> StoredFile:
        """Copy *source* into the database (unless its content is there already), in one transaction."""
        try:
            fd, before = open_regular_file(source)
        except SourceFileError as error:
            raise StoreError(str(error)) from error
        with open(fd, "rb", buffering=0, closefd=True) as reader:
            try:
                with self._writer.begin() as connection:
                    new_blob = insert(BLOB).values(size=0, stored_at=datetime.now(UTC)).returning(BLOB.c.id)
                    blob_id = connection.execute(new_blob).scalar_one()
                    sha256, size, head = copy_hashing(
                        reader, _ChunkWriter(connection, blob_id), source, progress, cancel, before.st_size
                    )
                    if not unchanged(before, fd, source, size):
                        raise StoreError(
                            f"{display_path(source)} changed while it was being copied; it was not stored. "
                            "Add it again once the program writing it has finished"
                        )
                    self._note_pending(sha256)
                    already_stored = self._keep(connection, blob_id, sha256, size)
            except IntegrityError:
                already_stored = True  # another member stored the same content meanwhile
        return StoredFile(sha256, size, sniff_media_type(head, source.name), None, already_stored)

    def _keep(self, connection: Connection, blob_id: int, sha256: str, size: int) -> bool:
        """Give the new blob its hash, or drop it for the copy already stored; True in that case."""
        existing = connection.execute(select(BLOB.c.id, BLOB.c.size).where(BLOB.c.sha256 == sha256)).first()
        now = datetime.now(UTC)
        if existing is not None and existing.size == size:
            connection.execute(delete(BLOB).where(BLOB.c.id == blob_id))
            connection.execute(update(BLOB).where(BLOB.c.id == existing.id).values(stored_at=now))
            return True
        if existing is not None:  # a damaged copy of another size: this good one replaces it
            connection.execute(delete(BLOB).where(BLOB.c.id == existing.id))
        connection.execute(
            update(BLOB).where(BLOB.c.id == blob_id).values(sha256=sha256, size=size, stored_at=now)
        )
        return False

    @contextmanager
    def adding(self) -> Iterator[None]:
        """Hold the content stored inside the block as on its way to being recorded (see above)."""
        with self.engine.connect() as connection:
            self._pending = connection.execution_options(isolation_level="AUTOCOMMIT")
            try:
                yield
            finally:
                self._pending = None
                self._held.clear()
                connection.execute(select(func.pg_advisory_unlock_all()))

    def _note_pending(self, sha256: str) -> None:
        if self._pending is not None and sha256 not in self._held:
            self._pending.execute(select(func.pg_advisory_lock_shared(LOCK_NAMESPACE, lock_key(sha256))))
            self._held.add(sha256)

    def _release(self, sha256: str) -> None:
        """This process no longer means to record *sha256* (its add was undone)."""
        if self._pending is not None and sha256 in self._held:
            self._pending.execute(select(func.pg_advisory_unlock_shared(LOCK_NAMESPACE, lock_key(sha256))))
            self._held.discard(sha256)

    # --- reading ---------------------------------------------------------------------------

    def contains(self, sha256: str) -> bool:
        with self.engine.connect() as connection:
            return bool(connection.execute(select(exists().where(BLOB.c.sha256 == sha256))).scalar())

    def stored_hashes(self) -> Iterator[str]:
        with self.engine.connect() as connection:
            hashes = (
                connection.execute(select(BLOB.c.sha256).where(BLOB.c.sha256.is_not(None))).scalars().all()
            )
        yield from hashes

    @contextmanager
    def open(self, sha256: str) -> Iterator[BufferedIOBase]:
        """The stored content, streamed chunk by chunk from the server."""
        with self.engine.connect() as connection:
            blob_id = connection.execute(select(BLOB.c.id).where(BLOB.c.sha256 == sha256)).scalar()
            if blob_id is None:
                raise StoreError(f"the stored copy of {sha256[:12]} is missing; run Verify evidence")
            rows = connection.execution_options(stream_results=True, yield_per=4).execute(
                select(CHUNK.c.data).where(CHUNK.c.blob_id == blob_id).order_by(CHUNK.c.position)
            )
            with io.BufferedReader(_ChunkReader(bytes(row[0]) for row in rows), CHUNK_SIZE) as reader:
                yield reader

    def check(
        self,
        sha256: str,
        expected_size: int,
        *,
        progress: Progress | None = None,
        cancel: Cancel | None = None,
    ) -> ContentStatus:
        """Re-hash stored content: ``ok``, ``missing`` (not stored) or ``altered``."""
        with self.engine.connect() as connection:
            size = connection.execute(select(BLOB.c.size).where(BLOB.c.sha256 == sha256)).scalar()
        if size is None:
            return "missing"
        if size != expected_size:
            return "altered"
        with self.open(sha256) as reader:
            digest = hash_content(reader, progress, cancel)
        return "ok" if digest == sha256 else "altered"

    def permission_warning(self, sha256: str) -> str | None:
        """Nothing to warn about: the server decides who may change what."""
        return None

    # --- removing --------------------------------------------------------------------------

    def remove(self, sha256: str) -> None:
        """Delete stored content, unless a live add (of another process) is about to record it;
        missing content is fine."""
        self._release(sha256)
        self._remove_free([sha256])

    def _remove_free(self, hashes: Collection[str], *, stored_before: datetime | None = None) -> list[str]:
        """Delete those of *hashes* no live add holds (and stored before *stored_before*)."""
        removed = []
        for sha256 in hashes:
            with self._writer.begin() as connection:
                locked = connection.execute(
                    select(func.pg_try_advisory_xact_lock(LOCK_NAMESPACE, lock_key(sha256)))
                ).scalar()
                if not locked:
                    continue
                statement = delete(BLOB).where(BLOB.c.sha256 == sha256)
                if stored_before is not None:
                    statement = statement.where(BLOB.c.stored_at < stored_before)
                if connection.execute(statement).rowcount:
                    removed.append(sha256)
        return removed

    def remove_unreferenced(self, referenced: Collection[str], *, grace_seconds: float) -> list[str]:
        """Delete stored content not in *referenced*, sparing content stored or re-added recently."""
        cutoff = datetime.now(UTC) - timedelta(seconds=grace_seconds)
        candidates = [sha256 for sha256 in self.stored_hashes() if sha256 not in referenced]
        return self._remove_free(candidates, stored_before=cutoff)

    def unreferenced(self, referenced: Collection[str]) -> list[str]:
        """Stored content no record refers to and no live add is about to record: a crash's orphans."""
        orphans = []
        with self.engine.connect() as connection:
            for sha256 in sorted(set(self.stored_hashes()) - set(referenced)):
                key = (LOCK_NAMESPACE, lock_key(sha256))
                if connection.execute(select(func.pg_try_advisory_lock(*key))).scalar():
                    connection.execute(select(func.pg_advisory_unlock(*key)))
                    orphans.append(sha256)
            connection.rollback()
        return orphans
