"""The steering report's snapshot: everything the board reads about one period, for the
whole ecosystem, as plain JSON (numbers, names, dates as ISO strings). Each section of
the report has its own function below; ``snapshot`` puts them together. The PDF is
rendered from the snapshot only (``governance.steering``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, Q

from core.dates import start_of
from core.routers import reads_from_replica
from raci.models import RaciMatrix
from requirements_app.models import Transition
from slas import rollups
from slas.choices import ClassificationChoices, MetricChoices
from slas.models import Incident, IncidentSla, PriorityMatrix, ServiceLevelTarget
from slas.reports import BREACHED, report_for

from . import kpis as kpi_math
from . import measures, services
from .choices import OPEN_ACTION_STATES, DecisionStatusChoices, ImprovementStatusChoices
from .models import Action, Board, BoardMember, Decision, ImprovementItem, Kpi, Meeting
from .rag import (
    DEFAULT_ATTAINMENT_TARGET,
    TREND_MONTHS,
    amber_margin,
    iso,
    major_priorities,
    overall_rag,
    priority_rag,
    report_row,
)


@dataclass(frozen=True)
class Period:
    ecosystem_id: int
    start: date
    end: date

    @property
    def after_end(self) -> date:
        return self.end + timedelta(days=1)

    @property
    def since(self) -> datetime:
        return start_of(self.start)

    @property
    def until(self) -> datetime:
        return start_of(self.after_end)

    def dated(self, field: str) -> Q:
        """Rows whose date ``field`` falls in the period."""
        return Q(**{f"{field}__date__gte": self.start, f"{field}__date__lte": self.end})

    def contains(self, day: date | None) -> bool:
        return day is not None and self.start <= day <= self.end


@reads_from_replica()
def snapshot(ecosystem, period_start: date, period_end: date) -> dict:
    """The figures of one period, for the whole ecosystem, as JSON-ready data."""
    period = Period(ecosystem.pk, period_start, period_end)
    kpi_rows = [
        services.kpi_status(k, until=period_start)
        for k in services.kpis_with_measurements(Kpi.objects.filter(ecosystem_id=ecosystem.pk))
    ]
    target = (
        services.attainment_target(ecosystem.pk, [r.kpi for r in kpi_rows])
        or DEFAULT_ATTAINMENT_TARGET
    )
    matrix = PriorityMatrix.objects.filter(ecosystem_id=ecosystem.pk).first()
    priorities = matrix.priorities if matrix else ["P1", "P2", "P3", "P4", "P5"]
    levels = service_levels(period, target, priorities)
    tickets = incidents(period, major=priorities[:2])
    decisions = list(
        Decision.objects.filter(ecosystem_id=ecosystem.pk).select_related("owner", "meeting")
    )
    return {
        "version": 1,
        "ecosystem": {
            "id": ecosystem.pk, "name": ecosystem.name, "customer": str(ecosystem.customer),
            "integrator": str(ecosystem.integrator),
        },
        "period": {"start": iso(period_start), "end": iso(period_end), "label": period_start.strftime("%B %Y")},
        "status": levels.pop("status"),
        "attainment_target": target,
        "services": list(ecosystem.services.order_by("name").values_list("name", flat=True)),
        **board(period),
        "summary": summary(levels, tickets["counts"], target, kpi_rows, decisions),
        **levels,
        **tickets,
        "kpis": [kpi(row) for row in kpi_rows],
        "improvements": improvements(period),
        **decisions_and_actions(period, decisions),
        **changes(period),
    }  # fmt: skip


def service_levels(period: Period, target: float, priorities: list[str]) -> dict:
    """Section 2 and 3: attainment end to end, per priority and per provider, the
    trend, and the breaches."""
    eco_id = period.ecosystem_id
    window = Q(incident__opened_at__gte=period.since, incident__opened_at__lt=period.until)
    clocks = IncidentSla.objects.filter(incident__ecosystem_id=eco_id).filter(window)
    whole = rollups.Scope(
        frozenset({eco_id}), period.since, period.until, among=frozenset({eco_id})
    )
    report = report_for(clocks, MetricChoices.RESOLUTION, scope=whole)
    response = report_for(clocks, MetricChoices.RESPONSE, scope=whole)
    trend_months = [kpi_math.add_months(period.start, -k) for k in range(TREND_MONTHS - 1, -1, -1)]
    figures = measures.ecosystem_figures(eco_id, trend_months[0], period.after_end)
    agreed = {
        t.priority: t.resolution_minutes / 60
        for t in ServiceLevelTarget.objects.filter(
            contract__ecosystem_id=eco_id, contract__kind="sla"
        )
    }
    margin = amber_margin()
    must_not_breach = set(major_priorities(priorities))
    by_priority = []
    for r in report.by_priority:
        row = {**report_row(r), "agreed_hours": agreed.get(r.key)}
        row["status"] = priority_rag(
            row, target, major=r.key in must_not_breach, amber_margin=margin
        )
        by_priority.append(row)
    providers = [report_row(r) for r in report.by_provider if r.key != "End to end (SLA)"]
    ola_breaches = sum(p["breached"] for p in providers)
    breached = clocks.filter(BREACHED, metric=MetricChoices.RESOLUTION).select_related(
        "incident", "provider"
    )
    return {
        "status": overall_rag(report.overall.attainment, by_priority, target),
        "service_levels": {
            "overall": report_row(report.overall),
            "response": report_row(response.overall),
            "by_priority": by_priority,
            "by_provider": providers,
            "trend": [
                {"month": m.strftime("%Y-%m"), "attainment": figures.get(m, {}).get("attainment")}
                for m in trend_months
            ],
        },
        "rag": {"amber_margin": margin, "major_priorities": sorted(must_not_breach)},
        "breach_total": report.overall.breached + ola_breaches,
        "breaches": [
            {
                "reference": c.incident.reference, "title": c.incident.title, "priority": c.incident.priority,
                "party": c.provider.name if c.provider else "End to end", "metric": c.get_metric_display(),
                "breach_at": iso(c.breach_at),
            }
            for c in breached.order_by("breach_at", "incident__reference", "pk")[:40]
        ],
    }  # fmt: skip


def summary(levels: dict, counts: dict, target: float, kpi_rows, decisions) -> list[str]:
    """The report's first page in sentences."""
    rows = levels["service_levels"]
    overall = rows["overall"]
    ola_breaches = sum(p["breached"] for p in rows["by_provider"])
    lines = [
        f"{counts['opened']} tickets were opened in the period, {counts['resolved']} of them are resolved.",
        (
            f"End-to-end resolution attainment was {overall['attainment']} % against a target of {target:g} % "
            f"({overall['met']} of {overall['clocks']} finished clocks met)."
            if overall["attainment"] is not None
            else "No resolution clock finished in the period."
        ),
        f"Resolution breaches: {overall['breached']} of the end-to-end SLA and {ola_breaches} of "
        f"providers' OLAs (section 3 lists them).",
    ]  # fmt: skip
    failing = [row["key"] for row in rows["by_priority"] if row["status"] in ("amber", "red")]
    if failing:
        lines.append("Priorities off target: " + ", ".join(failing) + ".")
    measured = [p for p in rows["by_provider"] if p["attainment"] is not None]
    furthest = min(measured, key=lambda p: p["attainment"], default=None)
    if furthest and furthest["attainment"] < target:
        lines.append(f"{furthest['key']} is furthest from target at {furthest['attainment']} %.")
    degrading = [r.kpi.name for r in kpi_rows if r.trend == "degrading"]
    if degrading:
        lines.append("Degrading KPIs: " + ", ".join(degrading) + ".")
    needed = [d for d in decisions if d.status == DecisionStatusChoices.NEEDED]
    if needed:
        lines.append(
            f"{len(needed)} decision{'s' if len(needed) != 1 else ''} needed from the board."
        )
    return lines


