"""Policies: the shipped templates, the questionnaire that fills them, and their lifecycle.

The library in ``resources/policies`` holds one Markdown template per policy
and ``index.toml`` with each policy's title, categories and pre-set links to
starter controls and criteria. Templates contain placeholders such as
``{{company}}``; :data:`QUESTIONS` declares each one with its label and help,
and :func:`render_policy` fills them.

**Unanswered placeholders** are rendered as a visible marker
(``[not answered: Cloud provider]``) and listed in the result. A draft with
markers can still be previewed and exported for review, because people
comment on drafts with gaps; a version cannot be *approved* while a
placeholder is unanswered (:func:`approve_policy` refuses), so no approved
policy — the thing an auditor reads — ever carries a marker or a ``{{…}}``.

**Versions** are ``MAJOR.MINOR``. A policy starts as ``1.0`` draft. Once a
version is approved it is read-only; changes go into a new draft: a *minor*
version (``1.0`` → ``1.1``: wording, names, a clarified step) keeps staff
acknowledgements, a *major* version (``1.1`` → ``2.0``: a new duty, a stricter
deadline, a rule removed) needs everyone to acknowledge again (see
:func:`app.domain.staff.acknowledgement_covers`). When a draft is approved the
version it replaces is retired. The next review is due
:data:`DEFAULT_REVIEW_MONTHS` after approval unless the questionnaire's review
cadence says otherwise.
"""

import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import cache
from typing import Any, Literal, Protocol

from app.domain.catalog import load_catalog, sort_key
from app.domain.periods import add_months, format_day
from app.domain.vocab import PolicyStatus, VersionChange, canonical_category, label
from app.resources import resource_path

POLICY_FOLDER = "policies"
INDEX_FILE = "index.toml"
FIRST_VERSION = "1.0"
DEFAULT_REVIEW_MONTHS = 12
REVIEW_WARNING_DAYS = 30
"""A review is *due* this many days before its date, and *overdue* after it."""
MAX_ANSWER_LENGTH = 200

PLACEHOLDER = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
UNANSWERED_MARKER = "[not answered: {label}]"
MARKDOWN_SPECIAL = "\\*_`|#"
"""Characters escaped with a backslash when an answer is put into Markdown (the escapes the
document model reads, see ``app.domain.document``)."""
LIST_MARK = re.compile(r"^(?:[-+]|\d{1,9}[.)])(?:\s|$)")
"""An answer starting like this would turn a line it begins into a list item; it is refused."""


class PolicyRuleError(ValueError):
    """A lifecycle step that the policy's state does not allow; one plain sentence."""


# ---------------------------------------------------------------------------
# Questionnaire
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PolicyQuestion:
    """One placeholder of the templates, asked once per engagement.

    ``choices`` pairs a stored value with the words the policy prints for it;
    a question without choices takes one line of free text. ``default`` is
    what a new questionnaire is pre-filled with (never used for an unanswered
    question when rendering).
    """

    key: str
    label: str
    help: str
    example: str
    choices: tuple[tuple[str, str], ...] = ()
    default: str = ""


REVIEW_CADENCES: tuple[tuple[str, str], ...] = (
    ("annual", "at least once a year"),
    ("semiannual", "at least every six months"),
)
REVIEW_MONTHS = {"annual": 12, "semiannual": 6}

