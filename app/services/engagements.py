"""Creating, finding, changing and removing engagements."""

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, func, select

from app.db.changelog import record_change
from app.db.models import Control, Engagement, Evidence, utcnow
from app.domain.periods import check_period
from app.services.errors import ConflictError, InvalidInputError, NotFoundError
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
    }
)


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
) -> Engagement:
    """A new, empty engagement; its scope comes from the scoping wizard or by hand."""
    name = _clean_name(name)
    try:
        check_period(period_start, period_end)
    except ValueError as error:
        raise InvalidInputError(str(error)) from error
    with workspace.session() as session:
        _check_name_free(session, name)
        engagement = Engagement(
            name=name,
            company=company.strip(),
            period_start=period_start,
            period_end=period_end,
            as_of_date=as_of_date,
            auditor_firm=auditor_firm.strip(),
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
        )
        session.commit()
        return engagement


def list_engagements(workspace: Workspace) -> Sequence[Engagement]:
    """All engagements, by name."""
    with workspace.session() as session:
        return session.exec(select(Engagement).order_by(func.lower(Engagement.name))).all()


def _lookup(session: Session, key: str | int) -> Engagement:
    text = str(key).strip()
    if text.isdigit():
        found = session.get(Engagement, int(text))
        if found is not None:
            return found
    by_name = session.exec(select(Engagement).where(Engagement.name == text)).first()
    if by_name is None:
        raise NotFoundError(f"no engagement with id or name {text!r}")
    return by_name


def engagement_in(session: Session, engagement_id: int) -> Engagement:
    """The engagement with this id, read in *session*; ``NotFoundError`` when it is gone."""
    engagement = session.get(Engagement, engagement_id)
    if engagement is None:
        raise NotFoundError(f"engagement {engagement_id} no longer exists")
    return engagement


def find_engagement(workspace: Workspace, key: str | int) -> Engagement:
    """The engagement whose id or exact name is *key*."""
    with workspace.session() as session:
        return _lookup(session, key)


def get_engagement(workspace: Workspace, engagement_id: int) -> Engagement:
    with workspace.session() as session:
        return engagement_in(session, engagement_id)


def update_engagement(workspace: Workspace, engagement_id: int, **changes: Any) -> Engagement:
    """Change fields of an engagement; every changed field goes into the change log."""
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise InvalidInputError(f"cannot change {', '.join(sorted(unknown))} of an engagement")
    if "name" in changes:
        changes["name"] = _clean_name(changes["name"])
    with workspace.session() as session:
        engagement = engagement_in(session, engagement_id)
        if "name" in changes:
            _check_name_free(session, changes["name"], except_id=engagement_id)
        start = changes.get("period_start", engagement.period_start)
        end = changes.get("period_end", engagement.period_end)
        try:
            check_period(start, end)
        except ValueError as error:
            raise InvalidInputError(str(error)) from error
        now = utcnow()
        changed = False
        for field, value in changes.items():
            old = getattr(engagement, field)
            if old == value:
                continue
            setattr(engagement, field, value)
            changed = True
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
        if changed:
            engagement.updated_at = now
            session.add(engagement)
            session.commit()
        return engagement


def rename_engagement(workspace: Workspace, engagement_id: int, name: str) -> Engagement:
    return update_engagement(workspace, engagement_id, name=name)


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

    Stored evidence files no other engagement refers to are removed from the
    store too. Returns the deleted engagement's name.
    """
    with workspace.session() as session:
        engagement = engagement_in(session, engagement_id)
        record_change(
            session,
            engagement_id=engagement_id,
            entity=ENTITY,
            entity_id=engagement_id,
            entity_ref=engagement.name,
            field="deleted",
            old=engagement.name,
        )
        session.delete(engagement)
        session.commit()
    from app.services.evidence import purge_unreferenced_content  # the store is not needed to start

    purge_unreferenced_content(workspace)
    return engagement.name


def engagement_as_dict(engagement: Engagement) -> dict[str, Any]:
    """The engagement as JSON-ready values (dates as ``YYYY-MM-DD``)."""

    def day(value: date | None) -> str | None:
        return value.isoformat() if value else None

    return {
        "id": engagement.id,
        "name": engagement.name,
        "company": engagement.company,
        "system_name": engagement.system_name,
        "system_description": engagement.system_description,
        "business_type": engagement.business_type,
        "report_kinds": list(engagement.report_kinds),
        "report_type": engagement.report_type,
        "categories": list(engagement.categories),
        "framework": engagement.framework,
        "period_start": day(engagement.period_start),
        "period_end": day(engagement.period_end),
        "as_of_date": day(engagement.as_of_date),
        "auditor_firm": engagement.auditor_firm,
        "created_at": engagement.created_at.isoformat(),
        "updated_at": engagement.updated_at.isoformat(),
    }
