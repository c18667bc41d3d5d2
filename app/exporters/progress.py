"""Progress and cancellation of one export, shared by every writer."""

from collections.abc import Callable
from dataclasses import dataclass

from app.exporters.errors import ExportCancelled

Progress = Callable[[int, int], None]
"""Called with the work done so far and the total."""
Cancel = Callable[[], bool]
"""Returns True once the user asked to stop."""


@dataclass
class Tracker:
    """Counts the rows written, tells the caller, and stops the export when it is cancelled."""

    report: Progress | None
    cancel: Cancel | None
    total: int
    done: int = 0

    def check(self) -> None:
        """Raise :class:`ExportCancelled` once the user asked to stop."""
        if self.cancel is not None and self.cancel():
            raise ExportCancelled("export cancelled")

    def advance(self, rows: int) -> None:
        """Count *rows* as done, tell the caller, and stop if cancelled."""
        self.check()
        self.done += rows
        if self.report is not None:
            self.report(self.done, self.total)

    def finish(self) -> None:
        """Tell the caller everything is done (the file is in place; too late to cancel)."""
        self.done = self.total
        if self.report is not None:
            self.report(self.done, self.total)
