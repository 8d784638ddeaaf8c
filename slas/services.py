"""Incident operations: the write path of incidents (open, correct, record an event,
the tool keys), their references and priority; every door (pages, API, ingestion,
background jobs) writes incidents through these. The clocks they restart live in
``slas.clocks``."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from core.codes import allocate_number
from core.commands import Write, save_command

from . import clocks
from .choices import (
    STOP_STATUSES,
    EventKindChoices,
    IncidentStatusChoices,
)
from .models import (
    Incident,
    IncidentEvent,
    IncidentToolKey,
)

# --- Incident operations --------------------------------------------------------------------


def _highest_reference_number(ecosystem_id: int) -> int:
    numbers = [
        int(ref[4:])
        for ref in Incident.objects.filter(
            ecosystem_id=ecosystem_id, reference__startswith="INC-"
        ).values_list("reference", flat=True)
        if ref[4:].isdigit()
    ]
    return max(numbers, default=0)


def next_reference(ecosystem_id: int) -> str:
    """A provisional reference for validation only; ``open_incident`` allocates the real one."""
    return f"INC-{_highest_reference_number(ecosystem_id) + 1:06d}"


def allocate_reference(ecosystem_id: int) -> str:
    number = allocate_number(
        "slas.incident", ecosystem_id, lambda: _highest_reference_number(ecosystem_id)
    )
    return f"INC-{number:06d}"


def compute_priority(incident: Incident) -> str:
    from .models import PriorityMatrix

    matrix = (
        PriorityMatrix.objects.filter(ecosystem_id=incident.ecosystem_id).first()
        or PriorityMatrix()
    )
    priority = matrix.priority_for(incident.impact, incident.urgency)
    if priority is None:
        raise ValidationError(
            {
                "urgency": f"No priority for impact {incident.impact!r} and urgency {incident.urgency!r} in the matrix."
            }
        )
    return priority


@transaction.atomic
def open_incident(incident: Incident, *, author=None, at: datetime | None = None) -> Incident:
    """Save a new incident with its first timeline event; the integrator holds it."""
    at = at or incident.opened_at or clocks.now()
    incident.opened_at = at
    if not incident.reference:
        incident.reference = allocate_reference(incident.ecosystem_id)
    if not incident.priority_overridden:
        incident.priority = compute_priority(incident)
    if incident.holder_id is None:
        incident.holder_id = incident.ecosystem.integrator_id
    incident.status = IncidentStatusChoices.NEW
    incident._history_user = author
    incident.full_clean()
    incident.save()
    incident.holders.add(incident.holder_id)
    IncidentEvent.objects.create(
        incident=incident,
        at=at,
        kind=EventKindChoices.OPENED,
        status=incident.status,
        holder_id=incident.holder_id,
        author=author,
        note="Opened",
    )
    clocks.recompute_incidents([incident])
    return incident


@save_command(Incident)
def save_incident(write: Write) -> Incident:
    """Open a new incident, or correct an open one's details: its priority follows the
    impact and urgency (unless overridden) and its clocks are recomputed."""
    incident = write.build()
    keys = {
        tool: write.values[name]
        for name, tool in IncidentToolKey.INPUTS.items()
        if name in write.values
    }
    if write.creating:
        open_incident(incident, author=write.user, at=incident.opened_at)
        set_tool_keys(incident, keys, author=write.user)
        return incident
    if not incident.priority_overridden:
        incident.priority = compute_priority(incident)
    incident.save()
    set_tool_keys(incident, keys, author=write.user)
    clocks.recompute_incidents([incident])
    return incident


def set_tool_keys(incident: Incident, keys: Mapping[str, str], *, author=None) -> None:
    """Set the incident's key in each tool named (a blank key removes it); the tools
    not named keep theirs."""
    stored = {row.tool: row for row in incident.tool_keys.all()}
    for tool, key in keys.items():
        key = (key or "").strip()
        row = stored.get(tool) or IncidentToolKey(incident=incident, tool=tool)
        if row.key == key:
            continue
        row._history_user = author
        if not key:
            row.delete()
        else:
            row.key = key
            row.save()


#: ``record_event(holder=...)`` default: the holder stays as it is (None is nobody).
UNCHANGED = object()


@transaction.atomic
def record_event(
    incident: Incident,
    *,
    kind: str,
    at: datetime | None = None,
    status: str | None = None,
    holder=UNCHANGED,
    note: str = "",
    author=None,
) -> IncidentEvent:
    """Append an event to the timeline, update the incident and its SLA state.

    The timeline primitive under ``slas.actions``, which decides *whether* an action
    may happen; nothing else writes a typed event. ``status`` is the value after the
    event (unchanged when None), ``holder`` too (``UNCHANGED`` by default; None hands
    it to nobody). Events may arrive late (an older instant): the timeline is re-read
    in order.
    """
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    at = at or clocks.now()
    last = incident.events.order_by("-at", "-sequence", "-id").first()
    new_status = status or (last.status if last else incident.status)
    if holder is UNCHANGED:
        new_holder_id = last.holder_id if last else incident.holder_id
    else:
        new_holder_id = holder.pk if hasattr(holder, "pk") else holder
    if at < incident.opened_at:
        raise ValidationError(
            {"at": "An event cannot be earlier than the opening of the incident."}
        )
    event = IncidentEvent.objects.create(
        incident=incident,
        at=at,
        kind=kind,
        status=new_status,
        holder_id=new_holder_id,
        note=note,
        author=author,
    )
    if new_holder_id:
        incident.holders.add(new_holder_id)
    _refresh_incident(incident, author)
    clocks.recompute_incidents([incident])
    return event


def _refresh_incident(incident: Incident, author) -> None:
    """Derive the incident's current fields from its (ordered) timeline."""
    derive_from_timeline(incident, list(incident.events.order_by("at", "sequence", "id")))
    incident._history_user = author
    incident.save()


def derive_from_timeline(incident: Incident, events: list[IncidentEvent]) -> None:
    """Set status, holder, response, resolution, closure and reopen count from the
    ordered timeline (not saved: ingestion stores a batch of incidents at once)."""
    last = events[-1]
    incident.status = last.status
    incident.holder_id = last.holder_id
    incident.responded_at = next(
        (e.at for e in events if e.status != IncidentStatusChoices.NEW), None
    )
    incident.reopen_count = sum(1 for e in events if e.kind == EventKindChoices.REOPENED)
    # When it last became resolved: a later comment on the resolved incident (which
    # carries the status) does not move it.
    resolved_at = None
    previous = None
    for event in events:
        if event.status == IncidentStatusChoices.RESOLVED and previous != event.status:
            resolved_at = event.at
        previous = event.status
    incident.resolved_at = resolved_at if last.status in STOP_STATUSES else None
    incident.closed_at = last.at if last.status == IncidentStatusChoices.CLOSED else None
