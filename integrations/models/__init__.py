"""Ingestion: feeds of ticket events from the parties' tools, the inbound log, the
source events a ticket's timeline is folded from, CSV import runs, outbound webhook
subscriptions with their delivery log (see docs/integrations.md), and each flow's data
dictionary, which ingestion reads."""

from .common import HMAC_KINDS, integrator_scoped
from .dictionary import FieldMapping, ValueMapping
from .events import ImportRun, InboundEvent, SourceEvent
from .feeds import AssignmentGroup, TicketFeed, TicketLink
from .webhooks import WebhookDelivery, WebhookSubscription, default_subscription_events

__all__ = [
    "HMAC_KINDS", "AssignmentGroup", "FieldMapping", "ImportRun", "InboundEvent", "SourceEvent",
    "TicketFeed", "TicketLink", "ValueMapping", "WebhookDelivery", "WebhookSubscription",
    "default_subscription_events", "integrator_scoped",
]  # fmt: skip
