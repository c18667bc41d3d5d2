"""The starter library shipped in ``resources/starter``: controls and objectives to seed from.

``soc2-controls.toml`` holds SOC 2 controls mapped to the Trust Services
Criteria; ``soc1-objectives.toml`` holds SOC 1 control objectives (IT general
controls for every business and business-process objectives per type of
business), each with example controls of its own and references to SOC 2
controls that also serve it. Seeding copies what fits an engagement's scope;
from then on the copies belong to the engagement.
"""

import tomllib
from dataclasses import dataclass
from functools import cache
from typing import Any

from app.domain.catalog import load_catalog
from app.domain.controls import coerce_value
from app.domain.vocab import Status
from app.resources import resource_path

ALL_BUSINESS_TYPES = "all"
"""The ``business_types`` entry of objectives that apply to every business (the ITGCs)."""

SYSTEMS_SEPARATOR = ", "
EVIDENCE_SEPARATOR = "; "
"""How a starter control's lists become the matrix's one-line text fields.

A control's systems are joined with commas and its expected evidence with
semicolons: one line keeps the matrix rows a fixed height and the text splits
back unambiguously (a test checks no item holds the separator).
"""


@dataclass(frozen=True, slots=True)
class StarterControl:
    """An example control, written as who does what, when, how, leaving what evidence."""

    ref: str
    title: str
    description: str
    criteria: tuple[str, ...]
    frequency: str
    nature: str
    control_type: str
    is_key: bool
    owner_role: str
    systems: tuple[str, ...]
    evidence: tuple[str, ...]
    test_procedure: str
    population_source: str


@dataclass(frozen=True, slots=True)
class StarterObjective:
    """A SOC 1 control objective with its example controls and the SOC 2 controls serving it."""

    ref: str
    kind: str
    business_types: tuple[str, ...]
    title: str
    description: str
    soc2_controls: tuple[str, ...]
    controls: tuple[StarterControl, ...]

    def applies_to(self, business_type: str | None) -> bool:
        """Whether the objective is offered to this business type (any business objective for none)."""
        if ALL_BUSINESS_TYPES in self.business_types:
            return True
        return not business_type or business_type in self.business_types


@dataclass(frozen=True, slots=True)
class BusinessType:
    """A kind of service organization that SOC 1 business objectives are offered for."""

    id: str
    name: str
    description: str


@dataclass(frozen=True, slots=True)
class StarterLibrary:
    """The SOC 2 starter controls, the SOC 1 starter objectives and the business types."""

    controls: tuple[StarterControl, ...]
    objectives: tuple[StarterObjective, ...]
    business_types: tuple[BusinessType, ...]

    @property
    def all_controls(self) -> tuple[StarterControl, ...]:
        """The SOC 2 controls followed by every objective's own example controls."""
        return self.controls + tuple(c for o in self.objectives for c in o.controls)

    def control(self, ref: str) -> StarterControl:
        """The starter control (SOC 2 or an objective's own) with this ref; ``KeyError`` when unknown."""
        for control in self.all_controls:
            if control.ref == ref:
                return control
        raise KeyError(ref)

    def objective(self, ref: str) -> StarterObjective:
        """The starter objective with this ref; ``KeyError`` when unknown."""
        for objective in self.objectives:
            if objective.ref == ref:
                return objective
        raise KeyError(ref)

    def business_type(self, key: str) -> BusinessType:
        """The business type whose id or name is *key* (any letter case).

        Raises ``ValueError`` naming the accepted ids when there is none.
        """
        wanted = " ".join(key.split()).casefold()
        for business_type in self.business_types:
            if wanted in (business_type.id.casefold(), business_type.name.casefold()):
                return business_type
        accepted = ", ".join(b.id for b in self.business_types)
        raise ValueError(f"unknown business type {key!r}; expected one of: {accepted}")


def _control(entry: dict[str, Any]) -> StarterControl:
    return StarterControl(
        ref=entry["ref"],
        title=entry["title"],
        description=entry["description"],
        criteria=tuple(entry["criteria"]),
        frequency=entry["frequency"],
        nature=entry["nature"],
        control_type=entry["type"],
        is_key=bool(entry["key"]),
        owner_role=entry["owner_role"],
        systems=tuple(entry["systems"]),
        evidence=tuple(entry["evidence"]),
        test_procedure=entry["test_procedure"],
        population_source=entry["population_source"],
    )


def _objective(entry: dict[str, Any]) -> StarterObjective:
    return StarterObjective(
        ref=entry["ref"],
        kind=entry["kind"],
        business_types=tuple(entry["business_types"]),
        title=entry["title"],
        description=entry["description"],
        soc2_controls=tuple(entry["soc2_controls"]),
        controls=tuple(_control(c) for c in entry.get("control", [])),
    )


def _read(name: str) -> dict[str, Any]:
    with resource_path("starter", name).open("rb") as handle:
        return tomllib.load(handle)


@cache
def load_starter() -> StarterLibrary:
    """Read the shipped starter library (once per process)."""
    soc2 = _read("soc2-controls.toml")
    soc1 = _read("soc1-objectives.toml")
    return StarterLibrary(
        controls=tuple(_control(c) for c in soc2["control"]),
        objectives=tuple(_objective(o) for o in soc1["objective"]),
        business_types=tuple(
            BusinessType(id=b["id"], name=b["name"], description=b["description"])
            for b in soc1["business_type"]
        ),
    )


def control_values(control: StarterControl) -> dict[str, Any]:
    """The matrix fields of a new control copied from *control* (its criteria apart).

    The owner is the starter's role (the company puts a name in later); systems
    and expected evidence are joined as :data:`EVIDENCE_SEPARATOR` describes;
    the status starts at *not started*. Raises ``ValueError`` on a value outside
    the vocabularies.
    """
    values = {
        "ref": control.ref,
        "title": control.title,
        "description": control.description,
        "owner": control.owner_role,
        "frequency": control.frequency,
        "nature": control.nature,
        "control_type": control.control_type,
        "is_key": control.is_key,
        "systems": SYSTEMS_SEPARATOR.join(control.systems),
        "expected_evidence": EVIDENCE_SEPARATOR.join(control.evidence),
        "test_procedure": control.test_procedure,
        "population_source": control.population_source,
        "status": Status.NOT_STARTED.value,
    }
    return {name: coerce_value(name, value) for name, value in values.items()}


def select_for_scope(
    library: StarterLibrary, categories: tuple[str, ...], soc1: bool, business_type: str | None
) -> tuple[tuple[StarterControl, ...], tuple[StarterObjective, ...]]:
    """The starter controls and objectives an engagement with this scope starts from.

    SOC 2 controls mapped to at least one criterion of *categories* (each with
    all its criteria). With *soc1*: the IT general control objectives and the
    business objectives of *business_type* (every business objective when it is
    empty), their own example controls, and the SOC 2 controls they refer to.
    Controls come in library order, SOC 2 controls first. Raises ``ValueError``
    for an unknown business type.
    """
    catalog = load_catalog()
    in_scope = {c.id for category in categories for c in catalog.in_category(category)}
    objectives: tuple[StarterObjective, ...] = ()
    if soc1:
        wanted = library.business_type(business_type).id if business_type else None
        objectives = tuple(o for o in library.objectives if o.applies_to(wanted))
    referenced = {ref for o in objectives for ref in o.soc2_controls}
    soc2 = tuple(c for c in library.controls if c.ref in referenced or in_scope.intersection(c.criteria))
    return soc2 + tuple(c for o in objectives for c in o.controls), objectives
