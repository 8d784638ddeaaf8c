"""What came in: inbound events, CSV import runs and the source events a ticket's
timeline is folded from."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from core.models import UrlNameMixin
from core.querysets import RestrictedQuerySet
from siam.models import (
    EcosystemScopedModel,
)
from slas.models import IncidentEvent

from ..choices import (
    ImportFormatChoices,
    ImportStateChoices,
    InboundStateChoices,
    SignatureResultChoices,
    UnknownGroupChoices,
)
from .common import integrator_scoped
from .feeds import TicketFeed, TicketLink


class InboundEvent(UrlNameMixin, models.Model):
    """One webhook request, stored as received before anything else happens."""

    feed = models.ForeignKey(
        TicketFeed, on_delete=models.CASCADE, related_name="inbound_events", db_index=False
    )
    received_at = models.DateTimeField(default=timezone.now, db_index=True)
    remote_addr = models.GenericIPAddressField(null=True, blank=True)
    headers = models.JSONField(default=dict, blank=True)
    body = models.BinaryField()
    signature = models.CharField(max_length=10, choices=SignatureResultChoices.choices)
    state = models.CharField(
        max_length=10, choices=InboundStateChoices.choices, default=InboundStateChoices.RECEIVED
    )
    error = models.TextField(blank=True)
    ticket_key = models.CharField(max_length=100, blank=True)
    event_key = models.CharField(max_length=200, blank=True)
    event_at = models.DateTimeField(null=True, blank=True)
    duplicate_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="duplicates"
    )
    ticket = models.ForeignKey(
        TicketLink, on_delete=models.SET_NULL, null=True, blank=True, related_name="inbound_events"
    )
    attempts = models.PositiveIntegerField(default=0)
    processed_at = models.DateTimeField(null=True, blank=True)
    # Set when the retention sweep emptied the body and headers (integrations.retention).
    body_removed_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ("-received_at", "-id")
        verbose_name = "inbound event"
        indexes = [
            models.Index(fields=("feed", "state"), name="integrations_inbound_state"),
            models.Index(
                fields=("feed", "ticket_key", "event_key"), name="integrations_inbound_key"
            ),
        ]
        constraints = [
            # One live original per delivery: two concurrent deliveries of the same event
            # cannot both be accepted (the loser is recorded as a duplicate).
            models.UniqueConstraint(
                fields=("feed", "ticket_key", "event_key"),
                condition=models.Q(duplicate_of__isnull=True, state__in=("received", "applied"))
                & ~models.Q(event_key=""),
                name="integrations_inbound_one_original",
            ),
        ]

    def __str__(self):
        what = f"{self.ticket_key} {self.event_key}".strip() or "unreadable"
        return f"#{self.pk} {what}"

    @classmethod
    def access_filter(cls, context, action):
        return integrator_scoped(context, action, prefix="feed__ecosystem")

    @property
    def replayable(self) -> bool:
        return self.state == InboundStateChoices.FAILED

    @property
    def body_text(self) -> str:
        return bytes(self.body).decode("utf-8", errors="replace")


class ImportRun(EcosystemScopedModel):
    """One CSV export read into a feed, with what it did and what it refused."""

    ecosystem = models.ForeignKey(
        "siam.Ecosystem", on_delete=models.CASCADE, related_name="ticket_imports"
    )
    feed = models.ForeignKey(TicketFeed, on_delete=models.CASCADE, related_name="imports")
    format = models.CharField(max_length=20, choices=ImportFormatChoices.choices)
    file_name = models.CharField(max_length=255)
    stored_file = models.CharField(max_length=500, blank=True, editable=False)
    unknown_groups = models.CharField(
        max_length=10, choices=UnknownGroupChoices.choices, default=UnknownGroupChoices.REPORT
    )
    state = models.CharField(
        max_length=10, choices=ImportStateChoices.choices, default=ImportStateChoices.QUEUED
    )
    rows_read = models.PositiveIntegerField(default=0)
    events_applied = models.PositiveIntegerField(default=0)
    events_unchanged = models.PositiveIntegerField(
        default=0, help_text="Rows whose event the timeline already had (a re-import)."
    )
    incidents_created = models.PositiveIntegerField(default=0)
    incidents_updated = models.PositiveIntegerField(default=0)
    rows_rejected = models.PositiveIntegerField(default=0)
    rows_conflicting = models.PositiveIntegerField(
        default=0,
        help_text="Rows whose event id was kept before with other content (counted among "
        "the rejected rows).",
    )
    rejections = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ("-created",)
        verbose_name = "ticket import"

    def __str__(self):
        return f"{self.file_name} ({self.get_format_display()})"

    @classmethod
    def access_filter(cls, context, action):
        return integrator_scoped(context, action)

    @property
    def seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None


class SourceEvent(UrlNameMixin, models.Model):
    """A tool's event as applied: the fact a ticket's timeline is folded from
    (``integrations.timeline``). Unique per ticket and key: delivered twice, kept once."""

    ticket = models.ForeignKey(
        TicketLink, on_delete=models.CASCADE, related_name="source_events", db_index=False
    )
    key = models.CharField(max_length=200)
    at = models.DateTimeField()
    sequence = models.BigIntegerField(default=0)
    created_ticket = models.BooleanField(default=False)
    opened_at = models.DateTimeField(null=True, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    group = models.CharField(max_length=200, null=True, blank=True)
    title = models.CharField(max_length=300, blank=True)
    comment = models.TextField(blank=True)
    extra = models.JSONField(default=dict, blank=True)
    inbound = models.ForeignKey(
        InboundEvent, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    import_run = models.ForeignKey(
        ImportRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    timeline_event = models.ForeignKey(
        IncidentEvent, on_delete=models.SET_NULL, null=True, blank=True, related_name="sources"
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ("ticket", "at", "sequence", "key")
        constraints = [
            models.UniqueConstraint(fields=("ticket", "key"), name="integrations_source_unique")
        ]

    def __str__(self):
        return f"{self.ticket.key} {self.key}"

    def get_absolute_url(self):
        return self.ticket.get_absolute_url()

    @classmethod
    def access_filter(cls, context, action):
        return integrator_scoped(context, action, prefix="ticket__feed__ecosystem")


# --- Outbound ---------------------------------------------------------------------------------
