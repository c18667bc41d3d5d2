"""Scratch work inside the workspace: found and removed by the next run when a process dies.

A process doing scratch work (an export being assembled, a backup being
copied, evidence being stored) holds an exclusive lock on its scratch entry
for as long as it works on it. The lock dies with the process, however it
ends, so whoever opens the workspace next can tell a live entry from a
crash's leftover without guessing from ages: an entry it can lock is
abandoned and is removed. Where locks are not available (Windows), entries
older than a day count as abandoned.

Layout: ``<workspace>/scratch/<name>.lock`` (the lock) beside
``<workspace>/scratch/<name>/`` (the work), or a single locked file.
"""

import os
import secrets
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from app.private_files import FILE_MODE, make_private_folder

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

SCRATCH_DIR_NAME = "scratch"
LOCK_SUFFIX = ".lock"
UNLOCKED_STALE_SECONDS = 24 * 3600.0


def hold_lock(fd: int) -> bool:
    """Take an exclusive lock on the open file *fd* without waiting; False when someone holds it."""
    if fcntl is None:
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def is_abandoned(path: Path) -> bool:
    """Whether no live process holds the lock of the scratch file *path* (a crash's leftover)."""
    if fcntl is None:
        try:
            return path.stat().st_mtime < time.time() - UNLOCKED_STALE_SECONDS
        except OSError:
            return False
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        return hold_lock(fd)
    finally:
        os.close(fd)


def _names(path: Path, fd: int) -> bool:
    """Whether *path* still names the file open as *fd*."""
    try:
        named, held = os.stat(path), os.fstat(fd)
    except OSError:
        return False
    return (named.st_dev, named.st_ino) == (held.st_dev, held.st_ino)


def create_locked(path: Path) -> int:
    """Create the new file *path* (``0600``), hold its lock and return the open descriptor.

    A sweeper can find the file in the instant between its creation and the
    lock and take it for a crash's leftover; it removes only what it holds
    locked (:func:`remove_if_abandoned`), so the file is then made again: what
    is returned is always locked and named *path*.
    """
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), FILE_MODE)
        hold_lock(fd)
        if _names(path, fd):
            return fd
        os.close(fd)


def remove_if_abandoned(path: Path, *belonging: Path) -> bool:
    """Remove the scratch file *path* (and *belonging*, the work it guards) when no live process holds
    its lock; returns whether it did. The lock is held while removing, so a maker that takes it
    afterwards finds its file gone and makes it again (:func:`create_locked`)."""
    if fcntl is None:
        if not _older_than(path, UNLOCKED_STALE_SECONDS):
            return False
        for item in (*belonging, path):
            remove_path(item)
        return True
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        if not hold_lock(fd):
            return False
        for item in (*belonging, path):
            remove_path(item)
        return True
    finally:
        os.close(fd)


def remove_path(path: Path) -> None:
    """Remove a file or a folder tree, read-only entries included; what resists is left for next time."""
    if path.is_dir() and not path.is_symlink():
        for folder, _subfolders, _files in os.walk(path):
            with suppress(OSError):
                os.chmod(folder, 0o700)  # entries of a folder without write permission cannot be removed
        shutil.rmtree(path, ignore_errors=True)
        return
    with suppress(OSError):
        os.chmod(path, FILE_MODE)  # Windows removes no read-only file
        path.unlink()


class ScratchArea:
    """The workspace's ``scratch/`` folder."""

    def __init__(self, workspace_dir: Path) -> None:
        self.root = workspace_dir / SCRATCH_DIR_NAME

    def sweep(self) -> list[str]:
        """Remove every abandoned entry; returns the names removed."""
        try:
            entries = sorted(self.root.iterdir())
        except OSError:
            return []
        locks = {
            entry.name[: -len(LOCK_SUFFIX)]: entry for entry in entries if entry.name.endswith(LOCK_SUFFIX)
        }
        removed = []
        for entry in entries:
            if entry.name.endswith(LOCK_SUFFIX):
                continue
            lock = locks.get(entry.name)
            if lock is not None:
                gone = remove_if_abandoned(lock, entry)
            elif entry.is_dir():  # its lock is gone: a crash's leftover once no maker can be at work
                gone = _older_than(entry, 60.0)
                if gone:
                    remove_path(entry)
            else:
                gone = remove_if_abandoned(entry)
            if gone:
                removed.append(entry.name)
        for name, lock in locks.items():
            if not (self.root / name).exists():
                remove_if_abandoned(lock)
        return removed

    @contextmanager
    def folder(self, prefix: str) -> Iterator[Path]:
        """A new private folder for the duration of the block, removed afterwards (or by the next sweep)."""
        make_private_folder(self.root)
        name = f"{prefix}-{secrets.token_hex(6)}"
        lock = self.root / f"{name}{LOCK_SUFFIX}"
        fd = create_locked(lock)
        try:
            folder = self.root / name
            folder.mkdir(mode=0o700)
            try:
                yield folder
            finally:
                remove_path(folder)
        finally:
            os.close(fd)
            with suppress(OSError):
                lock.unlink()

    @contextmanager
    def file(self, prefix: str, suffix: str = "") -> Iterator[tuple[int, Path]]:
        """A new private file, locked and open for writing (fd, path); removed afterwards unless the
        caller has renamed it away."""
        make_private_folder(self.root)
        path = self.root / f"{prefix}-{secrets.token_hex(6)}{suffix}"
        fd = create_locked(path)
        try:
            yield fd, path
        finally:
            os.close(fd)
            remove_path(path)


def _older_than(path: Path, seconds: float) -> bool:
    try:
        return path.stat().st_mtime < time.time() - seconds
    except OSError:
        return False
