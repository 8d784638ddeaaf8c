"""What each layer and membership role sees and may change (docs/access.md)."""

import pytest
from django.urls import reverse

from siam.access import get_access_context
from siam.models import Contract, Ecosystem, Organisation, Person, Service

pytestmark = pytest.mark.django_db


def visible(model, user):
    return set(model.objects.restrict(user).values_list("pk", flat=True))


def test_integrator_sees_the_whole_ecosystem(world):
    assert visible(Contract, world.integrator_admin) == {world.sla.pk, world.ola1.pk, world.ola2.pk}
    assert visible(Ecosystem, world.integrator_admin) == {world.a.pk}


def test_customer_sees_its_ecosystem_and_all_its_contracts(world):
    assert visible(Ecosystem, world.customer_viewer) == {world.a.pk}
    assert visible(Contract, world.customer_viewer) == {world.sla.pk, world.ola1.pk, world.ola2.pk}


def test_provider_sees_shared_records_but_only_its_own_agreements(world):
    assert visible(Service, world.provider1_editor) == {world.service.pk}
    assert visible(Contract, world.provider1_editor) == {world.sla.pk, world.ola1.pk}
    assert visible(Contract, world.provider2_editor) == {world.sla.pk, world.ola2.pk}


def test_provider_gets_404_for_another_providers_agreement(world, client_for):
    client = client_for(world.provider1_editor)
    assert client.get(world.ola2.get_absolute_url()).status_code == 404
    assert client.get(world.ola1.get_absolute_url()).status_code == 200


def test_partner_organisations_and_people_are_visible_others_are_not(world):
    orgs = visible(Organisation, world.provider1_editor)
    assert {world.customer.pk, world.integrator.pk, world.provider2.pk} <= orgs
    assert world.b.customer_id not in orgs
    assert world.spare_org.pk not in orgs  # registered by the integrator, not in any ecosystem
    assert world.spare_org.pk in visible(Organisation, world.integrator_admin)
    assert world.person.pk in visible(Person, world.provider1_editor)


def test_viewers_may_read_but_not_change(world, client_for):
    client = client_for(world.integrator_viewer)
    assert client.get(world.service.get_absolute_url()).status_code == 200
    edit = reverse("siam:service_edit", kwargs={"pk": world.service.pk})
    assert client.get(edit).status_code == 403
    assert client.post(edit, {"name": "x"}).status_code == 403
    assert client.get(reverse("siam:service_add")).status_code == 403


def test_provider_editors_may_maintain_their_own_tools_only(world, client_for):
    client = client_for(world.provider1_editor)
    own = reverse("siam:connectedsystem_edit", kwargs={"pk": world.system_provider.pk})
    other = reverse("siam:connectedsystem_edit", kwargs={"pk": world.system_customer.pk})
    assert client.get(own).status_code == 200
    assert client.get(other).status_code == 403
    # and may not change the ecosystem's shared records
    assert (
        client.get(reverse("siam:service_edit", kwargs={"pk": world.service.pk})).status_code == 403
    )


def test_api_write_by_viewer_is_refused(world, api_client_for):
    api = api_client_for(world.integrator_viewer)
    assert api.get(f"/api/siam/services/{world.service.pk}/").status_code == 200
    response = api.patch(f"/api/siam/services/{world.service.pk}/", {"name": "x"}, format="json")
    assert response.status_code == 404
    response = api.post(
        "/api/siam/services/", {"ecosystem": world.a.pk, "name": "New"}, format="json"
    )
    assert response.status_code == 403
    assert not Service.objects.filter(name="New").exists()


def test_new_ecosystem_must_be_integrated_by_ones_own_organisation(world, client_for):
    client = client_for(world.provider1_editor)
    response = client.post(
        reverse("siam:ecosystem_add"),
        {
            "name": "Rogue",
            "slug": "rogue",
            "status": "active",
            "customer": world.customer.pk,
            "integrator": world.integrator.pk,
        },
    )
    assert response.status_code == 422
    assert "integrator" in response.context["form"].errors


def test_access_context_is_computed_once_per_request(world, django_assert_max_num_queries):
    user = world.provider1_editor
    with django_assert_max_num_queries(3):
        context = get_access_context(user)
    with django_assert_max_num_queries(0):
        assert get_access_context(user) is context


def test_superuser_sees_everything(world, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.com", "pw-123456789")
    assert visible(Ecosystem, admin) == {world.a.pk, world.b.pk}


def test_anonymous_and_inactive_users_see_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    assert visible(Ecosystem, AnonymousUser()) == set()
    world.integrator_admin.is_active = False
    assert visible(Ecosystem, world.integrator_admin) == set()


def test_add_buttons_are_offered_only_where_saving_is_possible(world, client_for):
    client = client_for(world.provider1_editor)
    assert "Add contract" not in client.get(reverse("siam:contract_list")).content.decode()
    assert client.get(reverse("siam:contract_add")).status_code == 403
    # a provider editor may register its own tools
    assert (
        "Add connected system" in client.get(reverse("siam:connectedsystem_list")).content.decode()
    )
    client = client_for(world.integrator_admin)
    assert "Add contract" in client.get(reverse("siam:contract_list")).content.decode()
