"""A person logs in, creates an organisation with the form and finds it in the list."""

import pytest

from siam.models import Organisation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_log_in_create_an_organisation_and_find_it(page, login):
    from tests.conftest import build_world

    world = build_world()
    login(world.integrator_admin.username)
    assert "Alpha" in page.content()

    # The menu leads to the organisations list and its add form
    page.get_by_role("button", name="Ecosystem").click()
    page.get_by_role("link", name="Organisations").click()
    page.get_by_role("link", name="Add organisation").click()

    # A mistake is explained next to the field, not as a crash
    page.get_by_label("Name").fill("Acme Logistics")
    page.get_by_role("button", name="Create", exact=True).click()
    assert page.locator("#id_slug.is-invalid").count() == 1
    assert "This field is required" in page.locator(".invalid-feedback").first.inner_text()

    page.get_by_label("Slug").fill("acme-logistics")
    page.get_by_label("Country").fill("DE")
    page.get_by_role("button", name="Create", exact=True).click()
    page.wait_for_url("**/siam/organisations/*/")
    assert page.get_by_role("heading", name="Acme Logistics").is_visible()
    assert "Created organisation" in page.content()

    # ... and it is in the list, also when searched for
    page.goto("/siam/organisations/")
    assert page.get_by_role("link", name="Acme Logistics", exact=True).is_visible()
    page.get_by_label("Search").fill("acme")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("link", name="Acme Logistics", exact=True).is_visible()
    assert page.get_by_role("link", name="Customer Co", exact=True).count() == 0

    created = Organisation.objects.get(slug="acme-logistics")
    assert created.registered_by == world.integrator
    assert created.history.get().history_user == world.integrator_admin
