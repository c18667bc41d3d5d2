"""SOC 1 control objectives as screens, commands and exports use them."""

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True, kw_only=True)
class ObjectiveRow:
    """A control objective with the controls that address it (in ref order)."""

    id: int
    engagement_id: int
    ref: str
    kind: str
    title: str
    description: str = ""
    control_ids: list[int] = field(default_factory=list)
    control_refs: list[str] = field(default_factory=list)
