"""Exports for the auditor: workbook, checklists, evidence index, scoping memo and the package.

Every export of an engagement is dated by the engagement's last data change
(the newest change-log entry), not the clock, so exporting an unchanged
engagement twice gives byte-identical files. Everything an export shows is
read in one read transaction, so a file never mixes two states of the
engagement. Each export is recorded in the export history, which is not part
of the change log and so never changes the next export.

The kinds of export are listed once, in :data:`EXPORT_KINDS`: the Exports
page, the command line and the evidence package read that table.
"""

import hashlib
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlmodel import Session, col, select

from app.db.changelog import change_rows, last_change_at
from app.db.models import ExportRecord, utcnow
from app.db.session import note
from app.domain.carveouts import CuecRow, SubserviceRow
from app.domain.catalog import load_catalog
from app.domain.changes import Kind
from app.domain.controls import ControlRow
from app.domain.engagements import EngagementRow
from app.domain.evidence import EvidenceRow
from app.domain.history import ChangeRow, ExportRecordRow
from app.domain.objectives import ObjectiveRow
from app.domain.periods import describe_period, format_day
from app.domain.readiness import ReadinessReport
from app.domain.scoping import Answers, Scope, apply_overrides, recommend, suggested_period
from app.evidence.store import ContentStore, StoreError
from app.exporters.atomic import scratch_folder, scratch_in
from app.exporters.errors import ExportCancelled
from app.exporters.package import (
    PackageFile,
    PackageIntegrityError,
    evidence_paths,
    readme_text,
    write_package,
)
from app.services.carveouts import cuecs_of, subservice_orgs_of
from app.services.controls import controls_of
from app.services.engagements import engagement_in, engagement_row
from app.services.errors import CancelledError, InvalidInputError, NotFoundError, WorkbenchError
from app.services.evidence import evidence_of, open_store
from app.services.objectives import objectives_of
from app.services.readiness import readiness_in
from app.services.scoping import SavedScoping, saved_scoping
from app.services.workspace import Workspace

if TYPE_CHECKING:  # the writers import openpyxl and reportlab, which start-up does without
    from app.exporters.checklists import ChecklistHeader, ChecklistSection, EvidenceIndexEntry
    from app.exporters.scoping_memo import ScopingMemo
    from app.exporters.workbook import WorkbookData

Progress = Callable[[int, int], None]
Cancel = Callable[[], bool]


@dataclass(frozen=True)
class ExportData:
    """Everything the exports show about one engagement, read in one read transaction.

    ``package_paths`` maps evidence ids to their paths inside an evidence
    package, when the files are written for one.
    """

    engagement: EngagementRow
    as_of: datetime
    controls: list[ControlRow]
    evidence: list[EvidenceRow]
    changes: list[ChangeRow]
    objectives: list[ObjectiveRow]
    cuecs: list[CuecRow]
    subservice_orgs: list[SubserviceRow]
    readiness: ReadinessReport
    scoping: SavedScoping | None
    store: ContentStore
    """Where the evidence content is read from: the workspace's folder, or a team's database."""
    package_paths: dict[int, str] | None = None

    @property
    def categories(self) -> tuple[str, ...]:
        return self.engagement.categories_in_scope


def _as_of(session: Session, engagement: EngagementRow) -> datetime:
    """The engagement's last data change: the newest change-log entry (UTC)."""
    moment = last_change_at(session, engagement_id=engagement.id) or engagement.updated_at or utcnow()
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def gather(
    session: Session, engagement_id: int, store: ContentStore, scoping: SavedScoping | None
) -> ExportData:
    """Read everything an export shows in *session* (one read transaction).

    *scoping* describes a scoping not applied yet (the wizard's summary
    page); by default the engagement's saved one is used.
    """
    engagement = engagement_row(engagement_in(session, engagement_id))
    as_of = _as_of(session, engagement)
    evidence = evidence_of(session, engagement_id)
    return ExportData(
        engagement=engagement,
        as_of=as_of,
        controls=controls_of(session, engagement_id),
        evidence=evidence,
        changes=change_rows(session, engagement_id=engagement_id),
        objectives=objectives_of(session, engagement_id) if engagement.soc1 else [],
        cuecs=cuecs_of(session, engagement_id),
        subservice_orgs=subservice_orgs_of(session, engagement_id),
        readiness=readiness_in(session, engagement_id, as_of.date()),
        scoping=scoping or saved_scoping(engagement),
        store=store,
    )