QUESTIONS: tuple[PolicyQuestion, ...] = (
    PolicyQuestion(
        "company",
        "Company name",
        "The company's name as customers know it; it appears in every policy.",
        "Acme Analytics Ltd",
    ),
    PolicyQuestion(
        "cloud_provider",
        "Cloud provider",
        "Where the production service runs.",
        "Amazon Web Services",
    ),
    PolicyQuestion(
        "identity_provider",
        "Identity provider",
        "The single sign-on service staff log in through.",
        "Okta",
    ),
    PolicyQuestion(
        "ticketing_tool",
        "Ticketing tool",
        "Where access requests, changes, exceptions and incidents are recorded.",
        "Jira",
    ),
    PolicyQuestion(
        "code_hosting",
        "Code hosting",
        "Where source code and pull requests live.",
        "GitHub",
    ),
    PolicyQuestion(
        "hr_system",
        "HR system",
        "Where staff records, start and end dates and signed documents are kept.",
        "BambooHR",
    ),
    PolicyQuestion(
        "device_management",
        "Device management tool",
        "The tool that enrols, encrypts, updates and wipes company laptops.",
        "Jamf",
    ),
    PolicyQuestion(
        "security_contact",
        "Security contact",
        "The address staff and outsiders use to report security concerns.",
        "security@acme.example",
    ),
    PolicyQuestion(
        "security_owner",
        "Who owns security",
        "The role that runs the security programme day to day (a role, not a person's name, "
        "so the policies survive a change of staff).",
        "IT Manager",
    ),
    PolicyQuestion(
        "policy_approver",
        "Who approves policies",
        "The executive accountable for security, who approves every policy.",
        "CEO",
    ),
    PolicyQuestion(
        "people_owner",
        "Who owns people matters",
        "The role responsible for hiring, onboarding, offboarding and discipline.",
        "Head of People",
    ),
    PolicyQuestion(
        "engineering_owner",
        "Who owns engineering",
        "The role responsible for the product, its infrastructure and changes to them.",
        "CTO",
    ),
    PolicyQuestion(
        "privacy_owner",
        "Who owns privacy and data retention",
        "The role that keeps the retention schedule and, when Privacy is in scope, the privacy programme.",
        "Privacy Officer",
    ),
    PolicyQuestion(
        "review_cadence",
        "Policy review cadence",
        "How often policies are reviewed; auditors expect at least once a year.",
        "annual",
        choices=REVIEW_CADENCES,
        default="annual",
    ),
)
QUESTIONS_BY_KEY = {question.key: question for question in QUESTIONS}


def questions_for(bodies: Iterable[str]) -> tuple[PolicyQuestion, ...]:
    """The questions whose placeholders occur in *bodies*, in questionnaire order."""
    used = {name for body in bodies for name in placeholders(body)}
    return tuple(q for q in QUESTIONS if q.key in used)


def initial_answers() -> dict[str, str]:
    """The answers a new questionnaire starts with: the defaults, nothing else."""
    return {q.key: q.default for q in QUESTIONS if q.default}


def clean_answer(key: str, value: object) -> str:
    """An answer as stored: one trimmed line, a declared choice where the question has choices.

    An empty string means "not answered". Raises ``ValueError`` naming the
    question for an unknown key, a line break, braces that would read as a
    placeholder, an over-long text, or a value outside the choices.
    """
    question = QUESTIONS_BY_KEY.get(key)
    if question is None:
        raise ValueError(
            f"there is no policy question {key!r}; expected one of: {', '.join(QUESTIONS_BY_KEY)}"
        )
    text = "" if value is None else str(value).strip()
    if any(ch in text for ch in "\r\n\t") or any(ord(ch) < 32 for ch in text):
        raise ValueError(f"{question.label}: the answer must be one line of text")
    if "{{" in text or "}}" in text:
        raise ValueError(f"{question.label}: the answer may not contain “{{{{” or “}}}}”")
    if LIST_MARK.match(text):
        raise ValueError(f"{question.label}: the answer may not start with a list mark such as “-” or “1.”")
    if len(text) > MAX_ANSWER_LENGTH:
        raise ValueError(f"{question.label}: the answer is longer than {MAX_ANSWER_LENGTH} characters")
    if question.choices and text:
        wanted = "-".join(text.casefold().split())
        for value_, words in question.choices:
            if wanted in (value_, label(value_).casefold()) or text.casefold() == words.casefold():
                return value_
        accepted = ", ".join(v for v, _ in question.choices)
        raise ValueError(f"{question.label}: {text!r} is not one of: {accepted}")
    return text


def clean_answers(answers: Mapping[str, object]) -> dict[str, str]:
    """Every answer of *answers* cleaned (see :func:`clean_answer`); empty answers dropped."""
    cleaned = {key: clean_answer(key, value) for key, value in answers.items()}
    return {key: value for key, value in cleaned.items() if value}


def review_months(answers: Mapping[str, str]) -> int:
    """Months from approval to the next review, from the review cadence answer (12 when unanswered)."""
    return REVIEW_MONTHS.get(answers.get("review_cadence", ""), DEFAULT_REVIEW_MONTHS)


