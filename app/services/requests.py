"""The auditor's request list: importing it as it comes, working each request, and handing it back.

Importing is two steps: :func:`preview_request_list` reads the file and says
what it holds and how its columns were understood (the user may choose the
sheet, the header row, the columns and the date order, and look again);
:func:`import_request_list` stores it in one transaction. Importing again
merges by request ID (:func:`app.domain.requests.merge_request_list`): our
status, owner, notes and links stay; requests the new list lacks are
withdrawn, never deleted. The columns a user confirmed are remembered for
the auditor firm's next list.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import delete
from sqlmodel import Session, col, select

from app.db.changelog import record_change
from app.db.models import (
    AuditRequest,
    ColumnMapping,
    Control,
    Evidence,
    RequestControl,
    RequestEvidence,
    RequestList,
    utcnow,
)
from app.db.session import note
from app.domain.changes import Kind
from app.domain.controls import ControlRow
from app.domain.evidence import EvidenceRow
from app.domain.fieldwork import (
    REQUEST_FIELDS,
    ControlSuggestion,
    ExceptionRow,
    RequestListRow,
    SampleRow,
    coerce_field,
    field_named,
    suggest_controls,
)
from app.domain.original_workbook import OriginalSheet, OriginalWorkbook, sheet_values
from app.domain.requests import (
    REQUEST_HEADERS,
    AuditorRequest,
    AuditorSample,
    ColumnRole,
    RequestRow,
    RequestStatus,
    WordingChange,
    merge_request_list,
    propose_mapping,
    request_key,
)
from app.domain.tabular import column_letter
from app.domain.wording import counted
from app.services.controls import controls_of
from app.services.engagements import engagement_in
from app.services.errors import InvalidInputError, NotFoundError
from app.services.evidence import (
    Cancel,
    Progress,
    adding_evidence,
    evidence_of,
    link_evidence_in,
    unlink_evidence_in,
)
from app.services.fieldwork import exceptions_of, merge_auditor_samples, samples_of
from app.services.versions import check_version
from app.services.workspace import Workspace

if TYPE_CHECKING:  # the reader imports openpyxl, which start-up does without
    from app.importers.request_list import RequestListImport

ENTITY = "request"
PREVIEW_ROWS = 12
"""Rows under the header the import preview shows."""


class DateOrderNeededError(InvalidInputError):
    """The list's text dates read two ways: the user must say day-first or month-first."""


def firm_key(auditor_firm: str) -> str:
    """How an auditor firm's remembered columns are found: case and spacing do not count."""
    return " ".join(auditor_firm.split()).casefold()


# --- the import preview --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ColumnChoice:
    """One column of the header row: its number (from 1), letter, header text and role (``None``: ignored)."""

    column: int
    letter: str
    header: str
    role: str | None


@dataclass(frozen=True)
class RequestListPreview:
    """What a request list holds and how it was read, before anything is stored.

    ``rows`` are the sheet's first rows as text, numbered, from row 1 to a
    few rows past the header, for the user to check the header row and the
    columns. ``problem`` says why no request could be read as the file was
    understood (no header row found, a column missing): the user chooses the
    header row and the columns and looks again. ``date_question`` is set when
    the text dates read two ways and the user must choose. ``added``,
    ``changed`` and ``withdrawn`` say what an import would do to the requests
    already stored.
    """

    engagement_id: int
    path: Path
    file_name: str
    sheets: tuple[str, ...]
    sheet: str
    header_row: int
    columns: tuple[ColumnChoice, ...]
    rows: tuple[tuple[int, tuple[str, ...]], ...]
    auditor_firm: str
    problem: str | None = None
    date_order: str | None = None
    date_question: str | None = None
    requests: tuple[AuditorRequest, ...] = ()
    samples: tuple[AuditorSample, ...] = ()
    samples_sheet: str | None = None
    flags: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    remembered: bool = False
    added: int = 0
    changed: int = 0
    withdrawn: int = 0
    source: "RequestListImport | None" = field(default=None, repr=False)

    @property
    def mapping(self) -> dict[str, int]:
        """Role -> column number of the columns read."""
        return {choice.role: choice.column for choice in self.columns if choice.role}


