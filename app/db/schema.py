"""The schema revisions this version knows, oldest first (checked against Alembic by a test).

Kept apart from Alembic so that opening a current database never imports it.
"""

KNOWN_REVISIONS: tuple[str, ...] = ("0001", "0002", "0003", "0004", "0007", "0008", "0009", "0006", "0005")
HEAD_REVISION = KNOWN_REVISIONS[-1]

TABLES_ADDED: dict[str, frozenset[str]] = {
    "0001": frozenset(
        {
            "change_log",
            "criterion",
            "engagement",
            "control",
            "control_criterion",
            "control_objective",
            "objective_control",
            "cuec",
            "subservice_org",
            "evidence",
            "evidence_control",
        }
    ),
    "0002": frozenset({"setting"}),
    "0003": frozenset({"export_record"}),
    "0004": frozenset(),
    "0007": frozenset({"description_section", "incident"}),
    "0008": frozenset(
        {"policy", "policy_version", "policy_answer", "staff_member", "policy_acknowledgement"}
    ),
    "0009": frozenset({"evidence_blob", "evidence_chunk"}),
    "0006": frozenset(
        {
            "request_list",
            "audit_request",
            "request_control",
            "request_evidence",
            "population",
            "sample",
            "sample_item",
            "sample_item_evidence",
            "control_exception",
            "column_mapping",
        }
    ),
    "0005": frozenset(),
}
"""The tables each revision creates (checked against the migrations by a test)."""

VERSION_TABLE = "alembic_version"
ALL_TABLES: frozenset[str] = frozenset().union(*TABLES_ADDED.values())


def tables_at(revision: str) -> frozenset[str]:
    """The tables a database at *revision* has."""
    position = KNOWN_REVISIONS.index(revision)
    return frozenset().union(*(TABLES_ADDED[known] for known in KNOWN_REVISIONS[: position + 1]))