# ---------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------


def placeholders(body: str) -> tuple[str, ...]:
    """The placeholder names of *body* in order of first use, each once."""
    seen: dict[str, None] = {}
    for match in PLACEHOLDER.finditer(body):
        seen.setdefault(match.group(1), None)
    return tuple(seen)


def check_policy_body(body: str) -> None:
    """Refuse a policy text the renderer could not fill completely.

    Raises ``ValueError`` naming the line of a placeholder that is not a
    question of the questionnaire or of braces ``{{``/``}}`` that do not form
    a placeholder.
    """
    for number, line in enumerate(body.splitlines(), 1):
        for match in PLACEHOLDER.finditer(line):
            if match.group(1) not in QUESTIONS_BY_KEY:
                known = ", ".join(QUESTIONS_BY_KEY)
                raise ValueError(
                    f"line {number}: {match.group(0)} is not a known placeholder; known ones are: {known}"
                )
        rest = PLACEHOLDER.sub("", line)
        if "{{" in rest or "}}" in rest:
            raise ValueError(
                f"line {number}: “{{{{” and “}}}}” must enclose a placeholder such as {{{{company}}}}"
            )


def escape_markdown(text: str) -> str:
    """*text* safe to put inside a Markdown paragraph, list item or table cell."""
    return "".join(f"\\{ch}" if ch in MARKDOWN_SPECIAL else ch for ch in text)


@dataclass(frozen=True, slots=True)
class RenderedPolicy:
    """A policy's Markdown with every placeholder filled, and the questions left unanswered."""

    markdown: str
    missing: tuple[str, ...]

    @property
    def complete(self) -> bool:
        return not self.missing


def _phrase(question: PolicyQuestion, answer: str) -> str:
    return dict(question.choices).get(answer, answer)


def render_policy(body: str, answers: Mapping[str, str]) -> RenderedPolicy:
    """*body* with each placeholder replaced by its answer.

    Each answer is cleaned as :func:`clean_answer` does, escaped for Markdown,
    and a choice prints its words (``annual`` prints "at least once a year").
    An unanswered placeholder prints :data:`UNANSWERED_MARKER` with the
    question's label and its key is listed in ``missing`` (questionnaire
    order). The output never contains ``{{`` or ``}}``. Raises ``ValueError``
    for a body :func:`check_policy_body` refuses or an answer
    :func:`clean_answer` refuses.
    """
    check_policy_body(body)
    missing: set[str] = set()

    def fill(match: re.Match[str]) -> str:
        question = QUESTIONS_BY_KEY[match.group(1)]
        answer = clean_answer(question.key, answers.get(question.key))
        if not answer:
            missing.add(question.key)
            return UNANSWERED_MARKER.format(label=question.label)
        return escape_markdown(_phrase(question, answer))

    markdown = PLACEHOLDER.sub(fill, body)
    return RenderedPolicy(markdown, tuple(q.key for q in QUESTIONS if q.key in missing))


# ---------------------------------------------------------------------------
# The shipped library
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PolicyTemplate:
    """A shipped policy: its text with placeholders and its pre-set links."""

    key: str
    title: str
    summary: str
    categories: tuple[str, ...]
    controls: tuple[str, ...]
    criteria: tuple[str, ...]
    body: str

    def applies_to(self, categories: Sequence[str]) -> bool:
        """Whether an engagement working on *categories* needs this policy."""
        return bool(set(self.categories).intersection(categories))


@dataclass(frozen=True, slots=True)
class PolicyLibrary:
    """Every shipped template, and the controls the acknowledgement register is evidence for."""

    templates: tuple[PolicyTemplate, ...]
    acknowledgement_controls: tuple[str, ...]

    def template(self, key: str) -> PolicyTemplate:
        """The template with this key; ``KeyError`` when unknown."""
        for template in self.templates:
            if template.key == key:
                return template
        raise KeyError(key)

    def for_categories(self, categories: Sequence[str]) -> tuple[PolicyTemplate, ...]:
        """The templates an engagement with these categories in scope starts from, in library order."""
        names = [canonical_category(c) for c in categories]
        return tuple(t for t in self.templates if t.applies_to(names))


