"""What happened to an engagement: change-log entries and exports made."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


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
