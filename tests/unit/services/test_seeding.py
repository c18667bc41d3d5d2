"""Seeding an engagement from the starter library."""

import pytest
from sqlmodel import func, select

from app.db.models import ChangeLog
from app.domain.catalog import load_catalog
from app.domain.starter import load_starter
from app.domain.vocab import CATEGORIES
from app.services.controls import list_controls, update_control
from app.services.engagements import create_engagement, update_engagement
from app.services.errors import InvalidInputError, NotFoundError
from app.services.objectives import list_objectives
from app.services.seeding import seed_engagement
from app.services.workspace import Workspace

pytestmark = pytest.mark.backends


def engagement_with(workspace: Workspace, **scope: object) -> int:
    engagement = create_engagement(workspace, name="Seeded")
    assert engagement.id is not None
    update_engagement(workspace, engagement.id, **scope)
    return engagement.id


def created_rows(workspace: Workspace, entity: str) -> int:
    with workspace.session() as session:
        statement = select(func.count()).where(ChangeLog.entity == entity, ChangeLog.field == "created")
        return session.exec(statement).one()


def criteria_of(category: str) -> set[str]:
    return {c.id for c in load_catalog().in_category(category)}


def test_security_only_seeds_the_security_controls(workspace: Workspace) -> None:
    engagement_id = engagement_with(workspace, report_kinds=["SOC 2"], categories=["Security"])
    result = seed_engagement(workspace, engagement_id=engagement_id)
    security = criteria_of("Security")
    expected = [c.ref for c in load_starter().controls if security.intersection(c.criteria)]
    assert result.added_controls == expected
    assert result.added_objectives == result.skipped_controls == result.skipped_objectives == []
    rows = list_controls(workspace, engagement_id=engagement_id)
    assert len(rows) == len(expected)
    assert security <= {criterion for row in rows for criterion in row.criteria}
    gov = next(row for row in rows if row.ref == "GOV-01")
    assert (gov.owner, gov.status, gov.is_key, gov.criteria) == (
        "Head of People",
        "not-started",
        True,
        ["CC1.1", "CC2.2"],
    )
    assert created_rows(workspace, "control") == len(expected)


def test_seeding_twice_adds_nothing_and_keeps_changes(workspace: Workspace) -> None:
    engagement_id = engagement_with(workspace, report_kinds=["SOC 1", "SOC 2"], business_type="billing")
    first = seed_engagement(workspace, engagement_id=engagement_id)
    rows = list_controls(workspace, engagement_id=engagement_id)
    update_control(workspace, rows[0].id, title="Our own wording", status="implemented")
    second = seed_engagement(workspace, engagement_id=engagement_id)
    assert second.added_controls == second.added_objectives == []
    assert second.skipped_controls == first.added_controls
    assert second.skipped_objectives == first.added_objectives
    again = list_controls(workspace, engagement_id=engagement_id)
    assert len(again) == len(rows)
    assert (again[0].title, again[0].status) == ("Our own wording", "implemented")
    assert created_rows(workspace, "control") == len(rows)


def test_soc1_payroll_seeds_itgc_and_payroll_objectives_linked_to_controls(workspace: Workspace) -> None:
    engagement_id = engagement_with(workspace, report_kinds=["SOC 1"], business_type="payroll")
    result = seed_engagement(workspace, engagement_id=engagement_id)
    library = load_starter()
    expected = [o.ref for o in library.objectives if o.business_types in (("all",), ("payroll",))]
    assert result.added_objectives == expected
    objectives = {o.ref: o for o in list_objectives(workspace, engagement_id=engagement_id)}
    assert list(objectives) == expected
    assert {o.kind for o in objectives.values()} == {"itgc", "business"}
    for starter in library.objectives:
        if starter.ref in objectives:
            wanted = {*starter.soc2_controls, *(c.ref for c in starter.controls)}
            assert set(objectives[starter.ref].control_refs) == wanted
    linked = {ref for o in objectives.values() for ref in o.control_refs}
    assert {row.ref for row in list_controls(workspace, engagement_id=engagement_id)} == linked
    assert created_rows(workspace, "objective") == len(expected)
    assert created_rows(workspace, "control") == len(linked)


def test_new_objective_links_a_control_the_engagement_already_had(workspace: Workspace) -> None:
    engagement_id = engagement_with(workspace, report_kinds=["SOC 2"], categories=["Security"])
    seed_engagement(workspace, engagement_id=engagement_id)
    update_engagement(workspace, engagement_id, report_kinds=["SOC 1", "SOC 2"], business_type="payroll")
    result = seed_engagement(workspace, engagement_id=engagement_id)
    assert "ACC-01" in result.skipped_controls and "CO-01" in result.added_objectives
    logical_access = next(
        o for o in list_objectives(workspace, engagement_id=engagement_id) if o.ref == "CO-01"
    )
    assert "ACC-01" in logical_access.control_refs


def test_all_categories_cover_all_61_criteria(workspace: Workspace) -> None:
    engagement_id = engagement_with(workspace, report_kinds=["SOC 2"], categories=list(CATEGORIES))
    result = seed_engagement(workspace, engagement_id=engagement_id)
    assert len(result.added_controls) == len(load_starter().controls)
    rows = list_controls(workspace, engagement_id=engagement_id)
    assert {criterion for row in rows for criterion in row.criteria} == load_catalog().ids
    assert len(load_catalog().ids) == 61


def test_unknown_business_type_or_engagement_is_refused_and_nothing_written(workspace: Workspace) -> None:
    engagement_id = engagement_with(workspace, report_kinds=["SOC 1", "SOC 2"], business_type="bakery")
    with pytest.raises(InvalidInputError, match="unknown business type 'bakery'"):
        seed_engagement(workspace, engagement_id=engagement_id)
    assert list_controls(workspace, engagement_id=engagement_id) == []
    assert created_rows(workspace, "control") == 0
    with pytest.raises(NotFoundError):
        seed_engagement(workspace, engagement_id=999)
