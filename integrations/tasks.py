"""Background ingestion and outbound deliveries. Every task is idempotent."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import DatabaseError
from django.db.utils import InterfaceError, OperationalError
from django.utils import timezone

from . import outbound, services
from .choices import DeliveryStatusChoices, InboundStateChoices
from .models import InboundEvent, WebhookDelivery


@shared_task(
    ignore_result=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    max_retries=5,
)
def process_inbound_event(inbound_id):
    """Apply one received webhook event. A transient database error retries; an
    event still ``received`` after the retries is picked up by ``requeue_received``."""
    return services.process(inbound_id)


@shared_task(ignore_result=True)
def requeue_received(older_than_seconds=60, limit=500):
    """Events received but never processed (the worker was down): queue them again."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    ids = list(
        InboundEvent.objects.filter(state=InboundStateChoices.RECEIVED, received_at__lt=cutoff)
        .order_by("received_at")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in ids:
        process_inbound_event.delay(pk)
    return len(ids)


@shared_task(ignore_result=True)
def run_import(import_id):
    """An import longer than the bulk queue's time limit stops between batches (the
    batch under way is rolled back) and continues in a new task after its last committed
    batch, so one huge export cannot hold a worker for hours."""
    from .importers import run_stored_import

    try:
        return run_stored_import(import_id)
    except SoftTimeLimitExceeded:
        run_import.delay(import_id)
        return None


@shared_task(ignore_result=True, autoretry_for=(DatabaseError,), retry_backoff=True, max_retries=3)
def deliver_webhook(delivery_id):
    delivery = (
        WebhookDelivery.objects.select_related("subscription")
        .filter(pk=delivery_id, status=DeliveryStatusChoices.PENDING)
        .first()
    )
    if delivery is None:
        return None
    if outbound.attempt(delivery):
        return True
    if delivery.status == DeliveryStatusChoices.PENDING:
        delay = outbound.RETRY_DELAYS[delivery.attempts - 1]
        deliver_webhook.apply_async((delivery.pk,), countdown=delay)
    return False


@shared_task(ignore_result=True)
def remove_old_inbound_bodies():
    """Nightly: webhook bodies of processed events past their retention are emptied."""
    from django.conf import settings

    from .retention import remove_old_bodies

    return remove_old_bodies(
        now=timezone.now(), keep_days=settings.SIAM_INBOUND_BODY_RETENTION_DAYS
    )
