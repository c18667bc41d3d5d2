"""Exports of an engagement: determinism, history, changes since the last package, refusals."""

import shutil
import subprocess
import time
import zipfile
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from app.domain.scoping import Answers
from app.services.controls import add_control, list_controls, update_control
from app.services.engagements import create_engagement, update_engagement
from app.services.errors import CancelledError, InvalidInputError, NotFoundError
from app.services.evidence import add_evidence
from app.services.exports import changes_since_last_package, export_history, run_export
from app.services.scoping import apply_scoping
from app.services.workspace import Workspace

pytestmark = pytest.mark.backends


def build(workspace: Workspace, tmp_path: Path) -> int:
    engagement = create_engagement(
        workspace,
        name="Export Co",
        company="Zürich Ŝtøre AG",
        period_start=date(2026, 1, 1),
        period_end=date(2026, 6, 30),
    )
    assert engagement.id is not None
    update_engagement(
        workspace,
        engagement.id,
        report_kinds=["SOC 2"],
        report_type="Type 2",
        categories=["Security", "Availability"],
    )
    first = add_control(
        workspace,
        engagement_id=engagement.id,
        ref="ACC-03",
        title="Quarterly access review",
        criteria="CC6.2,CC6.3",
        owner="IT",
        status="implemented",
        frequency="quarterly",
    )
    add_control(
        workspace,
        engagement_id=engagement.id,
        ref="BCP-02",
        title="Restore test",
        criteria="A1.3",
        description='=HYPERLINK("http://x")',
        owner="Ops",
    )
    evidence = tmp_path / "review.csv"
    evidence.write_text("user,decision\nana,keep\n")
    add_evidence(
        workspace,
        engagement_id=engagement.id,
        files=[evidence],
        control_ids=[first.id],
        collected_on=date(2026, 3, 30),
    )
    return engagement.id


KINDS = ("xlsx", "pdf", "evidence-index", "package")


def test_unchanged_engagement_exports_byte_identical_files(workspace: Workspace, tmp_path: Path) -> None:
    engagement_id = build(workspace, tmp_path)

    def export_all(name: str) -> dict[str, Path]:
        return {
            kind: run_export(
                workspace, engagement_id=engagement_id, kind=kind, target=tmp_path / f"{name}.{kind}"
            ).path
            for kind in KINDS
        }

    first = export_all("one")
    time.sleep(1.1)
    second = export_all("two")
    for kind in KINDS:
        assert first[kind].read_bytes() == second[kind].read_bytes(), kind
    update_control(workspace, list_controls(workspace, engagement_id=engagement_id)[0].id, owner="Dana")
    time.sleep(1.1)
    third = export_all("three")
    for kind in KINDS:
        assert third[kind].read_bytes() != first[kind].read_bytes(), kind


