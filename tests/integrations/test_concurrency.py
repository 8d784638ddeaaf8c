"""Concurrent deliveries for one ticket (CI runs this on PostgreSQL): the ticket's row
lock serialises them, so the timeline ends as if delivered one by one, in order."""

import threading
import time
from datetime import timedelta

import pytest
from django.db import connection

from integrations import services
from integrations.models import InboundEvent, SourceEvent
from slas.models import Incident

from .conftest import body_of
from .test_webhooks import T0, sn_history, timeline

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks are what is tested: PostgreSQL"
)
def test_concurrent_deliveries_for_one_ticket_do_not_corrupt_it(feeds, sla, monkeypatch):
    sla.frozen.moment = T0 + timedelta(hours=4)
    feed = feeds["servicenow"]
    auth = {"Authorization": f"Bearer {feeds.secrets['servicenow']}"}
    for event in sn_history("INC0000777"):  # the reference, in order, one at a time
        inbound, _ = services.receive(feed, body_of(event), auth)
        services.process(inbound.pk)
    expected = timeline(Incident.objects.get(reference="INC0000777"))

    # Every event of another ticket, delivered twice, as received and not yet
    # processed; then four workers at once, in opposite orders.
    # (The inbound log accepts one live original per delivery key, so the second copy
    # is logged under another key; the fold still sees the same tool event twice.)
    received = [
        InboundEvent.objects.create(
            feed=feed, body=body_of(event), signature="valid", ticket_key="INC0000778",
            event_key=f"mod-{event['result']['sys_mod_count']}-copy-{copy}",
        ).pk
        for copy in (1, 2)
        for event in sn_history("INC0000778")
    ]  # fmt: skip
    # Widen the window between reading the ticket and writing it, so that without the
    # ticket's lock the workers would surely interleave there.
    fold = services.Ingestor._fold

    def slow_fold(self, *args):
        time.sleep(0.05)
        return fold(self, *args)

    monkeypatch.setattr(services.Ingestor, "_fold", slow_fold)
    barrier = threading.Barrier(4)
    errors = []

    def worker(ids):
        try:
            barrier.wait()
            for pk in ids:
                services.process(pk)
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    reversed_ids = list(reversed(received))
    threads = [
        threading.Thread(target=worker, args=(ids,))
        for ids in (received[::2], received[1::2], reversed_ids[::2], reversed_ids[1::2])
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    failures = list(
        InboundEvent.objects.filter(pk__in=received, state="failed").values_list("error", flat=True)
    )
    assert not failures, failures
    incident = Incident.objects.get(reference="INC0000778")
    assert [row[1:] for row in timeline(incident)] == [row[1:] for row in expected]
    assert SourceEvent.objects.filter(ticket__key="INC0000778").count() == 6
    states = list(InboundEvent.objects.filter(pk__in=received).values_list("state", flat=True))
    assert sorted(set(states)) == ["applied", "duplicate"] and states.count("applied") == 6
