"""Every row of a workspace's tables, whichever backend keeps them: to prove what a service left alone."""

import json
from collections.abc import Collection
from typing import Any

from sqlalchemy import text

from app.db.models import metadata
from app.services.workspace import Workspace


def _hashable(value: Any) -> Any:
    """PostgreSQL hands JSON columns back parsed; SQLite as their text."""
    return json.dumps(value, sort_keys=True) if isinstance(value, list | dict) else value


def table_rows(workspace: Workspace, *, leave_out: Collection[str] = ()) -> dict[str, set[tuple[Any, ...]]]:
    """Table name -> its rows as the database holds them (tables in *leave_out* skipped)."""
    with workspace.engine.connect() as connection:
        return {
            table.name: {
                tuple(_hashable(value) for value in row)
                for row in connection.execute(text(f'SELECT * FROM "{table.name}"'))
            }
            for table in metadata.sorted_tables
            if table.name not in leave_out
        }
