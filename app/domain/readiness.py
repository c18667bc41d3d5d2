"""Readiness scoring: how close each category in scope is to an audit, and what is missing.

Two measures, each with its written definition: **designed** (the controls
exist and are in place) and **evidenced** (designed, and the key controls have
left the evidence the report needs). Status alone never makes a criterion
evidenced.
"""

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from functools import cache
from types import MappingProxyType
from typing import Any, Literal, Protocol

from app.domain.catalog import load_catalog, sort_key
from app.domain.controls import ControlRow
from app.domain.fieldwork import ExceptionRow
from app.domain.policies import PolicyRow, policy_gaps
from app.domain.sampling import (
    DEFAULT_TYPE1_MAX_AGE_DAYS,
    TYPE_1_REPORT,
    TYPE_2_REPORT,
    ReportScope,
    coverage,
    is_recurring,
    report_type_for,
)
from app.domain.vocab import Status, canonical_category, label

DESIGNED_DEFINITION = (
    "Designed: a criterion (or SOC 1 objective) is designed when at least one control maps to it, at "
    "least one of its controls is Implemented or Ready for audit, every key control mapped to it is "
    "Implemented or Ready for audit, and none of its controls is in Exception."
)
EVIDENCED_DEFINITION = (
    "Evidenced: a criterion (or SOC 1 objective) is evidenced when it is designed and each of its key "
    "controls (or, when none of its controls is key, at least one Implemented control) has the evidence "
    "the report needs. For a Type 2: evidence dated in the review period so far, and in every part of "
    "the period that has already ended (each month of a monthly control, each quarter of a quarterly "
    "one); a control that did not operate shows the listing of its empty population. For a Type 1: "
    "evidence collected no more than the Type 1 age limit before the as-of date. Without report dates: "
    "any evidence. Status alone never makes a criterion evidenced."
)
READINESS_DEFINITION = (
    f"{DESIGNED_DEFINITION} {EVIDENCED_DEFINITION} A category's readiness is the share of its criteria "
    "that are designed, and its evidenced share the share that are evidenced. Controls by status count "
    "the controls mapped to at least one criterion of the category. Gaps: criteria in scope with no "
    "control; SOC 1 objectives with no control; key controls not Implemented or Ready for audit (those "
    "mapped to a category in scope or addressing a SOC 1 objective, or every key control when no "
    "category is in scope); controls without an owner; controls whose remediation was due before today "
    "and that are not Implemented or Ready for audit; sections of the system description not yet complete; "
    "criteria whose controls rely on a policy that is not approved (or retired) or is past its review date; "
    "exceptions recorded against a control or a sampled item."
)
"""How readiness is computed, in the words shown in the tooltip and the documentation."""

GapKind = Literal[
    "uncovered-criterion",
    "uncovered-objective",
    "key-not-implemented",
    "no-owner",
    "remediation-overdue",
    "exception",
    "description-section",
    "policy-not-approved",
    "policy-review-overdue",
]
"""Gap kinds in the order the gap list shows them."""

