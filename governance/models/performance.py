"""KPIs and their measurements."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from siam.models import Ecosystem, EcosystemScopedModel

from ..choices import (
    DirectionChoices,
    FrequencyChoices,
    KpiKindChoices,
    KpiSourceChoices,
)
from .common import EcosystemChild


class Kpi(EcosystemScopedModel):
    ecosystem = models.ForeignKey(
        Ecosystem, on_delete=models.CASCADE, related_name="kpis", db_index=False
    )
    name = models.CharField(max_length=200)
    kind = models.CharField(
        max_length=10, choices=KpiKindChoices.choices, default=KpiKindChoices.KPI
    )
    description = models.TextField(blank=True)
    unit = models.CharField(max_length=30, blank=True, help_text="e.g. %, hours, tickets")
    direction = models.CharField(
        max_length=10, choices=DirectionChoices.choices, default=DirectionChoices.HIGHER
    )
    baseline = models.FloatField(null=True, blank=True, help_text="Where we started.")
    target = models.FloatField(null=True, blank=True)
    frequency = models.CharField(
        max_length=20, choices=FrequencyChoices.choices, default=FrequencyChoices.MONTHLY
    )
    source = models.CharField(
        max_length=20, choices=KpiSourceChoices.choices, default=KpiSourceChoices.MANUAL,
        help_text="Computed KPIs are measured from the SLA data every month.",
    )  # fmt: skip
    priority = models.CharField(
        max_length=30, blank=True, help_text="For mean time to resolve: one priority, e.g. P2."
    )
    measured_from = models.DateField(
        help_text="First period a measurement is expected for (missed ones are flagged)."
    )
    requirements = models.ManyToManyField(
        "requirements_app.Requirement", blank=True, related_name="kpis",
        help_text="The requirements this KPI shows are met (traceability).",
    )  # fmt: skip

    history = HistoricalRecords(m2m_fields=[requirements])

    class Meta:
        ordering = ("ecosystem__name", "kind", "name")
        verbose_name = "KPI"
        verbose_name_plural = "KPIs"
        constraints = [
            models.UniqueConstraint(fields=("ecosystem", "name"), name="gov_kpi_unique_name")
        ]

    def __str__(self):
        return self.name

    @property
    def computed(self) -> bool:
        return self.source != KpiSourceChoices.MANUAL

    def clean(self):
        if self.source == KpiSourceChoices.MTTR and not self.priority:
            raise ValidationError({"priority": "Mean time to resolve is measured per priority."})
        if self.measured_from:
            self.measured_from = self.measured_from.replace(day=1)


class Measurement(EcosystemChild):
    parent_path = "kpi__ecosystem"

    kpi = models.ForeignKey(
        Kpi, on_delete=models.CASCADE, related_name="measurements", db_index=False
    )
    period_start = models.DateField(help_text="First day of the period measured.")
    value = models.FloatField()
    computed = models.BooleanField(default=False, editable=False)
    note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ("kpi", "period_start")
        constraints = [
            models.UniqueConstraint(fields=("kpi", "period_start"), name="gov_measurement_unique")
        ]

    def __str__(self):
        return f"{self.kpi} {self.period_start:%Y-%m}: {self.value:g}"

    def get_absolute_url(self):
        return self.kpi.get_absolute_url()

    def clean(self):
        if self.period_start:
            self.period_start = self.period_start.replace(day=1)