def test_package_contents_and_history(workspace: Workspace, tmp_path: Path) -> None:
    engagement_id = build(workspace, tmp_path)
    assert changes_since_last_package(workspace, engagement_id=engagement_id).last is None
    result = run_export(workspace, engagement_id=engagement_id, kind="package", target=tmp_path / "p.zip")
    names = zipfile.ZipFile(result.path).namelist()
    folder = f"Export Co - evidence {result.as_of.date().isoformat()}"
    assert sorted(names) == sorted(
        f"{folder}/{name}"
        for name in (
            "README.txt",
            "MANIFEST.sha256",
            "workbook.xlsx",
            "readiness-checklist.pdf",
            "evidence-index.pdf",
            "system-description.pdf",
            "system-description.docx",
            "evidence/ACC-03/review.csv",
        )
    ), "one top-level folder; no scoping memo when the wizard was not run"
    with zipfile.ZipFile(result.path) as archive:
        archive.extractall(tmp_path / "x")
        readme = archive.read(f"{folder}/README.txt").decode()
    assert "sha256sum -c MANIFEST.sha256" in readme and "shasum -a 256 -c MANIFEST.sha256" in readme
    assert "Get-FileHash -Algorithm SHA256" in readme
    if shutil.which("sha256sum"):
        check = subprocess.run(
            ["sha256sum", "-c", "MANIFEST.sha256"],
            cwd=tmp_path / "x" / folder,
            capture_output=True,
            text=True,
        )
        assert check.returncode == 0, check.stdout + check.stderr
    index_text = "".join(
        page.extract_text() for page in PdfReader(tmp_path / "x" / folder / "evidence-index.pdf").pages
    )
    assert "evidence/ACC-03/review.csv" in index_text.replace("\n", "")
    (record,) = export_history(workspace, engagement_id=engagement_id)
    assert (record.kind, record.manifest_sha256, record.path) == ("package", result.sha256, str(result.path))
    assert changes_since_last_package(workspace, engagement_id=engagement_id).nothing
    add_control(workspace, engagement_id=engagement_id, ref="NEW-1", title="New", criteria="CC1.1")
    control = list_controls(workspace, engagement_id=engagement_id)[0]
    update_control(workspace, control.id, status="exception")
    changes = changes_since_last_package(workspace, engagement_id=engagement_id)
    assert (changes.new_controls, changes.changed_controls, changes.removed_controls) == (
        ["NEW-1"],
        ["ACC-03"],
        [],
    )


def test_recording_an_export_does_not_change_the_next(workspace: Workspace, tmp_path: Path) -> None:
    engagement_id = build(workspace, tmp_path)
    run_export(workspace, engagement_id=engagement_id, kind="package", target=tmp_path / "a.zip")
    run_export(workspace, engagement_id=engagement_id, kind="package", target=tmp_path / "b.zip")
    assert (tmp_path / "a.zip").read_bytes() == (tmp_path / "b.zip").read_bytes()
    assert len(export_history(workspace, engagement_id=engagement_id)) == 2


def test_scoping_memo_needs_the_wizard_or_answers(workspace: Workspace, tmp_path: Path) -> None:
    engagement_id = build(workspace, tmp_path)
    with pytest.raises(InvalidInputError, match="scoping wizard"):
        run_export(workspace, engagement_id=engagement_id, kind="scoping-memo", target=tmp_path / "m.pdf")
    assert not (tmp_path / "m.pdf").exists()
    answers = Answers(customer_data=True, availability_commitments=True, controls_operating_months=4)
    preview = run_export(
        workspace,
        engagement_id=engagement_id,
        kind="scoping-memo",
        target=tmp_path / "p.pdf",
        answers=answers,
        overrides={"categories": {"value": ["Confidentiality"], "reason": "Contracts require it"}},
    )
    text = "".join(page.extract_text() for page in PdfReader(preview.path).pages)
    assert "Contracts require it" in text and "Confidentiality" in text
    apply_scoping(workspace, engagement_id, answers)
    memo = run_export(workspace, engagement_id=engagement_id, kind="scoping-memo", target=tmp_path / "m.pdf")
    text = "".join(page.extract_text() for page in PdfReader(memo.path).pages)
    assert "Availability, because you promise customers uptime." in text
    assert "Zürich Ŝtøre AG" in text


def test_refusals_and_cancel_write_nothing(workspace: Workspace, tmp_path: Path) -> None:
    engagement_id = build(workspace, tmp_path)
    with pytest.raises(NotFoundError):
        run_export(workspace, engagement_id=engagement_id, kind="xlsx", target=tmp_path / "nope" / "w.xlsx")
    with pytest.raises(InvalidInputError):
        run_export(workspace, engagement_id=engagement_id, kind="docx", target=tmp_path / "w.docx")
    for kind in ("xlsx", "pdf", "package"):
        target = tmp_path / f"cancelled-{kind}"
        with pytest.raises(CancelledError):
            run_export(workspace, engagement_id=engagement_id, kind=kind, target=target, cancel=lambda: True)
        assert not target.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]
    assert export_history(workspace, engagement_id=engagement_id) == []


