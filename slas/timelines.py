"""Storing incidents whose timeline another context worked out.

A tool's ticket is folded from its source events by ``integrations`` (which owns the
tickets, their source events and the tool's vocabulary); what that fold means for the
SLA context's own rows is written here, for a batch of tickets at once: the incidents
(opened with their reference, or updated with history), their timeline rows (new ones
inserted, moved ones restated), who held them, and their SLA state. The rules that
belong to incidents live here too: a priority overridden in the app outranks the
tool's, a tool that gives no priority gets the matrix's, the incident's dates and
status follow its timeline.

Callers pass plans, not querysets: ``TimelinePlan`` is what the fold of one ticket asks
to store, with the incident row locked by the caller (``select_for_update``) when it
exists.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from core.system import get_system_user

from . import clocks, services
from .choices import ClassificationChoices
from .models import Incident, IncidentEvent, IncidentToolKey, PriorityMatrix

#: The timeline row's columns a restatement may change (the only update a timeline row
#: ever gets: see ``IncidentEvent``).
EVENT_FIELDS = ["at", "kind", "status", "holder", "note", "sequence"]
#: The incident's columns that follow its tool's ticket.
INCIDENT_FIELDS = [
    "title", "classification", "impact", "urgency", "priority", "status", "holder", "opened_at",
    "responded_at", "resolved_at", "closed_at", "reopen_count",
]  # fmt: skip


@dataclass
class TicketFacts:
    """What the tool says of the ticket as a whole, after its last event."""

    title: str
    classification: str | None
    impact: str | None
    urgency: str | None
    priority: str | None  # as the tool gives it; None when it gives none
    opened_at: datetime


@dataclass(eq=False)
class TimelinePlan:
    """What the fold of one ticket asks the SLA context to store."""

    facts: TicketFacts
    timeline: list[IncidentEvent]  # ordered: stored and new rows together
    created: list[IncidentEvent]  # of those, the rows to insert
    restated: list[IncidentEvent] = field(default_factory=list)  # stored rows to update
    incident: Incident | None = None  # None: the ticket is new, an incident is opened
    #: For a new incident: its reference, and its key in the tool the ticket came from
    #: (``(tool kind, key)``, as ``IncidentToolKey`` keeps it) when that tool has one.
    reference: str = ""
    tool_key: tuple[str, str] | None = None

    @property
    def holder_ids(self) -> set[int]:
        return {event.holder_id for event in self.timeline if event.holder_id}


@dataclass
class Stored:
    opened: int = 0
    updated: int = 0


def store_timelines(
    plans: list[TimelinePlan],
    *,
    ecosystem,
    service_id: int | None,
    matrix: PriorityMatrix,
    untitled: str,
) -> Stored:
    """Store every plan: new incidents opened (``plan.incident`` set), the others
    updated where the tool moved them, timeline rows and holders written, SLA state
    recomputed. ``untitled``: the title's prefix of a ticket that has none (the tool's
    name, before the reference)."""
    system = get_system_user()
    stored = Stored()
    known_plans = [plan for plan in plans if plan.incident is not None]
    stored.opened = _open_incidents(
        [plan for plan in plans if plan.incident is None],
        ecosystem=ecosystem,
        service_id=service_id,
        matrix=matrix,
        untitled=untitled,
        system=system,
    )
    changed = []
    for plan in known_plans:
        before = _snapshot(plan.incident)
        follow_ticket(plan.incident, plan, matrix, untitled)
        if _snapshot(plan.incident) != before:
            changed.append(plan.incident)
    if changed:
        bulk_update_with_history(
            changed, Incident, INCIDENT_FIELDS, batch_size=500, default_user=system
        )
    stored.updated = len(known_plans)

    new_events, restated = [], []
    for plan in plans:
        for event in plan.created:
            event.incident_id = plan.incident.pk
        new_events.extend(plan.created)
        restated.extend(plan.restated)
    IncidentEvent.objects.bulk_create(new_events, batch_size=1000)
    IncidentEvent.objects.bulk_update(restated, EVENT_FIELDS, batch_size=1000)
    through = Incident.holders.through
    through.objects.bulk_create(
        [
            through(incident_id=plan.incident.pk, organisation_id=holder)
            for plan in plans
            for holder in plan.holder_ids
        ],
        ignore_conflicts=True,
    )
    clocks.store_clocks([(plan.incident, plan.timeline, plan.holder_ids) for plan in plans])
    return stored


def _open_incidents(new_plans, *, ecosystem, service_id, matrix, untitled, system) -> int:
    """Create the incidents of tickets seen for the first time, with their history
    and tool keys; each plan's ``incident`` is set."""
    fresh = []
    for plan in new_plans:
        incident = Incident(ecosystem=ecosystem, reference=plan.reference, service_id=service_id)
        follow_ticket(incident, plan, matrix, untitled)
        fresh.append(incident)
    if not fresh:
        return 0
    fresh = bulk_create_with_history(fresh, Incident, default_user=system)
    for plan, incident in zip(new_plans, fresh, strict=True):
        plan.incident = incident
    IncidentToolKey.objects.bulk_create(
        [
            IncidentToolKey(incident=plan.incident, tool=plan.tool_key[0], key=plan.tool_key[1])
            for plan in new_plans
            if plan.tool_key is not None
        ],
        batch_size=1000,
    )
    return len(fresh)


def follow_ticket(
    incident: Incident, plan: TimelinePlan, matrix: PriorityMatrix, untitled: str
) -> None:
    """Set the incident's fields from its ticket and timeline."""
    facts = plan.facts
    incident.title = (facts.title or f"{untitled} {incident.reference}")[:300]
    incident.classification = facts.classification or ClassificationChoices.INCIDENT
    incident.impact = facts.impact
    incident.urgency = facts.urgency
    incident.opened_at = facts.opened_at
    # A manual override in the app (recorded with its reason) outranks the tool.
    if not incident.priority_overridden:
        priority = facts.priority
        if priority is None and facts.impact and facts.urgency:
            priority = matrix.priority_for(facts.impact, facts.urgency)
        # A tool that gives neither priority nor impact and urgency: the matrix's
        # lowest, until an event says otherwise.
        incident.priority = priority or matrix.priorities[-1]
    services.derive_from_timeline(incident, plan.timeline)


def _snapshot(incident: Incident) -> tuple:
    return tuple(
        getattr(incident, f"{name}_id" if name == "holder" else name) for name in INCIDENT_FIELDS
    )
