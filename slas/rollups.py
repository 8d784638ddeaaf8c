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

A provider's users see only the incidents their organisation held, so each month
also keeps every engaged provider's share (``seen_by``; ``SlaRollupSeen`` for its
resolved and reopened counts); the whole ecosystem's rows have ``seen_by`` empty.

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
        incidents = Incident.objects.filter(
            ecosystem_id=eco_id,
            opened_at__gte=since,
            opened_at__lt=until,
            resolved_at__isnull=False,
            **({} if seen_by is None else {"holders": seen_by}),
        )
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


def _provider_ids(eco_id: int) -> list[int]:
    from siam.models import ServiceProvider

    return sorted(
        ServiceProvider.objects.filter(ecosystem_id=eco_id).values_list(
            "organisation_id", flat=True
        )
    )


def _clock_rows(clocks, by_month: dict, seen_by: int | None) -> list:
    from .models import SlaRollup

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
    from .models import SlaRollupGap

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
    from .figures import BREACHED
    from .reports import party_seconds

    breached = clocks.filter(
        BREACHED,
        provider__isnull=True,
        incident__opened_at__gte=month_start(month),
        incident__opened_at__lt=month_start(next_month(month)),
    )
    return party_seconds(breached, "s.metric")


# --- Reading -----------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """Where a report may read stored sums, and the window of opening instants.

    ``ecosystem_ids``: the ecosystems its base holds *whole* (every clock of theirs in
    the window, as the integrator and the customer see them). ``held``: the ecosystems
    where its base holds what one provider organisation (``held_by``) sees, the
    incidents it held now or earlier; their months are stored for each provider too."""

    ecosystem_ids: frozenset[int]
    since: datetime | None = None
    until: datetime | None = None
    #: Every ecosystem the base's rows may come from (the user's, partly seen ones
    #: included), or None when not known. It lets the live part of a report be index
    #: ranges on ``(ecosystem, opened_at)`` rather than a NOT over the covered
    #: ecosystems, which PostgreSQL answers by reading every incident.
    among: frozenset[int] | None = None
    held: frozenset[int] = frozenset()
    held_by: int | None = None


def scope_for(user, ecosystem=None, since=None, until=None) -> Scope:
    """The ecosystems a user sees whole (their stored sums are his figures too), and
    those he sees as the one provider organisation he belongs to (that provider's
    stored sums are his), within ``ecosystem`` when given. A user of several
    organisations sees the union of what they held, which is stored for none of them:
    his provider ecosystems are read live."""
    from siam.access import get_access_context
    from siam.choices import LayerChoices
    from siam.models import Ecosystem

    from .models import Incident

    held, held_by = frozenset(), None
    if user.is_superuser:
        whole = frozenset(
            [ecosystem.pk] if ecosystem else Ecosystem.objects.values_list("pk", flat=True)
        )
        among = whole
    else:
        context = get_access_context(user)
        whole = Incident.wholly_visible_ecosystem_ids(context)
        among = context.visible_ecosystem_ids
        if len(context.organisation_ids) == 1:
            held = context.ecosystem_ids(LayerChoices.PROVIDER) - whole
            (held_by,) = context.organisation_ids
    if ecosystem is not None:
        whole &= {ecosystem.pk}
        among &= {ecosystem.pk}
        held &= {ecosystem.pk}
    return Scope(
        frozenset(whole),
        since,
        until,
        among=frozenset(among) | whole | held,
        held=frozenset(held),
        held_by=held_by if held else None,
    )


def usable_months(scope: Scope | None) -> dict[int, list]:
    """The current months the window covers whole, by ecosystem. Each month carries
    ``seen_by_id``, whose stored rows are the scope's figures (None: the whole
    ecosystem's), and its resolved and reopened counts as the scope sees them."""
    from .models import SlaRollupMonth, SlaRollupSeen

    if not scope or not (scope.ecosystem_ids or scope.held) or not settings.SIAM_SLA_ROLLUPS:
        return {}
    if timezone.get_current_timezone_name() != settings.TIME_ZONE:
        return {}
    buckets = SlaRollupMonth.objects.filter(
        ecosystem_id__in=sorted(scope.ecosystem_ids | scope.held),
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
    held = []
    for bucket in buckets.order_by("ecosystem_id", "month"):
        if bucket.ecosystem_id in scope.ecosystem_ids:
            bucket.seen_by_id = None
        else:
            bucket.seen_by_id = scope.held_by
            bucket.resolved = bucket.reopened = 0
            held.append(bucket)
        found[bucket.ecosystem_id].append(bucket)
    if held:
        by_pk = {bucket.pk: bucket for bucket in held}
        for bucket_id, resolved, reopened in SlaRollupSeen.objects.filter(
            bucket_id__in=sorted(by_pk), organisation_id=scope.held_by
        ).values_list("bucket_id", "resolved", "reopened"):
            by_pk[bucket_id].resolved, by_pk[bucket_id].reopened = resolved, reopened
    return dict(found)


def stored_condition(months: dict[int, list]) -> Q | None:
    """The stored rows of ``months`` (``usable_months``), each month's as its scope
    sees it: the whole ecosystem's, or one provider's. None when there are none."""
    whole, by_provider = [], defaultdict(list)
    for buckets in months.values():
        for bucket in buckets:
            if bucket.seen_by_id is None:
                whole.append(bucket.pk)
            else:
                by_provider[bucket.seen_by_id].append(bucket.pk)
    condition = Q(bucket_id__in=whole, seen_by__isnull=True) if whole else None
    for provider_id, bucket_ids in sorted(by_provider.items()):
        part = Q(bucket_id__in=bucket_ids, seen_by_id=provider_id)
        condition = part if condition is None else condition | part
    return condition


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

    if (condition := stored_condition(months)) is None:
        return []
    rows = (
        SlaRollup.objects.filter(condition, metric__in=list(metrics))
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

    if (condition := stored_condition(months)) is None:
        return []
    rows = (
        SlaRollupGap.objects.filter(condition)
        .values("month", party_name=F("party__name"))
        .annotate(gaps=Sum("gaps"), still_open=Sum("still_open"), seconds=Sum("seconds"))
        .order_by()
    )
    return [{**row, "month": month_start(row["month"])} for row in rows]


def stored_budget(months: dict[int, list], metric: str) -> list[tuple]:
    """(party key, clocks, seconds) of the stored months' breached end-to-end clocks."""
    from django.db.models import Sum

    from .models import SlaRollupBudget

    if (condition := stored_condition(months)) is None:
        return []
    return list(
        SlaRollupBudget.objects.filter(condition, metric=metric)
        .values("party")
        .annotate(clocks=Sum("clocks"), seconds=Sum("seconds"))
        .order_by()
        .values_list("party", "clocks", "seconds")
    )
