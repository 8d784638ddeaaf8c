"""Monthly steering reports: a frozen snapshot of the figures, rendered to PDF.

``snapshot()`` gathers everything the steering board reads into plain JSON (numbers,
names, dates as ISO strings), computed for the whole ecosystem. The PDF is rendered
from that snapshot only, so an archived report can be re-read (and re-rendered) long
after the live data has moved on, and its figures are the ones the board saw.
"""

from __future__ import annotations

import base64
import io
import time
from datetime import UTC, date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from pypdf import PdfReader

from core import charts
from core.dates import start_of
from core.pdf import render_pdf
from core.routers import reads_from_replica
from raci.models import RaciMatrix
from requirements_app.models import Transition
from slas import rollups
from slas.choices import ClassificationChoices, MetricChoices
from slas.models import Incident, IncidentSla, PriorityMatrix, ServiceLevelTarget
from slas.reports import BREACHED, report_for

from . import kpis as kpi_math
from . import measures, services
from .choices import (
    OPEN_ACTION_STATES,
    DecisionStatusChoices,
    ImprovementStatusChoices,
)
from .models import (
    Action,
    Board,
    BoardMember,
    Decision,
    ImprovementItem,
    Kpi,
    Meeting,
    SteeringReport,
)

DEFAULT_ATTAINMENT_TARGET = 95.0
TREND_MONTHS = 6


def period_for(month: date) -> tuple[date, date]:
    """A calendar month: its first and last day."""
    first = month.replace(day=1)
    return first, kpi_math.add_months(first, 1) - timedelta(days=1)


