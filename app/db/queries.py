"""Reads written as SQL for speed: the control matrix, read on every opening of the Controls page.

Services call these with their session; nothing outside ``app/db`` writes SQL. The SQL suits
both a local SQLite file and a team's PostgreSQL server: where they differ (joining values into
one string, parameter markers), the session's dialect chooses.
"""

from collections.abc import Sequence
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, String, Table, cast, func, select
from sqlmodel import Session

from app.db.models import Control, ControlCriterion, Criterion
from app.domain.catalog import load_catalog
from app.domain.controls import STORED_FIELDS, SUMMARY_FIELDS, ControlRow

CONTROL: Table = Control.__table__  # type: ignore[attr-defined]
CONTROL_CRITERION: Table = ControlCriterion.__table__  # type: ignore[attr-defined]
CRITERION: Table = Criterion.__table__  # type: ignore[attr-defined]

_SUMMARY_COLUMNS = (
    "id",
    "engagement_id",
    "version",
    *(name for name in STORED_FIELDS if name in SUMMARY_FIELDS),
)
_SUMMARY_QUERY = (
    f"SELECT {', '.join(f'c.{name}' for name in _SUMMARY_COLUMNS)},"
    " (SELECT {joined} FROM control_criterion m WHERE m.control_id = c.id)"
    " FROM control c WHERE c.engagement_id = {marker} ORDER BY c.ref"
)
SUMMARY_QUERIES = {
    "sqlite": _SUMMARY_QUERY.format(joined="group_concat(m.criterion_id)", marker="?"),
    "postgresql": _SUMMARY_QUERY.format(
        joined="string_agg(m.criterion_id::text, ',' ORDER BY m.criterion_id)", marker="%s"
    ),
}
"""The :data:`SUMMARY_FIELDS` of every control of an engagement, criteria as row ids, per dialect."""


def joined_text(session: Session, column: Any) -> ColumnElement[str]:
    """The aggregate that joins *column*'s values of a group with commas, in the session's dialect."""
    if session.get_bind().dialect.name == "postgresql":
        return func.string_agg(cast(column, String), ",")
    return func.group_concat(column, ",")


@cache
def criterion_ranks() -> dict[str, int]:
    """Criterion ref -> its position in report order."""
    return {criterion.id: position for position, criterion in enumerate(load_catalog().criteria)}


def control_summaries(session: Session, engagement_id: int) -> list[ControlRow]:
    """The matrix's usual columns of every control with its criteria, in ref order, in one query.

    The long texts are left empty: enough to paint the matrix at once.
    """
    connection = session.connection()
    catalog = connection.exec_driver_sql("SELECT id, sort_order, ref FROM criterion ORDER BY id").all()
    names = {str(row_id): ref for row_id, _order, ref in catalog}
    order = {str(row_id): position for row_id, position, _ref in catalog}
    # Criterion ids come back in ascending order; they need sorting only if that is not report order.
    in_report_order = [position for _id, position, _ref in catalog] == sorted(p for _i, p, _r in catalog)
    rows = []
    make = ControlRow.from_columns
    key = _SUMMARY_COLUMNS.index("is_key")
    query = SUMMARY_QUERIES[connection.dialect.name]
    for *values, joined in connection.exec_driver_sql(query, (engagement_id,)).all():
        values[key] = bool(values[key])  # SQLite hands back 0 or 1
        keys = joined.split(",") if joined else []
        if not in_report_order:
            keys.sort(key=order.__getitem__)
        rows.append(make(_SUMMARY_COLUMNS, values, [names[key] for key in keys]))
    return rows


def criteria_of(
    session: Session, control_ids: Sequence[int] | None, engagement_id: int
) -> dict[int, list[str]]:
    """Control id -> its criterion refs in report order (one grouped query)."""
    statement = (
        select(CONTROL_CRITERION.c.control_id, joined_text(session, CRITERION.c.ref))
        .join(CRITERION, CRITERION.c.id == CONTROL_CRITERION.c.criterion_id)
        .join(CONTROL, CONTROL.c.id == CONTROL_CRITERION.c.control_id)
        .where(CONTROL.c.engagement_id == engagement_id)
        .group_by(CONTROL_CRITERION.c.control_id)
    )
    if control_ids is not None:
        statement = statement.where(CONTROL_CRITERION.c.control_id.in_(control_ids))
    rank = criterion_ranks()
    mapping: dict[int, list[str]] = {}
    for control_id, joined in session.execute(statement).all():
        refs = joined.split(",")
        if len(refs) > 1:
            refs.sort(key=rank.__getitem__)
        mapping[control_id] = refs
    return mapping


def control_rows(
    session: Session, engagement_id: int, control_ids: Sequence[int] | None = None
) -> list[ControlRow]:
    """Every field of the engagement's controls (or of these of them) in ref order."""
    names = ("id", "engagement_id", "version", *STORED_FIELDS)
    statement = (
        select(*(CONTROL.c[name] for name in names))
        .where(CONTROL.c.engagement_id == engagement_id)
        .order_by(CONTROL.c.ref)
    )
    if control_ids is not None:
        statement = statement.where(CONTROL.c.id.in_(control_ids))
    mapping = criteria_of(session, control_ids, engagement_id)
    make = ControlRow.from_columns
    return [make(names, record, mapping.get(record[0], [])) for record in session.execute(statement).all()]
