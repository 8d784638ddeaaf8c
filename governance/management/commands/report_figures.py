"""Print the figures people report from, as JSON, to compare two copies of a database.

Run it before a backup and after a restore (or an upgrade) and compare the two
outputs: the service-level report of each ecosystem (both metrics, every grouping),
the steering snapshot of every month with tickets, the archived steering reports with
a checksum of each PDF, and the number of rows of every table. Every figure comes
from stored data only, so two runs over the same data print the same bytes.
"""

import hashlib
import json

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db.models.functions import TruncMonth

from governance import steering
from governance.models import SteeringReport
from siam.models import Ecosystem
from slas.choices import MetricChoices
from slas.models import Incident, IncidentSla
from slas.reports import report_for

PROJECT_APPS = ("core", "siam", "raci", "requirements_app", "slas", "governance", "integrations")


def _rows(rows):
    return [
        {
            "key": row.key,
            "clocks": row.clocks,
            "met": row.met,
            "breached": row.breached,
            "mean_seconds": row.mean_seconds,
            "mean_target_seconds": row.mean_target_seconds,
        }
        for row in rows
    ]


def service_levels(ecosystem) -> dict:
    clocks = IncidentSla.objects.filter(incident__ecosystem=ecosystem)
    figures = {}
    for metric in MetricChoices.values:
        report = report_for(clocks, metric)
        figures[metric] = {
            "overall": _rows([report.overall])[0],
            "by_provider": _rows(report.by_provider),
            "by_service": _rows(report.by_service),
            "by_priority": _rows(report.by_priority),
            "by_month": _rows(report.by_month),
            "breaches": [
                (c.incident.reference, c.provider_id, str(c.breach_at)) for c in report.breaches
            ],
        }
    return figures


def steering_snapshots(ecosystem) -> dict:
    months = (
        Incident.objects.filter(ecosystem=ecosystem)
        .annotate(month=TruncMonth("opened_at"))
        .values_list("month", flat=True)
        .distinct()
        .order_by("month")
    )
    snapshots = {}
    for month in months:
        start, end = steering.period_for(month.date())
        snapshots[start.isoformat()] = steering.snapshot(ecosystem, start, end)
    return snapshots


def archived_reports() -> list:
    reports = []
    for report in SteeringReport.objects.order_by("pk"):
        digest = None
        if report.pdf:
            with report.pdf.open("rb") as pdf:
                digest = hashlib.sha256(pdf.read()).hexdigest()
        reports.append({"id": report.pk, "file": report.pdf.name, "sha256": digest})
    return reports


def table_counts() -> dict:
    return {
        model._meta.label: model._base_manager.count()
        for app in PROJECT_APPS
        for model in apps.get_app_config(app).get_models()
    }


def figures() -> dict:
    return {
        "ecosystems": {
            eco.slug: {
                "service_levels": service_levels(eco),
                "steering": steering_snapshots(eco),
            }
            for eco in Ecosystem.objects.order_by("slug")
        },
        "steering_reports": archived_reports(),
        "rows": table_counts(),
    }


class Command(BaseCommand):
    help = "Print the report figures of this database as JSON (compare before and after a restore)."

    def handle(self, *args, **options):
        self.stdout.write(json.dumps(figures(), sort_keys=True, indent=1, default=str))