def _template(entry: Mapping[str, Any]) -> PolicyTemplate:
    key = str(entry["key"])
    body = resource_path(POLICY_FOLDER, f"{key}.md").read_text(encoding="utf-8")
    criteria = tuple(sorted(entry["criteria"], key=sort_key))
    return PolicyTemplate(
        key=key,
        title=str(entry["title"]),
        summary=str(entry["summary"]),
        categories=tuple(canonical_category(c) for c in entry["categories"]),
        controls=tuple(entry["controls"]),
        criteria=criteria,
        body=body,
    )


@cache
def load_policy_library() -> PolicyLibrary:
    """Read the shipped policy library (once per process)."""
    with resource_path(POLICY_FOLDER, INDEX_FILE).open("rb") as handle:
        index = tomllib.load(handle)
    return PolicyLibrary(
        templates=tuple(_template(entry) for entry in index["policy"]),
        acknowledgement_controls=tuple(index["acknowledgement_controls"]),
    )


# ---------------------------------------------------------------------------
# Versions and lifecycle
# ---------------------------------------------------------------------------

_VERSION = re.compile(r"^v?(\d{1,4})(?:\.(\d{1,4}))?$", re.IGNORECASE)


def parse_version(text: str) -> tuple[int, int]:
    """``"1.1"`` → ``(1, 1)``; also ``v2``, ``V2.0``. ``ValueError`` with a plain message otherwise."""
    match = _VERSION.match(str(text).strip())
    if not match:
        raise ValueError(f"{text!r} is not a policy version such as 1.0 or 2.1")
    return int(match.group(1)), int(match.group(2) or 0)


def format_version(major: int, minor: int) -> str:
    return f"{major}.{minor}"


def normalise_version(text: str) -> str:
    """A version as stored: ``v1`` → ``1.0``, ``2.10`` stays ``2.10``."""
    return format_version(*parse_version(text))


def bump_version(version: str, change: VersionChange) -> str:
    """The version after *version*: ``1.1`` → ``1.2`` (minor) or ``2.0`` (major)."""
    major, minor = parse_version(version)
    if change is VersionChange.MAJOR:
        return format_version(major + 1, 0)
    return format_version(major, minor + 1)


def next_review_date(approved_on: date, months: int = DEFAULT_REVIEW_MONTHS) -> date:
    """The review date *months* after approval (29 Feb + 12 months → 28 Feb)."""
    return add_months(approved_on, months)


