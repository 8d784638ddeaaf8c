"""The RACI API: matrices from templates, cells, findings, approval, versions, diff,
analysis, acknowledgements, and the identity access matrix."""

import pytest
from django.urls import reverse

from raci import services
from raci.models import AccessMatrix, DataObject, RaciMatrix, RaciTemplate, Role

pytestmark = pytest.mark.django_db


def api(name, *args):
    return reverse(f"raci-api:{name}", args=args)


def test_a_matrix_lifecycle_through_the_api(world, api_client_for):
    client = api_client_for(world.integrator_admin)
    template = RaciTemplate.objects.get(name="Incident management")
    created = client.post(
        api("racimatrix-list"),
        {"ecosystem": world.a.pk, "name": "IM", "template": template.pk},
        format="json",
    )
    assert created.status_code == 201, created.json()
    matrix_id = created.json()["id"]
    assert created.json()["status"] == "draft" and created.json()["version"] == 1

    assert client.get(api("racimatrix-findings", matrix_id)).json() == [
        f
        for f in client.get(api("racimatrix-findings", matrix_id)).json()
        if f["level"] == "warning"
    ]
    cells = client.get(
        api("raciassignment-list"), {"activity__matrix": matrix_id, "limit": 200}
    ).json()["results"]
    accountable = next(c for c in cells if c["letters"] == "A")
    responsible = next(
        c
        for c in cells
        if c["letters"] == "R" and c["activity"]["id"] == accountable["activity"]["id"]
    )

    bad = client.patch(
        api("raciassignment-detail", responsible["id"]), {"letters": "x"}, format="json"
    )
    assert bad.status_code == 400 and "not a RACI value" in str(bad.json())
    assert (
        client.patch(
            api("raciassignment-detail", responsible["id"]), {"letters": "a"}, format="json"
        ).status_code
        == 200
    )
    errors = [
        f for f in client.get(api("racimatrix-findings", matrix_id)).json() if f["level"] == "error"
    ]
    assert {f["code"] for f in errors} == {"exactly_one_A", "at_least_one_R"}
    refused = client.post(api("racimatrix-approve", matrix_id))
    assert refused.status_code == 400 and "Accountable" in str(refused.json())

    client.patch(api("raciassignment-detail", responsible["id"]), {"letters": "R"}, format="json")
    approved = client.post(api("racimatrix-approve", matrix_id))
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert approved.json()["approved_by"]["id"] == world.integrator_admin.pk
    # Frozen: its cells cannot be changed any more.
    assert (
        client.patch(
            api("raciassignment-detail", responsible["id"]), {"letters": "C"}, format="json"
        ).status_code
        == 404
    )
    assert (
        client.patch(
            api("racimatrix-detail", matrix_id), {"name": "Renamed"}, format="json"
        ).status_code
        == 404
    )

    draft = client.post(api("racimatrix-new-version", matrix_id))
    assert draft.status_code == 201 and draft.json()["version"] == 2
    assert client.post(api("racimatrix-new-version", matrix_id)).status_code == 400
    draft_id = draft.json()["id"]
    draft_cell = client.get(
        api("raciassignment-list"), {"activity__matrix": draft_id, "letters": "C", "limit": 1}
    ).json()["results"][0]
    client.patch(api("raciassignment-detail", draft_cell["id"]), {"letters": "I"}, format="json")
    diff = client.get(api("racimatrix-diff", draft_id)).json()
    assert diff["old"] == 1 and diff["new"] == 2 and len(diff["changed"]) == 1
    assert diff["changed"][0]["after"] == "I" and diff["added"] == [] and diff["removed"] == []
    versions = client.get(api("racimatrix-list"), {"lineage": created.json()["lineage"]}).json()
    assert versions["count"] == 2

    analysis = client.get(api("racimatrix-analysis", draft_id)).json()
    assert sum(row["counts"]["A"] for row in analysis["per_role"]) == 7
    assert analysis["unowned_activities"] == [] and analysis["owners_by_layer"]["integrator"] == 7


def test_activities_columns_and_roles_through_the_api(world, api_client_for, incident_matrix):
    client = api_client_for(world.integrator_admin)
    role = client.post(
        api("role-list"),
        {"ecosystem": world.a.pk, "organisation": world.provider2.pk, "name": "Desk"},
        format="json",
    )
    assert role.status_code == 201 and role.json()["layer"] == "provider"
    stranger = client.post(
        api("role-list"),
        {"ecosystem": world.a.pk, "organisation": world.spare_org.pk, "name": "X"},
        format="json",
    )
    assert stranger.status_code == 400 and "takes no part" in str(stranger.json())
    wrong_layer = client.post(
        api("role-list"),
        {
            "ecosystem": world.a.pk,
            "organisation": world.provider2.pk,
            "name": "Y",
            "acts_as": "customer",
        },
        format="json",
    )
    assert wrong_layer.status_code == 400 and "acts_as" in wrong_layer.json()

    column = client.post(
        api("racicolumn-list"),
        {"matrix": incident_matrix.pk, "role": role.json()["id"], "position": 9},
        format="json",
    )
    assert column.status_code == 201 and column.json()["label"] == "Provider Two — Desk"
    twice = client.post(
        api("racicolumn-list"),
        {"matrix": incident_matrix.pk, "role": role.json()["id"]},
        format="json",
    )
    assert twice.status_code == 400
    b_role = Role.objects.create(ecosystem=world.b, organisation=world.b.customer, name="Beta role")
    foreign = client.post(
        api("racicolumn-list"), {"matrix": incident_matrix.pk, "role": b_role.pk}, format="json"
    )
    assert foreign.status_code == 400

    activity = client.post(
        api("raciactivity-list"),
        {
            "matrix": incident_matrix.pk,
            "name": "Escalate",
            "process": "incident",
            "must_be_owned_by": ["martian"],
        },
        format="json",
    )
    assert activity.status_code == 400 and "must_be_owned_by" in activity.json()
    activity = client.post(
        api("raciactivity-list"),
        {
            "matrix": incident_matrix.pk,
            "name": "Escalate",
            "process": "incident",
            "must_be_owned_by": ["integrator"],
        },
        format="json",
    )
    assert activity.status_code == 201
    cell = client.post(
        api("raciassignment-list"),
        {"activity": activity.json()["id"], "column": column.json()["id"], "letters": "a"},
        format="json",
    )
    assert cell.status_code == 201 and cell.json()["letters"] == "A"
    findings = client.get(api("racimatrix-findings", incident_matrix.pk)).json()
    assert any(
        f["code"] == "owner_layer" and f["activity"] == activity.json()["id"] for f in findings
    )
    assert any(f["code"] == "at_least_one_R" for f in findings)


