"""Readiness scoring on hand-built engagements with known answers."""

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest

from app.domain.controls import ControlRow
from app.domain.readiness import (
    DESIGNED_DEFINITION,
    EVIDENCED_DEFINITION,
    READINESS_DEFINITION,
    CategoryReadiness,
    Gap,
    ObjectiveReadiness,
    compute_readiness,
)
from app.domain.vocab import Status

TODAY = date(2026, 2, 15)


@dataclass(frozen=True)
class Objective:
    ref: str
    title: str
    control_ids: tuple[int, ...]


def control(number: int, ref: str, criteria: str, status: str, **fields: Any) -> ControlRow:
    fields.setdefault("owner", "Ana")
    return ControlRow(
        id=number,
        engagement_id=1,
        ref=ref,
        title=f"Control {ref}",
        criteria=criteria.split() if criteria else [],
        status=status,
        **fields,
    )


def statuses(**counts: int) -> dict[str, int]:
    return {status.value: counts.get(status.name.lower(), 0) for status in Status}


# Availability: A1.1 ready (key implemented; a non-key control not started does not block),
# A1.2 covered but a key control is in progress, A1.3 without a control.
# Confidentiality: C1.1 ready for audit (no owner), C1.2 has an implemented control and an exception.
# Privacy is out of scope: its key control is no gap, its overdue remediation is.
MATRIX = [
    control(1, "AV-1", "A1.1", "implemented", is_key=True),
    control(2, "AV-2", "A1.2", "implemented"),
    control(3, "AV-3", "A1.2", "in-progress", is_key=True, owner="Ben"),
    control(4, "AV-4", "A1.1", "not-started", remediation_due=date(2026, 3, 1)),
    control(5, "CF-1", "C1.1", "ready-for-audit", owner=""),
    control(6, "CF-2", "C1.2", "exception"),
    control(7, "CF-3", "C1.2", "implemented", remediation_due=date(2026, 1, 10)),
    control(8, "PR-1", "P1.1", "not-started", is_key=True, remediation_due=date(2026, 2, 1)),
]


def test_figures_per_category() -> None:
    report = compute_readiness(MATRIX, ["Availability", "Confidentiality"], today=TODAY)
    assert report.categories == (
        CategoryReadiness(
            "Availability", 3, 2, 1, statuses(not_started=1, in_progress=1, implemented=2), 1 / 3, 0, 0.0
        ),
        CategoryReadiness(
            "Confidentiality",
            2,
            2,
            1,
            statuses(implemented=1, ready_for_audit=1, exception=1),
            0.5,
            0,
            0.0,
        ),
    )


def test_gap_list() -> None:
    report = compute_readiness(MATRIX, ["Availability", "Confidentiality"], today=TODAY)
    assert report.gaps == (
        Gap("uncovered-criterion", "Availability", "A1.3", None, None, "A1.3 (Availability) has no control"),
        Gap(
            "key-not-implemented",
            "Availability",
            None,
            3,
            "AV-3",
            "Key control AV-3 is not implemented yet (status: In progress)",
        ),
        Gap("no-owner", "Confidentiality", None, 5, "CF-1", "Control CF-1 has no owner"),
        Gap(
            "remediation-overdue",
            None,
            None,
            8,
            "PR-1",
            "Remediation of PR-1 was due 2026-02-01 and is not done",
        ),
    )


def test_remediation_due_today_is_not_overdue() -> None:
    report = compute_readiness(MATRIX, ["Availability"], today=date(2026, 2, 1))
    assert [g.control_ref for g in report.gaps if g.kind == "remediation-overdue"] == []


def test_empty_category_is_all_gaps() -> None:
    report = compute_readiness([], ["Confidentiality", "Security"], today=TODAY)
    assert [
        (c.category, c.criteria_in_scope, c.criteria_covered, c.readiness) for c in report.categories
    ] == [
        ("Confidentiality", 2, 0, 0.0),
        ("Security", 33, 0, 0.0),
    ]
    uncovered = [g.criterion for g in report.gaps]
    assert len(uncovered) == 35
    assert uncovered[0] == "CC1.1" and uncovered[-2:] == ["C1.1", "C1.2"]


def test_everything_ready() -> None:
    controls = [control(1, "PI-1", "PI1.1 PI1.2 PI1.3 PI1.4 PI1.5", "ready-for-audit", is_key=True)]
    report = compute_readiness(controls, ["processing integrity"], today=TODAY)
    assert report.categories[0].readiness == 1.0
    assert report.categories[0].category == "Processing Integrity"
    assert report.gaps == ()


def test_without_categories_every_key_control_counts_and_objectives_are_scored() -> None:
    controls = [
        control(1, "PAY-01", "", "implemented", is_key=True),
        control(2, "PAY-02", "", "exception", is_key=True),
        control(3, "ITG-01", "CC6.3", "not-started"),
    ]
    objectives = [Objective("CO-08", "Payroll set-up", (1, 2)), Objective("CO-01", "Logical access", ())]
    report = compute_readiness(controls, [], objectives=objectives, today=TODAY)
    assert report.categories == ()
    assert report.objectives == (
        ObjectiveReadiness("CO-08", "Payroll set-up", 2, 1, designed=False, evidenced=False),
        ObjectiveReadiness("CO-01", "Logical access", 0, 0, designed=False, evidenced=False),
    )
    assert [(g.kind, g.objective, g.control_ref) for g in report.gaps] == [
        ("uncovered-objective", "CO-01", None),
        ("key-not-implemented", None, "PAY-02"),
    ]
    assert report.gaps[0].message == "SOC 1 objective CO-01 (Logical access) has no control"


def test_key_controls_of_objectives_count_beside_categories() -> None:
    controls = [
        control(1, "PAY-01", "", "in-progress", is_key=True),
        control(2, "X-1", "", "in-progress", is_key=True),
    ]
    report = compute_readiness(
        controls, ["Availability"], objectives=[Objective("CO-08", "Payroll", (1,))], today=TODAY
    )
    assert [g.control_ref for g in report.gaps if g.kind == "key-not-implemented"] == ["PAY-01"]


def test_as_dict_is_json_ready() -> None:
    data = compute_readiness(MATRIX, ["Availability"], today=TODAY).as_dict()
    assert data["definition"] == READINESS_DEFINITION
    assert data["categories"] == [
        {
            "category": "Availability",
            "criteria_in_scope": 3,
            "criteria_covered": 2,
            "criteria_ready": 1,
            "controls_by_status": statuses(not_started=1, in_progress=1, implemented=2),
            "readiness": 0.3333,
            "designed": {"criteria": 1, "readiness": 0.3333},
            "evidenced": {"criteria": 0, "readiness": 0.0},
        }
    ]
    assert data["definitions"] == {"designed": DESIGNED_DEFINITION, "evidenced": EVIDENCED_DEFINITION}
    assert data["gaps"][0] == {
        "kind": "uncovered-criterion",
        "category": "Availability",
        "criterion": "A1.3",
        "control_id": None,
        "control_ref": None,
        "message": "A1.3 (Availability) has no control",
        "objective": None,
        "section": None,
        "policy_key": None,
    }


def test_unknown_category_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown category"):
        compute_readiness([], ["Integrity"], today=TODAY)
