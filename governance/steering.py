"""Monthly steering reports: a frozen snapshot of the figures, rendered to PDF.

``snapshot()`` (``governance.snapshot``, one function per section) gathers everything the steering board reads into plain JSON (numbers,
names, dates as ISO strings), computed for the whole ecosystem. The PDF is rendered
from that snapshot only, so an archived report can be re-read (and re-rendered) long
after the live data has moved on, and its figures are the ones the board saw.
"""

from __future__ import annotations

import base64
import io
import time
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from pypdf import PdfReader

from core import charts
from core.pdf import render_pdf

from . import kpis as kpi_math
from .models import (
    SteeringReport,
)
from .snapshot import snapshot


def period_for(month: date) -> tuple[date, date]:
    """A calendar month: its first and last day."""
    first = month.replace(day=1)
    return first, kpi_math.add_months(first, 1) - timedelta(days=1)


def refuse_future(month: date, today: date | None = None) -> None:
    """A month that has not begun has no figures: refused, not reported as grey."""
    today = today or timezone.localdate()
    if month.replace(day=1) > today.replace(day=1):
        raise ValidationError(
            {"month": "This month has not begun yet: choose this month or an earlier one."}
        )


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
