"""Nobody sees another ecosystem: every UI and API URL of it is a 404."""

import pytest
from django.urls import reverse

from tests.generic.harness import check_isolation

from .cases import CASE_IDS, CASES

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_other_ecosystem_user_gets_404_everywhere(case, world, client_for, api_client_for):
    check_isolation(case, world, client_for(world.b_admin), api_client_for(world.b_admin))


def test_filter_choices_do_not_leak_other_ecosystems(world, client_for):
    page = client_for(world.b_admin).get(reverse("siam:service_list")).content.decode()
    assert "Beta" in page
    assert "Alpha" not in page and "Provider One" not in page


def test_cannot_attach_records_to_another_ecosystem_through_the_api(world, api_client_for):
    api = api_client_for(world.b_admin)
    response = api.post(
        "/api/siam/services/", {"ecosystem": world.a.pk, "name": "Planted"}, format="json"
    )
    assert response.status_code == 400
    assert "ecosystem" in response.json()
    # nor link a flow of its own ecosystem to a system of another
    response = api.patch(
        f"/api/siam/flows/{world.b_objects['flow'].pk}/",
        {"target": world.system_customer.pk},
        format="json",
    )
    assert response.status_code == 400
    assert "target" in response.json()


def test_cannot_pick_another_ecosystem_in_forms(world, client_for):
    client = client_for(world.b_admin)
    response = client.post(
        reverse("siam:service_add"),
        {"ecosystem": world.a.pk, "name": "Planted", "criticality": "low"},
    )
    assert response.status_code == 422
    assert "ecosystem" in response.context["form"].errors
