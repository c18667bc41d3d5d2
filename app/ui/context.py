"""What every page shares: the workspace, the current engagement, the undo stack, and change notices
(its own, and other people's, found by polling the change log)."""

import logging
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Qt, QThread, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from app.domain.changes import NOTHING, Changes, Kind
from app.domain.engagements import EngagementRow
from app.locations import resolve_user
from app.services.changes import changes_since, latest_change_id
from app.services.engagements import get_engagement
from app.services.errors import EditConflictError, NotFoundError, WorkbenchError
from app.services.workspace import Workspace
from app.ui.interaction import Interaction
from app.ui.tasks import Task, TaskBar, Work, start_task
from app.ui.window_state import WindowState

log = logging.getLogger(__name__)
T = TypeVar("T")


class AppContext(QObject):
    """Shared state of the window, complete when constructed.

    Signals:
        changed(object): the workspace's data changed (a :class:`~app.domain.changes.Changes`);
            every service that writes announces what it changed, from whichever thread
            committed, and the notice arrives here on the GUI thread.
        engagement_selected(object): another engagement became the current one (id or ``None``).
        navigate(object): go to ``("control", id)``, ``("control-field", (id, "owner"))``,
            ``("criterion", "CC6.1")``, or do a step of the path, ``("step", "seed")`` (see
            :meth:`~app.ui.main_window.MainWindow.navigate`).
        others_changed(object): a poll found changes others made (a tuple of their names); they
            were announced through ``changed`` like the window's own.

    ``home_state`` is the window state of the local workspace (the team server to open, the
    user's name), ``window_state`` that of the workspace shown (the same one when it is local).
    """

    changed = Signal(object)
    engagement_selected = Signal(object)
    navigate = Signal(object)
    others_changed = Signal(object)
    _announced = Signal(object)

    def __init__(
        self,
        workspace: Workspace,
        interaction: Interaction,
        window_state: WindowState,
        home_state: WindowState | None = None,
    ) -> None:
        super().__init__()
        self.workspace = workspace
        self.interaction = interaction
        self.window_state = window_state
        self.home_state = home_state or window_state
        self._seen_change = self._latest_change()
        self._versions: dict[tuple[str, int], int] = {}
        self.undo_stack = QUndoStack(self)
        self.released_content: set[str] = set()
        """The stored content of evidence deleted in this window: kept while Undo may bring it
        back, removed when the window closes unless a record uses it again."""
        self.task_bar = TaskBar()
        self.tasks: list[Task] = []
        self._engagement_id: int | None = None
        self._engagement: EngagementRow | None = None
        self._announced.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        workspace.listeners.append(self._announce)

    # --- change notices -------------------------------------------------------------------

    def _announce(self, changes: Changes) -> None:
        """Called by the workspace after a commit, in the committing thread."""
        if QThread.currentThread() == self.thread():
            self._deliver(changes)
        else:
            self._announced.emit(changes)

    def _deliver(self, changes: Changes) -> None:
        if changes.touches(Kind.ENGAGEMENT, Kind.SCOPE):
            self._engagement = None
        self.changed.emit(changes)

    def _latest_change(self) -> int:
        try:
            return latest_change_id(self.workspace)
        except WorkbenchError as error:
            log.warning("cannot read the change log: %s", error)
            return 0

    def poll_changes(self) -> Changes:
        """Announce what others changed since the last poll (another window, command or person);
        the window's timer calls this. An unreachable server is logged and tried again next time."""
        try:
            news = changes_since(self.workspace, self._seen_change)
        except WorkbenchError as error:
            log.warning("cannot poll the change log: %s", error)
            return NOTHING
        self._seen_change = news.last_id
        if news.changes:
            self._deliver(news.changes)
            self.others_changed.emit(news.by)
        return news.changes

    # --- record versions ------------------------------------------------------------------

    def seen_version(self, entity: str, record_id: int, shown: int | None = None) -> int | None:
        """The newest version of a record this window has seen: *shown* (on screen) or one its own
        saves produced; a save based on it is refused only when someone else changed the record."""
        known = [v for v in (self._versions.get((entity, record_id)), shown) if v is not None]
        return max(known) if known else None

    def saved(self, entity: str, rows: Iterable[Any]) -> None:
        """Remember the versions this window's saves gave records (read models with ``id``, ``version``)."""
        for row in rows:
            self._versions[(entity, row.id)] = row.version

    def set_user_name(self, name: str) -> None:
        """Record *name* with every change made from now on (empty: the login name), and keep it."""
        name = " ".join(name.split())
        self.home_state.user_name = name
        self.workspace.author.name = name or resolve_user()

    def detach(self) -> None:
        """Stop hearing of the workspace's changes (the window is closing)."""
        if self._announce in self.workspace.listeners:
            self.workspace.listeners.remove(self._announce)

    # --- the current engagement -----------------------------------------------------------

    @property
    def engagement_id(self) -> int | None:
        return self._engagement_id

    def engagement(self) -> EngagementRow | None:
        """The current engagement as stored now, or ``None``.

        Read once and kept until the engagement changes or another one is chosen.
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

    def set_engagement(self, engagement_id: int | None) -> None:
        if engagement_id != self._engagement_id:
            self._engagement_id = engagement_id
            self._engagement = None
            self.undo_stack.clear()
            self.engagement_selected.emit(engagement_id)

    # --- doing things ---------------------------------------------------------------------

    def push(self, command: QUndoCommand) -> bool:
        """Do an undoable action: its ``redo()`` runs now. False when it was refused (not kept)."""
        self.undo_stack.push(command)
        return bool(getattr(command, "done", True))

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

    def run(self, title: str, action: Callable[[], T]) -> T | None:
        """Run a service call; a refusal is shown to the user and ``None`` returned."""
        try:
            return action()
        except EditConflictError as error:
            self.interaction.error(title, str(error))
            self.poll_changes()
            self._deliver(error.reload)  # the current values, even if the poll had already seen them
            return None
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
