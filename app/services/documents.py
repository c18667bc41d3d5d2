"""The documents around the matrix: the description's saved sections, the incidents, and the drafts.

What management writes for each section of the system description is kept
per engagement and section key (a section the SOC 1 and SOC 2 descriptions
share is written once); the text of a section whose report left the scope is
kept. Incidents are recorded for the bridge letter. Everything else in the
drafts is read from the engagement (:mod:`app.domain.engagement_documents`).
Every write goes into the change log and announces :attr:`Kind.DOCUMENTS`.
"""

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlmodel import Session, col, select

from app.db.changelog import change_rows, last_change_at, record_change
from app.db.models import DescriptionSection, Incident, utcnow
from app.db.session import note
from app.db.snapshots import restore_snapshot, take_snapshot
from app.domain.changes import Kind
from app.domain.controls import ControlRow
from app.domain.description import SavedSection, fill_description, section_spec
from app.domain.engagement_documents import (
    DocumentDrafts,
    IncidentRow,
    description_facts,
    description_gaps,
    draft_documents,
)
from app.domain.engagements import EngagementRow
from app.domain.objectives import ObjectiveRow
from app.domain.periods import parse_day
from app.domain.readiness import Gap
from app.domain.snapshots import Snapshot
from app.domain.system_changes import SUBSTANTIVE_FIELDS
from app.services.carveouts import cuecs_of, subservice_orgs_of
from app.services.controls import controls_of
from app.services.engagements import engagement_in, engagement_row
from app.services.errors import InvalidInputError, NotFoundError
from app.services.objectives import objectives_of
from app.services.workspace import Workspace

SECTION_ENTITY = "description"
INCIDENT_ENTITY = "incident"
SUMMARY_LIMIT = 2000
"""The longest incident summary accepted, in characters: a few plain sentences."""


def data_as_of(session: Session, engagement: EngagementRow) -> datetime:
    """The engagement's last data change (UTC): what its exports and drafts are dated by."""
    moment = last_change_at(session, engagement_id=engagement.id) or engagement.updated_at or utcnow()
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


# Reading -------------------------------------------------------------------------------------


def saved_sections_in(session: Session, engagement_id: int) -> dict[str, SavedSection]:
    """Section key -> what was saved for it, read in *session*."""
    records = session.exec(
        select(DescriptionSection).where(DescriptionSection.engagement_id == engagement_id)
    ).all()
    return {record.key: SavedSection(record.text, record.reviewed) for record in records}


def _incident_row(record: Incident) -> IncidentRow:
    assert record.id is not None and record.engagement_id is not None
    return IncidentRow(
        id=record.id, engagement_id=record.engagement_id, on=record.occurred_on, summary=record.summary
    )


def incidents_in(session: Session, engagement_id: int) -> list[IncidentRow]:
    """The engagement's incidents, oldest first, read in *session*."""
    records = session.exec(
        select(Incident)
        .where(Incident.engagement_id == engagement_id)
        .order_by(col(Incident.occurred_on), col(Incident.id))
    ).all()
    return [_incident_row(record) for record in records]


def description_gaps_in(
    session: Session,
    engagement: EngagementRow,
    controls: Sequence[ControlRow],
    objectives: Sequence[ObjectiveRow],
) -> tuple[Gap, ...]:
    """The readiness gaps of the unfinished description sections, read in *session*."""
    facts = description_facts(
        engagement,
        controls=controls,
        objectives=objectives,
        cuecs=cuecs_of(session, engagement.id),
        subservice_orgs=subservice_orgs_of(session, engagement.id),
        changes=change_rows(session, engagement_id=engagement.id, entities=SUBSTANTIVE_FIELDS),
    )
    saved = saved_sections_in(session, engagement.id)
    return description_gaps([fill_description(item, saved) for item in facts])


def document_drafts(workspace: Workspace, *, engagement_id: int) -> DocumentDrafts:
    """The engagement's description, assertion and bridge letter as they would be exported now."""
    with workspace.session() as session:
        engagement = engagement_row(engagement_in(session, engagement_id))
        return draft_documents(
            engagement,
            controls=controls_of(session, engagement_id),
            objectives=objectives_of(session, engagement_id) if engagement.soc1 else [],
            cuecs=cuecs_of(session, engagement_id),
            subservice_orgs=subservice_orgs_of(session, engagement_id),
            changes=change_rows(session, engagement_id=engagement_id, entities=SUBSTANTIVE_FIELDS),
            saved=saved_sections_in(session, engagement_id),
            incidents=incidents_in(session, engagement_id),
            prepared=data_as_of(session, engagement).date(),
        )


# The description's sections -------------------------------------------------------------------


def _section_record(session: Session, engagement_id: int, key: str) -> DescriptionSection:
    record = session.exec(
        select(DescriptionSection).where(
            DescriptionSection.engagement_id == engagement_id, DescriptionSection.key == key
        )
    ).first()
    return record or DescriptionSection(engagement_id=engagement_id, key=key)


