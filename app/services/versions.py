"""Refusing a save based on an old version of a record: no update is ever lost.

A service that changes a versioned record (:mod:`app.db.versions`) takes the
version its caller read; inside its writing transaction (writers queue) it
calls :func:`check_version` before writing anything. When someone else saved
the record since, the save is refused with an :class:`EditConflictError`
saying who changed what to what.
"""

from collections.abc import Callable

from sqlmodel import Session

from app.db.versions import changes_after, entity_of
from app.domain.changes import ENTITY_KINDS, Changes
from app.domain.wording import counted
from app.services.errors import EditConflictError

SHOWN_VALUE_LENGTH = 60


def _shown(value: str | None) -> str:
    if not value:
        return "nothing"
    text = " ".join(value.split())
    return f"“{text[: SHOWN_VALUE_LENGTH - 1]}…”" if len(text) > SHOWN_VALUE_LENGTH else f"“{text}”"


def check_version(
    session: Session,
    record: object,
    expected: int | None,
    *,
    what: str,
    label: Callable[[str], str] = lambda field: field.replace("_", " "),
) -> None:
    """Refuse the save when *record* (described as *what*, e.g. ``control AC-01``) no longer has
    the version *expected* its caller read; ``None`` means the caller read no version."""
    current = getattr(record, "version")  # noqa: B009 (a versioned record of any table)
    if expected is None or current == expected:
        return
    record_id = getattr(record, "id")  # noqa: B009
    entity = entity_of(record)
    edits = [c for c in changes_after(session, entity, record_id, expected) if c.field not in ("created",)]
    kind = ENTITY_KINDS.get(entity)
    reload = Changes.of(kind, [record_id]) if kind is not None else Changes()
    after = "after you read it, so your change was not saved. Check the current values and make it again"
    if not edits:
        raise EditConflictError(
            f"{what} was changed by someone else {after}.", field="", value=None, changed_by="", reload=reload
        )
    last = edits[-1]
    who = last.changed_by or "Someone else"
    fields = {change.field for change in edits} - {last.field}
    more = f" (and {counted(len(fields), 'other field')})" if fields else ""
    raise EditConflictError(
        f"{who} changed the {label(last.field)} of {what} to {_shown(last.new_value)}{more} {after}.",
        field=last.field,
        value=last.new_value,
        changed_by=last.changed_by,
        reload=reload,
    )
