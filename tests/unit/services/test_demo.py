"""The demo engagement made headless: its content, every export on it, and deleting it without a trace."""

import csv
import io
import shutil
import subprocess
import zipfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from app.domain.demo import COMPANY, DEFAULT_NAME, REQUEST_COLUMNS, demo_dates
from app.domain.description import SectionStatus
from app.domain.engagement_documents import DEMO_NOTE
from app.domain.periods import format_day
from app.domain.staff import outstanding_acknowledgements
from app.services import demo as demo_service
from app.services.carveouts import list_cuecs, list_subservice_orgs
from app.services.controls import add_control, list_controls
from app.services.demo import create_demo, request_list_csv
from app.services.documents import document_drafts, list_incidents
from app.services.engagements import (
    create_engagement,
    delete_engagement,
    get_engagement,
    list_engagements,
    update_engagement,
)
from app.services.errors import CancelledError, ConflictError
from app.services.evidence import add_evidence, list_evidence, open_store
from app.services.exports import EXPORT_KINDS, run_export
from app.services.policies import policy_records
from app.services.readiness import engagement_readiness
from app.services.rollforward import roll_forward
from app.services.workspace import Workspace
from tests.table_rows import table_rows

TODAY = date(2026, 11, 30)
DATES = demo_dates(TODAY)

pytestmark = pytest.mark.backends


def test_the_demo_is_a_worked_soc2_type2_engagement_with_a_story(workspace: Workspace) -> None:
    engagement = create_demo(workspace, today=TODAY)
    assert (engagement.name, engagement.company, engagement.is_demo) == (DEFAULT_NAME, COMPANY, True)
    assert (engagement.report_kinds, engagement.report_type) == (["SOC 2"], "Type 2")
    assert engagement.categories == ["Security", "Availability", "Confidentiality"]
    assert (engagement.period_start, engagement.period_end) == (DATES.period_start, DATES.period_end)
    controls = list_controls(workspace, engagement_id=engagement.id)
    statuses = {control.status for control in controls}
    assert statuses == {"not-started", "in-progress", "implemented", "ready-for-audit", "exception"}
    assert sum(not control.owner for control in controls) == 2
    assert next(c for c in controls if c.ref == "ACC-02").exceptions.startswith("One of the five people")
    assert next(c for c in controls if c.ref == "AST-04").remediation_due == TODAY - timedelta(days=12)
    assert [c.ref for c in list_cuecs(workspace, engagement_id=engagement.id)] == [
        f"CUEC-0{n}" for n in range(1, 6)
    ]
    assert [o.name for o in list_subservice_orgs(workspace, engagement_id=engagement.id)] == [
        "Amazon Web Services",
        "Postmark",
    ]
    evidence = list_evidence(workspace, engagement_id=engagement.id)
    assert len(evidence) == 16 and all(row.controls for row in evidence)
    assert {row.media_type.split("/")[0] for row in evidence} >= {"image", "text", "application"}
    assert [incident.on for incident in list_incidents(workspace, engagement_id=engagement.id)] == [
        DATES.day(40)
    ]
    drafts = document_drafts(workspace, engagement_id=engagement.id)
    (description,) = drafts.descriptions
    statuses_by_key = {section.key: section.status for section in description.sections}
    assert statuses_by_key["incidents"] == SectionStatus.EMPTY
    assert statuses_by_key["components"] == statuses_by_key["changes"] == SectionStatus.NEEDS_REVIEW
    assert statuses_by_key["services"] == SectionStatus.COMPLETE
    assert description.section("changes").to_confirm == (
        f"Subservice organization Postmark added ({format_day(DATES.day(9))})",
        f"Control CHG-05 changed: description ({format_day(DATES.day(24))})",
        f"CUEC CUEC-05 added ({format_day(DATES.day(31))})",
    )
    assert drafts.prior is not None and drafts.prior.period_end == DATES.prior_end
    assert drafts.bridge_refusal is None and drafts.through == DATES.through
    readiness = engagement_readiness(workspace, engagement_id=engagement.id, today=TODAY)
    assert [(c.category, c.criteria_ready, c.criteria_evidenced) for c in readiness.categories] == [
        ("Security", 30, 5),
        ("Availability", 1, 1),
        ("Confidentiality", 0, 0),
    ]
    gaps = readiness.gaps
    assert {gap.kind for gap in gaps} == {
        "key-not-implemented",
        "no-owner",
        "remediation-overdue",
        "description-section",
        "policy-not-approved",
    }
    assert {gap.policy_key for gap in gaps if gap.policy_key} == {"physical-security"}


def test_the_demo_has_approved_policies_a_staff_list_and_one_starter_yet_to_acknowledge(
    workspace: Workspace,
) -> None:
    engagement = create_demo(workspace, today=TODAY)
    records = policy_records(workspace, engagement_id=engagement.id)
    statuses = {policy.key: policy.status for policy in records.policies}
    assert len(statuses) == 21 and statuses.pop("physical-security") == "draft"
    assert set(statuses.values()) == {"approved"}
    security = records.policy("information-security")
    in_force = security.in_force
    assert in_force is not None and (in_force.version, in_force.approved_by) == ("1.0", "Maya Chen, CEO")
    assert in_force.approved_on == DATES.period_start - timedelta(days=20)
    assert "{{" not in in_force.body and "Amazon Web Services" in in_force.body
    assert len(records.staff) == 24
    outstanding = outstanding_acknowledgements(security, records.staff, records.acknowledgements, on=TODAY)
    assert [(row.name, row.state) for row in outstanding] == [("Lucas Silva", "never")]
    assert len(records.acknowledgements) == 23 * 20