def _remembered(session: Session, auditor_firm: str) -> dict[str, ColumnRole]:
    record = session.get(ColumnMapping, firm_key(auditor_firm))
    if record is None:
        return {}
    known = {role.value: role for role in ColumnRole}
    return {header: known[role] for header, role in record.headers.items() if role in known}


def _shown_rows(sheet: OriginalSheet, header_row: int) -> tuple[tuple[int, tuple[str, ...]], ...]:
    from app.importers.request_list import cell_words

    values = sheet_values(sheet)
    width = sheet["max_column"]
    last = min(sheet["max_row"], header_row + PREVIEW_ROWS)
    return tuple(
        (row, tuple(cell_words(values.get((row, column))) for column in range(1, width + 1)))
        for row in range(1, last + 1)
    )


def _sheet_named(original: OriginalWorkbook, name: str) -> OriginalSheet:
    return next(sheet for sheet in original["sheets"] if sheet["name"] == name)


def _problem_preview(
    engagement_id: int,
    path: Path,
    auditor_firm: str,
    problem: str,
    choices: tuple[str | None, int | None, Mapping[str, int] | None],
    remembered: Mapping[str, ColumnRole],
) -> RequestListPreview:
    """A preview of a readable file whose requests could not be found: its rows, for the user to choose."""
    from app.importers.request_list import cell_words, read_original
    from app.importers.safe_files import UnreadableFileError

    try:
        original = read_original(path).original
    except UnreadableFileError:
        raise InvalidInputError(problem) from None
    sheet_name, header_row, mapping = choices
    sheets = original["sheets"]
    wanted = [s for s in sheets if sheet_name and s["name"].casefold() == sheet_name.strip().casefold()]
    sheet = (wanted or sheets)[0] if sheets else None
    if sheet is None:
        raise InvalidInputError(problem)
    values = sheet_values(sheet)
    width = sheet["max_column"]

    def cells(row: int) -> dict[int, Any]:
        return {column: values.get((row, column)) for column in range(1, width + 1)}

    if header_row is None:
        named = [len(propose_mapping(cells(row), REQUEST_HEADERS, remembered)) for row in range(1, 21)]
        header_row = named.index(max(named)) + 1 if max(named) else 1
    headers = cells(header_row)
    roles = (
        {column: role for role, column in mapping.items()}
        if mapping is not None
        else {
            column: role.value
            for role, column in propose_mapping(headers, REQUEST_HEADERS, remembered).items()
        }
    )
    return RequestListPreview(
        engagement_id=engagement_id,
        path=path,
        file_name=path.name,
        sheets=tuple(s["name"] for s in sheets),
        sheet=sheet["name"],
        header_row=header_row,
        columns=tuple(
            ColumnChoice(column, column_letter(column - 1), cell_words(headers[column]), roles.get(column))
            for column in range(1, width + 1)
        ),
        rows=_shown_rows(sheet, header_row),
        auditor_firm=auditor_firm,
        problem=problem,
    )


