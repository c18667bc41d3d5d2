"""What every page shares: the workspace, the current engagement, and change signals."""

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QObject, QSettings, Signal
from PySide6.QtGui import QUndoStack

from app.db.models import Engagement
from app.services.engagements import get_engagement
from app.services.errors import NotFoundError, WorkbenchError
from app.services.workspace import Workspace
from app.ui.interaction import Interaction
from app.ui.tasks import Task, TaskBar, Work, start_task

log = logging.getLogger(__name__)
T = TypeVar("T")


class AppContext(QObject):
    """Shared state of the window.

    Signals:
        engagement_changed(object): the current engagement switched (id or ``None``)
            or its scope or details changed.
        engagements_changed(): engagements were created, renamed or deleted.
        data_changed(): something was written to the workspace (the status bar says "saved").
        controls_added(list): new ``ControlRow``s of the current engagement.
        controls_updated(list): changed ``ControlRow``s.
        controls_removed(list): ids of deleted controls.
        navigate(object): go to ``("control", id)``, ``("criterion", "CC6.1")`` or another target.
        evidence_changed(): evidence was added, changed, linked or removed.
    """

    engagement_changed = Signal(object)
    engagements_changed = Signal()
    data_changed = Signal()
    controls_added = Signal(list)
    controls_updated = Signal(list)
    controls_removed = Signal(list)
    navigate = Signal(object)
    evidence_changed = Signal()

    def __init__(
        self, workspace: Workspace, interaction: Interaction, settings: QSettings | None = None
    ) -> None:
        super().__init__()
        self.workspace = workspace
        self.interaction = interaction
        self.settings = settings
        self.undo_stack = QUndoStack(self)
        self.task_bar: TaskBar | None = None
        self.tasks: list[Task] = []
        self._engagement_id: int | None = None
        self._engagement: Engagement | None = None
        for signal in (self.data_changed, self.engagement_changed, self.engagements_changed):
            signal.connect(self._forget_engagement)

    @property
    def engagement_id(self) -> int | None:
        return self._engagement_id

    def engagement(self) -> Engagement | None:
        """The current engagement as stored now, or ``None``.

        Read once and kept until something is written or another engagement is chosen.
        """
        if self._engagement_id is None:
            return None
        if self._engagement is None or self._engagement.id != self._engagement_id:
            try:
                self._engagement = get_engagement(self.workspace, self._engagement_id)
            except NotFoundError:
                self._engagement_id = None
                return None
        return self._engagement

    def _forget_engagement(self, *_args: Any) -> None:
        self._engagement = None

    def set_engagement(self, engagement_id: int | None) -> None:
        if engagement_id != self._engagement_id:
            self._engagement_id = engagement_id
            self.undo_stack.clear()
            self.engagement_changed.emit(engagement_id)

    def start(
        self,
        title: str,
        work: Work,
        on_success: Callable[[Any], None],
        on_cancel: Callable[[], None] | None = None,
    ) -> Task:
        """Run long *work* off the GUI thread with progress and Cancel in the status bar.

        A failure is shown to the user; success calls *on_success* with the result.
        """
        task = Task(title, work)
        self.tasks.append(task)

        def done() -> None:
            if task in self.tasks:
                self.tasks.remove(task)

        def succeeded(result: Any) -> None:
            done()
            self.data_changed.emit()
            on_success(result)

        def failed(message: str) -> None:
            done()
            self.interaction.error(title, message)

        def cancelled() -> None:
            done()
            if on_cancel is not None:
                on_cancel()

        task.signals.succeeded.connect(succeeded)
        task.signals.failed.connect(failed)
        task.signals.cancelled.connect(cancelled)
        return start_task(task, self.task_bar)

    def run(self, title: str, action: Callable[[], T], *, writes: bool = True) -> T | None:
        """Run a service call; a refusal is shown to the user and ``None`` returned.

        A call that *writes* announces ``data_changed`` when it succeeds.
        """
        try:
            result = action()
        except WorkbenchError as error:
            self.interaction.error(title, str(error))
            return None
        except Exception:
            log.exception("%s failed", title)
            self.interaction.error(
                title,
                "Something unexpected went wrong; nothing further was changed. "
                f"Details are in {self.workspace.log_path}.",
            )
            return None
        if writes:
            self.data_changed.emit()
        return result
