"""The incident lifecycle as a pure state machine: which actions are allowed in which
status, what each needs and the status it leads to (docs/sla.md, "Lifecycle").

No database and no request: the caller describes the incident with ``Facts`` and the
action's input with a plain dict, and gets back field errors and the next status.
The same rules therefore hold for the incident page, the API and the background jobs
(escalations), because all of them go through ``slas.actions``, which asks this module.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from .choices import ClassificationChoices, EventKindChoices, IncidentStatusChoices

S = IncidentStatusChoices

#: Waiting for someone outside the party working on it. Whether such a status also
#: pauses an SLA clock is the target's choice (its pause states), not the lifecycle's.
WAITING = frozenset(
    {
        S.AWAITING_CUSTOMER,
        S.AWAITING_USER_INFO,
        S.AWAITING_VENDOR,
        S.AWAITING_EVIDENCE,
        S.AWAITING_PROBLEM,
    }
)
WORKING = frozenset({S.NEW, S.IN_PROGRESS})
OPEN = WORKING | WAITING
DONE = frozenset({S.RESOLVED, S.CLOSED})

DEFAULT_REOPEN_WINDOW = timedelta(days=10)


class Action(StrEnum):
    HAND_OFF = "hand-off"
    PAUSE = "pause"
    RESUME = "resume"
    RESOLVE = "resolve"
    REOPEN = "reopen"
    CLOSE = "close"
    APPROVE_CHANGE = "approve-change"
    OVERRIDE_PRIORITY = "override-priority"
    APPLY_KNOWN_ERROR = "apply-known-error"
    COMMENT = "comment"


@dataclass(frozen=True)
class Spec:
    label: str
    from_statuses: frozenset[str]
    #: Input the action takes, in the order a form shows it; ``required`` among them.
    fields: tuple[str, ...]
    required: tuple[str, ...]
    kind: str  # the timeline event it writes
    #: Whether the action is work on the change itself, refused before its approval.
    is_work: bool = False
    help: str = ""


SPECS: dict[Action, Spec] = {
    Action.HAND_OFF: Spec(
        "Hand off",
        OPEN,
        ("holder", "note", "at"),
        (),
        EventKindChoices.HANDOFF,
        help="Leave “Hand to” empty to put it back in the queue (nobody owns it).",
    ),
    Action.PAUSE: Spec(
        "Wait for someone",
        OPEN,
        ("waiting_for", "note", "at"),
        ("waiting_for",),
        EventKindChoices.STATUS,
        is_work=True,
    ),
    Action.RESUME: Spec(
        "Resume work", WAITING, ("note", "at"), (), EventKindChoices.STATUS, is_work=True
    ),
    Action.RESOLVE: Spec(
        "Resolve",
        OPEN,
        ("note", "at"),
        ("note",),
        EventKindChoices.RESOLVED,
        help="Say how it was resolved (or why a change was withdrawn).",
    ),
    Action.REOPEN: Spec("Reopen", DONE, ("note", "at"), ("note",), EventKindChoices.REOPENED),
    Action.CLOSE: Spec(
        "Close", frozenset({S.RESOLVED}), ("note", "at"), (), EventKindChoices.STATUS
    ),
    Action.APPROVE_CHANGE: Spec(
        "Approve the change",
        OPEN,
        ("approver", "on_behalf_reason", "at"),
        (),
        EventKindChoices.APPROVAL,
    ),
    Action.OVERRIDE_PRIORITY: Spec(
        "Override the priority",
        OPEN,
        ("priority", "note"),
        ("priority", "note"),
        EventKindChoices.PRIORITY,
        help="The reason is kept with the incident, with your name.",
    ),
    Action.APPLY_KNOWN_ERROR: Spec(
        "Apply a known error",
        OPEN,
        ("known_error", "note"),
        ("known_error",),
        EventKindChoices.KNOWN_ERROR,
        is_work=True,
        help="Its workaround resolves the incident.",
    ),
    Action.COMMENT: Spec(
        "Comment", OPEN | DONE, ("note", "at"), ("note",), EventKindChoices.COMMENT
    ),
}


@dataclass(frozen=True)
class Facts:
    """What the lifecycle needs to know about an incident."""

    status: str
    classification: str = ClassificationChoices.INCIDENT
    change_approved: bool = False
    #: When it last became resolved (or closed); the reopen window runs from there.
    done_at: datetime | None = None
    priority: str = ""

    @property
    def awaits_approval(self) -> bool:
        return (
            self.classification == ClassificationChoices.CHANGE_REQUEST and not self.change_approved
        )


def why_not(
    facts: Facts,
    action: Action,
    *,
    now: datetime | None = None,
    reopen_window: timedelta = DEFAULT_REOPEN_WINDOW,
) -> str | None:
    """Why ``action`` cannot be taken now, or None when it can (without ``now``, the
    reopen window is not judged)."""
    spec = SPECS[action]
    status = S(facts.status)
    if status not in spec.from_statuses:
        if action is Action.RESUME:
            return f"Only a waiting incident can be resumed; this one is “{status.label}”."
        if action is Action.CLOSE:
            return "Only a resolved incident can be closed."
        if action is Action.REOPEN:
            return "Only a resolved or closed incident can be reopened."
        return f"Not possible on a {status.label.lower()} incident."
    if action is Action.APPROVE_CHANGE:
        if facts.classification != ClassificationChoices.CHANGE_REQUEST:
            return "Only change requests need approval."
        if facts.change_approved:
            return "The change is already approved."
    if spec.is_work and facts.awaits_approval:
        return "A change request needs the business owner's approval before work starts."
    if (
        action is Action.REOPEN
        and facts.done_at is not None
        and now - facts.done_at > reopen_window
    ):
        days = reopen_window.days
        return f"It was resolved more than {days} day{'s' if days != 1 else ''} ago: open a new incident instead."
    return None


def allowed_actions(
    facts: Facts, *, now: datetime, reopen_window: timedelta = DEFAULT_REOPEN_WINDOW
) -> list[Action]:
    return [a for a in Action if why_not(facts, a, now=now, reopen_window=reopen_window) is None]


def check(
    facts: Facts,
    action: Action,
    values: Mapping,
    *,
    now: datetime,
    reopen_window: timedelta = DEFAULT_REOPEN_WINDOW,
) -> dict[str, list[str]]:
    """Field errors of taking ``action`` with ``values`` (empty when allowed).

    The error of an action not allowed in this status is under ``action``; a missing
    input is under its field name, as forms and the API report them.
    """
    reason = why_not(facts, action, now=now, reopen_window=reopen_window)
    if reason:
        return {"action": [reason]}
    errors: dict[str, list[str]] = {}
    spec = SPECS[action]
    for name in spec.required:
        value = values.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            errors[name] = [MISSING.get(name, "This field is required.")]
    unknown = sorted(set(values) - set(spec.fields))
    for name in unknown:
        errors[name] = [f"“{spec.label}” takes no {name.replace('_', ' ')}."]
    waiting_for = values.get("waiting_for")
    if action is Action.PAUSE and waiting_for and waiting_for not in WAITING:
        errors["waiting_for"] = ["Choose one of the waiting statuses."]
    if action is Action.PAUSE and waiting_for == facts.status:
        errors["waiting_for"] = ["It is already waiting for that."]
    if action is Action.OVERRIDE_PRIORITY and values.get("priority") == facts.priority:
        errors["priority"] = [f"The priority is already {facts.priority}."]
    at = values.get("at")
    if at is not None and at > now + timedelta(minutes=5):
        errors["at"] = ["An event cannot be in the future."]
    return errors


MISSING = {
    "waiting_for": "Say who you are waiting for.",
    "note": "Write a note.",
    "priority": "Choose the priority.",
    "known_error": "Choose the known error.",
}


def next_status(facts: Facts, action: Action, values: Mapping) -> str:
    """The status after the action (call only when ``check`` found nothing)."""
    status = facts.status
    if action is Action.HAND_OFF:
        # Taken on by a party: work starts. Back in the queue: the status stays.
        if status == S.NEW and values.get("holder") and not facts.awaits_approval:
            return S.IN_PROGRESS
        return status
    if action is Action.PAUSE:
        return values["waiting_for"]
    if action in (Action.RESUME, Action.REOPEN):
        return S.IN_PROGRESS
    if action in (Action.RESOLVE, Action.APPLY_KNOWN_ERROR):
        return S.RESOLVED
    if action is Action.CLOSE:
        return S.CLOSED
    return status


def action_for_transition(before: str, after: str, holder_changed: bool) -> Action | None:
    """The action a status (or holder) change stands for: how a tool's event, or a
    bare timeline event, is read in the lifecycle's terms. None: no action (a new
    ticket taken into work, a field the lifecycle does not govern)."""
    if before != after:
        if before in DONE and after in OPEN:
            return Action.REOPEN
        if after == S.RESOLVED:
            return Action.RESOLVE
        if after == S.CLOSED:
            return Action.CLOSE
        if after in WAITING:
            return Action.PAUSE
        if after == S.IN_PROGRESS and before in WAITING:
            return Action.RESUME
        return None
    return Action.HAND_OFF if holder_changed else None


def outside_lifecycle(before: str, after: str, holder_changed: bool) -> str | None:
    """Why the app would have refused this change, when it would have; None otherwise.
    Only the move itself is judged (inputs such as a resolution note are the tool's)."""
    action = action_for_transition(before, after, holder_changed)
    if action is None:
        return None
    if action is Action.PAUSE and before == after:
        return None
    return why_not(Facts(status=before, change_approved=True), action)
