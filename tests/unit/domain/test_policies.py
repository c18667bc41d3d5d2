"""The policy library, the questionnaire, rendering, the lifecycle and the readiness gaps."""

import re
from datetime import date

import pytest

from app.domain.catalog import load_catalog
from app.domain.controls import ControlRow
from app.domain.policies import (
    QUESTIONS,
    QUESTIONS_BY_KEY,
    PolicyRow,
    PolicyRuleError,
    PolicyTemplate,
    approve_policy,
    bump_version,
    check_policy_body,
    clean_answer,
    clean_answers,
    document_control,
    edit_draft,
    initial_answers,
    load_policy_library,
    new_policy,
    next_review_date,
    normalise_version,
    placeholders,
    policy_gaps,
    policy_markdown,
    questions_for,
    render_policy,
    retire_policy,
    review_months,
    review_state,
    set_next_review,
    start_new_version,
)
from app.domain.starter import load_starter
from app.domain.vocab import CATEGORIES, PolicyStatus, VersionChange
from app.resources import resource_path

LIBRARY = load_policy_library()
TEMPLATES = LIBRARY.templates
ANSWERS = {q.key: q.example for q in QUESTIONS} | {"company": "Northwind Ledger GmbH"}
SECTIONS = ["Purpose", "Scope", "Roles and responsibilities", "Policy", "Exceptions", "Enforcement", "Review"]
TODAY = date(2026, 5, 1)


def template_ids() -> list[str]:
    return [t.key for t in TEMPLATES]


def test_the_library_holds_the_policies_the_issue_names() -> None:
    keys = [t.key for t in TEMPLATES]
    assert len(keys) == len(set(keys)) == 22
    for wanted in (
        "information-security",
        "acceptable-use",
        "access-control",
        "change-management",
        "secure-development",
        "vulnerability-management",
        "logging-monitoring",
        "incident-response",
        "business-continuity",
        "backup",
        "encryption",
        "vendor-management",
        "risk-assessment",
        "data-classification",
        "data-retention",
        "hr-security",
        "security-awareness",
        "physical-security",
        "code-of-conduct",
        "confidentiality",
        "availability",
        "privacy",
    ):
        assert wanted in keys


def test_every_markdown_file_has_an_index_entry() -> None:
    files = {path.stem for path in resource_path("policies").glob("*.md")}
    assert files == {t.key for t in TEMPLATES}


@pytest.mark.parametrize("template", TEMPLATES, ids=template_ids())
def test_every_template_renders_completely_with_full_answers(template: PolicyTemplate) -> None:
    rendered = render_policy(template.body, ANSWERS)
    assert rendered.missing == ()
    assert rendered.complete
    assert "{{" not in rendered.markdown and "}}" not in rendered.markdown
    assert "not answered" not in rendered.markdown
    assert "Northwind Ledger GmbH" in rendered.markdown


@pytest.mark.parametrize("template", TEMPLATES, ids=template_ids())
def test_every_template_has_the_audit_sections_in_order(template: PolicyTemplate) -> None:
    headings = re.findall(r"^## (.+)$", template.body, flags=re.MULTILINE)
    assert headings == SECTIONS
    assert not template.body.startswith("# ")
    assert len(template.body.split()) < 1400  # short enough to be read


@pytest.mark.parametrize("template", TEMPLATES, ids=template_ids())
def test_templates_use_only_the_markdown_the_document_model_reads(template: PolicyTemplate) -> None:
    check_policy_body(template.body)
    for line in template.body.splitlines():
        assert not line.startswith(("#### ", "> ", "```", "    ", "\t")), line
        assert "<" not in line and "](" not in line, line
    tables = [line for line in template.body.splitlines() if line.startswith("|")]
    assert all(line.endswith("|") for line in tables)


def test_policies_refer_to_each_other_by_their_titles() -> None:
    titles = {t.title for t in TEMPLATES}
    mentioned = {
        match.group(1)
        for t in TEMPLATES
        for match in re.finditer(r"((?:[A-Z][a-z]+ (?:and |of )?)+Policy)\b", t.body)
    }
    assert mentioned - titles == set()
    listed = re.findall(r"^- (.+ Policy)$", LIBRARY.template("information-security").body, flags=re.MULTILINE)
    assert set(listed) == {t.title for t in LIBRARY.for_categories(["Security"])} - {
        "Information Security Policy"
    }


