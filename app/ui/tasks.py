"""Long work off the GUI thread: a runnable with a small signal carrier, and the status-bar task bar.

The work is a plain function ``work(progress, cancel)``: it reports
``progress(done, total)`` and stops early when ``cancel()`` returns True
(services raise ``CancelledError`` then). Results and errors come back to
the GUI thread through queued signals.
"""

import logging
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from app.services.errors import CancelledError, WorkbenchError

log = logging.getLogger(__name__)
Work = Callable[[Callable[[int, int], None], Callable[[], bool]], Any]
PROGRESS_INTERVAL = 0.1


class TaskSignals(QObject):
    """Signals:
    progress(object, object): bytes or items done, and the total.
    succeeded(object): the work's result.
    failed(str): a message for the user.
    cancelled(): the user cancelled; the work left nothing behind.
    """

    progress = Signal(object, object)
    succeeded = Signal(object)
    failed = Signal(str)
    cancelled = Signal()


class Task(QRunnable):
    """Runs *work* on the thread pool; ``cancel()`` asks it to stop."""

    def __init__(self, title: str, work: Work) -> None:
        super().__init__()
        self.title = title
        self.work = work
        self.signals = TaskSignals()
        self._cancel = False
        self._last_report = 0.0
        self.setAutoDelete(False)

    def cancel(self) -> None:
        self._cancel = True

    def _progress(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self._last_report >= PROGRESS_INTERVAL or done >= total:
            self._last_report = now
            self.signals.progress.emit(done, total)

    def run(self) -> None:
        """Work that finishes despite a late cancel still succeeds: services undo nothing they completed."""
        try:
            result = self.work(self._progress, lambda: self._cancel)
        except CancelledError:
            self.signals.cancelled.emit()
        except WorkbenchError as error:
            self.signals.failed.emit(str(error))
        except Exception:
            log.exception("%s failed", self.title)
            self.signals.failed.emit(f"{self.title} failed unexpectedly; details are in the log file.")
        else:
            self.signals.succeeded.emit(result)


class TaskBar(QWidget):
    """The status-bar strip showing the running task with a progress bar and Cancel.

    Signals:
        (none of its own; it follows the running :class:`Task`.)
    """

    def __init__(self) -> None:
        super().__init__()
        self.task: Task | None = None
        self.label = QLabel()
        self.bar = QProgressBar()
        self.bar.setMaximumWidth(220)
        self.bar.setTextVisible(True)
        self.cancel_button = QPushButton("Cancel")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel_button)
        self.cancel_button.clicked.connect(self.cancel)
        self.hide()

    def start(self, task: Task) -> None:
        self.task = task
        self.label.setText(task.title)
        self.bar.setRange(0, 0)
        self.cancel_button.setEnabled(True)
        task.signals.progress.connect(self._progress)
        for signal in (task.signals.succeeded, task.signals.failed, task.signals.cancelled):
            signal.connect(lambda *_args, finished=task: self._finished(finished))
        self.show()

    def _progress(self, done: int, total: int) -> None:
        if total:
            self.bar.setRange(0, 1000)
            self.bar.setValue(int(1000 * done / total))

    def _finished(self, task: Task) -> None:
        """Hide the bar, unless another task (one the finished task's result started) shows in it now."""
        if self.task is task:
            self.task = None
            self.hide()

    def cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self.cancel_button.setEnabled(False)
            self.label.setText(f"{self.task.title} — cancelling…")


def start_task(task: Task, bar: TaskBar | None = None) -> Task:
    """Queue *task* on the global thread pool (shown in *bar* when given)."""
    if bar is not None:
        bar.start(task)
    QThreadPool.globalInstance().start(task)
    return task
