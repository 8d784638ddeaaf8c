"""Counts of what the incident list's filters select, several in one query, for pages
that show many of them (the governance dashboard's tiles).

Each function counts exactly what the list shows for the filter values named in its
docstring, over the incidents it is given (already restricted to what the user may
see): a tile and the list it links to cannot disagree. ``tests/trust/test_figures.py``
follows every counted link of the demo's dashboards, for every user, and compares.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from django.db.models import Count, Q, QuerySet

from core.dates import start_of

from .choices import STOP_STATUSES, MetricChoices
from .figures import BREACHED
from .models import IncidentSla


def resolution_breaches_by_clock(incidents: QuerySet, opened_after: date) -> dict[int | None, int]:
    """Incidents opened on or after ``opened_after`` with a breached resolution clock, by
    whose clock it is: ``None`` for the end-to-end SLA, else the provider's organisation
    id (the list's ``breached_clock`` with ``breached_metric=resolution``)."""
    windowed = incidents.filter(opened_at__gte=start_of(opened_after)).values("pk")
    rows = (
        IncidentSla.objects.filter(BREACHED, metric=MetricChoices.RESOLUTION, incident__in=windowed)
        .values("provider_id")
        .annotate(incidents=Count("incident_id", distinct=True))
        .order_by()
    )
    return {row["provider_id"]: row["incidents"] for row in rows}


def open_by_priority_and_age(
    incidents: QuerySet, now: datetime, bucket_days: Sequence[int | None]
) -> dict[str, tuple[int, list[int]]]:
    """Open incidents (``open=true``) by priority: how many, and how many in each age
    bucket. ``bucket_days`` are the buckets' upper bounds in days, youngest first,
    ``None`` for the last (unbounded) one."""
    conditions = []
    previous = None
    for days in bucket_days:
        condition = Q()
        if days is not None:
            condition &= Q(opened_at__gt=now - timedelta(days=days))
        if previous is not None:
            condition &= Q(opened_at__lte=now - timedelta(days=previous))
        conditions.append(condition)
        previous = days
    rows = (
        incidents.exclude(status__in=STOP_STATUSES)
        .values("priority")
        .annotate(
            total=Count("pk"),
            **{f"b{i}": Count("pk", filter=c) for i, c in enumerate(conditions)},
        )
        .order_by("priority")
    )
    return {
        row["priority"]: (row["total"], [row[f"b{i}"] for i in range(len(conditions))])
        for row in rows
    }


def due_within(incidents: QuerySet, hours: float, now: datetime) -> int:
    """Incidents with a running clock due within ``hours`` or overdue
    (``due_within_hours``): the incident's own indexed next deadline."""
    return incidents.filter(next_due_at__lte=now + timedelta(hours=hours)).count()