def _header(data: ExportData) -> "ChecklistHeader":
    from app.exporters.checklists import ChecklistHeader

    engagement = data.engagement
    scope = engagement.reports_words
    if data.categories:
        scope = f"{scope} — {', '.join(data.categories)}"
    return ChecklistHeader(
        company=engagement.display_company,
        engagement=engagement.name,
        scope=scope,
        period=engagement.period_words,
        auditor=engagement.auditor_firm,
    )


def checklist_sections(data: ExportData) -> list["ChecklistSection"]:
    """Per category in scope its criteria and their controls; SOC 1 objectives as a last section."""
    from app.exporters.checklists import ChecklistControl, ChecklistCriterion, ChecklistSection

    counts = Counter(ref for row in data.evidence for ref in row.controls)

    def item(row: ControlRow) -> ChecklistControl:
        return ChecklistControl(row.ref, row.title, row.owner, row.status, counts[row.ref], row.is_key)

    by_criterion: dict[str, list[ControlRow]] = {}
    for row in data.controls:
        for criterion in row.criteria:
            by_criterion.setdefault(criterion, []).append(row)
    catalog = load_catalog()
    sections = [
        ChecklistSection(
            category,
            [
                ChecklistCriterion(c.id, c.title, [item(row) for row in by_criterion.get(c.id, [])])
                for c in catalog.in_category(category)
            ],
        )
        for category in data.categories
    ]
    if data.engagement.soc1:
        by_ref = {row.ref: row for row in data.controls}
        sections.append(
            ChecklistSection(
                "SOC 1 control objectives",
                [
                    ChecklistCriterion(
                        o.ref, o.title, [item(by_ref[r]) for r in o.control_refs if r in by_ref]
                    )
                    for o in data.objectives
                ],
            )
        )
    return sections


def _period_words(row: EvidenceRow) -> str:
    """The stretch of time a file shows, in the words the rest of the documents use."""
    if row.covers_from and row.covers_to:
        return describe_period(row.covers_from, row.covers_to, None)
    if row.covers_from:
        return f"from {format_day(row.covers_from)}"
    if row.covers_to:
        return f"to {format_day(row.covers_to)}"
    return describe_period(None, None, row.as_of) if row.as_of else ""


def evidence_entries(data: ExportData) -> list["EvidenceIndexEntry"]:
    """The evidence index: one entry per file, with its path inside a package when there is one."""
    from app.exporters.checklists import EvidenceIndexEntry

    paths = data.package_paths
    return [
        EvidenceIndexEntry(
            title=row.title,
            file_name=paths[row.id] if paths else row.file_name,
            sha256=row.sha256,
            size=row.size,
            collected=row.collected_on,
            period=_period_words(row),
            controls=row.controls,
        )
        for row in data.evidence
    ]


def workbook_data(data: ExportData) -> "WorkbookData":
    from app.exporters.workbook import WorkbookData

    engagement = data.engagement
    return WorkbookData(
        company=engagement.display_company,
        engagement_name=engagement.name,
        system_name=engagement.system_name,
        report_kinds=engagement.report_kinds,
        report_type=engagement.report_type,
        categories_in_scope=data.categories,
        period_start=engagement.period_start,
        period_end=engagement.period_end,
        as_of_date=engagement.as_of_date,
        auditor_firm=engagement.auditor_firm,
        controls=data.controls,
        readiness=data.readiness,
        objectives=data.objectives,
        evidence=data.evidence,
        evidence_links=data.package_paths,
        cuecs=data.cuecs,
        subservice_orgs=data.subservice_orgs,
        changes=data.changes,
    )


