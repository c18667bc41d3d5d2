"""Table model of the readiness gap list: each gap once, as what is missing, where, and the fix."""

from collections.abc import Sequence
from typing import Any

from app.domain.catalog import load_catalog
from app.domain.readiness import Gap
from app.ui.models.base import RowTableModel, TableColumn

GAP_WORDS: dict[str, tuple[str, str]] = {
    "uncovered-criterion": (
        "No control covers it",
        "Map a control to it: open it, then Controls ▸ Map criteria",
    ),
    "uncovered-objective": (
        "No control addresses it",
        "Link controls to it: Controls ▸ SOC 1 objectives ▸ Link controls",
    ),
    "key-not-implemented": ("Key control not implemented yet", "Set its status once it runs"),
    "no-owner": ("No owner", "Name who runs it"),
    "remediation-overdue": ("Remediation past its due date", "Finish the remediation, or give it a new date"),
    "description-section": ("Section not finished", "Finish it on the Documents page"),
    "policy-not-approved": (
        "A policy it relies on is not approved",
        "Approve the policy on the Policies page",
    ),
    "policy-review-overdue": (
        "A policy it relies on is past its review",
        "Review the policy and approve it again on the Policies page",
    ),
}
"""Per gap kind: what is missing and the action that fixes it. A kind not listed shows its message."""
FIX_FIELDS = {"key-not-implemented": "status", "no-owner": "owner", "remediation-overdue": "remediation_due"}
"""The control field the fix of a gap kind is made in."""


def gap_message(gap: Gap) -> str:
    return gap.message


def gap_what(gap: Gap) -> str:
    return GAP_WORDS[gap.kind][0] if gap.kind in GAP_WORDS else gap.message


def gap_where(gap: Gap) -> str:
    """``CC6.1 Logical access … (Security)``, a SOC 1 objective, a description section, or a control."""
    if gap.objective is not None:
        return f"SOC 1 objective {gap.objective}"
    if gap.section is not None:  # the message starts ``Description, “Section”: ...``
        return "System description " + gap.message.split(":")[0].removeprefix("Description, ")
    if gap.criterion is not None:
        where = f"{gap.criterion} {load_catalog().criterion(gap.criterion).title}"
        return f"{where} ({gap.category})" if gap.category else where
    return gap.control_ref or ""


def gap_fix(gap: Gap) -> str:
    return GAP_WORDS[gap.kind][1] if gap.kind in GAP_WORDS else "Open it and look"


def gap_target(gap: Gap) -> tuple[str, Any]:
    """Where the fix is made, as a navigation target of :class:`~app.ui.context.AppContext`."""
    if gap.control_id is not None:
        field = FIX_FIELDS.get(gap.kind)
        return ("control-field", (gap.control_id, field)) if field else ("control", gap.control_id)
    if gap.section is not None:
        return ("description", gap.section)
    if gap.policy_key is not None:
        return ("policy", gap.policy_key)
    if gap.criterion is None:
        return ("page", "Controls")
    return ("criterion", gap.criterion)


class GapTableModel(RowTableModel[Gap]):
    """One row per gap: what is missing, where, and how to fix it (the full sentence as a tooltip).

    Gaps have no id of their own: a row's id is its position in the list.

    Signals:
        filtered(int): the number of visible rows.
    """

    def __init__(self) -> None:
        super().__init__(
            [
                TableColumn("What is missing", gap_what, tooltip=gap_message),
                TableColumn("Where", gap_where, tooltip=gap_message),
                TableColumn("How to fix it", gap_fix, tooltip=gap_message),
            ]
        )
        self._numbers: dict[int, int] = {}

    def set_gaps(self, gaps: Sequence[Gap]) -> None:
        self._numbers = {id(gap): number for number, gap in enumerate(gaps)}
        self.set_rows(gaps)

    def row_id(self, row: Gap) -> int:
        return self._numbers[id(row)]