def test_links_name_real_starter_controls_and_criteria() -> None:
    starter = {c.ref: c for c in load_starter().controls}
    catalog_ids = load_catalog().ids
    for template in TEMPLATES:
        assert template.controls, template.key
        assert set(template.controls) <= set(starter), template.key
        assert set(template.criteria) <= catalog_ids, template.key
        supported = {criterion for ref in template.controls for criterion in starter[ref].criteria}
        assert set(template.criteria) <= supported | {"CC5.3"}, template.key
        assert set(template.categories) <= set(CATEGORIES)
    assert set(LIBRARY.acknowledgement_controls) <= set(starter)


def test_policies_follow_the_categories_in_scope() -> None:
    security_only = {t.key for t in LIBRARY.for_categories(["Security"])}
    assert len(security_only) == 19
    assert {"confidentiality", "availability", "privacy"}.isdisjoint(security_only)
    with_confidentiality = {t.key for t in LIBRARY.for_categories(["security", "Confidentiality"])}
    assert with_confidentiality - security_only == {"confidentiality"}
    assert len(LIBRARY.for_categories(list(CATEGORIES))) == 22


def test_key_deadlines_agree_with_the_starter_controls() -> None:
    """Each policy states the same deadline as the starter control that operates it."""
    starter = {c.ref: c.description for c in load_starter().controls}
    body = {t.key: t.body for t in TEMPLATES}
    patch = re.search(r"critical (\d+) days, high (\d+) days, medium (\d+) days", starter["OPS-02"])
    assert patch, "OPS-02 no longer states its deadlines as 'critical N days, high N days, medium N days'"
    critical, high, medium = patch.groups()
    vulnerabilities = body["vulnerability-management"]
    assert f"| Critical | {critical} days |" in vulnerabilities
    assert f"| High | {high} days |" in vulnerabilities
    assert f"| Medium | {medium} days |" in vulnerabilities
    assert f"Critical updates are installed within {critical} days" in vulnerabilities
    assert "within one business day" in starter["ACC-02"]
    assert "within one business day of the last working day" in body["access-control"]
    assert (
        "within five business days" in starter["ACC-03"]
        and "within five business days" in body["access-control"]
    )
    assert "within 30 days of hire" in starter["HR-04"]
    assert "within 30 days of their start date" in body["security-awareness"]
    assert "retained for 35 days" in starter["BCP-01"] and "kept for 35 days" in body["backup"]
    assert (
        "within two business days" in starter["CHG-05"]
        and "within two business days" in body["change-management"]
    )
    assert "at least one year" in starter["OPS-06"] and "at least one year" in body["logging-monitoring"]
    assert "at most twelve months" in starter["POL-03"]
    assert all(
        "no more than 12 months away" in b
        for k, b in body.items()
        if k not in ("risk-assessment", "code-of-conduct")
    )


def test_unanswered_placeholders_are_listed_and_marked_never_left_as_braces() -> None:
    body = LIBRARY.template("backup").body
    rendered = render_policy(body, {"company": "Acme", "cloud_provider": "  "})
    assert rendered.missing == (
        "cloud_provider",
        "ticketing_tool",
        "code_hosting",
        "security_owner",
        "policy_approver",
        "engineering_owner",
        "review_cadence",
    )
    assert not rendered.complete
    assert "{{" not in rendered.markdown and "}}" not in rendered.markdown
    assert "[not answered: Cloud provider]" in rendered.markdown
    assert "Acme" in rendered.markdown


def test_answers_are_escaped_and_choices_print_their_words() -> None:
    body = "{{company}} reviews this {{review_cadence}}.\n\n{{security_owner}} owns it.\n"
    answers = {"company": "A_B *Co* | [x] `y`", "review_cadence": "Semiannual", "security_owner": "#1 \\ IT"}
    rendered = render_policy(body, answers)
    assert rendered.markdown == (
        "A\\_B \\*Co\\* \\| [x] \\`y\\` reviews this at least every six months.\n\n\\#1 \\\\ IT owns it.\n"
    )
    with pytest.raises(ValueError, match="Who owns security: the answer may not start with a list mark"):
        render_policy(body, {"security_owner": "- IT"})


