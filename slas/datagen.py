"""Deterministic generated data at scale, for benchmarks and capacity tests
(``python manage.py generate_data``; docs/scaling.md).

Several ecosystems, each with its customer, integrator and three to four providers
(some shared between ecosystems), calendars in the parties' countries with their
public holidays, an SLA and per-provider OLAs with targets, RACI matrices and
requirements; and incidents spread over five years, more of them recent, with the
timelines real tools produce: acknowledgement, hand-offs, tickets sent back to the
queue (ownership gaps), waits for the customer, reopens, and the breaches that follow.

Rows are written in bulk (``COPY`` on PostgreSQL) with ids allocated up front; the
SLA clocks and ownership gaps are then computed by the same code as in production
(``clocks.store_clocks``), from the timelines in hand.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from django.db import connection, transaction

from siam.choices import ContractKindChoices, ContractStatusChoices
from siam.models import Contract, Ecosystem, Organisation, Service, ServiceProvider

from . import clocks, crossings, rollups, services
from .choices import ClassificationChoices, EventKindChoices, IncidentStatusChoices
from .models import (
    BusinessCalendar,
    Incident,
    IncidentEvent,
    PriorityMatrix,
    ServiceLevelTarget,
    WorkingPeriod,
)

S = IncidentStatusChoices
K = EventKindChoices
YEARS = 5
COUNTRIES = [("NL", "", "Europe/Amsterdam"), ("GB", "ENG", "Europe/London"), ("US", "NY", "America/New_York"),
             ("IN", "", "Asia/Kolkata"), ("DE", "", "Europe/Berlin"), ("PL", "", "Europe/Warsaw"),
             ("ES", "", "Europe/Madrid"), ("FR", "", "Europe/Paris")]  # fmt: skip
MINUTES = {
    "P1": (15, 240),
    "P2": (30, 480),
    "P3": (120, 1440),
    "P4": (240, 2880),
    "P5": (480, 4800),
}
SERVICES = ["Online store", "Payments", "Customer service desk", "Store network", "Kiosks"]


@dataclass
class Party:
    organisation: Organisation
    calendar: BusinessCalendar


def generate(incidents: int, seed: int, *, now: datetime | None = None, log=print) -> dict:
    """Create the data; returns counts of what was made."""
    rng = random.Random(seed)
    now = (now or datetime(2026, 11, 30, 12, tzinfo=UTC)).replace(second=0, microsecond=0)
    ecosystem_count = max(2, min(8, incidents // 50_000 + 2))
    shared = [_organisation(f"gen-{seed}-provider-{n}", f"Provider {n} ({seed})", COUNTRIES[n % 8][0])
              for n in range(ecosystem_count + 3)]  # fmt: skip
    made = {"ecosystems": 0, "incidents": 0, "events": 0, "clocks": 0}
    per_ecosystem = _split(incidents, ecosystem_count, rng)
    for index, count in enumerate(per_ecosystem):
        world = _ecosystem(seed, index, shared, rng)
        log(f"ecosystem {world['ecosystem'].name}: {count} incidents")
        incidents_made, events_made, clocks_made = _incidents(world, count, rng, now, log)
        made["ecosystems"] += 1
        made["incidents"] += incidents_made
        made["events"] += events_made
        made["clocks"] += clocks_made
    # The past's warnings and breaches were recorded (and dealt with) as they happened.
    from .models import SlaAlert

    log("recording past warnings and breaches")
    crossings.record_crossings(at=now, batch_size=5000, recompute_breached=False)
    SlaAlert.objects.filter(handled_at__isnull=True).update(handled_at=now)
    log("monthly roll-ups of the past")
    rollups.refresh(everything=True)
    if connection.vendor == "postgresql":
        # VACUUM cannot run inside a transaction (a test's): ANALYZE alone then.
        statement = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
        log(statement)
        with connection.cursor() as cursor:
            cursor.execute(statement)
    return made


def _split(total: int, parts: int, rng: random.Random) -> list[int]:
    weights = [rng.uniform(0.5, 1.5) for _ in range(parts)]
    counts = [int(total * w / sum(weights)) for w in weights]
    counts[0] += total - sum(counts)
    return counts


def _organisation(slug: str, name: str, country: str) -> Organisation:
    organisation, _ = Organisation.objects.get_or_create(
        slug=slug, defaults={"name": name, "country": country}
    )
    return organisation


def _calendar(ecosystem, name, country, subdivision, zone, rng) -> BusinessCalendar:
    calendar = BusinessCalendar.objects.create(
        ecosystem=ecosystem, name=name, time_zone=zone, holiday_country=country,
        holiday_subdivision=subdivision,
    )  # fmt: skip
    split = rng.random() < 0.4  # a lunch break: two periods a day
    periods = [(time(8), time(12)), (time(13), time(18))] if split else [(time(8), time(18))]
    days = range(6) if rng.random() < 0.3 else range(5)
    WorkingPeriod.objects.bulk_create(
        WorkingPeriod(calendar=calendar, weekday=d, start=a, end=b)
        for d in days
        for a, b in periods
    )
    return calendar


def _ecosystem(seed: int, index: int, shared: list[Organisation], rng: random.Random) -> dict:
    country, subdivision, zone = COUNTRIES[index % len(COUNTRIES)]
    customer = _organisation(f"gen-{seed}-customer-{index}", f"Customer {index} ({seed})", country)
    internal = rng.random() < 0.3
    integrator = customer if internal else _organisation(
        f"gen-{seed}-integrator-{index}", f"Integrator {index} ({seed})", country
    )  # fmt: skip
    ecosystem = Ecosystem.objects.create(
        name=f"Generated {seed}-{index}", slug=f"generated-{seed}-{index}", customer=customer,
        integrator=integrator,
    )  # fmt: skip
    PriorityMatrix.objects.create(ecosystem=ecosystem)
    services_ = [Service.objects.create(ecosystem=ecosystem, name=name) for name in SERVICES]
    customer_calendar = _calendar(ecosystem, "Customer hours", country, subdivision, zone, rng)
    always = BusinessCalendar.objects.create(
        ecosystem=ecosystem, name="24x7", always_open=True, time_zone=zone
    )
    start = datetime(2021, 1, 1).date()
    sla = Contract.objects.create(
        ecosystem=ecosystem, kind=ContractKindChoices.SLA, reference="SLA-1", name="Service levels",
        supplier=integrator, consumer=customer, status=ContractStatusChoices.ACTIVE, start_date=start,
    )  # fmt: skip
    _targets(sla, customer_calendar, always, rng, change_requests=True)
    providers = []
    for n, organisation in enumerate(rng.sample(shared, rng.randint(3, 4))):
        ServiceProvider.objects.create(ecosystem=ecosystem, organisation=organisation)
        c, sub, tz = next((c for c in COUNTRIES if c[0] == organisation.country), COUNTRIES[0])
        calendar = _calendar(ecosystem, f"{organisation.name} hours", c, sub, tz, rng)
        ola = Contract.objects.create(
            ecosystem=ecosystem, kind=ContractKindChoices.OLA, reference=f"OLA-{n + 1}",
            name=f"OLA {organisation.name}", supplier=organisation, consumer=integrator,
            status=ContractStatusChoices.ACTIVE, start_date=start,
        )  # fmt: skip
        ola.services.set(rng.sample(services_, 3))
        _targets(ola, calendar, calendar, rng, change_requests=False)
        providers.append(Party(organisation, calendar))
    _documents(ecosystem)
    return {
        "ecosystem": ecosystem,
        "services": services_,
        "providers": providers,
        "integrator": integrator,
    }


def _targets(contract, calendar, p1_calendar, rng, *, change_requests: bool) -> None:
    factor = 0.5 if contract.kind == ContractKindChoices.OLA else 1
    rows = [
        ServiceLevelTarget(
            contract=contract, priority=p, response_minutes=int(r * factor), resolution_minutes=int(m * factor),
            calendar=p1_calendar if p == "P1" else calendar,
        )
        for p, (r, m) in MINUTES.items()
    ]  # fmt: skip
    if change_requests:
        rows += [
            ServiceLevelTarget(
                contract=contract, priority=p, classification=ClassificationChoices.CHANGE_REQUEST,
                resolution_minutes=m * 4, calendar=calendar,
            )
            for p, (_r, m) in MINUTES.items()
        ]  # fmt: skip
    ServiceLevelTarget.objects.bulk_create(rows)


def _documents(ecosystem) -> None:
    """A RACI matrix from each built-in template and a handful of requirements."""
    from raci.models import RaciTemplate
    from raci.services import create_from_template
    from requirements_app.models import PainPoint, Requirement

    for template in RaciTemplate.objects.filter(owner__isnull=True)[:3]:
        create_from_template(ecosystem, template.name, template.content, template.variant)
    pain = PainPoint.objects.create(
        ecosystem=ecosystem, title="No ownership of issues across tools"
    )
    for n in range(12):
        requirement = Requirement(
            ecosystem=ecosystem,
            title=f"Requirement {n + 1}",
            statement="The integrator shall see every ticket.",
        )
        requirement.save()
        requirement.pain_points.add(pain)


# --- Incidents ----------------------------------------------------------------------------------


def _opened_at(rng: random.Random, now: datetime) -> datetime:
    # More tickets lately (a growing service), the oldest five years back.
    age = (1 - math.sqrt(rng.random())) * YEARS * 365 * 24 * 60
    return (now - timedelta(minutes=age)).replace(second=0, microsecond=0)


def timeline(rng: random.Random, opened: datetime, priority: str, integrator: int,
             providers: list[int], now: datetime) -> list[tuple]:  # fmt: skip
    """(at, kind, status, holder) of one ticket, never in the future."""
    scale = {"P1": 1, "P2": 3, "P3": 8, "P4": 16, "P5": 24}[priority]
    events = [(opened, K.OPENED, S.NEW, integrator)]
    state = {"at": opened, "status": S.NEW, "holder": integrator, "stopped": False}

    def add(minutes, kind, status=None, holder=...):
        at = state["at"] + timedelta(minutes=minutes)
        if at > now:
            state["stopped"] = True  # the rest of its story has not happened yet
            return False
        state["at"] = at
        state["status"] = status or state["status"]
        if holder is not ...:
            state["holder"] = holder
        events.append((at, kind, state["status"], state["holder"]))
        return True

    steps = [
        lambda: add(rng.randint(2, 20 * scale), K.STATUS, S.IN_PROGRESS),
        lambda: rng.random() < 0.8 and add(rng.randint(5, 40 * scale), K.HANDOFF, holder=rng.choice(providers)),
        lambda: rng.random() < 0.1 and add(rng.randint(10, 90), K.HANDOFF, holder=None)
        and add(rng.randint(20, 300), K.HANDOFF, holder=rng.choice(providers)),
        lambda: rng.random() < 0.3 and add(rng.randint(10, 60 * scale), K.STATUS, S.AWAITING_CUSTOMER)
        and add(rng.randint(30, 900), K.STATUS, S.IN_PROGRESS),
        lambda: add(rng.randint(20, 120 * scale), K.RESOLVED, S.RESOLVED),
        lambda: rng.random() < 0.05 and add(rng.randint(60, 2000), K.REOPENED, S.IN_PROGRESS)
        and add(rng.randint(30, 60 * scale), K.RESOLVED, S.RESOLVED),
        lambda: add(rng.randint(1440, 7200), K.STATUS, S.CLOSED),
    ]  # fmt: skip
    for step in steps:
        step()
        if state["stopped"]:
            break
    return events


def _incidents(
    world: dict, count: int, rng: random.Random, now: datetime, log
) -> tuple[int, int, int]:
    ecosystem, integrator = world["ecosystem"], world["integrator"].pk
    providers = [p.organisation.pk for p in world["providers"]]
    matrix = PriorityMatrix.objects.get(ecosystem=ecosystem)
    levels = ["High", "Medium", "Low"]
    next_incident = _next_id(Incident)
    next_event = _next_id(IncidentEvent)
    made_events = clocks_made = 0
    batch = 5000
    for first in range(0, count, batch):
        rows, timelines = [], []
        for number in range(first + 1, min(first + batch, count) + 1):
            impact, urgency = rng.choices(levels, [1, 4, 5])[0], rng.choices(levels, [1, 4, 5])[0]
            priority = matrix.priority_for(impact, urgency)
            classification = rng.choices(
                [ClassificationChoices.INCIDENT, ClassificationChoices.SERVICE_REQUEST], [7, 3]
            )[0]
            incident = Incident(
                pk=next_incident, ecosystem=ecosystem, reference=f"INC-{number:07d}",
                title=f"Generated ticket {number}", service=rng.choice(world["services"]),
                classification=classification, impact=impact, urgency=urgency, priority=priority,
                opened_at=_opened_at(rng, now),
            )  # fmt: skip
            next_incident += 1
            events = []
            for sequence, (at, kind, status, holder) in enumerate(
                timeline(rng, incident.opened_at, priority, integrator, providers, now)
            ):
                events.append(IncidentEvent(pk=next_event, incident=incident, at=at, kind=kind,
                                            status=status, holder_id=holder, sequence=sequence))  # fmt: skip
                next_event += 1
            services.derive_from_timeline(incident, events)
            rows.append(incident)
            timelines.append((incident, events, {e.holder_id for e in events if e.holder_id}))
        with transaction.atomic():
            _write(rows, timelines)
            clocks_made += clocks.store_clocks(timelines, at=now)
        made_events += sum(len(t[1]) for t in timelines)
        log(f"  {min(first + batch, count)}/{count} incidents")
    _reset_sequences()
    return count, made_events, clocks_made


def _next_id(model) -> int:
    last = model.objects.order_by("-pk").values_list("pk", flat=True).first()
    return (last or 0) + 1


INCIDENT_COLUMNS = ["id", "ecosystem_id", "reference", "title", "description", "service_id", "classification",
                    "impact", "urgency", "priority", "priority_overridden", "priority_override_reason", "status",
                    "holder_id", "opened_at", "responded_at", "resolved_at", "closed_at", "reopen_count",
                    "change_approval_on_behalf", "change_approval_reason", "sla_state", "next_due_at", "created",
                    "last_updated"]  # fmt: skip
EVENT_COLUMNS = [
    "id",
    "incident_id",
    "at",
    "kind",
    "status",
    "holder_id",
    "note",
    "sequence",
    "created",
]


def _write(incidents: list[Incident], timelines: list[tuple]) -> None:
    moment = datetime.now(UTC)
    for incident in incidents:
        incident.created = incident.last_updated = moment
    events = [e for _, found, _ in timelines for e in found]
    for event in events:
        event.created = moment
    holders = [(incident.pk, holder) for incident, _, ids in timelines for holder in ids]
    if connection.vendor == "postgresql":
        _copy(
            Incident._meta.db_table,
            INCIDENT_COLUMNS,
            ([_value(i, c) for c in INCIDENT_COLUMNS] for i in incidents),
        )
        _copy(
            IncidentEvent._meta.db_table,
            EVENT_COLUMNS,
            ([_value(e, c) for c in EVENT_COLUMNS] for e in events),
        )
        _copy(Incident.holders.through._meta.db_table, ["incident_id", "organisation_id"], holders)
        return
    Incident.objects.bulk_create(incidents, batch_size=1000)
    IncidentEvent.objects.bulk_create(events, batch_size=1000)
    through = Incident.holders.through
    through.objects.bulk_create(
        [through(incident_id=i, organisation_id=o) for i, o in holders], batch_size=1000
    )


def _value(instance, column: str):
    return getattr(instance, column)


def _copy(table: str, columns: list[str], rows) -> None:
    statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)


def _reset_sequences() -> None:
    """Ids were given explicitly: move the sequences past them (PostgreSQL)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in (Incident, IncidentEvent, Incident.holders.through):
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE(MAX(id), 1)) FROM {table}"
            )
