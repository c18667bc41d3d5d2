"""Opening a file a user pointed at: only regular files, never blocking, said plainly when not.

Opening a named pipe for reading waits for a writer forever, and a device
can be endless; both are refused before a byte is read. The file is opened
without blocking, then checked with ``fstat`` on the open descriptor (what
is read is what was checked, even if the name is swapped meanwhile).
"""

import os
import stat
from pathlib import Path


class SourceFileError(Exception):
    """The path is not a regular file that can be read; ``str(error)`` says why in one line."""


_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISSOCK, "a socket"),
)


def kind_of(mode: int) -> str:
    """What a non-regular file is, in plain words."""
    for test, words in _KINDS:
        if test(mode):
            return words
    return "not a regular file"


def display_path(path: Path | str) -> str:
    """*path* as text that can always be printed (bytes that are not UTF-8 shown as U+FFFD)."""
    return os.fsencode(path).decode("utf-8", "replace")


def open_regular_file(path: Path, *, follow_links: bool = True) -> tuple[int, os.stat_result]:
    """An open read-only descriptor on the regular file *path* and its ``fstat``; the caller closes it.

    Links are followed to their target unless *follow_links* is False (then a
    link is refused). Raises :class:`SourceFileError` for a missing or
    unreadable file and for anything that is not a regular file.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    if not follow_links:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    name = display_path(path)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise SourceFileError(f"{name}: no such file") from None
    except OSError as error:
        if not follow_links and os.path.islink(path):
            raise SourceFileError(f"{name} is a link; it was not followed") from None
        raise SourceFileError(f"cannot read {name}: {error.strerror or error}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise SourceFileError(f"{name} is {kind_of(info.st_mode)}, not a regular file")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return fd, info


def unchanged(before: os.stat_result, fd: int, path: Path, copied: int) -> bool:
    """Whether the file read through *fd* stayed as it was when opened (*before*) while *copied*
    bytes were read: same size and modification time, and *path* still names it."""
    after = os.fstat(fd)
    try:
        named = os.stat(path)
    except OSError:
        return False
    return (
        copied == before.st_size == after.st_size == named.st_size
        and before.st_mtime_ns == after.st_mtime_ns == named.st_mtime_ns
        and (named.st_dev, named.st_ino) == (before.st_dev, before.st_ino)
    )
