"""The demo ecosystem loaded once per test module, rolled back afterwards.

Loading it takes seconds; the tests here only read, so they share one copy inside a
transaction that is never committed (other modules never see it).
"""

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import TestCase

DEMO_USERS = ("admin", "john", "elaine", "sophie", "maria", "david", "marco", "olivia")


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        # The demo queues work "on commit" (ingestion); run it here, as a commit would.
        with TestCase.captureOnCommitCallbacks(execute=True):
            call_command("load_demo", quiet_logins=True)
        yield
        transaction.set_rollback(True)
