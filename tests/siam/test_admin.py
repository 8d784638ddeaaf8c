"""The Django admin lists go through the same access rule as the UI and the API."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_b_admin(world):
    user = world.b_admin
    user.is_staff = True
    user.save()
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="siam"))
    return user


def test_admin_changelist_shows_only_ones_own_ecosystems(world, staff_b_admin, client_for):
    client = client_for(staff_b_admin)
    page = client.get(reverse("admin:siam_ecosystem_changelist")).content.decode()
    assert "Beta" in page and "Alpha" not in page
    page = client.get(reverse("admin:siam_service_changelist")).content.decode()
    assert "Beta service" in page and "Web shop" not in page


def test_admin_change_page_of_another_ecosystem_is_not_reachable(world, staff_b_admin, client_for):
    client = client_for(staff_b_admin)
    response = client.get(reverse("admin:siam_service_change", args=[world.service.pk]))
    # the admin redirects to its index with "does not exist" rather than showing it
    assert response.status_code == 302
    assert "Web shop" not in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize(
    "model",
    [
        "organisation",
        "ecosystem",
        "serviceprovider",
        "service",
        "contract",
        "connectedsystem",
        "integrationflow",
        "person",
        "membership",
    ],
)
def test_every_model_is_in_the_admin_with_search(model, admin_client, world):
    response = admin_client.get(reverse(f"admin:siam_{model}_changelist"), {"q": "a"})
    assert response.status_code == 200
