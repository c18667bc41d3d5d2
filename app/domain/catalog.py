"""The Trust Services Criteria catalog shipped in ``resources/catalog``.

IDs and structure are facts; every explanation is the workbench's own wording.
"""

import re
import tomllib
from dataclasses import dataclass
from functools import cache

from app.domain.vocab import CATEGORIES
from app.resources import resource_path

FRAMEWORK_ID = "tsc-2017"
CRITERION_ID = re.compile(r"^(CC[1-9]|A1|C1|PI1|P[1-8])\.[1-9]$")


@dataclass(frozen=True, slots=True)
class Category:
    """A Trust Services Category with its plain explanation."""

    name: str
    id_prefix: str
    required: bool
    summary: str
    examples: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Criterion:
    """One criterion of the catalog, explained for someone new to audits."""

    id: str
    category: str
    group: str
    coso_principle: int | None
    title: str
    about: str
    auditors_look_for: str
    typical_controls: tuple[str, ...]
    typical_evidence: tuple[str, ...]

    @property
    def search_text(self) -> str:
        """Lower-case text a search box matches against."""
        parts = (
            self.id,
            self.group,
            self.title,
            self.about,
            self.auditors_look_for,
            *self.typical_controls,
            *self.typical_evidence,
        )
        return " ".join(parts).casefold()


@dataclass(frozen=True, slots=True)
class Catalog:
    """All categories and criteria of one framework, in report order."""

    framework: str
    title: str
    categories: tuple[Category, ...]
    criteria: tuple[Criterion, ...]

    def criterion(self, criterion_id: str) -> Criterion:
        """The criterion with this ID (exact, e.g. ``CC6.1``); ``KeyError`` when unknown."""
        for criterion in self.criteria:
            if criterion.id == criterion_id:
                return criterion
        raise KeyError(criterion_id)

    @property
    def ids(self) -> frozenset[str]:
        return frozenset(c.id for c in self.criteria)

    def in_category(self, category: str) -> tuple[Criterion, ...]:
        return tuple(c for c in self.criteria if c.category == category)

    def category(self, name: str) -> Category:
        for category in self.categories:
            if category.name == name:
                return category
        raise KeyError(name)


def _strings(value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise ValueError(f"expected a list of texts, got {value!r}")
    return tuple(str(item) for item in value)


@cache
def load_catalog() -> Catalog:
    """Read the shipped catalog (once per process)."""
    with resource_path("catalog", f"{FRAMEWORK_ID}.toml").open("rb") as handle:
        data = tomllib.load(handle)
    categories = tuple(
        Category(
            name=entry["name"],
            id_prefix=entry["id_prefix"],
            required=bool(entry.get("required", False)),
            summary=entry["summary"],
            examples=_strings(entry["examples"]),
        )
        for entry in data["category"]
    )
    criteria = tuple(
        Criterion(
            id=entry["id"],
            category=entry["category"],
            group=entry["group"],
            coso_principle=entry.get("coso_principle"),
            title=entry["title"],
            about=entry["about"],
            auditors_look_for=entry["auditors_look_for"],
            typical_controls=_strings(entry["typical_controls"]),
            typical_evidence=_strings(entry["typical_evidence"]),
        )
        for entry in data["criterion"]
    )
    if tuple(c.name for c in categories) != CATEGORIES:
        raise ValueError("catalog categories differ from the workbench's vocabulary")
    return Catalog(data["framework"], data["title"], categories, criteria)


def sort_key(criterion_id: str) -> tuple[int, int, int]:
    """Orders criterion IDs as reports do: CC before A, C, PI, P; then numerically."""
    prefix, _, number = criterion_id.partition(".")
    letters = prefix.rstrip("0123456789")
    order = {"CC": 0, "A": 1, "C": 2, "PI": 3, "P": 4}.get(letters, 9)
    return order, int(prefix[len(letters) :] or 0), int(number or 0)
