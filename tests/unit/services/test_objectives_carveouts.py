"""SOC 1 objectives, CUECs and subservice organizations, with their change-log entries."""

from typing import Any

import pytest
from sqlmodel import col, select

from app.db.models import ChangeLog
from app.services.carveouts import (
    add_cuec,
    add_subservice_org,
    delete_cuecs,
    delete_subservice_orgs,
    list_cuecs,
    list_subservice_orgs,
    update_cuec,
    update_subservice_org,
)
from app.services.controls import add_control, delete_controls
from app.services.engagements import create_engagement
from app.services.errors import ConflictError, InvalidInputError, NotFoundError
from app.services.objectives import (
    add_objective,
    delete_objectives,
    list_objectives,
    set_objective_controls,
    update_objective,
)
from app.services.workspace import Workspace

pytestmark = pytest.mark.backends


def log_rows(workspace: Workspace) -> list[tuple[str, str, str, str | None, str | None]]:
    with workspace.session() as session:
        rows = session.exec(
            select(ChangeLog).where(ChangeLog.entity != "engagement").order_by(col(ChangeLog.id))
        ).all()
    return [(row.entity, row.entity_ref, row.field, row.old_value, row.new_value) for row in rows]


@pytest.fixture
def engagement_id(workspace: Workspace) -> int:
    engagement = create_engagement(workspace, name="E")
    assert engagement.id is not None
    return engagement.id


def test_objective_lifecycle_is_logged(workspace: Workspace, engagement_id: int) -> None:
    logical = add_objective(
        workspace, engagement_id=engagement_id, ref=" CO-2 ", title="Logical  access", kind="ITGC"
    )
    payroll = add_objective(workspace, engagement_id=engagement_id, ref="CO-1", title="Payroll input")
    assert (logical.ref, logical.title, logical.kind, payroll.kind) == (
        "CO-2",
        "Logical access",
        "itgc",
        "business",
    )
    assert [o.ref for o in list_objectives(workspace, engagement_id=engagement_id)] == ["CO-2", "CO-1"]
    changed = update_objective(workspace, payroll.id, description=" Inputs are complete ", kind="business")
    assert changed.description == "Inputs are complete"
    delete_objectives(workspace, [logical.id])
    assert [o.ref for o in list_objectives(workspace, engagement_id=engagement_id)] == ["CO-1"]
    assert log_rows(workspace) == [
        ("objective", "CO-2", "created", None, "Logical access"),
        ("objective", "CO-1", "created", None, "Payroll input"),
        ("objective", "CO-1", "description", "", "Inputs are complete"),
        ("objective", "CO-2", "deleted", "Logical access", None),
    ]


def test_objective_controls_are_set_and_logged(workspace: Workspace, engagement_id: int) -> None:
    objective = add_objective(workspace, engagement_id=engagement_id, ref="CO-1", title="Payroll input")
    first = add_control(workspace, engagement_id=engagement_id, ref="PAY-2", title="t")
    second = add_control(workspace, engagement_id=engagement_id, ref="PAY-1", title="t")
    linked = set_objective_controls(workspace, objective.id, [first.id, second.id, first.id])
    assert (linked.control_refs, linked.control_ids) == (["PAY-1", "PAY-2"], [second.id, first.id])
    assert set_objective_controls(workspace, objective.id, [second.id, first.id]) == linked
    delete_controls(workspace, [first.id])
    assert list_objectives(workspace, engagement_id=engagement_id)[0].control_refs == ["PAY-1"]
    objective_log = [row for row in log_rows(workspace) if row[0] == "objective"]
    assert objective_log[-1] == ("objective", "CO-1", "controls", "", "PAY-1, PAY-2")


