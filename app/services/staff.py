"""The staff list and policy acknowledgements: imports, recording, and the register attached as evidence.

People are known by email within an engagement. A staff list import updates
people by email and never removes anyone; a returned sign-off sheet adds the
acknowledgements not yet recorded and never changes one. Reading a file (the
slow part) is separate from writing what it holds, so the window reads off
its thread and writes as one undoable step: :func:`preview_staff_import`
then :func:`import_staff`, :func:`read_signoff_sheet` then
:func:`record_acknowledgements`.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import delete
from sqlmodel import Session, col, select

from app.db.changelog import record_change
from app.db.models import Control, Policy, PolicyAcknowledgement, StaffMember, utcnow
from app.db.session import note
from app.domain.changes import Kind
from app.domain.evidence import EvidenceRow
from app.domain.policies import load_policy_library
from app.domain.policy_records import REGISTER_TITLE, check_acknowledgement
from app.domain.staff import (
    STAFF_FIELDS,
    AcknowledgementMerge,
    AcknowledgementRow,
    SignoffImport,
    StaffImport,
    StaffMerge,
    StaffRow,
    merge_acknowledgements,
    merge_staff,
)
from app.domain.tabular import RowError
from app.domain.wording import counted
from app.importers.safe_files import UnreadableFileError
from app.importers.staff import read_signoff_file, read_staff_file
from app.services.engagements import engagement_in
from app.services.errors import InvalidInputError, NotFoundError
from app.services.evidence import add_evidence
from app.services.exports import Cancel, ExportResult, Progress, run_export
from app.services.policies import policies_of, policy_record, policy_records_in, staff_of
from app.services.workspace import Workspace

STAFF_ENTITY = "staff"
ACKNOWLEDGEMENT_ENTITY = "acknowledgement"
REGISTER_KIND = "acknowledgement-register"
"""The export kind of the register (see :data:`app.services.exports.EXPORT_KINDS`)."""
MAX_ERRORS_SHOWN = 20


def _refused(name: str, what: str, errors: Sequence[RowError]) -> InvalidInputError:
    """The rows of a file that cannot be read, as one message; nothing was changed."""
    shown = "\n".join(f"  {error}" for error in errors[:MAX_ERRORS_SHOWN])
    more = f"\n  … and {len(errors) - MAX_ERRORS_SHOWN} more" if len(errors) > MAX_ERRORS_SHOWN else ""
    count = counted(len(errors), "row")
    return InvalidInputError(
        f"{name}: {count} of the {what} cannot be read; nothing was imported:\n{shown}{more}"
    )


# --- the staff list --------------------------------------------------------------------------------


def list_staff(workspace: Workspace, *, engagement_id: int) -> list[StaffRow]:
    """Everyone on the engagement's staff list, leavers included, in the order they were added."""
    with workspace.session() as session:
        engagement_in(session, engagement_id)
        return staff_of(session, engagement_id)


@dataclass(frozen=True)
class StaffImportPreview:
    """A staff list read from a file and what importing it would do to the stored list."""

    imported: StaffImport
    merge: StaffMerge

    def as_dict(self) -> dict[str, Any]:
        merge = self.merge
        return {
            "added": [person.as_dict() for person in merge.added],
            "updated": [
                {
                    "email": change.email,
                    "changes": {f: {"old": old, "new": new} for f, old, new in change.changes},
                }
                for change in merge.updated
            ],
            "unchanged": merge.unchanged,
            "not_in_file": [person.email for person in merge.not_in_file],
            "warnings": list(self.imported.warnings),
        }


def preview_staff_import(
    workspace: Workspace,
    *,
    engagement_id: int,
    path: Path,
    sheet: str | None = None,
    day_first: bool | None = None,
    end_missing_on: date | None = None,
) -> StaffImportPreview:
    """Read a staff list (CSV or ``.xlsx``) and work out what importing it changes; nothing is written.

    Every row problem is reported at once (row and column); with
    *end_missing_on*, people the file leaves out get that end date.
    """
    try:
        imported = read_staff_file(Path(path), sheet=sheet, day_first=day_first)
    except UnreadableFileError as error:
        raise InvalidInputError(str(error)) from None
    if imported.errors:
        raise _refused(Path(path).name, "staff list", imported.errors)
    with workspace.session() as session:
        engagement_in(session, engagement_id)
        staff = staff_of(session, engagement_id)
    return StaffImportPreview(imported, merge_staff(staff, imported, end_missing_on=end_missing_on))


def _log_person(
    session: Session, engagement_id: int, email: str, field: str, old: Any, new: Any, at: datetime
) -> None:
    record_change(
        session,
        engagement_id=engagement_id,
        entity=STAFF_ENTITY,
        entity_id=None,
        entity_ref=email,
        field=field,
        old=old,
        new=new,
        at=at,
    )


