"""A copy of the workspace database that can be restored, as screens and commands list it."""

from dataclasses import dataclass
from datetime import date
from typing import Any

KIND_WORDS = {
    "daily": "Daily copy",
    "before-migration": "Before an upgrade",
    "replaced": "Put aside by a restore",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class BackupRow:
    """One restorable copy: its file name (how it is chosen), when it was made, what made it, its size."""

    id: int
    name: str
    made_on: date
    kind: str
    size: int

    @property
    def kind_words(self) -> str:
        return KIND_WORDS.get(self.kind, self.kind)

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "made_on": self.made_on.isoformat(), "kind": self.kind, "size": self.size}
