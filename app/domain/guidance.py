"""The path from a new engagement to a sealed evidence package, step by step, and the next step.

A first-time user needs to know what comes next more than everything that
could be done. The path has five steps — scope, seed, owners, evidence,
export — each done or not from the engagement's own data, each with the
action that does it.
"""

from dataclasses import dataclass

from app.domain.wording import counted

STEP_KEYS = ("engagement", "scope", "seed", "owners", "evidence", "export")
"""The steps in path order; ``engagement`` is the step before any engagement exists."""


@dataclass(frozen=True, slots=True, kw_only=True)
class PathFacts:
    """What the path's steps are judged on, counted from an engagement's records."""

    scoped: bool = False
    controls: int = 0
    controls_without_owner: int = 0
    key_controls: int = 0
    key_controls_with_evidence: int = 0
    evidence_files: int = 0
    packages: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class PathStep:
    """One step: whether it is done, what stands (in a line), and the button that does it."""

    key: str
    title: str
    done: bool
    detail: str
    action: str


def no_engagement_path() -> tuple[PathStep, ...]:
    """The path of an empty workspace: create the engagement, then the five steps."""
    first = PathStep(
        key="engagement",
        title="Create the engagement",
        done=False,
        detail="One engagement is one company's audit preparation: its scope, controls and evidence.",
        action="New engagement…",
    )
    return (first, *path_steps(PathFacts()))


def path_steps(facts: PathFacts) -> tuple[PathStep, ...]:
    """The five steps of an engagement's path, judged on *facts*."""
    owners_done = facts.controls > 0 and facts.controls_without_owner == 0
    evidence_done = facts.key_controls > 0 and facts.key_controls_with_evidence == facts.key_controls
    return (
        PathStep(
            key="scope",
            title="Choose the scope",
            done=facts.scoped,
            detail="Done: the reports, categories and period are set."
            if facts.scoped
            else "A few plain questions decide SOC 1 or SOC 2, Type 1 or Type 2, and the period.",
            action="Run the scoping wizard…",
        ),
        PathStep(
            key="seed",
            title="Start the control matrix",
            done=facts.controls > 0,
            detail=f"Done: {counted(facts.controls, 'control')} in the matrix."
            if facts.controls
            else "Copy the starter controls that fit the scope; you adapt them afterwards.",
            action="Seed from the starter library…",
        ),
        PathStep(
            key="owners",
            title="Give every control an owner",
            done=owners_done,
            detail="Done: every control has an owner."
            if owners_done
            else f"{counted(facts.controls_without_owner, 'control')} without an owner."
            if facts.controls
            else "Once the matrix has controls, name who runs each one.",
            action="Assign owners…",
        ),
        PathStep(
            key="evidence",
            title="Collect evidence",
            done=evidence_done,
            detail=f"{facts.key_controls_with_evidence} of {counted(facts.key_controls, 'key control')} "
            f"have evidence; {counted(facts.evidence_files, 'evidence file')} in all."
            if facts.key_controls
            else f"{counted(facts.evidence_files, 'evidence file')} so far. Add the files that show "
            "controls working: screenshots, exports, signed reviews.",
            action="Add evidence files…",
        ),
        PathStep(
            key="export",
            title="Seal the evidence package",
            done=facts.packages > 0,
            detail=f"Done: {counted(facts.packages, 'package')} exported; export again after changes."
            if facts.packages
            else "One zip for the auditor: the workbook, the checklists, the evidence and a checksum list.",
            action="Export the package…",
        ),
    )


def next_step(steps: tuple[PathStep, ...]) -> PathStep | None:
    """The first step not done yet (``None`` when the whole path is done)."""
    return next((step for step in steps if not step.done), None)
