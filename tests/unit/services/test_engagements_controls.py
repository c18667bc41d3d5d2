"""Engagement and control services, with their change-log entries."""

from datetime import date

import pytest
from sqlmodel import select

from app.db.models import ChangeLog, Control
from app.services.controls import (
    add_control,
    delete_controls,
    find_control,
    list_controls,
    update_control,
    update_controls,
)
from app.services.engagements import (
    create_engagement,
    delete_engagement,
    find_engagement,
    list_engagements,
    rename_engagement,
    update_engagement,
)
from app.services.errors import ConflictError, InvalidInputError, NotFoundError
from app.services.workspace import Workspace

pytestmark = pytest.mark.backends


def log_rows(workspace: Workspace) -> list[tuple[str, str, str | None, str | None]]:
    with workspace.session() as session:
        rows = session.exec(select(ChangeLog).order_by(ChangeLog.id)).all()
    return [(row.entity, row.field, row.old_value, row.new_value) for row in rows]


def test_create_find_rename_delete_engagement(workspace: Workspace) -> None:
    created = create_engagement(
        workspace,
        name="  Northbeam   2026 ",
        company="Northbeam Analytics",
        period_start=date(2026, 1, 1),
        period_end=date(2026, 6, 30),
    )
    assert created.name == "Northbeam 2026"
    assert find_engagement(workspace, str(created.id)).name == "Northbeam 2026"
    assert find_engagement(workspace, "Northbeam 2026").id == created.id
    with pytest.raises(NotFoundError):
        find_engagement(workspace, "northbeam 2026")
    with pytest.raises(ConflictError):
        create_engagement(workspace, name="Northbeam 2026")
    renamed = rename_engagement(workspace, created.id or 0, "Northbeam FY26")
    assert renamed.name == "Northbeam FY26"
    assert ("engagement", "name", "Northbeam 2026", "Northbeam FY26") in log_rows(workspace)
    assert delete_engagement(workspace, created.id or 0) == "Northbeam FY26"
    assert list_engagements(workspace) == []
    assert log_rows(workspace)[-1] == ("engagement", "deleted", "Northbeam FY26", None)


def test_engagement_period_is_checked(workspace: Workspace) -> None:
    with pytest.raises(InvalidInputError, match="after it ends"):
        create_engagement(workspace, name="Bad", period_start=date(2026, 6, 1), period_end=date(2026, 1, 1))
    with pytest.raises(InvalidInputError, match="both a start and an end"):
        create_engagement(workspace, name="Half", period_start=date(2026, 6, 1))
    created = create_engagement(workspace, name="Good")
    with pytest.raises(InvalidInputError):
        update_engagement(workspace, created.id or 0, period_end=date(2026, 1, 1))
    assert list_engagements(workspace)[0].period_end is None


def test_add_and_list_controls_with_criteria(workspace: Workspace) -> None:
    engagement = create_engagement(workspace, name="E")
    add_control(
        workspace,
        engagement_id=engagement.id or 0,
        ref="ACC-01",
        title="Quarterly access review",
        criteria="cc6.3, CC6.2",
        owner="IT Manager",
        frequency="Quarterly",
    )
    add_control(workspace, engagement_id=engagement.id or 0, ref="AV-01", title="Capacity", criteria=["A1.1"])
    rows = list_controls(workspace, engagement_id=engagement.id or 0)
    assert [(r.ref, r.criteria, r.frequency, r.status) for r in rows] == [
        ("ACC-01", ["CC6.2", "CC6.3"], "quarterly", "not-started"),
        ("AV-01", ["A1.1"], None, "not-started"),
    ]
    assert [
        r.ref for r in list_controls(workspace, engagement_id=engagement.id or 0, category="availability")
    ] == ["AV-01"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"ref": "X-1", "title": "t", "criteria": "CC6.1,PI1.6"}, "unknown criterion PI1.6"),
        ({"ref": "ACC-01", "title": "t"}, "already exists"),
        ({"ref": " ", "title": "t"}, "needs a ref"),
        ({"ref": "X-2", "title": "t", "frequency": "fortnightly"}, "unknown frequency"),
    ],
)
def test_refused_controls_write_nothing(workspace: Workspace, kwargs: dict[str, str], message: str) -> None:
    engagement = create_engagement(workspace, name="E")
    add_control(workspace, engagement_id=engagement.id or 0, ref="ACC-01", title="Access review")
    before = log_rows(workspace)
    with pytest.raises((InvalidInputError, ConflictError), match=message):
        add_control(workspace, engagement_id=engagement.id or 0, **kwargs)  # type: ignore[arg-type]
    assert [r.ref for r in list_controls(workspace, engagement_id=engagement.id or 0)] == ["ACC-01"]
    assert log_rows(workspace) == before


