"""Fieldwork: populations of controls, samples (the auditor's and self-drawn) and exceptions.

A population is a file listing every occurrence of a control in the period:
it is stored as evidence of the control, counted, and sets the control's
population size. A sample is the auditor's selection for a request (read
from the samples sheet of the request list, or entered) or one drawn from a
population for self-testing, which anyone can re-run from its seed. An
exception records a deviation against a control or a sampled item.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from app.db.changelog import record_change
from app.db.models import (
    AuditRequest,
    Control,
    ControlException,
    Evidence,
    Population,
    RequestControl,
    Sample,
    SampleItem,
    SampleItemEvidence,
    utcnow,
)
from app.db.session import note
from app.db.snapshots import restore_snapshot, take_snapshot
from app.domain.changes import Kind
from app.domain.evidence import EvidenceRow
from app.domain.fieldwork import (
    EXCEPTION_FIELDS,
    ExceptionRow,
    PopulationRow,
    SampleItemRow,
    SampleRow,
    SampleSource,
    coerce_field,
    date_spread,
    field_named,
    population_items,
    population_items_json,
    sample_item_words,
)
from app.domain.requests import AuditorSample, draw_sample, request_key
from app.domain.sampling import itgc_status, report_type_for, sample_advice
from app.domain.snapshots import Snapshot
from app.domain.wording import counted
from app.services.controls import controls_of, set_control_field
from app.services.engagements import engagement_in
from app.services.errors import ConflictError, InvalidInputError, NotFoundError
from app.services.evidence import Cancel, Progress, adding_evidence, link_evidence_in
from app.services.settings import read_sampling_conventions
from app.services.workspace import Workspace

SAMPLE_ENTITY = "sample"
EXCEPTION_ENTITY = "exception"


def _control(session: Session, engagement_id: int, control_id: int) -> Control:
    control = session.get(Control, control_id)
    if control is None:
        raise NotFoundError(f"control {control_id} no longer exists")
    if control.engagement_id != engagement_id:
        raise InvalidInputError(f"control {control.ref} belongs to another engagement")
    return control


def _refs(session: Session, table: Any, ids: Iterable[int | None], column: Any) -> dict[int, str]:
    wanted = [i for i in set(ids) if i is not None]
    if not wanted:
        return {}
    return {
        row_id: text
        for row_id, text in session.exec(select(table.id, column).where(col(table.id).in_(wanted))).all()
        if row_id is not None
    }


# --- populations ---------------------------------------------------------------------------------


def populations_of(
    session: Session, engagement_id: int, control_id: int | None = None
) -> list[PopulationRow]:
    """The engagement's populations (of one control), newest last, read in *session*."""
    statement = (
        select(Population, Evidence.file_name, Control.ref)
        .join(Evidence, col(Evidence.id) == Population.evidence_id)
        .join(Control, col(Control.id) == Population.control_id)
        .where(Population.engagement_id == engagement_id)
        .order_by(col(Control.ref), col(Population.id))
    )
    if control_id is not None:
        statement = statement.where(Population.control_id == control_id)
    rows = []
    for population, file_name, ref in session.exec(statement).all():
        assert population.id is not None and population.control_id is not None
        first, last = date_spread(population_items(population.items))
        rows.append(
            PopulationRow(
                id=population.id,
                engagement_id=engagement_id,
                control_id=population.control_id,
                control_ref=ref,
                evidence_id=population.evidence_id or 0,
                file_name=file_name,
                sha256=population.sha256,
                item_count=population.item_count,
                first_date=first,
                last_date=last,
                added_at=population.added_at,
            )
        )
    return rows


def list_populations(
    workspace: Workspace, *, engagement_id: int, control_id: int | None = None
) -> list[PopulationRow]:
    """The engagement's populations, by control ref then as added."""
    with workspace.session() as session:
        engagement_in(session, engagement_id)
        return populations_of(session, engagement_id, control_id)


