"""SLA engine benchmark (not a test): prints figures, asserts nothing but agreement.

    .venv/bin/python bench/sla.py --n 100000

1. Clock evaluations per second: N generated timelines evaluated by the pure clock.
2. The breach scan for N incidents: the beat task's index lookup on the stored
   deadlines (``crossings.record_crossings``) next to a naive per-object loop that
   loads each incident's timeline and evaluates its clock — and checks both find the
   same breaches.

Runs on a throwaway SQLite database in var/ unless DATABASE_URL is set.
"""

import argparse
import random
import time
from datetime import UTC, datetime, timedelta

from _setup import django_on_scratch_database


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=10000)
    args = parser.parse_args()
    n = args.n

    django_on_scratch_database("bench")

    from slas import crossings
    from slas.calendar import WorkingCalendar
    from slas.clock import TimelinePoint, evaluate

    rng = random.Random(7)
    now = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    calendar = WorkingCalendar.office_hours("Europe/Amsterdam")
    timelines = []
    for _ in range(n):
        opened = now - timedelta(minutes=rng.randint(10, 60 * 24 * 10))
        points = [TimelinePoint(opened, "new", 1)]
        at = opened
        for status, holder in (
            ("in_progress", 1),
            ("in_progress", 2),
            ("awaiting_customer", 2),
            ("in_progress", 2),
        ):
            at += timedelta(minutes=rng.randint(5, 600))
            if at >= now or rng.random() < 0.25:
                break
            points.append(TimelinePoint(at, status, holder))
        timelines.append(points)

    started = time.perf_counter()
    for points in timelines:
        evaluate(
            points,
            calendar,
            8 * 3600,
            now=now,
            pause_states={"awaiting_customer"},
            stop_states={"resolved"},
        )
    elapsed = time.perf_counter() - started
    print(f"clock: {n} evaluations in {elapsed:.2f} s = {n / elapsed:,.0f} evaluations/s")

    ids = _populate(timelines, now)
    print(
        f"database: {n} incidents, {sum(len(t) for t in timelines)} events, clocks stored via recompute in chunks"
    )

    from slas.models import IncidentSla

    started = time.perf_counter()
    scan_breached = set(
        IncidentSla.objects.filter(breach_at__lte=now, breach_recorded_at__isnull=True).values_list(
            "incident_id", flat=True
        )
    )
    lookup = time.perf_counter() - started
    print(
        f"breach scan, index lookup on stored deadlines:  {lookup:.3f} s, {len(scan_breached)} breaches"
    )

    started = time.perf_counter()
    found = crossings.record_crossings(at=now, batch_size=5000)
    print(
        f"beat task, first run recording every crossing: {time.perf_counter() - started:.2f} s, {len(found)} alerts"
    )
    started = time.perf_counter()
    again = crossings.record_crossings(at=now + timedelta(minutes=1), batch_size=5000)
    print(
        f"beat task, next minute (steady state):         {time.perf_counter() - started:.3f} s, {len(again)} new alerts"
    )

    started = time.perf_counter()
    naive_breached = _naive(ids, now)
    naive = time.perf_counter() - started
    print(
        f"naive per-object loop (load timeline, evaluate): {naive:.2f} s, {len(naive_breached)} breaches"
    )
    print(
        f"same result: {scan_breached == naive_breached}; the index lookup is x{naive / max(lookup, 1e-6):,.0f} faster"
    )


def _populate(timelines, now):
    """N incidents with their timelines and stored clocks, in bulk."""
    from django.db import connection

    from siam.models import Contract, Ecosystem, Organisation, Service, ServiceProvider
    from slas import clocks
    from slas.models import (
        BusinessCalendar,
        Incident,
        IncidentEvent,
        PriorityMatrix,
        ServiceLevelTarget,
        WorkingPeriod,
    )

    org = Organisation.objects.create(name="Bench customer", slug="bench-customer")
    provider = Organisation.objects.create(name="Bench provider", slug="bench-provider")
    eco = Ecosystem.objects.create(name="Bench", slug="bench", customer=org, integrator=org)
    ServiceProvider.objects.create(ecosystem=eco, organisation=provider)
    service = Service.objects.create(ecosystem=eco, name="Bench service")
    PriorityMatrix.objects.create(ecosystem=eco)
    calendar = BusinessCalendar.objects.create(
        ecosystem=eco, name="Office", time_zone="Europe/Amsterdam"
    )
    from datetime import time as t

    WorkingPeriod.objects.bulk_create(
        WorkingPeriod(calendar=calendar, weekday=d, start=t(9), end=t(17)) for d in range(5)
    )
    contract = Contract.objects.create(
        ecosystem=eco,
        kind="sla",
        reference="SLA",
        name="SLA",
        supplier=org,
        consumer=org,
        status="active",
        start_date="2026-01-01",
    )
    ServiceLevelTarget.objects.create(
        contract=contract,
        priority="P3",
        response_minutes=None,
        resolution_minutes=8 * 60,
        calendar=calendar,
    )
    holders = {1: org.pk, 2: provider.pk}
    incidents = [
        Incident(ecosystem=eco, reference=f"B-{i}", title="bench", service=service, impact="Medium", urgency="Medium",
                 priority="P3", opened_at=points[0].at, status=points[-1].status, holder_id=holders[points[-1].holder])
        for i, points in enumerate(timelines)
    ]  # fmt: skip
    Incident.objects.bulk_create(incidents, batch_size=5000)
    ids = list(Incident.objects.filter(ecosystem=eco).order_by("pk").values_list("pk", flat=True))
    events, links = [], []
    for pk, points in zip(ids, timelines, strict=True):
        for p in points:
            events.append(
                IncidentEvent(
                    incident_id=pk,
                    at=p.at,
                    kind="status",
                    status=p.status,
                    holder_id=holders[p.holder],
                )
            )
        links += [
            Incident.holders.through(incident_id=pk, organisation_id=h)
            for h in {holders[p.holder] for p in points}
        ]
    IncidentEvent.objects.bulk_create(events, batch_size=5000)
    Incident.holders.through.objects.bulk_create(links, batch_size=5000)
    started = time.perf_counter()
    for start in range(0, len(ids), 1000):
        clocks.recompute_incidents(
            [Incident(pk=pk) for pk in ids[start : start + 1000]], at=now - timedelta(minutes=1)
        )
    print(
        f"recompute (bulk, from timelines): {len(ids)} incidents in {time.perf_counter() - started:.2f} s"
    )
    connection.close()
    return ids


def _naive(ids, now):
    """What a scan without stored deadlines must do: every open incident, every time."""
    from slas import clocks, governing
    from slas.clock import ClockState
    from slas.models import Incident, ServiceLevelTarget

    breached = set()
    target = ServiceLevelTarget.objects.select_related("calendar").get(contract__reference="SLA")
    for pk in ids:
        incident = Incident.objects.get(pk=pk)
        calendar = governing.build_working_calendar(
            target.calendar, range(now.year - 1, now.year + 2)
        )
        points = clocks.timeline_points(incident.events.all())
        result = clocks.evaluate_clock(
            incident, points, governing.Applicable(target, None), "resolution", calendar, now
        )
        if result.state == ClockState.BREACHED:
            breached.add(pk)
    return breached


if __name__ == "__main__":
    main()
