"""Create, read, update and delete every siam model through the UI and the API."""

import pytest
from django import forms
from django.urls import reverse

from .cases import CASE_IDS, CASES

pytestmark = pytest.mark.django_db


def form_post_data(form, **overrides):
    """What a browser would post for ``form`` as rendered, with some fields changed."""
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if value is None or isinstance(field, forms.FileField):
            continue  # a browser does not post a file it was not given
        if isinstance(value, list | tuple):
            data[name] = [str(v) for v in value]
        else:
            data[name] = field.prepare_value(value) if hasattr(field, "prepare_value") else value
    for name, value in overrides.items():
        data[name] = "\n".join(value) if name == "exchanged_fields" else value
    return data


def ui_data(case, world):
    data = case.create(world)
    if "exchanged_fields" in data:
        data["exchanged_fields"] = "\n".join(data["exchanged_fields"])
    return data


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_ui_list_detail_create_update_delete(case, world, client_for):
    # Given the integrator's administrator
    client = client_for(world.integrator_admin)
    model = case.model
    existing = case.existing(world)

    # the list and the detail page show the object
    response = client.get(reverse(model.url_name("list")))
    assert response.status_code == 200
    assert str(existing) in response.content.decode()
    response = client.get(existing.get_absolute_url())
    assert response.status_code == 200
    assert "Change history" in response.content.decode()

    # when they create one through the form
    before = model.objects.count()
    response = client.post(reverse(model.url_name("add")), ui_data(case, world))
    assert response.status_code == 302, (
        response.context["form"].errors if response.context else response
    )
    assert model.objects.count() == before + 1
    created = model.objects.order_by("-pk").first()

    # and edit the existing one
    edit_url = reverse(model.url_name("edit"), kwargs={"pk": existing.pk})
    form = client.get(edit_url).context["form"]
    response = client.post(edit_url, form_post_data(form, **case.update))
    assert response.status_code == 302, (
        response.context["form"].errors if response.context else response
    )
    existing.refresh_from_db()
    for field, value in case.update.items():
        assert getattr(existing, field) == value

    # then the change is in the audit trail, with who made it
    last = existing.history.order_by("-history_date").first()
    assert last.history_type == "~" and last.history_user == world.integrator_admin
    page = client.get(existing.get_absolute_url()).content.decode()
    assert "integrator_admin" in page

    # and deleting asks for confirmation, then deletes
    delete_url = reverse(model.url_name("delete"), kwargs={"pk": created.pk})
    assert client.get(delete_url).status_code == 200
    response = client.post(delete_url)
    assert response.status_code == 302
    assert not model.objects.filter(pk=created.pk).exists()
    assert created.history.filter(history_type="-").exists()


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_ui_invalid_input_shows_field_errors(case, world, client_for):
    client = client_for(world.integrator_admin)
    data = {key: "" for key in ui_data(case, world)}
    response = client.post(reverse(case.model.url_name("add")), data)
    assert response.status_code == 422
    form = response.context["form"]
    assert form.errors
    assert 'aria-invalid="true"' in response.content.decode()


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_api_crud(case, world, api_client_for):
    api = api_client_for(world.integrator_admin)
    existing = case.existing(world)

    response = api.get(case.api_path)
    assert response.status_code == 200
    assert response.json()["count"] >= 1
    detail = f"{case.api_path}{existing.pk}/"
    body = api.get(detail).json()
    assert body["id"] == existing.pk and body["display"] == str(existing)

    if case.api_create:
        response = api.post(case.api_path, case.create(world), format="json")
        assert response.status_code == 201, response.json()
        created_pk = response.json()["id"]
    else:
        assert api.post(case.api_path, case.create(world), format="json").status_code == 405
        created_pk = None

    response = api.patch(detail, case.update, format="json")
    assert response.status_code == 200, response.json()
    existing.refresh_from_db()
    for field, value in case.update.items():
        assert getattr(existing, field) == value

    if created_pk is not None:
        assert api.delete(f"{case.api_path}{created_pk}/").status_code == 204
        assert not case.model.objects.filter(pk=created_pk).exists()


@pytest.mark.parametrize(
    "case", [c for c in CASES if c.api_create], ids=[c.id for c in CASES if c.api_create]
)
def test_api_invalid_input_is_400_with_field_errors(case, world, api_client_for):
    api = api_client_for(world.integrator_admin)
    data = {
        key: ("" if not isinstance(value, list) else ["not-a-pk"])
        for key, value in case.create(world).items()
    }
    response = api.post(case.api_path, data, format="json")
    assert response.status_code == 400
    errors = response.json()
    assert set(errors) & set(data), errors


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
