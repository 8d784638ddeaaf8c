"""Lists, detail pages and API lists do not issue more queries as rows grow."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from .cases import CASE_IDS, CASES

pytestmark = pytest.mark.django_db


def count_queries(fetch) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = fetch()
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_list_page_query_count_is_constant(case, world, client_for, django_assert_max_num_queries):
    client = client_for(world.integrator_admin)
    url = reverse(case.model.url_name("list"))
    client.get(url)  # warm the session
    baseline = count_queries(lambda: client.get(url))
    case.bulk(world, 20)
    with django_assert_max_num_queries(baseline):
        client.get(url)


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_api_list_query_count_is_constant(
    case, world, api_client_for, django_assert_max_num_queries
):
    api = api_client_for(world.integrator_admin)
    baseline = count_queries(lambda: api.get(case.api_path))
    case.bulk(world, 20)
    with django_assert_max_num_queries(baseline):
        response = api.get(case.api_path)
    assert response.json()["count"] >= 20


def test_ecosystem_overview_and_home_query_counts_are_constant(
    world, client_for, django_assert_max_num_queries
):
    from tests.siam.cases import _flows, _services, _systems

    client = client_for(world.integrator_admin)
    overview = world.a.get_absolute_url()
    client.get(overview)
    baseline = count_queries(lambda: client.get(overview))
    home_baseline = count_queries(lambda: client.get(reverse("home")))
    _services(world, 15)
    _systems(world, 15)
    _flows(world, 15)
    with django_assert_max_num_queries(baseline):
        client.get(overview)
    with django_assert_max_num_queries(home_baseline):
        client.get(reverse("home"))
