"""What undo keeps of deleted records so that it can put them back."""

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Snapshot:
    """Records of one table as they were, and the rows of other tables that linked to them.

    ``links`` holds (table, column pointing at the record, row) triples. Only
    the database layer reads the contents; everyone else hands it back.
    """

    table: str
    rows: tuple[dict[str, Any], ...]
    links: tuple[tuple[str, str, dict[str, Any]], ...] = ()

    @property
    def ids(self) -> list[int]:
        """The ids the records had."""
        return [int(row["id"]) for row in self.rows]
