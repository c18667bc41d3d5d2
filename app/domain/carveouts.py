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
