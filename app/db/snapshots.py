"""Records as they were, with every row linking them to others: what undo puts back after a delete.

The rows a snapshot must carry are not listed by hand: every table with a
foreign key to the record's table (``evidence_control``, ``objective_control``,
``control_criterion`` and any link table added later) is found in the schema,
so a new link table cannot be forgotten by undo. Rows the delete cascades to
further down are carried too (a control's drawn sample, the sample's items,
their evidence links and exceptions), so undo puts back everything the delete
took away.
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
    "audit_request": "request",
    "control_exception": "exception",
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


def _key(table: Table, row: dict[str, Any]) -> tuple[str, tuple[Any, ...]]:
    return table.name, tuple(row[column.name] for column in table.primary_key.columns)


def take_snapshot(session: Session, table_name: str, ids: Sequence[int]) -> Snapshot:
    """The records with these ids and every row that links to them, read in *session*.

    Linking rows are followed further down: rows linking to a linking row
    (which has an ``id`` of its own) come along as well, each once.
    """
    table = _table(table_name)
    rows = tuple(
        dict(row._mapping) for row in session.execute(select(table).where(table.c.id.in_(list(ids)))).all()
    )
    links: list[tuple[str, str, dict[str, Any]]] = []
    seen: set[tuple[str, tuple[Any, ...]]] = set()
    pending: list[tuple[Table, list[int]]] = [(table, list(ids))]
    while pending:
        parent, parent_ids = pending.pop(0)
        for other, column in dependent_links(parent):
            found: list[int] = []
            for row in session.execute(select(other).where(column.in_(parent_ids))).all():
                values = dict(row._mapping)
                if _key(other, values) in seen:
                    continue
                seen.add(_key(other, values))
                links.append((other.name, column.name, values))
                if "id" in other.c:
                    found.append(values["id"])
            if found:
                pending.append((other, found))
    return Snapshot(table_name, rows, tuple(links))


def _refers_to_existing(session: Session, table: Table, row: dict[str, Any]) -> bool:
    """Whether every record *row* refers to still exists."""
    for column in table.columns:
        if row.get(column.name) is None:
            continue
        for key in column.foreign_keys:
            target = key.column
            if not session.execute(select(exists().where(target == row[column.name]))).scalar():
                return False
    return True


def _insert(session: Session, table: Table, values: dict[str, Any]) -> int | None:
    """Insert *values* (under their old id when it is free); the id the row has now (``None``: none)."""
    if "id" not in table.c:
        session.execute(insert(table).values(values))
        return None
    if session.execute(select(exists().where(table.c.id == values["id"]))).scalar():
        values.pop("id")
    return int(session.execute(insert(table).values(values).returning(table.c.id)).scalar_one())


def restore_snapshot(session: Session, snapshot: Snapshot, *, at: datetime) -> dict[int, int]:
    """Put the records back (under their old id when it is free) with their links; log each.

    Linking rows are put back parents first, each reference following the id
    its target has now; rows referring to records that are gone since (or were
    not put back) are left out. Returns old id -> id now of the records.
    """
    table = _table(snapshot.table)
    new_ids: dict[str, dict[int, int]] = {table.name: {}}
    for row in snapshot.rows:
        values = dict(row)
        new_id = _insert(session, table, values)
        assert new_id is not None
        new_ids[table.name][row["id"]] = new_id
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
    order = {other.name: position for position, other in enumerate(metadata.sorted_tables)}
    left_out: set[tuple[str, int]] = set()
    for link_table, _column, row in sorted(snapshot.links, key=lambda link: order[link[0]]):
        other = _table(link_table)
        values = dict(row)
        skip = False
        for column in other.columns:
            for key in column.foreign_keys:
                target, old = key.column.table.name, values.get(column.name)
                if old is None:
                    continue
                skip = skip or (target, old) in left_out
                values[column.name] = new_ids.get(target, {}).get(old, old)
        if skip or not _refers_to_existing(session, other, values):
            if "id" in other.c:
                left_out.add((other.name, row["id"]))
            continue
        new_id = _insert(session, other, values)
        if new_id is not None:
            new_ids.setdefault(other.name, {})[row["id"]] = new_id
    return new_ids[table.name]
