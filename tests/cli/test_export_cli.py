"""``export xlsx|pdf|evidence-index|package|scoping-memo`` and ``export history``."""

import hashlib
import json
import subprocess
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.backends


def setup(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli("engagement", "create", "--name", "Acme", "--company", "Acme Inc")
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({"customer_data": True, "controls_operating_months": 4}))
    cli("wizard", "--answers", str(answers), "--engagement", "Acme", "--apply")
    cli(
        "controls",
        "add",
        "--engagement",
        "Acme",
        "--ref",
        "ACC-03",
        "--title",
        "Access review",
        "--criteria",
        "CC6.3",
        "--owner",
        "IT",
        "--frequency",
        "quarterly",
    )
    (tmp_path / "review.csv").write_text("user,decision\n")
    cli("evidence", "add", "--engagement", "Acme", "--control", "ACC-03", str(tmp_path / "review.csv"))


def test_every_export_kind_writes_its_file(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    setup(cli, tmp_path)
    for kind, name, magic in (
        ("xlsx", "w.xlsx", b"PK"),
        ("pdf", "c.pdf", b"%PDF"),
        ("evidence-index", "e.pdf", b"%PDF"),
        ("scoping-memo", "m.pdf", b"%PDF"),
        ("package", "p.zip", b"PK"),
    ):
        result = cli("export", kind, "--engagement", "Acme", "-o", str(tmp_path / name), "--json")
        assert result.code == 0, result.err
        written = tmp_path / name
        assert written.read_bytes().startswith(magic)
        assert result.json()["kind"] == kind
    history = cli("export", "history", "--engagement", "Acme", "--json").json()
    assert [e["kind"] for e in history["exports"]] == [
        "package",
        "scoping-memo",
        "evidence-index",
        "pdf",
        "xlsx",
    ]
    archive = zipfile.ZipFile(tmp_path / "p.zip")
    manifest = archive.read(next(n for n in archive.namelist() if n.endswith("/MANIFEST.sha256")))
    assert history["exports"][0]["sha256"] == hashlib.sha256(manifest).hexdigest()
    assert history["since_last_package"]["new_controls"] == []


def test_package_verifies_with_sha256sum(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    setup(cli, tmp_path)
    assert cli("export", "package", "--engagement", "Acme", "-o", str(tmp_path / "p.zip")).code == 0
    folder = tmp_path / "unzipped"
    zipfile.ZipFile(tmp_path / "p.zip").extractall(folder)
    (inside,) = folder.iterdir()
    assert inside.name.startswith("Acme - evidence 20")
    check = subprocess.run(["sha256sum", "-c", "MANIFEST.sha256"], cwd=inside, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout
    assert "evidence/ACC-03/review.csv: OK" in check.stdout
    assert "scoping-memo.pdf: OK" in check.stdout, "the memo goes in when the wizard was run"


def test_export_refusals(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli("engagement", "create", "--name", "Bare")
    memo = cli("export", "scoping-memo", "--engagement", "Bare", "-o", str(tmp_path / "m.pdf"))
    assert memo.code == 1 and "scoping wizard" in memo.err and not (tmp_path / "m.pdf").exists()
    missing_folder = cli("export", "xlsx", "--engagement", "Bare", "-o", str(tmp_path / "no" / "w.xlsx"))
    assert missing_folder.code == 1
    assert cli("export", "docx", "--engagement", "Bare", "-o", "x").code == 2
    assert cli("export", "xlsx", "--engagement", "Bare").code == 2