def preview_request_list(
    workspace: Workspace,
    *,
    engagement_id: int,
    path: Path,
    sheet: str | None = None,
    header_row: int | None = None,
    mapping: Mapping[str, int] | None = None,
    day_first: bool | None = None,
) -> RequestListPreview:
    """Read the request list at *path* as it would be imported into the engagement; store nothing.

    *sheet*, *header_row*, *mapping* (role -> column number from 1) and
    *day_first* are the user's choices; without them the file says. The
    columns the engagement's auditor firm used before are recognised by their
    header text. A file that cannot be read raises ``InvalidInputError`` with
    the reason; a file read whole in which no request list is found gives a
    preview with its ``problem``.
    """
    from app.importers.request_list import read_request_list
    from app.importers.safe_files import UnreadableFileError

    path = Path(path)
    with workspace.session() as session:
        engagement = engagement_in(session, engagement_id)
        remembered = _remembered(session, engagement.auditor_firm)
        existing = _request_rows(session, engagement_id)
    try:
        roles = None if mapping is None else {ColumnRole(role): column for role, column in mapping.items()}
    except ValueError as error:
        raise InvalidInputError(f"unknown column role: {error}") from None
    try:
        read = read_request_list(
            path,
            sheet=sheet,
            header_row=header_row,
            mapping=roles,
            day_first=day_first,
            remembered=remembered or None,
        )
        merge = merge_request_list(existing, read.requests)
    except (UnreadableFileError, ValueError) as error:
        choices = (sheet, header_row, mapping)
        return _problem_preview(engagement_id, path, engagement.auditor_firm, str(error), choices, remembered)
    used = {role.value for role in read.mapping}
    return RequestListPreview(
        engagement_id=engagement_id,
        path=path,
        file_name=read.file_name,
        sheets=tuple(s["name"] for s in read.original["sheets"]),
        sheet=read.sheet,
        header_row=read.header_row,
        columns=tuple(ColumnChoice(c.column, c.letter, c.header, c.role) for c in read.columns),
        rows=_shown_rows(_sheet_named(read.original, read.sheet), read.header_row),
        auditor_firm=engagement.auditor_firm,
        date_order=None if read.date_order.order is None else read.date_order.order.value,
        date_question=read.date_order.reason if read.date_order.ambiguous else None,
        requests=read.requests,
        samples=read.samples.samples if read.samples else (),
        samples_sheet=read.samples.sheet if read.samples else None,
        flags=tuple(str(flag) for flag in read.flags),
        warnings=read.warnings,
        remembered=any(remembered[header].value in used for header in remembered),
        added=len(merge.added),
        changed=len(merge.changed),
        withdrawn=len(merge.withdrawn),
        source=read,
    )


# --- reading requests ----------------------------------------------------------------------------


def _auditor_request(record: AuditRequest) -> AuditorRequest:
    return AuditorRequest(
        request_id=record.request_ref,
        text=record.text,
        criteria=tuple(record.criteria),
        unknown_criteria=tuple(record.unknown_criteria),
        references=tuple(record.references),
        request_type=record.request_type,
        period=record.period,
        owner=record.auditor_owner,
        due=record.auditor_due,
        auditor_status=record.auditor_status,
        comments=record.auditor_comments,
        extras=tuple((str(header), str(text)) for header, text in record.extras),
        row=record.row,
    )


def _row(record: AuditRequest, controls: Sequence[str], evidence: Sequence[str]) -> RequestRow:
    assert record.id is not None
    return RequestRow(
        request=_auditor_request(record),
        status=RequestStatus(record.status),
        owner=record.owner,
        notes=record.notes,
        due=record.due,
        date_provided=record.date_provided,
        controls=tuple(controls),
        evidence=tuple(evidence),
        listed=record.listed,
        id=record.id,
        version=record.version,
    )


def _grouped(session: Session, statement: Any) -> dict[int, list[Any]]:
    grouped: dict[int, list[Any]] = defaultdict(list)
    for owner, value in session.exec(statement).all():
        if owner is not None:
            grouped[owner].append(value)
    return grouped


def _request_rows(session: Session, engagement_id: int, ids: Sequence[int] | None = None) -> list[RequestRow]:
    statement = select(AuditRequest).where(AuditRequest.engagement_id == engagement_id)
    if ids is not None:
        statement = statement.where(col(AuditRequest.id).in_(ids))
    records = session.exec(statement.order_by(col(AuditRequest.position), col(AuditRequest.id))).all()
    wanted = [record.id for record in records]
    controls = _grouped(
        session,
        select(RequestControl.request_id, Control.ref)
        .join(Control, col(Control.id) == RequestControl.control_id)
        .where(col(RequestControl.request_id).in_(wanted))
        .order_by(col(Control.ref)),
    )
    evidence = _grouped(
        session,
        select(RequestEvidence.request_id, Evidence.file_name)
        .join(Evidence, col(Evidence.id) == RequestEvidence.evidence_id)
        .where(col(RequestEvidence.request_id).in_(wanted))
        .order_by(col(Evidence.id)),
    )
    return [_row(record, controls[record.id or 0], evidence[record.id or 0]) for record in records]


def requests_of(session: Session, engagement_id: int) -> list[RequestRow]:
    """Every request of the engagement in the list's order (withdrawn ones last), read in *session*."""
    engagement_in(session, engagement_id)
    return _request_rows(session, engagement_id)


