"""The demo's few hundred incidents: generated from a fixed seed, relative to today,
with realistic timelines (hand-offs, pauses, reopens), some breached, some paused,
some still running; written through the SLA services as ingestion would."""

import random
from datetime import timedelta

from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from siam.choices import SystemKindChoices
from siam.models import Organisation, Service

from . import clocks, crossings
from .choices import (
    EventKindChoices,
    IncidentStatusChoices,
)
from .models import (
    Incident,
    IncidentEvent,
    IncidentToolKey,
    PriorityMatrix,
    SlaAlert,
)

INCIDENT_COUNT = 320
DAYS_BACK = 120


def generate_incidents(eco, actor) -> int:
    rng = random.Random(20261123)
    now = timezone.now().replace(second=0, microsecond=0)
    integrator = eco.integrator
    mercuri = Organisation.objects.get(slug="mercuri")
    global_ = Organisation.objects.get(slug="global")
    services_by_name = {s.name: s for s in Service.objects.filter(ecosystem=eco)}
    matrix = PriorityMatrix.objects.get(ecosystem=eco)
    titles = {
        "Customer service desk": [
            "Customer cannot track order",
            "Refund request not processed",
            "Complaint about late delivery",
        ],
        "Online store": [
            "Product images missing",
            "Search returns no results",
            "Basket empties on login",
        ],
        "Online payments": [
            "Card payment declined for all users",
            "Wallet payments time out",
            "Double charge reported",
        ],
        "Online kiosk": ["Kiosk frozen in store", "Kiosk shows wrong prices"],
        "Network and connectivity": [
            "Store network down",
            "VPN to data centre flapping",
            "Slow checkout in stores",
        ],
    }
    levels = ["High", "Medium", "Low"]
    incidents, events_per, keys_per = [], [], []
    for number in range(1, INCIDENT_COUNT + 1):
        service_name = rng.choice(list(titles))
        impact = rng.choices(levels, weights=[2, 5, 4])[0]
        urgency = rng.choices(levels, weights=[2, 5, 4])[0]
        opened = now - timedelta(
            days=rng.uniform(0, DAYS_BACK) if number > 12 else rng.uniform(0, 1.2)
        )
        opened = opened.replace(second=0, microsecond=0)
        provider = mercuri if service_name == "Customer service desk" else global_
        incident = Incident(
            ecosystem=eco, reference=f"INC-{number:06d}", title=rng.choice(titles[service_name]),
            service=services_by_name[service_name], impact=impact, urgency=urgency,
            priority=matrix.priority_for(impact, urgency), opened_at=opened, holder=integrator,
        )  # fmt: skip
        keys_per.append(
            {
                SystemKindChoices.JIRA: f"INF-{1000 + number}",
                SystemKindChoices.SERVICENOW: f"INC{20000 + number:07d}",
                # The provider's own tool: Mercuri works in Zendesk, Global in Azure DevOps.
                **(
                    {SystemKindChoices.ZENDESK: str(50000 + number)}
                    if provider == mercuri
                    else {SystemKindChoices.AZURE_DEVOPS: str(7000 + number)}
                ),
            }
        )
        incidents.append(incident)
        events_per.append(_timeline(rng, incident, integrator, provider, now))

    bulk_create_with_history(incidents, Incident, default_user=actor, batch_size=500)
    saved = {i.reference: i for i in Incident.objects.filter(ecosystem=eco)}
    tool_keys = [
        IncidentToolKey(incident=saved[incident.reference], tool=tool, key=key)
        for incident, keys in zip(incidents, keys_per, strict=True)
        for tool, key in keys.items()
    ]
    bulk_create_with_history(tool_keys, IncidentToolKey, default_user=actor, batch_size=500)
    all_events, holder_links = [], []
    for incident, events in zip(incidents, events_per, strict=True):
        stored = saved[incident.reference]
        last = events[-1]
        stored.status, stored.holder_id = last[2], last[3]
        stored.responded_at = next(
            (e[0] for e in events if e[2] != IncidentStatusChoices.NEW), None
        )
        stored.reopen_count = sum(1 for e in events if e[1] == EventKindChoices.REOPENED)
        stored.resolved_at = (
            next((e[0] for e in reversed(events) if e[2] == IncidentStatusChoices.RESOLVED), None)
            if last[2] in ("resolved", "closed")
            else None
        )
        stored.closed_at = last[0] if last[2] == IncidentStatusChoices.CLOSED else None
        for at, kind, status, holder_id, note in events:
            all_events.append(
                IncidentEvent(
                    incident=stored,
                    at=at,
                    kind=kind,
                    status=status,
                    holder_id=holder_id,
                    note=note,
                    author=actor,
                )
            )
        holder_links += [
            Incident.holders.through(incident_id=stored.pk, organisation_id=h)
            for h in {e[3] for e in events if e[3]}
        ]
    Incident.objects.bulk_update(
        saved.values(),
        ["status", "holder", "responded_at", "reopen_count", "resolved_at", "closed_at"],
        batch_size=500,
    )
    IncidentEvent.objects.bulk_create(all_events, batch_size=1000)
    Incident.holders.through.objects.bulk_create(holder_links, batch_size=1000)
    ids = list(saved.values())
    for start in range(0, len(ids), 100):
        clocks.recompute_incidents(ids[start : start + 100], at=now)
    crossings.record_crossings(at=now)
    # History: the demo's past alerts were dealt with at the time.
    SlaAlert.objects.filter(handled_at__isnull=True).update(handled_at=now)
    return len(incidents) + len(all_events)


