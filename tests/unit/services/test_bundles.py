"""Portable engagements: a bundle round-trips every row and every evidence file, and a hostile
bundle is refused in one line before anything is written."""

import hashlib
import io
import json
import os
import re
import sqlite3
import stat
import subprocess
import sys
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.db.engagement_copy import LOG_ENTITY_TABLES, read_engagement
from app.db.models import metadata
from app.domain.bundle_format import DATA_NAME
from app.domain.staff import AcknowledgementRow
from app.importers import bundle as bundle_importer
from app.importers.bundle import UnreadableBundleError, read_bundle
from app.importers.safe_files import ArchiveLimits
from app.services.bundles import export_bundle, import_bundle
from app.services.carveouts import add_cuec, add_subservice_org
from app.services.controls import add_control, update_control
from app.services.documents import add_incident, set_description_section
from app.services.engagements import create_engagement, find_engagement, list_engagements, update_engagement
from app.services.errors import InvalidInputError
from app.services.evidence import add_evidence, list_evidence
from app.services.exports import run_export
from app.services.fieldwork import add_exception, add_population, attach_to_sample_item, find_sample_item
from app.services.objectives import add_objective, set_objective_controls
from app.services.policies import approve_policy, seed_policies, set_policy_answers
from app.services.requests import (
    find_request,
    import_request_list,
    link_request_controls,
    link_request_evidence,
    preview_request_list,
)
from app.services.staff import record_acknowledgements
from app.services.workspace import Workspace, open_workspace
from tests.policy_setup import ANSWERS, with_staff
from tests.request_lists import write_auditor_workbook, write_population_csv


def populate(workspace: Workspace, files: Path) -> int:
    """An engagement using every table: controls with criteria, objectives, carve-outs, evidence
    (one file named in bytes that are not UTF-8), links, an export and a change log."""
    engagement = create_engagement(workspace, name="FY26", company="Acme")
    update_engagement(workspace, engagement.id, report_kinds=["soc2"], categories=["security"])
    first = add_control(
        workspace, engagement_id=engagement.id, ref="AC-1", title="Access", criteria="CC6.1, CC6.2"
    )
    second = add_control(workspace, engagement_id=engagement.id, ref="CM-1", title="Changes", owner="Eli")
    update_control(workspace, first.id, owner="Dana", key_reports="User list")
    objective = add_objective(workspace, engagement_id=engagement.id, ref="CO-1", title="Access is limited")
    set_objective_controls(workspace, objective.id, [first.id, second.id])
    add_cuec(workspace, engagement_id=engagement.id, ref="CUEC-1", description="Customers review users")
    add_subservice_org(workspace, engagement_id=engagement.id, name="Cloud Co", services="Hosting")
    files.mkdir()
    (files / "policy.txt").write_bytes(b"policy " * 1000)
    odd = os.path.join(os.fsencode(files), b"r\xe9sum\xe9.bin")
    with open(odd, "wb") as handle:
        handle.write(os.urandom(50_000))
    add_evidence(workspace, engagement_id=engagement.id, files=[files], control_ids=[first.id])
    run_export(workspace, engagement_id=engagement.id, kind="xlsx", target=files.parent / "matrix.xlsx")
    seed_policies(workspace, engagement_id=engagement.id, today=date(2025, 1, 20))
    set_policy_answers(workspace, engagement_id=engagement.id, answers=ANSWERS)
    approve_policy(
        workspace,
        engagement_id=engagement.id,
        key="access-control",
        approved_by="Jane Doe, CEO",
        approved_on=date(2025, 2, 3),
        today=date(2025, 3, 14),
    )
    with_staff(workspace, engagement.id, files.parent)
    acknowledgement = AcknowledgementRow(
        "access-control", "1.0", "jane.doe@northbeam.example", date(2025, 2, 10)
    )
    record_acknowledgements(
        workspace, engagement_id=engagement.id, acknowledgements=[acknowledgement], today=date(2025, 3, 14)
    )
    set_description_section(workspace, engagement_id=engagement.id, key="services", text="We host analytics.")
    add_incident(workspace, engagement_id=engagement.id, on="2025-03-01", summary="A laptop was lost")
    pbc = write_auditor_workbook(files.parent / "pbc.xlsx")
    import_request_list(workspace, preview_request_list(workspace, engagement_id=engagement.id, path=pbc))
    request = find_request(workspace, engagement_id=engagement.id, request_ref="PBC-002")
    link_request_controls(workspace, request.id, [second.id])
    item = find_sample_item(workspace, engagement_id=engagement.id, request_id=request.id, number="1")
    (files.parent / "approval.pdf").write_bytes(b"%PDF-1.4 approval")
    (approval,) = attach_to_sample_item(
        workspace, engagement_id=engagement.id, item_id=item.id, files=[files.parent / "approval.pdf"]
    )
    link_request_evidence(workspace, request.id, [approval.id])
    add_exception(
        workspace, engagement_id=engagement.id, sample_item_id=item.id, description="Deployed early"
    )
    changes = write_population_csv(files.parent / "changes.csv", 30, date(2026, 1, 1), date(2026, 6, 30))
    add_population(workspace, engagement_id=engagement.id, control_id=second.id, path=changes)
    return engagement.id


