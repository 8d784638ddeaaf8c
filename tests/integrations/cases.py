"""One description per integrations model with a list page, driving the generic CRUD,
isolation and query-count tests of ``tests.generic.harness``. The context is the
``feeds`` fixture (``tests/integrations/conftest.py``): one feed per tool in ecosystem
``a``, with the secret each was given.

``CASES`` are what the integrator configures (feeds, webhook subscriptions); ``RECORDS``
what the system writes (tickets tracked, inbound events, import runs, webhook
deliveries), which people only list and read."""

from integrations import services
from integrations.dictionaries import standard_flow
from integrations.models import (
    ImportRun,
    InboundEvent,
    TicketFeed,
    TicketLink,
    WebhookDelivery,
    WebhookSubscription,
)
from tests import factories as f
from tests.generic.harness import ModelCase, ids

from .conftest import body_of


def _listed(obj) -> str:
    """The lists show an object as a link to its page (a feed by its system's name)."""
    return f'href="{obj.get_absolute_url()}"'


def _spare_system(feeds):
    """A connected system of ecosystem ``a`` without a feed yet (one feed per system)."""
    from siam.models import ConnectedSystem

    return ConnectedSystem.objects.get_or_create(
        ecosystem=feeds.world.a, name="Provider Two Jira",
        defaults={"organisation": feeds.world.provider2, "kind": "jira"},
    )[0]  # fmt: skip


def _subscription(feeds):
    existing = WebhookSubscription.objects.filter(ecosystem=feeds.world.a, name="Relay").first()
    if existing:
        return existing
    subscription = WebhookSubscription(
        ecosystem=feeds.world.a, name="Relay", url="https://relay.example.com/siam"
    )
    subscription.set_secret()
    subscription.save()
    return subscription


def _receive(feeds, number: int):
    """A ServiceNow ticket received over the feed's webhook and applied (an incident
    opened, a ticket tracked), as the worker does."""
    record = {
        "number": f"INC{number:07d}",
        "state": "New",
        "priority": "2 - High",
        "assignment_group": "Global Network" if number % 2 else "Service Desk",
        "sys_updated_on": "2026-11-23 09:00:00",
        "opened_at": "2026-11-23 09:00:00",
        "sys_mod_count": "0",
    }
    headers = {"Authorization": f"Bearer {feeds.secrets['servicenow']}"}
    inbound, _ = services.receive(feeds["servicenow"], body_of(record), headers)
    services.process(inbound.pk)
    inbound.refresh_from_db()
    return inbound


def _inbound(feeds):
    return InboundEvent.objects.filter(ticket_key="INC0000001").first() or _receive(feeds, 1)


def _ticket(feeds):
    return _inbound(feeds).ticket


def _import_run(feeds):
    return ImportRun.objects.get_or_create(
        ecosystem=feeds.world.a, feed=feeds["servicenow"], file_name="november.csv",
        defaults={"format": "servicenow", "created_by": feeds.world.integrator_admin},
    )[0]  # fmt: skip


def _delivery(feeds):
    return WebhookDelivery.objects.get_or_create(
        subscription=_subscription(feeds), event="ping", defaults={"payload": {"event": "ping"}}
    )[0]


def _new_feed(feeds, name, kind="jira"):
    system = f.ConnectedSystemFactory(
        ecosystem=feeds.world.a, organisation=feeds.world.provider2, name=name, kind=kind
    )
    feed = TicketFeed(
        ecosystem=feeds.world.a, system=system, auth_method="hmac", flow=standard_flow(system),
        service=feeds.world.service, default_holder=feeds.world.provider2,
    )  # fmt: skip
    feed.set_secret()
    feed.save()
    return feed


def _feeds(feeds, n):
    start = TicketFeed.objects.count()
    for i in range(n):
        _new_feed(feeds, f"Jira {start + i}")


def _subscriptions(feeds, n):
    start = WebhookSubscription.objects.count()
    for i in range(n):
        subscription = WebhookSubscription(
            ecosystem=feeds.world.a, name=f"Relay {start + i}", url=f"https://relay{i}.example.com/"
        )
        subscription.set_secret()
        subscription.save()
        WebhookDelivery.objects.create(subscription=subscription, event="ping", payload={})


def _tickets(feeds, n):
    start = 1000 + InboundEvent.objects.count()
    for i in range(n):
        _receive(feeds, start + i)


def _import_runs(feeds, n):
    # Into several feeds, by several people: the columns they fill.
    start = ImportRun.objects.count()
    people = [feeds.world.integrator_admin, f.UserFactory()]
    for i in range(n):
        feed = feeds["servicenow"] if i % 2 else _new_feed(feeds, f"Export source {start + i}")
        ImportRun.objects.create(
            ecosystem=feeds.world.a, feed=feed, format="servicenow" if i % 2 else "jira",
            file_name=f"export-{start + i}.csv", created_by=people[i % 2],
        )  # fmt: skip


def _deliveries(feeds, n):
    # To several subscriptions, some about an incident's breach.
    start = WebhookDelivery.objects.count()
    subscriptions = [_subscription(feeds)]
    for i in range(n):
        if i % 4 == 0:
            subscriptions.append(
                WebhookSubscription.objects.create(
                    ecosystem=feeds.world.a,
                    name=f"Hook {start + i}",
                    url="https://hook.example.com/",
                )
            )
        WebhookDelivery.objects.create(
            subscription=subscriptions[i % len(subscriptions)], event="sla.breach",
            payload={"event": "sla.breach", "incident": {"reference": f"INC-{start + i:06d}"}},
        )  # fmt: skip


CASES = [
    ModelCase(
        TicketFeed,
        "/api/integrations/feeds/",
        existing=lambda fs: fs["servicenow"],
        create=lambda fs: {"ecosystem": fs.world.a.pk, "system": _spare_system(fs).pk, "service": fs.world.service.pk,
                           "default_holder": fs.world.provider2.pk, "time_zone": "Europe/Amsterdam"},
        update={"description": "The integrator's service desk", "time_zone": "Europe/London"},
        bulk=_feeds,
        listed=_listed,
        ui_created_status=200,  # the page that shows the new feed's secret, once
    ),
    ModelCase(
        WebhookSubscription,
        "/api/integrations/subscriptions/",
        existing=_subscription,
        create=lambda fs: {"ecosystem": fs.world.a.pk, "name": "Service desk relay",
                           "target_url": "https://desk.example.com/hooks/siam", "events": ["warning", "breach"]},
        update={"name": "Relay to the customer's tool", "events": ["breach"]},
        # The API names the address ``target_url`` (``url`` is the resource's own).
        ui_values=lambda data: {("url" if k == "target_url" else k): v for k, v in data.items()},
        bulk=_subscriptions,
        listed=_listed,
        ui_created_status=200,  # the page that shows the new subscription's secret, once
    ),
]  # fmt: skip

#: Written by the system (ingestion, the import worker, outbound delivery), never typed:
#: no form and no API write exist for them.
RECORDS = [
    ModelCase(TicketLink, "/api/integrations/tickets/", existing=_ticket, create=None, update={}, bulk=_tickets),
    ModelCase(InboundEvent, "/api/integrations/inbound-events/", existing=_inbound, create=None, update={},
              bulk=_tickets),
    ModelCase(ImportRun, "/api/integrations/imports/", existing=_import_run, create=None, update={},
              bulk=_import_runs),
    ModelCase(WebhookDelivery, "/api/integrations/deliveries/", existing=_delivery, create=None, update={},
              bulk=_deliveries),
]  # fmt: skip

CASE_IDS = ids(CASES)
RECORD_IDS = ids(RECORDS)
