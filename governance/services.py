"""Governance services: closing meetings, overriding scores, computing KPIs from the
SLA data, KPI status for lists, the per-ecosystem dashboard and steering reports.

Every list-shaped answer is built with a constant number of queries (prefetch,
annotate, aggregate in SQL); loops run over already-fetched rows only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import partial
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.db.models import BooleanField, Case, Count, F, Prefetch, Value, When, Window
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone

from core.commands import Write, save_command
from core.routers import reads_from_replica
from raci.models import RaciActivity, RaciAssignment, RaciColumn, RaciMatrix
from raci.services import LoadedMatrix
from requirements_app.models import Requirement
from siam.models import ServiceProvider
from slas import counts, rollups
from slas.choices import SlaStateChoices
from slas.models import Incident, IncidentSla

from . import kpis as kpi_math
from . import measures, scoring
from .choices import ImprovementStatusChoices, KpiSourceChoices, MeetingStatusChoices, TrendChoices
from .models import (
    Action,
    ImprovementItem,
    Kpi,
    Measurement,
    Meeting,
    ScoringModel,
)

CLOSED_STATES = (ImprovementStatusChoices.DONE, ImprovementStatusChoices.REJECTED)

# --- Meetings ---------------------------------------------------------------------------------


def close_meeting(meeting: Meeting, user) -> Meeting:
    """Close a held meeting; refused (with every reason) while a decision has no owner or
    an action no due date or owner."""
    if meeting.status == MeetingStatusChoices.CLOSED:
        raise ValidationError("This meeting is already closed.")
    problems = meeting.closure_problems()
    if problems:
        raise ValidationError(problems)
    meeting.status = MeetingStatusChoices.CLOSED
    meeting.closed_at = timezone.now()
    meeting.closed_by = user
    meeting.save(update_fields=["status", "closed_at", "closed_by", "last_updated"])
    return meeting


# --- Improvement register ---------------------------------------------------------------------


def ranked(queryset):
    """Items with ``effective`` (the override, else the score) and ``rank`` within their
    ecosystem and register, computed by the database."""
    effective = Coalesce("override_score", "score")
    # Finished items (done, rejected) no longer compete for a place: they rank among
    # themselves, and pages show them without a rank.
    closed = Case(
        When(status__in=CLOSED_STATES, then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )
    return queryset.annotate(
        effective=effective,
        closed=closed,
        rank=Window(
            RowNumber(),
            partition_by=[F("ecosystem_id"), F("register"), closed],
            order_by=[effective.desc(), F("created").asc()],
        ),
    ).order_by("ecosystem__name", "register", "closed", "rank")


def with_rank(item: ImprovementItem) -> ImprovementItem:
    """The item with its ``rank`` and ``effective`` score among its register (a window
    over the whole partition: filtering by pk first would always rank it 1)."""
    partition = ImprovementItem.objects.filter(
        ecosystem_id=item.ecosystem_id, register=item.register
    )
    ranked_item = next(i for i in ranked(partition) if i.pk == item.pk)
    item.rank, item.effective, item.closed = (
        None if ranked_item.closed else ranked_item.rank,
        ranked_item.effective,
        ranked_item.closed,
    )
    return item


def override(item: ImprovementItem, score: float | None, reason: str, user) -> ImprovementItem:
    """Set (or, with ``score=None``, remove) a manual override; it keeps who and why."""
    if score is not None and not reason.strip():
        raise ValidationError({"override_reason": "Say why the ranking is overridden."})
    item.override_score = score
    item.override_reason = reason.strip() if score is not None else ""
    item.override_by = user if score is not None else None
    item.override_at = timezone.now() if score is not None else None
    item.full_clean()
    item.save()
    return item


@save_command(ScoringModel)
def save_scoring_model(write: Write) -> ScoringModel:
    """New weights re-rank the ecosystem's whole register at once."""
    model = write.save()
    rescore(model.ecosystem_id, model.weights)
    return model


@save_command(Measurement)
def save_measurement(write: Write) -> Measurement:
    if write.creating and write.user is not None:
        return write.save(recorded_by=write.user)
    return write.save()


def rescore(ecosystem_id: int, weights: dict[str, int]) -> None:
    items = list(ImprovementItem.objects.filter(ecosystem_id=ecosystem_id))
    for item in items:
        item.score = scoring.score(item.ratings, weights)
    ImprovementItem.objects.bulk_update(items, ["score"])


