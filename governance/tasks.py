"""Scheduled governance work (Celery beat, see ``CELERY_BEAT_SCHEDULE``)."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from siam.models import Ecosystem

from . import services, steering
from .models import SteeringReport


@shared_task
def compute_monthly_kpis(month: str | None = None) -> int:
    """Measure every computed KPI of every ecosystem for last month (or ``month``,
    YYYY-MM-DD); re-running it updates the values."""
    period = (
        timezone.datetime.fromisoformat(month).date() if month else services.last_complete_period()
    )
    return sum(
        services.compute_kpis(eco_id, period)
        for eco_id in Ecosystem.objects.values_list("pk", flat=True)
    )


@shared_task
def generate_monthly_reports(month: str | None = None) -> list[int]:
    """Last month's steering report for every active ecosystem, once: a month already
    reported by the schedule is skipped, so a retried or duplicated beat is harmless."""
    period = (
        timezone.datetime.fromisoformat(month).date() if month else services.last_complete_period()
    )
    made = []
    for ecosystem in Ecosystem.objects.exclude(status="retired").select_related(
        "customer", "integrator"
    ):
        if SteeringReport.objects.filter(
            ecosystem=ecosystem, period_start=period, scheduled=True
        ).exists():
            continue
        made.append(steering.generate(ecosystem, period, scheduled=True).pk)
    return made


@shared_task
def generate_report(ecosystem_id: int, month: str, user_id: int | None = None) -> int:
    from django.contrib.auth import get_user_model

    ecosystem = Ecosystem.objects.get(pk=ecosystem_id)
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    return steering.generate(ecosystem, timezone.datetime.fromisoformat(month).date(), user=user).pk
