"""Policies of an engagement: seeding from the library, the questionnaire, editing, approval and new versions.

The rules live in :mod:`app.domain.policies`: a service reads a policy as a
:class:`~app.domain.policies.PolicyRow`, lets the domain change it, and
writes the difference back, each change in the change log. Approving a
version stores its text with every placeholder filled, so the words approved
stay the words exported whatever the questionnaire says later; new versions
start from them.

This module also reads everything about an engagement's policies as one
:class:`~app.domain.policy_records.PolicyRecords` (:func:`policy_records_in`)
for the acknowledgement services, the register and the exports.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, col, select

from app.db.changelog import record_change
from app.db.models import (
    Control,
    Engagement,
    Policy,
    PolicyAcknowledgement,
    PolicyAnswer,
    PolicyVersion,
    StaffMember,
    utcnow,
)
from app.db.session import note
from app.domain import policies as rules
from app.domain.catalog import load_catalog, sort_key
from app.domain.changes import Kind
from app.domain.controls import clean_ref, split_criteria
from app.domain.policies import PolicyRow, PolicyRuleError, PolicyVersionRow
from app.domain.policy_records import PolicyRecords
from app.domain.staff import AcknowledgementRow, StaffRow
from app.domain.vocab import PolicyStatus, VersionChange, categories_in_scope, parse_choice
from app.services.engagements import engagement_in
from app.services.errors import InvalidInputError, NotFoundError
from app.services.workspace import Workspace

ENTITY = "policy"
EDITABLE_FIELDS = ("title", "owner", "controls", "criteria", "body", "next_review")
"""What :func:`update_policy` changes: the policy's details, its draft's text and its next review."""
_VERSION_FIELDS = (
    "status",
    "body",
    "change",
    "summary",
    "approved_by",
    "approved_on",
    "next_review",
    "retired_on",
)


# --- reading ---------------------------------------------------------------------------------------


def _version_row(record: PolicyVersion) -> PolicyVersionRow:
    return PolicyVersionRow(
        version=record.version,
        status=PolicyStatus(record.status),
        body=record.body,
        created_on=record.created_on,
        change=VersionChange(record.change) if record.change else None,
        summary=record.summary,
        approved_by=record.approved_by,
        approved_on=record.approved_on,
        next_review=record.next_review,
        retired_on=record.retired_on,
    )


def _version_sort(record: PolicyVersion) -> tuple[int, int]:
    return rules.parse_version(record.version)


def _rows(session: Session, records: Sequence[Policy]) -> list[PolicyRow]:
    ids = [record.id for record in records]
    versions: dict[int | None, list[PolicyVersion]] = {}
    for version in session.exec(select(PolicyVersion).where(col(PolicyVersion.policy_id).in_(ids))).all():
        versions.setdefault(version.policy_id, []).append(version)
    return [
        PolicyRow(
            key=record.key,
            title=record.title,
            owner=record.owner,
            categories=tuple(record.categories),
            controls=tuple(record.controls),
            criteria=tuple(record.criteria),
            versions=tuple(_version_row(v) for v in sorted(versions.get(record.id, []), key=_version_sort)),
            retired_on=record.retired_on,
        )
        for record in records
    ]


def _records(session: Session, engagement_id: int) -> list[Policy]:
    statement = select(Policy).where(Policy.engagement_id == engagement_id)
    return list(session.exec(statement.order_by(col(Policy.sort_order), col(Policy.key))).all())


def policies_of(session: Session, engagement_id: int) -> list[PolicyRow]:
    """The engagement's policies in library order with their versions, read in *session*."""
    engagement_in(session, engagement_id)
    return _rows(session, _records(session, engagement_id))


def answers_of(session: Session, engagement_id: int) -> dict[str, str]:
    """The engagement's questionnaire answers (answered questions only), read in *session*."""
    rows = session.exec(select(PolicyAnswer).where(PolicyAnswer.engagement_id == engagement_id)).all()
    return {row.question: row.answer for row in rows}


