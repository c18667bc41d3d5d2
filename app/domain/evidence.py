"""A piece of evidence as screens, commands and exports use it."""

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True, slots=True, kw_only=True)
class EvidenceRow:
    """One evidence record with the refs of the controls it is linked to.

    ``collected_on`` is when the evidence was produced (a screenshot taken, a
    report run), not when it was added; ``covers_from``/``covers_to`` is the
    stretch of time it shows, ``as_of`` the single day it shows.
    """

    id: int
    engagement_id: int
    title: str
    file_name: str
    size: int
    sha256: str
    media_type: str
    collected_on: date | None = None
    covers_from: date | None = None
    covers_to: date | None = None
    as_of: date | None = None
    source_system: str = ""
    notes: str = ""
    added_at: datetime | None = None
    controls: list[str] = field(default_factory=list)
    original_name: str = ""
    """The file's own name when it was not UTF-8 (escaped, ``report-\\xff.txt``); ``file_name`` is safe."""

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready values; dates as ISO text, ``collected`` being the collected date."""

        def iso(value: date | None) -> str | None:
            return value.isoformat() if value is not None else None

        return {
            "id": self.id,
            "engagement_id": self.engagement_id,
            "title": self.title,
            "file_name": self.file_name,
            "size": self.size,
            "sha256": self.sha256,
            "media_type": self.media_type,
            "collected": iso(self.collected_on),
            "covers_from": iso(self.covers_from),
            "covers_to": iso(self.covers_to),
            "as_of": iso(self.as_of),
            "source_system": self.source_system,
            "notes": self.notes,
            "added_at": iso(self.added_at),
            "controls": list(self.controls),
            "original_name": self.original_name,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class EvidenceWarning:
    """A file about to be added that is probably a mistake; the user may still add it.

    ``kind`` is ``empty``, ``duplicate``, ``program`` or ``large``.
    """

    file_name: str
    kind: str
    message: str
