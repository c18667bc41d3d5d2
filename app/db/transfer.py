"""Copying every record of one workspace database into another (a local file <-> a team server).

Rows keep their ids, so every link stays as it was; tables are copied parents
first. The catalog (``criterion``) is written by the first migration on both
sides and must already agree; evidence content is the stores' business, so
the tables of the database store are left out.
"""

from collections.abc import Callable, Iterator
from typing import Any

from sqlalchemy import Table, func, insert, select
from sqlmodel import Session

from app.db.models import metadata

CATALOG_TABLE = "criterion"
CONTENT_TABLES = frozenset({"evidence_blob", "evidence_chunk"})
BATCH_ROWS = 1000


def copied_tables() -> list[Table]:
    """The tables a copy carries, parents before children."""
    return [t for t in metadata.sorted_tables if t.name != CATALOG_TABLE and t.name not in CONTENT_TABLES]


def tables_holding_rows(session: Session) -> list[str]:
    """The copied tables that hold at least one row (empty for a new workspace)."""
    return [
        table.name for table in copied_tables() if session.execute(select(table).limit(1)).first() is not None
    ]


def catalog_of(session: Session) -> set[tuple[Any, ...]]:
    """The criteria as (id, framework, ref): both sides of a copy must agree on them."""
    table = metadata.tables[CATALOG_TABLE]
    return {tuple(row) for row in session.execute(select(table.c.id, table.c.framework, table.c.ref))}


def _batches(session: Session, table: Table) -> Iterator[list[dict[str, Any]]]:
    key = list(table.primary_key.columns)
    result = session.execute(select(table).order_by(*key)).mappings()
    while batch := result.fetchmany(BATCH_ROWS):
        yield [dict(row) for row in batch]


def copy_rows(
    source: Session, target: Session, *, progress: Callable[[str, int], None] | None = None
) -> dict[str, int]:
    """Insert every row of the copied tables read in *source* into *target* (not committed).

    Returns the rows copied per table; *progress* hears (table, rows so far).
    """
    counts: dict[str, int] = {}
    for table in copied_tables():
        done = 0
        for batch in _batches(source, table):
            target.execute(insert(table), batch)
            done += len(batch)
            if progress is not None:
                progress(table.name, done)
        counts[table.name] = done
    if target.get_bind().dialect.name == "postgresql":
        _reset_id_sequences(target)
    return counts


def _reset_id_sequences(session: Session) -> None:
    """Let a PostgreSQL table's next id follow the highest id copied into it."""
    for table in copied_tables():
        if "id" not in table.c:
            continue
        highest = func.max(table.c.id)
        sequence = func.pg_get_serial_sequence(table.name, "id")
        session.execute(select(func.setval(sequence, func.coalesce(highest, 1), highest.is_not(None))))