def staff_of(session: Session, engagement_id: int) -> list[StaffRow]:
    """The engagement's staff list in the order people were added, read in *session*."""
    rows = session.exec(
        select(StaffMember).where(StaffMember.engagement_id == engagement_id).order_by(col(StaffMember.id))
    ).all()
    return [
        StaffRow(email=r.email, name=r.name, role=r.role, start_date=r.start_date, end_date=r.end_date)
        for r in rows
    ]


def acknowledgements_of(session: Session, engagement_id: int) -> list[AcknowledgementRow]:
    """Every acknowledgement recorded for the engagement's policies, by date, read in *session*."""
    rows = session.exec(
        select(
            col(Policy.key),
            col(PolicyAcknowledgement.version),
            col(StaffMember.email),
            col(PolicyAcknowledgement.acknowledged_on),
        )
        .join(Policy, col(Policy.id) == PolicyAcknowledgement.policy_id)
        .join(StaffMember, col(StaffMember.id) == PolicyAcknowledgement.staff_id)
        .where(Policy.engagement_id == engagement_id)
        .order_by(col(PolicyAcknowledgement.acknowledged_on), col(Policy.sort_order), col(StaffMember.email))
    ).all()
    return [AcknowledgementRow(key, version, email, day) for key, version, email, day in rows]


def policy_records_in(session: Session, engagement_id: int) -> PolicyRecords:
    """Policies, answers, staff and acknowledgements of the engagement, read in *session* (one state)."""
    return PolicyRecords(
        policies=tuple(policies_of(session, engagement_id)),
        answers=answers_of(session, engagement_id),
        staff=tuple(staff_of(session, engagement_id)),
        acknowledgements=tuple(acknowledgements_of(session, engagement_id)),
    )


def policy_records(workspace: Workspace, *, engagement_id: int) -> PolicyRecords:
    """Everything about the engagement's policies as one state: what the Policies page shows."""
    with workspace.session() as session:
        return policy_records_in(session, engagement_id)


def list_policies(workspace: Workspace, *, engagement_id: int) -> list[PolicyRow]:
    """The engagement's policies in library order."""
    with workspace.session() as session:
        return policies_of(session, engagement_id)


def policy_record(session: Session, engagement_id: int, key: str) -> Policy:
    """The stored policy with this key, read in *session*; ``NotFoundError`` naming it otherwise."""
    engagement_in(session, engagement_id)
    record = session.exec(
        select(Policy).where(Policy.engagement_id == engagement_id, Policy.key == key.strip())
    ).first()
    if record is None:
        raise NotFoundError(f"this engagement has no policy {key.strip()!r}; `policies list` names them")
    return record


def get_policy(workspace: Workspace, *, engagement_id: int, key: str) -> PolicyRow:
    with workspace.session() as session:
        return _rows(session, [policy_record(session, engagement_id, key)])[0]


def get_policy_answers(workspace: Workspace, *, engagement_id: int) -> dict[str, str]:
    """The questionnaire's answers (answered questions only)."""
    with workspace.session() as session:
        engagement_in(session, engagement_id)
        return answers_of(session, engagement_id)


# --- writing -------------------------------------------------------------------------------------


def _log(session: Session, record: Policy, field_name: str, old: Any, new: Any, at: datetime) -> None:
    record_change(
        session,
        engagement_id=record.engagement_id,
        entity=ENTITY,
        entity_id=record.id,
        entity_ref=record.key,
        field=field_name,
        old=old,
        new=new,
        at=at,
    )
    note(session, Kind.POLICIES, record.engagement_id)


def _version_record(policy_id: int | None, version: PolicyVersionRow) -> PolicyVersion:
    return PolicyVersion(policy_id=policy_id, version=version.version, created_on=version.created_on)


