"""An engagement's readiness from its stored controls and objectives."""

from datetime import date

import pytest

from app.services.controls import add_control
from app.services.engagements import create_engagement, update_engagement
from app.services.errors import NotFoundError
from app.services.objectives import add_objective, set_objective_controls
from app.services.readiness import engagement_readiness
from app.services.seeding import seed_engagement
from app.services.workspace import Workspace

pytestmark = pytest.mark.backends

TODAY = date(2026, 2, 15)


def new_engagement(workspace: Workspace, **scope: object) -> int:
    engagement = create_engagement(workspace, name="Ready")
    assert engagement.id is not None
    update_engagement(workspace, engagement.id, **scope)
    return engagement.id


def test_stored_controls_give_the_known_figures(workspace: Workspace) -> None:
    engagement_id = new_engagement(
        workspace, report_kinds=["SOC 2"], categories=["Security", "Confidentiality"]
    )
    add_control(
        workspace,
        engagement_id=engagement_id,
        ref="C-1",
        title="t",
        criteria="C1.1",
        owner="Ana",
        status="implemented",
    )
    add_control(
        workspace,
        engagement_id=engagement_id,
        ref="C-2",
        title="t",
        criteria="C1.2",
        status="in-progress",
        is_key=True,
        remediation_due="2026-01-31",
    )
    report = engagement_readiness(workspace, engagement_id=engagement_id, today=TODAY)
    assert [(c.category, c.criteria_covered, c.criteria_ready, c.readiness) for c in report.categories] == [
        ("Security", 0, 0, 0.0),
        ("Confidentiality", 2, 1, 0.5),
    ]
    control_gaps = [(g.kind, g.control_ref) for g in report.gaps if g.control_ref]
    assert control_gaps == [
        ("key-not-implemented", "C-2"),
        ("no-owner", "C-2"),
        ("remediation-overdue", "C-2"),
    ]
    assert sum(g.kind == "uncovered-criterion" for g in report.gaps) == 33
    assert report.objectives == ()


def test_soc1_objectives_are_scored(workspace: Workspace) -> None:
    engagement_id = new_engagement(workspace, report_kinds=["SOC 1"])
    control = add_control(
        workspace, engagement_id=engagement_id, ref="PAY-1", title="t", owner="Ana", status="implemented"
    )
    objective = add_objective(workspace, engagement_id=engagement_id, ref="CO-1", title="Payroll input")
    set_objective_controls(workspace, objective.id, [control.id])
    report = engagement_readiness(workspace, engagement_id=engagement_id, today=TODAY)
    assert report.categories == ()
    assert [(o.ref, o.controls, o.ready) for o in report.objectives] == [("CO-1", 1, 1)]
    assert [(gap.kind, gap.section) for gap in report.gaps] == [
        ("description-section", key)
        for key in ("soc1-services", "transactions", "reports-produced", "cuecs", "subservice-orgs")
    ]


def test_freshly_seeded_engagement_is_covered_but_not_ready(workspace: Workspace) -> None:
    engagement_id = new_engagement(workspace, report_kinds=["SOC 2"], categories=["Availability"])
    seed_engagement(workspace, engagement_id=engagement_id)
    data = engagement_readiness(workspace, engagement_id=engagement_id).as_dict()
    assert [
        (c["category"], c["criteria_in_scope"], c["criteria_covered"], c["readiness"])
        for c in data["categories"]
    ] == [
        ("Security", 33, 33, 0.0),
        ("Availability", 3, 3, 0.0),
    ]
    assert {g["kind"] for g in data["gaps"]} == {"key-not-implemented", "description-section"}
    assert data["gaps"][-1]["kind"] == "description-section"


def test_missing_engagement(workspace: Workspace) -> None:
    with pytest.raises(NotFoundError):
        engagement_readiness(workspace, engagement_id=404)


def test_a_seeded_engagement_is_designed_but_not_evidenced_until_its_evidence_covers_the_period(
    workspace: Workspace, tmp_path: object
) -> None:
    """Status alone never makes a criterion ready for audit: the evidenced measure counts evidence."""
    from pathlib import Path

    from app.services.controls import list_controls, update_controls
    from app.services.evidence import add_evidence

    engagement_id = new_engagement(
        workspace,
        report_kinds=["SOC 2"],
        report_type="Type 2",
        categories=["Availability"],
        period_start=date(2026, 1, 1),
        period_end=date(2026, 6, 30),
    )
    seed_engagement(workspace, engagement_id=engagement_id)
    rows = list_controls(workspace, engagement_id=engagement_id, category="Availability")
    update_controls(workspace, [row.id for row in rows], status="implemented", owner="Ops")
    today = date(2026, 4, 2)
    report = engagement_readiness(workspace, engagement_id=engagement_id, today=today)
    availability = report.categories[1].as_dict()
    assert availability["designed"]["readiness"] == 1.0
    assert availability["evidenced"]["readiness"] == 0.0

    folder = Path(str(tmp_path))
    for row in rows:
        days = [date(2026, month, 20) for month in (1, 2, 3)]
        for day in days:
            source = folder / f"{row.ref}-{day}.txt"
            source.write_text(f"{row.ref} {day}")
            add_evidence(
                workspace, engagement_id=engagement_id, files=[source], control_ids=[row.id], collected_on=day
            )
    report = engagement_readiness(workspace, engagement_id=engagement_id, today=today)
    availability = report.categories[1].as_dict()
    assert availability["evidenced"]["readiness"] == 1.0
    assert report.as_dict()["definitions"]["evidenced"]
