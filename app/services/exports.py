"""Exports for the auditor: workbook, checklists, evidence index, scoping memo and the package.

Every export of an engagement is dated by the engagement's last data change
(the newest change-log entry), not the clock, so exporting an unchanged
engagement twice gives byte-identical files. Each export is recorded in the
export history, which is not part of the change log and so never changes the
next export.
"""

import hashlib
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlmodel import col, select

from app.db.changelog import last_change_at
from app.db.models import ChangeLog, Engagement, ExportRecord, utcnow
from app.domain.catalog import load_catalog
from app.domain.controls import ControlRow
from app.domain.evidence import EvidenceRow
from app.domain.periods import describe_period, describe_scope, format_day
from app.domain.scoping import Answers, Scope, apply_overrides, recommend, suggested_period
from app.domain.vocab import categories_in_scope
from app.exporters.atomic import scratch_in
from app.exporters.errors import ExportCancelled
from app.exporters.package import (
    PackageFile,
    PackageIntegrityError,
    evidence_paths,
    readme_text,
    write_package,
)
from app.scratch import ScratchArea
from app.services.carveouts import list_cuecs, list_subservice_orgs
from app.services.controls import list_controls
from app.services.engagements import get_engagement
from app.services.errors import CancelledError, InvalidInputError, NotFoundError, WorkbenchError
from app.services.evidence import list_evidence, stored_path
from app.services.objectives import list_objectives
from app.services.readiness import engagement_readiness
from app.services.scoping import SavedScoping, saved_scoping
from app.services.workspace import Workspace

if TYPE_CHECKING:  # the writers import openpyxl and reportlab, which start-up does without
    from app.exporters.checklists import ChecklistHeader, ChecklistSection, EvidenceIndexEntry
    from app.exporters.scoping_memo import ScopingMemo
    from app.exporters.workbook import WorkbookData

Progress = Callable[[int, int], None]
Cancel = Callable[[], bool]
EXPORT_KINDS = ("xlsx", "pdf", "evidence-index", "package", "scoping-memo")
KIND_NAMES = {
    "xlsx": "Control matrix workbook",
    "pdf": "Readiness checklist (PDF)",
    "evidence-index": "Evidence index (PDF)",
    "package": "Evidence package (zip)",
    "scoping-memo": "Scoping memo (PDF)",
}
DEFAULT_FILE_NAMES = {
    "xlsx": "workbook.xlsx",
    "pdf": "readiness-checklist.pdf",
    "evidence-index": "evidence-index.pdf",
    "package": "evidence-package.zip",
    "scoping-memo": "scoping-memo.pdf",
}


@dataclass(frozen=True)
class ExportData:
    """Everything the exports show about one engagement, read in one go."""

    engagement: Engagement
    as_of: datetime
    controls: list[ControlRow]
    evidence: list[EvidenceRow]
    changes: list[ChangeLog]

    @property
    def categories(self) -> tuple[str, ...]:
        return categories_in_scope(self.engagement.report_kinds, self.engagement.categories)


def export_as_of(workspace: Workspace, engagement: Engagement) -> datetime:
    """The engagement's last data change: the newest change-log entry (UTC)."""
    assert engagement.id is not None
    with workspace.session() as session:
        last = last_change_at(session, engagement_id=engagement.id)
    moment = last or engagement.updated_at
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def gather(workspace: Workspace, engagement_id: int) -> ExportData:
    engagement = get_engagement(workspace, engagement_id)
    with workspace.session() as session:
        changes = list(
            session.exec(
                select(ChangeLog).where(ChangeLog.engagement_id == engagement_id).order_by(col(ChangeLog.id))
            ).all()
        )
    return ExportData(
        engagement=engagement,
        as_of=export_as_of(workspace, engagement),
        controls=list_controls(workspace, engagement_id=engagement_id),
        evidence=list_evidence(workspace, engagement_id=engagement_id),
        changes=changes,
    )


def _header(data: ExportData) -> "ChecklistHeader":
    from app.exporters.checklists import ChecklistHeader

    engagement = data.engagement
    scope = describe_scope(engagement.report_kinds, engagement.report_type, None, None, None).split(" · ")[0]
    if data.categories:
        scope = f"{scope} — {', '.join(data.categories)}"
    return ChecklistHeader(
        company=engagement.company or engagement.name,
        engagement=engagement.name,
        scope=scope,
        period=describe_period(engagement.period_start, engagement.period_end, engagement.as_of_date),
        auditor=engagement.auditor_firm,
    )


