"""The editor, the analysis, the cell save, the diff and the lists take the same number
of queries for a 3 x 5 matrix as for a 60 x 15 one."""

import pytest
from django.urls import reverse

from raci import services

pytestmark = pytest.mark.django_db

PAGES = {
    "editor": lambda m: reverse("raci:racimatrix", args=[m.pk]),
    "analysis": lambda m: reverse("raci:racimatrix_analysis", args=[m.pk]),
    "compare": lambda m: reverse("raci:racimatrix_compare", args=[m.pk]),
    "csv": lambda m: reverse("raci:racimatrix_export", args=[m.pk, "csv"]),
}


@pytest.fixture
def count(query_count):
    def count(client, method, url, data=None):
        fetch = lambda: getattr(client, method)(url, data or {})  # noqa: E731
        return query_count.count(fetch, ok=(200, 302))

    return count


@pytest.fixture
def versions(world, matrix_of_size):
    """A 3 x 5 and a 60 x 15 matrix, each approved with a second version in draft."""
    pairs = {}
    for size, (rows, cols) in {"small": (3, 5), "large": (60, 15)}.items():
        matrix = matrix_of_size(rows, cols, name=f"{size} matrix")
        services.approve(matrix, world.integrator_admin)
        pairs[size] = services.new_version(matrix)
    return pairs


@pytest.mark.parametrize("page", sorted(PAGES))
def test_matrix_pages_take_constant_queries(
    world, count, client_for, versions, page, django_assert_max_num_queries
):
    client = client_for(world.integrator_admin)
    client.get(reverse("home"))  # session and access context warmed like any later request
    small = count(client, "get", PAGES[page](versions["small"]))
    with django_assert_max_num_queries(small):
        client.get(PAGES[page](versions["large"]))
    assert small <= 30


def test_saving_a_cell_takes_constant_queries(
    world, count, client_for, versions, django_assert_max_num_queries
):
    client = client_for(world.integrator_admin)

    def url(matrix):
        activity = matrix.activities.first()
        column = matrix.columns.last()
        return reverse("raci:racimatrix_cell", args=[matrix.pk, activity.pk, column.pk])

    small_url, large_url = url(versions["small"]), url(versions["large"])
    small = count(client, "post", small_url, {"value": "C"})
    with django_assert_max_num_queries(small):
        client.post(large_url, {"value": "C"})


@pytest.mark.parametrize(
    "name", ["racimatrix_list", "role_list", "accessmatrix_list", "my_assignments"]
)
def test_lists_take_constant_queries(
    world, count, client_for, matrix_of_size, name, django_assert_max_num_queries
):
    client = client_for(world.integrator_admin)
    matrix_of_size(3, 3, name="one")
    small = count(client, "get", reverse(f"raci:{name}"))
    for n in range(8):
        matrix_of_size(5, 4, name=f"more {n}")
    with django_assert_max_num_queries(small):
        client.get(reverse(f"raci:{name}"))


def test_api_analysis_and_findings_take_constant_queries(
    world, count, api_client_for, versions, django_assert_max_num_queries
):
    client = api_client_for(world.integrator_admin)
    for action in ("analysis", "findings", "diff"):
        small = count(
            client, "get", reverse(f"raci-api:racimatrix-{action}", args=[versions["small"].pk])
        )
        with django_assert_max_num_queries(small):
            client.get(reverse(f"raci-api:racimatrix-{action}", args=[versions["large"].pk]))
