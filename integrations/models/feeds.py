"""Feeds of ticket events from a party's tool, the assignment groups it names and the
tickets it is tracked by."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from core.models import UrlNameMixin
from core.querysets import RestrictedQuerySet
from siam.choices import SystemKindChoices
from siam.models import (
    ConnectedSystem,
    EcosystemScopedModel,
    IntegrationFlow,
    Organisation,
    Service,
)
from slas.models import Incident, validate_time_zone

from .. import crypto, signatures
from ..choices import (
    AuthMethodChoices,
    SignatureResultChoices,
    UnknownGroupChoices,
)
from .common import integrator_scoped


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
