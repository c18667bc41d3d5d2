"""What a SQLite error means for the user, in one plain sentence.

SQLite reports a full disk as "database or disk is full" only when it notices
it itself; a failed write to the journal or the shared-memory file comes back
as "disk I/O error". Both are told as a full disk when the disk is full.
"""

import errno
import os
import sqlite3
from pathlib import Path

SQLITE_BUSY = 5
SQLITE_LOCKED = 6
SQLITE_READONLY = 8
SQLITE_IOERR = 10
SQLITE_CORRUPT = 11
SQLITE_FULL = 13
SQLITE_CANTOPEN = 14
SQLITE_NOTADB = 26

BUSY = (
    "The workspace database is busy: another SOC Workbench window or command is writing to it. "
    "Nothing was changed; try again in a moment."
)
FULL = "The disk holding the workspace is full. Nothing was changed; free some space and try again."
READ_ONLY = (
    "The workspace is read-only, so nothing can be changed; it can still be read. "
    "Check the folder's permissions, or copy the workspace somewhere you can write."
)
MIN_FREE_BYTES = 1 << 20
"""Less free space than this on the workspace's disk makes a disk I/O error a full disk."""


def _code(error: BaseException) -> int | None:
    original = getattr(error, "orig", error)
    code = getattr(original, "sqlite_errorcode", None)
    return None if code is None else int(code) & 0xFF


def disk_is_full(folder: Path) -> bool:
    """Whether the disk holding *folder* has (next to) no space left."""
    if not hasattr(os, "statvfs"):
        return False
    try:
        info = os.statvfs(folder)
    except OSError:
        return False
    return info.f_bavail * info.f_frsize < MIN_FREE_BYTES


def describe_database_error(error: BaseException, folder: Path | None = None) -> str | None:
    """The message for a busy, full or read-only database, or ``None`` for any other error.

    *folder* (the workspace) lets a disk I/O error be recognised as a full disk.
    """
    original = getattr(error, "orig", error)
    code = _code(error)
    text = str(original).lower()
    if code in (SQLITE_BUSY, SQLITE_LOCKED) or "locked" in text or "busy" in text:
        return BUSY
    if code == SQLITE_FULL or "disk is full" in text:
        return FULL
    if isinstance(original, OSError) and original.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        return FULL
    if code == SQLITE_IOERR or "disk i/o error" in text:
        if folder is not None and disk_is_full(folder):
            return FULL
        return None
    if code == SQLITE_READONLY or "readonly" in text or "read-only" in text:
        return READ_ONLY
    return None


def is_damage(error: BaseException) -> bool:
    """Whether the error says the file is damaged or not a database at all."""
    if isinstance(getattr(error, "orig", error), sqlite3.DatabaseError):
        code = _code(error)
        text = str(getattr(error, "orig", error)).lower()
        return code in (SQLITE_CORRUPT, SQLITE_NOTADB) or "malformed" in text or "not a database" in text
    return False
