"""The content-addressed evidence store, on real files."""

import errno
import hashlib
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app import scratch
from app.evidence.store import (
    CHUNK_SIZE,
    INCOMING_DIR,
    CancelledError,
    EvidenceStore,
    StoreError,
)

PNG = b"\x89PNG\r\n\x1a\n" + bytes(100)


@pytest.fixture
def store(tmp_path: Path) -> EvidenceStore:
    return EvidenceStore(tmp_path / "evidence")


def write(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    return path


def leftovers(store: EvidenceStore) -> list[Path]:
    return list((store.root / INCOMING_DIR).iterdir())


def test_add_copies_by_sha256_read_only_and_leaves_the_source_alone(
    store: EvidenceStore, tmp_path: Path
) -> None:
    source = write(tmp_path / "screenshot.pdf", PNG)
    os.utime(source, (1_700_000_000, 1_700_000_000))
    before = source.stat()
    stored = store.add_file(source)
    digest = hashlib.sha256(PNG).hexdigest()
    assert stored.sha256 == digest
    assert stored.size == len(PNG)
    assert stored.media_type == "image/png"
    assert not stored.already_stored
    assert stored.path == store.root / digest[:2] / digest == store.path_for(digest)
    assert stored.path.read_bytes() == PNG
    assert stat.S_IMODE(stored.path.stat().st_mode) == 0o400
    after = source.stat()
    assert source.read_bytes() == PNG
    assert (after.st_mtime, after.st_mode, after.st_size) == (before.st_mtime, before.st_mode, before.st_size)
    assert store.contains(digest)
    assert list(store.stored_hashes()) == [digest]
    assert leftovers(store) == []


def test_identical_content_is_stored_once(store: EvidenceStore, tmp_path: Path) -> None:
    first = store.add_file(write(tmp_path / "a.txt", b"same bytes\n"))
    second = store.add_file(write(tmp_path / "b.log", b"same bytes\n"))
    other = store.add_file(write(tmp_path / "c.txt", b"other bytes\n"))
    assert second.already_stored and second.path == first.path
    assert not other.already_stored
    assert sorted(store.stored_hashes()) == sorted({first.sha256, other.sha256})
    assert leftovers(store) == []


def test_a_file_of_several_chunks_hashes_right_and_reports_progress(
    store: EvidenceStore, tmp_path: Path
) -> None:
    content = os.urandom(CHUNK_SIZE * 2 + 12345)
    seen: list[int] = []
    stored = store.add_file(write(tmp_path / "big.bin", content), progress=seen.append)
    assert stored.sha256 == hashlib.sha256(content).hexdigest()
    assert seen == [CHUNK_SIZE, CHUNK_SIZE * 2, len(content)]
    assert store.check(stored.sha256, len(content)) == "ok"


def test_an_empty_file_is_stored(store: EvidenceStore, tmp_path: Path) -> None:
    stored = store.add_file(write(tmp_path / "empty.txt", b""))
    assert stored.size == 0
    assert stored.sha256 == hashlib.sha256(b"").hexdigest()
    assert stored.media_type == "text/plain"


def test_cancel_mid_copy_leaves_nothing(store: EvidenceStore, tmp_path: Path) -> None:
    source = write(tmp_path / "big.bin", os.urandom(CHUNK_SIZE * 3))
    seen: list[int] = []
    with pytest.raises(CancelledError):
        store.add_file(source, progress=seen.append, cancel=lambda: len(seen) >= 2)
    assert seen == [CHUNK_SIZE, CHUNK_SIZE * 2]
    assert list(store.stored_hashes()) == []
    assert leftovers(store) == []


def test_a_full_disk_leaves_nothing_and_says_so(
    store: EvidenceStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_space(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", no_space)
    with pytest.raises(StoreError, match="disk holding the workspace is full: report.pdf was not stored"):
        store.add_file(write(tmp_path / "report.pdf", b"%PDF-1.4 content"))
    assert list(store.stored_hashes()) == []
    assert leftovers(store) == []


def test_a_missing_or_folder_source_is_refused(store: EvidenceStore, tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="gone.pdf: no such file"):
        store.add_file(tmp_path / "gone.pdf")
    with pytest.raises(StoreError, match="is a folder, not a regular file"):
        store.add_file(tmp_path)
    assert leftovers(store) == []


def test_temporary_files_of_dead_processes_are_cleaned_on_open_live_ones_kept(tmp_path: Path) -> None:
    root = tmp_path / "evidence"
    EvidenceStore(root)
    crashed = write(root / INCOMING_DIR / "crashed.part", b"half a file")
    busy = write(root / INCOMING_DIR / "busy.part", b"another process copying")
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(busy)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
        EvidenceStore(root)
        assert not crashed.exists()
        assert busy.exists()
    finally:
        holder.kill()
        holder.wait()
    EvidenceStore(root)
    assert not busy.exists()


HOLD_LOCK = """
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR)
fcntl.flock(fd, fcntl.LOCK_EX)
print("locked", flush=True)
time.sleep(60)
"""


def test_check_finds_altered_and_missing_content(store: EvidenceStore, tmp_path: Path) -> None:
    content = b"quarterly access review, signed\n"
    grown = store.add_file(write(tmp_path / "a.txt", content))
    flipped = store.add_file(write(tmp_path / "b.txt", content.upper()))
    gone = store.add_file(write(tmp_path / "c.txt", b"deleted later"))
    assert store.check(grown.sha256, grown.size) == "ok"
    for path in (grown.path, flipped.path):
        path.chmod(0o644)
    with grown.path.open("ab") as handle:
        handle.write(b"edited")
    flipped.path.write_bytes(content.lower())
    gone.path.chmod(0o644)
    gone.path.unlink()
    assert store.check(grown.sha256, grown.size) == "altered"
    assert store.check(flipped.sha256, flipped.size) == "altered"
    assert store.check(gone.sha256, gone.size) == "missing"


def test_check_can_be_cancelled(store: EvidenceStore, tmp_path: Path) -> None:
    stored = store.add_file(write(tmp_path / "big.bin", os.urandom(CHUNK_SIZE + 1)))
    with pytest.raises(CancelledError):
        store.check(stored.sha256, stored.size, cancel=lambda: True)


def test_a_writable_stored_file_is_only_a_warning(store: EvidenceStore, tmp_path: Path) -> None:
    stored = store.add_file(write(tmp_path / "a.txt", b"content"))
    assert store.permission_warning(stored.sha256) is None
    stored.path.chmod(0o644)
    warning = store.permission_warning(stored.sha256)
    assert warning is not None and "writable" in warning
    assert store.check(stored.sha256, stored.size) == "ok"


def test_re_adding_replaces_a_damaged_copy_of_other_size(store: EvidenceStore, tmp_path: Path) -> None:
    source = write(tmp_path / "a.txt", b"the original content")
    stored = store.add_file(source)
    stored.path.chmod(0o644)
    stored.path.write_bytes(b"cut")
    again = store.add_file(source)
    assert not again.already_stored
    assert store.check(stored.sha256, stored.size) == "ok"
    assert stat.S_IMODE(again.path.stat().st_mode) == 0o400


def test_remove_deletes_content_and_its_empty_shard(store: EvidenceStore, tmp_path: Path) -> None:
    stored = store.add_file(write(tmp_path / "a.txt", b"to be removed"))
    store.remove(stored.sha256)
    assert not stored.path.exists()
    assert not stored.path.parent.exists()
    store.remove(stored.sha256)  # already gone: fine


def test_remove_unreferenced_spares_referenced_and_recent_content(
    store: EvidenceStore, tmp_path: Path
) -> None:
    kept = store.add_file(write(tmp_path / "a.txt", b"still used"))
    old = store.add_file(write(tmp_path / "b.txt", b"no longer used"))
    recent = store.add_file(write(tmp_path / "c.txt", b"just added elsewhere"))
    long_ago = time.time() - 7200
    for item in (kept, old):
        os.utime(item.path, (long_ago, long_ago))
    removed = store.remove_unreferenced({kept.sha256}, grace_seconds=3600)
    assert removed == [old.sha256]
    assert sorted(store.stored_hashes()) == sorted([kept.sha256, recent.sha256])


def test_re_adding_marks_old_content_as_recent(store: EvidenceStore, tmp_path: Path) -> None:
    stored = store.add_file(write(tmp_path / "a.txt", b"old content"))
    long_ago = time.time() - 7200
    os.utime(stored.path, (long_ago, long_ago))
    store.add_file(tmp_path / "a.txt")
    assert store.remove_unreferenced(set(), grace_seconds=3600) == []


def test_path_for_refuses_anything_but_a_sha256(store: EvidenceStore) -> None:
    with pytest.raises(ValueError, match="not a SHA-256"):
        store.path_for("../../etc/passwd")
    with pytest.raises(ValueError):
        store.path_for("A" * 64)


def test_a_copy_in_progress_survives_another_process_opening_the_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Opening a store sweeps ``.incoming``; the copy is held locked until it is renamed into place."""
    store = EvidenceStore(tmp_path / "store")
    source = tmp_path / "a.txt"
    source.write_text("content")
    move = EvidenceStore._move_into_place

    def swept_first(self: EvidenceStore, temp: Path, sha256: str, size: int) -> bool:
        EvidenceStore(self.root)  # another command opens the workspace meanwhile
        return move(self, temp, sha256, size)

    monkeypatch.setattr(EvidenceStore, "_move_into_place", swept_first)
    stored = store.add_file(source)
    assert store.check(stored.sha256, stored.size) == "ok"


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="finds the file of a descriptor in /proc")
def test_a_file_swept_between_its_creation_and_its_lock_is_made_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    taken: list[int] = []
    hold = scratch.hold_lock

    def late(fd: int) -> bool:
        if not taken:  # a sweeper gets there first, finds the new file unlocked and removes it
            taken.append(fd)
            assert scratch.remove_if_abandoned(Path(os.readlink(f"/proc/self/fd/{fd}")))
        return hold(fd)

    monkeypatch.setattr(scratch, "hold_lock", late)
    target = tmp_path / "work.part"
    fd = scratch.create_locked(target)
    try:
        assert taken and target.exists() and not scratch.is_abandoned(target)
    finally:
        os.close(fd)