def write_section_in(
    session: Session,
    *,
    engagement_id: int,
    key: str,
    text: str | None = None,
    reviewed: str | None = None,
    now: datetime,
) -> SavedSection:
    """Set the text and/or the reviewed fingerprint of section *key* in *session*, logged at *now*."""
    try:
        section_spec(key)
    except ValueError as error:
        raise InvalidInputError(str(error)) from None
    engagement = engagement_in(session, engagement_id)
    record = _section_record(session, engagement_id, key)
    for name, value in (("text", text), ("reviewed", reviewed)):
        old = getattr(record, name)
        if value is None or value == old:
            continue
        setattr(record, name, value)
        record.updated_at = now
        record_change(
            session,
            engagement_id=engagement_id,
            entity=SECTION_ENTITY,
            entity_id=engagement_id,
            entity_ref=key,
            field=name,
            old=old,
            new=value,
            at=now,
        )
        note(session, Kind.DOCUMENTS, engagement.id)
    session.add(record)
    return SavedSection(record.text, record.reviewed)


def set_description_section(
    workspace: Workspace,
    *,
    engagement_id: int,
    key: str,
    text: str | None = None,
    reviewed: str | None = None,
) -> SavedSection:
    """Save the user's *text* for section *key* and/or the *reviewed* fingerprint (``""``: not reviewed).

    The text is kept exactly as written (line endings made ``\\n``). An
    unknown section key is refused and nothing written.
    """
    if text is not None:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    with workspace.writing() as session:
        saved = write_section_in(
            session, engagement_id=engagement_id, key=key, text=text, reviewed=reviewed, now=utcnow()
        )
        session.commit()
    return saved


# Incidents -------------------------------------------------------------------------------------


def _clean_incident(values: dict[str, Any]) -> dict[str, Any]:
    unknown = set(values) - {"on", "summary"}
    if unknown:
        raise InvalidInputError(f"an incident has no field {', '.join(sorted(unknown))}")
    clean: dict[str, Any] = {}
    if "on" in values:
        on = values["on"]
        if not isinstance(on, date):
            try:
                on = parse_day(str(on))
            except ValueError as error:
                raise InvalidInputError(f"the incident's day: {error}") from None
        clean["occurred_on"] = on
    if "summary" in values:
        summary = " ".join(str(values["summary"] or "").split())
        if not summary:
            raise InvalidInputError("say in a few words what happened")
        if len(summary) > SUMMARY_LIMIT:
            raise InvalidInputError(f"an incident's summary is at most {SUMMARY_LIMIT} characters")
        clean["summary"] = summary
    return clean


def _log_incident(session: Session, record: Incident, field: str, old: Any, new: Any, at: datetime) -> None:
    record_change(
        session,
        engagement_id=record.engagement_id,
        entity=INCIDENT_ENTITY,
        entity_id=record.id,
        entity_ref=record.occurred_on.isoformat(),
        field=field,
        old=old,
        new=new,
        at=at,
    )
    note(session, Kind.DOCUMENTS, record.engagement_id)


def insert_incident_in(
    session: Session, *, engagement_id: int, on: date | str, summary: str, now: datetime
) -> IncidentRow:
    """Record an incident in *session*, logged at *now* (not committed)."""
    clean = _clean_incident({"on": on, "summary": summary})
    engagement_in(session, engagement_id)
    record = Incident(engagement_id=engagement_id, created_at=now, updated_at=now, **clean)
    session.add(record)
    session.flush()
    _log_incident(session, record, "created", None, record.summary, now)
    return _incident_row(record)


def list_incidents(workspace: Workspace, *, engagement_id: int) -> list[IncidentRow]:
    """The engagement's incidents, oldest first."""
    with workspace.session() as session:
        engagement_in(session, engagement_id)
        return incidents_in(session, engagement_id)


def add_incident(workspace: Workspace, *, engagement_id: int, on: date | str, summary: str) -> IncidentRow:
    """Record an incident: the day (``YYYY-MM-DD``) and what happened; an empty summary is refused."""
    _clean_incident({"on": on, "summary": summary})
    with workspace.writing() as session:
        row = insert_incident_in(session, engagement_id=engagement_id, on=on, summary=summary, now=utcnow())
        session.commit()
    return row


def _incident(session: Session, incident_id: int) -> Incident:
    record = session.get(Incident, incident_id)
    if record is None:
        raise NotFoundError(f"incident {incident_id} no longer exists")
    return record


def update_incident(workspace: Workspace, incident_id: int, **changes: Any) -> IncidentRow:
    """Change the day (``on``) or the ``summary`` of an incident, logging each change."""
    clean = _clean_incident(changes)
    now = utcnow()
    with workspace.writing() as session:
        record = _incident(session, incident_id)
        for name, value in clean.items():
            old = getattr(record, name)
            if old == value:
                continue
            setattr(record, name, value)
            record.updated_at = now
            _log_incident(session, record, name, old, value, now)
        session.add(record)
        session.commit()
        return _incident_row(record)


def delete_incidents(workspace: Workspace, incident_ids: Sequence[int]) -> Snapshot:
    """Remove incidents; returns what puts them back."""
    now = utcnow()
    with workspace.writing() as session:
        snapshot = take_snapshot(session, "incident", incident_ids)
        for incident_id in dict.fromkeys(incident_ids):
            record = _incident(session, incident_id)
            _log_incident(session, record, "deleted", record.summary, None, now)
            session.delete(record)
        session.commit()
    return snapshot


def restore_incidents(workspace: Workspace, snapshot: Snapshot) -> list[IncidentRow]:
    """Put deleted incidents back (under their old ids when free)."""
    with workspace.writing() as session:
        ids = restore_snapshot(session, snapshot, at=utcnow())
        rows = [_incident_row(_incident(session, new_id)) for new_id in ids.values()]
        for row in rows:
            note(session, Kind.DOCUMENTS, row.engagement_id)
        session.commit()
    return rows
