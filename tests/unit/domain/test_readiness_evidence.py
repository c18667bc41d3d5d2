"""The two readiness measures on a matrix seeded from the starter library, with and without evidence."""

from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from app.domain.controls import ControlRow
from app.domain.readiness import ReadinessReport, compute_readiness
from app.domain.sampling import ReportScope, is_recurring, slices
from app.domain.starter import load_starter, select_for_scope

D = date
TODAY = D(2026, 4, 10)
PERIOD = ReportScope("Type 2", D(2026, 1, 1), D(2026, 6, 30), None)
CATEGORIES = ("Security", "Availability")


@dataclass(frozen=True)
class Objective:
    ref: str
    title: str
    control_ids: tuple[int, ...]


def seeded(status: str = "implemented") -> list[ControlRow]:
    """The starter controls of Security and Availability as an engagement holds them, all at *status*."""
    controls, _ = select_for_scope(load_starter(), CATEGORIES, False, None)
    return [
        ControlRow(
            id=number,
            engagement_id=1,
            ref=c.ref,
            title=c.title,
            criteria=list(c.criteria),
            owner=c.owner_role,
            frequency=c.frequency,
            nature=c.nature,
            is_key=c.is_key,
            status=status,
        )
        for number, c in enumerate(controls, start=1)
    ]


def full_evidence(controls: list[ControlRow], scope: ReportScope = PERIOD) -> dict[int, list[date]]:
    """One dated piece in every part of the period begun by today, one for controls without a calendar."""
    assert scope.period_start and scope.period_end
    evidence: dict[int, list[date]] = {}
    for control in controls:
        assert control.frequency
        if is_recurring(control.frequency):
            parts = slices(control.frequency, scope.period_start, scope.period_end)
            evidence[control.id] = [part.start for part in parts if part.start <= TODAY]
        else:
            evidence[control.id] = [scope.period_start + timedelta(days=14)]
    return evidence


def figures(report: ReadinessReport) -> dict[str, tuple[int, int, int]]:
    return {
        c.category: (c.criteria_covered, c.criteria_ready, c.criteria_evidenced) for c in report.categories
    }


def test_status_alone_is_designed_but_never_evidenced() -> None:
    report = compute_readiness(seeded(), CATEGORIES, today=TODAY, scope=PERIOD)
    assert figures(report) == {"Security": (33, 33, 0), "Availability": (3, 3, 0)}
    assert report.categories[0].readiness == 1.0 and report.categories[0].evidenced_readiness == 0.0
    data = report.as_dict()["categories"][1]
    assert (data["designed"], data["evidenced"]) == (
        {"criteria": 3, "readiness": 1.0},
        {"criteria": 0, "readiness": 0.0},
    )


def test_evidence_for_every_ended_part_of_the_period_makes_every_criterion_evidenced() -> None:
    controls = seeded()
    report = compute_readiness(
        controls, CATEGORIES, today=TODAY, scope=PERIOD, evidence=full_evidence(controls)
    )
    assert figures(report) == {"Security": (33, 33, 33), "Availability": (3, 3, 3)}


def test_a_missing_month_of_a_key_control_takes_its_criteria_out() -> None:
    controls = seeded()
    evidence = full_evidence(controls)
    review = next(c for c in controls if c.ref == "ACC-06")
    assert review.frequency == "monthly" and review.is_key
    evidence[review.id] = [day for day in evidence[review.id] if day.month != 2]
    report = compute_readiness(controls, CATEGORIES, today=TODAY, scope=PERIOD, evidence=evidence)
    assert figures(report)["Security"] == (33, 33, 33 - len(review.criteria))


def test_a_month_still_running_is_not_missing_yet() -> None:
    controls = seeded()
    evidence = full_evidence(controls)
    review = next(c for c in controls if c.ref == "ACC-06")
    evidence[review.id] = [D(2026, 1, 5), D(2026, 2, 5), D(2026, 3, 5)]  # nothing yet for April
    report = compute_readiness(controls, CATEGORIES, today=TODAY, scope=PERIOD, evidence=evidence)
    assert figures(report)["Security"] == (33, 33, 33)
    evidence[review.id] = [D(2026, 1, 5), D(2026, 2, 5), D(2026, 4, 5)]  # March is over without any
    report = compute_readiness(controls, CATEGORIES, today=TODAY, scope=PERIOD, evidence=evidence)
    assert figures(report)["Security"] == (33, 33, 33 - len(review.criteria))


