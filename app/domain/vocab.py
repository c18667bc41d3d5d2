"""Fixed vocabularies of the workbench, defined once.

Every value is stored and accepted on the command line in lower case with
hyphens (``multiple-daily``); :func:`label` gives the words shown to people.
"""

from enum import StrEnum
from typing import TypeVar


class Frequency(StrEnum):
    """How often a control operates."""

    ANNUAL = "annual"
    SEMIANNUAL = "semiannual"
    QUARTERLY = "quarterly"
    MONTHLY = "monthly"
    WEEKLY = "weekly"
    DAILY = "daily"
    MULTIPLE_DAILY = "multiple-daily"
    PER_EVENT = "per-event"
    CONTINUOUS = "continuous"


class Status(StrEnum):
    """Readiness status of a control."""

    NOT_STARTED = "not-started"
    IN_PROGRESS = "in-progress"
    IMPLEMENTED = "implemented"
    READY_FOR_AUDIT = "ready-for-audit"
    EXCEPTION = "exception"


READY_STATUSES = frozenset({Status.IMPLEMENTED.value, Status.READY_FOR_AUDIT.value})
"""Statuses in which a control counts as implemented."""


class Nature(StrEnum):
    """Whether a person, a system, or a person relying on a system runs the control."""

    MANUAL = "manual"
    AUTOMATED = "automated"
    IT_DEPENDENT_MANUAL = "it-dependent-manual"


class ControlType(StrEnum):
    """What a control does about a risk."""

    PREVENTIVE = "preventive"
    DETECTIVE = "detective"
    CORRECTIVE = "corrective"


class ObjectiveKind(StrEnum):
    """Whether a SOC 1 objective covers IT general controls or a business process."""

    ITGC = "itgc"
    BUSINESS = "business"


class PolicyStatus(StrEnum):
    """Where a policy version stands: being written, in force, or replaced or withdrawn."""

    DRAFT = "draft"
    APPROVED = "approved"
    RETIRED = "retired"


class VersionChange(StrEnum):
    """How far a new policy version departs from the one in force.

    A *minor* change (wording, names, a clarified step) keeps staff
    acknowledgements; a *major* change (a new duty, a stricter deadline, a
    rule removed) needs every person to acknowledge the policy again.
    """

    MINOR = "minor"
    MAJOR = "major"


class SubserviceMethod(StrEnum):
    """How a subservice organization is presented in the report."""

    CARVE_OUT = "carve-out"
    INCLUSIVE = "inclusive"


E = TypeVar("E", bound=StrEnum)

CATEGORIES: tuple[str, ...] = (
    "Security",
    "Availability",
    "Confidentiality",
    "Processing Integrity",
    "Privacy",
)
"""Trust Services Categories in the order reports list them; Security is always in a SOC 2."""

REPORT_KINDS: tuple[str, ...] = ("SOC 1", "SOC 2")
REPORT_TYPES: tuple[str, ...] = ("Type 1", "Type 2")


def canonical_category(name: str) -> str:
    """The catalog's spelling of a category name given in any letter case.

    Raises ``ValueError`` naming the accepted values when *name* is not a category.
    """
    wanted = " ".join(name.split()).casefold()
    for category in CATEGORIES:
        if category.casefold() == wanted:
            return category
    raise ValueError(f"unknown category {name!r}; expected one of: {', '.join(CATEGORIES)}")


def canonical_report_kind(name: str) -> str:
    """``SOC 1`` or ``SOC 2`` from ``soc1``, ``SOC-2``, ``soc 2`` ..."""
    wanted = "".join(ch for ch in name.casefold() if ch.isalnum())
    for kind in REPORT_KINDS:
        if kind.replace(" ", "").casefold() == wanted:
            return kind
    raise ValueError(f"unknown report {name!r}; expected one of: {', '.join(REPORT_KINDS)}")


def canonical_report_type(name: str) -> str:
    """``Type 1`` or ``Type 2`` from ``type1``, ``Type-2``, ``2`` ..."""
    wanted = "".join(ch for ch in name.casefold() if ch.isalnum()).removeprefix("type")
    for report_type in REPORT_TYPES:
        if report_type.endswith(wanted) and wanted:
            return report_type
    raise ValueError(f"unknown report type {name!r}; expected one of: {', '.join(REPORT_TYPES)}")


def label(value: str) -> str:
    """Words for people from a vocabulary value (``per-event`` -> ``Per event``).

    Values without a special wording are capitalised with spaces for hyphens.
    """
    special = {
        "it-dependent-manual": "IT-dependent manual",
        "multiple-daily": "Multiple times a day",
        "per-event": "Per event",
        "ready-for-audit": "Ready for audit",
        "not-started": "Not started",
        "in-progress": "In progress",
        "itgc": "IT general controls",
        "business": "Business process",
    }
    return special.get(value, value.replace("-", " ").capitalize())


def parse_choice(enum: type[E], text: str) -> E:
    """A vocabulary member from user text (any case, spaces or hyphens).

    Raises ``ValueError`` listing the accepted values.
    """
    wanted = "-".join(text.strip().casefold().replace("_", "-").split())
    for member in enum:
        if member.value == wanted or label(member.value).casefold() == text.strip().casefold():
            return member
    accepted = ", ".join(member.value for member in enum)
    raise ValueError(f"unknown {enum.__name__.lower()} {text!r}; expected one of: {accepted}")


def categories_in_scope(
    report_kinds: list[str] | tuple[str, ...], categories: list[str] | tuple[str, ...]
) -> tuple[str, ...]:
    """The Trust Services Categories an engagement works on.

    With a SOC 2: its categories (Security always among them). Not scoped yet
    (no report chosen): Security, the part every SOC 2 has. SOC 1 only: none.
    """
    if "SOC 2" in report_kinds:
        return tuple(c for c in CATEGORIES if c in categories or c == "Security")
    if not report_kinds:
        return ("Security",)
    return ()
