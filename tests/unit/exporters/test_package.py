"""The evidence package zip: layout, manifest checked by sha256sum, determinism, integrity, cancel."""

import hashlib
import shutil
import subprocess
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.domain.evidence import EvidenceRow
from app.exporters.errors import ExportCancelled
from app.exporters.package import PackageFile, PackageIntegrityError, evidence_paths, write_package

AS_OF = datetime(2026, 3, 14, 9, 26, 53, tzinfo=UTC)


def row(evidence_id: int, name: str, controls: list[str]) -> EvidenceRow:
    return EvidenceRow(
        id=evidence_id,
        engagement_id=1,
        title=name,
        file_name=name,
        size=1,
        sha256="0" * 64,
        media_type="text/plain",
        controls=controls,
    )


def test_evidence_paths_use_the_first_control_and_avoid_collisions() -> None:
    paths = evidence_paths(
        [
            row(1, "report.pdf", ["CHG-01", "ACC-02"]),
            row(2, "report.pdf", ["ACC-02"]),
            row(3, "REPORT.pdf", ["ACC-02"]),
            row(4, "notes", []),
            row(5, "we:ird/na*me?.txt", ["X/1"]),
        ]
    )
    assert paths == {
        1: "evidence/ACC-02/report.pdf",
        2: "evidence/ACC-02/report (2).pdf",
        3: "evidence/ACC-02/REPORT (3).pdf",
        4: "evidence/_unlinked/notes",
        5: "evidence/X_1/we_ird_na_me_.txt",
    }


def make_files(tmp_path: Path) -> list[PackageFile]:
    evidence = tmp_path / "stored"
    evidence.write_bytes(b"quarterly access review" * 1000)
    digest = hashlib.sha256(evidence.read_bytes()).hexdigest()
    return [
        PackageFile("workbook.xlsx", data=b"PK fake workbook"),
        PackageFile(
            "evidence/ACC-03/review.csv",
            opener=lambda: evidence.open("rb"),
            size=evidence.stat().st_size,
            sha256=digest,
        ),
        PackageFile("evidence-index.pdf", data=b"%PDF fake"),
    ]


def test_package_is_verified_by_its_own_manifest_with_sha256sum(tmp_path: Path) -> None:
    target = tmp_path / "package.zip"
    manifest_hash = write_package(target, make_files(tmp_path), readme="Read me", as_of=AS_OF)
    names = zipfile.ZipFile(target).namelist()
    assert names == [
        "README.txt",
        "evidence-index.pdf",
        "evidence/ACC-03/review.csv",
        "workbook.xlsx",
        "MANIFEST.sha256",
    ]
    unpacked = tmp_path / "unpacked"
    zipfile.ZipFile(target).extractall(unpacked)
    manifest = (unpacked / "MANIFEST.sha256").read_text()
    assert hashlib.sha256(manifest.encode()).hexdigest() == manifest_hash
    assert [line.split("  ", 1)[1] for line in manifest.splitlines()] == [
        "README.txt",
        "evidence-index.pdf",
        "evidence/ACC-03/review.csv",
        "workbook.xlsx",
    ]
    if shutil.which("sha256sum"):
        check = subprocess.run(
            ["sha256sum", "-c", "MANIFEST.sha256"], cwd=unpacked, capture_output=True, text=True
        )
        assert check.returncode == 0, check.stdout + check.stderr
    for info in zipfile.ZipFile(target).infolist():
        assert info.date_time == (2026, 3, 14, 9, 26, 52)  # zip times have two-second steps


def test_package_is_deterministic(tmp_path: Path) -> None:
    first, second = tmp_path / "a.zip", tmp_path / "b.zip"
    write_package(first, make_files(tmp_path), readme="Read me", as_of=AS_OF)
    write_package(second, make_files(tmp_path), readme="Read me", as_of=AS_OF)
    assert first.read_bytes() == second.read_bytes()
    third = tmp_path / "c.zip"
    write_package(third, make_files(tmp_path), readme="Read me", as_of=datetime(2026, 3, 15, tzinfo=UTC))
    assert third.read_bytes() != first.read_bytes()


def test_altered_evidence_stops_the_export_and_writes_nothing(tmp_path: Path) -> None:
    files = make_files(tmp_path)
    (tmp_path / "stored").write_bytes(b"tampered")
    target = tmp_path / "package.zip"
    with pytest.raises(PackageIntegrityError, match="no longer matches"):
        write_package(target, files, readme="r", as_of=AS_OF)
    assert not target.exists() and not list(tmp_path.glob(".package.zip.*"))


def test_cancel_leaves_no_half_file(tmp_path: Path) -> None:
    target = tmp_path / "package.zip"
    target.write_bytes(b"previous export")
    with pytest.raises(ExportCancelled):
        write_package(target, make_files(tmp_path), readme="r", as_of=AS_OF, cancel=lambda: True)
    assert target.read_bytes() == b"previous export"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["package.zip", "stored"]
