"""Creating, finding, changing and removing engagements."""

from dataclasses import fields
from datetime import date, datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, func, select

from app.db.changelog import record_change
from app.db.models import Control, Engagement, Evidence, utcnow
from app.db.session import note
from app.domain.changes import Kind
from app.domain.engagements import SCOPE_FIELDS, EngagementRow
from app.domain.periods import check_period
from app.services.errors import ConflictError, InvalidInputError, NotFoundError
from app.services.versions import check_version
from app.services.workspace import Workspace

ENTITY = "engagement"
EDITABLE_FIELDS = frozenset(
    {
        "name",
        "company",
        "system_name",
        "system_description",
        "business_type",
        "report_kinds",
        "report_type",
        "categories",
        "period_start",
        "period_end",
        "as_of_date",
        "auditor_firm",
        "scoping_answers",
        "scoping_recommendation",
        "scoping_overrides",
        "bridge_through",
    }
)
_ROW_FIELDS = tuple(f.name for f in fields(EngagementRow))


def engagement_row(engagement: Engagement) -> EngagementRow:
    """The read model of a stored engagement."""
    assert engagement.id is not None
    return EngagementRow(**{name: getattr(engagement, name) for name in _ROW_FIELDS})


def _clean_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise InvalidInputError("an engagement needs a name")
    return cleaned


def _check_name_free(session: Session, name: str, *, except_id: int | None = None) -> None:
    clash = session.exec(select(Engagement).where(Engagement.name == name)).first()
    if clash is not None and clash.id != except_id:
        raise ConflictError(f"an engagement named {name!r} already exists")


def create_engagement(
    workspace: Workspace,
    *,
    name: str,
    company: str = "",
    period_start: date | None = None,
    period_end: date | None = None,
    as_of_date: date | None = None,
    auditor_firm: str = "",
) -> EngagementRow:
    """A new, empty engagement; its scope comes from the scoping wizard or by hand."""
    with workspace.writing() as session:
        engagement = insert_engagement(
            session,
            name=name,
            company=company,
            period_start=period_start,
            period_end=period_end,
            as_of_date=as_of_date,
            auditor_firm=auditor_firm,
            now=utcnow(),
        )
        session.commit()
        return engagement_row(engagement)


def insert_engagement(
    session: Session,
    *,
    name: str,
    now: datetime,
    company: str = "",
    period_start: date | None = None,
    period_end: date | None = None,
    as_of_date: date | None = None,
    auditor_firm: str = "",
    is_demo: bool = False,
) -> Engagement:
    """Add a new engagement to *session* and log its creation at *now* (not committed)."""
    name = _clean_name(name)
    try:
        check_period(period_start, period_end)
    except ValueError as error:
        raise InvalidInputError(str(error)) from error
    _check_name_free(session, name)
    engagement = Engagement(
        name=name,
        company=company.strip(),
        period_start=period_start,
        period_end=period_end,
        as_of_date=as_of_date,
        auditor_firm=auditor_firm.strip(),
        is_demo=is_demo,
        created_at=now,
        updated_at=now,
    )
    session.add(engagement)
    try:
        session.flush()
    except IntegrityError as error:
        raise ConflictError(f"an engagement named {name!r} already exists") from error
    record_change(
        session,
        engagement_id=engagement.id,
        entity=ENTITY,
        entity_id=engagement.id,
        entity_ref=name,
        field="created",
        new=name,
        at=now,
    )
    note(session, Kind.ENGAGEMENT, engagement.id)
    return engagement


def list_engagements(workspace: Workspace) -> list[EngagementRow]:
    """All engagements, by name."""
    with workspace.session() as session:
        records = session.exec(select(Engagement).order_by(func.lower(Engagement.name))).all()
        return [engagement_row(engagement) for engagement in records]


def engagement_in(session: Session, engagement_id: int) -> Engagement:
    """The engagement with this id, read in *session*; ``NotFoundError`` when it is gone."""
    engagement = session.get(Engagement, engagement_id)
    if engagement is None:
        raise NotFoundError(f"engagement {engagement_id} no longer exists")
    return engagement


