"""Nobody sees another ecosystem: every UI and API URL of it is a 404."""

import pytest
from django.urls import reverse

from .cases import CASE_IDS, CASES

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_other_ecosystem_user_gets_404_everywhere(case, world, client_for, api_client_for):
    # Given a user whose organisation takes part only in ecosystem B
    client = client_for(world.b_admin)
    api = api_client_for(world.b_admin)
    target = case.existing(world)
    pk = {"pk": target.pk}

    # when they try every page of an object of ecosystem A, then each is a 404
    assert client.get(reverse(case.model.url_name(), kwargs=pk)).status_code == 404
    for name in ("edit", "delete"):
        url = reverse(case.model.url_name(name), kwargs=pk)
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"name": "hijacked"}).status_code == 404, url
    detail = f"{case.api_path}{target.pk}/"
    assert api.get(detail).status_code == 404
    assert api.patch(detail, {"name": "hijacked"}, format="json").status_code == 404
    assert api.put(detail, {"name": "hijacked"}, format="json").status_code == 404
    assert api.delete(detail).status_code == 404
    assert case.model.objects.filter(pk=target.pk).exists()

    # and the lists do not mention it
    listed = [row["id"] for row in api.get(case.api_path, {"limit": 1000}).json()["results"]]
    assert target.pk not in listed
    page = client.get(reverse(case.model.url_name("list"))).content.decode()
    assert f'href="{target.get_absolute_url()}"' not in page


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
