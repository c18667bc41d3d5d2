"""What happened to an engagement: change-log entries and exports made."""

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any


@dataclass(frozen=True, slots=True, kw_only=True)
class ChangeRow:
    """One entry of the append-only change log: when, what, the old and the new value."""

    id: int
    at: datetime
    engagement_id: int | None
    entity: str
    entity_id: int | None
    entity_ref: str
    field: str
    old_value: str | None = None
    new_value: str | None = None

    @property
    def subject(self) -> str:
        """What changed, in words: ``control AC-01``, ``evidence Access review``."""
        return f"{self.entity} {self.entity_ref}".strip()

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
