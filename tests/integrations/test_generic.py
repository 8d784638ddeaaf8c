"""Every integrations model with a list page gets the generic tests of
``tests.generic.harness``: CRUD through the UI and the API, field errors, isolation from
other ecosystems, constant query counts. Records the system writes (``RECORDS``) get
those that apply to what people only read: API read, isolation and query counts."""

import pytest
from django.urls import reverse

from integrations.models import ImportRun
from tests.generic.harness import (
    check_api_crud,
    check_api_invalid_input,
    check_api_list_queries,
    check_api_read,
    check_isolation,
    check_list_queries,
    check_record_isolation,
    check_ui_crud,
    check_ui_invalid_input,
)

from .cases import CASE_IDS, CASES, RECORD_IDS, RECORDS, _import_run

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_ui_list_detail_create_update_delete(case, feeds, client_for):
    admin = feeds.world.integrator_admin
    check_ui_crud(case, feeds, client_for(admin), admin)


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_ui_invalid_input_shows_field_errors(case, feeds, client_for):
    check_ui_invalid_input(case, feeds, client_for(feeds.world.integrator_admin))


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_api_crud(case, feeds, api_client_for):
    check_api_crud(case, feeds, api_client_for(feeds.world.integrator_admin))


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_api_invalid_input_is_400_with_field_errors(case, feeds, api_client_for):
    check_api_invalid_input(case, feeds, api_client_for(feeds.world.integrator_admin))


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_other_ecosystem_user_gets_404_everywhere(case, feeds, client_for, api_client_for):
    outsider = feeds.world.b_admin
    check_isolation(case, feeds, client_for(outsider), api_client_for(outsider))


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_list_page_query_count_is_constant(case, feeds, client_for, query_count):
    check_list_queries(case, feeds, client_for(feeds.world.integrator_admin), query_count)


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_api_list_query_count_is_constant(case, feeds, api_client_for, query_count):
    check_api_list_queries(case, feeds, api_client_for(feeds.world.integrator_admin), query_count)


# --- Records: written by ingestion, the import worker and outbound delivery. No form
# and no API write exist for them, so the UI CRUD and invalid-input checks do not apply.


@pytest.mark.parametrize("case", RECORDS, ids=RECORD_IDS)
def test_record_api_read_only(case, feeds, api_client_for):
    check_api_read(case, feeds, api_client_for(feeds.world.integrator_admin))


@pytest.mark.parametrize("case", RECORDS, ids=RECORD_IDS)
def test_record_other_ecosystem_user_gets_404_everywhere(case, feeds, client_for, api_client_for):
    outsider = feeds.world.b_admin
    check_record_isolation(case, feeds, client_for(outsider), api_client_for(outsider))


@pytest.mark.parametrize("case", RECORDS, ids=RECORD_IDS)
def test_record_list_page_query_count_is_constant(case, feeds, client_for, query_count):
    check_list_queries(case, feeds, client_for(feeds.world.integrator_admin), query_count)


@pytest.mark.parametrize("case", RECORDS, ids=RECORD_IDS)
def test_record_api_list_query_count_is_constant(case, feeds, api_client_for, query_count):
    check_api_list_queries(case, feeds, api_client_for(feeds.world.integrator_admin), query_count)


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
