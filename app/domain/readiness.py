"""Readiness scoring: how close each category in scope is to an audit, and what is missing."""

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from functools import cache
from typing import Any, Literal, Protocol

from app.domain.catalog import load_catalog, sort_key
from app.domain.controls import ControlRow
from app.domain.policies import PolicyRow, policy_gaps
from app.domain.vocab import Status, canonical_category, label

READINESS_DEFINITION = (
    "A criterion is ready when at least one control maps to it, at least one of its controls is "
    "Implemented or Ready for audit, every key control mapped to it is Implemented or Ready for audit, "
    "and none of its controls is in Exception. A category's readiness is the share of its criteria "
    "that are ready. Controls by status count the controls mapped to at least one criterion of the "
    "category. Gaps: criteria in scope with no control; key controls not Implemented or Ready for audit "
    "(those mapped to a category in scope or addressing a SOC 1 objective, or every key control when no "
    "category is in scope); controls without an owner; controls whose remediation was due before today "
    "and that are not Implemented or Ready for audit; criteria whose controls rely on a policy that is not "
    "approved (or retired) or is past its review date."
)
"""How readiness is computed, in the words shown in the tooltip and the documentation."""

READY_STATUSES = frozenset({Status.IMPLEMENTED.value, Status.READY_FOR_AUDIT.value})

GapKind = Literal[
    "uncovered-criterion",
    "key-not-implemented",
    "no-owner",
    "remediation-overdue",
    "policy-not-approved",
    "policy-review-overdue",
]
"""Gap kinds in the order the gap list shows them."""


class ObjectiveLike(Protocol):
    """What readiness needs of a SOC 1 control objective."""

    @property
    def ref(self) -> str: ...

    @property
    def title(self) -> str: ...

    @property
    def control_ids(self) -> Sequence[int]: ...


@dataclass(frozen=True, slots=True)
class CategoryReadiness:
    """One category's figures; ``controls_by_status`` has every status as a key."""

    category: str
    criteria_in_scope: int
    criteria_covered: int
    criteria_ready: int
    controls_by_status: dict[str, int]
    readiness: float


@dataclass(frozen=True, slots=True)
class Gap:
    """Something between the engagement and the audit; points at a criterion, a control or a policy."""

    kind: GapKind
    category: str | None
    criterion: str | None
    control_id: int | None
    control_ref: str | None
    message: str
    policy_key: str | None = None


@dataclass(frozen=True, slots=True)
class ObjectiveReadiness:
    """A SOC 1 objective: how many controls address it and how many of those are ready."""

    ref: str
    title: str
    controls: int
    ready: int


@dataclass(frozen=True, slots=True)
class ReadinessReport:
    """Readiness per category, per SOC 1 objective, and the gap list."""

    categories: tuple[CategoryReadiness, ...]
    objectives: tuple[ObjectiveReadiness, ...]
    gaps: tuple[Gap, ...]

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready values (readiness rounded to four decimals)."""
        categories = [asdict(c) | {"readiness": round(c.readiness, 4)} for c in self.categories]
        return {
            "definition": READINESS_DEFINITION,
            "categories": categories,
            "objectives": [asdict(o) for o in self.objectives],
            "gaps": [asdict(g) for g in self.gaps],
        }


def _is_ready(control: ControlRow) -> bool:
    return control.status in READY_STATUSES


def criterion_ready(controls: Sequence[ControlRow]) -> bool:
    """A criterion's readiness from the controls mapped to it (see :data:`READINESS_DEFINITION`)."""
    return (
        any(_is_ready(c) for c in controls)
        and all(_is_ready(c) for c in controls if c.is_key)
        and not any(c.status == Status.EXCEPTION for c in controls)
    )


def _category_readiness(category: str, controls: Sequence[ControlRow]) -> CategoryReadiness:
    criteria = [c.id for c in load_catalog().in_category(category)]
    by_criterion = {criterion: [c for c in controls if criterion in c.criteria] for criterion in criteria}
    mapped = [c for c in controls if set(criteria).intersection(c.criteria)]
    by_status = {status.value: sum(1 for c in mapped if c.status == status) for status in Status}
    ready = sum(1 for mapped_controls in by_criterion.values() if criterion_ready(mapped_controls))
    return CategoryReadiness(
        category=category,
        criteria_in_scope=len(criteria),
        criteria_covered=sum(1 for mapped_controls in by_criterion.values() if mapped_controls),
        criteria_ready=ready,
        controls_by_status=by_status,
        readiness=ready / len(criteria) if criteria else 0.0,
    )


