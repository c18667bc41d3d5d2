"""The workspace database's tables.

Vocabulary columns hold the values of :mod:`app.domain.vocab`; list-valued
columns (report kinds, categories) hold JSON arrays. Times are UTC.
"""

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, ForeignKey, Integer, LargeBinary, MetaData, UniqueConstraint
from sqlmodel import Field, SQLModel

SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata: MetaData = SQLModel.metadata


def utcnow() -> datetime:
    """The current time in UTC, to the second."""
    return datetime.now(UTC).replace(microsecond=0)


FILE_SIZE = BigInteger().with_variant(Integer(), "sqlite")
"""A size in bytes: 64 bits (SQLite's INTEGER already is)."""


RECORD_VERSION = "record_version"
"""The ``info`` key marking a table's record-version column."""


def _version() -> Any:
    """A record's version: 1 when created, one more with every change (see :mod:`app.db.versions`).

    A table opts in to edit-conflict checks by having this column (marked in its ``info``, since
    a policy version's ``version`` is a name like ``1.2``, not a record version).
    """
    return Field(default=1, sa_column_kwargs={"server_default": "1", "info": {RECORD_VERSION: True}})


def _cascade(target: str, *, primary_key: bool = False, nullable: bool = False) -> Any:
    return Field(
        default=None,
        sa_column=Column(
            Integer,
            ForeignKey(target, ondelete="CASCADE"),
            primary_key=primary_key,
            nullable=nullable,
            index=not primary_key,
        ),
    )


class Engagement(SQLModel, table=True):
    """One company's audit preparation: its scope, period and everything below it."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    company: str = ""
    system_name: str = ""
    system_description: str = ""
    business_type: str = ""
    report_kinds: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    report_type: str | None = None
    categories: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    framework: str = "tsc-2017"
    period_start: date | None = None
    period_end: date | None = None
    as_of_date: date | None = None
    auditor_firm: str = ""
    scoping_answers: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    scoping_recommendation: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    scoping_overrides: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    bridge_through: date | None = None
    is_demo: bool = False
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    version: int = _version()


class Criterion(SQLModel, table=True):
    """A criterion of a framework's catalog (the texts stay in the shipped catalog)."""

    __table_args__ = (UniqueConstraint("framework", "ref"),)

    id: int | None = Field(default=None, primary_key=True)
    framework: str
    ref: str
    category: str
    group_name: str
    title: str
    sort_order: int


class Control(SQLModel, table=True):
    """A control of an engagement's matrix."""

    __table_args__ = (UniqueConstraint("engagement_id", "ref"),)

    id: int | None = Field(default=None, primary_key=True)
    engagement_id: int | None = _cascade("engagement.id")
    ref: str
    title: str
    description: str = ""
    owner: str = ""
    frequency: str | None = None
    nature: str | None = None
    control_type: str | None = None
    is_key: bool = False
    status: str = "not-started"
    systems: str = ""
    expected_evidence: str = ""
    test_procedure: str = ""
    population_source: str = ""
    gap: str = ""
    remediation_owner: str = ""
    remediation_due: date | None = None
    exceptions: str = ""
    management_response: str = ""
    dependency: str = ""
    notes: str = ""
    start_date: date | None = None
    population_size: int | None = None
    key_reports: str = ""
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    version: int = _version()


class ControlCriterion(SQLModel, table=True):
    """A control mapped to a criterion (any criterion of the catalog)."""

    __tablename__ = "control_criterion"

    control_id: int | None = _cascade("control.id", primary_key=True)
    criterion_id: int | None = _cascade("criterion.id", primary_key=True)


class ControlObjective(SQLModel, table=True):
    """A SOC 1 control objective defined by management."""

    __tablename__ = "control_objective"
    __table_args__ = (UniqueConstraint("engagement_id", "ref"),)

    id: int | None = Field(default=None, primary_key=True)
    engagement_id: int | None = _cascade("engagement.id")
    ref: str
    kind: str = "business"
    title: str
    description: str = ""
    sort_order: int = 0
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class ObjectiveControl(SQLModel, table=True):
    """A control that addresses a SOC 1 control objective."""

    __tablename__ = "objective_control"

    objective_id: int | None = _cascade("control_objective.id", primary_key=True)
    control_id: int | None = _cascade("control.id", primary_key=True)


