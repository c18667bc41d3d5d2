"""Finding the files to add as evidence: given files, and the files inside given folders.

A folder is walked without following links: a link inside it is never
followed (one pointing inside is skipped as a duplicate, one pointing out is
skipped and named), and named pipes, devices and sockets in it are skipped
and named. Every file is opened once to prove it can be read; files and
subfolders that cannot be read are named, never skipped in silence. Names
that are not valid UTF-8 are kept as the system gives them (surrogate
escapes) for reading, and shown and stored under :func:`safe_file_name`.
"""

import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from app.source_files import SourceFileError, display_path, kind_of, open_regular_file


@dataclass(frozen=True, slots=True)
class FoundFile:
    """A regular file that can be read: where it is, its size and modification time."""

    path: Path
    size: int
    mtime: float


@dataclass(slots=True)
class SourceScan:
    """What :func:`scan_sources` found: files, what it skipped (and why) and what it could not read."""

    files: list[FoundFile] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    not_regular: list[str] = field(default_factory=list)
    empty_folders: list[str] = field(default_factory=list)


def safe_file_name(name: str) -> str:
    """A file name that can be stored and printed: bytes that are not UTF-8 become U+FFFD."""
    return os.fsencode(name).decode("utf-8", "replace")


def original_name_bytes(name: str) -> bytes | None:
    """The name's bytes when they are not valid UTF-8 (to keep beside the safe name), else ``None``."""
    raw = os.fsencode(name)
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw
    return None


def _is_hidden(entry: os.DirEntry[str]) -> bool:
    if entry.name.startswith("."):
        return True
    try:
        attributes = getattr(entry.stat(follow_symlinks=False), "st_file_attributes", 0)
    except OSError:
        return False
    return bool(attributes & getattr(stat, "FILE_ATTRIBUTE_HIDDEN", 0))


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder)
    except (ValueError, OSError, RuntimeError):
        return False
    return True


def _check_file(path: Path, scan: SourceScan) -> None:
    try:
        fd, info = open_regular_file(path)
    except SourceFileError as error:
        scan.unreadable.append(str(error))
        return
    os.close(fd)
    scan.files.append(FoundFile(path, info.st_size, info.st_mtime))


def _walk(folder: Path, root: Path, scan: SourceScan) -> None:
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError as error:
        scan.unreadable.append(f"cannot read the folder {display_path(folder)}: {error.strerror or error}")
        return
    for entry in entries:
        path = Path(entry.path)
        if _is_hidden(entry):
            continue
        try:
            if entry.is_symlink():
                if not _inside(path, root):
                    scan.skipped.append(f"{display_path(path)} (a link to a place outside the folder)")
                continue  # a link inside the folder leads to something the walk finds itself
            info = entry.stat(follow_symlinks=False)
        except OSError as error:
            scan.unreadable.append(f"cannot read {display_path(path)}: {error.strerror or error}")
            continue
        if stat.S_ISDIR(info.st_mode):
            _walk(path, root, scan)
        elif stat.S_ISREG(info.st_mode):
            _check_file(path, scan)
        else:
            scan.skipped.append(f"{display_path(path)} ({kind_of(info.st_mode)})")


def scan_sources(paths: Iterable[str | Path]) -> SourceScan:
    """The files to add from *paths* (files, or folders walked recursively, hidden entries skipped)."""
    scan = SourceScan()
    for given in paths:
        path = Path(given)
        try:
            info = path.stat()
        except FileNotFoundError:
            scan.missing.append(display_path(path))
            continue
        except OSError as error:
            scan.unreadable.append(f"cannot read {display_path(path)}: {error.strerror or error}")
            continue
        if stat.S_ISDIR(info.st_mode):
            before = len(scan.files)
            _walk(path, path.resolve(), scan)
            if len(scan.files) == before and not scan.unreadable:
                scan.empty_folders.append(display_path(path))
        elif stat.S_ISREG(info.st_mode):
            _check_file(path, scan)
        else:
            scan.not_regular.append(f"{display_path(path)} is {kind_of(info.st_mode)}, not a regular file")
    return scan
