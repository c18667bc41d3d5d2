"""The evidence store: files kept once each under their SHA-256, read-only.

Layout under the store's root (the workspace's ``evidence/`` folder)::

    ab/ab12...ef          content whose SHA-256 is ab12...ef (mode 0400, folders 0700)
    .incoming/*.part      copies in progress, each locked by the process writing it
    .incoming/*.pending   hashes an add in progress has stored but not yet recorded (locked)

The services use a store through :class:`ContentStore`, which a team
workspace's :class:`~app.evidence.database_store.DatabaseStore` implements
too (content kept in the database); :func:`write_verified_copy` reads either
into a file, checking the hash on the way out.

A crash's leftovers in ``.incoming`` are recognised by their lock being free
and removed when the store opens. Content that a crash stored but no record
points to is found by :meth:`EvidenceStore.unreferenced` (the hashes listed
in a live ``.pending`` file are not orphans: their records are on the way).

Adding reads the source once, in chunks, hashing each chunk as it is written
to a temporary file; the temporary file is flushed to disk and renamed to
its content address, so a stored file is always complete. The source is
opened read-only and never changed; only a regular file is read (a named pipe
or a device is refused before reading), and a source whose size or
modification time changed during the copy is refused.
"""

import errno
import hashlib
import os
import re
import secrets
import stat
import time
from collections.abc import Callable, Collection, Iterator
from contextlib import AbstractContextManager, contextmanager, suppress
from dataclasses import dataclass
from io import BufferedIOBase, FileIO
from pathlib import Path
from typing import Literal, Protocol

from app.evidence.media import SNIFF_BYTES, sniff_media_type
from app.private_files import EVIDENCE_MODE, FOLDER_MODE
from app.scratch import create_locked, is_abandoned, remove_if_abandoned
from app.source_files import SourceFileError, display_path, open_regular_file, unchanged

CHUNK_SIZE = 1024 * 1024
"""Bytes read, hashed and written per step. Measured on a 1 GiB file: 1 MiB stays in the CPU's
cache between hashing and writing; 2–16 MiB made the writes 3–6 times slower."""

INCOMING_DIR = ".incoming"
PENDING_SUFFIX = ".pending"

READ_ONLY = EVIDENCE_MODE
WRITABLE_BITS = stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH
_SHA256 = re.compile(r"[0-9a-f]{64}")

ContentStatus = Literal["ok", "missing", "altered"]
Progress = Callable[[int], None]
"""Called with the bytes done so far in the current file."""
Cancel = Callable[[], bool]
"""Returns True when the user wants the work stopped."""


class StoreError(Exception):
    """A file could not be stored or read back; ``str(error)`` says why in one line."""


class CancelledError(Exception):
    """The caller's *cancel* returned True; nothing of the interrupted work remains."""


@dataclass(frozen=True, slots=True)
class StoredFile:
    """What :meth:`EvidenceStore.add_file` stored (or found already stored); ``path`` is where it lies
    in a local store (``None`` in a database)."""

    sha256: str
    size: int
    media_type: str
    path: Path | None
    already_stored: bool


class Writer(Protocol):
    """Where :func:`copy_hashing` writes: a file, or the chunks of a database store."""

    def write(self, data: memoryview, /) -> int | None: ...


class ContentStore(Protocol):
    """What the services use of an evidence store, whether a local folder or a team's database."""

    def add_file(
        self, source: Path, *, progress: Progress | None = None, cancel: Cancel | None = None
    ) -> StoredFile:
        """Store *source*'s content (read once, hashed on the way in) unless it is there already."""

    def adding(self) -> AbstractContextManager[None]:
        """Content stored inside the block is on its way to being recorded: no clean-up removes it."""

    def contains(self, sha256: str) -> bool: ...

    def open(self, sha256: str) -> AbstractContextManager[BufferedIOBase]:
        """The stored content, to read in chunks (:class:`StoreError` when it is missing)."""

    def stored_hashes(self) -> Iterator[str]: ...

    def remove(self, sha256: str) -> None: ...

    def remove_unreferenced(self, referenced: Collection[str], *, grace_seconds: float) -> list[str]: ...

    def unreferenced(self, referenced: Collection[str]) -> list[str]: ...

    def check(
        self,
        sha256: str,
        expected_size: int,
        *,
        progress: Progress | None = None,
        cancel: Cancel | None = None,
    ) -> ContentStatus:
        """Re-hash stored content: ``ok``, ``missing`` or ``altered``."""

    def permission_warning(self, sha256: str) -> str | None: ...


