import pytest
from django.core.management import call_command
from django.urls import reverse

from core.history import history_entries
from siam.models import (
    ConnectedSystem,
    Contract,
    Ecosystem,
    IntegrationFlow,
    Membership,
    Organisation,
    Person,
    Service,
)

pytestmark = pytest.mark.django_db

DEMO_MODELS = (
    Organisation,
    Ecosystem,
    Service,
    Contract,
    ConnectedSystem,
    IntegrationFlow,
    Person,
    Membership,
)


def snapshot():
    return {m.__name__: (m.objects.count(), m.history.count()) for m in DEMO_MODELS}


def test_demo_loads_the_seed_scenario_and_is_idempotent(django_user_model):
    call_command("load_demo", quiet_logins=True)
    eco = Ecosystem.objects.get(slug="infinity-ecommerce")
    assert eco.customer.name == "Infinity Solutions" and eco.integrator_id == eco.customer_id
    assert eco.integrator_model == "internal"
    assert set(eco.service_providers.values_list("organisation__name", flat=True)) == {
        "Mercuri Inc.",
        "Global Pvt Ltd",
    }
    assert set(eco.systems.values_list("kind", flat=True)) == {
        "jira",
        "servicenow",
        "zendesk",
        "azure_devops",
        "siam",  # the hub the tools' ticket feeds flow into
    }
    assert eco.contracts.filter(kind="sla").count() == 1
    assert eco.flows.count() >= 3
    for username in ("john", "elaine", "sophie", "maria", "david", "marco", "olivia", "admin"):
        assert django_user_model.objects.get(username=username).check_password("siam-demo-2026")
    # audited as the system account
    assert eco.history.first().history_user.username == "system"

    before = snapshot()
    call_command("load_demo", quiet_logins=True)
    assert snapshot() == before


def test_demo_logins_see_what_their_role_allows(client):
    call_command("load_demo", quiet_logins=True)
    client.login(username="maria", password="siam-demo-2026")
    page = client.get(reverse("home")).content.decode()
    assert "Infinity e-commerce" in page and "Northwind" not in page
    client.login(username="olivia", password="siam-demo-2026")
    page = client.get(reverse("home")).content.decode()
    assert "Northwind stores" in page and "Infinity e-commerce" not in page


def test_history_shows_who_changed_what(world, client_for):
    client = client_for(world.integrator_admin)
    url = reverse("siam:service_edit", kwargs={"pk": world.service.pk})
    client.post(
        url,
        {
            "ecosystem": world.a.pk,
            "name": "Web shop 2",
            "criticality": "critical",
            "delivered_by": [world.sp1.pk],
        },
    )
    entries = history_entries(world.service)
    assert entries[0].action == "Changed" and entries[0].who == "integrator_admin"
    changed = {c.field: (c.old, c.new) for c in entries[0].changes}
    assert changed["name"] == ("Web shop", "Web shop 2")
    assert changed["criticality"] == ("Medium", "Business critical")
    page = client.get(world.service.get_absolute_url()).content.decode()
    assert "Web shop 2" in page and "Business critical" in page


def test_history_query_count_does_not_grow_with_entries(world, django_assert_max_num_queries):
    flow = world.flow
    for n in range(30):
        flow.name = f"Escalations {n}"
        flow.save()
    with django_assert_max_num_queries(4):
        entries = history_entries(flow)
    assert len(entries) == 31