def find_engagement(workspace: Workspace, key: str | int) -> EngagementRow:
    """The engagement whose id or exact name is *key*."""
    text = str(key).strip()
    with workspace.session() as session:
        found = session.get(Engagement, int(text)) if text.isdigit() else None
        if found is None:
            found = session.exec(select(Engagement).where(Engagement.name == text)).first()
        if found is None:
            raise NotFoundError(f"no engagement with id or name {text!r}")
        return engagement_row(found)


def get_engagement(workspace: Workspace, engagement_id: int) -> EngagementRow:
    with workspace.session() as session:
        return engagement_row(engagement_in(session, engagement_id))


def update_engagement_in(
    session: Session,
    engagement_id: int,
    changes: dict[str, Any],
    *,
    now: datetime | None = None,
    version: int | None = None,
) -> Engagement:
    """Change fields of an engagement in *session*, logging each changed field (not committed).

    With *version* (the one the caller read), an engagement someone else saved since is refused.
    """
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise InvalidInputError(f"cannot change {', '.join(sorted(unknown))} of an engagement")
    if "name" in changes:
        changes = dict(changes, name=_clean_name(changes["name"]))
    engagement = engagement_in(session, engagement_id)
    check_version(session, engagement, version, what=f"engagement {engagement.name}")
    if "name" in changes:
        _check_name_free(session, changes["name"], except_id=engagement_id)
    try:
        check_period(
            changes.get("period_start", engagement.period_start),
            changes.get("period_end", engagement.period_end),
        )
    except ValueError as error:
        raise InvalidInputError(str(error)) from error
    now = now or utcnow()
    for field, value in changes.items():
        old = getattr(engagement, field)
        if old == value:
            continue
        setattr(engagement, field, value)
        engagement.updated_at = now
        record_change(
            session,
            engagement_id=engagement_id,
            entity=ENTITY,
            entity_id=engagement_id,
            entity_ref=engagement.name,
            field=field,
            old=old,
            new=value,
            at=now,
        )
        note(session, Kind.SCOPE if field in SCOPE_FIELDS else Kind.ENGAGEMENT, engagement_id)
    session.add(engagement)
    return engagement


def update_engagement(
    workspace: Workspace, engagement_id: int, *, version: int | None = None, **changes: Any
) -> EngagementRow:
    """Change fields of an engagement; every changed field goes into the change log.

    With *version* (the one the caller read), an engagement someone else saved since is refused.
    """
    with workspace.writing() as session:
        engagement = update_engagement_in(session, engagement_id, changes, version=version)
        session.commit()
        return engagement_row(engagement)


def rename_engagement(
    workspace: Workspace, engagement_id: int, name: str, *, version: int | None = None
) -> EngagementRow:
    with workspace.writing() as session:
        engagement = update_engagement_in(session, engagement_id, {"name": name}, version=version)
        session.commit()
        return engagement_row(engagement)


def engagement_counts(workspace: Workspace, engagement_id: int) -> dict[str, int]:
    """How many controls and evidence records the engagement holds (for confirmations)."""
    with workspace.session() as session:
        controls = session.exec(
            select(func.count()).select_from(Control).where(Control.engagement_id == engagement_id)
        ).one()
        evidence = session.exec(
            select(func.count()).select_from(Evidence).where(Evidence.engagement_id == engagement_id)
        ).one()
    return {"controls": controls, "evidence": evidence}


def delete_engagement(workspace: Workspace, engagement_id: int) -> str:
    """Remove an engagement and everything below it (the change log keeps its history).

    Its stored evidence files no other engagement refers to are removed from
    the store at once, and other unreferenced content past its grace period
    too. Returns the deleted engagement's name.
    """
    from app.services.evidence import open_store, purge_content_in  # the store is not needed to start

    with workspace.writing() as session:
        engagement = engagement_in(session, engagement_id)
        held = session.exec(select(Evidence.sha256).where(Evidence.engagement_id == engagement_id)).all()
        record_change(
            session,
            engagement_id=engagement_id,
            entity=ENTITY,
            entity_id=engagement_id,
            entity_ref=engagement.name,
            field="deleted",
            old=engagement.name,
        )
        note(session, Kind.ENGAGEMENT, engagement_id)
        session.delete(engagement)
        session.commit()
        purge_content_in(session, open_store(workspace), released=held)
    return engagement.name