def test_a_control_whose_only_part_has_not_ended_still_needs_evidence_in_the_period() -> None:
    controls = seeded()
    evidence = full_evidence(controls)
    assessment = next(c for c in controls if c.ref == "RSK-01")
    assert assessment.frequency == "annual" and assessment.is_key
    evidence[assessment.id] = []  # its year ends with the period: nothing is missing, nothing is shown
    report = compute_readiness(controls, CATEGORIES, today=TODAY, scope=PERIOD, evidence=evidence)
    assert figures(report)["Security"] == (33, 33, 33 - len(assessment.criteria))


def test_evidence_from_before_the_period_does_not_count() -> None:
    controls = seeded()
    before = {control.id: [D(2025, 12, 15)] for control in controls}
    report = compute_readiness(controls, CATEGORIES, today=TODAY, scope=PERIOD, evidence=before)
    assert figures(report) == {"Security": (33, 33, 0), "Availability": (3, 3, 0)}


def test_before_the_period_starts_nothing_is_evidenced_yet() -> None:
    controls = seeded()
    future = ReportScope("Type 2", D(2026, 5, 1), D(2026, 10, 31), None)
    evidence = {c.id: [D(2026, 4, 1)] for c in controls}
    report = compute_readiness(controls, CATEGORIES, today=TODAY, scope=future, evidence=evidence)
    assert figures(report) == {"Security": (33, 33, 0), "Availability": (3, 3, 0)}


@pytest.mark.parametrize(
    ("collected", "max_age", "evidenced"),
    [(D(2026, 1, 15), 90, 3), (D(2025, 12, 31), 90, 3), (D(2025, 12, 30), 90, 0), (D(2025, 12, 1), 120, 3)],
)
def test_a_type1_wants_evidence_no_older_than_the_age_limit(
    collected: date, max_age: int, evidenced: int
) -> None:
    controls = seeded()
    scope = ReportScope("Type 1", None, None, D(2026, 3, 31))
    report = compute_readiness(
        controls,
        ["Availability"],
        today=TODAY,
        scope=scope,
        evidence={c.id: [collected] for c in controls},
        type1_max_age_days=max_age,
    )
    assert figures(report) == {"Availability": (3, 3, evidenced)}


def test_without_report_dates_any_evidence_counts() -> None:
    controls = seeded()
    assert figures(
        compute_readiness(
            controls, ["Availability"], today=TODAY, evidence={c.id: [D(2020, 1, 1)] for c in controls}
        )
    ) == {"Availability": (3, 3, 3)}
    assert figures(compute_readiness(controls, ["Availability"], today=TODAY)) == {"Availability": (3, 3, 0)}


def test_a_criterion_without_key_controls_needs_one_implemented_control_with_evidence() -> None:
    controls = [
        ControlRow(id=1, engagement_id=1, ref="CF-1", title="t", criteria=["C1.1"], status="implemented"),
        ControlRow(id=2, engagement_id=1, ref="CF-2", title="t", criteria=["C1.1"], status="in-progress"),
    ]

    def evidenced(evidence: dict[int, list[date]]) -> int:
        report = compute_readiness(
            controls, ["Confidentiality"], today=TODAY, scope=PERIOD, evidence=evidence
        )
        return report.categories[0].criteria_evidenced

    assert evidenced({}) == 0
    assert evidenced({2: [D(2026, 2, 1)]}) == 0  # the control in progress does not carry it
    assert evidenced({1: [D(2026, 2, 1)]}) == 1


def test_soc1_objectives_have_both_measures_and_one_without_controls_is_a_gap() -> None:
    controls = seeded()
    by_ref = {c.ref: c.id for c in controls}
    objectives = [
        Objective("CO-03", "Program change management", (by_ref["CHG-01"], by_ref["CHG-08"])),
        Objective("CO-06", "Backup and recovery", ()),
    ]
    without = compute_readiness(controls, [], objectives=objectives, today=TODAY, scope=PERIOD)
    assert [(o.ref, o.designed, o.evidenced) for o in without.objectives] == [
        ("CO-03", True, False),
        ("CO-06", False, False),
    ]
    assert [(g.kind, g.objective) for g in without.gaps if g.kind == "uncovered-objective"] == [
        ("uncovered-objective", "CO-06")
    ]
    with_evidence = compute_readiness(
        controls, [], objectives=objectives, today=TODAY, scope=PERIOD, evidence=full_evidence(controls)
    )
    assert [(o.ref, o.designed, o.evidenced) for o in with_evidence.objectives] == [
        ("CO-03", True, True),
        ("CO-06", False, False),
    ]
    assert with_evidence.as_dict()["objectives"][0] == {
        "ref": "CO-03",
        "title": "Program change management",
        "controls": 2,
        "ready": 2,
        "designed": True,
        "evidenced": True,
    }