def _set_version(stored: PolicyVersion, version: PolicyVersionRow) -> list[tuple[str, Any, Any]]:
    """Give *stored* the values of *version*; returns (field, old, new) of each value changed."""
    changed = []
    for name in _VERSION_FIELDS:
        value = getattr(version, name)
        value = value.value if isinstance(value, PolicyStatus | VersionChange) else value
        old = getattr(stored, name)
        if old != value:
            setattr(stored, name, value)
            changed.append((name, old, value))
    return changed


def _save(
    session: Session, record: Policy, before: PolicyRow | None, after: PolicyRow, now: datetime
) -> None:
    """Write *after* over the stored policy (which holds *before*), logging what changed."""
    for name in ("title", "owner", "controls", "criteria", "retired_on"):
        old = getattr(before, name) if before else None
        new = getattr(after, name)
        if old != new:
            setattr(record, name, list(new) if isinstance(new, tuple) else new)
            if before is not None:
                _log(session, record, name, old, new, now)
    record.updated_at = now
    session.add(record)
    session.flush()
    stored = {
        v.version: v for v in session.exec(select(PolicyVersion).where(PolicyVersion.policy_id == record.id))
    }
    wanted = {version.version for version in after.versions}
    for number, version_record in stored.items():
        if number not in wanted:
            session.delete(version_record)
            _log(session, record, f"version {number}", "removed", None, now)
    session.flush()
    for version in after.versions:
        found = stored.get(version.version)
        if found is None:
            added = _version_record(record.id, version)
            _set_version(added, version)
            session.add(added)
            what = f"{version.change.value} version: {version.summary}" if version.change else "first version"
            _log(session, record, f"version {version.version}", None, what, now)
            continue
        for name, old, new in _set_version(found, version):
            shown = ("text", None, "changed") if name == "body" else (name.replace("_", " "), old, new)
            _log(session, record, f"{version.version} {shown[0]}", shown[1], shown[2], now)
        session.add(found)
    note(session, Kind.POLICIES, record.engagement_id)


Change = Callable[[PolicyRow, Mapping[str, str], Session], PolicyRow]
"""What a policy edit does: the policy, the questionnaire's answers and the session give the new policy."""


def _change(workspace: Workspace, engagement_id: int, key: str, change: Change) -> PolicyRow:
    """Read the policy, apply *change* (row, answers, session -> new row) and write the result."""
    with workspace.writing() as session:
        record = policy_record(session, engagement_id, key)
        before = _rows(session, [record])[0]
        try:
            after = change(before, answers_of(session, engagement_id), session)
        except (PolicyRuleError, ValueError) as error:
            raise InvalidInputError(str(error)) from None
        if after != before:
            _save(session, record, before, after, utcnow())
        session.commit()
        return after


@dataclass
class PolicySeedResult:
    """The policies seeding added, those the engagement already had, and the answers it pre-filled."""

    added: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    answers: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"added": self.added, "skipped": self.skipped, "answers": self.answers}


def _seed_answers(session: Session, engagement: Engagement) -> dict[str, str]:
    """Pre-fill unanswered questions with their defaults and the company's name; returns what was written."""
    assert engagement.id is not None
    known = answers_of(session, engagement.id)
    wanted = rules.initial_answers()
    if engagement.company.strip():
        wanted["company"] = rules.clean_answer("company", " ".join(engagement.company.split()))
    added = {key: value for key, value in wanted.items() if key not in known}
    for key, value in added.items():
        session.add(PolicyAnswer(engagement_id=engagement.id, question=key, answer=value))
    return added