def test_an_export_shows_one_state_while_another_process_writes(
    workspace: Workspace,
    data_dir: Path,
    database_url: str | None,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Everything an export shows is read in one transaction: a change committed by another
    connection half-way through the reading is not in the file."""
    import openpyxl

    import app.services.exports as exports
    from app.services.workspace import open_workspace

    engagement_id = build(workspace, tmp_path)
    other = open_workspace(data_dir, database_url=database_url)
    reading = exports.evidence_of

    def evidence_after_a_concurrent_change(session: object, engagement: int) -> object:
        control = list_controls(other, engagement_id=engagement)[0]
        update_control(other, control.id, title="Renamed elsewhere")
        add_control(other, engagement_id=engagement, ref="NEW-01", title="Added elsewhere", criteria="CC1.1")
        return reading(session, engagement)  # type: ignore[arg-type]

    monkeypatch.setattr(exports, "evidence_of", evidence_after_a_concurrent_change)
    target = tmp_path / "book.xlsx"
    run_export(workspace, engagement_id=engagement_id, kind="xlsx", target=target)
    other.close()

    sheet = openpyxl.load_workbook(target)["All controls"]
    refs_titles = {row[0]: row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert refs_titles == {"ACC-03": "Quarterly access review", "BCP-02": "Restore test"}
    changes = openpyxl.load_workbook(target)["Change log"]
    assert not any(
        "Renamed elsewhere" in str(cell) for row in changes.iter_rows(values_only=True) for cell in row
    )
    assert {row.ref for row in list_controls(workspace, engagement_id=engagement_id)} == {
        "ACC-03",
        "BCP-02",
        "NEW-01",
    }


def test_the_matrix_sheet_gives_each_control_its_evidence_and_sample(
    workspace: Workspace, tmp_path: Path
) -> None:
    import openpyxl

    engagement_id = build(workspace, tmp_path)
    target = tmp_path / "book.xlsx"
    run_export(workspace, engagement_id=engagement_id, kind="xlsx", target=target)
    sheet = openpyxl.load_workbook(target)["All controls"]
    header, *rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    by_ref = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    quarterly = by_ref["ACC-03"]
    assert (quarterly["Expected occurrences"], quarterly["Sample size"]) == (2, 2)
    assert (quarterly["Evidence files"], quarterly["Evidence"]) == (1, "review.csv")
    assert by_ref["BCP-02"]["Evidence files"] == 0
    assert "SOC 1 objectives" in header and "Population size" in header and "Operating since" in header


def test_the_checklist_lists_cuecs_and_subservice_organizations_and_calls_objectives_objectives(
    workspace: Workspace, tmp_path: Path
) -> None:
    from app.services.carveouts import add_cuec, add_subservice_org
    from app.services.objectives import add_objective

    engagement_id = build(workspace, tmp_path)
    update_engagement(workspace, engagement_id, report_kinds=["SOC 1", "SOC 2"])
    add_objective(workspace, engagement_id=engagement_id, ref="CO-01", title="Payroll is calculated right")
    add_cuec(
        workspace, engagement_id=engagement_id, ref="CUEC-01", description="Customers approve pay changes"
    )
    add_subservice_org(workspace, engagement_id=engagement_id, name="Cloud Co", monitoring="reads its SOC 2")
    target = tmp_path / "checklist.pdf"
    run_export(workspace, engagement_id=engagement_id, kind="pdf", target=target)
    text = "\n".join(page.extract_text() for page in PdfReader(target).pages)
    assert "Customers approve pay changes" in text and "CUEC-01" in text
    assert "Cloud Co" in text and "reads its SOC 2" in text
    assert "1 objectives · 0 controls · 1 without a control" in text
    assert "Map a control to this objective before the audit" in text