def incidents(period: Period, *, major: list[str]) -> dict:
    """Ticket counts of the period, its major incidents and its change requests."""
    opened = Incident.objects.filter(
        ecosystem_id=period.ecosystem_id, opened_at__gte=period.since, opened_at__lt=period.until
    )
    change = Q(classification=ClassificationChoices.CHANGE_REQUEST)
    counts = opened.aggregate(
        opened=Count("pk"),
        resolved=Count("pk", filter=Q(resolved_at__isnull=False)),
        changes=Count("pk", filter=change),
        major=Count("pk", filter=Q(priority__in=major)),
    )
    return {
        "counts": counts,
        "major_incidents": [
            {"reference": i.reference, "title": i.title, "priority": i.priority, "status": i.get_status_display(),
             "opened_at": iso(i.opened_at), "resolved_at": iso(i.resolved_at)}
            for i in opened.filter(priority__in=major).exclude(change).order_by("opened_at")[:25]
        ],
        "changes": [
            {"reference": i.reference, "title": i.title, "status": i.get_status_display(),
             "approved": bool(i.change_approved_at), "opened_at": iso(i.opened_at)}
            for i in opened.filter(change).order_by("opened_at")[:25]
        ],
    }  # fmt: skip


def board(period: Period) -> dict:
    """Who sits on the strategic boards, and the meetings of the period."""
    members = BoardMember.objects.filter(
        board__ecosystem_id=period.ecosystem_id, board__level="strategic"
    ).select_related("person__organisation", "board")
    meetings = (
        Meeting.objects.filter(ecosystem_id=period.ecosystem_id)
        .filter(scheduled_at__date__gte=period.start, scheduled_at__date__lte=period.end)
        .select_related("board")
        .annotate(attendee_count=Count("attendees"))
    )
    return {
        "participants": [
            {"name": m.person.name, "organisation": str(m.person.organisation), "layer": m.get_layer_display(),
             "role": m.get_role_display(), "board": m.board.name}
            for m in members
        ],
        "meetings": [
            {"title": str(m), "board": m.board.name, "at": iso(m.scheduled_at), "status": m.get_status_display(),
             "attendees": m.attendee_count}
            for m in meetings
        ],
    }  # fmt: skip