@pytest.mark.slow
def test_every_export_of_the_demo_is_written_and_the_package_verifies(
    workspace: Workspace, tmp_path: Path
) -> None:
    engagement = create_demo(workspace, today=TODAY)
    out = tmp_path / "out"
    out.mkdir()
    for kind in EXPORT_KINDS:
        for extension in kind.extensions:
            target = out / kind.file_for(extension)
            result = run_export(workspace, engagement_id=engagement.id, kind=kind.name, target=target)
            assert result.path.stat().st_size > 0, kind.name
    with zipfile.ZipFile(out / "evidence-package.zip") as archive:
        archive.extractall(tmp_path / "unzipped")
        (folder,) = {name.split("/")[0] for name in archive.namelist()}
        readme = archive.read(f"{folder}/README.txt").decode()
        names = [name.split("/", 1)[1] for name in archive.namelist()]
    assert f"This is a demo engagement: {DEMO_NOTE}." in readme
    assert {"system-description.pdf", "system-description.docx"} <= set(names)
    assert sum(name.startswith("evidence/") for name in names) == 16
    if shutil.which("sha256sum"):
        checked = subprocess.run(
            ["sha256sum", "-c", "MANIFEST.sha256"],
            cwd=tmp_path / "unzipped" / folder,
            capture_output=True,
            text=True,
        )
        assert checked.returncode == 0, checked.stdout + checked.stderr
        assert checked.stdout.count(": OK") == len(names) - 1


def _rows(workspace: Workspace) -> dict[str, set[tuple[Any, ...]]]:
    """Every row of every table but the change log and the export history."""
    return table_rows(workspace, leave_out=("change_log", "export_record"))


def _stored(workspace: Workspace) -> set[str]:
    return set(open_store(workspace).stored_hashes())


def test_deleting_the_demo_leaves_every_other_engagement_byte_identical(
    workspace: Workspace, tmp_path: Path
) -> None:
    real = create_engagement(workspace, name="Northbeam 2026", company="Northbeam Analytics")
    update_engagement(workspace, real.id, report_kinds=["SOC 2"], report_type="Type 1", as_of_date=TODAY)
    control = add_control(workspace, engagement_id=real.id, ref="ACC-04", title="MFA", criteria="CC6.1")
    (tmp_path / "mfa.txt").write_text("Northbeam MFA settings\n")
    add_evidence(workspace, engagement_id=real.id, files=[tmp_path / "mfa.txt"], control_ids=[control.id])
    before_package = run_export(workspace, engagement_id=real.id, kind="package", target=tmp_path / "a.zip")
    rows, stored = _rows(workspace), _stored(workspace)
    demo = create_demo(workspace, today=TODAY)
    assert len(_stored(workspace)) == len(stored) + 16
    delete_engagement(workspace, demo.id)
    assert [e.name for e in list_engagements(workspace)] == ["Northbeam 2026"]
    assert _rows(workspace) == rows
    assert _stored(workspace) == stored
    after_package = run_export(workspace, engagement_id=real.id, kind="package", target=tmp_path / "b.zip")
    assert after_package.path.read_bytes() == before_package.path.read_bytes()


def test_a_taken_name_is_refused_and_a_failure_half_way_leaves_nothing(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    create_engagement(workspace, name=DEFAULT_NAME)
    with pytest.raises(ConflictError, match="already exists"):
        create_demo(workspace, today=TODAY)
    assert len(list_engagements(workspace)) == 1
    calls: list[int] = []

    def failing_add(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 3:
            raise OSError("disk full")
        return add_evidence(*args, **kwargs)

    monkeypatch.setattr(demo_service, "add_evidence", failing_add)
    with pytest.raises(OSError, match="disk full"):
        create_demo(workspace, name="Second demo", today=TODAY)
    assert [e.name for e in list_engagements(workspace)] == [DEFAULT_NAME]
    assert _stored(workspace) == set()


def test_the_next_year_of_the_demo_is_a_demo_too(workspace: Workspace) -> None:
    engagement = create_demo(workspace, today=TODAY)
    real = create_engagement(workspace, name="Northbeam 2026")
    update_engagement(workspace, real.id, report_kinds=["SOC 2"], report_type="Type 1", as_of_date=TODAY)
    next_year = roll_forward(workspace, engagement_id=engagement.id, name="Larkspur next year").engagement
    assert get_engagement(workspace, next_year.id).is_demo
    real_next = roll_forward(workspace, engagement_id=real.id, name="Northbeam 2027").engagement
    assert not get_engagement(workspace, real_next.id).is_demo


def test_a_cancelled_demo_is_taken_away_again(workspace: Workspace) -> None:
    asked: list[int] = []

    def cancel_at_the_fourth_file() -> bool:
        asked.append(1)
        return len(asked) == 4

    with pytest.raises(CancelledError, match="the demo was not made"):
        create_demo(workspace, today=TODAY, cancel=cancel_at_the_fourth_file)
    assert list_engagements(workspace) == [] and _stored(workspace) == set()
    asked.clear()
    create_demo(workspace, today=TODAY, cancel=lambda: bool(asked.append(1)))
    assert len(asked) == 16 + 2, "asked before every file and before the request list and the policies"


def test_the_request_list_hook_names_the_demo_controls_and_criteria(workspace: Workspace) -> None:
    rows = list(csv.reader(io.StringIO(request_list_csv(DATES))))
    assert "request list" in rows[0][0] and rows[1] == []
    assert tuple(rows[2]) == REQUEST_COLUMNS
    engagement = create_demo(workspace, today=TODAY)
    refs = {control.ref for control in list_controls(workspace, engagement_id=engagement.id)}
    for row in rows[3:]:
        assert all(ref.strip() in refs for ref in row[3].split(",")), row[0]
    assert [row[0] for row in rows[3:]][:2] == ["PBC-01", "PBC-02"]
