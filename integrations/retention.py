"""Retention of webhook bodies: the inbound log keeps every request, but not its bytes forever.

A busy ecosystem receives millions of webhook calls a year and their bodies (JSON of a
few kilobytes each) soon outweigh the incidents. Once an event has been applied, or was
a duplicate or an unauthenticated request, its body and headers have done their work:
the timeline row it produced, its keys, outcome and times stay. Events that failed or
were never processed keep their body, since a replay needs it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction

from .choices import InboundStateChoices
from .models import InboundEvent

DONE_WITH = (
    InboundStateChoices.APPLIED,
    InboundStateChoices.DUPLICATE,
    InboundStateChoices.REJECTED,
)
BATCH = 5_000


def remove_old_bodies(*, now: datetime, keep_days: int, batch: int = BATCH) -> int:
    """Empty the body and headers of processed events received more than ``keep_days``
    before ``now``; returns how many. Short batches: the inbound log keeps taking
    webhooks while this runs. ``keep_days`` 0 or less keeps everything."""
    if keep_days <= 0:
        return 0
    due = InboundEvent.objects.filter(
        received_at__lt=now - timedelta(days=keep_days),
        state__in=DONE_WITH,
        body_removed_at__isnull=True,
    )
    removed = 0
    while True:
        with transaction.atomic():
            ids = list(due.order_by().values_list("pk", flat=True)[:batch])
            if not ids:
                return removed
            removed += InboundEvent.objects.filter(pk__in=ids).update(
                body=b"", headers={}, body_removed_at=now
            )