def _evidence_counts(data: ExportData) -> Counter[str]:
    return Counter(ref for row in data.evidence for ref in row.controls)


def checklist_sections(workspace: Workspace, data: ExportData) -> list["ChecklistSection"]:
    """Per category in scope its criteria and their controls; SOC 1 objectives as a last section."""
    from app.exporters.checklists import ChecklistControl, ChecklistCriterion, ChecklistSection

    counts = _evidence_counts(data)

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
    if "SOC 1" in data.engagement.report_kinds:
        by_ref = {row.ref: row for row in data.controls}
        objectives = list_objectives(workspace, engagement_id=data.engagement.id or 0)
        sections.append(
            ChecklistSection(
                "SOC 1 control objectives",
                [
                    ChecklistCriterion(
                        o.ref, o.title, [item(by_ref[r]) for r in o.control_refs if r in by_ref]
                    )
                    for o in objectives
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


def evidence_entries(data: ExportData, paths: dict[int, str] | None = None) -> list["EvidenceIndexEntry"]:
    """The evidence index: one entry per file, with its path inside a package when there is one."""
    from app.exporters.checklists import EvidenceIndexEntry

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


def workbook_data(
    workspace: Workspace, data: ExportData, paths: dict[int, str] | None = None
) -> "WorkbookData":
    from app.exporters.workbook import WorkbookData

    engagement = data.engagement
    engagement_id = engagement.id or 0
    soc1 = "SOC 1" in engagement.report_kinds
    return WorkbookData(
        company=engagement.company or engagement.name,
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
        readiness=engagement_readiness(workspace, engagement_id=engagement_id, today=data.as_of.date()),
        objectives=list_objectives(workspace, engagement_id=engagement_id) if soc1 else (),
        evidence=data.evidence,
        evidence_links=paths,
        cuecs=list_cuecs(workspace, engagement_id=engagement_id),
        subservice_orgs=list_subservice_orgs(workspace, engagement_id=engagement_id),
        changes=data.changes,
    )


def _file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


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


def _scoping_memo(
    data: ExportData, answers: Answers | None, overrides: dict[str, dict[str, Any]] | None
) -> "ScopingMemo":
    """The memo of the saved scoping, or of *answers* and *overrides* not applied yet."""
    from app.exporters.scoping_memo import ScopingMemo

    engagement = data.engagement
    if answers is not None:
        saved = SavedScoping(answers, recommend(answers), dict(overrides or {}))
    else:
        stored = saved_scoping(engagement)
        if stored is None:
            raise InvalidInputError(
                f"run the scoping wizard for {engagement.name!r} first: the memo explains its answers"
            )
        saved = stored
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
        company=engagement.company or engagement.name,
        engagement=engagement.name,
        system=engagement.system_name,
        prepared=data.as_of.date(),
        answers=saved.answers,
        recommendation=saved.recommendation,
        overrides=saved.overrides,
        scope=scope,
        period=period,
    )


def snapshot(data: ExportData) -> dict[str, dict[str, str]]:
    """Fingerprints of every control and evidence record, to compare the next package with."""

    def fingerprint(values: dict[str, Any]) -> str:
        return hashlib.sha256(json.dumps(values, sort_keys=True, default=str).encode()).hexdigest()[:16]

    controls = {}
    for row in data.controls:
        values = row.as_dict()
        values.pop("id")
        values.pop("engagement_id")
        controls[row.ref] = fingerprint(values)
    evidence = {
        str(row.id): fingerprint({k: v for k, v in row.as_dict().items() if k not in ("id", "engagement_id")})
        for row in data.evidence
    }
    titles = {str(row.id): row.title for row in data.evidence}
    return {"controls": controls, "evidence": evidence, "evidence_titles": titles}


def _write(
    kind: str,
    workspace: Workspace,
    data: ExportData,
    target: Path,
    progress: Progress | None,
    cancel: Cancel | None,
    memo: tuple[Answers | None, dict[str, dict[str, Any]] | None],
) -> str:
    from app.exporters.checklists import write_evidence_index, write_readiness_checklist
    from app.exporters.scoping_memo import write_scoping_memo
    from app.exporters.workbook import write_workbook

    if kind == "xlsx":
        write_workbook(
            target, workbook_data(workspace, data), as_of=data.as_of, progress=progress, cancel=cancel
        )
    elif kind == "pdf":
        write_readiness_checklist(
            target,
            _header(data),
            checklist_sections(workspace, data),
            as_of=data.as_of,
            progress=progress,
            cancel=cancel,
        )
    elif kind == "evidence-index":
        write_evidence_index(
            target, _header(data), evidence_entries(data), as_of=data.as_of, progress=progress, cancel=cancel
        )
    elif kind == "scoping-memo":
        write_scoping_memo(target, _scoping_memo(data, *memo), as_of=data.as_of)
    else:
        return _write_package(workspace, data, target, progress, cancel)
    return _file_hash(target)


def _write_package(
    workspace: Workspace, data: ExportData, target: Path, progress: Progress | None, cancel: Cancel | None
) -> str:
    from app.exporters.checklists import write_evidence_index, write_readiness_checklist
    from app.exporters.workbook import write_workbook

    paths = evidence_paths(data.evidence)
    engagement = data.engagement
    steps = 4
    with ScratchArea(workspace.data_dir).folder("package") as scratch:

        def step(number: int) -> Progress | None:
            if progress is None:
                return None
            return lambda done, total: progress(
                number * 1000 + (1000 * done // total if total else 0), steps * 1000
            )

        write_workbook(
            scratch / "workbook.xlsx",
            workbook_data(workspace, data, paths),
            as_of=data.as_of,
            progress=step(0),
            cancel=cancel,
        )
        write_readiness_checklist(
            scratch / "readiness-checklist.pdf",
            _header(data),
            checklist_sections(workspace, data),
            as_of=data.as_of,
            progress=step(1),
            cancel=cancel,
        )
        write_evidence_index(
            scratch / "evidence-index.pdf",
            _header(data),
            evidence_entries(data, paths),
            as_of=data.as_of,
            progress=step(2),
            cancel=cancel,
        )
        files = [
            PackageFile(name, data=(scratch / name).read_bytes())
            for name in ("workbook.xlsx", "readiness-checklist.pdf", "evidence-index.pdf")
        ]
        files += [
            PackageFile(paths[row.id], source=stored_path(workspace, row.id), sha256=row.sha256)
            for row in data.evidence
        ]
        scope = describe_scope(
            engagement.report_kinds,
            engagement.report_type,
            engagement.period_start,
            engagement.period_end,
            engagement.as_of_date,
        )
        readme = readme_text(engagement.company, engagement.name, scope, data.as_of, len(data.evidence))
        missing = [f.path for f in files if f.source is not None and not f.source.exists()]
        if missing:
            raise InvalidInputError(
                f"{len(missing)} stored evidence file(s) are missing (first: {missing[0]}); "
                "run Verify evidence"
            )
        return write_package(target, files, readme=readme, as_of=data.as_of, progress=step(3), cancel=cancel)


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
    if kind not in EXPORT_KINDS:
        raise InvalidInputError(f"unknown export {kind!r}; expected one of: {', '.join(EXPORT_KINDS)}")
    target = target.expanduser().absolute()
    if not target.parent.is_dir():
        raise NotFoundError(f"the folder {target.parent} does not exist")
    data = gather(workspace, engagement_id)
    try:
        with scratch_in(workspace.data_dir):
            sha256 = _write(kind, workspace, data, target, progress, cancel, (answers, overrides))
    except ExportCancelled:
        raise CancelledError("the export was cancelled; nothing was written") from None
    except PackageIntegrityError as error:
        raise WorkbenchError(str(error)) from None
    except OSError as error:
        raise WorkbenchError(f"cannot write {target}: {error.strerror or error}") from None
    with workspace.session() as session:
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
        session.commit()
    return ExportResult(kind, target, sha256, data.as_of)


def export_history(workspace: Workspace, *, engagement_id: int) -> list[ExportRecord]:
    """The engagement's exports, newest first."""
    with workspace.session() as session:
        return list(
            session.exec(
                select(ExportRecord)
                .where(ExportRecord.engagement_id == engagement_id)
                .order_by(col(ExportRecord.id).desc())
            ).all()
        )


@dataclass
class ChangesSincePackage:
    """What changed since the last evidence package was sent (``last`` is ``None`` before the first)."""

    last: ExportRecord | None
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
    packages = [r for r in export_history(workspace, engagement_id=engagement_id) if r.kind == "package"]
    if not packages:
        return ChangesSincePackage(None)
    before = packages[0].snapshot
    now = snapshot(gather(workspace, engagement_id))
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
