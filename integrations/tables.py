import django_tables2 as tables
from django.utils.html import format_html

from core.tables import BaseTable, ChoiceBadgeColumn, DateTimeColumn

from .models import (
    ImportRun,
    InboundEvent,
    TicketFeed,
    TicketLink,
    WebhookDelivery,
    WebhookSubscription,
)

NUMBER = {"td": {"class": "text-end"}, "th": {"class": "text-end"}}
STATE_COLOURS = {
    "received": "blue",
    "applied": "green",
    "duplicate": "secondary",
    "failed": "red",
    "rejected": "orange",
}
SIGNATURE_COLOURS = {"valid": "green", "invalid": "red", "missing": "orange"}
IMPORT_COLOURS = {"queued": "secondary", "running": "blue", "done": "green", "failed": "red"}
DELIVERY_COLOURS = {"pending": "blue", "delivered": "green", "failed": "red"}


class TicketFeedTable(BaseTable):
    system = tables.Column(
        linkify=lambda record: record.get_absolute_url(), verbose_name="Feed from"
    )
    ecosystem = tables.Column(linkify=True)
    kind = tables.Column(accessor="system__get_kind_display", verbose_name="Tool", orderable=False)
    auth_method = ChoiceBadgeColumn(
        colors={"hmac": "purple", "token": "teal"}, verbose_name="Authentication"
    )
    applied_count = tables.Column(verbose_name="Applied", attrs=NUMBER)
    failed_count = tables.Column(verbose_name="Failed", attrs=NUMBER)
    ticket_count = tables.Column(verbose_name="Tickets", attrs=NUMBER)
    last_received = DateTimeColumn(verbose_name="Last event", format="j M Y H:i")
    active = tables.BooleanColumn()

    class Meta(BaseTable.Meta):
        model = TicketFeed
        fields = (
            "system", "ecosystem", "kind", "auth_method", "ticket_count", "applied_count",
            "failed_count", "last_received", "active", "actions",
        )  # fmt: skip

    def render_failed_count(self, value, record):
        if not value:
            return "0"
        return format_html('<span class="badge bg-red-lt">{}</span>', value)


class InboundEventTable(BaseTable):
    id = tables.Column(linkify=True, verbose_name="#")
    received_at = DateTimeColumn(format="j M Y H:i:s")
    feed = tables.Column(
        accessor="feed__system__name",
        verbose_name="Feed",
        linkify=lambda record: record.feed.get_absolute_url(),
    )
    ticket_key = tables.Column(verbose_name="Ticket")
    event_key = tables.Column(verbose_name="Event")
    state = ChoiceBadgeColumn(colors=STATE_COLOURS)
    signature = ChoiceBadgeColumn(colors=SIGNATURE_COLOURS)
    error = tables.Column(orderable=False)
    incident = tables.Column(
        accessor="ticket__incident__reference",
        verbose_name="Incident",
        linkify=lambda record: record.ticket.incident.get_absolute_url(),
        orderable=False,
    )
    actions = None

    class Meta(BaseTable.Meta):
        model = InboundEvent
        fields = (
            "id",
            "received_at",
            "feed",
            "ticket_key",
            "event_key",
            "state",
            "signature",
            "incident",
            "error",
        )

    def render_error(self, value):
        return value if len(value) <= 70 else value[:69] + "…"


class TicketLinkTable(BaseTable):
    key = tables.Column(verbose_name="Tool's key")
    feed = tables.Column(
        accessor="feed__system__name",
        verbose_name="Feed",
        linkify=lambda record: record.feed.get_absolute_url(),
    )
    incident = tables.Column(linkify=True)
    status = tables.Column(
        accessor="incident__get_status_display", verbose_name="Status", orderable=False
    )
    tool_made_sla = tables.Column(
        accessor="source_figures__made_sla", verbose_name="Tool: SLA made", orderable=False
    )
    our_resolution = tables.Column(verbose_name="Ours: resolution", orderable=False)
    event_count = tables.Column(verbose_name="Events", attrs=NUMBER)
    actions = None

    class Meta(BaseTable.Meta):
        model = TicketLink
        fields = (
            "key",
            "feed",
            "incident",
            "status",
            "event_count",
            "tool_made_sla",
            "our_resolution",
        )

    def render_tool_made_sla(self, value):
        made = value == "true"
        return format_html(
            '<span class="badge bg-{}-lt">{}</span>',
            "green" if made else "red",
            "made" if made else "missed",
        )

    def render_our_resolution(self, value):
        colour = {"met": "green", "breached": "red"}.get(value, "secondary")
        return format_html(
            '<span class="badge bg-{}-lt">{}</span>', colour, value.replace("_", " ")
        )


class ImportRunTable(BaseTable):
    file_name = tables.Column(linkify=True, verbose_name="File")
    feed = tables.Column(
        accessor="feed__system__name",
        verbose_name="Feed",
        linkify=lambda record: record.feed.get_absolute_url(),
    )
    format = tables.Column()
    state = ChoiceBadgeColumn(colors=IMPORT_COLOURS)
    rows_read = tables.Column(verbose_name="Rows", attrs=NUMBER)
    events_applied = tables.Column(verbose_name="Applied", attrs=NUMBER)
    incidents_created = tables.Column(verbose_name="New incidents", attrs=NUMBER)
    rows_rejected = tables.Column(verbose_name="Rejected", attrs=NUMBER)
    created = DateTimeColumn(format="j M Y H:i", verbose_name="Started")
    actions = None

    class Meta(BaseTable.Meta):
        model = ImportRun
        fields = (
            "file_name",
            "feed",
            "format",
            "state",
            "rows_read",
            "events_applied",
            "incidents_created",
            "rows_rejected",
            "created",
        )


class WebhookSubscriptionTable(BaseTable):
    name = tables.Column(linkify=True)
    ecosystem = tables.Column(linkify=True)
    url = tables.Column(verbose_name="URL")
    events = tables.Column(orderable=False)
    delivered_count = tables.Column(verbose_name="Delivered", attrs=NUMBER)
    failed_count = tables.Column(verbose_name="Failed", attrs=NUMBER)
    active = tables.BooleanColumn()

    class Meta(BaseTable.Meta):
        model = WebhookSubscription
        fields = (
            "name",
            "ecosystem",
            "url",
            "events",
            "delivered_count",
            "failed_count",
            "active",
            "actions",
        )

    def render_events(self, value):
        return ", ".join(value)


class WebhookDeliveryTable(BaseTable):
    id = tables.Column(verbose_name="#")
    created = DateTimeColumn(format="j M Y H:i:s")
    subscription = tables.Column(linkify=True)
    event = tables.Column()
    incident = tables.Column(accessor="payload__incident__reference", orderable=False)
    status = ChoiceBadgeColumn(colors=DELIVERY_COLOURS)
    attempts = tables.Column(attrs=NUMBER)
    response_code = tables.Column(verbose_name="HTTP")
    last_error = tables.Column(orderable=False)
    actions = None

    class Meta(BaseTable.Meta):
        model = WebhookDelivery
        fields = (
            "id",
            "created",
            "subscription",
            "event",
            "incident",
            "status",
            "attempts",
            "response_code",
            "last_error",
        )
