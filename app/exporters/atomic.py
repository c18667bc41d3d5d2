"""Writing a file for a user: assembled in the workspace's scratch folder, then moved into place.

The file is written in full inside the workspace (``scratch/``, locked while
it is written, swept by the next start after a crash), so a killed export
never leaves a full-size hidden file in the user's folder. Only the last step
touches the target's folder: a rename when the scratch folder is on the same
disk, otherwise a copy to a short-lived ``.<name>.<random>.part`` beside the
target that is renamed onto it. (The trade-off: across disks, a kill during
that final copy can still leave one ``.part`` file beside the target; writing
the scratch copy on the target's disk instead would put every export's
scratch work there.) The final file gets the mode the user's umask gives a
new file, never the workspace's private mode.

Without a scratch folder (:func:`scratch_in` not active), the temporary file
is written beside the target, as before.
"""

import os
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from app.scratch import ScratchArea

_scratch: ContextVar[Path | None] = ContextVar("export_scratch", default=None)


@contextmanager
def scratch_in(workspace_dir: Path) -> Iterator[None]:
    """Within the block, :func:`atomic_path` assembles files in *workspace_dir*'s scratch folder."""
    token = _scratch.set(workspace_dir)
    try:
        yield
    finally:
        _scratch.reset(token)


def user_file_mode() -> int:
    """The mode the user's umask gives a new file (``0o644`` at umask ``022``)."""
    mask = os.umask(0o077)
    os.umask(mask)
    return 0o666 & ~mask


@contextmanager
def scratch_folder(name: str, *, beside: Path) -> Iterator[Path]:
    """A folder for work in progress (the parts of a package): in the workspace's scratch folder
    when :func:`scratch_in` is active, else a temporary folder in *beside*."""
    workspace_dir = _scratch.get()
    if workspace_dir is None:
        with tempfile.TemporaryDirectory(prefix=".soc-workbench-", dir=beside) as folder:
            yield Path(folder)
        return
    with ScratchArea(workspace_dir).folder(name) as folder:
        yield folder


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """A temporary path, moved onto *target* when the block succeeds.

    On any exception (a cancel included) the temporary file is removed and
    *target* is left as it was: a crash never leaves half a file.
    """
    workspace_dir = _scratch.get()
    if workspace_dir is None:
        with _beside(target) as temporary:
            yield temporary
        return
    with ScratchArea(workspace_dir).file("export", target.suffix) as (_fd, temporary):
        yield temporary
        with temporary.open("r+b") as written:
            os.fsync(written.fileno())
        os.chmod(temporary, user_file_mode())
        if os.stat(temporary).st_dev == os.stat(target.parent).st_dev:
            os.replace(temporary, target)
        else:
            with _beside(target) as copy:
                shutil.copyfile(temporary, copy)


@contextmanager
def _beside(target: Path) -> Iterator[Path]:
    temporary = target.with_name(f".{target.name}.{secrets.token_hex(4)}.part")
    try:
        yield temporary
        with temporary.open("r+b") as written:
            os.fsync(written.fileno())
        os.chmod(temporary, user_file_mode())
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
