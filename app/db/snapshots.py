"""Records as they were, with every row linking them to others: what undo puts back after a delete.

The rows a snapshot must carry are not listed by hand: every table with a
foreign key to the record's table (``evidence_control``, ``objective_control``,
``control_criterion`` and any link table added later) is found in the schema,
so a new link table cannot be forgotten by undo.
"""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Column, Table, exists, insert, select
from sqlmodel import Session

from app.db.changelog import record_change
from app.db.models import metadata
from app.domain.snapshots import Snapshot

ENTITY_NAMES = {
    "control": "control",
    "control_objective": "objective",
    "cuec": "cuec",
    "subservice_org": "subservice",
}
"""The change log's name for the records of a table."""
_REF_COLUMNS = ("ref", "name", "title", "file_name")


def _table(name: str) -> Table:
    return metadata.tables[name]


def dependent_links(table: Table) -> list[tuple[Table, Column[Any]]]:
    """Every (table, column) whose foreign key points at *table*'s id, in schema order."""
    links = []
    for other in metadata.sorted_tables:
        if other is table:
            continue
        for column in other.columns:
            if any(key.column.table is table for key in column.foreign_keys):
                links.append((other, column))
    return links


def take_snapshot(session: Session, table_name: str, ids: Sequence[int]) -> Snapshot:
    """The records with these ids and every row that links to them, read in *session*."""
    table = _table(table_name)
    rows = tuple(
        dict(row._mapping) for row in session.execute(select(table).where(table.c.id.in_(list(ids)))).all()
    )
    links: list[tuple[str, str, dict[str, Any]]] = []
    for other, column in dependent_links(table):
        for row in session.execute(select(other).where(column.in_(list(ids)))).all():
            links.append((other.name, column.name, dict(row._mapping)))
    return Snapshot(table_name, rows, tuple(links))


def _refers_to_existing(session: Session, table: Table, row: dict[str, Any], skip: str) -> bool:
    """Whether every record *row* refers to (but through *skip*) still exists."""
    for column in table.columns:
        if column.name == skip or row.get(column.name) is None:
            continue
        for key in column.foreign_keys:
            target = key.column
            if not session.execute(select(exists().where(target == row[column.name]))).scalar():
                return False
    return True


def restore_snapshot(session: Session, snapshot: Snapshot, *, at: datetime) -> dict[int, int]:
    """Put the records back (under their old id when it is free) with their links; log each.

    Links to records that are gone since are left out. Returns old id -> id now.
    """
    table = _table(snapshot.table)
    ids: dict[int, int] = {}
    for row in snapshot.rows:
        values = dict(row)
        taken = session.execute(select(exists().where(table.c.id == values["id"]))).scalar()
        if taken:
            values.pop("id")
        new_id = session.execute(insert(table).values(values).returning(table.c.id)).scalar_one()
        ids[row["id"]] = new_id
        record_change(
            session,
            engagement_id=values.get("engagement_id"),
            entity=ENTITY_NAMES.get(table.name, table.name),
            entity_id=new_id,
            entity_ref=str(next((values[c] for c in _REF_COLUMNS if c in values), "")),
            field="restored",
            new=str(next((values[c] for c in ("title", "name", "ref") if c in values), "")),
            at=at,
        )
    for link_table, column, row in snapshot.links:
        values = dict(row, **{column: ids[row[column]]})
        other = _table(link_table)
        if _refers_to_existing(session, other, values, column):
            session.execute(insert(other).values(values))
    return ids