def seed_policies(workspace: Workspace, *, engagement_id: int, today: date | None = None) -> PolicySeedResult:
    """Add the library's policies for the engagement's scope, each as a 1.0 draft with its preset links.

    The Security policies serve an engagement without Trust Services
    Categories (SOC 1 only, or not scoped yet). Policies the engagement
    already has are left alone, so seeding twice adds nothing. Unanswered
    questions get their defaults and the company's name.
    """
    today = today or date.today()
    result = PolicySeedResult()
    library = rules.load_policy_library()
    with workspace.writing() as session:
        engagement = engagement_in(session, engagement_id)
        categories = categories_in_scope(engagement.report_kinds, engagement.categories) or ("Security",)
        existing = {record.key for record in _records(session, engagement_id)}
        result.answers = _seed_answers(session, engagement)
        owner = answers_of(session, engagement_id).get("security_owner", "")
        now = utcnow()
        for template in library.for_categories(categories):
            if template.key in existing:
                result.skipped.append(template.key)
                continue
            row = rules.new_policy(template, owner=owner, today=today)
            record = Policy(
                engagement_id=engagement_id,
                key=row.key,
                title=row.title,
                sort_order=library.templates.index(template),
                created_at=now,
            )
            _save(session, record, None, row, now)
            _log(session, record, "created", None, row.title, now)
            result.added.append(template.key)
        note(session, Kind.POLICIES, engagement_id)
        session.commit()
    return result


def unseed_policies(workspace: Workspace, *, engagement_id: int, seeded: PolicySeedResult) -> None:
    """Take back a seeding: remove the policies it added and the answers it pre-filled (undo)."""
    with workspace.writing() as session:
        now = utcnow()
        for key in seeded.added:
            record = policy_record(session, engagement_id, key)
            _log(session, record, "deleted", record.title, None, now)
            session.delete(record)
        for question in seeded.answers:
            stored = session.get(PolicyAnswer, (engagement_id, question))
            if stored is not None:
                session.delete(stored)
        note(session, Kind.POLICIES, engagement_id)
        session.commit()


def set_policy_answers(
    workspace: Workspace, *, engagement_id: int, answers: Mapping[str, object]
) -> dict[str, str]:
    """Answer questions of the questionnaire (an empty answer removes one); returns every answer now.

    Each answer is checked as :func:`app.domain.policies.clean_answer` says;
    one refused answer changes nothing.
    """
    try:
        cleaned = {key: rules.clean_answer(key, value) for key, value in answers.items()}
    except ValueError as error:
        raise InvalidInputError(str(error)) from None
    with workspace.writing() as session:
        engagement = engagement_in(session, engagement_id)
        now = utcnow()
        for key, value in cleaned.items():
            stored = session.get(PolicyAnswer, (engagement_id, key))
            old = stored.answer if stored else ""
            if old == value:
                continue
            if stored is not None and not value:
                session.delete(stored)
            elif stored is not None:
                stored.answer = value
                session.add(stored)
            else:
                session.add(PolicyAnswer(engagement_id=engagement_id, question=key, answer=value))
            record_change(
                session,
                engagement_id=engagement_id,
                entity="policy questionnaire",
                entity_id=engagement_id,
                entity_ref=engagement.name,
                field=key,
                old=old or None,
                new=value or None,
                at=now,
            )
            note(session, Kind.POLICIES, engagement_id)
        session.commit()
        return answers_of(session, engagement_id)


def _controls(session: Session, engagement_id: int, current: Sequence[str], value: Any) -> tuple[str, ...]:
    """Control refs from text or a list: each a control of the matrix or a link the policy already has."""
    parts = value.replace(";", ",").split(",") if isinstance(value, str) else list(value)
    refs = list(dict.fromkeys(clean_ref(part) for part in parts if str(part).strip()))
    known = set(session.exec(select(Control.ref).where(Control.engagement_id == engagement_id)).all())
    unknown = [ref for ref in refs if ref not in known and ref not in current]
    if unknown:
        raise ValueError(f"no control {', '.join(unknown)} in the control matrix; add it there first")
    return tuple(sorted(refs))


def _criteria(value: Any) -> tuple[str, ...]:
    refs = split_criteria(value) if isinstance(value, str) else [str(v).strip().upper() for v in value]
    unknown = [ref for ref in refs if ref not in load_catalog().ids]
    if unknown:
        raise ValueError(f"unknown criterion {', '.join(unknown)}")
    return tuple(sorted(refs, key=sort_key))


