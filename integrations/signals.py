"""Outbound webhooks listen to the SLA engine's handled alerts."""

from django.dispatch import receiver

from core.tasks import enqueue_on_commit
from slas.notifications import alert_dispatched


@receiver(alert_dispatched)
def post_alert_to_subscribers(sender, alert, **kwargs):
    from .outbound import queue_for_alert
    from .tasks import deliver_webhook

    for delivery in queue_for_alert(alert):
        enqueue_on_commit(deliver_webhook, delivery.pk)
