"""Evidence sources that change, link out, cannot be read or have names that are not UTF-8."""

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from app.evidence.sources import original_name_bytes, safe_file_name, scan_sources
from app.evidence.store import EvidenceStore, StoreError
from app.services.engagements import create_engagement
from app.services.evidence import add_evidence, list_evidence, orphaned_content, viewing_copy
from app.services.workspace import Workspace, open_workspace

POSIX = os.name == "posix"


def plain_user() -> list[str]:
    """A command prefix under which root is bound by file permissions like any user (empty otherwise)."""
    if not POSIX or os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("root reads any file and setpriv is not available to drop that power")
    dropped = "-dac_override,-dac_read_search"
    return [setpriv, f"--inh-caps={dropped}", f"--bounding-set={dropped}"]


def run_cli(data_dir: Path, *args: str, prefix: list[str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*(prefix or []), sys.executable, "-m", "app", "--data-dir", str(data_dir), *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_source_that_changes_while_copied_is_refused(tmp_path: Path) -> None:
    store = EvidenceStore(tmp_path / "evidence")
    source = tmp_path / "growing.log"
    source.write_bytes(b"x" * (3 << 20))

    def grow(_done: int) -> None:
        with source.open("ab") as handle:
            handle.write(b"more lines")

    with pytest.raises(StoreError, match="changed while it was being copied"):
        store.add_file(source, progress=grow)
    assert list(store.stored_hashes()) == []
    assert [p.name for p in (tmp_path / "evidence" / ".incoming").iterdir()] == []


def test_a_folder_does_not_follow_links_out_and_names_what_it_skipped(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("not for the auditor")
    folder = tmp_path / "evidence-folder"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text("a")
    (folder / "sub" / "b.txt").write_text("b")
    (folder / "out").symlink_to(outside / "secret.txt")
    (folder / "outdir").symlink_to(outside)
    (folder / "again").symlink_to(folder / "a.txt")
    (folder / "loop").symlink_to(folder)
    os.mkfifo(folder / "pipe")
    scan = scan_sources([folder])
    assert sorted(f.path.name for f in scan.files) == ["a.txt", "b.txt"]
    assert sorted(scan.skipped) == [
        f"{folder / 'out'} (a link to a place outside the folder)",
        f"{folder / 'outdir'} (a link to a place outside the folder)",
        f"{folder / 'pipe'} (a named pipe)",
    ]


@pytest.fixture
def engagement(data_dir: Path) -> str:
    workspace = open_workspace(data_dir)
    create_engagement(workspace, name="FY26")
    workspace.close()
    return "FY26"


def test_the_cli_says_which_links_it_skipped(data_dir: Path, engagement: str, tmp_path: Path) -> None:
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "a.txt").write_text("a")
    (folder / "out").symlink_to("/etc/hostname")
    result = run_cli(data_dir, "evidence", "add", "--engagement", engagement, str(folder))
    assert result.returncode == 0, result.stderr
    assert (
        result.stderr == f"soc-workbench: skipped {folder / 'out'} (a link to a place outside the folder)\n"
    )


def test_unreadable_files_and_subfolders_are_named_and_nothing_is_added(
    data_dir: Path, engagement: str, tmp_path: Path
) -> None:
    prefix = plain_user()
    folder = tmp_path / "folder"
    (folder / "closed").mkdir(parents=True)
    (folder / "closed" / "inside.txt").write_text("x")
    (folder / "a.txt").write_text("a")
    (folder / "locked.txt").write_text("secret")
    (folder / "locked.txt").chmod(0)
    (folder / "closed").chmod(0)
    try:
        result = run_cli(data_dir, "evidence", "add", "--engagement", engagement, str(folder), prefix=prefix)
    finally:
        (folder / "closed").chmod(0o700)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert f"cannot read the folder {folder / 'closed'}: Permission denied" in result.stderr
    assert f"cannot read {folder / 'locked.txt'}: Permission denied" in result.stderr
    workspace = open_workspace(data_dir)
    assert list_evidence(workspace, engagement_id=1) == []
    workspace.close()


@pytest.mark.skipif(sys.platform != "linux", reason="file names are bytes on Linux only")
def test_a_file_name_that_is_not_utf8_is_stored_under_a_safe_name(
    data_dir: Path, engagement: str, tmp_path: Path
) -> None:
    raw = b"report-\xff\xfe-q1.txt"
    folder = tmp_path / "folder"
    folder.mkdir()
    path = os.path.join(os.fsencode(folder), raw)
    with open(path, "wb") as handle:
        handle.write(b"content")
    name = os.fsdecode(raw)
    assert original_name_bytes(name) == raw
    assert original_name_bytes("plain.txt") is None
    for given in (str(folder), os.fsdecode(path)):
        result = run_cli(data_dir, "evidence", "add", "--engagement", engagement, given)
        assert result.returncode == 0, result.stderr
        assert "report-\ufffd\ufffd-q1.txt" in result.stdout
    listed = run_cli(data_dir, "evidence", "list", "--engagement", engagement)
    assert listed.returncode == 0 and "report-\ufffd\ufffd-q1" in listed.stdout
    assert safe_file_name(name) == "report-\ufffd\ufffd-q1.txt"


def test_verify_reports_orphaned_content_and_repair_removes_it(workspace: Workspace, tmp_path: Path) -> None:
    store = EvidenceStore(workspace.evidence_dir)
    orphan = store.add_file(_file(tmp_path / "killed.txt", b"stored by an add killed before its commit"))
    live = EvidenceStore(workspace.evidence_dir)
    with live.adding():
        in_flight = live.add_file(_file(tmp_path / "busy.txt", b"another process is adding this"))
        assert orphaned_content(workspace) == [orphan.sha256]
        assert orphaned_content(workspace, repair=True) == [orphan.sha256]
        assert in_flight.path.exists()
    assert not orphan.path.exists()


def test_verify_cli_reports_and_repairs_orphans(
    data_dir: Path, engagement: str, tmp_path: Path, cli: Any
) -> None:
    EvidenceStore(data_dir / "evidence").add_file(_file(tmp_path / "o.txt", b"orphan"))
    first = cli("evidence", "verify")
    assert first.code == 0
    assert "1 stored files belong to no evidence record (left; --repair removes them)" in first.err
    second = cli("evidence", "verify", "--repair")
    assert "(removed)" in second.err
    assert "belong to no evidence record" not in cli("evidence", "verify").err


def _file(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    return path


@pytest.mark.skipif(not POSIX, reason="POSIX modes")
def test_the_workspace_is_private_at_umask_022(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        folder = tmp_path / "new-workspace"
        workspace = open_workspace(folder)
        engagement_row = create_engagement(workspace, name="FY26")
        from app.services.evidence import add_evidence

        (row,) = add_evidence(
            workspace, engagement_id=engagement_row.id or 0, files=[_file(tmp_path / "e.txt", b"evidence")]
        )
        from app.services.exports import run_export

        exported = run_export(
            workspace, engagement_id=engagement_row.id or 0, kind="xlsx", target=tmp_path / "out.xlsx"
        )
        modes = {
            path.relative_to(folder).as_posix(): stat.S_IMODE(path.stat().st_mode)
            for path in [folder, *folder.rglob("*")]
        }
        workspace.close()
    finally:
        os.umask(old)
    content = f"evidence/{row.sha256[:2]}/{row.sha256}"
    assert modes.pop(".") == 0o700
    assert modes.pop(content) == 0o400
    assert modes.pop(f"evidence/{row.sha256[:2]}") == 0o700
    for name in ("workbench.db", "workbench.db-wal", "workbench.db-shm", "workbench.log"):
        assert modes.pop(name) == 0o600, name
    assert {name: mode for name, mode in modes.items() if mode & 0o077} == {}
    assert stat.S_IMODE(exported.path.stat().st_mode) == 0o644


@pytest.mark.skipif(sys.platform != "linux", reason="file names are bytes on Linux only")
def test_the_original_bytes_of_a_name_that_is_not_utf8_are_kept_for_display_and_viewing(
    data_dir: Path, tmp_path: Path
) -> None:
    raw = b"r\xe9sum\xe9.txt"
    path = os.path.join(os.fsencode(tmp_path), raw)
    with open(path, "wb") as handle:
        handle.write(b"latin-1 named")
    workspace = open_workspace(data_dir)
    engagement = create_engagement(workspace, name="Bytes")
    add_evidence(workspace, engagement_id=engagement.id, files=[os.fsdecode(path)])
    (row,) = list_evidence(workspace, engagement_id=engagement.id)
    assert row.file_name == "r\ufffdsum\ufffd.txt"
    assert row.original_name == "r\\xe9sum\\xe9.txt"
    assert row.as_dict()["original_name"] == "r\\xe9sum\\xe9.txt"
    assert os.fsencode(viewing_copy(workspace, row.id).name) == raw
    workspace.close()
