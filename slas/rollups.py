"""Stored monthly roll-ups of the finished clocks, for reports over years of history.

At five years of history the SLA report, the dashboard and the steering report would
sum millions of clocks on each view, although a month long past hardly ever changes.
Each past month of each ecosystem keeps its sums here (``SlaRollup``: what the report
would compute from the month's clocks, by metric, provider, service and priority); a
report reads those sums for the months it covers whole and the clocks themselves for
the rest (the current month, partial months at the window's ends, stale months).

Freshness is a version per month (``SlaRollupMonth``): every write that can change
what a month's clocks report raises it (``mark_incidents`` from ``store_clocks``, the
breach scan, an incident's deletion, a target's change); the refresh task rebuilds the
months whose version moved since their sums were computed. A report uses a month's
sums only while they are current, so a stale roll-up costs time, never correctness.
The nightly rebuild of every month repairs whatever a write outside the service
functions (raw SQL, a restore) changed without saying so.

Months are calendar months in the server's time zone (``TIME_ZONE``); a user who works
in another zone gets the live figures, whose months are his.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from django.conf import settings
from django.db import connections, router, transaction
from django.db.models import Count, F, Min, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from core.bulk import update_rows

from .figures import FINISHED, SUM_FIELDS, clock_sums


def _zone():
    return timezone.get_default_timezone()


@lru_cache(maxsize=4096)
def _month_start(year: int, month: int, zone) -> datetime:
    return datetime(year, month, 1, tzinfo=zone)


def month_start(month: date) -> datetime:
    """The instant a month begins in the server's time zone (asked for thousands of
    times per report: the rows of each stored month)."""
    return _month_start(month.year, month.month, _zone())


def next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def month_of(instant: datetime) -> date:
    return instant.astimezone(_zone()).date().replace(day=1)


def current_month() -> date:
    return month_of(timezone.now())


# --- Marking months stale (called by the writes) ---------------------------------


def mark_months(pairs: Iterable[tuple[int, date]], *, enter: bool = True) -> int:
    """Raise the version of each (ecosystem id, month) given; a month not yet in the
    roll-up is entered as not built (``enter``), so that a refresh building it at the
    same time cannot miss this write. The current month is never rolled up, so writes
    to new incidents cost nothing here. Sorted, so that two writers lock the same
    months in the same order."""
    from .models import SlaRollupMonth

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
    from .models import SlaRollupMonth

    return SlaRollupMonth.objects.filter(ecosystem_id=ecosystem_id).update(version=F("version") + 1)


# --- Building ----------------------------------------------------------------------


def refresh(ecosystem_ids: Iterable[int] | None = None, *, everything: bool = False) -> int:
    """Enter every past month that has incidents, and rebuild the months whose sums
    are not current (``everything``: all of them). Returns the months built."""
    from siam.models import Ecosystem

    from .models import Incident, SlaRollupMonth

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
    from .models import (
        Incident,
        IncidentSla,
        OwnershipGap,
        SlaRollup,
        SlaRollupBudget,
        SlaRollupGap,
        SlaRollupMonth,
    )

    versions = {bucket.month: bucket.version for bucket in buckets}
    since, until = month_start(buckets[0].month), month_start(next_month(buckets[-1].month))
    zone = _zone()
    rows = (
        IncidentSla.objects.filter(
            FINISHED,
            incident__ecosystem_id=eco_id,
            incident__opened_at__gte=since,
            incident__opened_at__lt=until,
        )
        .annotate(month=TruncMonth("incident__opened_at", tzinfo=zone))
        .values("month", "metric", "provider_id", "incident__service_id", "incident__priority")
        .annotate(**clock_sums())
        .order_by()
    )
    incidents = {
        month_of(row["month"]): row
        for row in Incident.objects.filter(
            ecosystem_id=eco_id,
            opened_at__gte=since,
            opened_at__lt=until,
            resolved_at__isnull=False,
        )
        .annotate(month=TruncMonth("opened_at", tzinfo=zone))
        .values("month")
        .annotate(resolved=Count("pk"), reopened=Count("pk", filter=Q(reopen_count__gt=0)))
        .order_by()
    }
    by_month = {bucket.month: bucket for bucket in buckets}
    new_rows = [
        SlaRollup(
            bucket=by_month[month_of(row["month"])],
            metric=row["metric"],
            provider_id=row["provider_id"],
            service_id=row["incident__service_id"],
            priority=row["incident__priority"],
            **{name: row[name] or 0 for name in SUM_FIELDS},
        )
        for row in rows
        if month_of(row["month"]) in by_month
    ]
    budget = [
        SlaRollupBudget(
            bucket=bucket, metric=metric, party=party, clocks=count, seconds=seconds or 0
        )
        for bucket in buckets
        for metric, party, count, seconds in _budget_of(eco_id, bucket.month)
    ]
    gaps = [
        SlaRollupGap(
            bucket=by_month[month_of(row["opened"])],
            month=month_of(row["began"]),
            party_id=row["handed_over_by_id"],
            gaps=row["gaps"],
            still_open=row["still_open"],
            seconds=row["seconds"] or 0,
        )
        for row in OwnershipGap.objects.filter(
            incident__ecosystem_id=eco_id,
            incident__opened_at__gte=since,
            incident__opened_at__lt=until,
        )
        .annotate(
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
        if month_of(row["opened"]) in by_month
    ]
    moment = timezone.now()
    for bucket in buckets:
        counts = incidents.get(bucket.month, {})
        bucket.built_version = versions[bucket.month]
        bucket.built_at = moment
        bucket.resolved = counts.get("resolved", 0)
        bucket.reopened = counts.get("reopened", 0)
    with transaction.atomic():
        SlaRollup.objects.filter(bucket__in=buckets).delete()
        SlaRollup.objects.bulk_create(new_rows, batch_size=1000)
        SlaRollupBudget.objects.filter(bucket__in=buckets).delete()
        SlaRollupBudget.objects.bulk_create(budget, batch_size=1000)
        SlaRollupGap.objects.filter(bucket__in=buckets).delete()
        SlaRollupGap.objects.bulk_create(gaps, batch_size=1000)
        update_rows(SlaRollupMonth, buckets, ("built_version", "built_at", "resolved", "reopened"))
    return len(buckets)


def _budget_of(eco_id: int, month: date) -> list[tuple]:
    """(metric, party, clocks, seconds) of one month's breached end-to-end clocks: each
    party's share. A query per month: the JSON is unnested in SQL, where a month
    truncation in the server's zone would need each database's own syntax."""
    from .figures import BREACHED
    from .models import IncidentSla
    from .reports import party_seconds

    breached = IncidentSla.objects.filter(
        BREACHED,
        provider__isnull=True,
        incident__ecosystem_id=eco_id,
        incident__opened_at__gte=month_start(month),
        incident__opened_at__lt=month_start(next_month(month)),
    )
    return party_seconds(breached, "s.metric")


# --- Reading -----------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """Where a report may read stored sums: the ecosystems its base holds *whole* (every
    clock of theirs in the window, as the integrator and the customer see them; never a
    provider's share of one), and the window of opening instants."""

    ecosystem_ids: frozenset[int]
    since: datetime | None = None
    until: datetime | None = None
    #: Every ecosystem the base's rows may come from (the user's, partly seen ones
    #: included), or None when not known. It lets the live part of a report be index
    #: ranges on ``(ecosystem, opened_at)`` rather than a NOT over the covered
    #: ecosystems, which PostgreSQL answers by reading every incident.
    among: frozenset[int] | None = None


def scope_for(user, ecosystem=None, since=None, until=None) -> Scope:
    """The ecosystems a user sees whole (their stored sums are his figures too), within
    ``ecosystem`` when given."""
    from siam.access import get_access_context
    from siam.models import Ecosystem

    from .models import Incident

    if user.is_superuser:
        whole = frozenset(
            [ecosystem.pk] if ecosystem else Ecosystem.objects.values_list("pk", flat=True)
        )
        among = whole
    else:
        context = get_access_context(user)
        whole = Incident.wholly_visible_ecosystem_ids(context)
        among = context.visible_ecosystem_ids
    if ecosystem is not None:
        whole &= {ecosystem.pk}
        among &= {ecosystem.pk}
    return Scope(frozenset(whole), since, until, among=frozenset(among) | whole)


def usable_months(scope: Scope | None) -> dict[int, list]:
    """The current months the window covers whole, by ecosystem."""
    from .models import SlaRollupMonth

    if not scope or not scope.ecosystem_ids or not settings.SIAM_SLA_ROLLUPS:
        return {}
    if timezone.get_current_timezone_name() != settings.TIME_ZONE:
        return {}
    buckets = SlaRollupMonth.objects.filter(
        ecosystem_id__in=sorted(scope.ecosystem_ids),
        built_version=F("version"),
        month__lt=current_month(),
    )
    if scope.since is not None:
        first = month_of(scope.since)
        buckets = buckets.filter(
            month__gte=first if month_start(first) == scope.since else next_month(first)
        )
    if scope.until is not None:
        buckets = buckets.filter(month__lt=month_of(scope.until))
    found: dict[int, list] = defaultdict(list)
    for bucket in buckets.order_by("ecosystem_id", "month"):
        found[bucket.ecosystem_id].append(bucket)
    return dict(found)


def live_condition(
    months: dict[int, list], prefix: str = "incident__", *, among: frozenset[int] | None = None
) -> Q | None:
    """What the stored months do not cover, as ranges of opening instants per ecosystem
    (index ranges on ``(ecosystem, opened_at)``, not a NOT over the covered months).
    ``among``: the ecosystems the rows may come from (``Scope.among``); without it, the other ecosystems are "not one of the covered", which no index serves."""
    if not months:
        return None
    eco, opened = f"{prefix}ecosystem_id", f"{prefix}opened_at"
    if among is None:
        condition = ~Q(**{f"{eco}__in": sorted(months)})
    else:
        # An empty list matches nothing: Django leaves that branch out of the OR.
        condition = Q(**{f"{eco}__in": sorted(among - months.keys())})
    for eco_id, buckets in months.items():
        gaps, edge = Q(**{f"{opened}__lt": month_start(buckets[0].month)}), None
        for bucket in buckets:
            start = month_start(bucket.month)
            if edge is not None and edge < start:
                gaps |= Q(**{f"{opened}__gte": edge, f"{opened}__lt": start})
            edge = month_start(next_month(bucket.month))
        gaps |= Q(**{f"{opened}__gte": edge})
        condition |= Q(**{eco: eco_id}) & gaps
    return condition


def stored_rows(months: dict[int, list], metrics: Iterable[str]) -> list[dict]:
    """The stored sums of ``months`` in the shape of the report's grouped rows."""
    from .models import SlaRollup

    bucket_ids = [bucket.pk for buckets in months.values() for bucket in buckets]
    if not bucket_ids:
        return []
    rows = (
        SlaRollup.objects.filter(bucket_id__in=bucket_ids, metric__in=list(metrics))
        .values(
            "metric",
            "provider_id",
            "priority",
            *SUM_FIELDS,
            party=F("provider__name"),
            service_name=F("service__name"),
            month=F("bucket__month"),
        )
        .order_by()
    )
    starts = {}
    found = []
    for row in rows:
        month = row["month"]
        if month not in starts:
            starts[month] = month_start(month)
        found.append({**row, "month": starts[month]})
    return found


def stored_gaps(months: dict[int, list]) -> list[dict]:
    """The stored ownership gaps of ``months``: month the gaps began (its first
    instant), party that let go (name, or None), gaps, still open, business seconds."""
    from .models import SlaRollupGap

    bucket_ids = [bucket.pk for buckets in months.values() for bucket in buckets]
    if not bucket_ids:
        return []
    rows = (
        SlaRollupGap.objects.filter(bucket_id__in=bucket_ids)
        .values("month", party_name=F("party__name"))
        .annotate(gaps=Sum("gaps"), still_open=Sum("still_open"), seconds=Sum("seconds"))
        .order_by()
    )
    return [{**row, "month": month_start(row["month"])} for row in rows]


def stored_budget(months: dict[int, list], metric: str) -> list[tuple]:
    """(party key, clocks, seconds) of the stored months' breached end-to-end clocks."""
    from django.db.models import Sum

    from .models import SlaRollupBudget

    bucket_ids = [bucket.pk for buckets in months.values() for bucket in buckets]
    if not bucket_ids:
        return []
    return list(
        SlaRollupBudget.objects.filter(bucket_id__in=bucket_ids, metric=metric)
        .values("party")
        .annotate(clocks=Sum("clocks"), seconds=Sum("seconds"))
        .order_by()
        .values_list("party", "clocks", "seconds")
    )