class EvidenceStore:
    """Content-addressed, read-only file storage under *root*."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._incoming = root / INCOMING_DIR
        self._pending: int | None = None
        try:
            self._incoming.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
        except OSError as error:
            if not root.is_dir():
                raise StoreError(f"cannot create the evidence folder {root}: {error.strerror}") from error
            return  # a read-only workspace: reading works, adding says why it cannot
        self._remove_stale_incoming()

    # --- addresses -------------------------------------------------------------------------

    def path_for(self, sha256: str) -> Path:
        """Where content with this SHA-256 (64 lower-case hex digits) is kept."""
        if not _SHA256.fullmatch(sha256):
            raise ValueError(f"{sha256!r} is not a SHA-256 in lower-case hex")
        return self.root / sha256[:2] / sha256

    def contains(self, sha256: str) -> bool:
        return self.path_for(sha256).is_file()

    @contextmanager
    def open(self, sha256: str) -> Iterator[BufferedIOBase]:
        """The stored file, open for reading."""
        try:
            handle = open(self.path_for(sha256), "rb")  # noqa: SIM115 (closed below)
        except OSError as error:
            raise StoreError(f"the stored copy of {sha256[:12]} cannot be read: {error.strerror}") from error
        with handle:
            yield handle

    def stored_hashes(self) -> Iterator[str]:
        """The SHA-256 of every stored file (anything else in the folder is ignored)."""
        for shard in self.root.iterdir():
            if len(shard.name) != 2 or not shard.is_dir():
                continue
            for item in shard.iterdir():
                if _SHA256.fullmatch(item.name) and item.name[:2] == shard.name:
                    yield item.name

    # --- adding ----------------------------------------------------------------------------

    def add_file(
        self, source: Path, *, progress: Progress | None = None, cancel: Cancel | None = None
    ) -> StoredFile:
        """Copy *source* into the store (unless its content is already there).

        Raises :class:`StoreError` when the source is not a regular file, cannot
        be read or changed while it was copied, or the copy cannot be written
        (a full disk), :class:`CancelledError` when *cancel* says so; either
        way no temporary file remains.
        """
        try:
            fd, before = open_regular_file(source)
        except SourceFileError as error:
            raise StoreError(str(error)) from error
        with open(fd, "rb", buffering=0, closefd=True) as reader:
            try:
                temp = self._incoming / f"{secrets.token_hex(8)}.part"
                out = create_locked(temp)
            except OSError as error:
                raise StoreError(_write_error_message(source, error)) from error
            # The copy stays open (and locked) until it is renamed, so that no other process's
            # clean-up takes it for a crash's leftover (Windows cannot rename an open file, and has
            # no such locks: there it is closed first).
            try:
                with open(out, "wb", buffering=0, closefd=False) as writer:
                    sha256, size, head = copy_hashing(
                        reader, writer, source, progress, cancel, before.st_size
                    )
                    os.fsync(writer.fileno())
                if not unchanged(before, fd, source, size):
                    raise StoreError(
                        f"{display_path(source)} changed while it was being copied; it was not stored. "
                        "Add it again once the program writing it has finished"
                    )
                os.chmod(temp, READ_ONLY)
                self._note_pending(sha256)
                if os.name == "nt":
                    os.close(out)
                    out = -1
                already_stored = self._move_into_place(temp, sha256, size)
            except OSError as error:
                _discard(temp)
                raise StoreError(_write_error_message(source, error)) from error
            except BaseException:
                _discard(temp)
                raise
            finally:
                if out >= 0:
                    os.close(out)
        media_type = sniff_media_type(head, source.name)
        return StoredFile(sha256, size, media_type, self.path_for(sha256), already_stored)

    @contextmanager
    def adding(self) -> Iterator[None]:
        """Mark content stored inside the block as on its way to being recorded.

        Hashes stored meanwhile are listed in a locked ``.pending`` file, so
        that :meth:`unreferenced` (another process's ``verify --repair``) does
        not take them for orphans before their records are committed; the
        file goes when the block ends, or with the process.
        """
        path = self._incoming / f"{secrets.token_hex(8)}{PENDING_SUFFIX}"
        try:
            fd = create_locked(path)
        except OSError as error:
            raise StoreError(_write_error_message(path, error)) from error
        self._pending = fd
        try:
            yield
        finally:
            self._pending = None
            os.close(fd)
            _discard(path)

    def _note_pending(self, sha256: str) -> None:
        if self._pending is not None:
            os.write(self._pending, f"{sha256}\n".encode("ascii"))
            os.fsync(self._pending)

    def _pending_hashes(self) -> set[str]:
        """Hashes that live adds (of any process) have stored but not yet recorded."""
        hashes: set[str] = set()
        for path in self._incoming.glob(f"*{PENDING_SUFFIX}"):
            if is_abandoned(path):
                continue
            with suppress(OSError):
                hashes.update(path.read_text("ascii").split())
        return hashes

    def _move_into_place(self, temp: Path, sha256: str, size: int) -> bool:
        """Rename *temp* to its address; returns True when identical content was already there."""
        target = self.path_for(sha256)
        if target.is_file() and target.stat().st_size == size:
            _discard(temp)
            _touch(target)
            return True
        shard_is_new = not target.parent.is_dir()
        target.parent.mkdir(mode=FOLDER_MODE, exist_ok=True)
        if shard_is_new:
            _sync_directory(self.root)
        if target.exists():  # the stored copy was truncated or grown: replace it with this good one
            os.chmod(target, READ_ONLY | stat.S_IWUSR)
        try:
            os.replace(temp, target)
        except OSError:
            if not target.is_file():
                raise
            _discard(temp)  # another process stored the same content meanwhile
            return True
        _sync_directory(target.parent)
        return False

    # --- removing --------------------------------------------------------------------------

    def remove(self, sha256: str) -> None:
        """Delete stored content (and its shard folder once empty); missing content is fine."""
        path = self.path_for(sha256)
        try:
            os.chmod(path, READ_ONLY | stat.S_IWUSR)
            path.unlink()
        except FileNotFoundError:
            return
        except OSError as error:
            raise StoreError(f"cannot remove stored evidence {sha256[:12]}: {error.strerror}") from error
        try:
            path.parent.rmdir()
        except OSError:
            pass  # other content still lives in this shard

    def remove_unreferenced(self, referenced: Collection[str], *, grace_seconds: float) -> list[str]:
        """Delete stored content not in *referenced*, sparing content written or re-added recently.

        The grace period protects a copy that another process has stored but
        not yet recorded in the database. Returns the removed hashes.
        """
        cutoff = time.time() - grace_seconds
        removed = []
        pending = self._pending_hashes()
        for sha256 in list(self.stored_hashes()):
            if sha256 in referenced or sha256 in pending:
                continue
            try:
                if self.path_for(sha256).stat().st_mtime > cutoff:
                    continue
            except FileNotFoundError:
                continue
            self.remove(sha256)
            removed.append(sha256)
        return removed

    def unreferenced(self, referenced: Collection[str]) -> list[str]:
        """Stored content no record refers to and no live add is about to record: a crash's orphans."""
        pending = self._pending_hashes()
        return sorted(h for h in self.stored_hashes() if h not in referenced and h not in pending)

    def _remove_stale_incoming(self) -> None:
        """Remove what crashed adds left in ``.incoming`` (files no live process holds locked)."""
        for leftover in self._incoming.iterdir():
            remove_if_abandoned(leftover)

    # --- checking --------------------------------------------------------------------------

    def check(
        self,
        sha256: str,
        expected_size: int,
        *,
        progress: Progress | None = None,
        cancel: Cancel | None = None,
    ) -> ContentStatus:
        """Re-hash stored content: ``ok``, ``missing`` (absent or unreadable) or ``altered``."""
        path = self.path_for(sha256)
        try:
            if path.stat().st_size != expected_size:
                return "altered"
            with open(path, "rb", buffering=0) as reader:
                digest = hash_content(reader, progress, cancel)
        except OSError:
            return "missing"
        return "ok" if digest == sha256 else "altered"

    def permission_warning(self, sha256: str) -> str | None:
        """A warning when stored content can be written to (it should be read-only), else ``None``."""
        try:
            mode = self.path_for(sha256).stat().st_mode
        except OSError:
            return None
        if mode & WRITABLE_BITS:
            return (
                f"stored file {sha256[:12]} is writable (mode {stat.filemode(mode)}); it should be read-only"
            )
        return None


def copy_hashing(
    reader: FileIO,
    writer: Writer,
    source: Path,
    progress: Progress | None,
    cancel: Cancel | None,
    expected_size: int,
) -> tuple[str, int, bytes]:
    """Copy and hash in one pass; returns the SHA-256, the size and the first bytes.

    Stops one byte past *expected_size* (the size when the file was opened): a
    file still growing is then refused by the caller, never copied for ever.
    """
    digest = hashlib.sha256()
    buffer = bytearray(CHUNK_SIZE)
    view = memoryview(buffer)
    head = b""
    done = 0
    while True:
        if cancel is not None and cancel():
            raise CancelledError
        try:
            count = reader.readinto(buffer)
        except OSError as error:
            raise StoreError(f"cannot read {source}: {error.strerror or error}") from error
        if not count:
            break
        count = min(count, expected_size + 1 - done)
        chunk = view[:count]
        if not done:
            head = bytes(chunk[:SNIFF_BYTES])
        digest.update(chunk)
        while chunk:
            chunk = chunk[writer.write(chunk) or 0 :]
        done += count
        if progress is not None:
            progress(done)
        if done > expected_size:
            break
    return digest.hexdigest(), done, head


def hash_content(reader: BufferedIOBase | FileIO, progress: Progress | None, cancel: Cancel | None) -> str:
    """The SHA-256 of everything *reader* gives, read in chunks."""
    digest = hashlib.sha256()
    buffer = bytearray(CHUNK_SIZE)
    view = memoryview(buffer)
    done = 0
    while True:
        if cancel is not None and cancel():
            raise CancelledError
        count = reader.readinto(buffer)
        if not count:
            return digest.hexdigest()
        digest.update(view[:count])
        done += count
        if progress is not None:
            progress(done)


def write_verified_copy(store: ContentStore, sha256: str, target: Path) -> None:
    """Copy stored content to *target* (``0400``), checking its hash on the way out.

    The copy is written beside *target* and renamed into place only when its
    hash matched: a damaged stored copy raises :class:`StoreError` and leaves
    nothing at *target*.
    """
    temporary = target.with_name(f".{target.name}.{secrets.token_hex(4)}.part")
    digest = hashlib.sha256()
    try:
        with store.open(sha256) as reader, open(temporary, "xb") as writer:
            while chunk := reader.read(CHUNK_SIZE):
                digest.update(chunk)
                writer.write(chunk)
        if digest.hexdigest() != sha256:
            raise StoreError(
                f"the stored copy of {sha256[:12]} no longer matches its SHA-256; run Verify evidence"
            )
        os.chmod(temporary, READ_ONLY)
        os.replace(temporary, target)
    except OSError as error:
        _discard(temporary)
        raise StoreError(f"cannot write {target}: {error.strerror or error}") from error
    except BaseException:
        _discard(temporary)
        raise


def _write_error_message(source: Path, error: OSError) -> str:
    if error.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return f"the disk holding the workspace is full: {source.name} was not stored; free some space"
    if error.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return "the workspace is read-only, so no evidence can be added; check the folder's permissions"
    return f"cannot store {source.name} in the workspace: {error.strerror or error}"


def _discard(path: Path) -> None:
    """Remove a temporary file, read-only or not; one that resists is left to the next clean-up."""
    try:
        os.chmod(path, READ_ONLY | stat.S_IWUSR)
        path.unlink()
    except OSError:
        pass


def _touch(path: Path) -> None:
    """Mark stored content as just used, so :meth:`EvidenceStore.remove_unreferenced` spares it."""
    try:
        os.utime(path)
    except OSError:
        pass  # best effort: only the grace period of a concurrent clean-up depends on it


def _sync_directory(folder: Path) -> None:
    """Flush a rename to disk (POSIX; Windows cannot open a folder and commits renames itself)."""
    if os.name == "nt":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
