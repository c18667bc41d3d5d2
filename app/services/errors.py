"""Errors a user can act on; their message is one plain line."""

from app.domain.changes import Changes


class WorkbenchError(Exception):
    """Something the user asked for cannot be done; ``str(error)`` says why."""


class NotFoundError(WorkbenchError):
    """An engagement, control, criterion or file that does not exist."""


class ConflictError(WorkbenchError):
    """The request clashes with what is stored (a duplicate name or ref)."""


class EditConflictError(ConflictError):
    """Someone else changed the record after the caller read it; nothing was saved.

    ``field``, ``value`` and ``changed_by`` name the other person's latest change
    (empty when the change log does not say); ``reload`` is what the caller
    should read again to show the current values.
    """

    def __init__(
        self, message: str, *, field: str, value: str | None, changed_by: str, reload: Changes
    ) -> None:
        super().__init__(message)
        self.field = field
        self.value = value
        self.changed_by = changed_by
        self.reload = reload


class InvalidInputError(WorkbenchError):
    """A value the workbench cannot accept (wrong vocabulary, bad date, bad file)."""


class CancelledError(WorkbenchError):
    """The user cancelled a long operation; nothing was changed."""