def _edited(row: PolicyRow, session: Session, engagement_id: int, changes: Mapping[str, Any]) -> PolicyRow:
    for name, value in changes.items():
        if name == "title":
            title = " ".join(str(value).split())
            if not title:
                raise ValueError("a policy needs a title")
            row = replace(row, title=title)
        elif name == "owner":
            row = replace(row, owner=" ".join(str(value or "").split()))
        elif name == "controls":
            row = replace(row, controls=_controls(session, engagement_id, row.controls, value))
        elif name == "criteria":
            row = replace(row, criteria=_criteria(value))
        elif name == "body":
            if row.draft is None or row.draft.body != value:
                row = rules.edit_draft(row, body=str(value))
        elif name == "next_review":
            row = rules.set_next_review(row, value)
    return row


def update_policy(workspace: Workspace, *, engagement_id: int, key: str, **changes: Any) -> PolicyRow:
    """Change a policy's title, owner, links to controls and criteria, its draft's text or its next review.

    Controls are refs of the matrix (or links the policy already has);
    criteria are catalog IDs; the text belongs to the draft (an approved
    version is read-only: start a new version). One refused value changes nothing.
    """
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise InvalidInputError(f"a policy has no field {', '.join(sorted(unknown))}")
    return _change(
        workspace,
        engagement_id,
        key,
        lambda row, _answers, session: _edited(row, session, engagement_id, changes),
    )


def approve_policy(
    workspace: Workspace,
    *,
    engagement_id: int,
    key: str,
    approved_by: str,
    approved_on: date | None = None,
    today: date | None = None,
) -> PolicyRow:
    """Approve the policy's draft: who and when, the next review after the questionnaire's cadence.

    The version it replaces is retired. The approved text is stored with its
    placeholders filled. Refused while a placeholder is unanswered.
    """
    today = today or date.today()

    def approve(row: PolicyRow, answers: Mapping[str, str], _session: Session) -> PolicyRow:
        draft = row.draft
        approved = rules.approve_policy(
            row,
            approved_by=approved_by,
            approved_on=approved_on or today,
            answers=answers,
            today=today,
            review_in_months=rules.review_months(answers),
        )
        assert draft is not None
        version = approved.version(draft.version)
        frozen = replace(version, body=rules.render_policy(version.body, answers).markdown)
        return replace(approved, versions=tuple(frozen if v is version else v for v in approved.versions))

    return _change(workspace, engagement_id, key, approve)


def start_policy_version(
    workspace: Workspace,
    *,
    engagement_id: int,
    key: str,
    change: str | VersionChange,
    summary: str,
    today: date | None = None,
) -> PolicyRow:
    """Open a new draft copied from the version in force: minor (keeps acknowledgements) or major."""
    try:
        kind = change if isinstance(change, VersionChange) else parse_choice(VersionChange, change)
    except ValueError as error:
        raise InvalidInputError(str(error)) from None
    day = today or date.today()
    return _change(
        workspace,
        engagement_id,
        key,
        lambda row, _answers, _session: rules.start_new_version(row, change=kind, summary=summary, today=day),
    )


def retire_policy(
    workspace: Workspace, *, engagement_id: int, key: str, today: date | None = None
) -> PolicyRow:
    """Withdraw a policy: every version retired; controls relying on it show a readiness gap."""
    day = today or date.today()
    return _change(workspace, engagement_id, key, lambda row, _a, _s: rules.retire_policy(row, today=day))


def restore_policy(workspace: Workspace, *, engagement_id: int, policy: PolicyRow) -> PolicyRow:
    """Put a policy back as *policy* describes it (what undo of an edit, approval or version does)."""
    return _change(workspace, engagement_id, policy.key, lambda _row, _a, _s: policy)