def list_requests(workspace: Workspace, *, engagement_id: int) -> list[RequestRow]:
    """Every request of the engagement in the list's order, withdrawn ones last."""
    with workspace.session() as session:
        return requests_of(session, engagement_id)


def get_requests(workspace: Workspace, request_ids: Sequence[int]) -> list[RequestRow]:
    """These requests, in the order asked; a missing one is refused."""
    with workspace.session() as session:
        return _rows_by_id(session, request_ids)


def _record(session: Session, request_id: int) -> AuditRequest:
    record = session.get(AuditRequest, request_id)
    if record is None:
        raise NotFoundError(f"request {request_id} no longer exists")
    return record


def _rows_by_id(session: Session, request_ids: Sequence[int]) -> list[RequestRow]:
    engagements = {_record(session, request_id).engagement_id for request_id in request_ids}
    found: dict[int, RequestRow] = {}
    for engagement_id in engagements:
        assert engagement_id is not None
        found.update({row.id: row for row in _request_rows(session, engagement_id, list(request_ids))})
    return [found[request_id] for request_id in request_ids]


def find_request(workspace: Workspace, *, engagement_id: int, request_ref: str) -> RequestRow:
    """The engagement's request with this ID as the auditor wrote it (case and spacing aside)."""
    with workspace.session() as session:
        engagement_in(session, engagement_id)
        record = session.exec(
            select(AuditRequest).where(
                AuditRequest.engagement_id == engagement_id,
                AuditRequest.request_key == request_key(request_ref),
            )
        ).first()
        if record is None:
            raise NotFoundError(f"no request {request_ref.strip()!r} in this engagement's request list")
        return _rows_by_id(session, [record.id or 0])[0]


def request_list_info(workspace: Workspace, *, engagement_id: int) -> RequestListRow | None:
    """The request list the engagement imported last, or ``None`` before the first import."""
    with workspace.session() as session:
        engagement_in(session, engagement_id)
        record = _list_record(session, engagement_id)
    return None if record is None else _list_row(record)


def _list_row(record: RequestList) -> RequestListRow:
    assert record.id is not None and record.engagement_id is not None
    return RequestListRow(
        id=record.id,
        engagement_id=record.engagement_id,
        file_name=record.file_name,
        sha256=record.sha256,
        sheet=record.sheet,
        header_row=record.header_row,
        samples_sheet=record.samples_sheet,
        date_order=record.date_order,
        auditor_firm=record.auditor_firm,
        imported_at=record.imported_at,
    )


def _list_record(session: Session, engagement_id: int) -> RequestList | None:
    return session.exec(select(RequestList).where(RequestList.engagement_id == engagement_id)).first()


# --- importing -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RequestImport:
    """What an import did: requests read, added, reworded, withdrawn and back; samples; cells flagged."""

    file_name: str
    requests: int
    added: tuple[str, ...]
    changed: tuple[tuple[str, tuple[WordingChange, ...]], ...]
    withdrawn: tuple[str, ...]
    reinstated: tuple[str, ...]
    samples: int
    flags: tuple[str, ...]
    warnings: tuple[str, ...]

    def lines(self) -> list[str]:
        """The outcome in words, one line each: counts, then every change and flag."""
        lines = [
            f"Read {counted(self.requests, 'request')} from {self.file_name}: "
            f"{len(self.added)} new, {len(self.changed)} reworded, {len(self.withdrawn)} withdrawn"
            + (f", {len(self.reinstated)} back in the list" if self.reinstated else "")
            + (f"; {self.samples} sampled items" if self.samples else "")
            + "."
        ]
        for ref, changes in self.changed:
            for change in changes:
                lines.append(f"{ref}: {change.field} changed from “{change.old}” to “{change.new}”")
        lines += [f"{ref}: no longer in the list; marked withdrawn" for ref in self.withdrawn]
        lines += [f"flagged {flag}" for flag in self.flags]
        lines += [f"note: {warning}" for warning in self.warnings]
        return lines


