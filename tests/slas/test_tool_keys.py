"""An incident's keys in the parties' tools: one row per tool, written through the
incident's save command by the form, the API and ingestion alike, and carried over from
the per-tool columns they replaced."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from siam.choices import SystemKindChoices
from slas.models import IncidentToolKey

BEFORE = [("slas", "0014_breached_latest_index")]
AFTER = [("slas", "0015_tool_keys")]


def keys_of(incident) -> dict[str, str]:
    return dict(incident.tool_keys.values_list("tool", "key"))


def edit_values(incident, **changes) -> dict:
    values = {
        "ecosystem": incident.ecosystem_id,
        "service": incident.service_id,
        "title": incident.title,
        "description": incident.description,
        "classification": incident.classification,
        "impact": incident.impact,
        "urgency": incident.urgency,
    }
    return {**values, **changes}


def test_form_sets_changes_and_removes_keys(sla, client_for):
    incident = sla.open()
    user = sla.world.integrator_admin
    client = client_for(user)
    url = reverse("slas:incident_edit", args=[incident.pk])

    response = client.post(url, edit_values(incident, jira_key="INF-7", zendesk_id=" 5158 "))
    assert response.status_code == 302, response.content
    assert keys_of(incident) == {"jira": "INF-7", "zendesk": "5158"}

    client.post(url, edit_values(incident, jira_key="INF-8", zendesk_id=""))
    assert keys_of(incident) == {"jira": "INF-8"}
    page = client.get(url)
    assert b'value="INF-8"' in page.content
    history = IncidentToolKey.history.filter(incident_id=incident.pk).order_by("history_id")
    assert [(h.history_type, h.key) for h in history] == [
        ("+", "INF-7"),
        ("+", "5158"),
        ("~", "INF-8"),
        ("-", "5158"),
    ]
    assert all(h.history_user == user for h in history)


def test_api_reads_and_writes_keys_as_fields(sla, api_client_for):
    incident = sla.open()
    IncidentToolKey.objects.create(incident=incident, tool=SystemKindChoices.JIRA, key="INF-1")
    api = api_client_for(sla.world.integrator_admin)
    url = reverse("slas-api:incident-detail", args=[incident.pk])

    data = api.get(url).json()
    assert (data["jira_key"], data["servicenow_number"]) == ("INF-1", "")

    response = api.patch(url, {"servicenow_number": "INC0010012"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["servicenow_number"] == "INC0010012"
    assert keys_of(incident) == {"jira": "INF-1", "servicenow": "INC0010012"}

    too_long = api.patch(url, {"jira_key": "x" * 101}, format="json")
    assert too_long.status_code == 400
    assert "jira_key" in too_long.json()


def test_list_search_finds_a_ticket_number_once(sla, client_for):
    incident = sla.open()
    for tool, key in [("jira", "INF-4242"), ("servicenow", "INC-4242")]:
        IncidentToolKey.objects.create(incident=incident, tool=tool, key=key)
    sla.open()

    page = client_for(sla.world.integrator_admin).get(reverse("slas:incident_list"), {"q": "4242"})
    assert page.status_code == 200
    rows = list(page.context["table"].data)
    assert [row.pk for row in rows] == [incident.pk]


def test_a_provider_finds_no_key_of_an_incident_it_never_held(sla, client_for):
    hidden, held = sla.open(), sla.open()
    held.holders.add(sla.world.provider1)
    IncidentToolKey.objects.create(incident=hidden, tool="jira", key="SECRET-1")
    IncidentToolKey.objects.create(incident=held, tool="jira", key="SECRET-2")
    page = client_for(sla.world.provider1_editor).get(
        reverse("slas:incident_list"), {"q": "SECRET"}
    )
    assert [row.pk for row in page.context["table"].data] == [held.pk]


@pytest.mark.django_db(transaction=True)
def test_migration_copies_columns_into_rows_and_back():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        old = executor.loader.project_state(BEFORE).apps
        eco_model = old.get_model("siam", "Ecosystem")
        org_model = old.get_model("siam", "Organisation")
        integrator = org_model.objects.create(name="Integrator", slug="integrator")
        eco = eco_model.objects.create(
            name="Eco", slug="eco", customer=integrator, integrator=integrator
        )
        service = old.get_model("siam", "Service").objects.create(ecosystem=eco, name="Shop")
        old_incident = old.get_model("slas", "Incident")
        common = {"ecosystem": eco, "service": service, "opened_at": "2026-01-05T09:00Z"}
        keyed = old_incident.objects.create(
            reference="INC-1", title="Keyed", jira_key="INF-1", azure_devops_id="42", **common
        )
        bare = old_incident.objects.create(reference="INC-2", title="Bare", **common)

        executor = MigrationExecutor(connection)
        executor.migrate(AFTER)
        new = executor.loader.project_state(AFTER).apps
        rows = new.get_model("slas", "IncidentToolKey").objects.order_by("tool")
        assert [(r.incident_id, r.tool, r.key) for r in rows] == [
            (keyed.pk, "azure_devops", "42"),
            (keyed.pk, "jira", "INF-1"),
        ]

        executor = MigrationExecutor(connection)
        executor.migrate(BEFORE)
        back = executor.loader.project_state(BEFORE).apps.get_model("slas", "Incident")
        restored = back.objects.get(pk=keyed.pk)
        assert (restored.jira_key, restored.azure_devops_id, restored.zendesk_id) == (
            "INF-1",
            "42",
            "",
        )
        assert back.objects.get(pk=bare.pk).jira_key == ""
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