def test_questions_for_lists_only_the_placeholders_used() -> None:
    physical = LIBRARY.template("physical-security").body
    keys = [q.key for q in questions_for([physical])]
    assert keys[0] == "company"
    assert "code_hosting" not in keys and "hr_system" in keys
    assert keys == [q.key for q in QUESTIONS if q.key in placeholders(physical)]
    every = {name for t in TEMPLATES for name in placeholders(t.body)}
    assert every == set(QUESTIONS_BY_KEY)
    assert initial_answers() == {"review_cadence": "annual"}


def test_answers_are_cleaned_or_refused_with_the_question_named() -> None:
    assert clean_answer("company", "  Acme  ") == "Acme"
    assert clean_answer("review_cadence", "Semiannual") == "semiannual"
    assert clean_answer("review_cadence", "at least once a year") == "annual"
    assert clean_answers({"company": "Acme", "cloud_provider": " "}) == {"company": "Acme"}
    with pytest.raises(ValueError, match="Company name: the answer must be one line"):
        clean_answer("company", "Acme\nEvil")
    with pytest.raises(ValueError, match="Cloud provider: the answer may not contain"):
        clean_answer("cloud_provider", "{{company}}")
    with pytest.raises(ValueError, match="there is no policy question 'colour'"):
        clean_answer("colour", "blue")
    with pytest.raises(ValueError, match="'weekly' is not one of: annual, semiannual"):
        clean_answer("review_cadence", "weekly")
    for listed in ("- IT", "+ IT", "1. IT", "2) IT", "-"):
        with pytest.raises(ValueError, match="may not start with a list mark"):
            clean_answer("security_owner", listed)
    assert clean_answer("company", "3M") == "3M" and clean_answer("company", "-ish Ltd") == "-ish Ltd"
    with pytest.raises(ValueError, match="longer than 200 characters"):
        clean_answer("company", "x" * 201)
    assert review_months({"review_cadence": "semiannual"}) == 6
    assert review_months({}) == 12


def test_a_policy_text_with_an_unknown_or_broken_placeholder_is_refused() -> None:
    with pytest.raises(ValueError, match=r"line 2: \{\{colour\}\} is not a known placeholder"):
        check_policy_body("Fine {{company}}.\nBad {{colour}}.")
    with pytest.raises(ValueError, match="line 1: “{{” and “}}” must enclose a placeholder"):
        check_policy_body("Broken {{company} here")
    with pytest.raises(ValueError, match="not a known placeholder"):
        render_policy("{{ company_name }}", ANSWERS)


# ---------------------------------------------------------------------------
# Lifecycle
# ---------------------------------------------------------------------------


def seeded(key: str = "access-control") -> PolicyRow:
    return new_policy(LIBRARY.template(key), owner=" IT Manager ", today=date(2025, 1, 10))


def approved(policy: PolicyRow, on: date, by: str = "Dana Ruiz, CEO") -> PolicyRow:
    return approve_policy(policy, approved_by=by, approved_on=on, answers=ANSWERS, today=on)


def test_a_seeded_policy_is_a_draft_1_0_with_the_template_links() -> None:
    policy = seeded()
    template = LIBRARY.template("access-control")
    assert policy.status is PolicyStatus.DRAFT
    assert policy.owner == "IT Manager"
    assert [v.version for v in policy.versions] == ["1.0"]
    assert policy.draft is policy.latest and policy.in_force is None
    assert policy.controls == template.controls and policy.criteria == template.criteria
    assert review_state(policy, TODAY) == "not-approved"


def test_approval_records_who_and_when_and_sets_the_review_a_year_later() -> None:
    policy = approved(seeded(), date(2025, 2, 3))
    current = policy.in_force
    assert current is not None
    assert policy.status is PolicyStatus.APPROVED
    assert (current.version, current.approved_by, current.approved_on) == (
        "1.0",
        "Dana Ruiz, CEO",
        date(2025, 2, 3),
    )
    assert current.next_review == date(2026, 2, 3)
    assert policy.draft is None


