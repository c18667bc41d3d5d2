"""Keeping the workspace private: who may read its folder and files (POSIX modes).

The workspace holds a company's audit preparation and its evidence, so on
POSIX its folder is ``0700``, its files ``0600`` and stored evidence ``0400``,
whatever the user's umask. Modes are given when a file or folder is created
(never left to the umask) and tightened again when a workspace opens, for
files written by older versions or by other programs (Qt's ``window.ini``).
Windows keeps a user's profile folder private by itself; there these
functions change nothing.
"""

import os
import stat
from pathlib import Path

FOLDER_MODE = 0o700
FILE_MODE = 0o600
EVIDENCE_MODE = 0o400
POSIX = os.name == "posix"


def make_private_folder(path: Path) -> None:
    """Create *path* (and missing parents) and make the folder itself ``0700``."""
    path.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
    restrict(path, FOLDER_MODE)


def create_private_file(path: Path) -> None:
    """Create *path* empty with mode ``0600`` unless it exists (then only tighten its mode)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        restrict(path, FILE_MODE)
        return
    os.close(fd)
    restrict(path, FILE_MODE)


def restrict(path: Path, mode: int) -> None:
    """Take away every permission beyond *mode* (owned files only; others are left alone)."""
    if not POSIX:
        return
    try:
        info = path.lstat()
    except FileNotFoundError:
        return
    if stat.S_ISLNK(info.st_mode) or info.st_uid != os.getuid():
        return
    if stat.S_IMODE(info.st_mode) & ~mode:
        os.chmod(path, stat.S_IMODE(info.st_mode) & mode)


def tighten_workspace(folder: Path, subfolders: tuple[str, ...]) -> None:
    """Make the workspace folder ``0700``, its top-level files ``0600`` and the named subfolders
    (and their files, one level down) private as well; evidence content is handled by the store.

    Best effort: a file that cannot be changed (a read-only medium) keeps its mode.
    """
    if not POSIX:
        return
    for path, mode in _workspace_entries(folder, subfolders):
        try:
            restrict(path, mode)
        except OSError:
            continue


def _workspace_entries(folder: Path, subfolders: tuple[str, ...]) -> list[tuple[Path, int]]:
    entries: list[tuple[Path, int]] = [(folder, FOLDER_MODE)]
    for parent in (folder, *(folder / name for name in subfolders)):
        try:
            children = list(parent.iterdir())
        except OSError:
            continue
        if parent != folder:
            entries.append((parent, FOLDER_MODE))
        for child in children:
            if child.is_symlink():
                continue
            if child.is_file():
                entries.append((child, FILE_MODE))
            elif child.is_dir() and parent == folder:
                entries.append((child, FOLDER_MODE))
    return entries


def is_writable_folder(path: Path) -> bool:
    """Whether files can be created in *path* (permissions and a read-only mount both count)."""
    if not os.access(path, os.W_OK | os.X_OK):
        return False
    try:
        return not os.statvfs(path).f_flag & os.ST_RDONLY if hasattr(os, "statvfs") else True
    except OSError:
        return True