def _log(
    session: Session, record: AuditRequest, field_name: str, *, old: Any = None, new: Any = None
) -> None:
    record_change(
        session,
        engagement_id=record.engagement_id,
        entity=ENTITY,
        entity_id=record.id,
        entity_ref=record.request_ref,
        field=field_name,
        old=old,
        new=new,
    )
    note(session, Kind.REQUESTS, record.id)


def _auditor_fields(request: AuditorRequest) -> dict[str, Any]:
    return {
        "request_ref": request.request_id,
        "request_key": request.key,
        "text": request.text,
        "criteria": list(request.criteria),
        "unknown_criteria": list(request.unknown_criteria),
        "references": list(request.references),
        "request_type": request.request_type,
        "period": request.period,
        "auditor_owner": request.owner,
        "auditor_due": request.due,
        "auditor_status": request.auditor_status,
        "auditor_comments": request.comments,
        "extras": [list(pair) for pair in request.extras],
        "row": request.row,
    }


def _store_requests(session: Session, engagement_id: int, preview: RequestListPreview) -> RequestImport:
    """Merge the previewed requests into the stored ones (see :func:`import_request_list`)."""
    records = {
        record.id: record
        for record in session.exec(select(AuditRequest).where(AuditRequest.engagement_id == engagement_id))
    }
    merge = merge_request_list(_request_rows(session, engagement_id), preview.requests)
    withdrawn = {row.id for row in merge.withdrawn}
    reinstated = {row.id for row in merge.reinstated}
    now = utcnow()
    for position, row in enumerate(merge.merged, 1):
        record = records.get(row.id)
        if record is None:
            record = AuditRequest(
                engagement_id=engagement_id,
                owner=row.request.owner,
                created_at=now,
                **_auditor_fields(row.request),
            )
            session.add(record)
            session.flush()
            _log(session, record, "created", new=row.request.text)
        elif row.listed:
            for name, value in _auditor_fields(row.request).items():
                setattr(record, name, value)
        if row.id in withdrawn or row.id in reinstated:
            _log(session, record, "status", old=record.status, new=row.status.value)
        record.status, record.listed, record.position, record.updated_at = (
            row.status.value,
            row.listed,
            position,
            now,
        )
        session.add(record)
    by_id = {row.id: row for row in merge.merged}
    for changed in merge.changed:
        for change in changed.changes:
            _log(session, records[changed.after.id], change.field, old=change.old, new=change.new)
    session.flush()
    return RequestImport(
        file_name=preview.file_name,
        requests=len(preview.requests),
        added=tuple(row.request.request_id for row in merge.added),
        changed=tuple((c.after.request.request_id, c.changes) for c in merge.changed),
        withdrawn=tuple(by_id[i].request.request_id for i in withdrawn),
        reinstated=tuple(by_id[i].request.request_id for i in reinstated),
        samples=0,
        flags=preview.flags,
        warnings=preview.warnings,
    )


def _store_list(session: Session, engagement_id: int, preview: RequestListPreview) -> None:
    read = preview.source
    assert read is not None
    values: dict[str, Any] = {
        "file_name": read.file_name,
        "sha256": read.sha256,
        "sheet": read.sheet,
        "header_row": read.header_row,
        "samples_sheet": preview.samples_sheet,
        "mapping": preview.mapping,
        "date_order": preview.date_order,
        "auditor_firm": preview.auditor_firm,
        "original": cast(dict[str, Any], read.original),
        "updated_at": utcnow(),
    }
    record = _list_record(session, engagement_id)
    if record is None:
        record = RequestList(engagement_id=engagement_id, **values)
    else:
        for name, value in values.items():
            setattr(record, name, value)
    session.add(record)


def _remember(session: Session, preview: RequestListPreview) -> None:
    key = firm_key(preview.auditor_firm)
    record = session.get(ColumnMapping, key) or ColumnMapping(auditor_firm=key)
    headers = dict(record.headers)
    headers.update(
        {choice.header: choice.role for choice in preview.columns if choice.header and choice.role}
    )
    record.headers, record.updated_at = headers, utcnow()
    session.add(record)


