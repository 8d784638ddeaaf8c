"""Governance rules as plain functions: quorum, meeting closure and pod shape.

No ORM, no request: the models and views hand in plain values, so each rule is
tested directly and used alike by pages, the API and the demo.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

LAYERS = ("customer", "integrator", "provider")

#: Core members a pod may have before it should split (the seed: "up to about 8").
POD_CORE_LIMIT = 8
#: Members including part-time help (subject matter experts, QA) a pod can absorb.
POD_TOTAL_LIMIT = 10
POD_ROLES = ("lead", "technologist", "analyst")


@dataclass(frozen=True)
class Seat:
    """A board member: their layer in the ecosystem and whether they vote."""

    person_id: int
    layer: str
    voting: bool = True


@dataclass(frozen=True)
class QuorumResult:
    met: bool
    present_voting: int
    required: int
    missing_layers: tuple[str, ...]

    @property
    def message(self) -> str:
        if self.met:
            return f"Quorum met: {self.present_voting} of {self.required} voting members present."
        parts = []
        if self.present_voting < self.required:
            parts.append(f"{self.present_voting} voting members present, {self.required} needed")
        if self.missing_layers:
            parts.append("no one from the " + ", ".join(self.missing_layers) + " layer")
        return "No quorum: " + "; ".join(parts) + "."


def quorum(seats: list[Seat], present: set[int], required: int, every_layer: bool) -> QuorumResult:
    """A meeting has quorum when at least ``required`` voting members attend and, if the
    board's terms ask for it, every layer seated on the board is represented by a voter.

    Attendees who are not members (guests) never count.
    """
    voters_present = [s for s in seats if s.voting and s.person_id in present]
    missing: tuple[str, ...] = ()
    if every_layer:
        seated = {s.layer for s in seats if s.voting}
        represented = {s.layer for s in voters_present}
        missing = tuple(layer for layer in LAYERS if layer in seated and layer not in represented)
    met = len(voters_present) >= required and not missing
    return QuorumResult(met, len(voters_present), required, missing)


@dataclass(frozen=True)
class OpenItem:
    """A decision or action of a meeting, as the closure rule sees it."""

    label: str
    has_owner: bool
    has_due_date: bool


def closure_problems(decisions: list[OpenItem], actions: list[OpenItem]) -> list[str]:
    """Why a meeting cannot be closed yet: every decision needs an owner, every action
    a due date (and an owner: an action nobody holds is not an action)."""
    problems = [f"Decision “{d.label}” has no owner." for d in decisions if not d.has_owner]
    for action in actions:
        if not action.has_due_date:
            problems.append(f"Action “{action.label}” has no due date.")
        if not action.has_owner:
            problems.append(f"Action “{action.label}” has no owner.")
    return problems


@dataclass(frozen=True)
class PodSeat:
    role: str
    part_time: bool = False


def pod_warnings(members: list[PodSeat]) -> list[str]:
    """What the team-structure seed warns about: each pod needs a lead, a technologist
    and an analyst; more than 8 core members (10 with part-time help) is too many for
    one lead, so the pod should split."""
    warnings = []
    core = [m for m in members if not m.part_time]
    roles = Counter(m.role for m in core)
    labels = {
        "lead": "an integration lead",
        "technologist": "a technologist",
        "analyst": "an analyst",
    }
    for role in POD_ROLES:
        if not roles[role]:
            warnings.append(f"No {labels[role].split(' ', 1)[1]}: a pod needs {labels[role]}.")
    if roles["lead"] > 1:
        warnings.append(f"{roles['lead']} leads: a single lead per pod is enough.")
    if len(core) > POD_CORE_LIMIT:
        warnings.append(
            f"{len(core)} core members: past {POD_CORE_LIMIT} a pod should split in two."
        )
    if len(members) > POD_TOTAL_LIMIT:
        warnings.append(
            f"{len(members)} members with part-time help: past {POD_TOTAL_LIMIT} one lead cannot coordinate them."
        )
    return warnings


def head_of_integration_warning(pod_count: int, has_head: bool) -> str | None:
    """Two pods or more want a head of integration to coordinate their leads."""
    if pod_count >= 2 and not has_head:
        return f"{pod_count} pods without a head of integration to coordinate their leads."
    return None
