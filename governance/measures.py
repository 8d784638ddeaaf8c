"""Figures computed from the SLA data, by month, aggregated in SQL.

The definitions are the service-level report's (``slas.reports``): a month holds the
incidents *opened* in it; attainment counts the end-to-end resolution clocks that
have finished (met or breached); a breach is a clock breached or whose breach was
recorded. Keeping one definition means a KPI, the dashboard, the steering report and
the SLA report show the same number for the same month.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.db.models import Avg, Count, Q
from django.db.models.functions import TruncMonth

from core.dates import start_of
from slas.choices import MetricChoices
from slas.models import Incident, IncidentSla
from slas.reports import BREACHED, FINISHED

from .choices import KpiSourceChoices


def _month(value) -> date:
    return value.date().replace(day=1) if hasattr(value, "date") else value.replace(day=1)


def monthly_figures(clocks, incidents, start: date, end: date) -> dict[date, dict]:
    """``clocks``/``incidents``: IncidentSla / Incident querysets already restricted to
    an ecosystem (and a user, for dashboards). Months from ``start`` to ``end``
    (exclusive), each with clocks, met, breached, attainment, mean resolution hours
    per priority and the reopen rate. Two queries whatever the volume."""
    since, until = start_of(start), start_of(end)
    window = dict(incident__opened_at__gte=since, incident__opened_at__lt=until)
    e2e = clocks.filter(metric=MetricChoices.RESOLUTION, provider__isnull=True, **window)
    figures: dict[date, dict] = defaultdict(
        lambda: {"clocks": 0, "met": 0, "breached": 0, "attainment": None, "mttr_hours": {}, "reopen_rate": None, "resolved": 0}
    )  # fmt: skip
    # One pass over the clocks by month and priority; the months' totals are the sums.
    rows = (
        e2e.filter(FINISHED)
        .annotate(month=TruncMonth("incident__opened_at"))
        .values("month", "incident__priority")
        .annotate(
            clocks=Count("pk"),
            met=Count("pk", filter=~BREACHED),
            breached=Count("pk", filter=BREACHED),
            mean=Avg("counted_seconds"),
        )
        .order_by()
    )
    for row in rows:
        month = figures[_month(row["month"])]
        for figure in ("clocks", "met", "breached"):
            month[figure] += row[figure]
        month["mttr_hours"][row["incident__priority"]] = round(row["mean"] / 3600, 2)
    for month in figures.values():
        if month["clocks"]:
            month["attainment"] = round(100 * month["met"] / month["clocks"], 1)
    rows = (
        incidents.filter(opened_at__gte=since, opened_at__lt=until, resolved_at__isnull=False)
        .annotate(month=TruncMonth("opened_at"))
        .values("month")
        .annotate(resolved=Count("pk"), reopened=Count("pk", filter=Q(reopen_count__gt=0)))
        .order_by()
    )  # fmt: skip
    for row in rows:
        month = figures[_month(row["month"])]
        month["resolved"] = row["resolved"]
        month["reopen_rate"] = (
            round(100 * row["reopened"] / row["resolved"], 1) if row["resolved"] else None
        )
    return dict(figures)


def ecosystem_figures(ecosystem_id: int, start: date, end: date) -> dict[date, dict]:
    """The whole ecosystem's figures (for KPIs and steering reports, not per user)."""
    return monthly_figures(
        IncidentSla.objects.filter(incident__ecosystem_id=ecosystem_id),
        Incident.objects.filter(ecosystem_id=ecosystem_id),
        start,
        end,
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
