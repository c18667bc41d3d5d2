"""What a control of the matrix holds: its fields, declared once.

The matrix columns, the CLI options, the workbook columns and the import all
read this table, so a field is added in one place.
"""

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, fields
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


def _field(label: str, kind: FieldKind, default: Any, choices: type[StrEnum] | None = None) -> Any:
    """A :class:`ControlRow` attribute that is a field of the matrix (label, kind and default)."""
    meta = {"label": label, "kind": kind, "choices": choices}
    if isinstance(default, list):
        return field(default_factory=list, metadata=meta)
    return field(default=default, metadata=meta)


@dataclass(frozen=True, kw_only=True)
class ControlRow:
    """A control with its criteria, as screens, commands and exports use it.

    Every attribute after ``version`` is a field of the matrix, declared
    here once with its label and kind: :data:`CONTROL_FIELDS` is read from
    this class, and the matrix columns, CLI options, workbook columns and
    import follow it. ``version`` is the stored record's version when it was
    read: a save based on it is refused once someone else changed the control.
    """

    id: int
    engagement_id: int
    version: int = 1
    ref: str = _field("Ref", "text", "")
    title: str = _field("Title", "text", "")
    description: str = _field("Description", "long", "")
    criteria: list[str] = _field("Criteria", "criteria", [])
    owner: str = _field("Owner", "text", "")
    frequency: str | None = _field("Frequency", "choice", None, Frequency)
    start_date: date | None = _field("Operating since", "date", None)
    nature: str | None = _field("Nature", "choice", None, Nature)
    control_type: str | None = _field("Type", "choice", None, ControlType)
    is_key: bool = _field("Key", "bool", False)
    systems: str = _field("Systems", "text", "")
    expected_evidence: str = _field("Expected evidence", "long", "")
    test_procedure: str = _field("Test procedure", "long", "")
    population_source: str = _field("Population source", "text", "")
    population_size: int | None = _field("Population size", "int", None)
    key_reports: str = _field("Key reports relied on", "long", "")
    status: str = _field("Status", "choice", "not-started", Status)
    gap: str = _field("Gap", "long", "")
    remediation_owner: str = _field("Remediation owner", "text", "")
    remediation_due: date | None = _field("Remediation due", "date", None)
    exceptions: str = _field("Exceptions found", "long", "")
    management_response: str = _field("Management response", "long", "")
    dependency: str = _field("CUEC / subservice dependency", "text", "")
    notes: str = _field("Notes", "long", "")

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready values (dates as ``YYYY-MM-DD``)."""
        values = asdict(self)
        for name in ("start_date", "remediation_due"):
            if values[name] is not None:
                values[name] = values[name].isoformat()
        return values

    @property
    def implemented(self) -> bool:
        """Whether the control is Implemented or Ready for audit."""
        return self.status in READY_STATUSES

    def text(self, name: str) -> str:
        return display_value(name, getattr(self, name))

    @classmethod
    def from_columns(cls, names: Sequence[str], values: Sequence[Any], criteria: list[str]) -> "ControlRow":
        """A row from a database record: *values* of the fields *names* (the others keep their defaults).

        The matrix reads thousands of these at once, so the row is filled in one
        step rather than through a frozen dataclass's ``__init__``, which sets
        each field with a call of its own (about three times slower).
        """
        row = object.__new__(cls)
        state = row.__dict__
        state.update(_DEFAULTS)
        state.update(zip(names, values, strict=True))
        state["criteria"] = criteria
        return row


CONTROL_FIELDS: tuple[FieldSpec, ...] = tuple(
    FieldSpec(f.name, f.metadata["label"], f.metadata["kind"], f.metadata["choices"])
    for f in fields(ControlRow)
    if "label" in f.metadata
)
"""The matrix's fields in column order, read from :class:`ControlRow`."""
_DEFAULTS = {
    f.name: f.default
    for f in fields(ControlRow)
    if f.name != "criteria" and f.name not in ("id", "engagement_id")
}
FIELDS_BY_NAME = {spec.name: spec for spec in CONTROL_FIELDS}
TEXT_FIELDS = tuple(spec.name for spec in CONTROL_FIELDS if spec.kind in ("text", "long"))
STORED_FIELDS = tuple(spec.name for spec in CONTROL_FIELDS if spec.kind != "criteria")
"""The fields held in the control's own row (criteria are links to the catalog)."""
SUMMARY_FIELDS = frozenset(
    {"ref", "title", "criteria", "owner", "frequency", "nature", "control_type", "is_key", "status"}
)
"""The fields a summary read of the matrix fills in (its usual columns); the others are left empty."""