def test_other_parties_cannot_change_or_see(world, api_client_for, incident_matrix):
    assert (
        api_client_for(world.b_admin).get(api("racimatrix-detail", incident_matrix.pk)).status_code
        == 404
    )
    assert (
        api_client_for(world.b_admin)
        .get(api("racimatrix-analysis", incident_matrix.pk))
        .status_code
        == 404
    )
    provider = api_client_for(world.provider1_editor)
    assert provider.get(api("racimatrix-detail", incident_matrix.pk)).status_code == 200
    assert provider.post(api("racimatrix-approve", incident_matrix.pk)).status_code == 403
    cell = incident_matrix.activities.first().assignments.first()
    assert (
        provider.patch(
            api("raciassignment-detail", cell.pk), {"letters": "I"}, format="json"
        ).status_code
        == 404
    )


def test_acknowledging_through_the_api(world, api_client_for, incident_matrix, provider_person):
    client = api_client_for(world.provider1_editor)
    assert (
        client.post(api("racimatrix-acknowledge", incident_matrix.pk)).status_code == 400
    )  # a draft
    services.approve(incident_matrix, world.integrator_admin)
    response = client.post(api("racimatrix-acknowledge", incident_matrix.pk))
    assert response.status_code == 200 and response.json()["acknowledged"] > 0


def test_the_access_matrix_through_the_api(world, api_client_for):
    client = api_client_for(world.integrator_admin)
    role = Role.objects.create(ecosystem=world.a, organisation=world.provider1, name="Desk")
    secret = DataObject.objects.create(ecosystem=world.a, name="Financials", confidential=True)
    matrix = client.post(
        api("accessmatrix-list"), {"ecosystem": world.a.pk, "note": "v1"}, format="json"
    )
    assert matrix.status_code == 201 and matrix.json()["version"] == 1
    assert (
        client.post(api("accessmatrix-list"), {"ecosystem": world.a.pk}, format="json").status_code
        == 400
    )
    grant = client.post(
        api("accessgrant-list"),
        {
            "matrix": matrix.json()["id"],
            "role": role.pk,
            "data_object": secret.pk,
            "level": "write",
        },
        format="json",
    )
    assert grant.status_code == 201 and grant.json()["flagged"] is True
    bad = client.post(
        api("accessgrant-list"),
        {"matrix": matrix.json()["id"], "role": role.pk, "data_object": secret.pk, "level": "god"},
        format="json",
    )
    assert bad.status_code == 400
    assert (
        client.post(api("accessmatrix-approve", matrix.json()["id"])).json()["status"] == "approved"
    )
    assert (
        client.patch(
            api("accessgrant-detail", grant.json()["id"]), {"level": "read"}, format="json"
        ).status_code
        == 404
    )
    second = client.post(api("accessmatrix-new-version", matrix.json()["id"]))
    assert second.status_code == 201
    copied = client.get(api("accessgrant-list"), {"matrix": second.json()["id"]}).json()["results"][
        0
    ]
    client.patch(api("accessgrant-detail", copied["id"]), {"level": "read"}, format="json")
    diff = client.get(api("accessmatrix-diff", second.json()["id"])).json()
    assert diff["changed"] == [
        {
            "role": "Provider One — Desk",
            "data_object": "Financials",
            "before": "write",
            "after": "read",
        }
    ]
    assert AccessMatrix.objects.filter(ecosystem=world.a).count() == 2
    assert (
        api_client_for(world.b_admin)
        .get(api("accessmatrix-detail", matrix.json()["id"]))
        .status_code
        == 404
    )


def test_templates_are_listed_read_only_for_built_ins(world, api_client_for):
    client = api_client_for(world.integrator_admin)
    names = {t["name"] for t in client.get(api("racitemplate-list")).json()["results"]}
    assert {
        "Incident management",
        "Change management",
        "Service request",
        "Problem management",
        "Cross-company integration project",
    } <= names
    built_in = RaciTemplate.objects.get(name="Problem management")
    assert client.delete(api("racitemplate-detail", built_in.pk)).status_code == 404
    assert RaciMatrix.objects.count() == 0
