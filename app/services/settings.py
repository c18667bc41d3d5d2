"""Workspace-wide settings kept in the database: sampling conventions and the Type 1 evidence age.

Each setting is a JSON value under its key in the ``setting`` table; a
missing row means the default. Changes go into the change log (with no
engagement) like any other change.
"""

import json
import logging
from collections.abc import Mapping
from typing import Any

from sqlmodel import Session

from app.db.changelog import record_change
from app.db.models import Setting
from app.db.session import note
from app.domain.changes import Kind
from app.domain.sampling import (
    DEFAULT_CONVENTIONS,
    DEFAULT_TYPE1_MAX_AGE_DAYS,
    Convention,
    conventions_with,
)
from app.services.errors import InvalidInputError
from app.services.workspace import Workspace

log = logging.getLogger(__name__)

SAMPLING_CONVENTIONS = "sampling.conventions"
TYPE1_MAX_AGE_DAYS = "evidence.type1_max_age_days"
MAX_AGE_LIMIT_DAYS = 3650


def _write(session: Session, key: str, value: Any) -> None:
    row = session.get(Setting, key)
    old = None if row is None else row.value
    if old == value:
        return
    if row is None:
        row = Setting(key=key)
    row.value = value
    session.add(row)
    record_change(
        session,
        engagement_id=None,
        entity="setting",
        entity_id=None,
        entity_ref=key,
        field="value",
        old=None if old is None else json.dumps(old, sort_keys=True),
        new=json.dumps(value, sort_keys=True),
    )
    note(session, Kind.SETTINGS)


def read_sampling_conventions(session: Session) -> Mapping[str, Convention]:
    """The conventions table in force; a damaged stored value falls back to the defaults."""
    row = session.get(Setting, SAMPLING_CONVENTIONS)
    if row is None or not row.value:
        return DEFAULT_CONVENTIONS
    try:
        return conventions_with(row.value)
    except (ValueError, TypeError, AttributeError) as error:
        log.warning("ignoring the stored sampling conventions: %s", error)
        return DEFAULT_CONVENTIONS


def read_type1_max_age_days(session: Session) -> int:
    """How old evidence may be, in days before a Type 1's as-of date, before it is stale."""
    row = session.get(Setting, TYPE1_MAX_AGE_DAYS)
    if row is None:
        return DEFAULT_TYPE1_MAX_AGE_DAYS
    try:
        return _checked_age(row.value)
    except InvalidInputError as error:
        log.warning("ignoring the stored Type 1 evidence age: %s", error)
        return DEFAULT_TYPE1_MAX_AGE_DAYS


def get_sampling_conventions(workspace: Workspace) -> Mapping[str, Convention]:
    """Frequency (or ``automated`` / ``type-1``) -> occurrences a year and typical sample."""
    with workspace.session() as session:
        return read_sampling_conventions(session)


def set_sampling_conventions(workspace: Workspace, samples: Mapping[str, int]) -> Mapping[str, Convention]:
    """Replace the user's sample sizes (key -> sample); keys left out take the default again.

    Returns the table now in force; an unknown key or a bad sample is refused.
    """
    try:
        table = conventions_with(samples)
    except ValueError as error:
        raise InvalidInputError(str(error)) from error
    changed = {key: table[key].sample for key in table if table[key] != DEFAULT_CONVENTIONS[key]}
    with workspace.writing() as session:
        _write(session, SAMPLING_CONVENTIONS, changed)
        session.commit()
    return table


def get_type1_max_age_days(workspace: Workspace) -> int:
    with workspace.session() as session:
        return read_type1_max_age_days(session)


def set_type1_max_age_days(workspace: Workspace, days: int) -> int:
    """Set how many days before a Type 1's as-of date evidence may be collected (1 to 3650)."""
    days = _checked_age(days)
    with workspace.writing() as session:
        _write(session, TYPE1_MAX_AGE_DAYS, days)
        session.commit()
    return days


def _checked_age(days: Any) -> int:
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_AGE_LIMIT_DAYS:
        raise InvalidInputError(
            f"the evidence age limit must be a whole number of days from 1 to {MAX_AGE_LIMIT_DAYS}"
        )
    return days