@dataclass(frozen=True, slots=True)
class PolicyVersionRow:
    """One version of a policy: its text, what changed, and its approval.

    ``change`` is ``None`` for the first version. ``retired_on`` is set when a
    newer version was approved or the policy was retired.
    """

    version: str
    status: PolicyStatus
    body: str
    created_on: date
    change: VersionChange | None = None
    summary: str = ""
    approved_by: str = ""
    approved_on: date | None = None
    next_review: date | None = None
    retired_on: date | None = None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready values (dates as ``YYYY-MM-DD``), the body left out."""
        return {
            "version": self.version,
            "status": self.status.value,
            "change": self.change.value if self.change else None,
            "summary": self.summary,
            "created_on": self.created_on.isoformat(),
            "approved_by": self.approved_by,
            "approved_on": _iso(self.approved_on),
            "next_review": _iso(self.next_review),
            "retired_on": _iso(self.retired_on),
        }


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


ReviewState = Literal["not-approved", "current", "due", "overdue", "retired"]
"""Where a policy stands against its review date; *due* is within :data:`REVIEW_WARNING_DAYS`."""


@dataclass(frozen=True, slots=True)
class PolicyRow:
    """A policy of an engagement with its versions (oldest first) and its links.

    ``controls`` holds control refs and ``criteria`` criterion IDs; both start
    from the template and are the engagement's to edit.
    """

    key: str
    title: str
    owner: str
    categories: tuple[str, ...]
    controls: tuple[str, ...]
    criteria: tuple[str, ...]
    versions: tuple[PolicyVersionRow, ...]
    retired_on: date | None = None

    @property
    def in_force(self) -> PolicyVersionRow | None:
        """The approved version staff follow now; ``None`` before the first approval or once retired."""
        return next((v for v in reversed(self.versions) if v.status is PolicyStatus.APPROVED), None)

    @property
    def draft(self) -> PolicyVersionRow | None:
        """The version being written, if any (there is at most one)."""
        return next((v for v in self.versions if v.status is PolicyStatus.DRAFT), None)

    @property
    def latest(self) -> PolicyVersionRow:
        return self.versions[-1]

    @property
    def shown(self) -> PolicyVersionRow:
        """The version lists and exports show: the one in force, else the draft, else the last one."""
        return self.in_force or self.draft or self.latest

    @property
    def status(self) -> PolicyStatus:
        """Approved while a version is in force (even with a new draft pending), else draft or retired."""
        if self.retired_on is not None:
            return PolicyStatus.RETIRED
        return PolicyStatus.APPROVED if self.in_force else PolicyStatus.DRAFT

    @property
    def first_approved_on(self) -> date | None:
        """When the policy first came into force."""
        return min((v.approved_on for v in self.versions if v.approved_on), default=None)

    def version_in_force_on(self, day: date) -> PolicyVersionRow | None:
        """The approved version that was in force on *day* (``None`` before the first approval)."""
        found = None
        for version in self.versions:
            if version.approved_on is not None and version.approved_on <= day:
                found = version
        return found

    def version(self, number: str) -> PolicyVersionRow:
        """The version numbered *number* (``1.1``, ``v1.1``); ``KeyError`` when there is none."""
        wanted = normalise_version(number)
        for version in self.versions:
            if version.version == wanted:
                return version
        raise KeyError(number)

    def as_dict(self, today: date) -> dict[str, Any]:
        """The ``policies list --json`` object: the version shown, its approval, links and review state."""
        shown = self.shown
        draft = self.draft
        return {
            "id": self.key,
            "title": self.title,
            "version": shown.version,
            "status": self.status.value,
            "owner": self.owner,
            "approved_by": shown.approved_by or None,
            "approved_on": _iso(shown.approved_on),
            "next_review": _iso(shown.next_review),
            "review": review_state(self, today),
            "draft_version": draft.version if draft and draft is not shown else None,
            "controls": list(self.controls),
            "criteria": list(self.criteria),
        }


def new_policy(template: PolicyTemplate, *, owner: str, today: date) -> PolicyRow:
    """A policy seeded from *template*: version 1.0 as a draft, with the template's links."""
    first = PolicyVersionRow(FIRST_VERSION, PolicyStatus.DRAFT, template.body, today)
    return PolicyRow(
        key=template.key,
        title=template.title,
        owner=owner.strip(),
        categories=template.categories,
        controls=template.controls,
        criteria=template.criteria,
        versions=(first,),
    )


def _replace_version(policy: PolicyRow, old: PolicyVersionRow, new: PolicyVersionRow) -> PolicyRow:
    return replace(policy, versions=tuple(new if v is old else v for v in policy.versions))


def _not_retired(policy: PolicyRow) -> None:
    if policy.retired_on is not None:
        raise PolicyRuleError(f"the {policy.title} was retired on {policy.retired_on.isoformat()}")


def edit_draft(policy: PolicyRow, *, body: str) -> PolicyRow:
    """*policy* with its draft's text replaced by *body*.

    Approved versions are read-only: raises :class:`PolicyRuleError` when there
    is no draft (start a new version first), ``ValueError`` for a text
    :func:`check_policy_body` refuses.
    """
    _not_retired(policy)
    draft = policy.draft
    if draft is None:
        raise PolicyRuleError(
            f"version {policy.latest.version} of the {policy.title} is approved and cannot change; "
            "start a new version to edit it"
        )
    check_policy_body(body)
    return _replace_version(policy, draft, replace(draft, body=body))


