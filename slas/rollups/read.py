"""Reading the roll-ups: which months a report may take from the stored sums, and
those sums; the rest comes from the clocks (``live_condition``)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import F, Q, Sum
from django.utils import timezone

from ..figures import SUM_FIELDS
from .months import current_month, month_of, month_start, next_month

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

    from ..models import Incident

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
    from ..models import SlaRollupMonth, SlaRollupSeen

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
    from ..models import SlaRollup

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
    from ..models import SlaRollupGap

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

    from ..models import SlaRollupBudget

    if (condition := stored_condition(months)) is None:
        return []
    return list(
        SlaRollupBudget.objects.filter(condition, metric=metric)
        .values("party")
        .annotate(clocks=Sum("clocks"), seconds=Sum("seconds"))
        .order_by()
        .values_list("party", "clocks", "seconds")
    )