def _iso(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    return value.isoformat()


def _hours(seconds: float | None) -> float | None:
    return round(seconds / 3600, 2) if seconds is not None else None


def _row(row) -> dict:
    return {
        "key": row.key, "clocks": row.clocks, "met": row.met, "breached": row.breached,
        "attainment": row.attainment, "mean_hours": _hours(row.mean_seconds),
        "mean_target_hours": _hours(row.mean_target_seconds),
    }  # fmt: skip


RAG_ORDER = ("grey", "green", "amber", "red")


def rag(attainment: float | None, target: float, amber_margin: float = 5.0) -> str:
    """Green at or above target, amber within ``amber_margin`` points below, red under."""
    if attainment is None:
        return "grey"
    if attainment >= target:
        return "green"
    return "amber" if attainment >= target - amber_margin else "red"


def worst(*statuses: str) -> str:
    return max(statuses, key=RAG_ORDER.index, default="grey")


def priority_rag(row: dict, target: float, *, major: bool, amber_margin: float) -> str:
    """One priority's status: its attainment against the target, and for the major
    priorities (P1 by default) any breach at all makes it at least amber."""
    status = rag(row["attainment"], target, amber_margin)
    if major and row["breached"] and status in ("green", "grey"):
        return "amber"
    return status


def overall_rag(overall: float | None, rows: list[dict], target: float) -> str:
    """The report's status: the worst of the overall attainment's and every priority's
    (docs/governance.md, "Steering status"). A red P1 is never hidden by a green mean."""
    return worst(rag(overall, target, amber_margin()), *(row["status"] for row in rows))


def amber_margin() -> float:
    return float(getattr(settings, "SIAM_STEERING_AMBER_MARGIN", 5))


def major_priorities(priorities: list[str]) -> list[str]:
    """The priorities where any breach counts (the most urgent ones)."""
    count = int(getattr(settings, "SIAM_STEERING_MAJOR_PRIORITIES", 1))
    return priorities[:count]


def refuse_future(month: date, today: date | None = None) -> None:
    """A month that has not begun has no figures: refused, not reported as grey."""
    today = today or timezone.localdate()
    if month.replace(day=1) > today.replace(day=1):
        raise ValidationError(
            {"month": "This month has not begun yet: choose this month or an earlier one."}
        )


@reads_from_replica()
def snapshot(ecosystem, period_start: date, period_end: date) -> dict:
    """The figures of one period, for the whole ecosystem, as JSON-ready data."""
    eco_id = ecosystem.pk
    after_end = period_end + timedelta(days=1)
    since, until = start_of(period_start), start_of(after_end)
    window = Q(incident__opened_at__gte=since, incident__opened_at__lt=until)
    clocks = IncidentSla.objects.filter(incident__ecosystem_id=eco_id).filter(window)
    whole = rollups.Scope(frozenset({eco_id}), since, until, among=frozenset({eco_id}))
    report = report_for(clocks, MetricChoices.RESOLUTION, scope=whole)
    response = report_for(clocks, MetricChoices.RESPONSE, scope=whole)

    kpi_rows = [
        services.kpi_status(k, until=period_start)
        for k in services.kpis_with_measurements(Kpi.objects.filter(ecosystem_id=eco_id))
    ]
    target = (
        services.attainment_target(eco_id, [r.kpi for r in kpi_rows]) or DEFAULT_ATTAINMENT_TARGET
    )
    trend_months = [kpi_math.add_months(period_start, -k) for k in range(TREND_MONTHS - 1, -1, -1)]
    figures = measures.ecosystem_figures(eco_id, trend_months[0], after_end)

    matrix = PriorityMatrix.objects.filter(ecosystem_id=eco_id).first()
    priorities = matrix.priorities if matrix else ["P1", "P2", "P3", "P4", "P5"]
    major = priorities[:2]
    targets = {
        t.priority: t.resolution_minutes / 60
        for t in ServiceLevelTarget.objects.filter(
            contract__ecosystem_id=eco_id, contract__kind="sla"
        )
    }
    incidents = Incident.objects.filter(
        ecosystem_id=eco_id, opened_at__gte=since, opened_at__lt=until
    )
    counts = incidents.aggregate(
        opened=Count("pk"),
        resolved=Count("pk", filter=Q(resolved_at__isnull=False)),
        changes=Count("pk", filter=Q(classification=ClassificationChoices.CHANGE_REQUEST)),
        major=Count("pk", filter=Q(priority__in=major)),
    )

    members = BoardMember.objects.filter(
        board__ecosystem_id=eco_id, board__level="strategic"
    ).select_related("person__organisation", "board")
    meetings = (
        Meeting.objects.filter(
            ecosystem_id=eco_id,
            scheduled_at__date__gte=period_start,
            scheduled_at__date__lte=period_end,
        )
        .select_related("board")
        .annotate(attendee_count=Count("attendees"))
    )
    all_items = ImprovementItem.objects.filter(ecosystem_id=eco_id)
    by_status = dict(all_items.values_list("status").annotate(n=Count("pk")).order_by())
    # Ranked among the items still to do: finished ones no longer compete.
    improvements = list(
        services.ranked(all_items.exclude(status__in=services.CLOSED_STATES)).select_related(
            "owner"
        )
    )
    actions = (
        Action.objects.filter(ecosystem_id=eco_id, status__in=OPEN_ACTION_STATES)
        .select_related("owner__organisation")
        .order_by("due_date", "pk")
    )
    decisions = Decision.objects.filter(ecosystem_id=eco_id).select_related("owner", "meeting")

    overall = report.overall.attainment
    margin = amber_margin()
    must_not_breach = set(major_priorities(priorities))
    e2e_priority = []
    for r in report.by_priority:
        row = {**_row(r), "agreed_hours": targets.get(r.key)}
        row["status"] = priority_rag(
            row, target, major=r.key in must_not_breach, amber_margin=margin
        )
        e2e_priority.append(row)
    status = overall_rag(overall, e2e_priority, target)
    providers = [_row(r) for r in report.by_provider if r.key != "End to end (SLA)"]
    resolution_breaches = clocks.filter(BREACHED, metric=MetricChoices.RESOLUTION)
    ola_breaches = sum(p["breached"] for p in providers)
    summary = [
        f"{counts['opened']} tickets were opened in the period, {counts['resolved']} of them are resolved.",
        (
            f"End-to-end resolution attainment was {overall} % against a target of {target:g} % "
            f"({report.overall.met} of {report.overall.clocks} finished clocks met)."
            if overall is not None
            else "No resolution clock finished in the period."
        ),
        f"Resolution breaches: {report.overall.breached} of the end-to-end SLA and {ola_breaches} of "
        f"providers' OLAs (section 3 lists them).",
    ]
    failing = [row["key"] for row in e2e_priority if row["status"] in ("amber", "red")]
    if failing:
        summary.append("Priorities off target: " + ", ".join(failing) + ".")
    worst = min(
        (p for p in providers if p["attainment"] is not None),
        key=lambda p: p["attainment"],
        default=None,
    )
    if worst and worst["attainment"] < target:
        summary.append(f"{worst['key']} is furthest from target at {worst['attainment']} %.")
    degrading = [r.kpi.name for r in kpi_rows if r.trend == "degrading"]
    if degrading:
        summary.append("Degrading KPIs: " + ", ".join(degrading) + ".")
    needed = [d for d in decisions if d.status == DecisionStatusChoices.NEEDED]
    if needed:
        summary.append(
            f"{len(needed)} decision{'s' if len(needed) != 1 else ''} needed from the board."
        )

    return {
        "version": 1,
        "ecosystem": {
            "id": eco_id, "name": ecosystem.name, "customer": str(ecosystem.customer),
            "integrator": str(ecosystem.integrator),
        },
        "period": {"start": _iso(period_start), "end": _iso(period_end), "label": period_start.strftime("%B %Y")},
        "status": status,
        "attainment_target": target,
        "services": list(ecosystem.services.order_by("name").values_list("name", flat=True)),
        "participants": [
            {"name": m.person.name, "organisation": str(m.person.organisation), "layer": m.get_layer_display(), "role": m.get_role_display(), "board": m.board.name}
            for m in members
        ],
        "meetings": [
            {"title": str(m), "board": m.board.name, "at": _iso(m.scheduled_at), "status": m.get_status_display(), "attendees": m.attendee_count}
            for m in meetings
        ],
        "summary": summary,
        "counts": counts,
        "service_levels": {
            "overall": _row(report.overall),
            "response": _row(response.overall),
            "by_priority": e2e_priority,
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
                "breach_at": _iso(c.breach_at),
            }
            for c in resolution_breaches.select_related("incident", "provider").order_by("breach_at", "incident__reference", "pk")[:40]
        ],
        "kpis": [
            {
                "name": r.kpi.name, "kind": r.kpi.get_kind_display(), "unit": r.kpi.unit,
                "direction": r.kpi.direction, "baseline": r.kpi.baseline, "target": r.kpi.target,
                "latest": r.latest, "trend": r.trend, "on_target": r.on_target,
                "values": [[_iso(p), v] for p, v in r.values[-TREND_MONTHS:]],
                "missed": [_iso(p) for p in r.missed],
            }
            for r in kpi_rows
        ],
        "major_incidents": [
            {"reference": i.reference, "title": i.title, "priority": i.priority, "status": i.get_status_display(), "opened_at": _iso(i.opened_at), "resolved_at": _iso(i.resolved_at)}
            for i in incidents.filter(priority__in=major).exclude(classification=ClassificationChoices.CHANGE_REQUEST).order_by("opened_at")[:25]
        ],
        "changes": [
            {"reference": i.reference, "title": i.title, "status": i.get_status_display(), "approved": bool(i.change_approved_at), "opened_at": _iso(i.opened_at)}
            for i in incidents.filter(classification=ClassificationChoices.CHANGE_REQUEST).order_by("opened_at")[:25]
        ],
        "improvements": {
            "by_status": {label: by_status.get(value, 0) for value, label in ImprovementStatusChoices.choices},
            "top": [
                {"rank": i.rank, "register": i.get_register_display(), "title": i.title, "score": i.score,
                 "effective": i.effective, "override_reason": i.override_reason, "status": i.get_status_display(),
                 "owner": str(i.owner) if i.owner else None}
                for i in improvements
            ][:10],
        },
        "requirements_changed": [
            {"code": t.requirement.code, "title": t.requirement.title, "from": t.get_source_display(), "to": t.get_target_display(), "at": _iso(t.at), "note": t.note}
            for t in Transition.objects.filter(requirement__ecosystem_id=eco_id, at__date__gte=period_start, at__date__lte=period_end).select_related("requirement").order_by("at")
        ],
        "decisions_needed": [
            {"title": d.title, "owner": str(d.owner) if d.owner else None, "description": d.description}
            for d in needed
        ],
        "decisions_taken": [
            {"title": d.title, "owner": str(d.owner) if d.owner else None, "decided_on": _iso(d.decided_on), "meeting": str(d.meeting) if d.meeting else None}
            for d in decisions
            if d.status == DecisionStatusChoices.TAKEN and d.decided_on and period_start <= d.decided_on <= period_end
        ],
        "open_actions": [
            {"title": a.title, "owner": str(a.owner) if a.owner else None, "organisation": str(a.owner.organisation) if a.owner else None,
             "due_date": _iso(a.due_date), "overdue": bool(a.due_date and a.due_date <= period_end)}
            for a in actions
        ],
        "raci_changes": [
            {"name": m.name, "version": m.version, "status": m.get_status_display(), "approved_at": _iso(m.approved_at)}
            for m in RaciMatrix.objects.filter(ecosystem_id=eco_id).filter(
                Q(approved_at__date__gte=period_start, approved_at__date__lte=period_end)
                | Q(created__date__gte=period_start, created__date__lte=period_end)
            ).order_by("name", "version")
        ],
        "governance_changes": [
            {"name": b.name, "level": b.get_level_display(), "change": "set up" if period_start <= b.created.date() <= period_end else "changed"}
            for b in Board.objects.filter(ecosystem_id=eco_id, last_updated__date__gte=period_start, last_updated__date__lte=period_end)
        ],
    }  # fmt: skip


