"""An engagement as screens, commands and exports use it."""

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from app.domain.periods import describe_period, describe_scope
from app.domain.vocab import categories_in_scope

SCOPE_FIELDS = frozenset(
    {"report_kinds", "report_type", "categories", "period_start", "period_end", "as_of_date", "business_type"}
)
"""The engagement fields that make up its scope (what the report covers); the rest are its details."""


@dataclass(frozen=True, slots=True, kw_only=True)
class EngagementRow:
    """One company's audit preparation: who, which reports, which categories, which period."""

    id: int
    name: str
    company: str = ""
    system_name: str = ""
    system_description: str = ""
    business_type: str = ""
    report_kinds: list[str] = field(default_factory=list)
    report_type: str | None = None
    categories: list[str] = field(default_factory=list)
    framework: str = "tsc-2017"
    period_start: date | None = None
    period_end: date | None = None
    as_of_date: date | None = None
    auditor_firm: str = ""
    scoping_answers: dict[str, Any] | None = None
    scoping_recommendation: dict[str, Any] | None = None
    scoping_overrides: dict[str, Any] | None = None
    bridge_through: date | None = None
    """The last day the bridge letter covers (chosen on the Documents page); ``None``: not chosen."""
    is_demo: bool = False
    """A demo engagement: a fictional company the workbench made to show itself."""
    created_at: datetime | None = None
    updated_at: datetime | None = None
    version: int = 1
    """The stored record's version when it was read (see :class:`~app.domain.controls.ControlRow`)."""

    @property
    def soc1(self) -> bool:
        """Whether a SOC 1 report is in scope."""
        return "SOC 1" in self.report_kinds

    @property
    def soc2(self) -> bool:
        """Whether a SOC 2 report is in scope."""
        return "SOC 2" in self.report_kinds

    @property
    def categories_in_scope(self) -> tuple[str, ...]:
        """The Trust Services Categories the engagement works on (see :func:`categories_in_scope`)."""
        return categories_in_scope(self.report_kinds, self.categories)

    @property
    def display_company(self) -> str:
        """The company's name, or the engagement's when no company is set."""
        return self.company or self.name

    @property
    def scope_words(self) -> str:
        """``SOC 2 Type 2 · 1 Jan–30 Jun 2026``: what the engagement bar shows."""
        return describe_scope(
            self.report_kinds, self.report_type, self.period_start, self.period_end, self.as_of_date
        )

    @property
    def reports_words(self) -> str:
        """``SOC 1 + SOC 2 Type 2``, or ``Scope not set``."""
        return describe_scope(self.report_kinds, self.report_type, None, None, None).split(" · ")[0]

    @property
    def period_words(self) -> str:
        """``1 Jan–30 Jun 2026``, ``as of 31 Mar 2026`` or ``no period set``."""
        return describe_period(self.period_start, self.period_end, self.as_of_date)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready values (dates as ``YYYY-MM-DD``)."""

        def day(value: date | datetime | None) -> str | None:
            return value.isoformat() if value else None

        return {
            "id": self.id,
            "name": self.name,
            "company": self.company,
            "system_name": self.system_name,
            "system_description": self.system_description,
            "business_type": self.business_type,
            "report_kinds": list(self.report_kinds),
            "report_type": self.report_type,
            "categories": list(self.categories),
            "framework": self.framework,
            "period_start": day(self.period_start),
            "period_end": day(self.period_end),
            "as_of_date": day(self.as_of_date),
            "auditor_firm": self.auditor_firm,
            "bridge_through": day(self.bridge_through),
            "demo": self.is_demo,
            "created_at": day(self.created_at),
            "updated_at": day(self.updated_at),
            "version": self.version,
        }