# --- KPIs -------------------------------------------------------------------------------------


def last_complete_period(today: date | None = None) -> date:
    today = today or timezone.localdate()
    return kpi_math.add_months(today.replace(day=1), -1)


def compute_kpis(ecosystem_id: int, period_start: date) -> int:
    """Measure every computed KPI of an ecosystem for one month from the SLA data
    (idempotent: a re-run updates the value). Returns how many values were written."""
    period_start = period_start.replace(day=1)
    figures = measures.ecosystem_figures(
        ecosystem_id, period_start, kpi_math.add_months(period_start, 1)
    ).get(period_start)
    written = 0
    for kpi in Kpi.objects.filter(ecosystem_id=ecosystem_id).exclude(
        source=KpiSourceChoices.MANUAL
    ):
        value = measures.kpi_value(kpi.source, kpi.priority, figures)
        if value is None:
            continue
        Measurement.objects.update_or_create(
            kpi=kpi, period_start=period_start,
            defaults={"value": value, "computed": True, "note": "Computed from the SLA data."},
        )  # fmt: skip
        written += 1
    return written


@dataclass
class KpiStatus:
    kpi: Kpi
    values: list[tuple[date, float]]
    latest: float | None
    trend: str
    on_target: bool | None
    missed: list[date] = field(default_factory=list)

    @property
    def trend_label(self) -> str:
        return dict(TREND_LABELS)[self.trend]


TREND_LABELS = TrendChoices.choices


def kpi_status(kpi: Kpi, until: date | None = None) -> KpiStatus:
    """Needs ``measurements`` prefetched (ordered by period)."""
    until = until or last_complete_period()
    values = [(m.period_start, m.value) for m in kpi.measurements.all() if m.period_start <= until]
    expected = kpi_math.period_starts(kpi.measured_from, until, kpi.frequency)
    missed = kpi_math.missed_periods(expected, {period for period, _ in values})
    latest = values[-1][1] if values else None
    return KpiStatus(
        kpi=kpi,
        values=values,
        latest=latest,
        trend=kpi_math.trend([v for _, v in values], kpi.direction, kpi.baseline),
        on_target=kpi_math.on_target(latest, kpi.target, kpi.direction),
        missed=missed,
    )


def kpis_with_measurements(queryset):
    return queryset.select_related("ecosystem").prefetch_related(
        Prefetch("measurements", Measurement.objects.order_by("period_start"))
    )


# --- RACI health ------------------------------------------------------------------------------


def raci_health(matrices) -> list[tuple[RaciMatrix, int, int]]:
    """(matrix, errors, warnings) for each current (not superseded) matrix, in four
    queries however many matrices and cells."""
    matrices = list(
        matrices.exclude(status="superseded")
        .select_related("ecosystem")
        .prefetch_related(
            Prefetch("activities", RaciActivity.objects.order_by("position", "pk")),
            Prefetch(
                "columns",
                RaciColumn.objects.select_related("role__organisation", "person__organisation"),
            ),
        )
    )
    cells: dict[int, dict] = {m.pk: {} for m in matrices}
    for cell in RaciAssignment.objects.filter(
        activity__matrix__in=[m.pk for m in matrices]
    ).annotate(matrix_id=F("activity__matrix_id")):
        cells[cell.matrix_id][(cell.activity_id, cell.column_id)] = cell
    health = []
    for matrix in matrices:
        loaded = LoadedMatrix(
            matrix, list(matrix.activities.all()), list(matrix.columns.all()), cells[matrix.pk]
        )
        findings = loaded.findings()
        health.append(
            (
                matrix,
                sum(1 for f in findings if f.level == "error"),
                sum(1 for f in findings if f.level == "warning"),
            )
        )
    return health


# --- Dashboard --------------------------------------------------------------------------------

AGE_BUCKETS = (("< 1 day", 1), ("1–3 days", 3), ("3–7 days", 7), ("> 7 days", None))


def months_back(today: date, count: int) -> list[date]:
    first = today.replace(day=1)
    return [kpi_math.add_months(first, -k) for k in range(count - 1, -1, -1)]


