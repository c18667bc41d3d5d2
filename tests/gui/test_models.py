"""Every table model on its own: Qt's model checks, and its rows, filters and sorting."""

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any

from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester

from app.domain.backups import BackupRow
from app.domain.controls import ControlRow
from app.domain.engagements import EngagementRow
from app.domain.evidence import EvidenceRow
from app.domain.history import ChangeRow
from app.domain.policies import approve_policy, initial_answers, load_policy_library, new_policy
from app.domain.policy_records import PolicyRecords
from app.domain.readiness import Gap
from app.domain.staff import AcknowledgementRow, StaffRow
from app.ui.models.backups import BackupTableModel
from app.ui.models.base import RowTableModel, TableColumn
from app.ui.models.controls import ControlMatrixModel
from app.ui.models.engagements import EngagementTableModel
from app.ui.models.evidence import EvidenceTableModel
from app.ui.models.gaps import GapTableModel
from app.ui.models.history import HistoryTableModel
from app.ui.models.policies import AcknowledgementTableModel, LateStarterTableModel, PolicyTableModel
from app.ui.models.records import RecordTableModel
from app.ui.models.roles import ROW_ID_ROLE, STATUS_ROLE

POLICY_ANSWERS = initial_answers() | {
    "company": "Acme",
    "cloud_provider": "AWS",
    "identity_provider": "Okta",
    "ticketing_tool": "Jira",
    "code_hosting": "GitHub",
    "hr_system": "BambooHR",
    "security_owner": "IT Manager",
    "policy_approver": "CEO",
    "people_owner": "Head of People",
    "engineering_owner": "CTO",
}


@dataclass(frozen=True)
class Item:
    id: int
    name: str
    size: int


def texts(model: Any, column: int = 0) -> list[str]:
    return [model.index(row, column).data() for row in range(model.rowCount())]


def test_the_base_model_filters_sorts_and_keeps_rows_by_id(qtmodeltester: ModelTester) -> None:
    model: RowTableModel[Item] = RowTableModel(
        [
            TableColumn("Name", lambda item: item.name),
            TableColumn("Size", lambda item: str(item.size), sort_key=lambda item: item.size),
        ]
    )
    model.set_rows([Item(1, "beta", 30), Item(2, "Alpha", 4), Item(3, "gamma", 100)])
    qtmodeltester.check(model)
    model.sort(0)
    assert texts(model) == ["Alpha", "beta", "gamma"]
    model.sort(1, Qt.SortOrder.DescendingOrder)
    assert texts(model) == ["gamma", "beta", "Alpha"]
    model.set_search("A")
    assert texts(model) == ["gamma", "beta", "Alpha"]
    model.set_search("alp")
    assert texts(model) == ["Alpha"] and model.total() == 3
    assert model.index(0, 0).data(ROW_ID_ROLE) == 2 and model.row_of(1) == -1
    model.set_search("")
    model.update_rows([Item(2, "Alpha", 500)])
    assert model.row_by_id(2) == Item(2, "Alpha", 500)
    model.add_rows([Item(4, "delta", 1)])
    assert model.rowCount() == 4 and texts(model)[-1] == "delta"
    model.remove_rows([1, 4])
    assert sorted(texts(model)) == ["Alpha", "gamma"]
    qtmodeltester.check(model)


def control(number: int, ref: str, **fields: Any) -> ControlRow:
    return ControlRow(id=number, engagement_id=1, ref=ref, title=f"Control {ref}", **fields)


def test_the_control_matrix_model(qapp: Any, qtmodeltester: ModelTester) -> None:
    edits: list[tuple[list[int], str, Any]] = []
    model = ControlMatrixModel(
        editor=lambda ids, field, value: edits.append((list(ids), field, value)) or True
    )
    model.set_rows(
        [
            control(1, "AC-10", owner="IT", status="implemented", is_key=True, criteria=["CC6.1"]),
            control(2, "AC-2", owner="HR", status="not-started", criteria=["A1.2"]),
        ]
    )
    qtmodeltester.check(model)
    model.sort(model.column_of("ref"))
    assert texts(model) == ["AC-2", "AC-10"]
    model.set_filters(statuses=["implemented"])
    assert texts(model) == ["AC-10"]
    model.set_filters(statuses=[], criteria=frozenset({"A1.2"}))
    assert texts(model) == ["AC-2"]
    model.set_filters(criteria=None, key_only=True)
    assert texts(model) == ["AC-10"]
    status = model.index(0, model.column_of("status"))
    assert status.data() == "Implemented" and status.data(STATUS_ROLE) == "implemented"
    evidence = model.index(0, model.evidence_column)
    assert model.headerData(model.evidence_column, Qt.Orientation.Horizontal) == "Evidence"
    assert evidence.data() == "0"
    model.set_evidence_counts({1: 3})
    assert evidence.data() == "3" and not model.setData(evidence, "4")
    model.set_filters(key_only=False)
    model.sort(model.evidence_column, Qt.SortOrder.DescendingOrder)
    assert texts(model) == ["AC-10", "AC-2"]
    model.set_filters(key_only=True)
    key = model.index(0, model.column_of("is_key"))
    assert model.setData(key, Qt.CheckState.Unchecked.value, Qt.ItemDataRole.CheckStateRole)
    assert edits == [([1], "is_key", False)]
    assert model.owners() == ["HR", "IT"]


