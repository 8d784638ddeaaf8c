"""Forms people like to fill: fields validate themselves as they change (htmx) with the
same rules as saving, choices follow the chosen ecosystem, and edit pages carry the
browser-side draft hooks."""

import pytest
from django.urls import reverse

from requirements_app.models import PainPoint, Requirement, UserStory

from .. import factories as f

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def validate(client, url, field, data):
    return client.post(url, {**data, "_validate": field}, **HTMX)


def test_a_missing_story_part_is_reported_on_its_own_field_while_typing(world, client_for):
    client = client_for(world.integrator_admin)
    url = reverse("requirements_app:userstory_add")
    data = {"ecosystem": world.a.pk, "role": "agent", "goal": "see status", "benefit": "  "}
    response = validate(client, url, "benefit", data)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div class="mb-3" id="id_benefit_group"')
    assert "A user story says why (so that …)" in html and "is-invalid" in html
    # Only the asked field comes back, and nothing is saved.
    assert "id_goal_group" not in html
    assert not UserStory.objects.exists()
    fixed = validate(client, url, "benefit", {**data, "benefit": "I can answer the customer"})
    assert "is-invalid" not in fixed.content.decode()


def test_full_form_rules_apply_inline(world, client_for):
    """A cross-field rule (pain point of another ecosystem) shows on the field itself."""
    client = client_for(world.integrator_admin)
    other = f.EcosystemFactory(
        name="Gamma", slug="gamma", customer=world.spare_org, integrator=world.integrator
    )
    foreign = PainPoint.objects.create(ecosystem=other, title="Elsewhere")
    response = validate(
        client,
        reverse("requirements_app:requirement_add"),
        "title",
        {"ecosystem": world.a.pk, "title": "", "statement": "s", "pain_points": [foreign.pk]},
    )
    assert "This field is required." in response.content.decode()
    assert not Requirement.objects.exists()


def test_choosing_an_ecosystem_refreshes_the_choices_that_depend_on_it(world, client_for):
    client = client_for(world.integrator_admin)
    other = f.EcosystemFactory(
        name="Gamma", slug="gamma", customer=world.spare_org, integrator=world.integrator
    )
    mine = PainPoint.objects.create(ecosystem=world.a, title="Tickets bounce")
    theirs = PainPoint.objects.create(ecosystem=other, title="Gamma pain")
    url = reverse("requirements_app:requirement_add")

    html = validate(
        client, url, "ecosystem", {"ecosystem": other.pk, "pain_points": [mine.pk]}
    ).content.decode()
    assert 'id="id_pain_points_group" hx-swap-oob="true"' in html
    assert "Gamma pain" in html and "Tickets bounce" not in html
    # The stale choice is dropped quietly rather than shouted about.
    assert "Select a valid choice" not in html

    html = validate(client, url, "ecosystem", {"ecosystem": world.a.pk}).content.decode()
    assert "Tickets bounce" in html and "Gamma pain" not in html
    assert theirs.pk != mine.pk

    parties = validate(
        client, reverse("requirements_app:painpoint_add"), "ecosystem", {"ecosystem": other.pk}
    ).content.decode()
    assert "Spare Org" in parties and "Provider One" not in parties


def test_edit_pages_validate_inline_and_keep_drafts(world, client_for):
    client = client_for(world.integrator_admin)
    html = client.get(reverse("requirements_app:requirement_add")).content.decode()
    assert 'data-draft="/requirements/requirements/add/"' in html
    assert 'hx-vals=\'{"_validate": "title"}\'' in html
    assert "data-draft-banner" in html and "data-draft-status" in html


def test_inline_validation_respects_access(world, client_for):
    """The validation answer is the edit view's: someone who may not edit gets no form."""
    requirement = Requirement.objects.create(ecosystem=world.a, title="R", statement="s")
    client = client_for(world.integrator_viewer)
    url = reverse("requirements_app:requirement_edit", args=[requirement.pk])
    assert validate(client, url, "title", {"title": ""}).status_code == 403
    client = client_for(world.b_admin)
    assert validate(client, url, "title", {"title": ""}).status_code == 404