def import_request_list(
    workspace: Workspace, preview: RequestListPreview, *, remember: bool = True
) -> RequestImport:
    """Store the previewed request list in one transaction: the file kept whole, the requests merged.

    New requests are added as open with the owner the auditor named; a
    request worded differently is reported change by change; requests the
    list no longer has are withdrawn. The samples sheet's selections are
    merged by request ID and sample number. With *remember*, the columns are
    remembered for the engagement's auditor firm. Refused with
    :class:`DateOrderNeededError` while the dates read two ways.
    """
    if preview.problem or preview.source is None:
        raise InvalidInputError(preview.problem or "the request list was not read")
    if preview.date_question:
        raise DateOrderNeededError(preview.date_question)
    engagement_id = preview.engagement_id
    with workspace.writing() as session:
        engagement_in(session, engagement_id)
        try:
            result = _store_requests(session, engagement_id, preview)
        except ValueError as error:
            raise InvalidInputError(str(error)) from None
        _store_list(session, engagement_id, preview)
        keys = {
            key: request_id
            for key, request_id in session.exec(
                select(AuditRequest.request_key, AuditRequest.id).where(
                    AuditRequest.engagement_id == engagement_id
                )
            ).all()
            if request_id is not None
        }
        skipped = merge_auditor_samples(session, engagement_id, preview.samples, keys)
        if remember:
            _remember(session, preview)
        note(session, Kind.REQUESTS)
        session.commit()
    return replace(result, samples=len(preview.samples) - len(skipped), flags=(*result.flags, *skipped))


def remembered_columns(workspace: Workspace, auditor_firm: str) -> dict[str, str]:
    """Header text -> column role as the firm's lists were mapped before (empty when never)."""
    with workspace.session() as session:
        return {header: role.value for header, role in _remembered(session, auditor_firm).items()}


# --- working a request ---------------------------------------------------------------------------


def _clean(fields: Mapping[str, Any]) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    for name, value in fields.items():
        try:
            clean[name] = coerce_field(field_named(REQUEST_FIELDS, name), value)
        except ValueError as error:
            raise InvalidInputError(f"{name.replace('_', ' ')}: {error}") from None
    return clean


def update_request(
    workspace: Workspace, request_id: int, *, version: int | None = None, **fields: Any
) -> RequestRow:
    """Change our fields of a request (status, owner, due, date provided, notes), logging each change.

    The auditor's own fields change only by importing their list again. With
    *version* (the one the caller read), a request someone else saved since
    is refused with an :class:`~app.services.errors.EditConflictError`.
    """
    clean = _clean(fields)
    with workspace.writing() as session:
        record = _record(session, request_id)
        check_version(session, record, version, what=f"request {record.request_ref}")
        now = utcnow()
        for name, value in clean.items():
            stored = RequestStatus(record.status) if name == "status" else getattr(record, name)
            if stored == value:
                continue
            setattr(record, name, value.value if isinstance(value, RequestStatus) else value)
            _log(session, record, name, old=stored, new=value)
            record.updated_at = now
        session.add(record)
        session.commit()
        return _rows_by_id(session, [request_id])[0]


def status_fields(row: RequestRow, status: RequestStatus, today: date) -> dict[str, Any]:
    """The fields a status change sets: the status, and today as the date provided when none is set yet."""
    changes: dict[str, Any] = {"status": status}
    if status in (RequestStatus.PROVIDED, RequestStatus.ACCEPTED) and row.date_provided is None:
        changes["date_provided"] = today
    return changes


def _linked_controls(session: Session, request_id: int) -> list[int]:
    rows = session.exec(
        select(RequestControl.control_id).where(RequestControl.request_id == request_id)
    ).all()
    return [control_id for control_id in rows if control_id is not None]


def _linked_evidence(session: Session, request_id: int) -> list[int]:
    rows = session.exec(
        select(RequestEvidence.evidence_id).where(RequestEvidence.request_id == request_id)
    ).all()
    return [evidence_id for evidence_id in rows if evidence_id is not None]


def _checked_controls(session: Session, engagement_id: int, control_ids: Iterable[int]) -> dict[int, str]:
    refs: dict[int, str] = {}
    for control_id in dict.fromkeys(control_ids):
        control = session.get(Control, control_id)
        if control is None:
            raise NotFoundError(f"control {control_id} no longer exists")
        if control.engagement_id != engagement_id:
            raise InvalidInputError(f"control {control.ref} belongs to another engagement")
        refs[control_id] = control.ref
    return refs


