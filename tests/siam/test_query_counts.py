"""Lists, detail pages and API lists do not issue more queries as rows grow."""

import pytest
from django.urls import reverse

from tests.generic.harness import check_api_list_queries, check_list_queries

from .cases import CASE_IDS, CASES

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_list_page_query_count_is_constant(case, world, client_for, query_count):
    check_list_queries(case, world, client_for(world.integrator_admin), query_count)


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_api_list_query_count_is_constant(case, world, api_client_for, query_count):
    check_api_list_queries(case, world, api_client_for(world.integrator_admin), query_count)


def test_ecosystem_overview_and_home_query_counts_are_constant(
    world, client_for, query_count, django_assert_max_num_queries
):
    from tests.siam.cases import _flows, _services, _systems

    client = client_for(world.integrator_admin)
    overview = world.a.get_absolute_url()
    client.get(overview)
    baseline = query_count.count(lambda: client.get(overview))
    home_baseline = query_count.count(lambda: client.get(reverse("home")))
    _services(world, 15)
    _systems(world, 15)
    _flows(world, 15)
    with django_assert_max_num_queries(baseline):
        client.get(overview)
    with django_assert_max_num_queries(home_baseline):
        client.get(reverse("home"))
