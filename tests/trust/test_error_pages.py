"""Errors answer in the app's layout (pages) or as JSON (API), never as bare text."""

import csv
import io

import pytest
from django.apps import apps
from django.contrib.sessions.backends.db import SessionStore
from django.db import OperationalError
from django.test import Client, override_settings
from django.urls import path

from core.tables import export_value
from tests import factories as f


def boom(request):
    raise RuntimeError("a bug")


def database_gone(request):
    raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")


from config.urls import handler404, handler500  # noqa: E402,F401  (this URL conf's handlers)

urlpatterns = [
    path("boom/", boom),
    path("api/boom/", boom),
    path("db-gone/", database_gone),
]


@pytest.fixture
def user_client(db):
    client = Client(raise_request_exception=False)
    client.force_login(f.UserFactory())
    return client


def test_unknown_page_is_a_404_in_the_layout(user_client):
    response = user_client.get("/no/such/page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "This page does not exist" in html
    assert 'class="navbar' in html  # the app's layout, with its menu


def test_unknown_api_address_is_json(user_client):
    response = user_client.get("/api/no-such-thing/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_forbidden_page_is_a_403_in_the_layout(db):
    client = Client()
    client.force_login(f.UserFactory())  # belongs to no organisation
    response = client.get("/siam/ecosystems/add/")
    assert response.status_code == 403
    assert "You may not open this page" in response.content.decode()


@override_settings(ROOT_URLCONF=__name__)
def test_a_bug_is_a_500_page_that_needs_no_database(user_client):
    response = user_client.get("/boom/")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()


@override_settings(ROOT_URLCONF=__name__)
def test_a_bug_in_the_api_is_json(user_client):
    response = user_client.get("/api/boom/")
    assert response.status_code == 500
    assert "detail" in response.json()


@override_settings(ROOT_URLCONF=__name__)
def test_an_unreachable_database_is_a_503_with_retry_after(user_client):
    response = user_client.get("/db-gone/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "briefly unavailable" in response.content.decode()


def test_an_unreachable_database_during_session_load_is_a_503(user_client, monkeypatch):
    def refuse(self, *args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(SessionStore, "load", refuse)
    for url in ("/", "/api/siam/ecosystems/"):
        response = user_client.get(url)
        assert response.status_code == 503, url
        assert response["Retry-After"] == "30"
    assert user_client.get("/api/siam/ecosystems/").json()["detail"].startswith("The service")


def test_every_constraint_message_formats():
    # A bare "%" in a message raised ValueError while reporting the violation (a 500).
    for model in apps.get_models():
        for constraint in model._meta.constraints:
            assert constraint.get_violation_error_message()


@pytest.mark.parametrize(
    "rendered,plain",
    [
        ('<span class="badge bg-green-lt">In progress</span>', "In progress"),
        ("<a href='/x/'>Tom &amp; Jerry</a>", "Tom & Jerry"),
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("-12.5", "-12.5"),
        (42, 42),
    ],
)
def test_exports_get_plain_values(rendered, plain):
    assert export_value(rendered) == plain


@pytest.mark.django_db
def test_list_exports_hold_no_markup(client):
    from tests.conftest import build_world

    world = build_world()
    client.force_login(world.integrator_admin)
    response = client.get("/siam/contracts/?_export=csv")
    assert response.status_code == 200
    text = response.content.decode()
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) > 1
    assert "<" not in text and "badge" not in text


@pytest.mark.django_db
def test_a_page_never_names_an_organisation_outside_the_readers_ecosystems(client):
    from rest_framework.test import APIClient

    from tests.conftest import build_world

    world = build_world()
    shared = f.OrganisationFactory(name="Shared Vendor", registered_by=world.integrator)
    f.ServiceProviderFactory(ecosystem=world.b, organisation=shared)
    client.force_login(world.b_admin)
    page = client.get(f"/siam/organisations/{shared.pk}/")
    assert page.status_code == 200
    assert "Shared Vendor" in page.content.decode()
    assert world.integrator.name not in page.content.decode()

    api = APIClient()
    api.force_authenticate(world.b_admin)
    data = api.get(f"/api/siam/organisations/{shared.pk}/").json()
    assert data["registered_by"] is None
