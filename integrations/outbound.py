"""Outbound webhooks: breach and warning notifications posted as signed JSON.

Each delivery carries ``X-SIAM-Event``, ``X-SIAM-Delivery`` (its id: receivers
de-duplicate on it), ``X-SIAM-Timestamp`` and ``X-SIAM-Signature: sha256=<hex of
HMAC-SHA256(secret, timestamp + "." + body)>`` — the timestamp is signed so that a
captured request cannot be replayed later. Failures are retried with exponential
backoff (``RETRY_DELAYS``); every attempt's outcome is in the delivery log.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time

import requests
from django.conf import settings
from django.utils import timezone

from slas.choices import AlertLevelChoices

from .choices import DeliveryStatusChoices
from .models import WebhookDelivery, WebhookSubscription

#: Seconds before each retry: 30 s, 2 min, 8 min, 30 min, 2 h, 6 h.
RETRY_DELAYS = (30, 120, 480, 1800, 7200, 21600)
TIMEOUT_SECONDS = 10


def payload_for(alert) -> dict:
    sla = alert.incident_sla
    incident = sla.incident
    link = getattr(incident, "ticket_link", None)
    return {
        "event": "sla.breach" if alert.level == AlertLevelChoices.BREACH else "sla.warning",
        "level": alert.level,
        "crossed_at": alert.crossed_at.isoformat(),
        "ecosystem": incident.ecosystem.slug,
        "incident": {
            "reference": incident.reference,
            "title": incident.title,
            "priority": incident.priority,
            "status": incident.status,
            "url": f"{settings.SIAM_BASE_URL.rstrip('/')}{incident.get_absolute_url()}",
            "tool_key": link.key if link else None,
        },
        "sla": {
            "metric": sla.metric,
            "scope": "ola" if sla.provider_id else "end_to_end",
            "provider": sla.provider.name if sla.provider_id else None,
            "target_minutes": round(sla.target_seconds / 60),
            "due_at": sla.due_at.isoformat() if sla.due_at else None,
        },
    }


def queue_for_alert(alert) -> list[WebhookDelivery]:
    """One delivery per subscription of the ecosystem that wants this level."""
    ecosystem_id = alert.incident_sla.incident.ecosystem_id
    subscriptions = [
        s
        for s in WebhookSubscription.objects.filter(ecosystem_id=ecosystem_id, active=True)
        if s.wants(alert.level)
    ]
    if not subscriptions:
        return []
    payload = payload_for(alert)
    deliveries = [
        WebhookDelivery(subscription=s, alert=alert, event=payload["event"], payload=payload)
        for s in subscriptions
    ]
    # Ignoring conflicts (an alert dispatched twice) leaves the keys unknown: read them back.
    WebhookDelivery.objects.bulk_create(deliveries, ignore_conflicts=True)
    return list(
        WebhookDelivery.objects.filter(
            alert=alert, subscription__in=subscriptions, status=DeliveryStatusChoices.PENDING
        )
    )


def signed_headers(secret: str, body: bytes, delivery_id: int, event: str) -> dict:
    timestamp = str(int(time.time()))
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return {
        "Content-Type": "application/json",
        "User-Agent": "SIAM-governance-webhooks/1",
        "X-SIAM-Event": event,
        "X-SIAM-Delivery": str(delivery_id),
        "X-SIAM-Timestamp": timestamp,
        "X-SIAM-Signature": f"sha256={digest.hexdigest()}",
    }


def attempt(delivery: WebhookDelivery) -> bool:
    """Post once; record the outcome. True when delivered."""
    subscription = delivery.subscription
    body = json.dumps(delivery.payload, sort_keys=True).encode()
    secret = subscription.secret
    delivery.attempts += 1
    if secret is None:
        delivery.last_error = "The subscription has no usable secret: set a new one."
        delivery.status = DeliveryStatusChoices.FAILED
        delivery.save()
        return False
    try:
        response = requests.post(
            subscription.url,
            data=body,
            headers=signed_headers(secret, body, delivery.pk, delivery.event),
            timeout=TIMEOUT_SECONDS,
            allow_redirects=False,
        )
    except requests.RequestException as exc:
        delivery.response_code = None
        delivery.last_error = f"{exc.__class__.__name__}: {exc}"[:2000]
    else:
        delivery.response_code = response.status_code
        if 200 <= response.status_code < 300:
            delivery.status = DeliveryStatusChoices.DELIVERED
            delivery.delivered_at = timezone.now()
            delivery.last_error = ""
            delivery.save()
            return True
        # The status only: showing what an arbitrary address answers would turn the
        # delivery log into a window on whatever the server can reach.
        delivery.last_error = f"HTTP {response.status_code} {response.reason or ''}".strip()
    if delivery.attempts > len(RETRY_DELAYS):
        delivery.status = DeliveryStatusChoices.FAILED
    delivery.save()
    return False