GAP_KIND_WORDS: Mapping[GapKind, str] = MappingProxyType(
    {
        "uncovered-criterion": "Criterion without a control",
        "uncovered-objective": "SOC 1 objective without a control",
        "key-not-implemented": "Key control not implemented",
        "no-owner": "Control without an owner",
        "remediation-overdue": "Remediation past due",
        "exception": "Exception recorded",
        "description-section": "Description section unfinished",
        "policy-not-approved": "Policy not approved",
        "policy-review-overdue": "Policy review overdue",
    }
)
"""Each gap kind in words, for the gap list and the workbook."""


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
    """One category's figures; ``controls_by_status`` has every status as a key.

    ``criteria_ready`` and ``readiness`` are the designed measure,
    ``criteria_evidenced`` and ``evidenced_readiness`` the evidenced one.
    """

    category: str
    criteria_in_scope: int
    criteria_covered: int
    criteria_ready: int
    controls_by_status: dict[str, int]
    readiness: float
    criteria_evidenced: int
    evidenced_readiness: float

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready figures: the first-release keys, then both measures under their names."""
        return {
            "category": self.category,
            "criteria_in_scope": self.criteria_in_scope,
            "criteria_covered": self.criteria_covered,
            "criteria_ready": self.criteria_ready,
            "controls_by_status": dict(self.controls_by_status),
            "readiness": round(self.readiness, 4),
            "designed": {"criteria": self.criteria_ready, "readiness": round(self.readiness, 4)},
            "evidenced": {
                "criteria": self.criteria_evidenced,
                "readiness": round(self.evidenced_readiness, 4),
            },
        }


@dataclass(frozen=True, slots=True)
class Gap:
    """Something standing between the engagement and the audit.

    It points at a criterion, a SOC 1 objective (``objective``, its ref), a control, a section of the
    system description (``section``, its key) or a policy (``policy_key``).
    """

    kind: GapKind
    category: str | None
    criterion: str | None
    control_id: int | None
    control_ref: str | None
    message: str
    objective: str | None = None
    section: str | None = None
    policy_key: str | None = None


@dataclass(frozen=True, slots=True)
class ObjectiveReadiness:
    """A SOC 1 objective: how many controls address it, how many are ready, and both measures."""

    ref: str
    title: str
    controls: int
    ready: int
    designed: bool
    evidenced: bool


@dataclass(frozen=True, slots=True)
class ReadinessReport:
    """Readiness per category, per SOC 1 objective, and the gap list."""

    categories: tuple[CategoryReadiness, ...]
    objectives: tuple[ObjectiveReadiness, ...]
    gaps: tuple[Gap, ...]

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready values (shares rounded to four decimals), with the definitions of both measures."""
        return {
            "definition": READINESS_DEFINITION,
            "definitions": {"designed": DESIGNED_DEFINITION, "evidenced": EVIDENCED_DEFINITION},
            "categories": [c.as_dict() for c in self.categories],
            "objectives": [asdict(o) for o in self.objectives],
            "gaps": [asdict(g) for g in self.gaps],
        }


@dataclass(frozen=True, slots=True)
class EvidenceBasis:
    """What the evidenced measure judges evidence by: the report's dates, today and the Type 1 age limit.

    ``collected`` maps a control id to the dates its linked evidence was
    collected on (controls without evidence may be left out).
    """

    collected: Mapping[int, Sequence[date]]
    scope: ReportScope
    today: date
    type1_max_age_days: int = DEFAULT_TYPE1_MAX_AGE_DAYS


def _is_ready(control: ControlRow) -> bool:
    return control.implemented


def criterion_ready(controls: Sequence[ControlRow]) -> bool:
    """Whether a criterion is designed, from the controls mapped to it (see :data:`DESIGNED_DEFINITION`)."""
    return (
        any(_is_ready(c) for c in controls)
        and all(_is_ready(c) for c in controls if c.is_key)
        and not any(c.status == Status.EXCEPTION for c in controls)
    )


def control_evidenced(control: ControlRow, basis: EvidenceBasis) -> bool:
    """Whether *control* has the evidence the report needs (see :data:`EVIDENCED_DEFINITION`)."""
    days = sorted(basis.collected.get(control.id, ()))
    scope = basis.scope
    report_type = report_type_for(scope.report_type, scope.period_start, scope.period_end, scope.as_of)
    if report_type == TYPE_2_REPORT and scope.period_start is not None and scope.period_end is not None:
        start, end = scope.period_start, scope.period_end
        if not any(start <= day <= min(end, basis.today) for day in days):
            return False
        if control.frequency is not None and is_recurring(control.frequency):
            parts = coverage(control.frequency, start, end, days)
            return all(covered for part, covered in parts if part.end < basis.today)
        return True
    if report_type == TYPE_1_REPORT and scope.as_of is not None:
        oldest = scope.as_of - timedelta(days=basis.type1_max_age_days)
        return any(day >= oldest for day in days)
    return bool(days)


def criterion_evidenced(controls: Sequence[ControlRow], basis: EvidenceBasis) -> bool:
    """Whether a criterion is evidenced, from the controls mapped to it (:data:`EVIDENCED_DEFINITION`)."""
    if not criterion_ready(controls):
        return False
    keys = [c for c in controls if c.is_key]
    if keys:
        return all(control_evidenced(c, basis) for c in keys)
    return any(control_evidenced(c, basis) for c in controls if _is_ready(c))