@dataclass(frozen=True)
class RequestLinks:
    """A request after linking controls, and the (evidence id, control id) links that brought along."""

    row: RequestRow
    evidence_links: tuple[tuple[int, int], ...] = ()


def link_request_controls(workspace: Workspace, request_id: int, control_ids: Iterable[int]) -> RequestLinks:
    """Link a request to controls it asks about; the request's evidence is linked to them too."""
    with workspace.writing() as session:
        record = _record(session, request_id)
        assert record.engagement_id is not None
        refs = _checked_controls(session, record.engagement_id, control_ids)
        present = set(_linked_controls(session, request_id))
        new = [control_id for control_id in refs if control_id not in present]
        evidence_links: list[tuple[int, int]] = []
        for control_id in new:
            session.add(RequestControl(request_id=request_id, control_id=control_id))
            _log(session, record, "linked", new=refs[control_id])
        for evidence_id in _linked_evidence(session, request_id):
            evidence_links += [(evidence_id, c) for c in link_evidence_in(session, evidence_id, new)]
        session.commit()
        return RequestLinks(_rows_by_id(session, [request_id])[0], tuple(evidence_links))


def unlink_request_controls(
    workspace: Workspace,
    request_id: int,
    control_ids: Iterable[int],
    evidence_links: Iterable[tuple[int, int]] = (),
) -> RequestRow:
    """Unlink a request from controls, and the given (evidence id, control id) links with them."""
    with workspace.writing() as session:
        record = _record(session, request_id)
        assert record.engagement_id is not None
        refs = _checked_controls(session, record.engagement_id, control_ids)
        present = set(_linked_controls(session, request_id))
        for control_id, ref in refs.items():
            if control_id in present:
                session.execute(
                    delete(RequestControl).where(
                        col(RequestControl.request_id) == request_id,
                        col(RequestControl.control_id) == control_id,
                    )
                )
                _log(session, record, "unlinked", old=ref)
        for evidence_id, control_id in evidence_links:
            if (
                session.get(Evidence, evidence_id) is not None
                and session.get(Control, control_id) is not None
            ):
                unlink_evidence_in(session, evidence_id, [control_id])
        session.commit()
        return _rows_by_id(session, [request_id])[0]


def link_request_evidence(workspace: Workspace, request_id: int, evidence_ids: Iterable[int]) -> RequestRow:
    """Count existing evidence as provided for a request (and link it to the request's controls)."""
    with workspace.writing() as session:
        record = _record(session, request_id)
        present = set(_linked_evidence(session, request_id))
        controls = _linked_controls(session, request_id)
        for evidence_id in dict.fromkeys(evidence_ids):
            evidence = session.get(Evidence, evidence_id)
            if evidence is None or evidence.engagement_id != record.engagement_id:
                raise NotFoundError(f"evidence {evidence_id} no longer exists")
            if evidence_id in present:
                continue
            session.add(RequestEvidence(request_id=request_id, evidence_id=evidence_id))
            link_evidence_in(session, evidence_id, controls)
            _log(session, record, "evidence added", new=evidence.file_name)
        session.commit()
        return _rows_by_id(session, [request_id])[0]


def unlink_request_evidence(workspace: Workspace, request_id: int, evidence_ids: Iterable[int]) -> RequestRow:
    """Stop counting evidence as provided for a request; the evidence and its control links stay."""
    with workspace.writing() as session:
        record = _record(session, request_id)
        for evidence_id in dict.fromkeys(evidence_ids):
            evidence = session.get(Evidence, evidence_id)
            session.execute(
                delete(RequestEvidence).where(
                    col(RequestEvidence.request_id) == request_id,
                    col(RequestEvidence.evidence_id) == evidence_id,
                )
            )
            _log(session, record, "evidence removed", old=evidence.file_name if evidence else evidence_id)
        session.commit()
        return _rows_by_id(session, [request_id])[0]


