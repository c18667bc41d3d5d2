"""Errors a user can act on; their message is one plain line."""


class WorkbenchError(Exception):
    """Something the user asked for cannot be done; ``str(error)`` says why."""


class NotFoundError(WorkbenchError):
    """An engagement, control, criterion or file that does not exist."""


class ConflictError(WorkbenchError):
    """The request clashes with what is stored (a duplicate name or ref)."""


class InvalidInputError(WorkbenchError):
    """A value the workbench cannot accept (wrong vocabulary, bad date, bad file)."""


class CancelledError(WorkbenchError):
    """The user cancelled a long operation; nothing was changed."""