def test_the_evidence_model(qtmodeltester: ModelTester) -> None:
    model = EvidenceTableModel()
    rows = [
        EvidenceRow(
            id=1,
            engagement_id=1,
            title="Access list",
            file_name="users.csv",
            size=2048,
            sha256="a" * 64,
            media_type="text/csv",
            collected_on=date(2026, 2, 1),
            controls=["AC-1"],
        ),
        EvidenceRow(
            id=2,
            engagement_id=1,
            title="Policy",
            file_name="p.pdf",
            size=10,
            sha256="b" * 64,
            media_type="application/pdf",
        ),
    ]
    model.set_evidence(rows, stale={1})
    qtmodeltester.check(model)
    headers = [column.header for column in model.columns]
    assert model.index(0, headers.index("Flag")).data() == "Stale"
    assert model.index(1, headers.index("Flag")).data() == "Unlinked"
    assert model.index(0, headers.index("Size")).data() == "2.0 KB"
    model.set_filters(kind="PDF")
    assert texts(model) == ["Policy"]
    model.set_filters(kind=None, collected_from=date(2026, 1, 15))
    assert texts(model) == ["Access list"]
    model.set_filters(collected_from=None, text="users")
    assert texts(model) == ["Access list"]


def test_the_engagement_gap_and_record_models(qtmodeltester: ModelTester) -> None:
    engagements = EngagementTableModel()
    engagements.set_rows(
        [
            EngagementRow(
                id=1,
                name="Acme 2026",
                company="Acme",
                report_kinds=["SOC 2"],
                report_type="Type 2",
                period_start=date(2026, 1, 1),
                period_end=date(2026, 6, 30),
                updated_at=datetime(2026, 3, 1, tzinfo=UTC),
            ),
            EngagementRow(id=2, name="Beta"),
        ]
    )
    qtmodeltester.check(engagements)
    assert [engagements.index(0, c).data() for c in range(4)] == [
        "Acme 2026",
        "Acme",
        "SOC 2 Type 2",
        "1 Jan–30 Jun 2026",
    ]
    assert engagements.index(1, 2).data() == "Not scoped"

    gaps = GapTableModel()
    gaps.set_gaps(
        [
            Gap("uncovered-criterion", "Security", "CC1.1", None, None, "No control meets CC1.1"),
            Gap("no-owner", "Security", None, 7, "AC-1", "AC-1 has no owner"),
        ]
    )
    qtmodeltester.check(gaps)
    assert texts(gaps) == ["No control covers it", "No owner"]
    assert gaps.index(0, 2).data() == "Map a control to it: open it, then Controls ▸ Map criteria"
    assert gaps.index(0, 1).data().startswith("CC1.1 ") and gaps.index(0, 1).data().endswith("(Security)")
    assert gaps.index(1, 1).data() == "AC-1" and gaps.index(1, 2).data() == "Name who runs it"
    assert gaps.index(1, 0).data(Qt.ItemDataRole.ToolTipRole) == "AC-1 has no owner"
    assert gaps.row_at(1).control_id == 7

    saved: list[tuple[int, str, str]] = []
    records = RecordTableModel(
        [("name", "Name"), ("size", "Size")],
        lambda record, field, value: saved.append((record.id, field, value)) or True,
    )
    records.set_rows([Item(1, "Cloud Co", 3)])
    qtmodeltester.check(records)
    assert records.flags(records.index(0, 0)) & Qt.ItemFlag.ItemIsEditable
    assert records.setData(records.index(0, 0), "Cloud Inc")
    assert not records.setData(records.index(0, 1), "3")
    assert saved == [(1, "name", "Cloud Inc")]


