"""Retention of webhook bodies: old processed bodies go, the record of each event stays."""

from datetime import UTC, datetime, timedelta

import pytest

from integrations import tasks
from integrations.choices import InboundStateChoices
from integrations.models import InboundEvent
from integrations.retention import remove_old_bodies

NOW = datetime(2026, 12, 1, 3, 15, tzinfo=UTC)


@pytest.fixture
def events(feeds):
    feed = feeds["jira"]

    def make(state, days_old, key):
        return InboundEvent.objects.create(
            feed=feed,
            body=b'{"issue": {"key": "%s"}}' % key.encode(),
            headers={"X-Hub-Signature": "sha256=abc"},
            signature="valid",
            state=state,
            ticket_key=key,
            event_key=f"{key}-1",
            received_at=NOW - timedelta(days=days_old),
        )

    return {
        "old applied": make(InboundStateChoices.APPLIED, 91, "OPS-1"),
        "old duplicate": make(InboundStateChoices.DUPLICATE, 200, "OPS-2"),
        "old rejected": make(InboundStateChoices.REJECTED, 365, "OPS-3"),
        "old failed": make(InboundStateChoices.FAILED, 400, "OPS-4"),
        "old never processed": make(InboundStateChoices.RECEIVED, 120, "OPS-5"),
        "recent applied": make(InboundStateChoices.APPLIED, 89, "OPS-6"),
    }


def state_of(events):
    return {
        name: (bytes(InboundEvent.objects.get(pk=e.pk).body) != b"") for name, e in events.items()
    }


def test_only_old_processed_bodies_are_removed(events):
    assert remove_old_bodies(now=NOW, keep_days=90, batch=2) == 3
    assert state_of(events) == {
        "old applied": False,
        "old duplicate": False,
        "old rejected": False,
        "old failed": True,
        "old never processed": True,
        "recent applied": True,
    }
    removed = InboundEvent.objects.get(pk=events["old applied"].pk)
    assert removed.headers == {} and removed.body_removed_at == NOW
    assert removed.ticket_key == "OPS-1" and removed.state == InboundStateChoices.APPLIED
    # A second night changes nothing more.
    assert remove_old_bodies(now=NOW, keep_days=90) == 0


def test_zero_days_keeps_every_body(events):
    assert remove_old_bodies(now=NOW, keep_days=0) == 0
    assert all(state_of(events).values())


def test_the_nightly_task_reads_the_setting(events, settings):
    settings.SIAM_INBOUND_BODY_RETENTION_DAYS = 30
    assert tasks.remove_old_inbound_bodies() == 4  # every processed event is old by now


def test_the_event_page_says_the_body_was_removed(events, sla, client_for):
    remove_old_bodies(now=NOW, keep_days=90)
    response = client_for(sla.world.integrator_admin).get(
        f"/integrations/events/{events['old applied'].pk}/"
    )
    assert response.status_code == 200
    assert "bodies of processed events are kept 90 days" in response.content.decode()