def charts_for(snap: dict) -> dict:
    """The report's charts, drawn from the snapshot alone (never from live data)."""
    levels = snap["service_levels"]
    trend = levels["trend"]
    return {
        "trend": charts.line_chart(
            [t["month"] for t in trend], [("End-to-end attainment", [t["attainment"] for t in trend])],
            "SLA attainment, last six months", unit="%", target=snap["attainment_target"], y_max=100,
        ),
        "providers": charts.bar_chart(
            [(p["key"], p["attainment"] or 0) for p in levels["by_provider"]],
            "Attainment by provider", unit="%",
        ),
        "kpis": {
            k["name"]: charts.line_chart(
                [v[0][:7] for v in k["values"]], [(k["name"], [v[1] for v in k["values"]])],
                k["name"], unit=k["unit"] or "", target=k["target"], width=360, height=150,
            )
            for k in snap["kpis"] if k["values"]
        },
    }  # fmt: skip


def logo_data_uri(ecosystem) -> str | None:
    logo = getattr(ecosystem, "logo", None)
    if not logo:
        return None
    name = logo.name.lower()
    mime = (
        "image/svg+xml"
        if name.endswith(".svg")
        else "image/png"
        if name.endswith(".png")
        else "image/jpeg"
    )
    try:
        with logo.open("rb") as handle:
            return f"data:{mime};base64,{base64.b64encode(handle.read()).decode()}"
    except OSError:  # a missing file must not stop the report
        return None