def test_the_policy_models(qtmodeltester: ModelTester) -> None:
    library = load_policy_library()
    draft = new_policy(library.template("backup"), owner="IT", today=date(2025, 1, 1))
    approved = approve_policy(
        new_policy(library.template("access-control"), owner="IT", today=date(2025, 1, 1)),
        approved_by="Jane Doe, CEO",
        approved_on=date(2024, 1, 2),
        answers=POLICY_ANSWERS,
        today=date(2025, 1, 1),
    )
    policies = PolicyTableModel()
    policies.set_policies([draft, approved], date(2025, 1, 1))
    qtmodeltester.check(policies)
    assert texts(policies) == ["Backup Policy", "Access Control Policy"]
    assert texts(policies, 3) == ["Not approved", "Due soon"]
    for value, shown in (
        ("review", ["Access Control Policy"]),
        ("not-approved", ["Backup Policy"]),
        ("", None),
    ):
        policies.set_filter(value)
        assert texts(policies) == (shown or ["Backup Policy", "Access Control Policy"])
    policies.set_search("ACC-01")
    assert texts(policies) == ["Access Control Policy"] and policies.key_at(0) == "access-control"
    policies.set_policies([draft, approved], date(2025, 1, 1))
    assert policies.row_id(draft) != policies.row_id(approved)
    qtmodeltester.check(policies)

    staff = [
        StaffRow("jane@x.example", "Jane", start_date=date(2024, 12, 1)),
        StaffRow("sam@x.example", "Sam"),
    ]
    records = PolicyRecords(
        policies=(approved,),
        staff=tuple(staff),
        acknowledgements=(AcknowledgementRow("access-control", "1.0", "jane@x.example", date(2024, 12, 20)),),
    )
    register = AcknowledgementTableModel()
    register.set_rows(records.register(date(2025, 1, 1)))
    qtmodeltester.check(register)
    assert texts(register, 4) == ["Acknowledged", "Not acknowledged"]
    assert texts(register, 5) == ["1.0 on 2024-12-20", ""]
    register.set_outstanding_only(True)
    assert texts(register) == ["Sam"]
    late = LateStarterTableModel()
    late.set_rows(records.late(date(2025, 1, 1), 7))
    qtmodeltester.check(late)
    assert [texts(late, c) for c in range(5)] == [
        ["Jane"],
        ["jane@x.example"],
        ["2024-12-01"],
        ["2024-12-08"],
        ["2024-12-20"],
    ]


def test_the_history_and_backup_models(qtmodeltester: ModelTester) -> None:
    history = HistoryTableModel()
    history.set_rows(
        [
            ChangeRow(
                id=2,
                at=datetime(2026, 3, 1, 9, 30, tzinfo=UTC),
                engagement_id=1,
                entity="control",
                entity_id=4,
                entity_ref="AC-1",
                field="remediation_owner",
                old_value="Dana",
                new_value="Eli",
            ),
            ChangeRow(
                id=1,
                at=datetime(2026, 3, 1, 9, 0),
                engagement_id=1,
                entity="control",
                entity_id=4,
                entity_ref="AC-1",
                field="created",
                new_value="Access",
            ),
        ]
    )
    qtmodeltester.check(history)
    assert [history.index(0, c).data() for c in range(1, 5)] == [
        "control AC-1",
        "remediation owner",
        "Dana",
        "Eli",
    ]
    assert history.index(1, 3).data() == ""
    history.sort(0, Qt.SortOrder.AscendingOrder)
    assert texts(history, 2) == ["created", "remediation owner"]
    status = replace(history.row_at(0), field="status", old_value="in-progress", new_value="ready-for-audit")
    notes = replace(status, id=9, field="notes", new_value="in-progress")
    history.set_rows([status, notes])
    assert [history.index(0, c).data() for c in (3, 4)] == ["In progress", "Ready for audit"]
    assert history.index(1, 4).data() == "in-progress"  # free text stays as typed

    backups = BackupTableModel()
    backups.set_rows(
        [
            BackupRow(
                id=1, name="workbench-2026-03-02.db", made_on=date(2026, 3, 2), kind="daily", size=2048
            ),
            BackupRow(
                id=2,
                name="workbench.before-0004.db",
                made_on=date(2026, 2, 1),
                kind="before-migration",
                size=10,
            ),
        ]
    )
    qtmodeltester.check(backups)
    assert [backups.index(0, c).data() for c in range(4)] == [
        "2026-03-02",
        "Daily copy",
        "2.0 KB",
        "workbench-2026-03-02.db",
    ]
    assert backups.index(1, 1).data() == "Before an upgrade"
