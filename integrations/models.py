"""Ingestion: feeds of ticket events from the parties' tools, the inbound log, the
source events a ticket's timeline is folded from, CSV import runs, and outbound
webhook subscriptions with their delivery log (see docs/integrations.md)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from core.models import UrlNameMixin
from core.querysets import RestrictedQuerySet
from siam.choices import LayerChoices, SystemKindChoices
from siam.models import (
    ConnectedSystem,
    EcosystemScopedModel,
    IntegrationFlow,
    Organisation,
    Service,
)
from slas.choices import AlertLevelChoices
from slas.models import Incident, IncidentEvent, SlaAlert, validate_time_zone

from . import crypto, signatures
from .choices import (
    AuthMethodChoices,
    DeliveryStatusChoices,
    ImportFormatChoices,
    ImportStateChoices,
    InboundStateChoices,
    SignatureResultChoices,
    SubscriptionEventChoices,
    UnknownGroupChoices,
)

#: Tools that sign their webhooks; the others present a token.
HMAC_KINDS = {SystemKindChoices.JIRA, SystemKindChoices.ZENDESK}


def integrator_scoped(context, action, prefix="ecosystem"):
    """Feeds, their logs and subscriptions belong to the integrator's side: the bodies
    hold every party's tickets, and the secrets are the integrator's. Its members see
    them; its editors change them (docs/access.md)."""
    if action == "view":
        ids = context.ecosystem_ids(LayerChoices.INTEGRATOR)
    else:
        ids = context.governed_ecosystem_ids
    return Q(**{f"{prefix}_id__in": ids})


class TicketFeed(EcosystemScopedModel):
    """A connected system's stream of ticket events into the ecosystem: its webhook
    endpoint and secret, the data dictionary that translates its values, and where
    the incidents it opens go."""

    ecosystem = models.ForeignKey("siam.Ecosystem", on_delete=models.CASCADE, related_name="feeds")
    system = models.OneToOneField(ConnectedSystem, on_delete=models.CASCADE, related_name="feed")
    endpoint = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    auth_method = models.CharField(
        "authentication", max_length=10, choices=AuthMethodChoices.choices
    )
    secret_encrypted = models.TextField(blank=True, editable=False)
    token_hash = models.CharField(max_length=64, blank=True, editable=False)
    secret_set_at = models.DateTimeField(null=True, blank=True, editable=False)
    flow = models.ForeignKey(
        IntegrationFlow,
        on_delete=models.PROTECT,
        related_name="feeds",
        verbose_name="data dictionary",
        help_text="The flow from this tool to the SIAM hub whose field and value mappings "
        "translate statuses, priorities and groups.",
    )
    service = models.ForeignKey(
        Service,
        on_delete=models.PROTECT,
        related_name="feeds",
        help_text="The service of the incidents this feed opens.",
    )
    default_holder = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who holds a new ticket before any group is known. Left blank, the tool's organisation.",
    )
    time_zone = models.CharField(
        max_length=64,
        default="UTC",
        validators=[validate_time_zone],
        help_text="The zone of dates without an offset in the tool's CSV exports.",
    )
    unknown_groups = models.CharField(
        max_length=10, choices=UnknownGroupChoices.choices, default=UnknownGroupChoices.REPORT
    )
    active = models.BooleanField(default=True)
    description = models.TextField(blank=True)
    # Requests that failed authentication are counted here; only a few are kept as
    # samples (see integrations.services.REJECTED_SAMPLES), so a flood costs no storage.
    rejected_count = models.PositiveBigIntegerField(
        default=0, editable=False, verbose_name="rejected requests"
    )
    last_rejected_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name="last rejected request"
    )

    #: Secrets at rest (encrypted or hashed): never on a page, in an export or history.
    secret_fields = ("secret_encrypted", "token_hash")
    history = HistoricalRecords(excluded_fields=list(secret_fields))

    class Meta:
        ordering = ("ecosystem__name", "system__name")
        verbose_name = "ticket feed"

    def __str__(self):
        return f"Feed from {self.system}"

    @classmethod
    def access_filter(cls, context, action):
        return integrator_scoped(context, action)

    @property
    def kind(self) -> str:
        return self.system.kind

    @property
    def has_secret(self) -> bool:
        return bool(self.secret_encrypted or self.token_hash)

    def set_secret(self) -> str:
        """A new secret, returned once (the caller shows it); only its encrypted form
        (HMAC) or hash (token) is kept."""
        secret = crypto.new_secret()
        self.secret_encrypted = self.token_hash = ""
        if self.auth_method == AuthMethodChoices.HMAC:
            self.secret_encrypted = crypto.encrypt(secret)
        else:
            self.token_hash = crypto.hash_token(secret)
        self.secret_set_at = timezone.now()
        return secret

    def verify(self, body: bytes, headers) -> str:
        if self.auth_method == AuthMethodChoices.HMAC:
            secret = crypto.decrypt(self.secret_encrypted) if self.secret_encrypted else None
            if secret is None:
                return SignatureResultChoices.INVALID
            return signatures.verify_hmac(secret, body, headers)
        if not self.token_hash:
            return SignatureResultChoices.INVALID
        return signatures.verify_token(self.token_hash, headers)

    def clean(self):
        super().clean()
        errors = {}
        if self.system_id and self.ecosystem_id and self.system.ecosystem_id != self.ecosystem_id:
            errors["system"] = "Choose a system of this ecosystem."
        elif self.system_id and self.system.kind not in (
            SystemKindChoices.JIRA,
            SystemKindChoices.SERVICENOW,
            SystemKindChoices.ZENDESK,
            SystemKindChoices.AZURE_DEVOPS,
        ):
            errors["system"] = "Events can be read from Jira, ServiceNow, Zendesk and Azure DevOps."
        if self.flow_id and self.system_id and self.flow.source_id != self.system_id:
            errors["flow"] = "Choose a flow whose source is this system."
        if self.service_id and self.ecosystem_id and self.service.ecosystem_id != self.ecosystem_id:
            errors["service"] = "Choose a service of this ecosystem."
        if (
            self.default_holder_id
            and self.ecosystem_id
            and self.default_holder_id not in self.party_ids()
        ):
            errors["default_holder"] = "This organisation takes no part in the ecosystem."
        if errors:
            raise ValidationError(errors)


class AssignmentGroup(UrlNameMixin, models.Model):
    """A tool's assignment group and the party it stands for (the hand-off target)."""

    feed = models.ForeignKey(
        TicketFeed, on_delete=models.CASCADE, related_name="groups", db_index=False
    )
    name = models.CharField(max_length=200)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    created_by_import = models.BooleanField(
        default=False, help_text="Met in an event and created as a team of the integrator."
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ("feed", "name")
        constraints = [
            models.UniqueConstraint(fields=("feed", "name"), name="integrations_group_unique")
        ]

    def __str__(self):
        return f"{self.name} → {self.organisation}"

    def get_absolute_url(self):
        return self.feed.get_absolute_url()

    @classmethod
    def access_filter(cls, context, action):
        return integrator_scoped(context, action, prefix="feed__ecosystem")


class TicketLink(UrlNameMixin, models.Model):
    """A tool's ticket and the incident it feeds."""

    feed = models.ForeignKey(
        TicketFeed, on_delete=models.CASCADE, related_name="tickets", db_index=False
    )
    key = models.CharField(max_length=100)
    incident = models.OneToOneField(
        Incident, on_delete=models.SET_NULL, null=True, blank=True, related_name="ticket_link"
    )
    #: The tool's own verdicts (ServiceNow's made_sla, reopen_count), for comparison.
    source_figures = models.JSONField(default=dict, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ("feed", "key")
        verbose_name = "tracked ticket"
        constraints = [
            models.UniqueConstraint(fields=("feed", "key"), name="integrations_ticket_unique")
        ]

    def __str__(self):
        return f"{self.feed.system} {self.key}"

    def get_absolute_url(self):
        """A tracked ticket is shown as its incident (or its feed, before it has one)."""
        return (self.incident or self.feed).get_absolute_url()

    @classmethod
    def access_filter(cls, context, action):
        return integrator_scoped(context, action, prefix="feed__ecosystem")


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


def default_subscription_events():
    return [SubscriptionEventChoices.WARNING, SubscriptionEventChoices.BREACH]


class WebhookSubscription(EcosystemScopedModel):
    """Where the ecosystem's warnings and breaches are posted, signed, for the tools."""

    ecosystem = models.ForeignKey(
        "siam.Ecosystem", on_delete=models.CASCADE, related_name="webhook_subscriptions"
    )
    name = models.CharField(max_length=200)
    url = models.URLField("URL", max_length=500)
    events = models.JSONField(default=default_subscription_events)
    secret_encrypted = models.TextField(blank=True, editable=False)
    secret_set_at = models.DateTimeField(null=True, blank=True, editable=False)
    active = models.BooleanField(default=True)

    #: Secrets at rest (encrypted): never on a page, in an export or history.
    secret_fields = ("secret_encrypted",)
    history = HistoricalRecords(excluded_fields=list(secret_fields))

    class Meta:
        ordering = ("ecosystem__name", "name")
        verbose_name = "webhook subscription"

    def __str__(self):
        return self.name

    @classmethod
    def access_filter(cls, context, action):
        return integrator_scoped(context, action)

    def set_secret(self) -> str:
        secret = crypto.new_secret()
        self.secret_encrypted = crypto.encrypt(secret)
        self.secret_set_at = timezone.now()
        return secret

    @property
    def secret(self) -> str | None:
        return crypto.decrypt(self.secret_encrypted) if self.secret_encrypted else None

    def wants(self, level: str) -> bool:
        wanted = (
            SubscriptionEventChoices.BREACH
            if level == AlertLevelChoices.BREACH
            else SubscriptionEventChoices.WARNING
        )
        return self.active and wanted in self.events

    def clean(self):
        super().clean()
        valid = set(SubscriptionEventChoices.values)
        if not isinstance(self.events, list) or not self.events or not set(self.events) <= valid:
            raise ValidationError({"events": "Choose warnings, breaches or both."})


class WebhookDelivery(UrlNameMixin, models.Model):
    subscription = models.ForeignKey(
        WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    alert = models.ForeignKey(
        SlaAlert, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    event = models.CharField(max_length=30)
    payload = models.JSONField()
    status = models.CharField(
        max_length=10, choices=DeliveryStatusChoices.choices, default=DeliveryStatusChoices.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    response_code = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ("-created", "-id")
        verbose_name = "webhook delivery"
        verbose_name_plural = "webhook deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=("subscription", "alert"),
                condition=Q(alert__isnull=False),
                name="integrations_delivery_once_per_alert",
            )
        ]

    def __str__(self):
        return f"{self.event} → {self.subscription}"

    def get_absolute_url(self):
        return self.subscription.get_absolute_url()

    @classmethod
    def access_filter(cls, context, action):
        return integrator_scoped(context, action, prefix="subscription__ecosystem")
