"""Changes to the system found in the change log, one line per item, for management to review.

The description's "significant changes" section and the bridge letter's
"changes since the report" both start here. Of everything the change log
records, only what could change what a reader of the report understands is
kept: controls, control objectives, CUECs and subservice organizations
added, removed or changed in substance, and the system's name or summary.
Status, evidence, gaps, notes and the like are left out. The lines are
candidates: management decides which changes are significant.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol

from app.domain.controls import FIELDS_BY_NAME
from app.domain.periods import format_day

CREATED = "created"
DELETED = "deleted"

SUBSTANTIVE_FIELDS: dict[str, frozenset[str]] = {
    "control": frozenset(
        {"title", "description", "criteria", "owner", "frequency", "nature", "control_type", "systems"}
    ),
    "objective": frozenset({"title", "description", "kind", "controls"}),
    "cuec": frozenset({"description", "related_criteria"}),
    "subservice": frozenset({"name", "services", "method", "csocs"}),
    "engagement": frozenset({"system_name", "system_description"}),
}
"""Per kind of record, the fields whose change may matter to a reader (besides adding and removing)."""

_SUBJECTS = {
    "control": "Control",
    "objective": "Control objective",
    "cuec": "CUEC",
    "subservice": "Subservice organization",
    "engagement": "Engagement",
}
_FIELD_NAMES = {
    "controls": "controls",
    "kind": "kind",
    "related_criteria": "related criteria",
    "services": "services",
    "method": "carve-out or inclusive",
    "csocs": "controls expected of it",
    "name": "name",
    "system_name": "system name",
    "system_description": "system summary",
}


class ChangeLogEntry(Protocol):
    """One change-log row (the change log table's rows fit)."""

    @property
    def at(self) -> datetime: ...

    @property
    def entity(self) -> str: ...

    @property
    def entity_ref(self) -> str: ...

    @property
    def field(self) -> str: ...


@dataclass(frozen=True, slots=True)
class SystemChange:
    """One item that changed: added, removed, or fields changed, between *first* and *last*."""

    subject: str
    """``Control AC-01``."""
    what: str
    """``added``, ``removed``, ``added and removed again`` or ``changed: description, systems``."""
    first: date
    last: date

    @property
    def when(self) -> str:
        """``3 Feb 2026`` or ``3 Feb 2026 to 5 Mar 2026``."""
        if self.first == self.last:
            return format_day(self.first)
        return f"{format_day(self.first)} to {format_day(self.last)}"

    @property
    def text(self) -> str:
        """``Control AC-01 changed: description, systems (3 Feb 2026 to 5 Mar 2026)``."""
        return f"{self.subject} {self.what} ({self.when})"


@dataclass
class _Item:
    subject: str
    first: date
    last: date
    added: bool = False
    removed: bool = False
    fields: list[str] = field(default_factory=list)


def _field_name(entity: str, name: str) -> str:
    if entity == "control" and name in FIELDS_BY_NAME:
        return FIELDS_BY_NAME[name].label.lower()
    return _FIELD_NAMES.get(name, name.replace("_", " "))


def system_changes(entries: Iterable[ChangeLogEntry], start: date, end: date) -> tuple[SystemChange, ...]:
    """The changes recorded from *start* to *end* (both days included), oldest first.

    Several edits of one item make one line listing the fields changed; an
    item added in the stretch is listed as added (its later edits are part
    of adding it), one removed as removed.
    """
    items: dict[tuple[str, str], _Item] = {}
    for entry in sorted(entries, key=lambda entry: entry.at):
        day = entry.at.date()
        if not start <= day <= end or entry.entity not in SUBSTANTIVE_FIELDS:
            continue
        if entry.field not in (CREATED, DELETED) and entry.field not in SUBSTANTIVE_FIELDS[entry.entity]:
            continue
        subject = f"{_SUBJECTS[entry.entity]} {entry.entity_ref}".strip()
        item = items.setdefault((entry.entity, entry.entity_ref), _Item(subject, day, day))
        item.last = day
        if entry.field == CREATED:
            item.added = True
        elif entry.field == DELETED:
            item.removed = True
        else:
            name = _field_name(entry.entity, entry.field)
            if name not in item.fields:
                item.fields.append(name)
    changes = []
    for item in items.values():
        if item.added and item.removed:
            what = "added and removed again"
        elif item.added:
            what = "added"
        elif item.removed:
            what = "removed"
        else:
            what = f"changed: {', '.join(item.fields)}"
        changes.append(SystemChange(item.subject, what, item.first, item.last))
    return tuple(sorted(changes, key=lambda change: (change.first, change.subject)))
