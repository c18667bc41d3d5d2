"""What a control of the matrix holds: its fields, declared once.

The matrix columns, the CLI options, the workbook columns and the import all
read this table, so a field is added in one place.
"""

from dataclasses import asdict, dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any, Literal

from app.domain.periods import parse_day
from app.domain.vocab import READY_STATUSES, ControlType, Frequency, Nature, Status, label, parse_choice

FieldKind = Literal["text", "long", "choice", "bool", "date", "int", "criteria"]


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One field of a control: attribute name, column header and kind of value."""

    name: str
    label: str
    kind: FieldKind
    choices: type[StrEnum] | None = None


CONTROL_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("ref", "Ref", "text"),
    FieldSpec("title", "Title", "text"),
    FieldSpec("description", "Description", "long"),
    FieldSpec("criteria", "Criteria", "criteria"),
    FieldSpec("owner", "Owner", "text"),
    FieldSpec("frequency", "Frequency", "choice", Frequency),
    FieldSpec("nature", "Nature", "choice", Nature),
    FieldSpec("control_type", "Type", "choice", ControlType),
    FieldSpec("is_key", "Key", "bool"),
    FieldSpec("systems", "Systems", "text"),
    FieldSpec("expected_evidence", "Expected evidence", "long"),
    FieldSpec("test_procedure", "Test procedure", "long"),
    FieldSpec("population_source", "Population source", "text"),
    FieldSpec("status", "Status", "choice", Status),
    FieldSpec("gap", "Gap", "long"),
    FieldSpec("remediation_owner", "Remediation owner", "text"),
    FieldSpec("remediation_due", "Remediation due", "date"),
    FieldSpec("exceptions", "Exceptions found", "long"),
    FieldSpec("management_response", "Management response", "long"),
    FieldSpec("dependency", "CUEC / subservice dependency", "text"),
    FieldSpec("notes", "Notes", "long"),
)
OPERATION_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("start_date", "Operating since", "date"),
    FieldSpec("population_size", "Population size", "int"),
    FieldSpec("key_reports", "Key reports relied on", "long"),
)
"""Fields the sampling and the auditor's questions need, declared before the control table stores them.

``start_date``: the day the control began operating; ``population_size``: how
many times it operated in the review period (the count of the system-generated
list), which sizes the sample; ``key_reports``: the reports or system-generated
lists the control relies on, whose completeness and accuracy the auditor tests.
They join :data:`CONTROL_FIELDS` (``start_date`` after ``frequency``, the other
two after ``population_source``) once the database has their columns.
"""
FIELDS_BY_NAME = {spec.name: spec for spec in CONTROL_FIELDS + OPERATION_FIELDS}
TEXT_FIELDS = tuple(spec.name for spec in CONTROL_FIELDS if spec.kind in ("text", "long"))
MAX_REF_LENGTH = 40
MAX_POPULATION = 10_000_000

TRUE_WORDS = frozenset({"yes", "y", "true", "1", "x", "key"})
FALSE_WORDS = frozenset({"no", "n", "false", "0", ""})


def field_spec(name: str) -> FieldSpec:
    try:
        return FIELDS_BY_NAME[name]
    except KeyError:
        raise ValueError(f"a control has no field {name!r}") from None


def clean_ref(ref: str) -> str:
    """A control reference as stored: trimmed, no inner whitespace runs, not empty."""
    cleaned = " ".join(str(ref).split())
    if not cleaned:
        raise ValueError("a control needs a ref")
    if len(cleaned) > MAX_REF_LENGTH:
        raise ValueError(f"the ref {cleaned!r} is longer than {MAX_REF_LENGTH} characters")
    return cleaned


def split_criteria(text: str) -> list[str]:
    """``"CC6.1, cc6.2;CC6.3"`` -> ``["CC6.1", "CC6.2", "CC6.3"]`` (upper case, de-duplicated)."""
    seen: list[str] = []
    for part in text.replace(";", ",").replace("\n", ",").split(","):
        item = part.strip().upper()
        if item and item not in seen:
            seen.append(item)
    return seen


def coerce_value(name: str, value: Any) -> Any:
    """A field's value from user input (text or an already typed value).

    Raises ``ValueError`` with a message naming the field when it does not fit.
    """
    spec = field_spec(name)
    if spec.kind == "criteria":
        return split_criteria(value) if isinstance(value, str) else [str(v).upper() for v in value]
    if spec.kind == "bool":
        if isinstance(value, bool):
            return value
        word = str(value).strip().casefold()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise ValueError(f"{spec.label}: {value!r} is not yes or no")
    if spec.kind == "date":
        if value is None or isinstance(value, date):
            return value
        text = str(value).strip()
        if not text:
            return None
        try:
            return parse_day(text)
        except ValueError as error:
            raise ValueError(f"{spec.label}: {error}") from None
    if spec.kind == "int":
        return _whole_number(spec, value)
    if spec.kind == "choice":
        assert spec.choices is not None
        if value is None or str(value).strip() == "":
            if name == "status":
                raise ValueError("Status: a control always has a status")
            return None
        try:
            return parse_choice(spec.choices, str(value)).value
        except ValueError as error:
            raise ValueError(f"{spec.label}: {error}") from None
    text = "" if value is None else str(value)
    if name == "ref":
        return clean_ref(text)
    if name == "title":
        text = " ".join(text.split())
        if not text:
            raise ValueError("a control needs a title")
        return text
    return text.strip()


def _whole_number(spec: FieldSpec, value: Any) -> int | None:
    """A count from 0 to :data:`MAX_POPULATION`; empty means not known."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError(f"{spec.label}: {value!r} is not a whole number")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    try:
        number = value if isinstance(value, int) else int(str(value).strip().replace(",", ""))
    except ValueError:
        raise ValueError(f"{spec.label}: {value!r} is not a whole number") from None
    if not 0 <= number <= MAX_POPULATION:
        raise ValueError(f"{spec.label}: {number} is not between 0 and {MAX_POPULATION:,}")
    return number


def display_value(name: str, value: Any) -> str:
    """A field's value as shown in tables and exports."""
    spec = field_spec(name)
    if value is None:
        return ""
    if spec.kind == "criteria":
        return ", ".join(value)
    if spec.kind == "bool":
        return "Yes" if value else "No"
    if spec.kind == "date":
        return str(value.isoformat())
    if spec.kind == "choice":
        return label(str(value))
    return str(value)


@dataclass(slots=True)
class ControlRow:
    """A control with its criteria, as screens and commands use it."""

    id: int
    engagement_id: int
    ref: str
    title: str
    description: str = ""
    criteria: list[str] = field(default_factory=list)
    owner: str = ""
    frequency: str | None = None
    nature: str | None = None
    control_type: str | None = None
    is_key: bool = False
    systems: str = ""
    expected_evidence: str = ""
    test_procedure: str = ""
    population_source: str = ""
    status: str = "not-started"
    gap: str = ""
    remediation_owner: str = ""
    remediation_due: date | None = None
    exceptions: str = ""
    management_response: str = ""
    dependency: str = ""
    notes: str = ""

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready values (dates as ``YYYY-MM-DD``)."""
        values = asdict(self)
        if self.remediation_due is not None:
            values["remediation_due"] = self.remediation_due.isoformat()
        return values

    @property
    def implemented(self) -> bool:
        """Whether the control is Implemented or Ready for audit."""
        return self.status in READY_STATUSES

    def text(self, name: str) -> str:
        return display_value(name, getattr(self, name))
