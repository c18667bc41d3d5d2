"""An engagement's rows as plain values, and those rows inserted again as a new engagement.

Which tables belong to an engagement is read from the schema, not listed:
``engagement`` itself, every table with a foreign key to a table that
belongs (``control``, ``evidence``, ``evidence_control`` and any table added
later), and the change log's entries of the engagement. A foreign key to a
table that does not belong (a criterion of the catalog) is carried as the
referenced row's unique key (framework and ref), so it finds the same row in
another workspace whatever its id there.

Values are JSON-ready: dates and times as ISO text, bytes as base64.
"""

import base64
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import Column, Table, UniqueConstraint, insert, or_, select
from sqlmodel import Session

from app.db.models import metadata

ENGAGEMENT = "engagement"
CHANGE_LOG = "change_log"
LOG_ENTITY_TABLES = {
    "engagement": "engagement",
    "control": "control",
    "evidence": "evidence",
    "objective": "control_objective",
    "cuec": "cuec",
    "subservice": "subservice_org",
    "description": "engagement",
    "policy questionnaire": "engagement",
    "incident": "incident",
    "policy": "policy",
    "request": "audit_request",
    "exception": "control_exception",
}
"""The table of the records the change log names by entity (their ids are renumbered on import)."""

Rows = dict[str, list[dict[str, Any]]]
References = dict[str, dict[str, dict[str, Any]]]
"""Table -> old id (as text) -> the unique key of a referenced row outside the engagement."""


class CopyError(Exception):
    """The rows cannot be inserted as they are; ``str(error)`` says why in one line."""


def engagement_tables() -> list[Table]:
    """The tables holding an engagement's data, parents before children (the change log last)."""
    belonging = {ENGAGEMENT}
    tables = [metadata.tables[ENGAGEMENT]]
    for table in metadata.sorted_tables:
        if table.name not in belonging and any(
            key.column.table.name in belonging for column in table.columns for key in column.foreign_keys
        ):
            belonging.add(table.name)
            tables.append(table)
    return [*tables, metadata.tables[CHANGE_LOG]]


def _links(table: Table) -> list[tuple[Column[Any], Table]]:
    """The foreign-key columns of *table* and the table each refers to."""
    return [(column, key.column.table) for column in table.columns for key in column.foreign_keys]


def _unique_key(table: Table) -> list[str]:
    for constraint in table.constraints:
        if isinstance(constraint, UniqueConstraint):
            return [column.name for column in constraint.columns]
    raise CopyError(f"rows of {table.name} cannot be matched between workspaces")


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    return value


def read_engagement(session: Session, engagement_id: int) -> tuple[Rows, References]:
    """Every row of the engagement (see the module) as plain values, and the rows it refers to outside."""
    tables = engagement_tables()
    names = {table.name for table in tables}
    ids: dict[str, set[int]] = {ENGAGEMENT: {engagement_id}}
    rows: Rows = {}
    references: References = {}
    for table in tables:
        if table.name == ENGAGEMENT:
            where = table.c.id == engagement_id
        elif table.name == CHANGE_LOG:
            where = table.c.engagement_id == engagement_id
        else:
            where = or_(
                *(column.in_(ids[target.name]) for column, target in _links(table) if target.name in ids)
            )
        found = [dict(row._mapping) for row in session.execute(select(table).where(where)).all()]
        if "id" in table.c:
            ids[table.name] = {row["id"] for row in found}
        for column, target in _links(table):
            if target.name not in names:
                wanted = {row[column.name] for row in found if row[column.name] is not None}
                references.setdefault(target.name, {}).update(_referenced(session, target, wanted))
        rows[table.name] = [{name: _plain(value) for name, value in row.items()} for row in found]
    return rows, references


def _referenced(session: Session, table: Table, ids: Iterable[int]) -> dict[str, dict[str, Any]]:
    key = _unique_key(table)
    selected = select(table.c.id, *(table.c[name] for name in key)).where(table.c.id.in_(list(ids)))
    return {str(row[0]): dict(zip(key, row[1:], strict=True)) for row in session.execute(selected).all()}


def _value(column: Column[Any], value: Any) -> Any:
    """A plain value back as the column's Python type."""
    if value is None or isinstance(value, bool | int | float | dict | list):
        return value
    try:
        kind = getattr(column.type, "impl", column.type).python_type
    except NotImplementedError:
        return value
    if kind is datetime:
        return datetime.fromisoformat(value)
    if kind is date:
        return date.fromisoformat(value)
    if kind is bytes:
        return base64.b64decode(value, validate=True)
    return value


def insert_engagement(session: Session, rows: Rows, references: References, *, name: str) -> int:
    """Insert *rows* (as :func:`read_engagement` gives them) as a new engagement called *name*; every
    id is new. Returns the new engagement's id. Raises :class:`CopyError` (nothing flushed is kept:
    the caller rolls back) when a row refers to something that is not there."""
    tables = engagement_tables()
    new_ids: dict[str, dict[int, int]] = {}
    for table in tables:
        mapping = new_ids.setdefault(table.name, {})
        for row in rows.get(table.name, []):
            unknown = set(row) - set(table.c.keys())
            if unknown:
                raise CopyError(f"{table.name} has no column {sorted(unknown)[0]} in this version")
            values = {name: _value(table.c[name], value) for name, value in row.items()}
            if table.name == ENGAGEMENT:
                values["name"] = name
            elif table.name == CHANGE_LOG:
                _renumber_log_entry(values, new_ids)
            for column, target in _links(table):
                values[column.name] = _new_id(
                    session, column, target, values.get(column.name), new_ids, references
                )
            old_id = values.pop("id", None) if "id" in table.c else None
            if old_id is None or "id" not in table.c:
                session.execute(insert(table).values(values))
                continue
            mapping[int(old_id)] = session.execute(
                insert(table).values(values).returning(table.c.id)
            ).scalar_one()
    engagement = new_ids[ENGAGEMENT]
    if len(engagement) != 1:
        raise CopyError("it holds no engagement")
    return next(iter(engagement.values()))


def _renumber_log_entry(values: dict[str, Any], new_ids: dict[str, dict[int, int]]) -> None:
    values["engagement_id"] = next(iter(new_ids[ENGAGEMENT].values()))
    table = LOG_ENTITY_TABLES.get(values.get("entity", ""))
    old = values.get("entity_id")
    values["entity_id"] = new_ids.get(table or "", {}).get(old) if old is not None else None


def _new_id(
    session: Session,
    column: Column[Any],
    target: Table,
    old: Any,
    new_ids: dict[str, dict[int, int]],
    references: References,
) -> int | None:
    if old is None:
        return None
    if target.name in new_ids:
        found = new_ids[target.name].get(int(old))
        if found is None:
            raise CopyError(f"a row of {column.table.name} refers to a {target.name} it does not hold")
        return found
    key = references.get(target.name, {}).get(str(old))
    if key is None:
        raise CopyError(f"a row of {column.table.name} refers to a {target.name} it does not describe")
    where = [target.c[name] == value for name, value in key.items()]
    match = session.execute(select(target.c.id).where(*where)).scalar_one_or_none()
    if match is None:
        shown = " ".join(str(value) for value in key.values())
        raise CopyError(f"it refers to {target.name} {shown}, which this version does not know")
    return int(match)