def test_approval_needs_every_placeholder_answered() -> None:
    answers = {k: v for k, v in ANSWERS.items() if k not in ("identity_provider", "code_hosting")}
    with pytest.raises(PolicyRuleError, match="unanswered: Identity provider, Code hosting"):
        approve_policy(seeded(), approved_by="CEO", approved_on=TODAY, answers=answers, today=TODAY)


def test_approval_refuses_a_missing_approver_a_future_date_and_a_date_before_the_version_in_force() -> None:
    with pytest.raises(PolicyRuleError, match="say who approves"):
        approve_policy(seeded(), approved_by="  ", approved_on=TODAY, answers=ANSWERS, today=TODAY)
    with pytest.raises(PolicyRuleError, match="2026-05-02 is in the future"):
        approve_policy(
            seeded(), approved_by="CEO", approved_on=date(2026, 5, 2), answers=ANSWERS, today=TODAY
        )
    policy = start_new_version(
        approved(seeded(), date(2025, 6, 1)), change=VersionChange.MINOR, summary="Names", today=TODAY
    )
    with pytest.raises(PolicyRuleError, match="before version 1.0 was approved"):
        approve_policy(policy, approved_by="CEO", approved_on=date(2025, 5, 31), answers=ANSWERS, today=TODAY)
    earlier = approve_policy(
        seeded(), approved_by="CEO", approved_on=date(2024, 11, 2), answers=ANSWERS, today=TODAY
    )
    assert earlier.in_force is not None and earlier.in_force.approved_on == date(2024, 11, 2)


def test_an_approved_version_is_read_only_and_changes_go_into_a_new_version() -> None:
    policy = approved(seeded(), date(2025, 2, 3))
    with pytest.raises(PolicyRuleError, match="version 1.0 of the Access Control Policy is approved"):
        edit_draft(policy, body="New text")
    with pytest.raises(PolicyRuleError, match="no draft to approve"):
        approved(policy, date(2025, 3, 1))
    with pytest.raises(PolicyRuleError, match="say what changes"):
        start_new_version(policy, change=VersionChange.MINOR, summary=" ", today=TODAY)
    minor = start_new_version(
        policy, change=VersionChange.MINOR, summary="Tool names updated", today=date(2025, 9, 1)
    )
    draft = minor.draft
    assert draft is not None and draft.version == "1.1" and draft.body == policy.versions[0].body
    assert minor.status is PolicyStatus.APPROVED  # 1.0 stays in force while 1.1 is written
    assert minor.in_force is minor.versions[0]
    with pytest.raises(PolicyRuleError, match="1.1 of the Access Control Policy is already a draft"):
        start_new_version(minor, change=VersionChange.MAJOR, summary="Again", today=TODAY)
    edited = edit_draft(minor, body=draft.body + "\nOne more line about {{company}}.\n")
    assert edited.versions[0] == minor.versions[0]
    with pytest.raises(ValueError, match="not a known placeholder"):
        edit_draft(minor, body="{{boss}}")


def test_draft_to_approved_to_minor_to_major_numbers_and_retires_versions() -> None:
    policy = approved(seeded(), date(2025, 2, 3))
    policy = start_new_version(
        policy, change=VersionChange.MINOR, summary="Clarified wording", today=date(2025, 8, 1)
    )
    policy = approved(policy, date(2025, 8, 4))
    assert [(v.version, v.status, v.retired_on) for v in policy.versions] == [
        ("1.0", PolicyStatus.RETIRED, date(2025, 8, 4)),
        ("1.1", PolicyStatus.APPROVED, None),
    ]
    assert policy.in_force is not None and policy.in_force.next_review == date(2026, 8, 4)
    policy = start_new_version(
        policy, change=VersionChange.MAJOR, summary="MFA keys required", today=date(2026, 1, 5)
    )
    policy = approved(policy, date(2026, 1, 9))
    assert [v.version for v in policy.versions] == ["1.0", "1.1", "2.0"]
    assert [v.change for v in policy.versions] == [None, VersionChange.MINOR, VersionChange.MAJOR]
    assert policy.first_approved_on == date(2025, 2, 3)
    assert policy.version_in_force_on(date(2025, 8, 3)) is policy.versions[0]
    assert policy.version_in_force_on(date(2025, 8, 4)) is policy.versions[1]
    assert policy.version_in_force_on(date(2025, 1, 1)) is None
    assert policy.version("v2") is policy.versions[2]


