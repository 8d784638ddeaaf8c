"""Reports read from the replica when one is configured; writes and the rest never do."""

import pytest
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext

from core.routers import ReplicaRouter, reads_from_replica
from governance import services as governance
from slas import reports
from slas.models import Incident

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])


def queries_by_database(fn):
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as replica,
    ):
        fn()
    return len(primary), len(replica)


@pytest.fixture
def with_replica(settings):
    settings.SIAM_REPORTS_DATABASE = "replica"


def test_the_report_and_dashboard_read_only_from_the_replica(world, with_replica):
    user = world.integrator_admin
    primary, replica = queries_by_database(lambda: reports.build_report(user, {}))
    assert (primary, replica > 0) == (0, True)
    primary, replica = queries_by_database(lambda: governance.dashboard(user, world.a))
    assert (primary, replica > 0) == (0, True)


def test_other_reads_and_every_write_stay_on_the_primary(world, with_replica):
    primary, replica = queries_by_database(lambda: list(Incident.objects.all()))
    assert (primary, replica) == (1, 0)
    with reads_from_replica():
        assert ReplicaRouter().db_for_write(Incident) == "default"


def test_inside_a_transaction_the_report_reads_what_it_wrote(world, with_replica):
    def in_transaction():
        with transaction.atomic():
            reports.build_report(world.integrator_admin, {})

    primary, replica = queries_by_database(in_transaction)
    assert primary > 0 and replica == 0


def test_without_a_replica_everything_reads_from_the_primary(world, settings):
    settings.SIAM_REPORTS_DATABASE = ""
    primary, replica = queries_by_database(lambda: reports.build_report(world.integrator_admin, {}))
    assert primary > 0 and replica == 0
