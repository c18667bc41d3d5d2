"""One window per workspace: a lock file in the workspace holding the window's process id.

Qt's ``QLockFile`` writes the process id, host and program name, and takes
over a lock whose process has died (a crash leaves no lasting lock).
Command-line runs take no lock: they rely on the database's own locking and
work beside an open window.
"""

from pathlib import Path

from PySide6.QtCore import QLockFile

WINDOW_LOCK_NAME = "window.lock"


class WorkspaceLock:
    """The lock a window holds on its workspace folder while it is open."""

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / WINDOW_LOCK_NAME
        self._lock = QLockFile(str(self.path))
        self._lock.setStaleLockTime(0)  # stale only when its process is gone, however old

    def acquire(self) -> bool:
        """Take the lock now; False when a live window of another process holds it."""
        return bool(self._lock.tryLock(0))

    def holder(self) -> int | None:
        """The process id of the window holding the lock (``None`` if it cannot be read)."""
        info = self._lock.getLockInfo()
        return int(info[0]) if info and info[0] else None

    def release(self) -> None:
        if self._lock.isLocked():
            self._lock.unlock()