def test_first_draft_cannot_get_a_new_version_before_approval() -> None:
    with pytest.raises(PolicyRuleError, match="never been approved"):
        start_new_version(seeded(), change=VersionChange.MINOR, summary="x", today=TODAY)


@pytest.mark.parametrize(
    ("version", "change", "expected"),
    [
        ("1.0", VersionChange.MINOR, "1.1"),
        ("1.9", VersionChange.MINOR, "1.10"),
        ("1.2", VersionChange.MAJOR, "2.0"),
    ],
)
def test_version_numbers(version: str, change: VersionChange, expected: str) -> None:
    assert bump_version(version, change) == expected


def test_version_spellings() -> None:
    assert normalise_version("v2") == "2.0"
    assert normalise_version(" 1.10 ") == "1.10"
    with pytest.raises(ValueError, match="'one' is not a policy version"):
        normalise_version("one")


def test_review_states_around_the_review_date() -> None:
    policy = approved(seeded(), date(2025, 3, 1))
    assert review_state(policy, date(2026, 1, 29)) == "current"
    assert review_state(policy, date(2026, 1, 30)) == "due"
    assert review_state(policy, date(2026, 3, 1)) == "due"
    assert review_state(policy, date(2026, 3, 2)) == "overdue"
    moved = set_next_review(policy, date(2026, 6, 30))
    assert review_state(moved, date(2026, 3, 2)) == "current"
    with pytest.raises(PolicyRuleError, match="must come after the approval"):
        set_next_review(policy, date(2025, 3, 1))
    assert review_state(retire_policy(policy, today=date(2026, 4, 1)), date(2026, 4, 2)) == "retired"


def test_review_dates_of_leap_day_approvals_and_semiannual_cadence() -> None:
    assert next_review_date(date(2024, 2, 29)) == date(2025, 2, 28)
    assert next_review_date(date(2024, 8, 31), 6) == date(2025, 2, 28)
    policy = approve_policy(
        seeded(),
        approved_by="CEO",
        approved_on=date(2025, 1, 31),
        answers=ANSWERS,
        today=TODAY,
        review_in_months=6,
    )
    assert policy.in_force is not None and policy.in_force.next_review == date(2025, 7, 31)


def test_retiring_closes_every_version() -> None:
    policy = start_new_version(
        approved(seeded(), date(2025, 2, 3)), change=VersionChange.MINOR, summary="x", today=date(2025, 3, 1)
    )
    retired = retire_policy(policy, today=date(2025, 4, 1))
    assert retired.status is PolicyStatus.RETIRED
    assert {v.status for v in retired.versions} == {PolicyStatus.RETIRED}
    assert retired.versions[0].retired_on == date(2025, 4, 1)
    with pytest.raises(PolicyRuleError, match="was retired on 2025-04-01"):
        edit_draft(retired, body="x")


def test_list_json_shape() -> None:
    policy = approved(seeded(), date(2025, 2, 3))
    policy = start_new_version(policy, change=VersionChange.MINOR, summary="x", today=date(2025, 3, 1))
    data = policy.as_dict(date(2025, 3, 2))
    assert data == {
        "id": "access-control",
        "title": "Access Control Policy",
        "version": "1.0",
        "status": "approved",
        "owner": "IT Manager",
        "approved_by": "Dana Ruiz, CEO",
        "approved_on": "2025-02-03",
        "next_review": "2026-02-03",
        "review": "current",
        "draft_version": "1.1",
        "controls": list(LIBRARY.template("access-control").controls),
        "criteria": list(LIBRARY.template("access-control").criteria),
    }
    assert seeded().as_dict(TODAY)["approved_on"] is None
    assert seeded().as_dict(TODAY)["draft_version"] is None


