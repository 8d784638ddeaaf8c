"""Figures computed from the SLA data, by month, aggregated in SQL.

The definitions are the service-level report's (``slas.reports``): a month holds the
incidents *opened* in it; attainment counts the end-to-end resolution clocks that
have finished (met or breached); a breach is a clock breached or whose breach was
recorded. Keeping one definition means a KPI, the dashboard, the steering report and
the SLA report show the same number for the same month.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import date

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncMonth

from core.dates import start_of
from slas import rollups
from slas.choices import MetricChoices
from slas.figures import BREACHED, FINISHED
from slas.models import Incident, IncidentSla, SlaRollup

from .choices import KpiSourceChoices


def _month(value) -> date:
    return value.date().replace(day=1) if hasattr(value, "date") else value.replace(day=1)


def monthly_figures(clocks, incidents, start: date, end: date, scope=None) -> dict[date, dict]:
    """``clocks``/``incidents``: IncidentSla / Incident querysets already restricted to
    an ecosystem (and a user, for dashboards). Months from ``start`` to ``end``
    (exclusive), each with clocks, met, breached, attainment, mean resolution hours
    per priority and the reopen rate. A few queries whatever the volume; ``scope``
    (``slas.rollups.Scope``): where the querysets hold whole ecosystems, whose stored
    monthly sums stand in for the months they cover."""
    since, until = start_of(start), start_of(end)
    stored = rollups.usable_months(replace(scope, since=since, until=until) if scope else None)
    among = scope.among if scope else None
    window = dict(incident__opened_at__gte=since, incident__opened_at__lt=until)
    e2e = clocks.filter(metric=MetricChoices.RESOLUTION, provider__isnull=True, **window)
    figures: dict[date, dict] = defaultdict(
        lambda: {"clocks": 0, "met": 0, "breached": 0, "attainment": None, "mttr_hours": {}, "reopen_rate": None, "resolved": 0}
    )  # fmt: skip
    # One pass over the clocks by month and priority; the months' totals are the sums.
    live = e2e.filter(FINISHED)
    if condition := rollups.live_condition(stored, among=among):
        live = live.filter(condition)
    rows = list(
        live.annotate(month=TruncMonth("incident__opened_at"))
        .values("month", "incident__priority")
        .annotate(
            clocks=Count("pk"),
            met=Count("pk", filter=~BREACHED),
            breached=Count("pk", filter=BREACHED),
            counted=Sum("counted_seconds"),
        )
        .order_by()
    ) + _stored_clock_rows(stored)
    for row in rows:
        month = figures[_month(row["month"])]
        for figure in ("clocks", "met", "breached"):
            month[figure] += row[figure]
        month["mttr_hours"][row["incident__priority"]] = round(
            (row["counted"] or 0) / row["clocks"] / 3600, 2
        )
    for month in figures.values():
        if month["clocks"]:
            month["attainment"] = round(100 * month["met"] / month["clocks"], 1)
    _add_reopen_rates(figures, incidents, since, until, stored, among)
    return dict(figures)


def _add_reopen_rates(figures: dict, incidents, since, until, stored: dict, among) -> None:
    """Each month's resolved incidents and the share of them reopened, the stored
    months read from the roll-ups."""
    resolved = incidents.filter(
        opened_at__gte=since, opened_at__lt=until, resolved_at__isnull=False
    )
    if condition := rollups.live_condition(stored, prefix="", among=among):
        resolved = resolved.filter(condition)
    rows = list(
        resolved.annotate(month=TruncMonth("opened_at"))
        .values("month")
        .annotate(resolved=Count("pk"), reopened=Count("pk", filter=Q(reopen_count__gt=0)))
        .order_by()
    ) + [
        {"month": bucket.month, "resolved": bucket.resolved, "reopened": bucket.reopened}
        for buckets in stored.values()
        for bucket in buckets
        if bucket.resolved
    ]
    for row in rows:
        month = figures[_month(row["month"])]
        month["resolved"] += row["resolved"]
        month.setdefault("reopened", 0)
        month["reopened"] += row["reopened"]
    for month in figures.values():
        reopened = month.pop("reopened", 0)
        if month["resolved"]:
            month["reopen_rate"] = round(100 * reopened / month["resolved"], 1)


def _stored_clock_rows(stored: dict) -> list[dict]:
    """The end-to-end resolution sums of the stored months, by month and priority."""
    if (condition := rollups.stored_condition(stored)) is None:
        return []
    return list(
        SlaRollup.objects.filter(condition, metric=MetricChoices.RESOLUTION, provider__isnull=True)
        .values(month=F("bucket__month"), incident__priority=F("priority"))
        .annotate(
            clocks=Sum("clocks"),
            met=Sum("met"),
            breached=Sum("breached"),
            counted=Sum("counted_sum"),
        )
        .order_by()
    )


def ecosystem_figures(ecosystem_id: int, start: date, end: date) -> dict[date, dict]:
    """The whole ecosystem's figures (for KPIs and steering reports, not per user)."""
    return monthly_figures(
        IncidentSla.objects.filter(incident__ecosystem_id=ecosystem_id),
        Incident.objects.filter(ecosystem_id=ecosystem_id),
        start,
        end,
        scope=rollups.Scope(frozenset({ecosystem_id}), among=frozenset({ecosystem_id})),
    )


def kpi_value(source: str, priority: str, month: dict | None) -> float | None:
    """The value of a computed KPI in one month's figures; None if there is nothing to
    measure (no finished clock, no resolved incident) — a gap, not a zero."""
    if month is None:
        return None
    if source == KpiSourceChoices.SLA_ATTAINMENT:
        return month["attainment"]
    if source == KpiSourceChoices.MTTR:
        return month["mttr_hours"].get(priority)
    if source == KpiSourceChoices.BREACHES:
        return float(month["breached"]) if month["clocks"] else None
    if source == KpiSourceChoices.REOPEN_RATE:
        return month["reopen_rate"]
    return None
