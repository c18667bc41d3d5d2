"""What a change to the workspace touched: the notice every service that writes gives.

A :class:`Changes` value names the kinds of data that changed and, per kind,
the ids of the records (an empty set: some records of that kind, ids not
known or too many to name). The window refreshes what shows those kinds; the
command line ignores it.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class Kind(StrEnum):
    """The kinds of data a page may show."""

    ENGAGEMENT = "engagement"
    """Engagements created, renamed, deleted, or their details changed (ids: engagement ids)."""
    SCOPE = "scope"
    """Reports, type, categories, period, CUECs or subservice organizations (ids: engagement ids)."""
    CONTROLS = "controls"
    """Controls of the matrix (ids: control ids)."""
    OBJECTIVES = "objectives"
    """SOC 1 control objectives and their controls (ids: objective ids)."""
    EVIDENCE = "evidence"
    """Evidence records and their links (ids: evidence ids)."""
    REQUESTS = "requests"
    """The auditor's request list, its requests and their links (ids: request ids)."""
    FIELDWORK = "fieldwork"
    """Populations, samples and exceptions (ids: engagement ids)."""
    DOCUMENTS = "documents"
    """The system description's sections and the incidents recorded (ids: engagement ids)."""
    EXPORTS = "exports"
    """The export history (ids: engagement ids)."""
    SETTINGS = "settings"
    """Workspace settings such as the sampling conventions (no ids)."""
    POLICIES = "policies"
    """Policies, their versions and links, and the policy questionnaire (ids: engagement ids)."""
    STAFF = "staff"
    """The staff list and policy acknowledgements (ids: engagement ids)."""


@dataclass(frozen=True)
class Changes:
    """Kinds of data that changed, each with the ids of the records concerned."""

    ids: Mapping[Kind, frozenset[int]] = field(default_factory=dict)

    @classmethod
    def of(cls, kind: Kind, ids: Iterable[int | None] = ()) -> "Changes":
        return cls({kind: frozenset(i for i in ids if i is not None)})

    def __bool__(self) -> bool:
        return bool(self.ids)

    def __contains__(self, kind: object) -> bool:
        return kind in self.ids

    def __or__(self, other: "Changes") -> "Changes":
        merged = dict(self.ids)
        for kind, ids in other.ids.items():
            merged[kind] = merged.get(kind, frozenset()) | ids
        return Changes(merged)

    def ids_of(self, kind: Kind) -> frozenset[int]:
        """The ids of the records of *kind* that changed (empty when none or not known)."""
        return self.ids.get(kind, frozenset())

    def touches(self, *kinds: Kind) -> bool:
        """Whether any of *kinds* changed."""
        return any(kind in self.ids for kind in kinds)

    def __str__(self) -> str:
        parts = [f"{kind.value}{sorted(ids) if ids else ''}" for kind, ids in self.ids.items()]
        return ", ".join(parts) or "nothing"


NOTHING = Changes()

ENTITY_KINDS: dict[str, Kind] = {
    "engagement": Kind.ENGAGEMENT,
    "control": Kind.CONTROLS,
    "objective": Kind.OBJECTIVES,
    "cuec": Kind.SCOPE,
    "subservice": Kind.SCOPE,
    "evidence": Kind.EVIDENCE,
    "setting": Kind.SETTINGS,
    "request": Kind.REQUESTS,
    "sample": Kind.FIELDWORK,
    "exception": Kind.FIELDWORK,
}
"""The kind of data a change-log entity is (for a poll of other people's changes)."""


def change_notice(entity: str, field: str, entity_id: int | None, engagement_id: int | None) -> Changes:
    """The notice a change-log row gives: what its change touched, as the service that wrote it noted.

    An entity this version does not know (written by a newer one) gives nothing.
    """
    from app.domain.engagements import SCOPE_FIELDS

    kind = ENTITY_KINDS.get(entity)
    if kind is None:
        return NOTHING
    if kind is Kind.ENGAGEMENT and field in SCOPE_FIELDS:
        kind = Kind.SCOPE
    if kind is Kind.SETTINGS:
        return Changes.of(kind)
    return Changes.of(kind, [engagement_id if kind in (Kind.SCOPE, Kind.FIELDWORK) else entity_id])
