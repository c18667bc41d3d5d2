"""An engagement's policies, questionnaire answers, staff and acknowledgements, and the files made of them.

:class:`PolicyRecords` holds what the Policies page, the acknowledgement
register and the policy exports read, as one state. The documents of a
policy version (:func:`policy_document`), their file names and the policy
pack's README are decided here; the writers only lay them out.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from app.domain.document import Document, document_from_markdown
from app.domain.files import safe_name
from app.domain.policies import (
    QUESTIONS,
    QUESTIONS_BY_KEY,
    PolicyRow,
    PolicyRuleError,
    PolicyVersionRow,
    normalise_version,
    placeholders,
    policy_markdown,
    render_policy,
)
from app.domain.staff import (
    ACKNOWLEDGEMENT_DAYS,
    AcknowledgementRow,
    AcknowledgementStatusRow,
    LateAcknowledgementRow,
    StaffRow,
    acknowledgement_register,
    late_acknowledgements,
)
from app.domain.vocab import PolicyStatus

POLICY_FOLDER = "policies"
"""Where the approved policies and the register go inside the evidence package."""
REGISTER_FILE = "acknowledgement-register.xlsx"
REGISTER_TITLE = "Policy acknowledgement register"

STATE_WORDS = {
    "acknowledged": "Acknowledged",
    "never": "Not acknowledged",
    "earlier-major": "Only an earlier major version",
    "expired": "Expired: over a year ago",
}
"""The register's words for each acknowledgement state."""


@dataclass(frozen=True, slots=True)
class PolicyRecords:
    """Everything about an engagement's policies, read as one state."""

    policies: tuple[PolicyRow, ...] = ()
    answers: Mapping[str, str] = field(default_factory=dict)
    staff: tuple[StaffRow, ...] = ()
    acknowledgements: tuple[AcknowledgementRow, ...] = ()

    def policy(self, key: str) -> PolicyRow:
        """The policy with this key; ``KeyError`` when the engagement has none."""
        for policy in self.policies:
            if policy.key == key:
                return policy
        raise KeyError(key)

    @property
    def in_force(self) -> tuple[tuple[PolicyRow, PolicyVersionRow], ...]:
        """Each policy staff follow now with its approved version, in library order."""
        return tuple(
            (policy, version)
            for policy in self.policies
            if policy.retired_on is None and (version := policy.in_force) is not None
        )

    def register(self, on: date) -> tuple[AcknowledgementStatusRow, ...]:
        """Every person active *on* the day against every policy in force (see the staff rules)."""
        return acknowledgement_register(self.policies, self.staff, self.acknowledgements, on=on)

    def late(self, on: date, within_days: int = ACKNOWLEDGEMENT_DAYS) -> tuple[LateAcknowledgementRow, ...]:
        """Starters who did not acknowledge a policy in force within *within_days*, policy by policy."""
        return tuple(
            row
            for policy, _version in self.in_force
            for row in late_acknowledgements(
                policy, self.staff, self.acknowledgements, on=on, within_days=within_days
            )
        )

    def unanswered(self) -> tuple[str, ...]:
        """The questions a draft or a version in force uses that have no answer (questionnaire order)."""
        used = {
            name
            for policy in self.policies
            if policy.retired_on is None
            for version in (policy.draft, policy.in_force)
            if version is not None
            for name in placeholders(version.body)
        }
        return tuple(q.key for q in QUESTIONS if q.key in used and not self.answers.get(q.key, "").strip())


def unanswered_labels(keys: Iterable[str]) -> str:
    """``Cloud provider, Ticketing tool``: the questions named as people read them."""
    return ", ".join(QUESTIONS_BY_KEY[key].label for key in keys)


def version_to_export(policy: PolicyRow, number: str | None = None) -> PolicyVersionRow:
    """The version an export shows: *number* when given, else the one in force, else the draft.

    Raises :class:`PolicyRuleError` for a version the policy does not have.
    """
    if number is None:
        return policy.shown
    try:
        return policy.version(normalise_version(number))
    except (KeyError, ValueError):
        known = ", ".join(v.version for v in policy.versions)
        raise PolicyRuleError(f"the {policy.title} has no version {number}; it has {known}") from None


