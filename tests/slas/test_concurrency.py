"""The beat task run from two workers at once records each crossing exactly once
(CI runs this on PostgreSQL, where SKIP LOCKED does the sharing)."""

import threading

import pytest
from django.db import connection

from slas import crossings
from slas.models import IncidentSla, SlaAlert

from .conftest import at

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_workers_scanning_at_once_record_each_alert_once(sla):
    for _ in range(30):
        sla.open()
    expected = sum(
        1
        for row in IncidentSla.objects.all()
        for deadline in (row.warning_1_at, row.warning_2_at, row.breach_at)
        if deadline is not None and deadline <= at(0, 17)
    )
    assert expected > 60
    barrier = threading.Barrier(2)
    results, errors = [], []

    def worker():
        try:
            barrier.wait()
            results.append(crossings.record_crossings(at=at(0, 17), batch_size=7))
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    recorded = [alert_id for run in results for alert_id in run]
    assert len(recorded) == len(set(recorded)) == SlaAlert.objects.count() == expected
    # and once more changes nothing
    assert crossings.record_crossings(at=at(0, 17)) == []