@cache
def _category_of() -> Mapping[str, str]:
    return {c.id: c.category for c in load_catalog().criteria}


def _first_category(control: ControlRow, categories: Sequence[str]) -> str | None:
    """The first of *categories* that the control maps to a criterion of."""
    touched = {_category_of().get(criterion) for criterion in control.criteria}
    return next((category for category in categories if category in touched), None)


def _control_gap(kind: GapKind, control: ControlRow, categories: Sequence[str], message: str) -> Gap:
    return Gap(kind, _first_category(control, categories), None, control.id, control.ref, message)


def _uncovered_gaps(categories: Sequence[str], controls: Sequence[ControlRow]) -> list[Gap]:
    mapped = {criterion for c in controls for criterion in c.criteria}
    criteria = [c for category in categories for c in load_catalog().in_category(category)]
    return [
        Gap("uncovered-criterion", c.category, c.id, None, None, f"{c.id} ({c.category}) has no control")
        for c in sorted(criteria, key=lambda c: sort_key(c.id))
        if c.id not in mapped
    ]


def _key_in_scope(control: ControlRow, categories: Sequence[str], objective_controls: frozenset[int]) -> bool:
    return (
        not categories or _first_category(control, categories) is not None or control.id in objective_controls
    )


def _control_gaps(
    controls: Sequence[ControlRow],
    categories: Sequence[str],
    objective_controls: frozenset[int],
    today: date,
) -> list[Gap]:
    by_ref = sorted(controls, key=lambda c: c.ref)
    key_gaps = [
        _control_gap(
            "key-not-implemented",
            c,
            categories,
            f"Key control {c.ref} is not implemented yet (status: {label(c.status)})",
        )
        for c in by_ref
        if c.is_key and not _is_ready(c) and _key_in_scope(c, categories, objective_controls)
    ]
    owner_gaps = [
        _control_gap("no-owner", c, categories, f"Control {c.ref} has no owner")
        for c in by_ref
        if not c.owner.strip()
    ]
    overdue_gaps = [
        _control_gap(
            "remediation-overdue",
            c,
            categories,
            f"Remediation of {c.ref} was due {c.remediation_due.isoformat()} and is not done",
        )
        for c in by_ref
        if c.remediation_due is not None and c.remediation_due < today and not _is_ready(c)
    ]
    return key_gaps + owner_gaps + overdue_gaps


def _objective_readiness(objective: ObjectiveLike, controls: Sequence[ControlRow]) -> ObjectiveReadiness:
    ids = set(objective.control_ids)
    linked = [c for c in controls if c.id in ids]
    return ObjectiveReadiness(objective.ref, objective.title, len(linked), sum(map(_is_ready, linked)))


def compute_readiness(
    controls: Sequence[ControlRow],
    categories: Sequence[str],
    *,
    objectives: Sequence[ObjectiveLike] = (),
    policies: Sequence[PolicyRow] = (),
    today: date,
) -> ReadinessReport:
    """Readiness of the *categories* in scope and of the SOC 1 *objectives*, with the gap list.

    :data:`READINESS_DEFINITION` states the rules. Key controls count as in scope
    when they map to a category in scope, address one of the *objectives*, or
    when there are no categories at all. The *policies* the controls rely on
    add their gaps last (see :func:`app.domain.policies.policy_gaps`). Raises
    ``ValueError`` for an unknown category.
    """
    names = tuple(canonical_category(category) for category in categories)
    objective_controls = frozenset(i for o in objectives for i in o.control_ids)
    return ReadinessReport(
        categories=tuple(_category_readiness(category, controls) for category in names),
        objectives=tuple(_objective_readiness(o, controls) for o in objectives),
        gaps=tuple(
            _uncovered_gaps(names, controls)
            + _control_gaps(controls, names, objective_controls, today)
            + [
                Gap(g.kind, g.category, g.criterion, None, None, g.message, g.policy_key)
                for g in policy_gaps(policies, controls, names, today=today)
            ]
        ),
    )
