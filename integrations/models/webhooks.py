"""Outbound webhook subscriptions and their delivery log."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from core.models import UrlNameMixin
from core.querysets import RestrictedQuerySet
from siam.models import (
    EcosystemScopedModel,
)
from slas.choices import AlertLevelChoices
from slas.models import SlaAlert

from .. import crypto
from ..choices import (
    DeliveryStatusChoices,
    SubscriptionEventChoices,
)
from .common import integrator_scoped


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