def approve_policy(
    policy: PolicyRow,
    *,
    approved_by: str,
    approved_on: date,
    answers: Mapping[str, str],
    today: date,
    review_in_months: int = DEFAULT_REVIEW_MONTHS,
) -> PolicyRow:
    """*policy* with its draft approved and the version it replaces retired.

    The next review is set *review_in_months* after *approved_on*. Raises
    :class:`PolicyRuleError` when there is no draft, no approver is named, the
    date is after *today* or before the version in force was approved, or a
    placeholder of the draft is unanswered (the message names the questions).
    An approval given on paper before the draft was entered may be recorded
    with its real, earlier date.
    """
    _not_retired(policy)
    draft = policy.draft
    if draft is None:
        raise PolicyRuleError(f"the {policy.title} has no draft to approve; start a new version first")
    approver = " ".join(approved_by.split())
    if not approver:
        raise PolicyRuleError("say who approves the policy (a name and role, e.g. “Jane Doe, CEO”)")
    if approved_on > today:
        raise PolicyRuleError(f"the approval date {approved_on.isoformat()} is in the future")
    current = policy.in_force
    if current is not None and current.approved_on is not None and approved_on < current.approved_on:
        raise PolicyRuleError(
            f"the approval date {approved_on.isoformat()} is before version {current.version} "
            f"was approved ({current.approved_on.isoformat()})"
        )
    missing = render_policy(draft.body, answers).missing
    if missing:
        labels = ", ".join(QUESTIONS_BY_KEY[key].label for key in missing)
        raise PolicyRuleError(f"answer the policy questions first; unanswered: {labels}")
    approved = replace(
        draft,
        status=PolicyStatus.APPROVED,
        approved_by=approver,
        approved_on=approved_on,
        next_review=next_review_date(approved_on, review_in_months),
    )
    result = _replace_version(policy, draft, approved)
    if current is not None:
        result = _replace_version(
            result, current, replace(current, status=PolicyStatus.RETIRED, retired_on=approved_on)
        )
    return result


def start_new_version(policy: PolicyRow, *, change: VersionChange, summary: str, today: date) -> PolicyRow:
    """*policy* with a new draft copied from the version in force, numbered by *change*.

    *summary* says what changes and goes into the change history. Raises
    :class:`PolicyRuleError` when a draft is already open, nothing is approved
    yet (edit the first draft instead) or no summary is given.
    """
    _not_retired(policy)
    current = policy.in_force
    if current is None:
        raise PolicyRuleError(f"the {policy.title} has never been approved; edit and approve its first draft")
    if policy.draft is not None:
        raise PolicyRuleError(f"version {policy.draft.version} of the {policy.title} is already a draft")
    text = " ".join(summary.split())
    if not text:
        raise PolicyRuleError("say what changes in the new version; it goes into the change history")
    draft = PolicyVersionRow(
        version=bump_version(policy.latest.version, change),
        status=PolicyStatus.DRAFT,
        body=current.body,
        created_on=today,
        change=change,
        summary=text,
    )
    return replace(policy, versions=(*policy.versions, draft))


def set_next_review(policy: PolicyRow, day: date) -> PolicyRow:
    """*policy* with the review date of its version in force moved to *day* (after its approval)."""
    current = policy.in_force
    if current is None or current.approved_on is None:
        raise PolicyRuleError(f"the {policy.title} has no approved version to review")
    if day <= current.approved_on:
        raise PolicyRuleError(
            f"the next review ({day.isoformat()}) must come after the approval "
            f"({current.approved_on.isoformat()})"
        )
    return _replace_version(policy, current, replace(current, next_review=day))


def retire_policy(policy: PolicyRow, *, today: date) -> PolicyRow:
    """*policy* withdrawn: every version retired (an open draft is retired too)."""
    _not_retired(policy)
    versions = tuple(
        v if v.status is PolicyStatus.RETIRED else replace(v, status=PolicyStatus.RETIRED, retired_on=today)
        for v in policy.versions
    )
    return replace(policy, versions=versions, retired_on=today)


def review_state(policy: PolicyRow, today: date, warning_days: int = REVIEW_WARNING_DAYS) -> ReviewState:
    """``overdue`` after the review date, ``due`` within *warning_days* of it, else ``current``."""
    if policy.retired_on is not None:
        return "retired"
    current = policy.in_force
    if current is None:
        return "not-approved"
    if current.next_review is None:
        return "current"
    if today > current.next_review:
        return "overdue"
    if today >= current.next_review - timedelta(days=warning_days):
        return "due"
    return "current"


# ---------------------------------------------------------------------------
# Documents
# ---------------------------------------------------------------------------


def _cell(text: str) -> str:
    return escape_markdown(" ".join(text.split())) or "—"