def policy_document(
    policy: PolicyRow, version: PolicyVersionRow, answers: Mapping[str, str], *, company: str
) -> Document:
    """The document of *version*: title, document control, the filled text and the change history.

    Raises :class:`PolicyRuleError` naming the unanswered questions when a
    placeholder has no answer: no exported policy carries a placeholder or a
    gap marker.
    """
    rendered = render_policy(version.body, answers)
    if rendered.missing:
        raise PolicyRuleError(
            f"the {policy.title} {version.version} cannot be exported yet; answer these policy questions "
            f"first: {unanswered_labels(rendered.missing)}"
        )
    return document_from_markdown(policy_markdown(policy, version, rendered), subtitle=company)


def policy_file_name(policy: PolicyRow, version: PolicyVersionRow, suffix: str) -> str:
    """``Access Control Policy v1.1.pdf``; a draft says so (``… v1.2 draft.docx``)."""
    draft = " draft" if version.status is PolicyStatus.DRAFT else ""
    return safe_name(f"{policy.title} v{version.version}{draft}.{suffix}")


def check_acknowledgement(
    policy: PolicyRow, acknowledgement: AcknowledgementRow, staff: Sequence[StaffRow], today: date
) -> None:
    """Refuse an acknowledgement the records cannot hold, with one plain sentence (``ValueError``).

    The person must be on the staff list and the version approved by the day
    it was acknowledged, which may not be in the future.
    """
    if acknowledgement.email not in {person.email for person in staff}:
        raise ValueError(f"{acknowledgement.email} is not on the staff list; import the staff list first")
    if acknowledgement.acknowledged_on > today:
        raise ValueError(f"the date {acknowledgement.acknowledged_on.isoformat()} is in the future")
    try:
        version = policy.version(acknowledgement.version)
    except KeyError:
        raise ValueError(f"the {policy.title} has no version {acknowledgement.version}") from None
    if version.approved_on is None:
        raise ValueError(f"version {version.version} of the {policy.title} is not approved")
    if acknowledgement.acknowledged_on < version.approved_on:
        raise ValueError(
            f"acknowledged on {acknowledgement.acknowledged_on.isoformat()}, before version "
            f"{version.version} of the {policy.title} was approved ({version.approved_on.isoformat()})"
        )


def policy_pack_readme(
    company: str, engagement: str, as_of: datetime, files: Sequence[tuple[str, str]], staff_count: int
) -> str:
    """The note that opens the policy pack; *files* are (file name, policy title and version)."""
    width = max([len(name) for name, _ in files] + [len(REGISTER_FILE)]) + 2
    listed = "".join(f"{name:<{width}}{about}\n" for name, about in files) or "No policy is approved yet.\n"
    return (
        f"Policy pack — {company or engagement}\n"
        f"{'=' * 60}\n\n"
        f"Engagement: {engagement}\n"
        f"Data as of: {as_of:%Y-%m-%d %H:%M} UTC (the last change to the engagement's records)\n\n"
        "Approved policies\n"
        "-----------------\n"
        f"{listed}\n"
        f"{REGISTER_FILE:<{width}}who of the {staff_count} people on the staff list acknowledged which\n"
        f"{'':<{width}}policy version, and when\n\n"
        "Each policy shows its version, owner, approval and next review in its document control\n"
        "table, and every earlier version in its change history.\n\n"
        "Checking that nothing was altered\n"
        "---------------------------------\n"
        "MANIFEST.sha256 lists the SHA-256 of every other file in the pack. From the folder the\n"
        "pack was unzipped into, run:\n\n"
        "    sha256sum -c MANIFEST.sha256        (Linux)\n"
        "    shasum -a 256 -c MANIFEST.sha256    (macOS)\n"
    )
