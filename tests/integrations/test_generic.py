"""Every integrations model with a list page gets the generic tests of
``tests.generic.harness``: CRUD through the UI and the API, field errors, isolation from
other ecosystems, constant query counts. Records the system writes (``RECORDS``) get
those that apply to what people only read: API read, isolation and query counts."""

import pytest
from django.urls import reverse

from integrations.models import ImportRun
from tests.generic.suites import model_tests, record_tests

from .cases import CASES, RECORDS, _import_run

pytestmark = pytest.mark.django_db


globals().update(model_tests(CASES, context="feeds"))
# Records: written by ingestion, the import worker and outbound delivery; no form and
# no API write exist for them, so the UI CRUD and invalid-input checks do not apply.
globals().update(record_tests(RECORDS, context="feeds"))


def test_an_import_run_is_the_one_record_people_delete(feeds, client_for, api_client_for):
    """An import run is started by uploading an export (tests/integrations/test_imports.py)
    and may be deleted, on its page (after confirming) and through the API."""
    client = client_for(feeds.world.integrator_admin)
    run = _import_run(feeds)
    assert client.get(run.get_absolute_url()).status_code == 200
    delete_url = reverse("integrations:importrun_delete", kwargs={"pk": run.pk})
    assert client.get(delete_url).status_code == 200
    assert client.post(delete_url).status_code == 302
    assert not ImportRun.objects.filter(pk=run.pk).exists()

    run = _import_run(feeds)
    api = api_client_for(feeds.world.integrator_admin)
    assert api.delete(f"/api/integrations/imports/{run.pk}/").status_code == 204
    assert not ImportRun.objects.filter(pk=run.pk).exists()