def test_missing_engagement_is_refused(workspace: Workspace) -> None:
    with pytest.raises(NotFoundError):
        add_control(workspace, engagement_id=42, ref="X", title="t")


def test_update_logs_each_changed_field_and_criteria(workspace: Workspace) -> None:
    engagement = create_engagement(workspace, name="E")
    row = add_control(workspace, engagement_id=engagement.id or 0, ref="C-1", title="T", criteria="CC8.1")
    updated = update_control(workspace, row.id, owner="Dana", status="implemented", criteria="CC8.1,CC5.2")
    assert (updated.owner, updated.status, updated.criteria) == ("Dana", "implemented", ["CC5.2", "CC8.1"])
    log = log_rows(workspace)
    assert ("control", "owner", "", "Dana") in log
    assert ("control", "status", "not-started", "implemented") in log
    assert ("control", "criteria", "CC8.1", "CC5.2, CC8.1") in log
    again = update_control(workspace, row.id, owner="Dana")
    assert again.owner == "Dana" and log_rows(workspace) == log


def test_bulk_update_and_delete(workspace: Workspace) -> None:
    engagement = create_engagement(workspace, name="E")
    ids = [
        add_control(workspace, engagement_id=engagement.id or 0, ref=f"C-{n}", title="T").id for n in range(3)
    ]
    update_controls(workspace, ids[:2], owner="Sam", frequency="monthly")
    rows = {r.ref: r for r in list_controls(workspace, engagement_id=engagement.id or 0)}
    assert [(rows[r].owner, rows[r].frequency) for r in ("C-0", "C-1", "C-2")] == [
        ("Sam", "monthly"),
        ("Sam", "monthly"),
        ("", None),
    ]
    with pytest.raises(ConflictError):
        update_control(workspace, ids[0], ref="C-2")
    delete_controls(workspace, ids[:1])
    with pytest.raises(NotFoundError):
        find_control(workspace, engagement_id=engagement.id or 0, ref="C-0")
    with workspace.session() as session:
        assert len(session.exec(select(Control)).all()) == 2


def test_deleting_an_engagement_removes_its_controls(workspace: Workspace) -> None:
    engagement = create_engagement(workspace, name="E")
    add_control(workspace, engagement_id=engagement.id or 0, ref="C-1", title="T", criteria="CC1.1")
    delete_engagement(workspace, engagement.id or 0)
    with workspace.session() as session:
        assert session.exec(select(Control)).all() == []


def test_summary_rows_carry_the_usual_columns_with_criteria_in_report_order(workspace: Workspace) -> None:
    engagement = create_engagement(workspace, name="E")
    add_control(
        workspace,
        engagement_id=engagement.id or 0,
        ref="B",
        title="Backups",
        criteria="A1.2,CC9.1,CC1.1",
        owner="Ops",
        frequency="daily",
        is_key=True,
        status="implemented",
        description="long text",
    )
    add_control(workspace, engagement_id=engagement.id or 0, ref="A", title="Unmapped")
    full = list_controls(workspace, engagement_id=engagement.id or 0)
    summary = list_controls(workspace, engagement_id=engagement.id or 0, summary=True)
    assert [(r.ref, r.criteria) for r in summary] == [("A", []), ("B", ["CC1.1", "CC9.1", "A1.2"])]
    for short, long in zip(summary, full, strict=True):
        assert (short.id, short.title, short.owner, short.frequency, short.is_key, short.status) == (
            long.id,
            long.title,
            long.owner,
            long.frequency,
            long.is_key,
            long.status,
        )
    assert summary[1].description == "" and full[1].description == "long text"
