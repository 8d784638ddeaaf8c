"""Every raci model with list, detail, add, edit and delete pages gets the generic tests
of ``tests.generic.harness``: CRUD through the UI and the API, field errors, isolation
from other ecosystems, constant query counts. Templates, which are saved from a matrix
rather than added, get those that apply, and a test of their own for the pages they
have (list, detail, edit, delete)."""

import pytest
from django.urls import reverse

from raci.models import RaciTemplate
from tests.generic.harness import page_post_data
from tests.generic.suites import model_tests

from .cases import CASES, TEMPLATES, _template

globals().update(model_tests(CASES, context="raci_ctx"))

# A template has no add page (it is saved from a matrix) and the API takes no POST for
# it: the UI CRUD and the two invalid-input checks (which post to the add page or to
# the API list) do not apply; ``test_a_template_is_listed_read_edited_and_deleted``
# covers its pages instead.
_NOT_FOR_TEMPLATES = {
    "test_ui_list_detail_create_update_delete",
    "test_ui_invalid_input_shows_field_errors",
    "test_api_invalid_input_is_400_with_field_errors",
}
globals().update(
    {
        name.replace("test_", "test_template_", 1): test
        for name, test in model_tests(TEMPLATES, context="raci_ctx").items()
        if name not in _NOT_FOR_TEMPLATES
    }
)


@pytest.mark.django_db
def test_a_template_is_listed_read_edited_and_deleted(raci_ctx, client_for, api_client_for):
    (case,) = TEMPLATES
    user = raci_ctx.world.integrator_admin
    client = client_for(user)
    template = _template(raci_ctx)

    response = client.get(reverse("raci:racitemplate_list"))
    assert response.status_code == 200
    assert case.listed(template) in response.content.decode()
    assert client.get(reverse("raci:racitemplate_add")).status_code == 403
    response = client.get(template.get_absolute_url())
    assert response.status_code == 200 and "Change history" in response.content.decode()

    # a blank name is a field error, never a 500
    edit_url = reverse("raci:racitemplate_edit", kwargs={"pk": template.pk})
    page = client.get(edit_url)
    response = client.post(edit_url, page_post_data(page.context, name=""))
    assert response.status_code == 422
    assert "name" in response.context["form"].errors

    response = client.post(edit_url, page_post_data(page.context, **case.update))
    assert response.status_code == 302, (
        response.context["form"].errors if response.context else response
    )
    template.refresh_from_db()
    for field, value in case.update.items():
        assert getattr(template, field) == value
    last = template.history.order_by("-history_date").first()
    assert last.history_type == "~" and last.history_user == user

    delete_url = reverse("raci:racitemplate_delete", kwargs={"pk": template.pk})
    assert client.get(delete_url).status_code == 200
    assert client.post(delete_url).status_code == 302
    assert not RaciTemplate.objects.filter(pk=template.pk).exists()

    # and through the API
    template = _template(raci_ctx)
    api = api_client_for(user)
    assert api.delete(f"{case.api_path}{template.pk}/").status_code == 204
    assert not RaciTemplate.objects.filter(pk=template.pk).exists()
