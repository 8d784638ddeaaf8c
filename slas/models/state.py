"""What the SLA services derive from the timelines: each clock's state, ownership gaps,
the alerts and notifications they raised."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from core.models import UrlNameMixin
from core.querysets import RestrictedQuerySet
from siam.models import Organisation

from ..choices import (
    AlertLevelChoices,
    MetricChoices,
    SlaStateChoices,
)
from .incidents import Incident, incident_child_filter
from .targets import ServiceLevelTarget


class IncidentSla(models.Model):
    """Derived SLA state of one incident against one target and metric.

    Recomputed from the timeline by ``slas.clocks``; the deadline columns are the
    instants each threshold is (or was) crossed, indexed so that the beat task finds
    what crossed with an index lookup, not a recompute.
    """

    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="slas", db_index=False
    )
    target = models.ForeignKey(
        ServiceLevelTarget, on_delete=models.CASCADE, related_name="incident_slas"
    )
    metric = models.CharField(max_length=20, choices=MetricChoices.choices)
    provider = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="The provider whose OLA this is; empty for the end-to-end SLA.",
    )
    state = models.CharField(max_length=20, choices=SlaStateChoices.choices)
    counted_seconds = models.FloatField(default=0)
    target_seconds = models.FloatField()
    due_at = models.DateTimeField(null=True, blank=True)
    warning_1_at = models.DateTimeField(null=True, blank=True)
    warning_2_at = models.DateTimeField(null=True, blank=True)
    breach_at = models.DateTimeField(null=True, blank=True)
    warning_1_recorded_at = models.DateTimeField(null=True, blank=True)
    warning_2_recorded_at = models.DateTimeField(null=True, blank=True)
    breach_recorded_at = models.DateTimeField(null=True, blank=True)
    computed_at = models.DateTimeField()
    #: Business seconds each party held it while the clock could count, keyed by
    #: organisation id ("none": nobody owned it): who used the SLA budget.
    party_seconds = models.JSONField(default=dict, blank=True)
    #: Set when a target or calendar it depends on changed; cleared by the repair
    #: that recomputes it. Until then the figures are those of the old rules.
    recompute_pending_since = models.DateTimeField(null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ("incident", "metric", "provider")
        verbose_name = "incident SLA"
        constraints = [
            models.UniqueConstraint(
                fields=("incident", "target", "metric"), name="slas_incidentsla_unique"
            )
        ]
        indexes = [
            models.Index(
                fields=("warning_1_at",),
                condition=Q(warning_1_recorded_at__isnull=True),
                name="slas_sla_pending_warning_1",
            ),
            models.Index(
                fields=("warning_2_at",),
                condition=Q(warning_2_recorded_at__isnull=True),
                name="slas_sla_pending_warning_2",
            ),
            models.Index(
                fields=("breach_at",),
                condition=Q(breach_recorded_at__isnull=True),
                name="slas_sla_pending_breach",
            ),
            models.Index(fields=("state", "due_at"), name="slas_sla_state_due"),
            # Breached clocks (a few percent of all): the "breached" filters and tiles
            # find them here instead of reading every clock.
            models.Index(
                fields=("incident", "metric", "provider"),
                condition=Q(state="breached") | Q(breach_recorded_at__isnull=False),
                name="slas_sla_breached",
            ),
            # The report's latest breaches: walked newest first until the page is full,
            # instead of sorting every breached clock of the window. By metric first:
            # the report shows one metric, and response breaches are most of the rest.
            models.Index(
                fields=("metric", "-breach_at"),
                condition=Q(state="breached") | Q(breach_recorded_at__isnull=False),
                name="slas_sla_breached_latest",
            ),
            # "Being recomputed" on the incident list: almost always empty, and without
            # it each list page read every clock to find none.
            models.Index(
                fields=("incident",),
                condition=Q(recompute_pending_since__isnull=False),
                name="slas_sla_recompute_pending",
            ),
        ]

    def __str__(self):
        scope = f"OLA {self.provider}" if self.provider_id else "end-to-end"
        return f"{self.incident.reference} {self.get_metric_display()} ({scope})"

    @classmethod
    def access_filter(cls, context, action):
        return incident_child_filter(context, action)

    @property
    def is_end_to_end(self) -> bool:
        return self.provider_id is None


class OwnershipGap(UrlNameMixin, models.Model):
    """A stretch of time in which nobody owned an open incident (it sat in a queue, or
    the tool cleared its assignment group). Derived from the timeline with the SLA
    state; ``business_seconds`` is measured in the end-to-end SLA's calendar."""

    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="ownership_gaps", db_index=False
    )
    start = models.DateTimeField()
    end = models.DateTimeField(null=True, blank=True, help_text="Empty while nobody owns it.")
    business_seconds = models.FloatField(default=0)
    handed_over_by = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The party that held it before nobody did.",
    )
    taken_by = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The party that took it on afterwards.",
    )
    computed_at = models.DateTimeField()
    alerted_at = models.DateTimeField(null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ("-start",)
        verbose_name = "ownership gap"
        constraints = [
            models.UniqueConstraint(fields=("incident", "start"), name="slas_gap_unique_start")
        ]
        indexes = [
            models.Index(
                fields=("start",),
                condition=Q(end__isnull=True, alerted_at__isnull=True),
                name="slas_gap_open_unalerted",
            )
        ]

    def __str__(self):
        return f"{self.incident.reference}: nobody owned it from {self.start:%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        return self.incident.get_absolute_url()

    @classmethod
    def access_filter(cls, context, action):
        return incident_child_filter(context, action)

    @property
    def is_open(self) -> bool:
        return self.end is None


class SlaAlert(models.Model):
    """A warning or breach, recorded exactly once per clock and level."""

    incident_sla = models.ForeignKey(
        IncidentSla, on_delete=models.CASCADE, related_name="alerts", db_index=False
    )
    level = models.CharField(max_length=20, choices=AlertLevelChoices.choices)
    crossed_at = models.DateTimeField()
    recorded_at = models.DateTimeField(auto_now_add=True)
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-crossed_at",)
        constraints = [
            models.UniqueConstraint(
                fields=("incident_sla", "level"), name="slas_alert_once_per_level"
            )
        ]

    def __str__(self):
        return f"{self.get_level_display()} of {self.incident_sla}"


class Notification(models.Model):
    """An in-app notification for one user."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, null=True, blank=True, related_name="notifications"
    )
    alert = models.ForeignKey(
        SlaAlert, on_delete=models.CASCADE, null=True, blank=True, related_name="notifications"
    )
    message = models.CharField(max_length=500)
    created = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created",)
        constraints = [
            models.UniqueConstraint(
                fields=("user", "alert"),
                condition=Q(alert__isnull=False),
                name="slas_notification_once_per_alert",
            )
        ]

    def __str__(self):
        return self.message
