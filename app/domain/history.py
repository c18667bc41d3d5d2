"""What happened to an engagement: change-log entries and exports made."""

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from app.domain.controls import CONTROL_FIELDS, FIELDS_BY_NAME
from app.domain.vocab import ControlType, Frequency, Nature, ObjectiveKind, Status, SubserviceMethod, label

VOCABULARY_VALUES = frozenset(
    member.value
    for enum in (Status, Frequency, Nature, ControlType, ObjectiveKind, SubserviceMethod)
    for member in enum
)
"""Stored vocabulary values, which the change log shows in words."""


_CHOICE_FIELDS = frozenset(spec.name for spec in CONTROL_FIELDS if spec.kind == "choice")


@dataclass(frozen=True, slots=True, kw_only=True)
class ChangeRow:
    """One entry of the append-only change log: when, what, the old and the new value, and who."""

    id: int
    at: datetime
    engagement_id: int | None
    entity: str
    entity_id: int | None
    entity_ref: str
    field: str
    old_value: str | None = None
    new_value: str | None = None
    changed_by: str = ""

    @property
    def subject(self) -> str:
        """What changed, in words: ``control AC-01``, ``evidence Access review``."""
        return f"{self.entity} {self.entity_ref}".strip()

    def shown(self, value: str | None) -> str:
        """*value* (this entry's old or new) as the window shows it: a vocabulary word in words."""
        if value is None:
            return ""
        if self.entity == "control" and self.field in _CHOICE_FIELDS:
            return label(value)
        return value

    @property
    def local_time(self) -> str:
        """When, in the computer's time zone, to the minute (the log keeps UTC)."""
        at = self.at if self.at.tzinfo is not None else self.at.replace(tzinfo=UTC)
        return at.astimezone().strftime("%Y-%m-%d %H:%M")

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready values; ``at`` as ISO text in UTC."""
        at = self.at if self.at.tzinfo is not None else self.at.replace(tzinfo=UTC)
        return {
            "id": self.id,
            "at": at.isoformat(),
            "entity": self.entity,
            "entity_id": self.entity_id,
            "entity_ref": self.entity_ref,
            "field": self.field,
            "old": self.old_value,
            "new": self.new_value,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class ExportRecordRow:
    """An export made for an engagement, with the snapshot the next package is compared with."""

    id: int
    engagement_id: int
    at: datetime
    kind: str
    path: str
    manifest_sha256: str = ""
    snapshot: dict[str, Any] = field(default_factory=dict)


def _words(key: str) -> str:
    return key.replace("_", " ").replace("-", " ").capitalize()


def _readable(value: Any, depth: int = 0) -> str:
    """A JSON value in words: mappings as ``Name: value`` lines, lists joined, yes and no for booleans."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, list):
        items = [_readable(item, depth + 1) for item in value]
        if any(len(item) > 40 for item in items):  # sentences: one per line
            return "".join(f"\n{'  ' * (depth + 1)}- {item}" for item in items)
        return ", ".join(items)
    if isinstance(value, dict):
        if set(value) == {"value", "reason"}:
            return f"{_readable(value['value'], depth + 1)} (reason: {value['reason'] or '—'})"
        indent = "  " * depth
        lines = [f"{indent}{_words(str(key))}: {_readable(item, depth + 1)}" for key, item in value.items()]
        return "\n" + "\n".join(lines) if depth else "\n".join(lines)
    return str(value)


def readable_field(entity: str, field: str) -> str:
    """A change-log field in words (``system_name`` -> ``System name``); controls use their labels."""
    if entity == "control":
        spec = FIELDS_BY_NAME.get(field)
        if spec is not None:
            return spec.label
    return _words(field)


def readable_change_value(text: str | None) -> str:
    """A change-log value as people read it: vocabulary in words (``Not started``), yes or no,
    and the scoping answers, recommendation and overrides as ``Question: answer`` lines instead of JSON."""
    if text is None:
        return ""
    if text.startswith(("{", "[")):
        try:
            return _readable(json.loads(text))
        except ValueError:
            return text
    if text in VOCABULARY_VALUES:
        return label(text)
    return {"yes": "Yes", "no": "No"}.get(text, text)
