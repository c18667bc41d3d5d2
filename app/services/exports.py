"""Exports for the auditor: workbook, checklists, evidence index, scoping memo, documents, policies and
the package.

Every export of an engagement is dated by the engagement's last data change
(the newest change-log entry), not the clock, so exporting an unchanged
engagement twice gives byte-identical files. Everything an export shows is
read in one read transaction, so a file never mixes two states of the
engagement. Each export is recorded in the export history, which is not part
of the change log and so never changes the next export.

The kinds of export are listed once, in :data:`EXPORT_KINDS`: the Exports
page, the command line and the evidence package read that table. A kind that
can be written in several formats (the documents, as PDF and as Word) lists
them; the extension of the file asked for picks one.
"""

import hashlib
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlmodel import Session, col, select

from app.db.changelog import change_rows
from app.db.models import ExportRecord, utcnow
from app.db.session import note
from app.domain.carveouts import CuecRow, SubserviceRow
from app.domain.catalog import load_catalog
from app.domain.changes import Kind
from app.domain.controls import ControlRow
from app.domain.engagement_documents import DEMO_NOTE, DocumentDrafts, draft_documents
from app.domain.engagements import EngagementRow
from app.domain.evidence import EvidenceRow
from app.domain.fieldwork import ExceptionRow
from app.domain.history import ChangeRow, ExportRecordRow
from app.domain.objectives import ObjectiveRow
from app.domain.periods import describe_period, format_day
from app.domain.policies import PolicyRuleError
from app.domain.policy_records import (
    POLICY_FOLDER,
    REGISTER_TITLE,
    PolicyRecords,
    policy_document,
    policy_file_name,
    policy_pack_readme,
    version_to_export,
)
from app.domain.readiness import ReadinessReport
from app.domain.sampling import ControlSampling
from app.domain.scoping import Answers, Scope, apply_overrides, recommend, scope_period
from app.evidence.store import ContentStore, StoreError
from app.exporters.atomic import scratch_folder, scratch_in
from app.exporters.errors import ExportCancelled
from app.exporters.package import (
    PackageFile,
    PackageIntegrityError,
    evidence_paths,
    manifest_entry,
    package_folder,
    readme_text,
    write_package,
)
from app.services.carveouts import cuecs_of, subservice_orgs_of
from app.services.controls import controls_of
from app.services.documents import data_as_of, incidents_in, saved_sections_in
from app.services.engagements import engagement_in, engagement_row
from app.services.errors import CancelledError, InvalidInputError, NotFoundError, WorkbenchError
from app.services.evidence import evidence_of, open_store
from app.services.fieldwork import exceptions_of
from app.services.objectives import objectives_of
from app.services.policies import policy_records_in
from app.services.readiness import readiness_in
from app.services.request_exports import write_request_package, write_returned_list
from app.services.requests import RequestHandbackData, handback_in
from app.services.sampling import sampling_in
from app.services.scoping import SavedScoping, saved_scoping
from app.services.workspace import Workspace

if TYPE_CHECKING:  # the writers import openpyxl and reportlab, which start-up does without
    from app.domain.document import Document
    from app.exporters.acknowledgement_register import RegisterData
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
    sampling: list[ControlSampling]
    scoping: SavedScoping | None
    store: ContentStore
    """Where the evidence content is read from: the workspace's folder, or a team's database."""
    drafts: DocumentDrafts
    """The system description, assertion and bridge letter drafted from the same data."""
    package_paths: dict[int, str] | None = None
    policies: PolicyRecords = field(default_factory=PolicyRecords)
    exceptions: list[ExceptionRow] = field(default_factory=list)
    handback: RequestHandbackData | None = None
    """The auditor's request list and our work on it (``None`` before it is imported)."""

    @property
    def categories(self) -> tuple[str, ...]:
        return self.engagement.categories_in_scope