class _Future(Exception):
    """The demo's story of an incident has reached the present: it stops there."""


def _timeline(rng, incident, integrator, provider, now):
    """(at, kind, status, holder_id, note) tuples, never in the future."""
    at = incident.opened_at
    events = [
        (
            at,
            EventKindChoices.OPENED,
            IncidentStatusChoices.NEW,
            integrator.pk,
            "Opened from the customer's report",
        )
    ]
    holder = integrator.pk

    def add(minutes, kind, status, new_holder, note=""):
        nonlocal at, holder
        at = at + timedelta(minutes=minutes)
        if at > now:
            raise _Future
        holder = new_holder
        events.append((at, kind, status, new_holder, note))

    scale = {"P1": 1, "P2": 4, "P3": 10, "P4": 18, "P5": 30}[incident.priority]
    # The random draws come in the same order whatever happens, so the demo is the same
    # on every machine; the story stops at the first step after now.
    try:
        add(
            rng.randint(2, 12 * min(scale, 4)),
            EventKindChoices.STATUS,
            IncidentStatusChoices.IN_PROGRESS,
            integrator.pk,
            "Acknowledged",
        )
        if rng.random() < 0.7:
            if rng.random() < 0.12:  # lost in transit between the tools for a while
                add(
                    rng.randint(5, 20),
                    EventKindChoices.HANDOFF,
                    IncidentStatusChoices.IN_PROGRESS,
                    None,
                    "Sent to provider, not yet picked up",
                )
                add(
                    rng.randint(40, 180),
                    EventKindChoices.HANDOFF,
                    IncidentStatusChoices.IN_PROGRESS,
                    provider.pk,
                    "Picked up",
                )
            else:
                add(
                    rng.randint(5, 30 * min(scale, 5)),
                    EventKindChoices.HANDOFF,
                    IncidentStatusChoices.IN_PROGRESS,
                    provider.pk,
                    f"Handed to {provider.name}",
                )
        if rng.random() < 0.3:
            add(
                rng.randint(10, 60 * scale),
                EventKindChoices.STATUS,
                IncidentStatusChoices.AWAITING_CUSTOMER,
                holder,
                "Asked the customer for details",
            )
            add(
                rng.randint(30, 600),
                EventKindChoices.STATUS,
                IncidentStatusChoices.IN_PROGRESS,
                holder,
                "Customer answered",
            )
        add(
            rng.randint(20, 300 * scale),
            EventKindChoices.RESOLVED,
            IncidentStatusChoices.RESOLVED,
            holder,
            "Fixed",
        )
        if rng.random() < 0.06:
            add(
                rng.randint(60, 1440),
                EventKindChoices.REOPENED,
                IncidentStatusChoices.IN_PROGRESS,
                holder,
                "Customer says it still happens",
            )
            add(
                rng.randint(30, 60 * scale),
                EventKindChoices.RESOLVED,
                IncidentStatusChoices.RESOLVED,
                holder,
                "Fixed for good",
            )
        add(
            rng.randint(1440, 4320),
            EventKindChoices.STATUS,
            IncidentStatusChoices.CLOSED,
            holder,
            "Closed after confirmation",
        )
    except _Future:
        pass
    return events
