"""The service-level report: attainment and mean times, aggregated in SQL."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date, timedelta

from django import forms
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncMonth
from django.http import HttpResponse
from django.utils import timezone

from core.dates import start_of
from core.forms.base import StyledFormMixin
from core.routers import reads_from_replica
from siam.models import Ecosystem

from . import rollups
from .charts import duration
from .choices import MetricChoices
from .figures import BREACHED, FINISHED, clock_sums
from .models import IncidentSla

__all__ = ["BREACHED", "FINISHED", "Report", "Row", "build_report", "report_for"]


class ReportFilterForm(StyledFormMixin, forms.Form):
    ecosystem = forms.ModelChoiceField(queryset=Ecosystem.objects.none(), required=False)
    opened_from = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="The last twelve months unless you choose; leave it empty for all history.",
    )
    opened_to = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    metric = forms.ChoiceField(
        choices=MetricChoices.choices, initial=MetricChoices.RESOLUTION, required=False
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ecosystem"].queryset = Ecosystem.objects.restrict(user)
        self._style_widgets()


@dataclass
class Row:
    key: str
    clocks: int
    met: int
    breached: int
    mean_seconds: float | None
    mean_target_seconds: float | None
    goal_seconds: float | None = None

    @property
    def attainment(self) -> float | None:
        return round(100 * self.met / self.clocks, 1) if self.clocks else None

    @property
    def mean(self) -> str:
        return duration(self.mean_seconds) if self.mean_seconds is not None else "—"

    @property
    def mean_target(self) -> str:
        return duration(self.mean_target_seconds) if self.mean_target_seconds is not None else "—"

    @property
    def goal(self) -> str:
        return duration(self.goal_seconds) if self.goal_seconds else "—"


@dataclass
class Report:
    metric: str
    overall: Row
    by_provider: list[Row] = field(default_factory=list)
    by_service: list[Row] = field(default_factory=list)
    by_priority: list[Row] = field(default_factory=list)
    by_month: list[Row] = field(default_factory=list)
    mean_response_by_priority: list[Row] = field(default_factory=list)
    breaches: list = field(default_factory=list)
    #: Of the breached end-to-end clocks: business time each party held them ("who
    #: used the SLA budget"), nobody's time included.
    budget_use: list[BudgetRow] = field(default_factory=list)
    gaps_by_month: list[GapRow] = field(default_factory=list)
    gaps_by_party: list[GapRow] = field(default_factory=list)


@dataclass
class BudgetRow:
    party: str
    clocks: int
    seconds: float
    share: float  # of all the time the breached clocks counted

    @property
    def time(self) -> str:
        return duration(self.seconds)


@dataclass
class GapRow:
    key: str
    gaps: int
    open: int
    seconds: float

    @property
    def time(self) -> str:
        return duration(self.seconds)


def _base(user, filters, model=IncidentSla):
    queryset = model.objects.restrict(user)
    if filters.get("ecosystem"):
        queryset = queryset.filter(incident__ecosystem=filters["ecosystem"])
    # Whole days in the user's time zone, as instants: the (ecosystem, opened_at) index
    # serves a range of instants, not a cast of every row to a date.
    if filters.get("opened_from"):
        queryset = queryset.filter(incident__opened_at__gte=start_of(filters["opened_from"]))
    if filters.get("opened_to"):
        queryset = queryset.filter(
            incident__opened_at__lt=start_of(filters["opened_to"] + timedelta(days=1))
        )
    return queryset


#: Without dates, the report covers incidents opened in the last twelve months (from the
#: first of the month): at five years of history, "everything" is a scan of every clock.
DEFAULT_WINDOW_MONTHS = 12


def report_form(params, user) -> ReportFilterForm:
    """The report's filters from a page's or the API's query, with the default window
    unless the query names ``opened_from`` (empty: all history)."""
    data = params.copy()
    data.setdefault("opened_from", default_opened_from().isoformat())
    return ReportFilterForm(data, user=user)


def _today() -> date:
    return timezone.localdate()


def default_opened_from(today: date | None = None) -> date:
    today = today or _today()
    month = today.year * 12 + today.month - 1 - (DEFAULT_WINDOW_MONTHS - 1)
    return date(month // 12, month % 12 + 1, 1)


def party_seconds(breached_e2e, *extra_groups: str) -> list[tuple]:
    """Sum each party's seconds over the clocks' ``party_seconds`` in SQL (the JSON
    object is unnested by the database: ``jsonb_each_text`` / ``json_each``): rows of
    (*extra groups, party key, clocks, seconds). ``extra_groups``: SQL expressions over
    the clock ``s``."""
    from django.db import connections

    connection = connections[breached_e2e.db]  # the replica, when reports read from one
    sub_sql, params = breached_e2e.values("pk").query.sql_with_params()
    table = IncidentSla._meta.db_table
    if connection.vendor == "postgresql":
        unnest, number = "jsonb_each_text(s.party_seconds)", "CAST(j.value AS double precision)"
    else:
        unnest, number = "json_each(s.party_seconds)", "CAST(j.value AS REAL)"
    groups = "".join(f"{group}, " for group in extra_groups)
    sql = (
        f"SELECT {groups}j.key, COUNT(*), SUM({number}) FROM {table} s CROSS JOIN {unnest} j "
        f"WHERE s.id IN ({sub_sql}) GROUP BY {groups}j.key"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def budget_use(breached_e2e, stored: list[tuple] = ()) -> list[BudgetRow]:
    """Who used the budget of the breached end-to-end clocks; ``stored``: (party key,
    clocks, seconds) of the months read from the roll-ups."""
    from siam.models import Organisation

    sums: dict[str, list] = {}
    for key, count, seconds in [*party_seconds(breached_e2e), *stored]:
        total = sums.setdefault(key, [0, 0.0])
        total[0] += count
        total[1] += seconds or 0
    keys = [int(key) for key in sums if key.isdigit()]
    # Always one query, even with no parties (Django skips ``pk__in=[]`` without
    # asking the database), so that the page's query count does not depend on its data.
    names = dict(
        Organisation.objects.using(breached_e2e.db)
        .filter(pk__in=keys or [0])
        .values_list("pk", "name")
    )
    total = sum(seconds for _, seconds in sums.values()) or 1
    found = [
        BudgetRow(
            "Nobody (no owner)" if key == "none" else names.get(int(key), f"Organisation {key}"),
            count,
            seconds,
            round(100 * seconds / total, 1),
        )
        for key, (count, seconds) in sums.items()
    ]
    return sorted(found, key=lambda r: -r.seconds)


def gap_rows(gaps, group_by, label, stored: list[dict] = (), stored_key=None) -> list[GapRow]:
    """Gaps summed by ``group_by`` in SQL, with the ``stored`` roll-up rows (their key
    under ``stored_key``) added in; ordered by key, an empty key last, on every
    database."""
    sums: dict = {}
    rows = (
        gaps.values(group_by)
        .annotate(
            n=Count("pk"),
            still_open=Count("pk", filter=Q(end__isnull=True)),
            seconds=Sum("business_seconds"),
        )
        .order_by()
    )
    found = [(r[group_by], r["n"], r["still_open"], r["seconds"]) for r in rows]
    found += [(r[stored_key], r["gaps"], r["still_open"], r["seconds"]) for r in stored]
    for key, n, still_open, seconds in found:
        total = sums.setdefault(key, [0, 0, 0.0])
        total[0] += n
        total[1] += still_open
        total[2] += seconds or 0
    ordered = sorted(sums.items(), key=lambda item: (item[0] is None, item[0] or 0))
    return [GapRow(label(key), n, still_open, seconds) for key, (n, still_open, seconds) in ordered]


@dataclass
class _Sums:
    clocks: int = 0
    met: int = 0
    breached: int = 0
    counted: float = 0.0
    target: float = 0.0
    goal: float = 0.0
    goals: int = 0

    def add(self, row: dict) -> None:
        self.clocks += row["clocks"]
        self.met += row["met"]
        self.breached += row["breached"]
        self.counted += row["counted_sum"] or 0
        self.target += row["target_sum"] or 0
        self.goal += row["goal_sum"] or 0
        self.goals += row["goal_count"]

    def row(self, key: str, with_goal: bool = False) -> Row:
        def mean(total, n):
            return total / n if n else None

        return Row(
            key,
            self.clocks,
            self.met,
            self.breached,
            mean(self.counted, self.clocks),
            mean(self.target, self.clocks),
            mean(self.goal, self.goals) if with_goal else None,
        )


def _finished_rows(base, metric: str, months: dict | None = None, among=None) -> list[dict]:
    """The finished clocks of ``metric`` and of the response, summed in SQL by metric,
    provider, service, priority and month: one pass over the window, whatever its size.
    Every table of the report is a roll-up of these few hundred rows (means are kept as
    sums and counts so that rolling up stays exact). ``months``: stored roll-ups
    (``slas.rollups``) read instead of the clocks of the months they cover."""
    metrics = {metric, MetricChoices.RESPONSE}
    live = base.filter(FINISHED, metric__in=metrics)
    if condition := rollups.live_condition(months or {}, among=among):
        live = live.filter(condition)
    rows = list(
        live.annotate(
            party=F("provider__name"),
            service_name=F("incident__service__name"),
            priority=F("incident__priority"),
            month=TruncMonth("incident__opened_at"),
        )
        .values("metric", "provider_id", "party", "service_name", "priority", "month")
        .annotate(**clock_sums())
        .order_by()
    )
    return rows + rollups.stored_rows(months or {}, metrics)


def _rolled_up(rows, key, label, with_goal=False) -> list[Row]:
    sums: dict = {}
    for row in rows:
        sums.setdefault(key(row), _Sums()).add(row)
    # NULL (end to end, no service) last, as PostgreSQL sorts it.
    ordered = sorted(sums.items(), key=lambda item: (item[0] is None, item[0] or ""))
    return [total.row(label(value), with_goal) for value, total in ordered]


@reads_from_replica()
def build_report(user, filters: dict) -> Report:
    from .models import OwnershipGap

    metric = filters.get("metric") or MetricChoices.RESOLUTION
    return report_for(
        _base(user, filters),
        metric,
        gaps=_base(user, filters, OwnershipGap),
        scope=rollup_scope(user, filters),
    )


def rollup_scope(user, filters: dict) -> rollups.Scope:
    since = start_of(filters["opened_from"]) if filters.get("opened_from") else None
    until = start_of(filters["opened_to"] + timedelta(days=1)) if filters.get("opened_to") else None
    return rollups.scope_for(user, filters.get("ecosystem"), since, until)


def report_for(
    base, metric: str = MetricChoices.RESOLUTION, *, gaps=None, scope: rollups.Scope | None = None
) -> Report:
    """The report over ``base``, any IncidentSla queryset (a user's restricted view, or
    a whole ecosystem's for the steering report): one definition for both. ``gaps``:
    the ownership gaps of the same incidents. ``scope``: where ``base`` holds whole
    ecosystems, whose stored monthly sums may stand in for their clocks."""
    clocks = base.filter(metric=metric)
    e2e = clocks.filter(provider__isnull=True)
    months = rollups.usable_months(scope)
    among = scope.among if scope else None
    rows = _finished_rows(base, metric, months, among)
    of_metric = [r for r in rows if r["metric"] == metric]
    end_to_end = [r for r in of_metric if r["provider_id"] is None]
    overall = _Sums()
    for row in end_to_end:
        overall.add(row)
    report = Report(metric=metric, overall=overall.row("End to end"))
    report.by_provider = _rolled_up(
        of_metric, lambda r: r["party"], lambda v: v or "End to end (SLA)"
    )
    report.by_service = _rolled_up(end_to_end, lambda r: r["service_name"], str)
    report.by_priority = _rolled_up(end_to_end, lambda r: r["priority"], str, with_goal=True)
    report.by_month = _rolled_up(
        end_to_end,
        lambda r: r["month"],
        lambda v: v.strftime("%Y-%m") if v else "—",
    )
    report.mean_response_by_priority = _rolled_up(
        [r for r in rows if r["metric"] == MetricChoices.RESPONSE and r["provider_id"] is None],
        lambda r: r["priority"],
        str,
    )
    report.breaches = list(
        clocks.filter(BREACHED)
        .select_related("incident__service", "provider")
        .order_by("-breach_at", "incident__reference", "metric", "pk")[:50]
    )
    breached_e2e = e2e.filter(BREACHED)
    if condition := rollups.live_condition(months, among=among):
        breached_e2e = breached_e2e.filter(condition)
    report.budget_use = budget_use(breached_e2e, rollups.stored_budget(months, metric))
    if gaps is not None:
        _add_gaps(report, gaps, months, among)
    return report


def _add_gaps(report: Report, gaps, months, among) -> None:
    """The ownership gaps by month and by the party that handed over, the stored
    months read from the roll-ups and the rest from ``gaps``."""
    stored_gaps = rollups.stored_gaps(months)
    if condition := rollups.live_condition(months, among=among):
        gaps = gaps.filter(condition)
    report.gaps_by_month = gap_rows(
        gaps.annotate(month=TruncMonth("start")),
        "month",
        lambda v: v.strftime("%Y-%m") if v else "—",
        stored_gaps,
        "month",
    )
    report.gaps_by_party = gap_rows(
        gaps.annotate(party=F("handed_over_by__name")),
        "party",
        lambda v: v or "Opened without an owner",
        stored_gaps,
        "party_name",
    )


def report_csv_response(report: Report) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="service-levels-{report.metric}.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
            "dimension",
            "group",
            "clocks",
            "met",
            "breached",
            "attainment_percent",
            "mean_seconds",
            "mean_target_seconds",
            "goal_seconds",
        ]
    )
    sections = [
        ("overall", [report.overall]),
        ("provider", report.by_provider),
        ("service", report.by_service),
        ("priority", report.by_priority),
        ("month", report.by_month),
        ("response_by_priority", report.mean_response_by_priority),
    ]
    for name, rows in sections:
        for row in rows:
            writer.writerow(
                [name, row.key, row.clocks, row.met, row.breached, row.attainment,
                 round(row.mean_seconds) if row.mean_seconds is not None else "",
                 round(row.mean_target_seconds) if row.mean_target_seconds is not None else "",
                 round(row.goal_seconds) if row.goal_seconds else ""]
            )  # fmt: skip
    writer.writerow([])
    writer.writerow(["dimension", "group", "breached_clocks", "business_seconds", "share_percent"])
    for row in report.budget_use:
        writer.writerow(["budget_used_by", row.party, row.clocks, round(row.seconds), row.share])
    writer.writerow([])
    writer.writerow(["dimension", "group", "gaps", "still_open", "business_seconds"])
    for name, rows in (
        ("gaps_month", report.gaps_by_month),
        ("gaps_left_by", report.gaps_by_party),
    ):
        for row in rows:
            writer.writerow([name, row.key, row.gaps, row.open, round(row.seconds)])
    return response