def add_population(
    workspace: Workspace,
    *,
    engagement_id: int,
    control_id: int,
    path: Path,
    sheet: str | None = None,
    day_first: bool | None = None,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> PopulationRow:
    """Store a population listing as the control's evidence, count it, and set its population size.

    The file is read before anything is stored: a file that cannot be read
    (or whose dates read two ways without *day_first*) stores nothing.
    """
    from app.importers.population import read_population_file  # openpyxl: loaded when first needed
    from app.importers.safe_files import UnreadableFileError

    path = Path(path)
    if not path.is_file():
        raise InvalidInputError(f"{path} is not a file; a population is one CSV file or workbook")
    try:
        table = read_population_file(path, sheet=sheet, day_first=day_first)
    except UnreadableFileError as error:
        raise InvalidInputError(str(error)) from None
    count = len(table.items)
    notes = f"Population: {counted(count, 'occurrence')}, read from row {table.header_row + 1}"
    with adding_evidence(
        workspace,
        engagement_id=engagement_id,
        files=[path],
        control_ids=[control_id],
        source_system=table.label_column,
        notes=notes,
        progress=progress,
        cancel=cancel,
    ) as added:
        session = added.session
        control = _control(session, engagement_id, control_id)
        (evidence,) = added.records
        population = Population(
            engagement_id=engagement_id,
            control_id=control_id,
            evidence_id=evidence.id,
            sha256=evidence.sha256,
            item_count=count,
            items=population_items_json(table.items),
        )
        session.add(population)
        now = utcnow()
        if control.population_size != count:
            set_control_field(
                session,
                control,
                "population_size",
                control.population_size,
                count,
                known_criteria={},
                now=now,
            )
        note(session, Kind.FIELDWORK, engagement_id)
        session.flush()
        (row,) = [r for r in populations_of(session, engagement_id, control_id) if r.id == population.id]
    return row


# --- samples -------------------------------------------------------------------------------------


def _item_evidence(session: Session, item_ids: Sequence[int]) -> dict[int, list[tuple[int, str]]]:
    found: dict[int, list[tuple[int, str]]] = defaultdict(list)
    if not item_ids:
        return found
    statement = (
        select(SampleItemEvidence.sample_item_id, Evidence.id, Evidence.file_name)
        .join(Evidence, col(Evidence.id) == SampleItemEvidence.evidence_id)
        .where(col(SampleItemEvidence.sample_item_id).in_(item_ids))
        .order_by(col(Evidence.id))
    )
    for item_id, evidence_id, name in session.exec(statement).all():
        if item_id is not None and evidence_id is not None:
            found[item_id].append((evidence_id, name))
    return found


def _item_row(item: SampleItem, evidence: Sequence[tuple[int, str]]) -> SampleItemRow:
    assert item.id is not None and item.sample_id is not None
    return SampleItemRow(
        id=item.id,
        sample_id=item.sample_id,
        number=item.number,
        item=item.item,
        when=item.item_date,
        row=item.row,
        position=item.position,
        listed=item.listed,
        evidence=tuple(name for _, name in evidence),
        evidence_ids=tuple(evidence_id for evidence_id, _ in evidence),
    )


def samples_of(
    session: Session,
    engagement_id: int,
    *,
    sample_ids: Sequence[int] | None = None,
    request_id: int | None = None,
    control_id: int | None = None,
) -> list[SampleRow]:
    """The engagement's samples with their items, read in *session*: the auditor's by request, then drawn."""
    statement = select(Sample).where(Sample.engagement_id == engagement_id)
    if sample_ids is not None:
        statement = statement.where(col(Sample.id).in_(sample_ids))
    if request_id is not None:
        statement = statement.where(Sample.request_id == request_id)
    if control_id is not None:
        statement = statement.where(Sample.control_id == control_id)
    samples = session.exec(statement).all()
    ids = [sample.id for sample in samples if sample.id is not None]
    items = session.exec(
        select(SampleItem).where(col(SampleItem.sample_id).in_(ids)).order_by(col(SampleItem.id))
    )
    by_sample: dict[int, list[SampleItem]] = defaultdict(list)
    for item in items.all():
        by_sample[item.sample_id or 0].append(item)
    evidence = _item_evidence(session, [item.id for group in by_sample.values() for item in group if item.id])
    requests = {
        request_id: (ref, position)
        for request_id, ref, position in session.exec(
            select(AuditRequest.id, AuditRequest.request_ref, AuditRequest.position).where(
                col(AuditRequest.id).in_([s.request_id for s in samples if s.request_id is not None])
            )
        ).all()
        if request_id is not None
    }
    controls = _refs(session, Control, (s.control_id for s in samples), Control.ref)
    rows = [
        SampleRow(
            id=sample.id or 0,
            engagement_id=engagement_id,
            source=SampleSource(sample.source),
            request_id=sample.request_id,
            request_ref=requests[sample.request_id][0] if sample.request_id in requests else None,
            control_id=sample.control_id,
            control_ref=controls.get(sample.control_id or 0),
            population=sample.population,
            population_sha256=sample.population_sha256,
            population_size=sample.population_size,
            seed=sample.seed,
            method=sample.method,
            items=tuple(
                _item_row(item, evidence.get(item.id or 0, [])) for item in by_sample[sample.id or 0]
            ),
        )
        for sample in samples
    ]

    def order(row: SampleRow) -> tuple[int, int, str, int]:
        if row.request_id in requests:
            return (0, requests[row.request_id][1], "", row.id)
        return (1, 0, row.control_ref or "", row.id)

    return sorted(rows, key=order)


def list_samples(
    workspace: Workspace,
    *,
    engagement_id: int,
    request_id: int | None = None,
    control_id: int | None = None,
) -> list[SampleRow]:
    """The engagement's samples (of one request or control): the auditor's by request, then drawn ones."""
    with workspace.session() as session:
        engagement_in(session, engagement_id)
        return samples_of(session, engagement_id, request_id=request_id, control_id=control_id)


def _number_key(number: str) -> str:
    return " ".join(number.split()).casefold()


def _log_sample(session: Session, engagement_id: int, ref: str, field: str, **values: Any) -> None:
    record_change(
        session,
        engagement_id=engagement_id,
        entity=SAMPLE_ENTITY,
        entity_id=None,
        entity_ref=ref,
        field=field,
        old=values.get("old"),
        new=values.get("new"),
    )
    note(session, Kind.FIELDWORK, engagement_id)


def merge_auditor_samples(
    session: Session, engagement_id: int, samples: Sequence[AuditorSample], request_ids: Mapping[str, int]
) -> list[str]:
    """Store the auditor's selections read from a samples sheet, in *session*; the rows not kept, in words.

    Items are matched by request ID and sample number: a known item takes the
    sheet's wording and row, a new one is added, and an item the sheet no
    longer lists is kept (with its evidence) but no longer listed. Samples of
    request IDs the list does not have are not kept.
    """
    existing = {
        sample.request_id: sample
        for sample in session.exec(
            select(Sample).where(Sample.engagement_id == engagement_id, Sample.source == SampleSource.AUDITOR)
        ).all()
    }
    items: dict[int, dict[str, SampleItem]] = defaultdict(dict)
    for item in session.exec(
        select(SampleItem).where(col(SampleItem.sample_id).in_([s.id for s in existing.values()]))
    ).all():
        items[item.sample_id or 0][_number_key(item.number)] = item
    seen: set[int] = set()
    skipped: list[str] = []
    counters: dict[int, int] = defaultdict(int)
    for selection in samples:
        request_id = request_ids.get(request_key(selection.request_id))
        if request_id is None:
            skipped.append(
                f"samples row {selection.row}: the list has no request {selection.request_id}; not kept"
            )
            continue
        sample = existing.get(request_id)
        if sample is None:
            sample = Sample(engagement_id=engagement_id, source=SampleSource.AUDITOR, request_id=request_id)
            session.add(sample)
            session.flush()
            existing[request_id] = sample
        if selection.population:
            sample.population = selection.population
        counters[request_id] += 1
        number = selection.sample_number or str(counters[request_id])
        found = items[sample.id or 0].get(_number_key(number))
        if found is None:
            found = SampleItem(sample_id=sample.id, number=number)
            items[sample.id or 0][_number_key(number)] = found
            _log_sample(session, engagement_id, selection.request_id, "sample added", new=number)
        found.item, found.item_date, found.row, found.listed = (
            selection.item,
            selection.when,
            selection.row,
            True,
        )
        session.add(found)
        session.flush()
        seen.add(found.id or 0)
    for group in items.values():
        for item in group.values():
            if item.row is not None and item.id not in seen:
                item.row, item.listed = None, False
                session.add(item)
    return skipped


def _sample_in(session: Session, engagement_id: int, sample_id: int) -> SampleRow:
    (row,) = samples_of(session, engagement_id, sample_ids=[sample_id])
    return row


def add_sample_items(
    workspace: Workspace,
    *,
    engagement_id: int,
    request_id: int,
    items: Sequence[tuple[str, str, date | None]],
    population: str = "",
) -> list[SampleItemRow]:
    """Enter the auditor's selections for a request: ``(sample number, item, date)`` each; the new items.

    A number the request's sample already has is refused.
    """
    with workspace.writing() as session:
        request = session.get(AuditRequest, request_id)
        if request is None or request.engagement_id != engagement_id:
            raise NotFoundError(f"request {request_id} no longer exists")
        sample = session.exec(
            select(Sample).where(Sample.request_id == request_id, Sample.source == SampleSource.AUDITOR)
        ).first()
        if sample is None:
            sample = Sample(engagement_id=engagement_id, source=SampleSource.AUDITOR, request_id=request_id)
        if population.strip():
            sample.population = population.strip()
        session.add(sample)
        session.flush()
        taken = {
            _number_key(number)
            for number in session.exec(
                select(SampleItem.number).where(SampleItem.sample_id == sample.id)
            ).all()
        }
        created: list[SampleItem] = []
        for number, item, when in items:
            number = " ".join(number.split())
            if not number:
                raise InvalidInputError("a sampled item needs its sample number")
            if _number_key(number) in taken:
                raise ConflictError(f"{request.request_ref} already has a sample {number}")
            taken.add(_number_key(number))
            created.append(SampleItem(sample_id=sample.id, number=number, item=item.strip(), item_date=when))
            _log_sample(session, engagement_id, request.request_ref, "sample added", new=number)
        session.add_all(created)
        session.commit()
        return [_item_row(item, []) for item in created]


def delete_sample_items(workspace: Workspace, item_ids: Sequence[int]) -> Snapshot:
    """Remove sampled items (their exceptions and evidence links go too); returns what puts them back."""
    with workspace.writing() as session:
        snapshot = take_snapshot(session, "sample_item", item_ids)
        for item_id in item_ids:
            item = session.get(SampleItem, item_id)
            if item is None:
                raise NotFoundError(f"sampled item {item_id} no longer exists")
            sample = session.get(Sample, item.sample_id)
            assert sample is not None and sample.engagement_id is not None
            _log_sample(session, sample.engagement_id, str(item.sample_id), "sample removed", old=item.number)
            session.delete(item)
        session.commit()
    return snapshot


def restore_sample_items(workspace: Workspace, snapshot: Snapshot) -> list[SampleItemRow]:
    """Put sampled items back (see :func:`delete_sample_items`)."""
    with workspace.writing() as session:
        ids = restore_snapshot(session, snapshot, at=utcnow())
        items = session.exec(select(SampleItem).where(col(SampleItem.id).in_(list(ids.values())))).all()
        evidence = _item_evidence(session, list(ids.values()))
        for item in items:
            sample = session.get(Sample, item.sample_id)
            if sample is not None:
                note(session, Kind.FIELDWORK, sample.engagement_id)
        session.commit()
        return [_item_row(item, evidence.get(item.id or 0, [])) for item in items]


@dataclass(frozen=True, slots=True)
class DrawnSample:
    """A drawn sample, and whether this draw stored it (``False``: the same draw was stored before)."""

    sample: SampleRow
    created: bool


def _draw_size(session: Session, engagement_id: int, control: Control, population_size: int) -> int:
    engagement = engagement_in(session, engagement_id)
    report_type = report_type_for(
        engagement.report_type, engagement.period_start, engagement.period_end, engagement.as_of_date
    )
    advice = sample_advice(
        control.frequency,
        control.nature,
        report_type,
        engagement.period_start,
        engagement.period_end,
        read_sampling_conventions(session),
        population_size=population_size,
        itgcs=itgc_status(controls_of(session, engagement_id, summary=True)),
    )
    return advice.size or 0


def draw_control_sample(
    workspace: Workspace, *, engagement_id: int, control_id: int, size: int | None = None
) -> DrawnSample:
    """Draw a self-test sample from the control's latest population, the same every time for the same inputs.

    The seed is SHA-256 of the engagement's name, the control's ref and the
    population file's SHA-256 (see :func:`app.domain.requests.draw_sample`);
    the size is *size* or the size the sampling conventions suggest for the
    population. Drawing again what was drawn before stores nothing new.
    """
    if size is not None and size < 1:
        raise InvalidInputError("a sample has at least one item")
    with workspace.writing() as session:
        engagement = engagement_in(session, engagement_id)
        control = _control(session, engagement_id, control_id)
        population = session.exec(
            select(Population).where(Population.control_id == control_id).order_by(col(Population.id).desc())
        ).first()
        if population is None:
            raise InvalidInputError(f"add a population for {control.ref} first: the sample is drawn from it")
        items = population_items(population.items)
        size = size or _draw_size(session, engagement_id, control, len(items))
        if not items or not size:
            raise InvalidInputError(f"the population of {control.ref} is empty: there is nothing to sample")
        period = None
        if engagement.period_start is not None and engagement.period_end is not None:
            period = (engagement.period_start, engagement.period_end)
        draw = draw_sample(
            items,
            size,
            engagement=engagement.name,
            control_ref=control.ref,
            population_sha256=population.sha256,
            period=period,
        )
        for earlier in samples_of(session, engagement_id, control_id=control_id):
            if earlier.seed == draw.seed and earlier.method == draw.method:
                return DrawnSample(earlier, False)
        file_name = session.get(Evidence, population.evidence_id)
        sample = Sample(
            engagement_id=engagement_id,
            source=SampleSource.DRAWN,
            control_id=control_id,
            population=file_name.file_name if file_name is not None else "",
            population_sha256=population.sha256,
            population_size=draw.population_size,
            seed=draw.seed,
            method=draw.method,
        )
        session.add(sample)
        session.flush()
        session.add_all(
            SampleItem(sample_id=sample.id, number=str(number), item=item.label, item_date=item.when,
                       position=item.position)
            for number, item in enumerate(draw.items, 1)
        )  # fmt: skip
        _log_sample(session, engagement_id, control.ref, "sample drawn", new=f"{len(draw.items)} items")
        session.flush()
        row = _sample_in(session, engagement_id, sample.id or 0)
        session.commit()
    return DrawnSample(row, True)


def delete_samples(workspace: Workspace, sample_ids: Sequence[int]) -> Snapshot:
    """Remove samples with their items, evidence links and exceptions; returns what puts them back."""
    with workspace.writing() as session:
        snapshot = take_snapshot(session, "sample", sample_ids)
        for sample_id in sample_ids:
            sample = session.get(Sample, sample_id)
            if sample is None:
                raise NotFoundError(f"sample {sample_id} no longer exists")
            assert sample.engagement_id is not None
            _log_sample(session, sample.engagement_id, str(sample.id), "sample removed", old=sample.source)
            session.delete(sample)
        session.commit()
    return snapshot


def restore_samples(workspace: Workspace, snapshot: Snapshot) -> list[SampleRow]:
    """Put removed samples back with their items (see :func:`delete_samples`)."""
    with workspace.writing() as session:
        ids = restore_snapshot(session, snapshot, at=utcnow())
        rows = []
        for old in snapshot.rows:
            engagement_id = int(old["engagement_id"])
            rows.append(_sample_in(session, engagement_id, ids[old["id"]]))
            note(session, Kind.FIELDWORK, engagement_id)
        session.commit()
    return rows


def sample_item_controls(session: Session, item_id: int) -> tuple[SampleItem, Sample, list[int]]:
    """A sampled item, its sample, and the controls it evidences (the drawn sample's, or its request's)."""
    item = session.get(SampleItem, item_id)
    if item is None:
        raise NotFoundError(f"sampled item {item_id} no longer exists")
    sample = session.get(Sample, item.sample_id)
    assert sample is not None
    if sample.control_id is not None:
        return item, sample, [sample.control_id]
    linked = session.exec(
        select(RequestControl.control_id).where(RequestControl.request_id == sample.request_id)
    )
    return item, sample, [control_id for control_id in linked.all() if control_id is not None]


def attach_to_sample_item(
    workspace: Workspace,
    *,
    engagement_id: int,
    item_id: int,
    files: Iterable[str | Path],
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> list[EvidenceRow]:
    """Store files as evidence for one sampled item, linked to the controls the item evidences."""
    with adding_evidence(
        workspace, engagement_id=engagement_id, files=files, progress=progress, cancel=cancel
    ) as added:
        session = added.session
        item, sample, control_ids = sample_item_controls(session, item_id)
        if sample.engagement_id != engagement_id:
            raise NotFoundError(f"sampled item {item_id} belongs to another engagement")
        for evidence in added.records:
            session.add(SampleItemEvidence(sample_item_id=item.id, evidence_id=evidence.id))
            link_evidence_in(session, evidence.id or 0, control_ids)
        note(session, Kind.FIELDWORK, engagement_id)
    return added.rows


# --- exceptions ----------------------------------------------------------------------------------


def exceptions_of(
    session: Session, engagement_id: int, exception_ids: Sequence[int] | None = None
) -> list[ExceptionRow]:
    """The engagement's exceptions, by date then as recorded, read in *session*."""
    statement = select(ControlException).where(ControlException.engagement_id == engagement_id)
    if exception_ids is not None:
        statement = statement.where(col(ControlException.id).in_(exception_ids))
    records = session.exec(statement).all()
    items = {
        item.id: item
        for item in session.exec(
            select(SampleItem).where(col(SampleItem.id).in_([r.sample_item_id for r in records]))
        ).all()
    }
    samples = {
        sample.id: sample
        for sample in session.exec(
            select(Sample).where(col(Sample.id).in_([item.sample_id for item in items.values()]))
        ).all()
    }
    first_control: dict[int, int] = {}
    for request_id, control_id in session.exec(
        select(RequestControl.request_id, RequestControl.control_id).order_by(col(RequestControl.control_id))
    ).all():
        if request_id is not None and control_id is not None:
            first_control.setdefault(request_id, control_id)
    requests = _refs(
        session, AuditRequest, (s.request_id for s in samples.values()), AuditRequest.request_ref
    )
    rows = []
    for record in records:
        item = items.get(record.sample_item_id)
        sample = samples.get(item.sample_id) if item is not None else None
        control_id = record.control_id
        if control_id is None and sample is not None:
            control_id = sample.control_id or first_control.get(sample.request_id or 0)
        rows.append((record, item, sample, control_id))
    controls = _refs(session, Control, (control_id for *_, control_id in rows), Control.ref)
    result = [
        _exception_row(record, item, sample, control_id, controls, requests)
        for record, item, sample, control_id in rows
    ]
    return sorted(result, key=lambda row: (row.occurred_on or date.max, row.id))


def _exception_row(
    record: ControlException,
    item: SampleItem | None,
    sample: Sample | None,
    control_id: int | None,
    controls: Mapping[int, str],
    requests: Mapping[int, str],
) -> ExceptionRow:
    request_ref = requests.get(sample.request_id or 0) if sample is not None else None
    control_ref = controls.get(control_id or 0)
    return ExceptionRow(
        id=record.id or 0,
        engagement_id=record.engagement_id or 0,
        control_id=control_id,
        control_ref=control_ref,
        sample_item_id=record.sample_item_id,
        sample_item=None
        if item is None
        else sample_item_words(
            request_ref, control_ref if sample and sample.control_id else None, item.number, item.item
        ),
        request_ref=request_ref,
        occurred_on=record.occurred_on,
        description=record.description,
        root_cause=record.root_cause,
        remediation=record.remediation,
        management_response=record.management_response,
    )


def list_exceptions(
    workspace: Workspace, *, engagement_id: int, control_id: int | None = None
) -> list[ExceptionRow]:
    """The engagement's exceptions (against one control, directly or through its samples)."""
    with workspace.session() as session:
        engagement_in(session, engagement_id)
        rows = exceptions_of(session, engagement_id)
    return [row for row in rows if control_id is None or row.control_id == control_id]


def _exception_values(fields: Mapping[str, Any]) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    for name, value in fields.items():
        try:
            clean[name] = coerce_field(field_named(EXCEPTION_FIELDS, name), value)
        except ValueError as error:
            raise InvalidInputError(str(error)) from None
    if "description" in clean and not clean["description"]:
        raise InvalidInputError("say what happened: an exception needs a description")
    return clean


def _log_exception(
    session: Session, record: ControlException, field: str, *, old: Any = None, new: Any = None
) -> None:
    record_change(
        session,
        engagement_id=record.engagement_id,
        entity=EXCEPTION_ENTITY,
        entity_id=record.id,
        entity_ref=f"exception {record.id}",
        field=field,
        old=old,
        new=new,
    )
    note(session, Kind.FIELDWORK, record.engagement_id)


def add_exception(
    workspace: Workspace,
    *,
    engagement_id: int,
    control_id: int | None = None,
    sample_item_id: int | None = None,
    **fields: Any,
) -> ExceptionRow:
    """Record a deviation against a control or a sampled item (``description`` is required)."""
    if control_id is None and sample_item_id is None:
        raise InvalidInputError("an exception is recorded against a control or a sampled item")
    clean = _exception_values({"description": "", **fields})
    with workspace.writing() as session:
        engagement_in(session, engagement_id)
        if control_id is not None:
            _control(session, engagement_id, control_id)
        if sample_item_id is not None:
            _, sample, _ = sample_item_controls(session, sample_item_id)
            if sample.engagement_id != engagement_id:
                raise NotFoundError(f"sampled item {sample_item_id} belongs to another engagement")
        record = ControlException(
            engagement_id=engagement_id, control_id=control_id, sample_item_id=sample_item_id, **clean
        )
        session.add(record)
        session.flush()
        _log_exception(session, record, "created", new=record.description)
        (row,) = exceptions_of(session, engagement_id, [record.id or 0])
        session.commit()
    return row


def update_exception(workspace: Workspace, exception_id: int, **fields: Any) -> ExceptionRow:
    """Change what an exception says, logging each change."""
    clean = _exception_values(fields)
    with workspace.writing() as session:
        record = session.get(ControlException, exception_id)
        if record is None:
            raise NotFoundError(f"exception {exception_id} no longer exists")
        for name, value in clean.items():
            old = getattr(record, name)
            if old != value:
                setattr(record, name, value)
                _log_exception(session, record, name, old=old, new=value)
        record.updated_at = utcnow()
        session.add(record)
        session.flush()
        (row,) = exceptions_of(session, record.engagement_id or 0, [exception_id])
        session.commit()
    return row


def delete_exceptions(workspace: Workspace, exception_ids: Sequence[int]) -> Snapshot:
    """Remove exceptions; returns what puts them back."""
    with workspace.writing() as session:
        snapshot = take_snapshot(session, "control_exception", exception_ids)
        for exception_id in exception_ids:
            record = session.get(ControlException, exception_id)
            if record is None:
                raise NotFoundError(f"exception {exception_id} no longer exists")
            _log_exception(session, record, "deleted", old=record.description)
            session.delete(record)
        session.commit()
    return snapshot


def restore_exceptions(workspace: Workspace, snapshot: Snapshot) -> list[ExceptionRow]:
    """Put removed exceptions back."""
    with workspace.writing() as session:
        ids = restore_snapshot(session, snapshot, at=utcnow())
        rows = []
        for old in snapshot.rows:
            engagement_id = int(old["engagement_id"])
            rows += exceptions_of(session, engagement_id, [ids[old["id"]]])
            note(session, Kind.FIELDWORK, engagement_id)
        session.commit()
    return rows


def find_sample_item(
    workspace: Workspace,
    *,
    engagement_id: int,
    number: str,
    request_id: int | None = None,
    control_id: int | None = None,
) -> SampleItemRow:
    """Sampled item *number* of a request's sample, or of the sample drawn last for a control."""
    with workspace.session() as session:
        engagement_in(session, engagement_id)
        samples = samples_of(session, engagement_id, request_id=request_id, control_id=control_id)
    if request_id is None:
        samples = [sample for sample in samples if sample.source is SampleSource.DRAWN][-1:]
    for sample in samples:
        for item in sample.items:
            if _number_key(item.number) == _number_key(number):
                return item
    raise NotFoundError(f"no sampled item {number.strip()!r} there")