def gather(
    session: Session, engagement_id: int, store: ContentStore, scoping: SavedScoping | None
) -> ExportData:
    """Read everything an export shows in *session* (one read transaction).

    *scoping* describes a scoping not applied yet (the wizard's summary
    page); by default the engagement's saved one is used.
    """
    engagement = engagement_row(engagement_in(session, engagement_id))
    as_of = data_as_of(session, engagement)
    evidence = evidence_of(session, engagement_id)
    controls = controls_of(session, engagement_id)
    changes = change_rows(session, engagement_id=engagement_id)
    objectives = objectives_of(session, engagement_id) if engagement.soc1 else []
    cuecs = cuecs_of(session, engagement_id)
    subservice_orgs = subservice_orgs_of(session, engagement_id)
    return ExportData(
        engagement=engagement,
        as_of=as_of,
        controls=controls,
        evidence=evidence,
        changes=changes,
        objectives=objectives,
        cuecs=cuecs,
        subservice_orgs=subservice_orgs,
        readiness=readiness_in(session, engagement_id, as_of.date()),
        sampling=sampling_in(session, engagement_id, as_of.date()),
        scoping=scoping or saved_scoping(engagement),
        store=store,
        drafts=draft_documents(
            engagement,
            controls=controls,
            objectives=objectives,
            cuecs=cuecs,
            subservice_orgs=subservice_orgs,
            changes=changes,
            saved=saved_sections_in(session, engagement_id),
            incidents=incidents_in(session, engagement_id),
            prepared=as_of.date(),
        ),
        policies=policy_records_in(session, engagement_id),
        exceptions=exceptions_of(session, engagement_id),
        handback=handback_in(session, engagement_id),
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
        gaps=len(data.readiness.gaps),
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
    readiness = {figures.category: figures.readiness for figures in data.readiness.categories}
    sections = [
        ChecklistSection(
            category,
            [
                ChecklistCriterion(c.id, c.title, [item(row) for row in by_criterion.get(c.id, [])])
                for c in catalog.in_category(category)
            ],
            readiness=readiness.get(category),
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
                noun="objective",
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
        sampling=data.sampling,
        exceptions=data.exceptions,
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
        period = engagement.as_of_date or scope_period(scope, saved.recommendation, data.as_of.date())
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
    from app.exporters.checklists import ChecklistCarveOuts, write_readiness_checklist

    carve_outs = ChecklistCarveOuts(
        cuecs=[(row.ref, row.description) for row in data.cuecs],
        subservice_orgs=[(row.name, row.method, row.csocs, row.monitoring) for row in data.subservice_orgs],
    )
    write_readiness_checklist(
        target,
        _header(data),
        checklist_sections(data),
        as_of=data.as_of,
        carve_outs=carve_outs,
        progress=progress,
        cancel=cancel,
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


def _write_document(
    document: "Document", data: ExportData, target: Path, progress: Progress | None, cancel: Cancel | None
) -> None:
    """*document* as Word when *target* ends in ``.docx``, as PDF otherwise."""
    if target.suffix.lower() == ".docx":
        from app.exporters.document_docx import write_document_docx

        write_document_docx(target, document, as_of=data.as_of)
    else:
        from app.exporters.document_pdf import write_document_pdf

        write_document_pdf(target, document, as_of=data.as_of, progress=progress, cancel=cancel)


def _write_description(
    data: ExportData, target: Path, progress: Progress | None, cancel: Cancel | None
) -> None:
    _write_document(data.drafts.description_document(), data, target, progress, cancel)


def _write_assertion(
    data: ExportData, target: Path, progress: Progress | None, cancel: Cancel | None
) -> None:
    _write_document(data.drafts.assertion_document(), data, target, progress, cancel)


def _write_bridge_letter(
    data: ExportData, target: Path, progress: Progress | None, cancel: Cancel | None
) -> None:
    _write_document(data.drafts.bridge_letter(), data, target, progress, cancel)


def _policy_company(data: ExportData) -> str:
    return data.policies.answers.get("company") or data.engagement.display_company


def policy_documents(data: ExportData) -> list[tuple[str, "Document"]]:
    """Each policy in force as (PDF file name, document), in library order."""
    company = _policy_company(data)
    try:
        return [
            (
                policy_file_name(policy, version, "pdf"),
                policy_document(policy, version, data.policies.answers, company=company),
            )
            for policy, version in data.policies.in_force
        ]
    except PolicyRuleError as error:
        raise InvalidInputError(str(error)) from None


def register_data(data: ExportData) -> "RegisterData":
    """The acknowledgement register as of the engagement's last change."""
    from app.exporters.acknowledgement_register import RegisterData

    engagement = data.engagement
    return RegisterData(_policy_company(data), engagement.name, data.policies, data.as_of.date())


def _write_register(data: ExportData, target: Path, progress: Progress | None, cancel: Cancel | None) -> None:
    from app.exporters.acknowledgement_register import write_acknowledgement_register

    write_acknowledgement_register(
        target, register_data(data), as_of=data.as_of, progress=progress, cancel=cancel
    )


def _write_policy_pack(
    data: ExportData, target: Path, progress: Progress | None, cancel: Cancel | None
) -> None:
    from app.exporters.policy_pack import write_policy_pack

    documents = policy_documents(data)
    listed = [
        (name, f"{policy.title}, version {version.version}")
        for (name, _document), (policy, version) in zip(documents, data.policies.in_force, strict=True)
    ]
    readme = policy_pack_readme(
        _policy_company(data), data.engagement.name, data.as_of, listed, len(data.policies.staff)
    )
    write_policy_pack(
        target,
        documents,
        register_data(data),
        readme=readme,
        as_of=data.as_of,
        progress=progress,
        cancel=cancel,
    )


def _policy_package_files(data: ExportData, cancel: Cancel | None) -> list[PackageFile]:
    """The approved policies and the register, for an engagement that has policies (else nothing)."""
    from app.exporters.policy_pack import policy_files

    if not data.policies.policies:
        return []
    return policy_files(
        policy_documents(data), register_data(data), as_of=data.as_of, folder=POLICY_FOLDER, cancel=cancel
    )


def _write_request_list(
    data: ExportData, target: Path, progress: Progress | None, cancel: Cancel | None
) -> None:
    write_returned_list(data.handback, target, progress, cancel)


def _write_request_package(
    data: ExportData, target: Path, progress: Progress | None, cancel: Cancel | None
) -> None:
    engagement = data.engagement
    write_request_package(
        data.handback,
        target,
        store=data.store,
        company=engagement.display_company,
        engagement=engagement.name,
        as_of=data.as_of,
        progress=progress,
        cancel=cancel,
    )


Writer = Callable[[ExportData, Path, Progress | None, Cancel | None], None]
Refusal = Callable[[ExportData], str | None]
PackageFiles = Callable[[ExportData, Cancel | None], list[PackageFile]]
FORMAT_NAMES = {"pdf": "PDF", "docx": "Word", "xlsx": "Excel", "zip": "zip"}


@dataclass(frozen=True)
class ExportKind:
    """One kind of export: its name on the command line, its label, its file and its writer.

    Kinds ``in_package`` go into the evidence package under ``file_name`` (in
    each of their ``formats``), with ``contents`` describing them in the
    package's README; a kind with ``package_files`` puts the files they give
    (if any) there instead, under ``package_folder``. ``selected`` ones are
    ticked on the Exports page at first. ``refuse`` says why the kind cannot
    be written for an engagement yet (``None`` when it can); the package leaves
    such a kind out and says why.
    """

    name: str
    label: str
    file_name: str
    help: str
    write: Writer
    in_package: bool = False
    contents: str = ""
    selected: bool = False
    formats: tuple[str, ...] = ()
    """The file types the writer writes, by extension, the first the usual one; empty: ``file_name``'s."""
    refuse: Refusal | None = None
    package_files: PackageFiles | None = None
    package_folder: str = ""

    @property
    def extensions(self) -> tuple[str, ...]:
        """``("pdf", "docx")``: the formats this kind is written in."""
        return self.formats or (Path(self.file_name).suffix[1:],)

    def file_for(self, extension: str) -> str:
        """``file_name`` with the extension of one of the formats."""
        return str(Path(self.file_name).with_suffix(f".{extension}"))

    def label_for(self, extension: str) -> str:
        """The label, naming the format when the kind has several: ``System description (Word)``."""
        if len(self.extensions) == 1:
            return self.label
        return f"{self.label} ({FORMAT_NAMES.get(extension, extension)})"

    def refusal(self, data: ExportData) -> str | None:
        return self.refuse(data) if self.refuse is not None else None


def _write_package(data: ExportData, target: Path, progress: Progress | None, cancel: Cancel | None) -> None:
    """The evidence package: every kind ``in_package``, the evidence files and the manifest."""
    paths = evidence_paths(data.evidence)
    data = replace(data, package_paths=paths)
    packed = [kind for kind in EXPORT_KINDS if kind.in_package]
    left_out = [(kind, reason) for kind in packed if (reason := kind.refusal(data))]
    refused = {kind.name for kind, _ in left_out}
    files_of = [
        (kind, kind.file_for(extension))
        for kind in packed
        if kind.name not in refused
        for extension in kind.extensions
    ]
    steps = len(files_of) + 1
    parts = {
        kind: kind.package_files(data, cancel) for kind in EXPORT_KINDS if kind.package_files is not None
    }

    def step(number: int) -> Progress | None:
        if progress is None:
            return None
        report = progress
        return lambda done, total: report(
            number * 1000 + (1000 * done // total if total else 0), steps * 1000
        )

    with scratch_folder("package", beside=target.parent) as scratch:
        for number, (kind, name) in enumerate(files_of):
            kind.write(data, scratch / name, step(number), cancel)
        files = [PackageFile(name, data=(scratch / name).read_bytes()) for _, name in files_of]
    files += [item for added in parts.values() for item in added]
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
    contents = [(name, kind.contents) for kind, name in files_of]
    contents += [(kind.file_name, f"not included: {reason}") for kind, reason in left_out]
    contents += [(f"{kind.package_folder}/", kind.contents) for kind, added in parts.items() if added]
    readme = readme_text(
        engagement.company,
        engagement.name,
        engagement.scope_words,
        data.as_of,
        len(data.evidence),
        contents,
        note=f"This is a demo engagement: {DEMO_NOTE}." if engagement.is_demo else "",
    )
    write_package(
        target,
        files,
        readme=readme,
        as_of=data.as_of,
        folder=package_folder(engagement.name, data.as_of.date()),
        progress=step(steps - 1),
        cancel=cancel,
    )


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
    ExportKind(
        "scoping-memo",
        "Scoping memo (PDF)",
        "scoping-memo.pdf",
        "the scoping memo PDF",
        _write_memo,
        in_package=True,
        contents="why this report, type, categories and period: the scoping answers and the reasons",
        refuse=lambda data: None if data.scoping is not None else "the scoping wizard has not been run",
    ),
    ExportKind(
        "description",
        "System description",
        "system-description.pdf",
        "the system description (PDF or Word)",
        _write_description,
        in_package=True,
        contents="management's system description, section by section, with what is still to confirm",
        formats=("pdf", "docx"),
        refuse=lambda data: data.drafts.description_refusal,
    ),
    ExportKind(
        "assertion",
        "Management's assertion",
        "management-assertion.pdf",
        "the draft of management's assertion (PDF or Word)",
        _write_assertion,
        formats=("pdf", "docx"),
        refuse=lambda data: data.drafts.assertion_refusal,
    ),
    ExportKind(
        "bridge-letter",
        "Bridge letter",
        "bridge-letter.pdf",
        "the draft bridge letter (PDF or Word)",
        _write_bridge_letter,
        formats=("pdf", "docx"),
        refuse=lambda data: data.drafts.bridge_refusal,
    ),
    ExportKind(
        "policy-pack",
        "Policy pack (zip)",
        "policy-pack.zip",
        "the policy pack zip (approved policies as PDF, acknowledgement register, manifest)",
        _write_policy_pack,
        contents="every approved policy (PDF) and the staff acknowledgement register",
        package_files=_policy_package_files,
        package_folder=POLICY_FOLDER,
    ),
    ExportKind(
        "acknowledgement-register",
        f"{REGISTER_TITLE} (workbook)",
        "acknowledgement-register.xlsx",
        "the policy acknowledgement register workbook",
        _write_register,
    ),
    ExportKind(
        "request-list",
        "Auditor's request list, answered (xlsx)",
        "request-list.xlsx",
        "the auditor's request list in their own layout with the client's columns",
        _write_request_list,
    ),
    ExportKind(
        "request-package",
        "Request package (zip)",
        "request-package.zip",
        "the request package zip (evidence by request ID, the answered list, manifest)",
        _write_request_package,
    ),
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
        return hashlib.sha256(archive.read(manifest_entry(archive.namelist()))).hexdigest()


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
    if len(export.extensions) > 1 and target.suffix.lower()[1:] not in export.extensions:
        written = " or ".join(f".{extension}" for extension in export.extensions)
        raise InvalidInputError(f"the {export.label.lower()} is written as {written}; name the file so")
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
        refusal = export.refusal(data)
        if refusal:
            raise InvalidInputError(refusal)
        try:
            with scratch_in(workspace.data_dir):
                export.write(data, target, progress, cancel)
        except ExportCancelled:
            raise CancelledError("the export was cancelled; nothing was written") from None
        except (PackageIntegrityError, StoreError) as error:
            raise WorkbenchError(str(error)) from None
        except OSError as error:
            raise WorkbenchError(f"cannot write {target}: {error.strerror or error}") from None
        zipped = ("package", "policy-pack", "request-package")
        sha256 = _manifest_hash(target) if kind in zipped else _file_hash(target)
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


POLICY_FORMATS = ("pdf", "docx")
"""The formats one policy is exported in: PDF to hand on, Word to edit."""


def export_policy(
    workspace: Workspace,
    *,
    engagement_id: int,
    key: str,
    file_format: str,
    target: Path,
    version: str | None = None,
) -> ExportResult:
    """Write one policy as a PDF or Word document and record it in the export history.

    The version in force is written unless *version* names another; a draft
    is refused while one of its placeholders is unanswered, so no exported
    policy carries a placeholder. Dated by the engagement's last change.
    """
    if file_format not in POLICY_FORMATS:
        raise InvalidInputError(f"a policy is exported as {' or '.join(POLICY_FORMATS)}, not {file_format!r}")
    target = target.expanduser().absolute()
    if not target.parent.is_dir():
        raise NotFoundError(f"the folder {target.parent} does not exist")
    with workspace.session() as session:
        engagement = engagement_row(engagement_in(session, engagement_id))
        as_of = data_as_of(session, engagement)
        records = policy_records_in(session, engagement_id)
        session.rollback()
        try:
            policy = records.policy(key.strip())
        except KeyError:
            raise NotFoundError(
                f"this engagement has no policy {key.strip()!r}; `policies list` names them"
            ) from None
        company = records.answers.get("company") or engagement.display_company
        try:
            document = policy_document(
                policy, version_to_export(policy, version), records.answers, company=company
            )
        except PolicyRuleError as error:
            raise InvalidInputError(str(error)) from None
        try:
            if file_format == "pdf":
                from app.exporters.document_pdf import write_document_pdf

                write_document_pdf(target, document, as_of=as_of)
            else:
                from app.exporters.document_docx import write_document_docx

                write_document_docx(target, document, as_of=as_of)
        except OSError as error:
            raise WorkbenchError(f"cannot write {target}: {error.strerror or error}") from None
        sha256 = _file_hash(target)
        session.add(
            ExportRecord(
                engagement_id=engagement_id,
                at=utcnow(),
                kind="policy",
                path=str(target),
                manifest_sha256=sha256,
            )
        )
        note(session, Kind.EXPORTS, engagement_id)
        session.commit()
    return ExportResult("policy", target, sha256, as_of)


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
