"""Webhooks and feeds: receive a tool's webhook (stored before anything else), process
it through ``integrations.ingest``, replay a failed one; and the save commands of feeds
and subscriptions (a secret issued once)."""

from __future__ import annotations

import json
import logging
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.utils import InterfaceError, OperationalError
from django.utils import timezone

from core.commands import Write, save_command
from core.tasks import enqueue_on_commit

from .choices import InboundStateChoices, SignatureResultChoices
from .ingest import Ingestor
from .mapping import MappingError
from .models import (
    InboundEvent,
    TicketFeed,
    WebhookSubscription,
)
from .parsers import ParseError, TicketEvent, parse
from .signatures import kept_headers

logger = logging.getLogger(__name__)


# --- Webhooks ---------------------------------------------------------------------------------


def parse_body(feed: TicketFeed, body: bytes) -> TicketEvent:
    """``ParseError`` for a body that is not JSON or not an event of the feed's tool."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ParseError(f"The body is not JSON: {exc}.") from None
    return parse(feed.system.kind, data)


#: What is kept of a request that failed authentication: enough to see what it was,
#: not a free store for whoever learnt a feed's address.
REJECTED_BODY_BYTES = 4096


#: Rejected requests kept per feed as samples; the rest are only counted on the feed.
REJECTED_SAMPLES = 20
#: Once the samples are full, a new one replaces the oldest at most this often.
REJECTED_SAMPLE_EVERY = timedelta(minutes=10)


def receive(feed: TicketFeed, body: bytes, headers, remote_addr=None) -> tuple[InboundEvent, int]:
    """Judge a request, store it, and return it with the HTTP status.

    Authenticated requests are always stored before anything else can fail. Rejected
    ones (anyone who learnt the address can send them) are counted on the feed and
    kept only as a bounded sample, so a flood costs a counter update, not a row each.
    """
    signature = feed.verify(body, headers)
    if signature != SignatureResultChoices.VALID:
        return _reject(feed, body, headers, remote_addr, signature), 401
    inbound = InboundEvent.objects.create(
        feed=feed,
        body=body,
        headers=kept_headers(headers),
        remote_addr=remote_addr,
        signature=signature,
    )
    try:
        event = parse_body(feed, body)
    except ParseError as exc:
        inbound.state = InboundStateChoices.FAILED
        inbound.error = str(exc)
        inbound.save()
        return inbound, 400
    inbound.ticket_key = event.ticket[:100]
    inbound.event_key = event.event_id[:200]
    inbound.event_at = event.at
    try:
        # The partial unique constraint decides between two concurrent deliveries.
        with transaction.atomic():
            inbound.save()
    except IntegrityError:
        return _mark_duplicate(inbound), 200
    from .tasks import process_inbound_event

    enqueue_on_commit(process_inbound_event, inbound.pk)
    return inbound, 202


def _mark_duplicate(inbound: InboundEvent) -> InboundEvent:
    original = (
        InboundEvent.objects.filter(
            feed=inbound.feed_id,
            ticket_key=inbound.ticket_key,
            event_key=inbound.event_key,
            duplicate_of__isnull=True,
            state__in=[InboundStateChoices.RECEIVED, InboundStateChoices.APPLIED],
        )
        .order_by("pk")
        .first()
    )
    inbound.state = InboundStateChoices.DUPLICATE
    inbound.duplicate_of = original
    inbound.ticket_id = original.ticket_id if original else None
    inbound.processed_at = timezone.now()
    inbound.save()
    return inbound


def _reject(feed, body, headers, remote_addr, signature) -> InboundEvent:
    now = timezone.now()
    TicketFeed.objects.filter(pk=feed.pk).update(
        rejected_count=F("rejected_count") + 1, last_rejected_at=now
    )
    inbound = InboundEvent(
        feed=feed,
        body=body[:REJECTED_BODY_BYTES],
        headers=kept_headers(headers),
        remote_addr=remote_addr,
        signature=signature,
        state=InboundStateChoices.REJECTED,
    )
    inbound.error = (
        f"Signature {inbound.get_signature_display().lower()}: the request is not authenticated."
    )
    if len(body) > REJECTED_BODY_BYTES:
        inbound.error += f" Only the first {REJECTED_BODY_BYTES} of {len(body)} bytes are kept."
    samples = InboundEvent.objects.filter(feed=feed, state=InboundStateChoices.REJECTED)
    kept = list(
        samples.order_by("-received_at").values_list("pk", "received_at")[:REJECTED_SAMPLES]
    )
    if len(kept) >= REJECTED_SAMPLES:
        if now - kept[0][1] < REJECTED_SAMPLE_EVERY:
            return inbound  # counted, not stored
        samples.exclude(pk__in=[pk for pk, _ in kept[: REJECTED_SAMPLES - 1]]).delete()
    inbound.save()
    return inbound


def process(inbound_id: int) -> str | None:
    """Apply one received event; its state says how it ended. Transient database
    errors propagate (the task retries); anything about the event itself is recorded."""
    with transaction.atomic():
        inbound = (
            # Only the event's row: locking the joined feed would serialise the whole feed.
            InboundEvent.objects.select_for_update(of=("self",))
            .select_related("feed__system", "feed__ecosystem", "feed__flow")
            .filter(pk=inbound_id, state=InboundStateChoices.RECEIVED)
            .first()
        )
        if inbound is None:
            return None  # processed already, or replayed elsewhere
        inbound.attempts += 1
        inbound.processed_at = timezone.now()
        try:
            with transaction.atomic():
                event = parse_body(inbound.feed, bytes(inbound.body))
                ingestor = Ingestor(inbound.feed)
                pending = ingestor.translate(event)
                pending.inbound_id = inbound.pk
                outcome = ingestor.apply([pending])
        except (ParseError, MappingError) as exc:
            inbound.state = InboundStateChoices.FAILED
            inbound.error = str(exc)
        except (OperationalError, InterfaceError):
            raise  # transient: the task retries
        except Exception as exc:
            # Kept and reported like any failure, replayable once the cause is fixed;
            # the traceback goes to the log.
            logger.exception("Inbound event %s could not be applied", inbound_id)
            inbound.state = InboundStateChoices.FAILED
            inbound.error = f"Unexpected error ({exc.__class__.__name__}): {exc}"[:2000]
        else:
            inbound.ticket = outcome.links.get(event.ticket)
            inbound.error = ""
            if outcome.conflicts:
                inbound.state = InboundStateChoices.FAILED
                inbound.error = outcome.conflicts[0].reason
            elif outcome.duplicates:
                inbound.state = InboundStateChoices.DUPLICATE
                inbound.duplicate_of = (
                    InboundEvent.objects.filter(
                        feed=inbound.feed,
                        ticket_key=inbound.ticket_key,
                        event_key=inbound.event_key,
                        state=InboundStateChoices.APPLIED,
                    )
                    .order_by("pk")
                    .first()
                )
            else:
                inbound.state = InboundStateChoices.APPLIED
        inbound.save()
        return inbound.state


def replay(inbound: InboundEvent) -> bool:
    """Queue a failed event again (after its mapping was fixed).

    If the tool meanwhile delivered the same event again and that copy is live, the
    unique constraint refuses a second original: this one stays failed (nothing lost,
    the copy carries the event)."""
    try:
        with transaction.atomic():
            updated = InboundEvent.objects.filter(
                pk=inbound.pk,
                state=InboundStateChoices.FAILED,
                signature=SignatureResultChoices.VALID,
            ).update(state=InboundStateChoices.RECEIVED, error="")
    except IntegrityError:
        return False
    if updated:
        from .tasks import process_inbound_event

        enqueue_on_commit(process_inbound_event, inbound.pk)
    return bool(updated)


# --- Feeds and subscriptions --------------------------------------------------------------


def _issue_secret(write: Write, obj):
    """A new feed or subscription gets its secret now; the door shows it this once."""
    write.outputs["secret"] = obj.set_secret()
    obj.save(update_fields=[*obj.secret_fields, "secret_set_at"])


@save_command(TicketFeed)
def save_feed(write: Write) -> TicketFeed:
    if not write.creating:
        return write.save()
    if write.values.get("flow") is None:
        from .dictionaries import standard_flow

        # The tool's standard dictionary, made once per system, to edit like any other.
        feed = write.save(flow=standard_flow(write.values["system"]))
        feed.full_clean()
    else:
        feed = write.save()
    _issue_secret(write, feed)
    return feed


@save_command(WebhookSubscription)
def save_subscription(write: Write) -> WebhookSubscription:
    subscription = write.save()
    if write.creating:
        _issue_secret(write, subscription)
    return subscription