def attach_to_request(
    workspace: Workspace,
    *,
    engagement_id: int,
    request_id: int,
    files: Iterable[str | Path],
    progress: Progress | None = None,
    cancel: Cancel | None = None,
    skipped: list[str] | None = None,
) -> list[EvidenceRow]:
    """Store files as evidence provided for a request, linked to the request's controls, in one step."""
    with adding_evidence(
        workspace, engagement_id=engagement_id, files=files, progress=progress, cancel=cancel, skipped=skipped
    ) as added:
        session = added.session
        record = _record(session, request_id)
        if record.engagement_id != engagement_id:
            raise NotFoundError(f"request {request_id} belongs to another engagement")
        controls = _linked_controls(session, request_id)
        for evidence in added.records:
            session.add(RequestEvidence(request_id=request_id, evidence_id=evidence.id))
            link_evidence_in(session, evidence.id or 0, controls)
            _log(session, record, "evidence added", new=evidence.file_name)
        session.flush()
        rows = [row for row in evidence_of(session, engagement_id) if row.id in {r.id for r in added.rows}]
    return rows


# --- the detail of one request -------------------------------------------------------------------


@dataclass(frozen=True)
class RequestDetail:
    """Everything the detail panel shows of one request."""

    row: RequestRow
    controls: tuple[ControlRow, ...]
    others: tuple[ControlRow, ...]
    """The engagement's controls not linked to the request (to link another)."""
    suggestions: tuple[ControlSuggestion, ...]
    evidence: tuple[EvidenceRow, ...]
    samples: tuple[SampleRow, ...]
    exceptions: tuple[ExceptionRow, ...]


def request_detail(workspace: Workspace, request_id: int) -> RequestDetail:
    """A request with its linked controls, suggested ones, evidence, samples and their exceptions."""
    with workspace.session() as session:
        row = _rows_by_id(session, [request_id])[0]
        record = _record(session, request_id)
        engagement_id = record.engagement_id or 0
        controls = controls_of(session, engagement_id, summary=True)
        linked = set(_linked_controls(session, request_id))
        evidence_ids = set(_linked_evidence(session, request_id))
        samples = samples_of(session, engagement_id, request_id=request_id)
        item_ids = {item.id for sample in samples for item in sample.items}
        exceptions = [e for e in exceptions_of(session, engagement_id) if e.sample_item_id in item_ids]
        evidence = [e for e in evidence_of(session, engagement_id) if e.id in evidence_ids]
    return RequestDetail(
        row=row,
        controls=tuple(control for control in controls if control.id in linked),
        others=tuple(control for control in controls if control.id not in linked),
        suggestions=suggest_controls(row.request, controls, linked=linked),
        evidence=tuple(evidence),
        samples=tuple(samples),
        exceptions=tuple(exceptions),
    )


# --- handing the list back -----------------------------------------------------------------------


@dataclass(frozen=True)
class RequestHandbackData:
    """What the auditor's workbook and the request package show, read in one transaction.

    ``request_evidence`` and ``item_evidence`` give the evidence ids of each
    request and sampled item; ``evidence`` every one of those records.
    """

    request_list: RequestListRow
    original: OriginalWorkbook
    requests: tuple[RequestRow, ...]
    samples: tuple[SampleRow, ...]
    evidence: Mapping[int, EvidenceRow]
    request_evidence: Mapping[int, tuple[int, ...]]


def handback_in(session: Session, engagement_id: int) -> RequestHandbackData | None:
    """The engagement's request list for handing back, read in *session* (``None``: none imported)."""
    record = _list_record(session, engagement_id)
    if record is None:
        return None
    requests = _request_rows(session, engagement_id)
    links = _grouped(
        session,
        select(RequestEvidence.request_id, RequestEvidence.evidence_id)
        .join(AuditRequest, col(AuditRequest.id) == RequestEvidence.request_id)
        .where(AuditRequest.engagement_id == engagement_id)
        .order_by(col(RequestEvidence.evidence_id)),
    )
    return RequestHandbackData(
        request_list=_list_row(record),
        original=cast(OriginalWorkbook, record.original),
        requests=tuple(requests),
        samples=tuple(samples_of(session, engagement_id)),
        evidence={row.id: row for row in evidence_of(session, engagement_id)},
        request_evidence={request_id: tuple(ids) for request_id, ids in links.items()},
    )
