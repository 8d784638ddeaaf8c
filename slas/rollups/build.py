"""Marking months stale (called by the writes) and rebuilding their sums (the refresh
task)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import connections, router, transaction
from django.db.models import Count, F, Min, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from core.bulk import update_rows

from ..figures import FINISHED, SUM_FIELDS, clock_sums
from .months import _zone, current_month, month_of, month_start, next_month

# --- Marking months stale (called by the writes) ---------------------------------


def mark_months(pairs: Iterable[tuple[int, date]], *, enter: bool = True) -> int:
    """Raise the version of each (ecosystem id, month) given; a month not yet in the
    roll-up is entered as not built (``enter``), so that a refresh building it at the
    same time cannot miss this write. The current month is never rolled up, so writes
    to new incidents cost nothing here. Sorted, so that two writers lock the same
    months in the same order."""
    from ..models import SlaRollupMonth

    this_month = current_month()
    wanted = sorted({(eco, month) for eco, month in pairs if eco and month < this_month})
    if not wanted:
        return 0
    if not enter:
        condition = Q()
        for eco, month in wanted:
            condition |= Q(ecosystem_id=eco, month=month)
        return SlaRollupMonth.objects.filter(condition).update(version=F("version") + 1)
    alias = router.db_for_write(SlaRollupMonth)
    connection = connections[alias]
    quote = connection.ops.quote_name
    table = quote(SlaRollupMonth._meta.db_table)
    values = ", ".join(["(%s, %s, 1, 0, 0, 0)"] * len(wanted))
    params = [value for pair in wanted for value in pair]
    # One statement for PostgreSQL and SQLite alike: insert, or raise the version.
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (ecosystem_id, month, version, built_version, resolved, "
            f"reopened) VALUES {values} ON CONFLICT (ecosystem_id, month) "
            f"DO UPDATE SET version = {table}.version + 1",
            params,
        )
    return len(wanted)


def mark_incidents(incidents: Iterable, *, enter: bool = True) -> int:
    """The months of these incidents (and the month an incident was stored under, when
    its opening moved) have changed."""
    pairs = set()
    for incident in incidents:
        for opened in (incident.opened_at, getattr(incident, "_stored_opened_at", None)):
            if opened is not None:
                pairs.add((incident.ecosystem_id, month_of(opened)))
    return mark_months(pairs, enter=enter)


def mark_ecosystem(ecosystem_id: int) -> int:
    """Every month of an ecosystem (its targets changed: goals are read from them)."""
    from ..models import SlaRollupMonth

    return SlaRollupMonth.objects.filter(ecosystem_id=ecosystem_id).update(version=F("version") + 1)


# --- Building ----------------------------------------------------------------------


def refresh(ecosystem_ids: Iterable[int] | None = None, *, everything: bool = False) -> int:
    """Enter every past month that has incidents, and rebuild the months whose sums
    are not current (``everything``: all of them). Returns the months built."""
    from siam.models import Ecosystem

    from ..models import Incident, SlaRollupMonth

    ecosystems = Ecosystem.objects.all()
    if ecosystem_ids is not None:
        ecosystems = ecosystems.filter(pk__in=list(ecosystem_ids))
    this_month = current_month()
    built = 0
    for eco_id in ecosystems.values_list("pk", flat=True):
        first = Incident.objects.filter(ecosystem_id=eco_id).aggregate(first=Min("opened_at"))
        if first["first"] is None:
            continue
        months, month = [], month_of(first["first"])
        while month < this_month:
            months.append(SlaRollupMonth(ecosystem_id=eco_id, month=month))
            month = next_month(month)
        SlaRollupMonth.objects.bulk_create(months, ignore_conflicts=True, batch_size=500)
        buckets = SlaRollupMonth.objects.filter(ecosystem_id=eco_id, month__lt=this_month)
        if not everything:
            buckets = buckets.exclude(built_version=F("version"))
        buckets = list(buckets.order_by("month"))
        # A year at a time: one grouped pass per slice, whatever the number of months.
        for start in range(0, len(buckets), 12):
            built += _build(eco_id, buckets[start : start + 12])
    return built


def _build(eco_id: int, buckets: list) -> int:
    """Recompute the sums of ``buckets`` (one ecosystem's months, read with their
    versions just now) from the clocks, and record the versions they are current at.
    A write committed after the versions were read raises the version past the one
    recorded here, so its month is built again by the next refresh."""
    from ..models import (
        IncidentSla,
        OwnershipGap,
        SlaRollup,
        SlaRollupBudget,
        SlaRollupGap,
        SlaRollupMonth,
        SlaRollupSeen,
    )

    versions = {bucket.month: bucket.version for bucket in buckets}
    since, until = month_start(buckets[0].month), month_start(next_month(buckets[-1].month))
    by_month = {bucket.month: bucket for bucket in buckets}
    window = dict(
        incident__ecosystem_id=eco_id, incident__opened_at__gte=since, incident__opened_at__lt=until
    )
    rows, budget, gaps, seen = [], [], [], []
    for bucket in buckets:
        bucket.resolved = bucket.reopened = 0
    # The whole ecosystem (seen_by None), then what each provider sees of it: the
    # incidents it held, now or earlier (the access rule for a provider's users).
    for seen_by in (None, *_provider_ids(eco_id)):
        held = {} if seen_by is None else {"incident__holders": seen_by}
        clocks = IncidentSla.objects.filter(**window, **held)
        rows += _clock_rows(clocks, by_month, seen_by)
        budget += [
            SlaRollupBudget(
                bucket=bucket,
                seen_by_id=seen_by,
                metric=metric,
                party=party,
                clocks=count,
                seconds=seconds or 0,
            )
            for bucket in buckets
            for metric, party, count, seconds in _budget_of(clocks, bucket.month)
        ]
        gaps += _gap_rows(OwnershipGap.objects.filter(**window, **held), by_month, seen_by)
        seen += _resolved_rows(eco_id, since, until, by_month, seen_by)
    moment = timezone.now()
    for bucket in buckets:
        bucket.built_version = versions[bucket.month]
        bucket.built_at = moment
    with transaction.atomic():
        for model, new in (
            (SlaRollup, rows),
            (SlaRollupBudget, budget),
            (SlaRollupGap, gaps),
            (SlaRollupSeen, seen),
        ):
            model.objects.filter(bucket__in=buckets).delete()
            model.objects.bulk_create(new, batch_size=1000)
        update_rows(SlaRollupMonth, buckets, ("built_version", "built_at", "resolved", "reopened"))
    return len(buckets)


def _resolved_rows(eco_id: int, since, until, by_month: dict, seen_by: int | None) -> list:
    """Resolved and reopened incidents per month: set on the months themselves for the
    whole ecosystem (``seen_by`` None), or as rows of what a provider sees."""
    from ..models import Incident, SlaRollupSeen

    incidents = Incident.objects.filter(
        ecosystem_id=eco_id,
        opened_at__gte=since,
        opened_at__lt=until,
        resolved_at__isnull=False,
        **({} if seen_by is None else {"holders": seen_by}),
    )
    seen = []
    for month, resolved, reopened in _resolved_by_month(incidents):
        if month not in by_month:
            continue
        if seen_by is None:
            by_month[month].resolved, by_month[month].reopened = resolved, reopened
        else:
            seen.append(
                SlaRollupSeen(
                    bucket=by_month[month],
                    organisation_id=seen_by,
                    resolved=resolved,
                    reopened=reopened,
                )
            )
    return seen


def _provider_ids(eco_id: int) -> list[int]:
    from siam.models import ServiceProvider

    return sorted(
        ServiceProvider.objects.filter(ecosystem_id=eco_id).values_list(
            "organisation_id", flat=True
        )
    )


def _clock_rows(clocks, by_month: dict, seen_by: int | None) -> list:
    from ..models import SlaRollup

    rows = (
        clocks.filter(FINISHED)
        .annotate(month=TruncMonth("incident__opened_at", tzinfo=_zone()))
        .values("month", "metric", "provider_id", "incident__service_id", "incident__priority")
        .annotate(**clock_sums())
        .order_by()
    )
    return [
        SlaRollup(
            bucket=by_month[month_of(row["month"])],
            seen_by_id=seen_by,
            metric=row["metric"],
            provider_id=row["provider_id"],
            service_id=row["incident__service_id"],
            priority=row["incident__priority"],
            **{name: row[name] or 0 for name in SUM_FIELDS},
        )
        for row in rows
        if month_of(row["month"]) in by_month
    ]


def _gap_rows(gaps, by_month: dict, seen_by: int | None) -> list:
    from ..models import SlaRollupGap

    zone = _zone()
    rows = (
        gaps.annotate(
            opened=TruncMonth("incident__opened_at", tzinfo=zone),
            began=TruncMonth("start", tzinfo=zone),
        )
        .values("opened", "began", "handed_over_by_id")
        .annotate(
            gaps=Count("pk"),
            still_open=Count("pk", filter=Q(end__isnull=True)),
            seconds=Sum("business_seconds"),
        )
        .order_by()
    )
    return [
        SlaRollupGap(
            bucket=by_month[month_of(row["opened"])],
            seen_by_id=seen_by,
            month=month_of(row["began"]),
            party_id=row["handed_over_by_id"],
            gaps=row["gaps"],
            still_open=row["still_open"],
            seconds=row["seconds"] or 0,
        )
        for row in rows
        if month_of(row["opened"]) in by_month
    ]


def _resolved_by_month(incidents) -> list[tuple[date, int, int]]:
    """(month, resolved, reopened) of resolved incidents, by the month they opened."""
    return [
        (month_of(row["month"]), row["resolved"], row["reopened"])
        for row in incidents.annotate(month=TruncMonth("opened_at", tzinfo=_zone()))
        .values("month")
        .annotate(resolved=Count("pk"), reopened=Count("pk", filter=Q(reopen_count__gt=0)))
        .order_by()
    ]


def _budget_of(clocks, month: date) -> list[tuple]:
    """(metric, party, clocks, seconds) of one month's breached end-to-end clocks: each
    party's share. A query per month: the JSON is unnested in SQL, where a month
    truncation in the server's zone would need each database's own syntax."""
    from ..figures import BREACHED
    from ..reports import party_seconds

    breached = clocks.filter(
        BREACHED,
        provider__isnull=True,
        incident__opened_at__gte=month_start(month),
        incident__opened_at__lt=month_start(next_month(month)),
    )
    return party_seconds(breached, "s.metric")
