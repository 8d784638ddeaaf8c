"""The requirement workflow as data: which transitions exist and who may make them.

draft -> in review -> approved -> implemented -> validated, and rejected from review.
No ORM here: ``allowed(status, target, actor)`` is decided from the actor's layers
and membership roles, so the rules are tested directly.

Who may do what (decided here, see docs/requirements.md):
- submit for review, send back to draft, mark implemented: the integrator's editors
  (they run the programme);
- approve or reject: the customer's editors or administrators (the business owns its
  requirements) or the integrator's administrators — never the requirement's own
  owner, so every approval is a second pair of eyes;
- validate (after implementation): the customer's editors or administrators.
"""

from __future__ import annotations

from dataclasses import dataclass

DRAFT, IN_REVIEW, APPROVED, IMPLEMENTED, VALIDATED, REJECTED = (
    "draft", "in_review", "approved", "implemented", "validated", "rejected",
)  # fmt: skip


@dataclass(frozen=True)
class Actor:
    """What the workflow needs to know of a user, for one ecosystem."""

    integrator_editor: bool = False
    integrator_admin: bool = False
    customer_editor: bool = False
    is_owner: bool = False
    superuser: bool = False


@dataclass(frozen=True)
class Transition:
    source: tuple[str, ...]
    target: str
    label: str
    who: str  # "integrator", "approver", "customer"


TRANSITIONS = (
    Transition((DRAFT, REJECTED), IN_REVIEW, "Submit for review", "integrator"),
    Transition((IN_REVIEW,), DRAFT, "Back to draft", "integrator"),
    Transition((IN_REVIEW,), APPROVED, "Approve", "approver"),
    Transition((IN_REVIEW,), REJECTED, "Reject", "approver"),
    Transition((APPROVED,), IMPLEMENTED, "Mark implemented", "integrator"),
    Transition((IMPLEMENTED,), VALIDATED, "Validate", "customer"),
)

#: Approved and later: the content is frozen; editing it sends it back to review.
FROZEN = frozenset({APPROVED, IMPLEMENTED, VALIDATED})


def may(transition: Transition, actor: Actor) -> bool:
    if actor.superuser:
        return True
    if transition.who == "integrator":
        return actor.integrator_editor
    if transition.who == "approver":
        return (actor.customer_editor or actor.integrator_admin) and not actor.is_owner
    return actor.customer_editor


def available(status: str, actor: Actor) -> list[Transition]:
    return [t for t in TRANSITIONS if status in t.source and may(t, actor)]


def check(status: str, target: str, actor: Actor) -> Transition:
    """The transition from ``status`` to ``target``, or ValueError saying why not."""
    candidates = [t for t in TRANSITIONS if status in t.source and t.target == target]
    if not candidates:
        raise ValueError(
            f"A {status.replace('_', ' ')} requirement cannot become {target.replace('_', ' ')}."
        )
    transition = candidates[0]
    if not may(transition, actor):
        if transition.who == "approver" and actor.is_owner and not actor.superuser:
            raise ValueError(
                "The requirement's owner cannot approve or reject it: ask another approver."
            )
        who = {
            "integrator": "the integrator's editors",
            "approver": "the customer's editors or the integrator's administrators",
            "customer": "the customer's editors",
        }[transition.who]
        raise ValueError(f"Only {who} may {transition.label.lower()}.")
    return transition
