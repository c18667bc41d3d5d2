"""``description show|set``, ``export description|assertion|bridge-letter --format``, ``demo``."""

import json
from pathlib import Path

import docx
from pypdf import PdfReader

from app.domain.starter import load_starter, select_for_scope


def scoped(cli) -> None:  # type: ignore[no-untyped-def]
    cli("engagement", "create", "--name", "Acme", "--company", "Acme Inc")
    cli("engagement", "create", "--name", "Other")


def setup_scope(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    scoped(cli)
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({"customer_data": True, "controls_operating_months": 4}))
    assert cli("wizard", "--answers", str(answers), "--engagement", "Acme", "--apply").code == 0
    cli(
        "controls", "add", "--engagement", "Acme", "--ref", "AC-1", "--title", "SSO", "--systems", "Okta, AWS"
    )


def test_description_show_lists_each_section_and_one_in_full(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    setup_scope(cli, tmp_path)
    listed = cli("description", "show", "--engagement", "Acme")
    assert listed.code == 0, listed.err
    assert listed.out.startswith("SOC 2 Type 2: 0 of 9 sections complete\n")
    assert "  3. components           Not started   System components" in listed.out
    data = cli("description", "show", "--engagement", "Acme", "--json").json()
    (report,) = data["reports"]
    assert report["report"] == "SOC 2 Type 2"
    assert [section["key"] for section in report["sections"]][:2] == ["services", "commitments"]
    one = cli("description", "show", "--engagement", "Acme", "--section", "components")
    assert "3. System components" in one.out and "Prompts:" in one.out and "- AWS" in one.out
    soc1 = cli("description", "show", "--engagement", "Acme", "--section", "transactions")
    assert soc1.code == 1 and "has no section 'transactions'; its sections are services, commit" in soc1.err


def test_description_set_from_text_or_file_and_reviewed(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    setup_scope(cli, tmp_path)
    saved = cli(
        "description", "set", "--engagement", "Acme", "--section", "services", "--text", "We sell **X**."
    )
    assert saved.code == 0, saved.err
    assert saved.out == "Saved 1. Services we provide: needs-review — The system has no name yet: " + (
        "name it on the Scope page.\n"
    )
    (tmp_path / "components.md").write_text("Runs on AWS.\n\n- Okta for sign-in\n", encoding="utf-8")
    from_file = cli(
        "description", "set", "--engagement", "Acme", "--section", "components", "--file",
        str(tmp_path / "components.md"), "--json",
    )  # fmt: skip
    section = from_file.json()
    assert section["text"] == "Runs on AWS.\n\n- Okta for sign-in\n"
    assert (section["status"], section["to_confirm"]) == ("needs-review", ["AWS", "Okta"])
    reviewed = cli(
        "description", "set", "--engagement", "Acme", "--section", "components", "--reviewed", "--json"
    )
    assert reviewed.json()["status"] == "complete" and reviewed.json()["reviewed"] is True
    shown = cli("description", "show", "--engagement", "Acme", "--section", "services", "--json").json()
    assert shown["text"] == "We sell **X**."


def test_description_set_refuses_plainly(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    setup_scope(cli, tmp_path)
    nothing = cli("description", "set", "--engagement", "Acme", "--section", "services")
    assert nothing.code == 1 and "--text or --file" in nothing.err
    both = cli("description", "set", "--engagement", "Acme", "--section", "x", "--text", "a", "--file", "b")
    assert both.code == 2
    unknown = cli("description", "set", "--engagement", "Acme", "--section", "servces", "--text", "a")
    assert unknown.code == 1 and "no section 'servces'" in unknown.err
    no_file = cli("description", "set", "--engagement", "Acme", "--section", "services", "--file", "/nope.md")
    assert no_file.code == 1 and "no file at /nope.md" in no_file.err
    unscoped = cli("description", "show", "--engagement", "Other")
    assert unscoped.code == 1 and "Choose the report (SOC 1 or SOC 2) on the Scope page" in unscoped.err


def test_export_documents_as_pdf_or_word(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    setup_scope(cli, tmp_path)
    cli("description", "set", "--engagement", "Acme", "--section", "services", "--text", "We sell analytics.")
    word = cli(
        "export", "description", "--engagement", "Acme", "-o", str(tmp_path / "desc"), "--format", "docx"
    )
    assert word.code == 0, word.err
    paragraphs = [p.text for p in docx.Document(str(tmp_path / "desc.docx")).paragraphs]
    assert "We sell analytics." in paragraphs and "1. Services we provide" in paragraphs
    pdf = cli("export", "assertion", "--engagement", "Acme", "-o", str(tmp_path / "a.pdf"), "--json")
    assert pdf.json()["path"].endswith("a.pdf")
    text = " ".join(page.extract_text() for page in PdfReader(tmp_path / "a.pdf").pages)
    assert "Management's assertion" in text and "[Confirm:" in text
    clash = cli(
        "export", "assertion", "--engagement", "Acme", "-o", str(tmp_path / "a.pdf"), "--format", "docx"
    )
    assert clash.code == 1 and "a.pdf ends in .pdf but --format is docx" in clash.err
    wrong = cli("export", "assertion", "--engagement", "Acme", "-o", str(tmp_path / "a.txt"))
    assert wrong.code == 1 and "written as .pdf or .docx" in wrong.err
    bad = cli("export", "assertion", "--engagement", "Acme", "-o", str(tmp_path / "a"), "--format", "rtf")
    assert bad.code == 2
    letter = cli("export", "bridge-letter", "--engagement", "Acme", "-o", str(tmp_path / "b.pdf"))
    assert letter.code == 1 and "has no SOC report yet, so there is nothing to bridge" in letter.err
    assert not (tmp_path / "b.pdf").exists()


def test_demo_is_made_headless_and_refused_twice_under_one_name(cli) -> None:  # type: ignore[no-untyped-def]
    made = cli("demo", "--json")
    assert made.code == 0, made.err
    data = made.json()
    controls, _ = select_for_scope(
        load_starter(), ("Security", "Availability", "Confidentiality"), False, None
    )
    assert (data["name"], data["demo"], data["controls"], data["evidence"]) == (
        "Demo — Larkspur Analytics",
        True,
        len(controls),
        16,
    )
    again = cli("demo")
    assert again.code == 1 and "already exists" in again.err
    named = cli("demo", "--name", "Second demo")
    assert named.code == 0 and "Created the demo engagement 'Second demo'" in named.out
    assert "engagement delete" in named.out
    listed = cli("engagement", "list", "--json").json()
    assert [e["name"] for e in listed] == ["Demo — Larkspur Analytics", "Second demo"]
