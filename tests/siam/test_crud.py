"""Create, read, update and delete every siam model through the UI and the API."""

import pytest
from django.urls import reverse

from tests.generic.harness import (
    check_api_crud,
    check_api_invalid_input,
    check_ui_crud,
    check_ui_invalid_input,
)

from .cases import CASE_IDS, CASES

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_ui_list_detail_create_update_delete(case, world, client_for):
    check_ui_crud(case, world, client_for(world.integrator_admin), world.integrator_admin)


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_ui_invalid_input_shows_field_errors(case, world, client_for):
    check_ui_invalid_input(case, world, client_for(world.integrator_admin))


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_api_crud(case, world, api_client_for):
    check_api_crud(case, world, api_client_for(world.integrator_admin))


@pytest.mark.parametrize(
    "case", [c for c in CASES if c.api_create], ids=[c.id for c in CASES if c.api_create]
)
def test_api_invalid_input_is_400_with_field_errors(case, world, api_client_for):
    check_api_invalid_input(case, world, api_client_for(world.integrator_admin))


def test_api_requires_authentication(db, client):
    response = client.get("/api/siam/ecosystems/")
    assert response.status_code in (401, 403)


def test_ui_requires_login(db, client):
    response = client.get(reverse("siam:ecosystem_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_contract_rules_are_explained_on_their_fields(world, client_for):
    client = client_for(world.integrator_admin)
    response = client.post(
        reverse("siam:contract_add"),
        {
            "ecosystem": world.a.pk,
            "kind": "sla",
            "reference": "SLA-1",
            "name": "Duplicate",
            "supplier": world.provider1.pk,
            "consumer": world.integrator.pk,
            "status": "draft",
            "start_date": "2026-05-01",
            "end_date": "2026-01-01",
        },
    )
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert "supplied by the integrator" in errors["supplier"][0]
    assert "owed to the customer" in errors["consumer"][0]
    assert "end date" in errors["end_date"][0]


def test_api_reports_model_rules_as_field_errors(world, api_client_for):
    api = api_client_for(world.integrator_admin)
    response = api.post(
        "/api/siam/flows/",
        {
            "ecosystem": world.a.pk,
            "name": "Loop",
            "source": world.system_customer.pk,
            "target": world.system_customer.pk,
        },
        format="json",
    )
    assert response.status_code == 400
    assert "target" in response.json()
    response = api.post(
        "/api/siam/services/", {"ecosystem": world.a.pk, "name": "Web shop"}, format="json"
    )
    assert response.status_code == 400
    assert "already has a service" in str(response.json())