def _write_staff(session: Session, engagement_id: int, staff: Sequence[StaffRow], now: datetime) -> None:
    """Make the stored staff list exactly *staff*: update people by email, add and remove the rest."""
    stored = {
        member.email: member
        for member in session.exec(
            select(StaffMember).where(StaffMember.engagement_id == engagement_id)
        ).all()
    }
    wanted = {person.email for person in staff}
    for email, leaving in stored.items():
        if email not in wanted:
            _log_person(session, engagement_id, email, "removed", leaving.name, None, now)
            session.delete(leaving)
    for person in staff:
        member = stored.get(person.email)
        if member is None:
            session.add(
                StaffMember(
                    engagement_id=engagement_id,
                    email=person.email,
                    name=person.name,
                    role=person.role,
                    start_date=person.start_date,
                    end_date=person.end_date,
                )
            )
            _log_person(session, engagement_id, person.email, "added", None, person.name, now)
            continue
        for name in STAFF_FIELDS:
            old, new = getattr(member, name), getattr(person, name)
            if old != new:
                setattr(member, name, new)
                _log_person(session, engagement_id, person.email, name, old, new, now)
        session.add(member)
    note(session, Kind.STAFF, engagement_id)


def import_staff(
    workspace: Workspace, *, engagement_id: int, imported: StaffImport, end_missing_on: date | None = None
) -> StaffMerge:
    """Merge a staff list read by :func:`preview_staff_import` into the stored one, in one transaction.

    People are matched by email; a value in the file replaces the stored one,
    an empty cell keeps it, and nobody is removed.
    """
    if imported.errors:
        raise InvalidInputError("the staff list has errors; fix them before importing it")
    with workspace.writing() as session:
        engagement_in(session, engagement_id)
        merge = merge_staff(staff_of(session, engagement_id), imported, end_missing_on=end_missing_on)
        _write_staff(session, engagement_id, merge.staff, utcnow())
        session.commit()
    return merge


def replace_staff(workspace: Workspace, *, engagement_id: int, staff: Sequence[StaffRow]) -> None:
    """Make the staff list exactly *staff* (what undo of an import puts back).

    People not in *staff* are removed with their acknowledgements.
    """
    with workspace.writing() as session:
        engagement_in(session, engagement_id)
        _write_staff(session, engagement_id, staff, utcnow())
        session.commit()


# --- acknowledgements ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SignoffPreview:
    """A returned sign-off sheet read against the engagement: what it records and what is new."""

    imported: SignoffImport
    merge: AcknowledgementMerge

    def as_dict(self) -> dict[str, Any]:
        return {
            "new": [a.as_dict() for a in self.merge.added],
            "already_recorded": self.merge.already_recorded,
            "not_signed": self.imported.not_signed,
            "warnings": list(self.imported.warnings),
        }


def read_signoff_sheet(
    workspace: Workspace,
    *,
    engagement_id: int,
    path: Path,
    policy_key: str | None = None,
    sheet: str | None = None,
    day_first: bool | None = None,
    today: date | None = None,
) -> SignoffPreview:
    """Read a returned sign-off sheet against the engagement's policies and staff; nothing is written.

    Without a Policy column, *policy_key* says which policy the sheet is for;
    without a Version column, each date acknowledges the version in force
    that day. Every row problem is reported at once.
    """
    with workspace.session() as session:
        records = policy_records_in(session, engagement_id)
        if policy_key is not None:
            policy_record(session, engagement_id, policy_key)
    try:
        imported = read_signoff_file(
            Path(path),
            policies=records.policies,
            staff=records.staff,
            today=today or date.today(),
            policy_key=policy_key,
            sheet=sheet,
            day_first=day_first,
        )
    except UnreadableFileError as error:
        raise InvalidInputError(str(error)) from None
    if imported.errors:
        raise _refused(Path(path).name, "sign-off sheet", imported.errors)
    return SignoffPreview(
        imported, merge_acknowledgements(records.acknowledgements, imported.acknowledgements)
    )


def record_acknowledgements(
    workspace: Workspace,
    *,
    engagement_id: int,
    acknowledgements: Sequence[AcknowledgementRow],
    today: date | None = None,
) -> AcknowledgementMerge:
    """Record acknowledgements (policy, approved version, person on the staff list, date).

    Those already recorded are counted and left as they are. One that does
    not fit is refused with nothing written.
    """
    today = today or date.today()
    with workspace.writing() as session:
        records = policy_records_in(session, engagement_id)
        ids = _ids(session, engagement_id)
        for acknowledgement in acknowledgements:
            try:
                check_acknowledgement(
                    records.policy(acknowledgement.policy_key), acknowledgement, records.staff, today
                )
            except KeyError:
                raise NotFoundError(f"this engagement has no policy {acknowledgement.policy_key!r}") from None
            except ValueError as error:
                raise InvalidInputError(f"{acknowledgement.email}: {error}") from None
        merge = merge_acknowledgements(records.acknowledgements, acknowledgements)
        now = utcnow()
        for acknowledgement in merge.added:
            session.add(
                PolicyAcknowledgement(
                    policy_id=ids.policies[acknowledgement.policy_key],
                    version=acknowledgement.version,
                    staff_id=ids.staff[acknowledgement.email],
                    acknowledged_on=acknowledgement.acknowledged_on,
                    recorded_at=now,
                )
            )
            _log_acknowledgement(session, engagement_id, acknowledgement, "recorded", now)
        note(session, Kind.STAFF, engagement_id)
        session.commit()
    return merge