def _category_readiness(
    category: str, controls: Sequence[ControlRow], basis: EvidenceBasis
) -> CategoryReadiness:
    criteria = [c.id for c in load_catalog().in_category(category)]
    by_criterion = {criterion: [c for c in controls if criterion in c.criteria] for criterion in criteria}
    mapped = [c for c in controls if set(criteria).intersection(c.criteria)]
    by_status = {status.value: sum(1 for c in mapped if c.status == status) for status in Status}
    ready = sum(1 for mapped_controls in by_criterion.values() if criterion_ready(mapped_controls))
    evidenced = sum(
        1 for mapped_controls in by_criterion.values() if criterion_evidenced(mapped_controls, basis)
    )
    return CategoryReadiness(
        category=category,
        criteria_in_scope=len(criteria),
        criteria_covered=sum(1 for mapped_controls in by_criterion.values() if mapped_controls),
        criteria_ready=ready,
        controls_by_status=by_status,
        readiness=ready / len(criteria) if criteria else 0.0,
        criteria_evidenced=evidenced,
        evidenced_readiness=evidenced / len(criteria) if criteria else 0.0,
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


def _uncovered_objective_gaps(
    objectives: Sequence[ObjectiveLike], controls: Sequence[ControlRow]
) -> list[Gap]:
    known = {c.id for c in controls}
    return [
        Gap(
            "uncovered-objective",
            None,
            None,
            None,
            None,
            f"SOC 1 objective {o.ref} ({o.title}) has no control",
            objective=o.ref,
        )
        for o in objectives
        if not known.intersection(o.control_ids)
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


def _exception_gaps(
    exceptions: Sequence[ExceptionRow], controls: Sequence[ControlRow], categories: Sequence[str]
) -> list[Gap]:
    by_id = {c.id: c for c in controls}
    gaps = []
    for exception in exceptions:
        control = by_id.get(exception.control_id) if exception.control_id is not None else None
        when = f" on {exception.occurred_on.isoformat()}" if exception.occurred_on else ""
        gaps.append(
            Gap(
                "exception",
                _first_category(control, categories) if control is not None else None,
                None,
                exception.control_id,
                exception.control_ref,
                f"Exception against {exception.subject}{when}: {exception.description}",
            )
        )
    return gaps


def _objective_readiness(
    objective: ObjectiveLike, controls: Sequence[ControlRow], basis: EvidenceBasis
) -> ObjectiveReadiness:
    ids = set(objective.control_ids)
    linked = [c for c in controls if c.id in ids]
    return ObjectiveReadiness(
        objective.ref,
        objective.title,
        len(linked),
        sum(map(_is_ready, linked)),
        designed=criterion_ready(linked),
        evidenced=criterion_evidenced(linked, basis),
    )


NO_REPORT_DATES = ReportScope(None, None, None, None)


def compute_readiness(
    controls: Sequence[ControlRow],
    categories: Sequence[str],
    *,
    objectives: Sequence[ObjectiveLike] = (),
    policies: Sequence[PolicyRow] = (),
    today: date,
    evidence: Mapping[int, Sequence[date]] = MappingProxyType({}),
    scope: ReportScope = NO_REPORT_DATES,
    type1_max_age_days: int = DEFAULT_TYPE1_MAX_AGE_DAYS,
    exceptions: Sequence[ExceptionRow] = (),
) -> ReadinessReport:
    """Readiness of the *categories* in scope and of the SOC 1 *objectives*, with the gap list.

    :data:`READINESS_DEFINITION` states the rules. *evidence* maps a control id
    to the dates its evidence was collected on; *scope* gives the report type
    and dates the evidenced measure judges them by; *exceptions* are listed
    as gaps, each once. Key controls count as in
    scope when they map to a category in scope, address one of the
    *objectives*, or when there are no categories at all. The *policies* the
    controls rely on add their gaps last (see :func:`app.domain.policies.policy_gaps`). Raises
    ``ValueError`` for an unknown category.
    """
    names = tuple(canonical_category(category) for category in categories)
    objective_controls = frozenset(i for o in objectives for i in o.control_ids)
    basis = EvidenceBasis(evidence, scope, today, type1_max_age_days)
    return ReadinessReport(
        categories=tuple(_category_readiness(category, controls, basis) for category in names),
        objectives=tuple(_objective_readiness(o, controls, basis) for o in objectives),
        gaps=tuple(
            _uncovered_gaps(names, controls)
            + _uncovered_objective_gaps(objectives, controls)
            + _control_gaps(controls, names, objective_controls, today)
            + _exception_gaps(exceptions, controls, names)
            + [
                Gap(
                    kind=g.kind,
                    category=g.category,
                    criterion=g.criterion,
                    control_id=None,
                    control_ref=None,
                    message=g.message,
                    policy_key=g.policy_key,
                )
                for g in policy_gaps(policies, controls, names, today=today)
            ]
        ),
    )
