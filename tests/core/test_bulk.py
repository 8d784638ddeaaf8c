"""Set-based writes: ``update_rows`` writes exactly what it is given, every column type
the clocks use, on SQLite and PostgreSQL; a recompute writes only the clocks that changed."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.bulk import update_rows
from slas import clocks
from slas.choices import EventKindChoices, MetricChoices, SlaStateChoices
from slas.models import IncidentSla
from tests.slas.conftest import at, frozen, sla  # noqa: F401  (fixtures)


def test_update_rows_writes_each_rows_own_values_of_every_type(sla):  # noqa: F811
    first, second = sla.open(), sla.open()
    rows = list(IncidentSla.objects.filter(incident__in=[first, second]).order_by("pk"))
    untouched = rows[-1]
    for n, row in enumerate(rows[:-1]):
        row.counted_seconds = 1000.5 + n
        row.state = SlaStateChoices.PAUSED
        row.due_at = None if n % 2 else at(2, 10, n)
        row.party_seconds = {"none": n, str(sla.world.provider1.pk): 1.25}
        row.provider_id = sla.world.provider2.pk if n % 2 else None
    assert (
        update_rows(
            IncidentSla,
            rows[:-1],
            ("counted_seconds", "state", "due_at", "party_seconds", "provider"),
        )
        == len(rows) - 1
    )
    for n, row in enumerate(rows[:-1]):
        row.refresh_from_db()
        assert row.counted_seconds == 1000.5 + n and row.state == SlaStateChoices.PAUSED
        assert row.due_at == (None if n % 2 else at(2, 10, n))
        assert row.party_seconds == {"none": n, str(sla.world.provider1.pk): 1.25}
        assert row.provider_id == (sla.world.provider2.pk if n % 2 else None)
    before = untouched.counted_seconds
    untouched.refresh_from_db()
    assert untouched.counted_seconds == before
    assert update_rows(IncidentSla, [], ("state",)) == 0


def test_a_recompute_writes_only_the_clocks_whose_figures_changed(sla):  # noqa: F811
    running, done = sla.open(), sla.open()
    sla.event(done, at(0, 9, 10), kind=EventKindChoices.STATUS, status="in_progress")
    sla.event(done, at(0, 10), kind=EventKindChoices.STATUS, status="resolved")
    clocks.recompute_incidents([running, done], at=at(0, 11))
    stamps = dict(IncidentSla.objects.values_list("pk", "computed_at"))
    later = at(0, 11) + timedelta(minutes=30)
    with CaptureQueriesContext(connection) as queries:
        clocks.recompute_incidents([running, done], at=later)
    rewritten = {row.pk for row in IncidentSla.objects.all() if row.computed_at != stamps[row.pk]}
    # The running clocks count on; the resolved incident's stopped clocks are left alone.
    assert rewritten == set(
        IncidentSla.objects.filter(incident=running).values_list("pk", flat=True)
    )
    assert not rewritten & set(
        IncidentSla.objects.filter(incident=done).values_list("pk", flat=True)
    )
    resolved = IncidentSla.objects.get(
        incident=done, metric=MetricChoices.RESOLUTION, provider=None
    )
    assert resolved.state == SlaStateChoices.MET and resolved.computed_at == stamps[resolved.pk]
    updates = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    if connection.vendor == "postgresql":
        # One statement for the changed clocks (the summaries did not change).
        assert len([u for u in updates if "slas_incidentsla" in u]) == 1
        assert all("FROM (VALUES" in u for u in updates if "slas_incidentsla" in u)
