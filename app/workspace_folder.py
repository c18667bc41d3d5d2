"""Preparing the workspace folder when it opens: private, swept of scratch, writable or not.

The folder holds ``workbench.db`` (with its ``-wal`` and ``-shm``), the log,
``window.ini``, the ``evidence/`` store, ``backups/`` and ``scratch/``.
"""

from pathlib import Path

from app.locations import EVIDENCE_DIR_NAME, LOG_NAME
from app.private_files import create_private_file, is_writable_folder, make_private_folder, tighten_workspace
from app.scratch import ScratchArea

PRIVATE_SUBFOLDERS = ("backups", "scratch", "view")
"""Subfolders whose files are made ``0600`` on open (evidence content is the store's business)."""


def prepare_workspace_folder(path: Path, *, evidence: bool = True) -> bool:
    """Create the folder (``0700``) on first use, tighten modes, sweep abandoned scratch work and
    create the log file private; returns whether the folder can be written. The ``evidence/``
    store is made unless *evidence* is False (a team workspace keeps its evidence on the server).

    A folder that cannot be written (a read-only copy or mount) is left exactly
    as it is: the workspace then opens read-only.
    """
    if not path.exists():
        make_private_folder(path)
    if not is_writable_folder(path):
        return False
    make_private_folder(path)
    if evidence:
        (path / EVIDENCE_DIR_NAME).mkdir(mode=0o700, exist_ok=True)
    tighten_workspace(path, PRIVATE_SUBFOLDERS)
    ScratchArea(path).sweep()
    create_private_file(path / LOG_NAME)
    return True