def attainment_target(ecosystem_id: int, kpis=None) -> float | None:
    """The end-to-end attainment target: the target of the ecosystem's SLA-attainment KPI."""
    kpis = kpis if kpis is not None else Kpi.objects.filter(ecosystem_id=ecosystem_id)
    for kpi in kpis:
        if kpi.source == KpiSourceChoices.SLA_ATTAINMENT and kpi.target is not None:
            return kpi.target
    return None


@dataclass(frozen=True)
class IncidentFigure:
    """A count on the dashboard and the incident list it links to (``query``)."""

    label: str
    count: int
    query: str


@reads_from_replica()
def dashboard(user, ecosystem, months: int = 6, now=None) -> dict:
    """Every tile of an ecosystem's dashboard, from what ``user`` may see, in a constant
    number of queries."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    month_list = months_back(today, months)
    start, end = month_list[0], kpi_math.add_months(month_list[-1], 1)
    clocks = IncidentSla.objects.restrict(user).filter(incident__ecosystem=ecosystem)
    incidents = Incident.objects.restrict(user).filter(ecosystem=ecosystem)
    figures = measures.monthly_figures(
        clocks, incidents, start, end, scope=rollups.scope_for(user, ecosystem)
    )

    figure = partial(_figure, ecosystem)
    breaches = _breaches_by_clock(ecosystem, incidents, start)
    open_counts = counts.open_by_priority_and_age(incidents, now, [days for _, days in AGE_BUCKETS])
    due_soon = (
        clocks.filter(state=SlaStateChoices.RUNNING, due_at__lte=now + timedelta(hours=24))
        .select_related("incident", "provider")
        .order_by("due_at")
    )  # fmt: skip
    due_soon_list = list(due_soon[:6])
    kpi_rows = [
        kpi_status(k)
        for k in kpis_with_measurements(Kpi.objects.restrict(user).filter(ecosystem=ecosystem))
    ]
    overdue = Action.objects.restrict(user).filter(ecosystem=ecosystem).overdue(today)
    return {
        "months": month_list,
        "attainment": [figures.get(m, {}).get("attainment") for m in month_list],
        "attainment_target": attainment_target(ecosystem.pk, [r.kpi for r in kpi_rows]),
        "breaches_by_provider": breaches,
        "open_by_priority_age": [(p, ages) for p, (_, ages) in sorted(open_counts.items())],
        "open_by_priority": [
            figure(p, total, open="true", priority=p)
            for p, (total, _) in sorted(open_counts.items())
        ],
        "age_labels": [label for label, _ in AGE_BUCKETS],
        "open_total": figure(
            "Open tickets", sum(total for total, _ in open_counts.values()), open="true"
        ),
        "due_soon": due_soon_list,
        "due_soon_count": figure(
            "Due within 24 hours", counts.due_within(incidents, 24, now), due_within_hours=24
        ),
        "kpis": kpi_rows,
        "raci": raci_health(RaciMatrix.objects.restrict(user).filter(ecosystem=ecosystem)),
        "requirements": dict(
            Requirement.objects.restrict(user)
            .filter(ecosystem=ecosystem)
            .values_list("status")
            .annotate(n=Count("pk"))
            .order_by()
        ),
        "overdue_actions": list(overdue.select_related("owner")[:6]),
        "overdue_count": overdue.count(),
    }


def _figure(ecosystem, label, count, **params) -> IncidentFigure:
    """An incident figure linking to the incident list with the filters whose rows it
    counts (``slas.counts`` counts several of them per query)."""
    params = {"ecosystem": ecosystem.pk, **params}
    return IncidentFigure(label, count, urlencode(params, doseq=True))


def _breaches_by_clock(ecosystem, incidents, start) -> list[IncidentFigure]:
    """Resolution breaches since ``start``, end to end and per provider's OLA."""
    since = start.isoformat()
    providers = list(
        ServiceProvider.objects.filter(ecosystem=ecosystem)
        .select_related("organisation")
        .order_by("organisation__name")
    )
    breached = counts.resolution_breaches_by_clock(incidents, start)
    return [
        _figure(ecosystem, "End-to-end SLA", breached.get(None, 0), breached_clock="end-to-end",
                breached_metric="resolution", opened_after=since),
        *(
            _figure(ecosystem, f"OLA of {sp.organisation.name}", breached.get(sp.organisation_id, 0),
                    breached_clock=str(sp.organisation_id), breached_metric="resolution",
                    opened_after=since)
            for sp in providers
        ),
    ]  # fmt: skip
