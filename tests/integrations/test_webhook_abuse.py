"""Webhooks under abuse and faults: floods of forged requests, a broker that is down,
the same delivery arriving twice at once."""

from unittest import mock

import pytest
from django.db import IntegrityError

from integrations import services
from integrations.choices import InboundStateChoices
from integrations.models import InboundEvent

from .conftest import payload
from .test_webhooks import deliver  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db


def test_a_flood_of_forged_requests_is_counted_not_stored(deliver, feeds):  # noqa: F811
    for _ in range(200):
        response = deliver("jira", payload("jira_issue_created.json"), secret="wrong")
        assert response.status_code == 401
    body = response.json()
    assert body == {"status": "signature or token missing or invalid"}  # no id, no detail
    feed = feeds["jira"]
    feed.refresh_from_db()
    assert feed.rejected_count == 200
    assert feed.last_rejected_at is not None
    stored = InboundEvent.objects.filter(feed=feed, state=InboundStateChoices.REJECTED)
    assert stored.count() == services.REJECTED_SAMPLES


def test_broker_down_still_answers_202_and_the_sweep_applies_it_once(deliver, feeds):  # noqa: F811
    from integrations import tasks

    with mock.patch.object(
        tasks.process_inbound_event, "delay", side_effect=ConnectionRefusedError("broker down")
    ):
        response = deliver("jira", payload("jira_issue_created.json"))
    assert response.status_code == 202
    event = InboundEvent.objects.get(pk=response.json()["event"])
    assert event.state == InboundStateChoices.RECEIVED  # stored, waiting for the worker

    # The broker is back; the sweep finds it (older than its minute) and applies it.
    InboundEvent.objects.filter(pk=event.pk).update(
        received_at=event.received_at.replace(year=2020)
    )
    assert tasks.requeue_received() == 1
    event.refresh_from_db()
    assert event.state == InboundStateChoices.APPLIED
    assert tasks.requeue_received() == 0  # exactly once
    again = deliver("jira", payload("jira_issue_created.json"))
    assert again.status_code == 200  # a re-delivery is a duplicate


def test_the_database_refuses_a_second_live_original(deliver, feeds):  # noqa: F811
    first = InboundEvent.objects.get(
        pk=deliver("jira", payload("jira_issue_created.json")).json()["event"]
    )
    copy = InboundEvent(
        feed=first.feed,
        body=b"{}",
        signature=first.signature,
        ticket_key=first.ticket_key,
        event_key=first.event_key,
        state=InboundStateChoices.RECEIVED,
    )
    with pytest.raises(IntegrityError):
        copy.save()


def test_a_feed_address_has_a_request_budget(deliver, feeds, monkeypatch):  # noqa: F811
    from django.core.cache import cache
    from rest_framework.throttling import SimpleRateThrottle

    rates = {**SimpleRateThrottle.THROTTLE_RATES, "webhook": "2/minute"}
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)
    cache.clear()
    codes = [deliver("jira", payload("jira_issue_created.json")).status_code for _ in range(3)]
    cache.clear()
    assert codes[2] == 429
    assert codes[:2] == [202, 200]  # accepted, then the re-delivery is a duplicate