def document_control(policy: PolicyRow, version: PolicyVersionRow) -> tuple[tuple[str, str], ...]:
    """The document control lines of *version* as plain text: version, status, owner, approval, review.

    Exporters that show these in a title block (the document model's
    ``particulars``) take them from here; :func:`policy_markdown` prints them as a table.
    """
    return (
        ("Version", version.version),
        ("Status", label(version.status.value)),
        ("Owner", policy.owner),
        ("Approved by", version.approved_by),
        ("Approved on", format_day(version.approved_on) if version.approved_on else ""),
        ("Next review", format_day(version.next_review) if version.next_review else ""),
    )


def policy_markdown(policy: PolicyRow, version: PolicyVersionRow, rendered: RenderedPolicy) -> str:
    """The whole document for *version*: title, a document control table, the text, the change history.

    The history lists every version up to *version*: number, date (approval,
    else start), approver and what changed.
    """
    rows = document_control(policy, version)
    control = "\n".join(["| Document control | |", "|---|---|", *(f"| {k} | {_cell(v)} |" for k, v in rows)])
    history = ["| Version | Date | Approved by | Change |", "|---|---|---|---|"]
    for entry in policy.versions:
        day = entry.approved_on or entry.created_on
        what = entry.summary or ("First version" if entry.change is None else "")
        history.append(
            f"| {entry.version} | {format_day(day)} | {_cell(entry.approved_by)} | {_cell(what)} |"
        )
        if entry is version:
            break
    parts = [f"# {escape_markdown(policy.title)}", control, rendered.markdown.strip(), "## Change history"]
    return "\n\n".join([*parts, "\n".join(history)]) + "\n"


# ---------------------------------------------------------------------------
# Readiness
# ---------------------------------------------------------------------------


class ControlLike(Protocol):
    """What the policy gaps need of a control: its ref and its criteria."""

    @property
    def ref(self) -> str: ...

    @property
    def criteria(self) -> Sequence[str]: ...


PolicyGapKind = Literal["policy-not-approved", "policy-review-overdue"]


@dataclass(frozen=True, slots=True)
class PolicyGap:
    """A criterion in scope whose controls rely on a policy that is not in force or is past its review."""

    kind: PolicyGapKind
    category: str
    criterion: str
    policy_key: str
    control_refs: tuple[str, ...]
    message: str


def _policy_problem(policy: PolicyRow, today: date) -> tuple[PolicyGapKind, str] | None:
    state = review_state(policy, today)
    if state == "retired":
        return "policy-not-approved", "which is retired"
    if state == "not-approved":
        return "policy-not-approved", "which is not approved"
    current = policy.in_force
    if state == "overdue" and current is not None and current.next_review is not None:
        return "policy-review-overdue", f"whose review was due {current.next_review.isoformat()}"
    return None


def policy_gaps(
    policies: Sequence[PolicyRow], controls: Sequence[ControlLike], categories: Sequence[str], *, today: date
) -> tuple[PolicyGap, ...]:
    """One gap per criterion in scope and policy it relies on that is not approved or past its review.

    A criterion relies on a policy when a control mapped to it is linked to the
    policy (by ref, in the policy's ``controls``). Gaps come in criterion order,
    then policy order.
    """
    catalog = load_catalog()
    in_scope = {
        c.id: c.category for name in categories for c in catalog.in_category(canonical_category(name))
    }
    gaps: list[tuple[tuple[int, int, int], int, PolicyGap]] = []
    for order, policy in enumerate(policies):
        problem = _policy_problem(policy, today)
        if problem is None:
            continue
        kind, why = problem
        linked = [c for c in controls if c.ref in policy.controls]
        criteria = sorted({cr for c in linked for cr in c.criteria if cr in in_scope}, key=sort_key)
        for criterion in criteria:
            refs = tuple(sorted(c.ref for c in linked if criterion in c.criteria))
            message = f"{criterion} relies on the {policy.title} (controls {', '.join(refs)}), {why}"
            gap = PolicyGap(kind, in_scope[criterion], criterion, policy.key, refs, message)
            gaps.append((sort_key(criterion), order, gap))
    return tuple(gap for _, _, gap in sorted(gaps, key=lambda item: (item[0], item[1])))
