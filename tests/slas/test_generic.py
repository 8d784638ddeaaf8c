"""Every slas model with a list page gets the generic tests of ``tests.generic.harness``:
CRUD through the UI and the API, field errors, isolation from other ecosystems, constant
query counts. Records the SLA services write (``RECORDS``) get those that apply to
what people only read: API read, isolation and query counts."""

import pytest

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

from .cases import CASE_IDS, CASES, RECORD_IDS, RECORDS

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_ui_list_detail_create_update_delete(case, sla, client_for):
    admin = sla.world.integrator_admin
    check_ui_crud(case, sla, client_for(admin), admin)


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_ui_invalid_input_shows_field_errors(case, sla, client_for):
    check_ui_invalid_input(case, sla, client_for(sla.world.integrator_admin))


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_api_crud(case, sla, api_client_for):
    check_api_crud(case, sla, api_client_for(sla.world.integrator_admin))


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_api_invalid_input_is_400_with_field_errors(case, sla, api_client_for):
    check_api_invalid_input(case, sla, api_client_for(sla.world.integrator_admin))


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_other_ecosystem_user_gets_404_everywhere(case, sla, client_for, api_client_for):
    outsider = sla.world.b_admin
    check_isolation(case, sla, client_for(outsider), api_client_for(outsider))


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_list_page_query_count_is_constant(case, sla, client_for, query_count):
    check_list_queries(case, sla, client_for(sla.world.integrator_admin), query_count)


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_api_list_query_count_is_constant(case, sla, api_client_for, query_count):
    check_api_list_queries(case, sla, api_client_for(sla.world.integrator_admin), query_count)


# --- Records: derived from the timelines by the SLA services. No form and no API write
# exist for them, so the UI CRUD and invalid-input checks do not apply.


@pytest.mark.parametrize("case", RECORDS, ids=RECORD_IDS)
def test_record_api_read_only(case, sla, api_client_for):
    check_api_read(case, sla, api_client_for(sla.world.integrator_admin))


@pytest.mark.parametrize("case", RECORDS, ids=RECORD_IDS)
def test_record_other_ecosystem_user_gets_404_everywhere(case, sla, client_for, api_client_for):
    outsider = sla.world.b_admin
    check_record_isolation(case, sla, client_for(outsider), api_client_for(outsider))


@pytest.mark.parametrize("case", RECORDS, ids=RECORD_IDS)
def test_record_list_page_query_count_is_constant(case, sla, client_for, query_count):
    check_list_queries(case, sla, client_for(sla.world.integrator_admin), query_count)


@pytest.mark.parametrize("case", RECORDS, ids=RECORD_IDS)
def test_record_api_list_query_count_is_constant(case, sla, api_client_for, query_count):
    check_api_list_queries(case, sla, api_client_for(sla.world.integrator_admin), query_count)
