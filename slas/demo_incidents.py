"""The demo's few hundred incidents: generated from a fixed seed, relative to today,
with realistic timelines (hand-offs, pauses, reopens), some breached, some paused,
some still running; written through the SLA services as ingestion would."""

import contextlib
import random
from dataclasses import dataclass
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
LEVELS = ["High", "Medium", "Low"]
LEVEL_WEIGHTS = [2, 5, 4]

#: What customers report, per service.
TITLES = {
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

#: How long a step takes grows with the priority's number (a P5 waits longer).
SCALE = {"P1": 1, "P2": 4, "P3": 10, "P4": 18, "P5": 30}


@dataclass(frozen=True)
class Step:
    """One timeline row, ``minutes_low`` to ``minutes_high`` after the one before it;
    ``scaled_up_to``: the high bound is multiplied by the priority's scale, capped there
    (0: not scaled). ``holder``: "integrator", "provider", "nobody" or "same"."""

    minutes_low: int
    minutes_high: int
    kind: str
    status: str
    holder: str
    note: str
    scaled_up_to: int = 0


@dataclass(frozen=True)
class Chapter:
    """Steps that happen with ``chance`` (1: always), else ``otherwise``."""

    chance: float
    steps: tuple
    otherwise: tuple = ()


_E, _S = EventKindChoices, IncidentStatusChoices
_ALWAYS = 99

#: Every demo incident's story, cut at the present.
STORY = (
    Chapter(1, (Step(2, 12, _E.STATUS, _S.IN_PROGRESS, "integrator", "Acknowledged", 4),)),
    Chapter(
        0.7,
        (
            Chapter(
                0.12,  # lost in transit between the tools for a while
                (
                    Step(5, 20, _E.HANDOFF, _S.IN_PROGRESS, "nobody",
                         "Sent to provider, not yet picked up"),
                    Step(40, 180, _E.HANDOFF, _S.IN_PROGRESS, "provider", "Picked up"),
                ),
                otherwise=(
                    Step(5, 30, _E.HANDOFF, _S.IN_PROGRESS, "provider", "Handed to {provider}", 5),
                ),
            ),
        ),
    ),
    Chapter(
        0.3,
        (
            Step(10, 60, _E.STATUS, _S.AWAITING_CUSTOMER, "same",
                 "Asked the customer for details", _ALWAYS),
            Step(30, 600, _E.STATUS, _S.IN_PROGRESS, "same", "Customer answered"),
        ),
    ),
    Chapter(1, (Step(20, 300, _E.RESOLVED, _S.RESOLVED, "same", "Fixed", _ALWAYS),)),
    Chapter(
        0.06,
        (
            Step(60, 1440, _E.REOPENED, _S.IN_PROGRESS, "same", "Customer says it still happens"),
            Step(30, 60, _E.RESOLVED, _S.RESOLVED, "same", "Fixed for good", _ALWAYS),
        ),
    ),
    Chapter(1, (Step(1440, 4320, _E.STATUS, _S.CLOSED, "same", "Closed after confirmation"),)),
)  # fmt: skip


def _tool_keys(number: int, provider_slug: str) -> dict[str, str]:
    """The ticket's key in the integrator's tools and in its provider's own: Mercuri
    works in Zendesk, Global in Azure DevOps."""
    own = (
        {SystemKindChoices.ZENDESK: str(50000 + number)}
        if provider_slug == "mercuri"
        else {SystemKindChoices.AZURE_DEVOPS: str(7000 + number)}
    )
    return {
        SystemKindChoices.JIRA: f"INF-{1000 + number}",
        SystemKindChoices.SERVICENOW: f"INC{20000 + number:07d}",
        **own,
    }


def generate_incidents(eco, actor) -> int:
    rng = random.Random(20261123)
    now = timezone.now().replace(second=0, microsecond=0)
    integrator = eco.integrator
    providers = {o.slug: o for o in Organisation.objects.filter(slug__in=["mercuri", "global"])}
    services_by_name = {s.name: s for s in Service.objects.filter(ecosystem=eco)}
    matrix = PriorityMatrix.objects.get(ecosystem=eco)
    incidents, events_per, keys_per = [], [], []
    for number in range(1, INCIDENT_COUNT + 1):
        service_name = rng.choice(list(TITLES))
        impact = rng.choices(LEVELS, weights=LEVEL_WEIGHTS)[0]
        urgency = rng.choices(LEVELS, weights=LEVEL_WEIGHTS)[0]
        opened = now - timedelta(
            days=rng.uniform(0, DAYS_BACK) if number > 12 else rng.uniform(0, 1.2)
        )
        opened = opened.replace(second=0, microsecond=0)
        provider = providers["mercuri" if service_name == "Customer service desk" else "global"]
        incident = Incident(
            ecosystem=eco, reference=f"INC-{number:06d}", title=rng.choice(TITLES[service_name]),
            service=services_by_name[service_name], impact=impact, urgency=urgency,
            priority=matrix.priority_for(impact, urgency), opened_at=opened, holder=integrator,
        )  # fmt: skip
        keys_per.append(_tool_keys(number, provider.slug))
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
    event_count = _store_timelines(saved, incidents, events_per, actor)
    ids = list(saved.values())
    for start in range(0, len(ids), 100):
        clocks.recompute_incidents(ids[start : start + 100], at=now)
    crossings.record_crossings(at=now)
    # History: the demo's past alerts were dealt with at the time.
    SlaAlert.objects.filter(handled_at__isnull=True).update(handled_at=now)
    return len(incidents) + event_count


def _store_timelines(saved: dict, incidents: list, events_per: list, actor) -> int:
    """Each incident's timeline rows and holders, and the state its last row leaves."""
    all_events, holder_links = [], []
    for incident, events in zip(incidents, events_per, strict=True):
        stored = saved[incident.reference]
        _follow(stored, events)
        all_events += [
            IncidentEvent(
                incident=stored, at=at, kind=kind, status=status, holder_id=holder_id,
                note=note, author=actor,
            )
            for at, kind, status, holder_id, note in events
        ]  # fmt: skip
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
    return len(all_events)


def _follow(incident: Incident, events: list[tuple]) -> None:
    last = events[-1]
    incident.status, incident.holder_id = last[2], last[3]
    incident.responded_at = next((e[0] for e in events if e[2] != _S.NEW), None)
    incident.reopen_count = sum(1 for e in events if e[1] == _E.REOPENED)
    incident.resolved_at = (
        next((e[0] for e in reversed(events) if e[2] == _S.RESOLVED), None)
        if last[2] in ("resolved", "closed")
        else None
    )
    incident.closed_at = last[0] if last[2] == _S.CLOSED else None


class _Future(Exception):
    """The demo's story of an incident has reached the present: it stops there."""


def _timeline(rng, incident, integrator, provider, now):
    """(at, kind, status, holder_id, note) tuples, never in the future."""
    opened = (
        incident.opened_at,
        _E.OPENED,
        _S.NEW,
        integrator.pk,
        "Opened from the customer's report",
    )
    events = [opened]  # fmt: skip
    holders = {"integrator": integrator.pk, "provider": provider.pk, "nobody": None}
    scale = SCALE[incident.priority]
    # The random draws come in the story's order, so the demo is the same on every
    # machine; the story stops at the first step after now.
    with contextlib.suppress(_Future):
        _tell(STORY, rng, events, holders, scale, provider.name, now)
    return events


def _tell(parts, rng, events, holders, scale, provider_name, now) -> None:
    for part in parts:
        if isinstance(part, Chapter):
            happens = part.chance >= 1 or rng.random() < part.chance
            _tell(part.steps if happens else part.otherwise, rng, events, holders, scale,
                  provider_name, now)  # fmt: skip
            continue
        high = (
            part.minutes_high * min(scale, part.scaled_up_to)
            if part.scaled_up_to
            else part.minutes_high
        )
        at = events[-1][0] + timedelta(minutes=rng.randint(part.minutes_low, high))
        if at > now:
            raise _Future
        holder = events[-1][3] if part.holder == "same" else holders[part.holder]
        events.append(
            (at, part.kind, part.status, holder, part.note.format(provider=provider_name))
        )