def remove_acknowledgements(
    workspace: Workspace, *, engagement_id: int, acknowledgements: Sequence[AcknowledgementRow]
) -> None:
    """Remove these recorded acknowledgements (what undo of recording them does)."""
    with workspace.writing() as session:
        engagement_in(session, engagement_id)
        ids = _ids(session, engagement_id)
        now = utcnow()
        for acknowledgement in acknowledgements:
            policy_id = ids.policies.get(acknowledgement.policy_key)
            staff_id = ids.staff.get(acknowledgement.email)
            session.execute(
                delete(PolicyAcknowledgement).where(
                    col(PolicyAcknowledgement.policy_id) == policy_id,
                    col(PolicyAcknowledgement.staff_id) == staff_id,
                    col(PolicyAcknowledgement.version) == acknowledgement.version,
                )
            )
            _log_acknowledgement(session, engagement_id, acknowledgement, "removed", now)
        note(session, Kind.STAFF, engagement_id)
        session.commit()


@dataclass(frozen=True)
class _Ids:
    policies: dict[str, int]
    staff: dict[str, int]


def _ids(session: Session, engagement_id: int) -> _Ids:
    """Policy key -> row id and email -> row id of the engagement."""
    policies = session.exec(select(Policy.key, Policy.id).where(Policy.engagement_id == engagement_id)).all()
    staff = session.exec(
        select(StaffMember.email, StaffMember.id).where(StaffMember.engagement_id == engagement_id)
    ).all()
    return _Ids(
        {key: row_id for key, row_id in policies if row_id is not None},
        {email: row_id for email, row_id in staff if row_id is not None},
    )


def _log_acknowledgement(
    session: Session, engagement_id: int, acknowledgement: AcknowledgementRow, what: str, at: datetime
) -> None:
    record_change(
        session,
        engagement_id=engagement_id,
        entity=ACKNOWLEDGEMENT_ENTITY,
        entity_id=None,
        entity_ref=acknowledgement.email,
        field=f"{acknowledgement.policy_key} {acknowledgement.version}",
        old=None if what == "recorded" else acknowledgement.acknowledged_on,
        new=acknowledgement.acknowledged_on if what == "recorded" else None,
        at=at,
    )


# --- the register as evidence --------------------------------------------------------------------


def acknowledgement_control_ids(session: Session, engagement_id: int) -> list[int]:
    """The engagement's controls whose evidence is the acknowledgement register (by their library refs)."""
    refs = load_policy_library().acknowledgement_controls
    rows = session.exec(
        select(Control.id).where(Control.engagement_id == engagement_id, col(Control.ref).in_(refs))
    ).all()
    return [row for row in rows if row is not None]


@dataclass(frozen=True)
class RegisterAttachment:
    """The register written and the evidence record it became."""

    export: ExportResult
    evidence: EvidenceRow

    def as_dict(self) -> dict[str, Any]:
        return self.export.as_dict() | {"evidence_id": self.evidence.id, "controls": self.evidence.controls}


def attach_acknowledgement_register(
    workspace: Workspace,
    *,
    engagement_id: int,
    target: Path,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> RegisterAttachment:
    """Write the acknowledgement register to *target* and add it as evidence of the acknowledgement controls.

    The controls are those of the starter library that the register
    evidences (policy acknowledgement, onboarding); refused before anything
    is written when the matrix has none of them. Two steps in a row, the
    export and then the evidence, each its own unit of work: should the
    second fail, the register stays at *target* and can be added by hand.
    """
    with workspace.session() as session:
        engagement_in(session, engagement_id)
        control_ids = acknowledgement_control_ids(session, engagement_id)
        has_policies = bool(policies_of(session, engagement_id))
    if not control_ids:
        refs = ", ".join(load_policy_library().acknowledgement_controls)
        raise InvalidInputError(
            f"the control matrix has no policy acknowledgement control ({refs}); seed the starter "
            "controls or add one with that ref, then attach the register"
        )
    if not has_policies:
        raise InvalidInputError("the engagement has no policies yet; seed them from the library first")
    export = run_export(
        workspace,
        engagement_id=engagement_id,
        kind=REGISTER_KIND,
        target=target,
        progress=progress,
        cancel=cancel,
    )
    (evidence,) = add_evidence(
        workspace,
        engagement_id=engagement_id,
        files=[export.path],
        control_ids=control_ids,
        title=REGISTER_TITLE,
        as_of=export.as_of.date(),
        source_system="SOC Workbench",
        notes="Who acknowledged which policy version, and when.",
    )
    return RegisterAttachment(export, evidence)
