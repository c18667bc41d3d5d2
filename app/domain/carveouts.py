"""CUECs and subservice organizations as screens, commands and exports use them."""

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class CuecRow:
    """A complementary user entity control: what customers are assumed to do."""

    id: int
    engagement_id: int
    ref: str
    description: str
    related_criteria: str = ""
    notes: str = ""
    created_at: datetime | None = None
    updated_at: datetime | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class SubserviceRow:
    """A subservice organization with its CSOCs and how the company monitors it."""

    id: int
    engagement_id: int
    name: str
    services: str = ""
    method: str = "carve-out"
    csocs: str = ""
    monitoring: str = ""
    notes: str = ""
    created_at: datetime | None = None
    updated_at: datetime | None = None


CLOUD_PROVIDERS: tuple[tuple[str, str], ...] = (
    ("Amazon Web Services (AWS)", "Cloud hosting: servers, storage, databases and networking"),
    ("Microsoft Azure", "Cloud hosting: servers, storage, databases and networking"),
    ("Google Cloud", "Cloud hosting: servers, storage, databases and networking"),
)
"""The cloud providers the scoping wizard offers as subservice organizations: (name, services)."""
CARVE_OUT_CSOCS = (
    "Physical security and environmental protection (power, cooling, fire) of their data centres; "
    "the hardware, network and virtualisation our systems run on."
)
"""What a company usually expects of its hosting provider (its complementary subservice organization
controls), as the wizard writes it on the rows it creates; the user edits it on the Scope page."""
CARVE_OUT_MONITORING = "Read their SOC 2 report and any bridge letter every year, and act on the exceptions."
"""How a company usually monitors a carved-out provider, as the wizard first writes it."""