def comparable(workspace: Workspace, engagement_name: str) -> dict[str, list[str]]:
    """Every row of the engagement, table by table, with each id replaced by what it points at (so
    two workspaces holding the same engagement under other ids compare equal)."""
    with workspace.session() as session:
        engagement_id = find_engagement(workspace, engagement_name).id
        rows, references = read_engagement(session, engagement_id)
    by_id = {table: {row["id"]: row for row in found if "id" in row} for table, found in rows.items()}

    def described(table: str, row: dict[str, Any]) -> str:
        if table == "engagement":
            return "the engagement"
        values = {}
        for column in metadata.tables[table].columns:
            value = row.get(column.name)
            if column.name == "id" or (table == "change_log" and column.name == "engagement_id"):
                continue
            for key in column.foreign_keys if value is not None else ():
                target = key.column.table.name
                value = (
                    repr(references[target][str(value)])
                    if target in references
                    else described(target, by_id[target][value])
                )
            if table == "change_log" and column.name == "entity_id" and value is not None:
                target = LOG_ENTITY_TABLES[row["entity"]]
                value = described(target, by_id[target][value])
            values[column.name] = value
        return repr(sorted(values.items()))

    return {
        table: sorted(
            described(table, row)
            for row in found
            if not (table == "change_log" and row["field"] == "imported")
        )
        for table, found in rows.items()
    }


def test_a_bundle_brings_every_row_and_every_evidence_file_into_a_fresh_workspace(
    workspace: Workspace, tmp_path: Path
) -> None:
    engagement_id = populate(workspace, tmp_path / "files")
    bundle = export_bundle(workspace, engagement_id=engagement_id, target=tmp_path / "fy26.socwb")
    fresh = open_workspace(tmp_path / "fresh")
    imported = import_bundle(fresh, bundle)
    assert imported.name == "FY26"
    before = comparable(workspace, "FY26")
    after = comparable(fresh, "FY26")
    # The catalog, workspace settings, each auditor firm's remembered columns, a team's evidence content.
    shared = {"criterion", "setting", "column_mapping", "evidence_blob", "evidence_chunk"}
    everything = set(metadata.tables) - shared
    assert {table for table, found in before.items() if found} == everything
    assert after == before
    old = sorted(
        (row.sha256, row.original_name) for row in list_evidence(workspace, engagement_id=engagement_id)
    )
    new = sorted((row.sha256, row.original_name) for row in list_evidence(fresh, engagement_id=imported.id))
    assert new == old and ("", "r\\xe9sum\\xe9.bin") != new[0]
    for sha256, _name in new:
        stored = fresh.evidence_dir / sha256[:2] / sha256
        assert hashlib.sha256(stored.read_bytes()).hexdigest() == sha256
        assert stat.S_IMODE(stored.stat().st_mode) == 0o400
    again = import_bundle(fresh, bundle)
    assert again.name == "FY26 (copy)"
    assert [e.name for e in list_engagements(fresh)] == ["FY26", "FY26 (copy)"]
    assert comparable(fresh, "FY26 (copy)") == before
    fresh.close()


# --- the hostile corpus ------------------------------------------------------------------------


def good_bundle(workspace: Workspace, folder: Path) -> bytes:
    engagement = create_engagement(workspace, name="Source")
    add_control(workspace, engagement_id=engagement.id, ref="AC-1", title="Access")
    folder.mkdir()
    (folder / "e.txt").write_text("evidence")
    add_evidence(workspace, engagement_id=engagement.id, files=[folder / "e.txt"])
    return export_bundle(workspace, engagement_id=engagement.id, target=folder / "good.socwb").read_bytes()


