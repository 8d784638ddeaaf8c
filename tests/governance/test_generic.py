"""Every governance model gets the generic tests of ``tests.generic.harness``: CRUD through the
UI and the API, field errors, isolation from other ecosystems, constant query counts."""

import pytest

from tests.generic.harness import (
    check_api_crud,
    check_api_invalid_input,
    check_api_list_queries,
    check_isolation,
    check_list_queries,
    check_ui_crud,
    check_ui_invalid_input,
)

from .cases import CASE_IDS, CASES

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_ui_list_detail_create_update_delete(case, gov, client_for):
    admin = gov.world.integrator_admin
    check_ui_crud(case, gov, client_for(admin), admin)


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_ui_invalid_input_shows_field_errors(case, gov, client_for):
    check_ui_invalid_input(case, gov, client_for(gov.world.integrator_admin))


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_api_crud(case, gov, api_client_for):
    check_api_crud(case, gov, api_client_for(gov.world.integrator_admin))


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_api_invalid_input_is_400_with_field_errors(case, gov, api_client_for):
    check_api_invalid_input(case, gov, api_client_for(gov.world.integrator_admin))


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_other_ecosystem_user_gets_404_everywhere(case, gov, client_for, api_client_for):
    outsider = gov.world.b_admin
    check_isolation(case, gov, client_for(outsider), api_client_for(outsider))


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_list_page_query_count_is_constant(case, gov, client_for, query_count):
    check_list_queries(case, gov, client_for(gov.world.integrator_admin), query_count)


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_api_list_query_count_is_constant(case, gov, api_client_for, query_count):
    check_api_list_queries(case, gov, api_client_for(gov.world.integrator_admin), query_count)