def kpi(row) -> dict:
    k = row.kpi
    return {
        "name": k.name, "kind": k.get_kind_display(), "unit": k.unit, "direction": k.direction,
        "baseline": k.baseline, "target": k.target, "latest": row.latest, "trend": row.trend,
        "on_target": row.on_target, "values": [[iso(p), v] for p, v in row.values[-TREND_MONTHS:]],
        "missed": [iso(p) for p in row.missed],
    }  # fmt: skip


def improvements(period: Period) -> dict:
    """The register by status, and the top ten still to do."""
    items = ImprovementItem.objects.filter(ecosystem_id=period.ecosystem_id)
    by_status = dict(items.values_list("status").annotate(n=Count("pk")).order_by())
    # Ranked among the items still to do: finished ones no longer compete.
    ranked = services.ranked(items.exclude(status__in=services.CLOSED_STATES)).select_related(
        "owner"
    )
    return {
        "by_status": {label: by_status.get(value, 0) for value, label in ImprovementStatusChoices.choices},
        "top": [
            {"rank": i.rank, "register": i.get_register_display(), "title": i.title, "score": i.score,
             "effective": i.effective, "override_reason": i.override_reason, "status": i.get_status_display(),
             "owner": str(i.owner) if i.owner else None}
            for i in ranked
        ][:10],
    }  # fmt: skip


def decisions_and_actions(period: Period, decisions: list) -> dict:
    actions = (
        Action.objects.filter(ecosystem_id=period.ecosystem_id, status__in=OPEN_ACTION_STATES)
        .select_related("owner__organisation")
        .order_by("due_date", "pk")
    )
    taken = DecisionStatusChoices.TAKEN
    return {
        "decisions_needed": [
            {"title": d.title, "owner": str(d.owner) if d.owner else None, "description": d.description}
            for d in decisions
            if d.status == DecisionStatusChoices.NEEDED
        ],
        "decisions_taken": [
            {"title": d.title, "owner": str(d.owner) if d.owner else None, "decided_on": iso(d.decided_on),
             "meeting": str(d.meeting) if d.meeting else None}
            for d in decisions
            if d.status == taken and period.contains(d.decided_on)
        ],
        "open_actions": [
            {"title": a.title, "owner": str(a.owner) if a.owner else None,
             "organisation": str(a.owner.organisation) if a.owner else None, "due_date": iso(a.due_date),
             "overdue": bool(a.due_date and a.due_date <= period.end)}
            for a in actions
        ],
    }  # fmt: skip


def changes(period: Period) -> dict:
    """What changed in the period: requirements moved through their workflow, RACI
    matrices made or approved, boards set up or changed."""
    eco_id = period.ecosystem_id
    transitions = Transition.objects.filter(requirement__ecosystem_id=eco_id).filter(
        period.dated("at")
    )
    matrices = RaciMatrix.objects.filter(ecosystem_id=eco_id).filter(
        period.dated("approved_at") | period.dated("created")
    )
    boards = Board.objects.filter(ecosystem_id=eco_id).filter(period.dated("last_updated"))
    return {
        "requirements_changed": [
            {"code": t.requirement.code, "title": t.requirement.title, "from": t.get_source_display(),
             "to": t.get_target_display(), "at": iso(t.at), "note": t.note}
            for t in transitions.select_related("requirement").order_by("at")
        ],
        "raci_changes": [
            {"name": m.name, "version": m.version, "status": m.get_status_display(), "approved_at": iso(m.approved_at)}
            for m in matrices.order_by("name", "version")
        ],
        "governance_changes": [
            {"name": b.name, "level": b.get_level_display(),
             "change": "set up" if period.contains(b.created.date()) else "changed"}
            for b in boards
        ],
    }  # fmt: skip