def scoping_memo(data: ExportData) -> "ScopingMemo":
    """The memo of the scoping in *data*: saved, or not applied yet."""
    from app.exporters.scoping_memo import ScopingMemo

    engagement = data.engagement
    if data.scoping is None:
        raise InvalidInputError(
            f"run the scoping wizard for {engagement.name!r} first: the memo explains its answers"
        )
    saved = data.scoping
    try:
        scope: Scope = apply_overrides(saved.recommendation, saved.overrides)
    except ValueError as error:
        raise InvalidInputError(str(error)) from None
    period: tuple[date, date] | date | None
    if engagement.period_start and engagement.period_end:
        period = (engagement.period_start, engagement.period_end)
    else:
        period = engagement.as_of_date or suggested_period(scope, data.as_of.date())
    return ScopingMemo(
        company=engagement.display_company,
        engagement=engagement.name,
        system=engagement.system_name,
        prepared=data.as_of.date(),
        answers=saved.answers,
        recommendation=saved.recommendation,
        overrides=saved.overrides,
        scope=scope,
        period=period,
    )


# --- the writers --------------------------------------------------------------------------------


def _write_workbook(data: ExportData, target: Path, progress: Progress | None, cancel: Cancel | None) -> None:
    from app.exporters.workbook import write_workbook

    write_workbook(target, workbook_data(data), as_of=data.as_of, progress=progress, cancel=cancel)


def _write_checklist(
    data: ExportData, target: Path, progress: Progress | None, cancel: Cancel | None
) -> None:
    from app.exporters.checklists import write_readiness_checklist

    write_readiness_checklist(
        target, _header(data), checklist_sections(data), as_of=data.as_of, progress=progress, cancel=cancel
    )


def _write_evidence_index(
    data: ExportData, target: Path, progress: Progress | None, cancel: Cancel | None
) -> None:
    from app.exporters.checklists import write_evidence_index

    write_evidence_index(
        target, _header(data), evidence_entries(data), as_of=data.as_of, progress=progress, cancel=cancel
    )


def _write_memo(data: ExportData, target: Path, _progress: Progress | None, _cancel: Cancel | None) -> None:
    from app.exporters.scoping_memo import write_scoping_memo

    write_scoping_memo(target, scoping_memo(data), as_of=data.as_of)


Writer = Callable[[ExportData, Path, Progress | None, Cancel | None], None]


@dataclass(frozen=True)
class ExportKind:
    """One kind of export: its name on the command line, its label, its file and its writer.

    Kinds ``in_package`` go into the evidence package under ``file_name``, with
    ``contents`` describing them in the package's README; ``selected`` ones
    are ticked on the Exports page at first.
    """

    name: str
    label: str
    file_name: str
    help: str
    write: Writer
    in_package: bool = False
    contents: str = ""
    selected: bool = False


