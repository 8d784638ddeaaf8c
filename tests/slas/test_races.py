"""Races that lose or corrupt data without locks (CI runs these on PostgreSQL).

- incidents opened at once in one ecosystem get distinct references (one allocator);
- a background recompute racing live events never leaves stored clocks that disagree
  with the latest timeline.
"""

import threading

import pytest
from django.db import connection

from slas import clocks, services
from slas.choices import EventKindChoices, IncidentStatusChoices
from slas.models import Incident, IncidentSla

from .conftest import at

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks: SQLite locks the whole file, so there is no race to test",
    ),
]


def run_together(target, count):
    barrier = threading.Barrier(count)
    errors = []

    def run(index):
        try:
            barrier.wait()
            target(index)
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors


def test_concurrent_opens_get_distinct_references(sla):
    sla.open()  # the counter starts from what exists
    run_together(lambda i: [sla.open() for _ in range(5)], 4)
    references = list(Incident.objects.values_list("reference", flat=True))
    assert len(references) == 21
    assert len(set(references)) == 21
    assert max(references) == "INC-000021"


def stored_state(incident_ids):
    return sorted(
        IncidentSla.objects.filter(incident_id__in=incident_ids).values_list(
            "incident_id", "target_id", "metric", "state", "due_at", "breach_at"
        )
    )


def test_a_recompute_racing_live_events_stores_the_latest_timeline(sla):
    incidents = [sla.open() for _ in range(6)]
    ids = [i.pk for i in incidents]
    sla.frozen.moment = at(0, 12)

    def work(index):
        if index == 0:
            for _ in range(5):
                clocks.recompute_incidents([Incident(pk=pk) for pk in ids])
        else:
            for incident in incidents[index - 1 :: 3]:
                services.record_event(
                    incident,
                    kind=EventKindChoices.STATUS,
                    status=IncidentStatusChoices.AWAITING_CUSTOMER,
                    at=at(0, 10),
                )
                services.record_event(
                    incident,
                    kind=EventKindChoices.STATUS,
                    status=IncidentStatusChoices.IN_PROGRESS,
                    at=at(0, 11),
                )

    run_together(work, 4)
    after_race = stored_state(ids)
    clocks.recompute_incidents([Incident(pk=pk) for pk in ids])
    assert stored_state(ids) == after_race  # what the race left is what the timeline gives