def test_the_policy_document_carries_control_table_text_and_history() -> None:
    policy = approved(seeded(), date(2025, 2, 3))
    policy = start_new_version(
        policy, change=VersionChange.MINOR, summary="Names | tools", today=date(2025, 3, 1)
    )
    policy = approved(policy, date(2025, 3, 5), by="Dana Ruiz")
    version = policy.versions[1]
    document = policy_markdown(policy, version, render_policy(version.body, ANSWERS))
    assert document.startswith("# Access Control Policy\n\n| Document control | |\n")
    assert "| Version | 1.1 |" in document and "| Approved on | 5 Mar 2025 |" in document
    assert "| Next review | 5 Mar 2026 |" in document and "| Owner | IT Manager |" in document
    assert "| 1.0 | 3 Feb 2025 | Dana Ruiz, CEO | First version |" in document
    assert "| 1.1 | 5 Mar 2025 | Dana Ruiz | Names \\| tools |" in document
    assert "Northwind Ledger GmbH" in document and "{{" not in document
    assert document_control(policy, version) == (
        ("Version", "1.1"),
        ("Status", "Approved"),
        ("Owner", "IT Manager"),
        ("Approved by", "Dana Ruiz"),
        ("Approved on", "5 Mar 2025"),
        ("Next review", "5 Mar 2026"),
    )
    first = policy_markdown(policy, policy.versions[0], render_policy(policy.versions[0].body, ANSWERS))
    assert "| 1.1 |" not in first and "| Status | Retired |" in first


# ---------------------------------------------------------------------------
# Readiness gaps
# ---------------------------------------------------------------------------


def control(ref: str, *criteria: str) -> ControlRow:
    return ControlRow(id=len(ref), engagement_id=1, ref=ref, title=ref, criteria=list(criteria))


CONTROLS = [
    control("ACC-01", "CC6.2", "CC6.3"),
    control("ACC-03", "CC6.1", "CC6.2"),
    control("CON-03", "C1.1"),
    control("NET-05", "CC6.7", "C1.1"),
]


def test_criteria_relying_on_a_draft_policy_are_gaps_in_scope_only() -> None:
    access = seeded("access-control")
    gaps = policy_gaps([access], CONTROLS, ["Security"], today=TODAY)
    assert [(g.criterion, g.kind, g.control_refs) for g in gaps] == [
        ("CC6.1", "policy-not-approved", ("ACC-03",)),
        ("CC6.2", "policy-not-approved", ("ACC-01", "ACC-03")),
        ("CC6.3", "policy-not-approved", ("ACC-01",)),
    ]
    assert gaps[1].message == (
        "CC6.2 relies on the Access Control Policy (controls ACC-01, ACC-03), which is not approved"
    )
    assert {g.category for g in gaps} == {"Security"}


def test_approved_policies_in_date_are_no_gap_and_overdue_ones_are() -> None:
    access = approved(seeded("access-control"), date(2025, 2, 3))
    confidentiality = seeded("confidentiality")
    assert policy_gaps([access], CONTROLS, ["Security"], today=date(2026, 2, 3)) == ()
    gaps = policy_gaps(
        [access, confidentiality], CONTROLS, ["Security", "Confidentiality"], today=date(2026, 2, 4)
    )
    assert [(g.criterion, g.policy_key, g.kind) for g in gaps] == [
        ("CC6.1", "access-control", "policy-review-overdue"),
        ("CC6.2", "access-control", "policy-review-overdue"),
        ("CC6.3", "access-control", "policy-review-overdue"),
        ("CC6.7", "confidentiality", "policy-not-approved"),
        ("C1.1", "confidentiality", "policy-not-approved"),
    ]
    assert gaps[0].message.endswith("whose review was due 2026-02-03")
    assert (gaps[3].category, gaps[4].category) == ("Security", "Confidentiality")
    assert gaps[4].control_refs == ("CON-03", "NET-05")


def test_a_retired_policy_that_controls_still_rely_on_is_a_gap() -> None:
    access = retire_policy(approved(seeded(), date(2025, 2, 3)), today=date(2025, 6, 1))
    gaps = policy_gaps([access], CONTROLS, ["Security"], today=date(2025, 6, 2))
    assert [g.criterion for g in gaps] == ["CC6.1", "CC6.2", "CC6.3"]
    assert gaps[0].message.endswith("which is retired")