class Cuec(SQLModel, table=True):
    """A complementary user entity control: what customers are assumed to do."""

    __table_args__ = (UniqueConstraint("engagement_id", "ref"),)

    id: int | None = Field(default=None, primary_key=True)
    engagement_id: int | None = _cascade("engagement.id")
    ref: str
    description: str
    related_criteria: str = ""
    notes: str = ""
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class SubserviceOrg(SQLModel, table=True):
    """A subservice organization (e.g. the cloud provider), carved out or inclusive."""

    __tablename__ = "subservice_org"
    __table_args__ = (UniqueConstraint("engagement_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    engagement_id: int | None = _cascade("engagement.id")
    name: str
    services: str = ""
    method: str = "carve-out"
    csocs: str = ""
    monitoring: str = ""
    notes: str = ""
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class Evidence(SQLModel, table=True):
    """A piece of evidence: a stored file (by SHA-256) and what it shows."""

    id: int | None = Field(default=None, primary_key=True)
    engagement_id: int | None = _cascade("engagement.id")
    title: str
    file_name: str
    file_name_bytes: bytes | None = None
    """The file name's own bytes when they are not UTF-8 (``file_name`` then shows them as U+FFFD)."""
    size: int = Field(sa_column=Column(FILE_SIZE, nullable=False))
    sha256: str = Field(index=True)
    media_type: str = "application/octet-stream"
    collected_on: date | None = None
    covers_from: date | None = None
    covers_to: date | None = None
    as_of: date | None = None
    source_system: str = ""
    notes: str = ""
    added_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class EvidenceControl(SQLModel, table=True):
    """Evidence linked to a control."""

    __tablename__ = "evidence_control"

    evidence_id: int | None = _cascade("evidence.id", primary_key=True)
    control_id: int | None = _cascade("control.id", primary_key=True)


class ChangeLog(SQLModel, table=True):
    """One recorded change; rows are never updated or deleted (triggers enforce it)."""

    __tablename__ = "change_log"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    engagement_id: int | None = Field(default=None, index=True)
    entity: str
    entity_id: int | None = None
    entity_ref: str = ""
    field: str
    old_value: str | None = None
    new_value: str | None = None
    changed_by: str = Field(default="", sa_column_kwargs={"server_default": ""})
    """Who made the change: the name set in the app or the operating system's user name."""
    record_version: int | None = None
    """The version the changed record had after this change (for records that carry a version)."""


class Setting(SQLModel, table=True):
    """A workspace-wide setting with a JSON value (e.g. the sampling conventions)."""

    key: str = Field(primary_key=True)
    value: Any = Field(default=None, sa_column=Column(JSON))


class ExportRecord(SQLModel, table=True):
    """An export made for an engagement: when, what, where, and a snapshot to compare the next one with."""

    __tablename__ = "export_record"

    id: int | None = Field(default=None, primary_key=True)
    engagement_id: int | None = _cascade("engagement.id")
    at: datetime = Field(default_factory=utcnow)
    kind: str
    path: str
    manifest_sha256: str = ""
    snapshot: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class DescriptionSection(SQLModel, table=True):
    """What management wrote for one section of its system description, and the items it confirmed.

    ``reviewed`` is the fingerprint of the items to confirm when the section was
    marked reviewed. Sections of reports no longer in scope are kept.
    """

    __tablename__ = "description_section"
    __table_args__ = (UniqueConstraint("engagement_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    engagement_id: int | None = _cascade("engagement.id")
    key: str
    text: str = ""
    reviewed: str = ""
    updated_at: datetime = Field(default_factory=utcnow)


class Incident(SQLModel, table=True):
    """An incident management recorded (the bridge letter lists those after the prior report)."""

    id: int | None = Field(default=None, primary_key=True)
    engagement_id: int | None = _cascade("engagement.id")
    occurred_on: date
    summary: str
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class Policy(SQLModel, table=True):
    """A written policy of an engagement, seeded from the library; its text lives in its versions.

    ``controls`` holds control refs and ``criteria`` criterion IDs (JSON
    arrays): the links a criterion's readiness follows to the policy.
    """

    __table_args__ = (UniqueConstraint("engagement_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    engagement_id: int | None = _cascade("engagement.id")
    key: str
    title: str
    owner: str = ""
    categories: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    controls: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    criteria: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    retired_on: date | None = None
    sort_order: int = 0
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class PolicyVersion(SQLModel, table=True):
    """One version of a policy: its text, what changed, and its approval (the change history)."""

    __tablename__ = "policy_version"
    __table_args__ = (UniqueConstraint("policy_id", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    policy_id: int | None = _cascade("policy.id")
    version: str
    status: str = "draft"
    body: str = ""
    created_on: date
    change: str | None = None
    summary: str = ""
    approved_by: str = ""
    approved_on: date | None = None
    next_review: date | None = None
    retired_on: date | None = None


class PolicyAnswer(SQLModel, table=True):
    """An answer to the policy questionnaire of an engagement (an unanswered question has no row)."""

    __tablename__ = "policy_answer"

    engagement_id: int | None = _cascade("engagement.id", primary_key=True)
    question: str = Field(primary_key=True)
    answer: str


class StaffMember(SQLModel, table=True):
    """A person who works, worked or will work for the company, known by email within an engagement."""

    __tablename__ = "staff_member"
    __table_args__ = (UniqueConstraint("engagement_id", "email"),)

    id: int | None = Field(default=None, primary_key=True)
    engagement_id: int | None = _cascade("engagement.id")
    email: str
    name: str
    role: str = ""
    start_date: date | None = None
    end_date: date | None = None


class PolicyAcknowledgement(SQLModel, table=True):
    """A person's acknowledgement of one version of a policy, on a date."""

    __tablename__ = "policy_acknowledgement"
    __table_args__ = (UniqueConstraint("policy_id", "version", "staff_id"),)

    id: int | None = Field(default=None, primary_key=True)
    policy_id: int | None = _cascade("policy.id")
    version: str
    staff_id: int | None = _cascade("staff_member.id")
    acknowledged_on: date
    recorded_at: datetime = Field(default_factory=utcnow)


class EvidenceBlob(SQLModel, table=True):
    """Evidence content kept in the database (a team workspace): one row per SHA-256.

    ``sha256`` is empty while an upload is in progress (inside its transaction).
    """

    __tablename__ = "evidence_blob"

    id: int | None = Field(default=None, primary_key=True)
    sha256: str | None = Field(default=None, unique=True)
    size: int = Field(default=0, sa_column=Column(FILE_SIZE, nullable=False))
    stored_at: datetime = Field(default_factory=utcnow)


class EvidenceChunk(SQLModel, table=True):
    """One piece of an evidence blob, in order."""

    __tablename__ = "evidence_chunk"

    blob_id: int | None = _cascade("evidence_blob.id", primary_key=True)
    position: int = Field(primary_key=True)
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class RequestList(SQLModel, table=True):
    """The auditor's request list of an engagement: the file as imported, kept whole, and how it was read.

    ``original`` is the :class:`~app.domain.original_workbook.OriginalWorkbook`
    of the latest import; ``mapping`` gives each column role its column number.
    """

    __tablename__ = "request_list"
    __table_args__ = (UniqueConstraint("engagement_id"),)

    id: int | None = Field(default=None, primary_key=True)
    engagement_id: int | None = _cascade("engagement.id")
    file_name: str
    sha256: str
    sheet: str
    header_row: int
    samples_sheet: str | None = None
    mapping: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    date_order: str | None = None
    auditor_firm: str = ""
    original: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    imported_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class AuditRequest(SQLModel, table=True):
    """One request of the auditor's list: the auditor's fields as imported, and our own work on it.

    The auditor's fields (``auditor_*``, ``text``, ``criteria``...) change only
    by re-importing; ``status``, ``owner``, ``due``, ``notes`` and
    ``date_provided`` are ours. ``listed`` is False once the auditor's latest
    list no longer has the request (it is withdrawn, never deleted).
    """

    __tablename__ = "audit_request"
    __table_args__ = (UniqueConstraint("engagement_id", "request_key"),)

    id: int | None = Field(default=None, primary_key=True)
    engagement_id: int | None = _cascade("engagement.id")
    request_ref: str
    request_key: str
    text: str = ""
    criteria: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    unknown_criteria: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    references: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    request_type: str = ""
    period: str = ""
    auditor_owner: str = ""
    auditor_due: date | None = None
    auditor_status: str = ""
    auditor_comments: str = ""
    extras: list[Any] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    row: int = 0
    position: int = 0
    listed: bool = True
    status: str = "open"
    owner: str = ""
    due: date | None = None
    notes: str = ""
    date_provided: date | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    version: int = _version()


class RequestControl(SQLModel, table=True):
    """A request linked to a control it asks about (confirmed by the user)."""

    __tablename__ = "request_control"

    request_id: int | None = _cascade("audit_request.id", primary_key=True)
    control_id: int | None = _cascade("control.id", primary_key=True)


class RequestEvidence(SQLModel, table=True):
    """Evidence provided for a request."""

    __tablename__ = "request_evidence"

    request_id: int | None = _cascade("audit_request.id", primary_key=True)
    evidence_id: int | None = _cascade("evidence.id", primary_key=True)


class Population(SQLModel, table=True):
    """A control's population: the listing of every occurrence in the period, stored as evidence.

    ``items`` holds ``[position, label, ISO date or null]`` per occurrence, as
    read when the file was added, so a sample drawn from it never depends on
    reading the file again.
    """

    id: int | None = Field(default=None, primary_key=True)
    engagement_id: int | None = _cascade("engagement.id")
    control_id: int | None = _cascade("control.id")
    evidence_id: int | None = _cascade("evidence.id")
    sha256: str
    item_count: int
    items: list[Any] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    added_at: datetime = Field(default_factory=utcnow)


class Sample(SQLModel, table=True):
    """A sample: the auditor's selections for a request, or a self-test sample drawn for a control.

    A drawn sample keeps its ``seed`` and ``method`` so the auditor can re-run it.
    """

    id: int | None = Field(default=None, primary_key=True)
    engagement_id: int | None = _cascade("engagement.id")
    source: str = "auditor"
    request_id: int | None = _cascade("audit_request.id", nullable=True)
    control_id: int | None = _cascade("control.id", nullable=True)
    population: str = ""
    population_sha256: str = ""
    population_size: int | None = None
    seed: str = ""
    method: str = ""
    created_at: datetime = Field(default_factory=utcnow)


class SampleItem(SQLModel, table=True):
    """One sampled item: its number in the sample, what it is, its date and its row on the samples sheet."""

    __tablename__ = "sample_item"

    id: int | None = Field(default=None, primary_key=True)
    sample_id: int | None = _cascade("sample.id")
    number: str
    item: str = ""
    item_date: date | None = None
    row: int | None = None
    position: int | None = None
    listed: bool = True


class SampleItemEvidence(SQLModel, table=True):
    """Evidence provided for one sampled item."""

    __tablename__ = "sample_item_evidence"

    sample_item_id: int | None = _cascade("sample_item.id", primary_key=True)
    evidence_id: int | None = _cascade("evidence.id", primary_key=True)


class ControlException(SQLModel, table=True):
    """A deviation found against a control or a sampled item, and what management does about it."""

    __tablename__ = "control_exception"

    id: int | None = Field(default=None, primary_key=True)
    engagement_id: int | None = _cascade("engagement.id")
    control_id: int | None = _cascade("control.id", nullable=True)
    sample_item_id: int | None = _cascade("sample_item.id", nullable=True)
    occurred_on: date | None = None
    description: str
    root_cause: str = ""
    remediation: str = ""
    management_response: str = ""
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class ColumnMapping(SQLModel, table=True):
    """How an auditor firm's request lists name their columns: header text -> column role, as confirmed."""

    __tablename__ = "column_mapping"

    auditor_firm: str = Field(primary_key=True)
    headers: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    updated_at: datetime = Field(default_factory=utcnow)