def rebuilt(data: bytes, change: Callable[[zipfile.ZipFile, zipfile.ZipFile], None]) -> bytes:
    """A copy of the bundle whose entries *change(source, target)* writes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        change(source, target)
    return out.getvalue()


def copy_all(source: zipfile.ZipFile, target: zipfile.ZipFile) -> None:
    for info in source.infolist():
        target.writestr(info, source.read(info))


def with_entry(name: str, content: bytes = b"x", mode: int | None = None) -> Callable[[bytes], bytes]:
    def make(data: bytes) -> bytes:
        def change(source: zipfile.ZipFile, target: zipfile.ZipFile) -> None:
            copy_all(source, target)
            info = zipfile.ZipInfo(name)
            if mode is not None:
                info.create_system = 3
                info.external_attr = mode << 16
            target.writestr(info, content)

        return rebuilt(data, change)

    return make


def evidence_name(data: bytes) -> str:
    return next(n for n in zipfile.ZipFile(io.BytesIO(data)).namelist() if n.startswith("evidence/"))


def altered_evidence(data: bytes) -> bytes:
    name = evidence_name(data)

    def change(source: zipfile.ZipFile, target: zipfile.ZipFile) -> None:
        for info in source.infolist():
            target.writestr(info, b"tampered" if info.filename == name else source.read(info))

    return rebuilt(data, change)


def altered_data(edit: Callable[[dict[str, Any]], None]) -> Callable[[bytes], bytes]:
    def make(data: bytes) -> bytes:
        def change(source: zipfile.ZipFile, target: zipfile.ZipFile) -> None:
            for info in source.infolist():
                content = source.read(info)
                if info.filename == DATA_NAME:
                    document = json.loads(content)
                    edit(document)
                    content = json.dumps(document).encode()
                target.writestr(info, content)

        return rebuilt(data, change)

    return make


def bomb(megabytes: int) -> Callable[[bytes], bytes]:
    """The bundle with an entry of *megabytes* of zeros, deflated (about a thousand times smaller)."""

    def make(data: bytes) -> bytes:
        def change(source: zipfile.ZipFile, target: zipfile.ZipFile) -> None:
            copy_all(source, target)
            zeros = b"\0" * (megabytes << 20)
            target.writestr(zipfile.ZipInfo("evidence/" + "0" * 64), zeros, zipfile.ZIP_DEFLATED)

        return rebuilt(data, change)

    return make


def entries(count: int) -> Callable[[bytes], bytes]:
    """The bundle with *count* more (empty) evidence entries."""

    def make(data: bytes) -> bytes:
        def change(source: zipfile.ZipFile, target: zipfile.ZipFile) -> None:
            copy_all(source, target)
            for number in range(count):
                target.writestr(f"evidence/{number:064x}", b"")

        return rebuilt(data, change)

    return make


def unknown_criterion(document: dict[str, Any]) -> None:
    for key in document["references"]["criterion"].values():
        key["ref"] = "ZZ9.9"
    document["rows"]["control_criterion"] = [
        {"control_id": document["rows"]["control"][0]["id"], "criterion_id": 1}
    ]
    document["references"]["criterion"] = {"1": {"framework": "tsc-2017", "ref": "ZZ9.9"}}


CORPUS: dict[str, tuple[Callable[[bytes], bytes], str]] = {
    "traversal.socwb": (with_entry("../../outside.txt"), r"'../../outside.txt' climbs out of its folder"),
    "nested-traversal.socwb": (with_entry("evidence/../../x"), r"climbs out of its folder"),
    "absolute.socwb": (with_entry("/etc/cron.d/evil"), r"'/etc/cron.d/evil' is an absolute path"),
    "backslash.socwb": (with_entry("evidence\\..\\..\\evil"), r"uses backslashes"),
    "drive.socwb": (with_entry("C:/Windows/evil.dll"), r"'C:/Windows/evil.dll' names a drive"),
    "symlink.socwb": (with_entry("evidence/" + "a" * 64, b"/etc/passwd", stat.S_IFLNK | 0o777), r"is a link"),
    "fifo.socwb": (with_entry("evidence/" + "b" * 64, b"", stat.S_IFIFO | 0o644), r"is a special file"),
    "folder.socwb": (with_entry("evidence/sub/"), r"is a folder"),
    "stranger.socwb": (with_entry("run-me.sh"), r"'run-me.sh' does not belong in a bundle"),
    "bomb.socwb": (bomb(64), r"expands [0-9,]+ times"),
    "many.socwb": (entries(201_000), r"holds [0-9,]+ entries"),
    "wrong-hash.socwb": (altered_evidence, r"does not match its SHA-256"),
    "truncated.socwb": (
        lambda data: data[: len(data) * 2 // 3],
        r"not an engagement bundle \(or it is incomplete\)",
    ),
    "empty.socwb": (lambda _data: b"", r"not an engagement bundle"),
    "newer.socwb": (altered_data(lambda d: d.update(schema="9999")), r"newer version of SOC Workbench"),
    "unknown-column.socwb": (
        altered_data(lambda d: d["rows"]["control"][0].update(secret="x")),
        r"control has no column secret",
    ),
    "missing-file.socwb": (
        altered_data(lambda d: d.update(evidence=[])),
        r"evidence 'e' has no file in the bundle",
    ),
    "unlisted-file.socwb": (
        with_entry("evidence/" + "c" * 64),
        r"evidence list and the files it holds disagree",
    ),
    "unknown-criterion.socwb": (altered_data(unknown_criterion), r"criterion tsc-2017 ZZ9.9"),
    "wrong-type.socwb": (
        altered_data(lambda d: d["rows"]["control"][0].update(id=[1])),
        r"cannot be imported: .*nothing was imported",
    ),
}


def digest(folder: Path) -> str:
    connection = sqlite3.connect(folder / "workbench.db")
    try:
        dump = "\n".join(connection.iterdump())
    finally:
        connection.close()
    stored = sorted(str(p.relative_to(folder)) for p in (folder / "evidence").rglob("*") if p.is_file())
    return hashlib.sha256((dump + repr(stored)).encode()).hexdigest()


def refused(
    corpus: dict[str, tuple[Callable[[bytes], bytes], str]], data: bytes, folder: Path
) -> dict[str, Path]:
    paths = {}
    for name, (make, _pattern) in corpus.items():
        paths[name] = folder / name
        paths[name].write_bytes(make(data))
    return paths


@pytest.mark.long
def test_every_hostile_bundle_is_refused_by_the_command_in_one_line_and_the_workspace_is_unchanged(
    workspace: Workspace, data_dir: Path, tmp_path: Path
) -> None:
    data = good_bundle(workspace, tmp_path / "files")
    workspace.close()
    before = digest(data_dir)
    for name, path in refused(CORPUS, data, tmp_path).items():
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "app",
                "--data-dir",
                str(data_dir),
                "engagement",
                "import-bundle",
                str(path),
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 1, (name, result.stdout, result.stderr)
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr, (name, result.stderr)
        assert re.search(CORPUS[name][1], result.stderr), (name, result.stderr)
        assert digest(data_dir) == before, name
        assert not (tmp_path / "outside.txt").exists()


def test_every_hostile_bundle_is_refused_in_one_line_before_anything_is_written(
    workspace: Workspace, data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    small = ArchiveLimits(max_entries=50, max_total_bytes=8 << 20, max_part_bytes=1 << 20, max_ratio=200)
    monkeypatch.setattr(bundle_importer.read_bundle, "__defaults__", (small,))
    quick = dict(
        CORPUS,
        **{
            "bomb.socwb": (bomb(4), r"expands [0-9,]+ times"),
            "many.socwb": (entries(60), r"holds 6[0-9] entries"),
        },
    )
    data = good_bundle(workspace, tmp_path / "files")
    before = digest(data_dir)
    for name, path in refused(quick, data, tmp_path).items():
        with pytest.raises(InvalidInputError) as refusal:
            import_bundle(workspace, path)
        assert "\n" not in str(refusal.value) and re.search(quick[name][1], str(refusal.value)), (
            name,
            refusal.value,
        )
        assert digest(data_dir) == before, name
    assert not (tmp_path / "outside.txt").exists()


def test_a_bundle_refused_after_its_evidence_was_stored_leaves_no_stored_content(
    workspace: Workspace, tmp_path: Path
) -> None:
    data = good_bundle(workspace, tmp_path / "files")
    other = open_workspace(tmp_path / "other")
    path = tmp_path / "bad.socwb"
    path.write_bytes(altered_data(unknown_criterion)(data))
    with pytest.raises(InvalidInputError, match="ZZ9.9.*nothing was imported"):
        import_bundle(other, path)
    assert list_engagements(other) == []
    assert not [p for p in (other.evidence_dir).rglob("*") if p.is_file()]
    other.close()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(flips=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), min_size=1, max_size=6))
def test_fuzzed_bundles_are_refused_with_one_plain_line_or_read_whole(
    workspace: Workspace, tmp_path: Path, flips: list[tuple[int, int]]
) -> None:
    source = tmp_path / "good.socwb"
    if not source.exists():
        good_bundle(workspace, tmp_path / "files")
        (tmp_path / "files" / "good.socwb").rename(source)
    data = bytearray(source.read_bytes())
    for position, value in flips:
        data[position % len(data)] = value
    path = tmp_path / "fuzzed.socwb"
    path.write_bytes(bytes(data))
    try:
        checked = read_bundle(path)
    except UnreadableBundleError as error:
        assert "\n" not in str(error) and str(error).startswith("fuzzed.socwb")
    else:
        assert set(checked.evidence) == {row["sha256"] for row in checked.rows["evidence"]}
