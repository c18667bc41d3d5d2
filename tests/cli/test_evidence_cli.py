"""``evidence add|list|verify`` and ``sampling``."""

import hashlib
import stat
from pathlib import Path

import pytest

pytestmark = pytest.mark.backends


def setup_engagement(cli) -> None:  # type: ignore[no-untyped-def]
    cli("engagement", "create", "--name", "E", "--period-start", "2026-01-01", "--period-end", "2026-06-30")
    cli(
        "controls",
        "add",
        "--engagement",
        "E",
        "--ref",
        "M-1",
        "--title",
        "Monthly review",
        "--frequency",
        "monthly",
        "--criteria",
        "CC4.1",
    )
    cli(
        "controls",
        "add",
        "--engagement",
        "E",
        "--ref",
        "Q-1",
        "--title",
        "Quarterly review",
        "--frequency",
        "quarterly",
        "--criteria",
        "CC6.3",
    )


def test_add_list_and_dedupe(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    setup_engagement(cli)
    report = tmp_path / "access review.pdf"
    report.write_bytes(b"%PDF-1.4 quarterly access review")
    copy = tmp_path / "copy.txt"
    copy.write_bytes(report.read_bytes())
    added = cli(
        "evidence",
        "add",
        "--engagement",
        "E",
        "--control",
        "M-1",
        "--control",
        "Q-1",
        "--collected",
        "2026-02-10",
        str(report),
        "--json",
    )
    assert added.code == 0, added.err
    again = cli(
        "evidence",
        "add",
        "--engagement",
        "E",
        "--control",
        "Q-1",
        "--collected",
        "2026-05-02",
        "--title",
        "Same content",
        str(copy),
        "--json",
    )
    assert again.code == 0, again.err
    rows = cli("evidence", "list", "--engagement", "E", "--json").json()
    digest = hashlib.sha256(report.read_bytes()).hexdigest()
    assert [
        (r["title"], r["file_name"], r["sha256"], r["size"], r["collected"], r["controls"]) for r in rows
    ] == [
        (
            "access review",
            "access review.pdf",
            digest,
            len(report.read_bytes()),
            "2026-02-10",
            ["M-1", "Q-1"],
        ),
        ("Same content", "copy.txt", digest, len(report.read_bytes()), "2026-05-02", ["Q-1"]),
    ]
    assert rows[0]["media_type"] == "application/pdf" and rows[1]["media_type"] == "application/pdf"
    assert len(cli("evidence", "list", "--engagement", "E", "--control", "M-1", "--json").json()) == 1


def test_add_refusals_write_nothing(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    setup_engagement(cli)
    present = tmp_path / "a.txt"
    present.write_text("a")
    missing = cli(
        "evidence", "add", "--engagement", "E", "--control", "M-1", str(present), str(tmp_path / "gone")
    )
    assert missing.code == 1 and "gone" in missing.err
    unknown = cli("evidence", "add", "--engagement", "E", "--control", "NOPE", str(present))
    assert unknown.code == 1 and "NOPE" in unknown.err
    assert cli("evidence", "list", "--engagement", "E", "--json").json() == []
    assert cli("evidence", "add", "--engagement", "E").code == 2


@pytest.mark.backends("sqlite")
def test_verify_catches_altered_and_missing_content(cli, data_dir: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    setup_engagement(cli)
    for name in ("one.txt", "two.txt"):
        (tmp_path / name).write_text(name * 10)
        cli("evidence", "add", "--engagement", "E", "--control", "M-1", str(tmp_path / name))
    ok = cli("evidence", "verify")
    assert ok.code == 0 and "intact" in ok.out
    stored = sorted(
        p for p in (data_dir / "evidence").rglob("*") if p.is_file() and ".incoming" not in p.parts
    )
    assert len(stored) == 2 and all(not p.stat().st_mode & stat.S_IWUSR for p in stored)
    one = hashlib.sha256(b"one.txt" * 10).hexdigest()
    two = hashlib.sha256(b"two.txt" * 10).hexdigest()
    by_hash = {p.name: p for p in stored}
    by_hash[one].chmod(0o644)
    by_hash[one].write_text("tampered")
    by_hash[two].chmod(0o644)
    by_hash[two].unlink()
    result = cli("evidence", "verify", "--engagement", "E")
    assert result.code == 1
    lines = sorted(result.out.strip().splitlines())
    assert len(lines) == 2
    assert lines[0].startswith(f"altered\t{one}") and lines[1].startswith(f"missing\t{two}")
    assert "2 of 2 evidence files are missing or altered" in result.err


@pytest.mark.backends("sqlite")
def test_a_changed_permission_is_only_a_warning(cli, data_dir: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    setup_engagement(cli)
    (tmp_path / "x.txt").write_text("x")
    cli("evidence", "add", "--engagement", "E", "--control", "M-1", str(tmp_path / "x.txt"))
    (stored,) = [p for p in (data_dir / "evidence").rglob("*") if p.is_file() and ".incoming" not in p.parts]
    stored.chmod(0o644)
    result = cli("evidence", "verify")
    assert result.code == 0 and "warning" in result.err


def test_sampling_report(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    setup_engagement(cli)
    (tmp_path / "feb.txt").write_text("feb")
    cli(
        "evidence",
        "add",
        "--engagement",
        "E",
        "--control",
        "M-1",
        "--collected",
        "2026-02-10",
        str(tmp_path / "feb.txt"),
    )
    rows = {
        r["ref"]: r for r in cli("sampling", "--engagement", "E", "--today", "2026-04-15", "--json").json()
    }
    monthly = rows["M-1"]
    assert (monthly["frequency"], monthly["expected_occurrences"], monthly["suggested_sample"]) == (
        "monthly",
        6,
        2,
    )
    assert monthly["covered"] == ["2026-02"]
    assert monthly["missing"] == ["2026-01", "2026-03"]
    assert rows["Q-1"]["expected_occurrences"] == 2
    plain = cli("sampling", "--engagement", "E", "--today", "2026-04-15")
    assert plain.code == 0 and "M-1" in plain.out
