"""Other people's changes: what the change log holds since a given entry.

A window polls this to show edits made by another member of the team (or by
another window or command on the same file) without a restart; the changes
it made itself (the workspace's ``own_change_ids``) are left out, since they
were announced when they were committed.
"""

from dataclasses import dataclass

from app.db.changelog import changes_after_id, last_change_id
from app.domain.changes import NOTHING, Changes, change_notice
from app.services.workspace import Workspace

POLL_LIMIT = 5000
"""Change-log rows read per poll at most; the next poll reads on from there."""


@dataclass(frozen=True, slots=True)
class NewChanges:
    """What others changed since an entry of the change log: the notice, who, and the newest entry."""

    changes: Changes
    by: tuple[str, ...]
    last_id: int


def latest_change_id(workspace: Workspace) -> int:
    """The newest entry of the change log (0 for none): where a poll starts."""
    with workspace.session() as session:
        return last_change_id(session)


def changes_since(workspace: Workspace, change_log_id: int) -> NewChanges:
    """The change notice for the change-log entries after *change_log_id* that this workspace did not
    write itself, who wrote them, and the newest entry read."""
    with workspace.session() as session:
        rows = changes_after_id(session, change_log_id, limit=POLL_LIMIT)
    own = workspace.own_change_ids
    changes = NOTHING
    by: dict[str, None] = {}
    for row in rows:
        if row.id in own:
            own.discard(row.id)
            continue
        changes = changes | change_notice(row.entity, row.field, row.entity_id, row.engagement_id)
        by[row.changed_by or "someone"] = None
    last = rows[-1].id if rows else change_log_id
    return NewChanges(changes, tuple(by), last)
