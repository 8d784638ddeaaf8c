"""A ticket's timeline as a pure function of the set of its source events.

The tool's events are the facts; the incident's timeline is their projection. Folding
them *sorted in source order* (instant, the tool's sequence, event id) makes the
result independent of the order of arrival: a late older event is simply one more
element of the set, and folding again gives the timeline in-order delivery gives.

- Creation events shape the ``opened`` entry (its status and holder after opening).
- Every other event is one timeline entry, of the kind its most telling change
  gives: reopen > resolve > status change > hand-off > priority change > comment
  (an update that changes nothing we track is kept as a comment, noted as such).
- An event dated before the opening is placed at the opening: the SLA clock never
  counts time before the ticket existed.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from slas.choices import STOP_STATUSES, EventKindChoices, IncidentStatusChoices
from slas.lifecycle import outside_lifecycle


@dataclass(frozen=True)
class SourceChange:
    key: str  # the tool's event id (unique per ticket)
    at: datetime
    sequence: int
    created: bool
    changes: dict = field(default_factory=dict)  # incident field -> value
    group: str | None = None
    title: str = ""
    comment: str = ""

    @property
    def order(self):
        return (self.at, self.sequence, self.key)


@dataclass(frozen=True)
class TicketState:
    status: str = IncidentStatusChoices.NEW
    holder: int | None = None
    group: str = ""
    priority: str | None = None
    impact: str = ""
    urgency: str = ""
    classification: str | None = None
    title: str = ""


@dataclass(frozen=True)
class Entry:
    key: str  # "" for the opening
    at: datetime
    kind: str
    status: str
    holder: int | None
    note: str


TRACKED = ("status", "holder", "priority", "impact", "urgency", "classification")


def _apply(state: TicketState, change: SourceChange) -> TicketState:
    updates = {name: change.changes[name] for name in TRACKED if name in change.changes}
    if change.created and updates.get("holder", 0) is None:
        # Opened without a group: the feed's default holder (its service desk) has it.
        del updates["holder"]
    if change.group is not None:
        updates["group"] = change.group
    if change.title:
        updates["title"] = change.title
    return replace(state, **updates)


def _kind(before: TicketState, after: TicketState, comment: str) -> str:
    if before.status != after.status:
        if before.status in STOP_STATUSES and after.status not in STOP_STATUSES:
            return EventKindChoices.REOPENED
        if after.status == IncidentStatusChoices.RESOLVED:
            return EventKindChoices.RESOLVED
        return EventKindChoices.STATUS
    if before.holder != after.holder or before.group != after.group:
        return EventKindChoices.HANDOFF
    if (before.priority, before.impact, before.urgency) != (
        after.priority,
        after.impact,
        after.urgency,
    ):
        return EventKindChoices.PRIORITY
    return EventKindChoices.COMMENT


def _describe(before: TicketState, after: TicketState, labels: dict) -> list[str]:
    status_label = labels.get("status", {})
    holder_label = labels.get("holder", {})
    parts = []
    if before.status != after.status:
        parts.append(
            f"status {status_label.get(before.status, before.status)} → "
            f"{status_label.get(after.status, after.status)}"
        )
    if before.group != after.group:
        parts.append(f"group {before.group or '—'} → {after.group or '—'}")
    if before.holder != after.holder:
        parts.append(
            f"holder {holder_label.get(before.holder, '—')} → {holder_label.get(after.holder, '—')}"
        )
    for name in ("priority", "impact", "urgency", "classification"):
        if getattr(before, name) != getattr(after, name) and getattr(before, name) is not None:
            parts.append(f"{name} {getattr(before, name) or '—'} → {getattr(after, name) or '—'}")
    return parts


def fold(
    changes: list[SourceChange],
    *,
    opened_at: datetime,
    initial: TicketState,
    tool: str,
    labels: dict | None = None,
) -> tuple[list[Entry], TicketState]:
    """The entries (opening first) and the ticket's state after all ``changes``."""
    labels = labels or {}
    ordered = sorted(changes, key=lambda c: c.order)
    state = initial
    for change in ordered:
        if change.created:
            state = _apply(state, change)
    opening = Entry(
        "", opened_at, EventKindChoices.OPENED, state.status, state.holder, f"Opened in {tool}"
    )
    entries = [opening]
    for change in ordered:
        if change.created:
            continue
        after = _apply(state, change)
        parts = _describe(state, after, labels)
        if change.comment:
            parts.append(f"comment: {change.comment[:1000]}")
        note = f"{tool}: " + ("; ".join(parts) if parts else "updated, no tracked field changed")
        refused = outside_lifecycle(state.status, after.status, state.holder != after.holder)
        if refused:
            # The tool owns its ticket: the fact is kept, and marked as a move the app
            # itself would have refused (the same lifecycle rules as the incident page).
            note += f" — outside the lifecycle ({refused.rstrip('.')}); kept as {tool} reported it"
        entries.append(
            Entry(
                change.key,
                max(change.at, opened_at),
                _kind(state, after, change.comment),
                after.status,
                after.holder,
                note,
            )
        )
        state = after
    return entries, state
