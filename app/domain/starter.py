"""The starter library shipped in ``resources/starter``: controls and objectives to seed from.

``soc2-controls.toml`` holds SOC 2 controls mapped to the Trust Services
Criteria; ``soc1-objectives.toml`` holds SOC 1 control objectives (IT general
controls for every business and business-process objectives per type of
business), each with example controls of its own and references to SOC 2
controls that also serve it; ``carveouts.toml`` holds complementary user
entity controls (for every customer and per business type) and the cloud
provider as a carved-out subservice organization. Seeding copies what fits an
engagement's scope; from then on the copies belong to the engagement.

A SOC 1 engagement is seeded for one business type, never for all of them at
once: the business objectives of a payroll processor mean nothing to a fund
administrator.
"""

import tomllib
from dataclasses import dataclass
from functools import cache
from typing import Any

from app.domain.catalog import load_catalog, sort_key
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

    def applies_to(self, business_type: str) -> bool:
        """Whether the objective is offered to this business type (the ITGCs are offered to all)."""
        return ALL_BUSINESS_TYPES in self.business_types or business_type in self.business_types


@dataclass(frozen=True, slots=True)
class BusinessType:
    """A kind of service organization that SOC 1 business objectives are offered for."""

    id: str
    name: str
    description: str


@dataclass(frozen=True, slots=True)
class StarterCuec:
    """A complementary user entity control: what customers are assumed to do, for which businesses.

    ``related_criteria`` are Trust Services Criteria IDs; ``objectives`` the refs
    of the SOC 1 objectives the CUEC supports.
    """

    ref: str
    business_types: tuple[str, ...]
    description: str
    related_criteria: tuple[str, ...]
    objectives: tuple[str, ...]

    def applies_to(self, business_type: str | None) -> bool:
        """Whether the CUEC is offered to a SOC 1 of this business type (or to any engagement, for none)."""
        return ALL_BUSINESS_TYPES in self.business_types or business_type in self.business_types


@dataclass(frozen=True, slots=True)
class StarterSubservice:
    """A subservice organization with the services it provides, how it is presented and monitored."""

    name: str
    services: str
    method: str
    csocs: str
    monitoring: str
    notes: str


@dataclass(frozen=True, slots=True)
class StarterLibrary:
    """The SOC 2 starter controls, the SOC 1 starter objectives and business types, CUECs and
    subservice organizations."""

    controls: tuple[StarterControl, ...]
    objectives: tuple[StarterObjective, ...]
    business_types: tuple[BusinessType, ...]
    cuecs: tuple[StarterCuec, ...]
    subservices: tuple[StarterSubservice, ...]

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

    @property
    def business_types_with_objectives(self) -> tuple[BusinessType, ...]:
        """The business types that have business objectives of their own: the ones a SOC 1 can be seeded
        for, and the only ones the wizard's help may name."""
        offered = {t for o in self.objectives if o.kind == "business" for t in o.business_types}
        return tuple(b for b in self.business_types if b.id in offered)


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


def _cuec(entry: dict[str, Any]) -> StarterCuec:
    return StarterCuec(
        ref=entry["ref"],
        business_types=tuple(entry["business_types"]),
        description=entry["description"],
        related_criteria=tuple(entry["related_criteria"]),
        objectives=tuple(entry["objectives"]),
    )


def _subservice(entry: dict[str, Any]) -> StarterSubservice:
    return StarterSubservice(
        name=entry["name"],
        services=entry["services"],
        method=entry["method"],
        csocs=entry["csocs"],
        monitoring=entry["monitoring"],
        notes=entry["notes"],
    )


@cache
def load_starter() -> StarterLibrary:
    """Read the shipped starter library (once per process)."""
    soc2 = _read("soc2-controls.toml")
    soc1 = _read("soc1-objectives.toml")
    carveouts = _read("carveouts.toml")
    return StarterLibrary(
        controls=tuple(_control(c) for c in soc2["control"]),
        objectives=tuple(_objective(o) for o in soc1["objective"]),
        business_types=tuple(
            BusinessType(id=b["id"], name=b["name"], description=b["description"])
            for b in soc1["business_type"]
        ),
        cuecs=tuple(_cuec(c) for c in carveouts["cuec"]),
        subservices=tuple(_subservice(s) for s in carveouts["subservice"]),
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


def _soc1_business_type(library: StarterLibrary, business_type: str | None) -> str:
    """The id of the business type a SOC 1 is seeded for; ``ValueError`` when none or unknown."""
    if not business_type or not business_type.strip():
        offered = ", ".join(b.id for b in library.business_types_with_objectives)
        raise ValueError(
            "a SOC 1 is seeded for one business type, which decides its business objectives: choose one of "
            f"{offered}"
        )
    return library.business_type(business_type).id


def select_for_scope(
    library: StarterLibrary, categories: tuple[str, ...], soc1: bool, business_type: str | None
) -> tuple[tuple[StarterControl, ...], tuple[StarterObjective, ...]]:
    """The starter controls and objectives an engagement with this scope starts from.

    SOC 2 controls mapped to at least one criterion of *categories* (each with
    all its criteria). With *soc1*: the IT general control objectives and the
    business objectives of *business_type*, their own example controls, and the
    SOC 2 controls they refer to. Controls come in library order, SOC 2
    controls first. Raises ``ValueError`` for an unknown business type, or for
    none when *soc1* is set: a SOC 1 is never seeded with every type at once.
    """
    catalog = load_catalog()
    in_scope = {c.id for category in categories for c in catalog.in_category(category)}
    objectives: tuple[StarterObjective, ...] = ()
    if soc1:
        wanted = _soc1_business_type(library, business_type)
        objectives = tuple(o for o in library.objectives if o.applies_to(wanted))
    referenced = {ref for o in objectives for ref in o.soc2_controls}
    soc2 = tuple(c for c in library.controls if c.ref in referenced or in_scope.intersection(c.criteria))
    return soc2 + tuple(c for o in objectives for c in o.controls), objectives


def select_carveouts(
    library: StarterLibrary, soc1: bool, business_type: str | None
) -> tuple[tuple[StarterCuec, ...], tuple[StarterSubservice, ...]]:
    """The starter CUECs and subservice organizations an engagement with this scope starts from.

    The CUECs every customer is expected to operate, plus with *soc1* those of
    *business_type* (required then, as for :func:`select_for_scope`); the cloud
    provider as a carved-out subservice organization. Library order.
    """
    wanted = _soc1_business_type(library, business_type) if soc1 else None
    return tuple(c for c in library.cuecs if c.applies_to(wanted)), library.subservices


def cuec_values(cuec: StarterCuec) -> dict[str, str]:
    """The fields of a new CUEC copied from *cuec*: criteria in report order, objectives in the notes."""
    notes = ""
    if cuec.objectives:
        word = "objective" if len(cuec.objectives) == 1 else "objectives"
        notes = f"Supports SOC 1 {word} {', '.join(cuec.objectives)}."
    return {
        "ref": cuec.ref,
        "description": cuec.description,
        "related_criteria": ", ".join(sorted(cuec.related_criteria, key=sort_key)),
        "notes": notes,
    }


def subservice_values(subservice: StarterSubservice) -> dict[str, str]:
    """The fields of a new subservice organization copied from *subservice*."""
    return {
        "name": subservice.name,
        "services": subservice.services,
        "method": subservice.method,
        "csocs": subservice.csocs,
        "monitoring": subservice.monitoring,
        "notes": subservice.notes,
    }
