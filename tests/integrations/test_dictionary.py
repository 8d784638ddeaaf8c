"""A flow's data dictionary, which moved from the requirements app to integrations (the
app that reads it): its pages and API at their new addresses, the old addresses still
answering with a 308 to the new ones, the flow's page leading to it, and the migration
that moved the tables without copying a row."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from integrations.models import FieldMapping, ValueMapping

BEFORE = [
    ("requirements_app", "0002_drop_redundant_indexes"),
    ("integrations", "0005_inbound_body_retention"),
]
AFTER = [("integrations", "0006_dictionary_from_requirements")]  # fmt: skip


def _mapping(world, **fields):
    return FieldMapping.objects.create(flow=world.flow, **fields)


@pytest.mark.django_db
def test_the_data_dictionary_page_shows_the_checks(world, client_for):
    world.flow.direction = "uni"
    world.flow.save()
    _mapping(world, source_field="description", target_field="summary", source_max_length=4000,
             target_max_length=255)  # fmt: skip
    priority = _mapping(
        world,
        source_field="priority",
        target_field="priority",
        source_values="1 - Critical\n2 - High",
    )
    ValueMapping.objects.create(field=priority, source_value="1 - Critical", target_value="Highest")
    page = reverse("integrations:dictionary", args=[world.flow.pk])
    html = client_for(world.integrator_admin).get(page).content.decode()
    assert 'data-problems="2"' in html
    assert 'data-code="truncation"' in html and 'data-code="unmapped_value"' in html
    world.flow.direction = "bi"
    world.flow.save()
    html = client_for(world.integrator_admin).get(page).content.decode()
    assert 'data-code="direction_mismatch"' in html  # Highest has no way back


@pytest.mark.django_db
def test_the_editor_saves_mappings_and_other_ecosystems_see_nothing(world, client_for):
    client = client_for(world.integrator_admin)
    edit = reverse("integrations:dictionary_edit", args=[world.flow.pk])
    assert client.get(edit).status_code == 200
    data = {
        "fields-TOTAL_FORMS": "1", "fields-INITIAL_FORMS": "0", "fields-MIN_NUM_FORMS": "0",
        "fields-MAX_NUM_FORMS": "1000", "fields-0-position": "0", "fields-0-source_field": "state",
        "fields-0-target_field": "status", "values-TOTAL_FORMS": "0", "values-INITIAL_FORMS": "0",
        "values-MIN_NUM_FORMS": "0", "values-MAX_NUM_FORMS": "1000",
    }  # fmt: skip
    response = client.post(edit, data)
    assert response.status_code == 302
    assert response["Location"] == reverse("integrations:dictionary", args=[world.flow.pk])
    assert list(FieldMapping.objects.values_list("source_field", "target_field")) == [
        ("state", "status")
    ]
    outsider = client_for(world.b_admin)
    for url in (reverse("integrations:dictionary", args=[world.flow.pk]), edit):
        assert outsider.get(url).status_code == 404
    assert outsider.post(edit, data).status_code == 404
    assert FieldMapping.objects.count() == 1


@pytest.mark.django_db
def test_the_flow_page_leads_to_its_dictionary(world, client_for):
    _mapping(world, source_field="priority", target_field="priority", source_values="1\n2")
    html = client_for(world.integrator_admin).get(world.flow.get_absolute_url()).content.decode()
    assert "Data dictionary" in html and "1 field mapping" in html
    assert "2 problems found by the checks" in html  # neither value is mapped
    assert f'href="{reverse("integrations:dictionary", args=[world.flow.pk])}"' in html


@pytest.mark.django_db
def test_the_api_is_under_integrations(world, api_client_for):
    world.flow.direction = "uni"  # one way: a value needs no mapping back
    world.flow.save()
    api = api_client_for(world.integrator_admin)
    created = api.post(
        "/api/integrations/field-mappings/",
        {"flow": world.flow.pk, "source_field": "priority", "target_field": "priority"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    field = created.json()["id"]
    value = api.post(
        "/api/integrations/value-mappings/",
        {"field": field, "source_value": "1", "target_value": "P1"},
        format="json",
    )
    assert value.status_code == 201, value.json()
    checks = api.get(reverse("integrations-api:dictionary-checks", args=[world.flow.pk]))
    assert checks.status_code == 200 and checks.json() == []
    outsider = api_client_for(world.b_admin)
    assert outsider.get(f"/api/integrations/field-mappings/{field}/").status_code == 404
    assert (
        outsider.get(f"/api/integrations/flows/{world.flow.pk}/dictionary-checks/").status_code
        == 404
    )
    # A mapping of another ecosystem's flow is refused, not attached.
    refused = outsider.post(
        "/api/integrations/value-mappings/",
        {"field": field, "source_value": "2", "target_value": "P2"},
        format="json",
    )
    assert refused.status_code == 400 and "field" in refused.json()


@pytest.mark.django_db
def test_the_old_addresses_answer_308_to_the_new_ones(world, client_for, api_client_for):
    client = client_for(world.integrator_admin)
    pk = world.flow.pk
    for old, new in (
        (f"/requirements/flows/{pk}/dictionary/", f"/integrations/flows/{pk}/dictionary/"),
        (
            f"/requirements/flows/{pk}/dictionary/edit/",
            f"/integrations/flows/{pk}/dictionary/edit/",
        ),
    ):
        response = client.get(old)
        assert (response.status_code, response["Location"]) == (308, new)
        assert client.get(old, follow=True).status_code == 200
    api = api_client_for(world.integrator_admin)
    answer = api.post(
        "/api/requirements/field-mappings/?format=json",
        {"flow": pk, "source_field": "a", "target_field": "b"},
        format="json",
    )
    # 308, unlike 301, tells a client to repeat the POST at the new address.
    assert answer.status_code == 308
    assert answer["Location"] == "/api/integrations/field-mappings/?format=json"
    assert not FieldMapping.objects.exists()
    checks = api.get(f"/api/requirements/flows/{pk}/dictionary-checks/")
    assert checks["Location"] == f"/api/integrations/flows/{pk}/dictionary-checks/"


@pytest.mark.django_db(transaction=True)
def test_migration_moves_the_tables_with_their_rows_and_back():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        old = executor.loader.project_state(BEFORE).apps
        org = old.get_model("siam", "Organisation").objects.create(
            name="Integrator", slug="integrator"
        )
        eco = old.get_model("siam", "Ecosystem").objects.create(
            name="Eco", slug="eco", customer=org, integrator=org
        )
        system = old.get_model("siam", "ConnectedSystem")
        source = system.objects.create(ecosystem=eco, organisation=org, name="Jira", kind="jira")
        target = system.objects.create(ecosystem=eco, organisation=org, name="Hub", kind="siam")
        flow = old.get_model("siam", "IntegrationFlow").objects.create(
            ecosystem=eco, name="Jira → hub", source=source, target=target
        )
        field = old.get_model("requirements_app", "FieldMapping").objects.create(
            flow=flow, source_field="priority", target_field="priority"
        )
        old.get_model("requirements_app", "ValueMapping").objects.create(
            field=field, source_value="Highest", target_value="P1"
        )

        executor = MigrationExecutor(connection)
        executor.migrate(AFTER)
        new = executor.loader.project_state(AFTER).apps
        moved = new.get_model("integrations", "ValueMapping").objects.get()
        assert (moved.field_id, moved.field.flow_id, moved.target_value) == (
            field.pk,
            flow.pk,
            "P1",
        )
        content_type = new.get_model("contenttypes", "ContentType").objects
        assert content_type.filter(app_label="integrations", model="fieldmapping").exists()
        assert not content_type.filter(app_label="requirements_app", model="fieldmapping").exists()
        # New rows carry on from the moved ones' ids.
        added = new.get_model("integrations", "FieldMapping").objects.create(flow_id=flow.pk)
        assert added.pk > field.pk

        executor = MigrationExecutor(connection)
        executor.migrate([("requirements_app", "0002_drop_redundant_indexes")])
        back = executor.loader.project_state(BEFORE).apps
        assert back.get_model("requirements_app", "ValueMapping").objects.get().field_id == field.pk
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db
def test_the_specification_reads_every_flows_dictionary_in_constant_queries(
    world, client_for, query_count
):
    from tests import factories as f

    def add_flow_with_a_dictionary():
        flow = f.IntegrationFlowFactory(
            ecosystem=world.a, source=world.flow.source, target=world.flow.target
        )
        field = FieldMapping.objects.create(
            flow=flow, source_field="priority", target_field="priority"
        )
        ValueMapping.objects.create(field=field, source_value="1", target_value="P1")

    add_flow_with_a_dictionary()
    client = client_for(world.integrator_admin)
    url = reverse("requirements_app:specification", args=[world.a.pk])
    response = query_count.constant(
        lambda: client.get(url), grow=lambda: [add_flow_with_a_dictionary() for _ in range(4)]
    )
    assert response["Content-Type"] == "application/pdf"
