"""Changes to the system picked out of the change log for review."""

from dataclasses import dataclass
from datetime import date, datetime

from app.domain.system_changes import SystemChange, system_changes


@dataclass(frozen=True)
class Entry:
    at: datetime
    entity: str
    entity_ref: str
    field: str


START, END = date(2026, 1, 1), date(2026, 6, 30)


def test_substantive_changes_in_the_period_one_line_per_item() -> None:
    entries = [
        Entry(datetime(2026, 3, 5, 16, 0), "control", "AC-01", "systems"),
        Entry(datetime(2026, 2, 4, 9, 0), "control", "AC-01", "description"),
        Entry(datetime(2026, 2, 4, 9, 5), "control", "AC-01", "description"),
        Entry(datetime(2026, 2, 3, 9, 0), "control", "AC-03", "created"),
        Entry(datetime(2026, 2, 3, 9, 1), "control", "AC-03", "owner"),
        Entry(datetime(2026, 4, 1, 8, 0), "subservice", "GitHub", "created"),
        Entry(datetime(2026, 5, 2, 8, 0), "cuec", "CUEC-2", "deleted"),
        Entry(datetime(2026, 5, 9, 8, 0), "engagement", "FY2026", "system_description"),
        Entry(datetime(2026, 5, 10, 8, 0), "objective", "CO-1", "created"),
        Entry(datetime(2026, 5, 11, 8, 0), "objective", "CO-1", "deleted"),
    ]
    assert system_changes(entries, START, END) == (
        SystemChange("Control AC-03", "added", date(2026, 2, 3), date(2026, 2, 3)),
        SystemChange("Control AC-01", "changed: description, systems", date(2026, 2, 4), date(2026, 3, 5)),
        SystemChange("Subservice organization GitHub", "added", date(2026, 4, 1), date(2026, 4, 1)),
        SystemChange("CUEC CUEC-2", "removed", date(2026, 5, 2), date(2026, 5, 2)),
        SystemChange("Engagement FY2026", "changed: system summary", date(2026, 5, 9), date(2026, 5, 9)),
        SystemChange(
            "Control objective CO-1", "added and removed again", date(2026, 5, 10), date(2026, 5, 11)
        ),
    )


def test_days_outside_the_stretch_and_housekeeping_fields_are_left_out() -> None:
    entries = [
        Entry(datetime(2025, 12, 31, 23, 59), "control", "AC-01", "created"),
        Entry(datetime(2026, 7, 1, 0, 0), "control", "AC-02", "created"),
        Entry(datetime(2026, 3, 1, 9, 0), "control", "AC-04", "status"),
        Entry(datetime(2026, 3, 1, 9, 0), "control", "AC-04", "gap"),
        Entry(datetime(2026, 3, 1, 9, 0), "evidence", "screenshot.png", "created"),
        Entry(datetime(2026, 3, 1, 9, 0), "setting", "sampling", "value"),
        Entry(datetime(2026, 6, 30, 23, 0), "control", "AC-05", "frequency"),
    ]
    (change,) = system_changes(entries, START, END)
    assert change.text == "Control AC-05 changed: frequency (30 Jun 2026)"


def test_a_change_over_several_days_names_both() -> None:
    change = SystemChange("Control AC-01", "changed: title", date(2026, 2, 4), date(2026, 3, 5))
    assert change.text == "Control AC-01 changed: title (4 Feb 2026 to 5 Mar 2026)"