def render(report_snapshot: dict, logo: str | None = None, generated_at=None) -> bytes:
    context = {
        "s": report_snapshot,
        "charts": charts_for(report_snapshot),
        "logo": logo,
        "generated_at": generated_at or timezone.now(),
    }
    return render_pdf("governance/steering_pdf.html", context)


def generate(ecosystem, month: date, user=None, scheduled: bool = False) -> SteeringReport:
    """Snapshot the month, render it, store both; returns the archived report. A month
    generated again replaces its report: the earlier one stays in the archive (PDF
    included), marked as superseded by the new one."""
    refuse_future(month)
    start, end = period_for(month)
    began = time.perf_counter()
    snap = snapshot(ecosystem, start, end)
    generated_at = timezone.now()
    pdf = render(snap, logo_data_uri(ecosystem), generated_at)
    elapsed = time.perf_counter() - began

    report = SteeringReport(
        ecosystem=ecosystem, period_start=start, period_end=end, generated_at=generated_at,
        generated_by=user, scheduled=scheduled, snapshot=snap,
        pages=len(PdfReader(io.BytesIO(pdf)).pages), render_seconds=round(elapsed, 2),
    )  # fmt: skip
    report.pdf.save(
        f"{ecosystem.slug}-{start:%Y-%m}-{generated_at:%Y%m%d%H%M%S}.pdf",
        ContentFile(pdf),
        save=False,
    )
    with transaction.atomic():
        earlier = list(
            SteeringReport.objects.select_for_update()
            .filter(ecosystem=ecosystem, period_start=start, superseded_at__isnull=True)
            .values_list("pk", flat=True)
        )
        SteeringReport.objects.filter(pk__in=earlier).update(superseded_at=generated_at)
        report.save()
        SteeringReport.objects.filter(pk__in=earlier).update(superseded_by=report)
    report.replaced = len(earlier)
    return report