def _write_package(data: ExportData, target: Path, progress: Progress | None, cancel: Cancel | None) -> None:
    """The evidence package: every kind ``in_package``, the evidence files and the manifest."""
    paths = evidence_paths(data.evidence)
    data = replace(data, package_paths=paths)
    kinds = [kind for kind in EXPORT_KINDS if kind.in_package]
    steps = len(kinds) + 1

    def step(number: int) -> Progress | None:
        if progress is None:
            return None
        report = progress
        return lambda done, total: report(
            number * 1000 + (1000 * done // total if total else 0), steps * 1000
        )

    with scratch_folder("package", beside=target.parent) as scratch:
        for number, kind in enumerate(kinds):
            kind.write(data, scratch / kind.file_name, step(number), cancel)
        files = [PackageFile(kind.file_name, data=(scratch / kind.file_name).read_bytes()) for kind in kinds]
    files += [
        PackageFile(
            paths[row.id], opener=partial(data.store.open, row.sha256), size=row.size, sha256=row.sha256
        )
        for row in data.evidence
    ]
    missing = [paths[row.id] for row in data.evidence if not data.store.contains(row.sha256)]
    if missing:
        raise InvalidInputError(
            f"{len(missing)} stored evidence file(s) are missing (first: {missing[0]}); run Verify evidence"
        )
    engagement = data.engagement
    contents = [(kind.file_name, kind.contents) for kind in kinds]
    readme = readme_text(
        engagement.company, engagement.name, engagement.scope_words, data.as_of, len(data.evidence), contents
    )
    write_package(target, files, readme=readme, as_of=data.as_of, progress=step(steps - 1), cancel=cancel)


EXPORT_KINDS: tuple[ExportKind, ...] = (
    ExportKind(
        "xlsx",
        "Control matrix workbook",
        "workbook.xlsx",
        "the control matrix workbook",
        _write_workbook,
        in_package=True,
        contents="control matrix per Trust Services Category, criteria coverage, evidence index, "
        "CUECs and subservice organizations, gaps, change log",
        selected=True,
    ),
    ExportKind(
        "pdf",
        "Readiness checklist (PDF)",
        "readiness-checklist.pdf",
        "the readiness checklist PDF",
        _write_checklist,
        in_package=True,
        contents="criteria -> controls -> owner, status, evidence count, with a fillable reviewer "
        "checkbox per control",
        selected=True,
    ),
    ExportKind(
        "evidence-index",
        "Evidence index (PDF)",
        "evidence-index.pdf",
        "the evidence index PDF",
        _write_evidence_index,
        in_package=True,
        contents="every evidence file with its SHA-256, dates and controls",
    ),
    ExportKind(
        "package",
        "Evidence package (zip)",
        "evidence-package.zip",
        "the evidence package zip (workbook, checklists, evidence, manifest)",
        _write_package,
        selected=True,
    ),
    ExportKind("scoping-memo", "Scoping memo (PDF)", "scoping-memo.pdf", "the scoping memo PDF", _write_memo),
)
"""Every kind of export, in the order the Exports page lists them."""
KINDS_BY_NAME = {kind.name: kind for kind in EXPORT_KINDS}


def _file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _manifest_hash(path: Path) -> str:
    import zipfile

    with zipfile.ZipFile(path) as archive:
        return hashlib.sha256(archive.read("MANIFEST.sha256")).hexdigest()


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote."""

    kind: str
    path: Path
    sha256: str
    """The manifest's SHA-256 for a package, the file's own otherwise."""
    as_of: datetime

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "path": str(self.path),
            "sha256": self.sha256,
            "as_of": self.as_of.isoformat(),
        }


def snapshot(data: ExportData) -> dict[str, dict[str, str]]:
    """Fingerprints of every control and evidence record, to compare the next package with."""

    def fingerprint(values: dict[str, Any]) -> str:
        return hashlib.sha256(json.dumps(values, sort_keys=True, default=str).encode()).hexdigest()[:16]

    controls = {}
    for row in data.controls:
        values = row.as_dict()
        values.pop("id")
        values.pop("engagement_id")
        values.pop("version")
        controls[row.ref] = fingerprint(values)
    evidence = {
        str(row.id): fingerprint({k: v for k, v in row.as_dict().items() if k not in ("id", "engagement_id")})
        for row in data.evidence
    }
    titles = {str(row.id): row.title for row in data.evidence}
    return {"controls": controls, "evidence": evidence, "evidence_titles": titles}


def run_export(
    workspace: Workspace,
    *,
    engagement_id: int,
    kind: str,
    target: Path,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
    answers: Answers | None = None,
    overrides: dict[str, dict[str, Any]] | None = None,
) -> ExportResult:
    """Write one export of the engagement to *target* (atomically) and record it in the history.

    For the scoping memo, *answers* and *overrides* describe a scoping not
    applied yet (the wizard's summary page); by default the saved one is used.
    """
    export = KINDS_BY_NAME.get(kind)
    if export is None:
        names = ", ".join(k.name for k in EXPORT_KINDS)
        raise InvalidInputError(f"unknown export {kind!r}; expected one of: {names}")
    target = target.expanduser().absolute()
    if not target.parent.is_dir():
        raise NotFoundError(f"the folder {target.parent} does not exist")
    preview = (
        None
        if answers is None
        else SavedScoping(answers, recommend(answers, date.today()), dict(overrides or {}))
    )
    with workspace.session() as session:
        data = gather(session, engagement_id, open_store(workspace), preview)
        session.rollback()  # the read transaction ends before the writing, which may take a while
        try:
            with scratch_in(workspace.data_dir):
                export.write(data, target, progress, cancel)
        except ExportCancelled:
            raise CancelledError("the export was cancelled; nothing was written") from None
        except (PackageIntegrityError, StoreError) as error:
            raise WorkbenchError(str(error)) from None
        except OSError as error:
            raise WorkbenchError(f"cannot write {target}: {error.strerror or error}") from None
        sha256 = _manifest_hash(target) if kind == "package" else _file_hash(target)
        session.add(
            ExportRecord(
                engagement_id=engagement_id,
                at=utcnow(),
                kind=kind,
                path=str(target),
                manifest_sha256=sha256,
                snapshot=snapshot(data) if kind == "package" else {},
            )
        )
        note(session, Kind.EXPORTS, engagement_id)
        session.commit()
    return ExportResult(kind, target, sha256, data.as_of)


def _record_row(record: ExportRecord) -> ExportRecordRow:
    assert record.id is not None and record.engagement_id is not None
    return ExportRecordRow(
        id=record.id,
        engagement_id=record.engagement_id,
        at=record.at,
        kind=record.kind,
        path=record.path,
        manifest_sha256=record.manifest_sha256,
        snapshot=record.snapshot,
    )


def _history(session: Session, engagement_id: int) -> list[ExportRecordRow]:
    records = session.exec(
        select(ExportRecord)
        .where(ExportRecord.engagement_id == engagement_id)
        .order_by(col(ExportRecord.id).desc())
    ).all()
    return [_record_row(record) for record in records]


def export_history(workspace: Workspace, *, engagement_id: int) -> list[ExportRecordRow]:
    """The engagement's exports, newest first."""
    with workspace.session() as session:
        return _history(session, engagement_id)


@dataclass
class ChangesSincePackage:
    """What changed since the last evidence package was sent (``last`` is ``None`` before the first)."""

    last: ExportRecordRow | None
    new_controls: list[str] = field(default_factory=list)
    changed_controls: list[str] = field(default_factory=list)
    removed_controls: list[str] = field(default_factory=list)
    new_evidence: list[str] = field(default_factory=list)
    changed_evidence: list[str] = field(default_factory=list)
    removed_evidence: list[str] = field(default_factory=list)

    @property
    def nothing(self) -> bool:
        return not any(
            (
                self.new_controls,
                self.changed_controls,
                self.removed_controls,
                self.new_evidence,
                self.changed_evidence,
                self.removed_evidence,
            )
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "last_package": None
            if self.last is None
            else {"at": self.last.at.isoformat(), "path": self.last.path},
            "new_controls": self.new_controls,
            "changed_controls": self.changed_controls,
            "removed_controls": self.removed_controls,
            "new_evidence": self.new_evidence,
            "changed_evidence": self.changed_evidence,
            "removed_evidence": self.removed_evidence,
        }


def changes_since_last_package(workspace: Workspace, *, engagement_id: int) -> ChangesSincePackage:
    """Controls and evidence added, changed or removed since the last package."""
    with workspace.session() as session:
        packages = [r for r in _history(session, engagement_id) if r.kind == "package"]
        if not packages:
            return ChangesSincePackage(None)
        now = snapshot(gather(session, engagement_id, open_store(workspace), None))
    before = packages[0].snapshot
    result = ChangesSincePackage(packages[0])

    def compare(key: str, names: Callable[[str], str]) -> tuple[list[str], list[str], list[str]]:
        old, new = before.get(key, {}), now[key]
        added = sorted(names(k) for k in new if k not in old)
        changed = sorted(names(k) for k in new if k in old and old[k] != new[k])
        removed = sorted(names(k) for k in old if k not in new)
        return added, changed, removed

    result.new_controls, result.changed_controls, result.removed_controls = compare("controls", str)
    titles = {**before.get("evidence_titles", {}), **now["evidence_titles"]}
    result.new_evidence, result.changed_evidence, result.removed_evidence = compare(
        "evidence", lambda key: titles.get(key, key)
    )
    return result
