"""``controls seed`` and ``readiness``."""

from pathlib import Path


def test_seed_then_readiness(cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("engagement", "create", "--name", "Acme").code == 0
    seeded = cli("controls", "seed", "--engagement", "Acme", "--json")
    assert seeded.code == 0 and len(seeded.json()["added_controls"]) > 90
    again = cli("controls", "seed", "--engagement", "Acme")
    assert again.code == 0 and again.out.startswith(
        "Added 0 controls, 0 objectives, 0 CUECs and 0 subservice"
    )
    assert f"library; {len(seeded.json()['added_controls'])} controls and 0 objectives were" in again.out
    report = cli("readiness", "--engagement", "Acme", "--json", "--today", "2026-02-15").json()
    assert [c["category"] for c in report["categories"]] == ["Security"]
    security = report["categories"][0]
    assert (security["criteria_in_scope"], security["criteria_covered"], security["criteria_ready"]) == (
        33,
        33,
        0,
    )
    assert security["readiness"] == 0
    assert security["controls_by_status"]["not-started"] == len(seeded.json()["added_controls"])
    assert {g["kind"] for g in report["gaps"]} == {"key-not-implemented"}
    plain = cli("readiness", "--engagement", "Acme")
    assert plain.code == 0 and "Gaps (" in plain.out
    header, row = plain.out.splitlines()[:2]
    assert header.split() == ["Category", "Criteria", "Covered", "Designed", "Evidenced"]
    assert row.split() == ["Security", "33", "33", "0", "(0%)", "0", "(0%)"]


def test_readiness_moves_when_controls_are_implemented(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli("engagement", "create", "--name", "Small")
    cli(
        "controls",
        "add",
        "--engagement",
        "Small",
        "--ref",
        "A",
        "--title",
        "Code of conduct",
        "--criteria",
        "CC1.1",
        "--owner",
        "HR",
        "--status",
        "implemented",
    )
    cli(
        "controls",
        "add",
        "--engagement",
        "Small",
        "--ref",
        "B",
        "--title",
        "Board meets",
        "--criteria",
        "CC1.2",
        "--owner",
        "CEO",
        "--status",
        "in-progress",
        "--key",
    )
    report = cli("readiness", "--engagement", "Small", "--json").json()
    security = report["categories"][0]
    assert (security["criteria_covered"], security["criteria_ready"]) == (2, 1)
    assert abs(security["readiness"] - 1 / 33) < 1e-3
    kinds = [g["kind"] for g in report["gaps"]]
    assert kinds.count("uncovered-criterion") == 31 and kinds.count("key-not-implemented") == 1
    assert security["evidenced"] == {"criteria": 0, "readiness": 0}
    code_of_conduct = tmp_path / "code-of-conduct.pdf"
    code_of_conduct.write_bytes(b"%PDF-1.4 signed code of conduct")
    assert cli("evidence", "add", "--engagement", "Small", "--control", "A", str(code_of_conduct)).code == 0
    plain = cli("readiness", "--engagement", "Small").out.splitlines()
    assert plain[1].split() == ["Security", "33", "2", "1", "(3%)", "1", "(3%)"]


def test_readiness_of_unknown_engagement(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("readiness", "--engagement", "Nope")
    assert result.code == 1 and "no engagement" in result.err