@pytest.mark.parametrize(
    ("changes", "error", "message"),
    [
        ({"ref": "CO-1"}, ConflictError, "already exists"),
        ({"kind": "financial"}, InvalidInputError, "itgc or business"),
        ({"title": "  "}, InvalidInputError, "needs a title"),
        ({"ref": ""}, InvalidInputError, "needs a ref"),
    ],
)
def test_refused_objective_changes_write_nothing(
    workspace: Workspace, engagement_id: int, changes: dict[str, Any], error: type[Exception], message: str
) -> None:
    add_objective(workspace, engagement_id=engagement_id, ref="CO-1", title="One")
    other = add_objective(workspace, engagement_id=engagement_id, ref="CO-2", title="Two")
    before = log_rows(workspace)
    with pytest.raises(error, match=message):
        update_objective(workspace, other.id, **changes)
    with pytest.raises(error, match=message):
        add_objective(workspace, engagement_id=engagement_id, **{"ref": "CO-3", "title": "Three", **changes})
    assert log_rows(workspace) == before
    assert [o.ref for o in list_objectives(workspace, engagement_id=engagement_id)] == ["CO-1", "CO-2"]


def test_objective_links_only_controls_of_its_engagement(workspace: Workspace, engagement_id: int) -> None:
    objective = add_objective(workspace, engagement_id=engagement_id, ref="CO-1", title="One")
    other = create_engagement(workspace, name="Other")
    foreign = add_control(workspace, engagement_id=other.id or 0, ref="X-1", title="t")
    with pytest.raises(InvalidInputError, match="its own engagement"):
        set_objective_controls(workspace, objective.id, [foreign.id])
    with pytest.raises(NotFoundError, match="control 999"):
        set_objective_controls(workspace, objective.id, [999])
    with pytest.raises(NotFoundError):
        update_objective(workspace, 999, title="x")
    with pytest.raises(NotFoundError):
        list_objectives(workspace, engagement_id=999)
    assert list_objectives(workspace, engagement_id=engagement_id)[0].control_ids == []


def test_cuec_lifecycle_is_logged(workspace: Workspace, engagement_id: int) -> None:
    cuec = add_cuec(
        workspace,
        engagement_id=engagement_id,
        ref="CUEC-2",
        description="Customers approve who may submit payroll changes.",
        related_criteria="cc6.2; CC6.1",
    )
    add_cuec(
        workspace, engagement_id=engagement_id, ref="CUEC-1", description="Customers review output reports."
    )
    assert cuec.related_criteria == "CC6.1, CC6.2"
    assert [c.ref for c in list_cuecs(workspace, engagement_id=engagement_id)] == ["CUEC-1", "CUEC-2"]
    updated = update_cuec(workspace, cuec.id, notes="Listed in the contract", related_criteria="CC6.1, CC6.2")
    assert (updated.notes, updated.updated_at >= cuec.updated_at) == ("Listed in the contract", True)
    delete_cuecs(workspace, [cuec.id])
    assert [c.ref for c in list_cuecs(workspace, engagement_id=engagement_id)] == ["CUEC-1"]
    assert log_rows(workspace) == [
        ("cuec", "CUEC-2", "created", None, "CUEC-2"),
        ("cuec", "CUEC-1", "created", None, "CUEC-1"),
        ("cuec", "CUEC-2", "notes", "", "Listed in the contract"),
        ("cuec", "CUEC-2", "deleted", "CUEC-2", None),
    ]


@pytest.mark.parametrize(
    ("values", "error", "message"),
    [
        ({"ref": "cuec-1"}, ConflictError, "already exists"),
        ({"description": " "}, InvalidInputError, "needs a description"),
        ({"related_criteria": "CC6.1, PI1.6"}, InvalidInputError, "unknown criterion PI1.6"),
    ],
)
def test_refused_cuecs_write_nothing(
    workspace: Workspace, engagement_id: int, values: dict[str, Any], error: type[Exception], message: str
) -> None:
    add_cuec(workspace, engagement_id=engagement_id, ref="CUEC-1", description="Customers review reports.")
    other = add_cuec(
        workspace, engagement_id=engagement_id, ref="CUEC-2", description="Customers manage users."
    )
    before = log_rows(workspace)
    with pytest.raises(error, match=message):
        update_cuec(workspace, other.id, **values)
    with pytest.raises(error, match=message):
        add_cuec(workspace, engagement_id=engagement_id, **{"ref": "CUEC-3", "description": "d", **values})
    assert log_rows(workspace) == before


def test_subservice_lifecycle_is_logged(workspace: Workspace, engagement_id: int) -> None:
    aws = add_subservice_org(
        workspace,
        engagement_id=engagement_id,
        name="Amazon  Web Services",
        services="Hosting",
        csocs="Physical access to data centres is restricted.",
        monitoring="The IT Manager reviews the AWS SOC 2 report each year.",
    )
    add_subservice_org(workspace, engagement_id=engagement_id, name="acme Payments", method="Inclusive")
    assert (aws.name, aws.method) == ("Amazon Web Services", "carve-out")
    listed = list_subservice_orgs(workspace, engagement_id=engagement_id)
    assert [(s.name, s.method) for s in listed] == [
        ("acme Payments", "inclusive"),
        ("Amazon Web Services", "carve-out"),
    ]
    update_subservice_org(workspace, aws.id, method="inclusive", services="Hosting")
    delete_subservice_orgs(workspace, [aws.id])
    assert [s.name for s in list_subservice_orgs(workspace, engagement_id=engagement_id)] == ["acme Payments"]
    assert log_rows(workspace) == [
        ("subservice", "Amazon Web Services", "created", None, "Amazon Web Services"),
        ("subservice", "acme Payments", "created", None, "acme Payments"),
        ("subservice", "Amazon Web Services", "method", "carve-out", "inclusive"),
        ("subservice", "Amazon Web Services", "deleted", "Amazon Web Services", None),
    ]


@pytest.mark.parametrize(
    ("values", "error", "message"),
    [
        ({"name": "amazon web services"}, ConflictError, "already exists"),
        ({"method": "outsourced"}, InvalidInputError, "carve-out or inclusive"),
        ({"name": ""}, InvalidInputError, "needs a name"),
    ],
)
def test_refused_subservice_orgs_write_nothing(
    workspace: Workspace, engagement_id: int, values: dict[str, Any], error: type[Exception], message: str
) -> None:
    add_subservice_org(workspace, engagement_id=engagement_id, name="Amazon Web Services")
    other = add_subservice_org(workspace, engagement_id=engagement_id, name="Stripe")
    before = log_rows(workspace)
    with pytest.raises(error, match=message):
        update_subservice_org(workspace, other.id, **values)
    with pytest.raises(error, match=message):
        add_subservice_org(workspace, engagement_id=engagement_id, **{"name": "New", **values})
    assert log_rows(workspace) == before


def test_unknown_fields_are_refused(workspace: Workspace, engagement_id: int) -> None:
    objective = add_objective(workspace, engagement_id=engagement_id, ref="CO-1", title="One")
    cuec = add_cuec(workspace, engagement_id=engagement_id, ref="CUEC-1", description="d")
    subservice = add_subservice_org(workspace, engagement_id=engagement_id, name="Stripe")
    before = log_rows(workspace)
    with pytest.raises(InvalidInputError, match="an objective has no field sort_order"):
        update_objective(workspace, objective.id, sort_order=3)
    with pytest.raises(InvalidInputError, match="a CUEC has no field owner"):
        update_cuec(workspace, cuec.id, owner="Ana")
    with pytest.raises(InvalidInputError, match="a subservice organization has no field id"):
        update_subservice_org(workspace, subservice.id, id=7)
    assert log_rows(workspace) == before


def test_carveouts_of_a_missing_engagement_or_record(workspace: Workspace) -> None:
    with pytest.raises(NotFoundError):
        add_cuec(workspace, engagement_id=999, ref="CUEC-1", description="d")
    with pytest.raises(NotFoundError):
        list_subservice_orgs(workspace, engagement_id=999)
    with pytest.raises(NotFoundError):
        delete_subservice_orgs(workspace, [999])
    with pytest.raises(NotFoundError):
        update_cuec(workspace, 999, notes="x")
