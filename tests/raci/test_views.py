"""The RACI pages: grid editor, approval, versions, diff, analysis, acknowledgements,
import / export, templates and the identity access matrix — through the UI."""

import io

import pytest
import tablib
from django.urls import reverse

from raci import exchange, identity, services
from raci.analysis import analyse
from raci.choices import MatrixStatusChoices
from raci.models import (
    AccessMatrix,
    DataObject,
    RaciActivity,
    RaciAssignment,
    RaciMatrix,
    RaciTemplate,
    Role,
)

pytestmark = pytest.mark.django_db


def cell_url(matrix, activity_name, role_name):
    activity = matrix.activities.get(name=activity_name)
    column = matrix.columns.get(role__name=role_name)
    return reverse("raci:racimatrix_cell", args=[matrix.pk, activity.pk, column.pk])


def test_a_matrix_is_created_from_a_built_in_template_through_the_form(world, client_for):
    client = client_for(world.integrator_admin)
    template = RaciTemplate.objects.get(name="Change management")
    response = client.post(
        reverse("raci:racimatrix_add"),
        {"ecosystem": world.a.pk, "name": "Changes", "variant": "raci", "owner_share_limit": 50, "start_from": template.pk},
    )  # fmt: skip
    matrix = RaciMatrix.objects.get(name="Changes")
    assert response.status_code == 302 and response.url == matrix.get_absolute_url()
    assert matrix.activities.count() == len(template.content["activities"])
    page = client.get(matrix.get_absolute_url()).content.decode()
    assert "Business Owner" in page and "0 errors" in page
    # Template columns become roles of the ecosystem's parties, by layer.
    assert Role.objects.get(name="Business Owner", ecosystem=world.a).organisation == world.customer
    assert Role.objects.get(name="Provider Resolver Team", ecosystem=world.a).layer == "provider"


def test_editing_a_cell_in_place_shows_the_error_on_its_row_and_clears_it(
    world, client_for, incident_matrix
):
    client = client_for(world.integrator_admin)
    url = cell_url(incident_matrix, "Log and classify the incident", "Service Desk Lead")
    activity = incident_matrix.activities.get(name="Log and classify the incident")

    broken = client.post(url, {"value": "a"}, HTTP_HX_REQUEST="true").content.decode()
    assert 'value="A"' in broken  # normalised and saved
    assert 'data-errors="2"' in broken  # two A's, and the R it replaced is gone
    assert "has no Responsible (R)" in broken
    assert f'id="row-status-{activity.pk}" class="raci-status" hx-swap-oob="true"' in broken
    assert "has 2 Accountable (A); it needs exactly one" in broken
    assert "disabled" in broken  # approval blocked while an error stands

    fixed = client.post(url, {"value": "R"}, HTTP_HX_REQUEST="true").content.decode()
    assert 'data-errors="0"' in fixed and "Accountable (A)" not in fixed.split("row-status")[1]
    assert (
        RaciAssignment.objects.get(
            activity=activity, column__role__name="Service Desk Lead"
        ).letters
        == "R"
    )


def test_a_letter_outside_the_variant_is_refused_and_nothing_changes(
    world, client_for, incident_matrix
):
    client = client_for(world.integrator_admin)
    url = cell_url(incident_matrix, "Investigate and resolve", "Business Owner")
    html = client.post(url, {"value": "S"}, HTTP_HX_REQUEST="true").content.decode()
    assert "is-invalid" in html and "not a RACI value" in html
    assert not RaciAssignment.objects.filter(
        activity__name="Investigate and resolve", column__role__name="Business Owner"
    ).exists()


def test_emptying_a_cell_deletes_it(world, client_for, incident_matrix):
    client = client_for(world.integrator_admin)
    url = cell_url(incident_matrix, "Investigate and resolve", "Provider Service Manager")
    client.post(url, {"value": ""}, HTTP_HX_REQUEST="true")
    assert not RaciAssignment.objects.filter(
        activity__name="Investigate and resolve", column__role__name="Provider Service Manager"
    ).exists()


@pytest.mark.parametrize("user", ["integrator_viewer", "provider1_editor", "customer_viewer"])
def test_only_the_integrators_editors_edit_cells(world, client_for, incident_matrix, user):
    client = client_for(getattr(world, user))
    assert client.get(incident_matrix.get_absolute_url()).status_code == 200
    url = cell_url(incident_matrix, "Investigate and resolve", "Business Owner")
    assert client.post(url, {"value": "I"}).status_code == 403
    assert (
        client.post(reverse("raci:racimatrix_approve", args=[incident_matrix.pk])).status_code
        == 403
    )


def test_another_ecosystem_sees_nothing(world, client_for, incident_matrix):
    client = client_for(world.b_admin)
    for name in ("racimatrix", "racimatrix_analysis", "racimatrix_compare"):
        assert client.get(reverse(f"raci:{name}", args=[incident_matrix.pk])).status_code == 404
    assert (
        client.get(reverse("raci:racimatrix_export", args=[incident_matrix.pk, "csv"])).status_code
        == 404
    )
    assert "Incident management" not in client.get(reverse("raci:racimatrix_list")).content.decode()


def test_approval_freezes_and_editing_starts_a_new_version_with_a_diff(
    world, client_for, incident_matrix
):
    client = client_for(world.integrator_admin)
    url = cell_url(incident_matrix, "Log and classify the incident", "Service Desk Lead")
    client.post(url, {"value": "A"})
    client.post(reverse("raci:racimatrix_approve", args=[incident_matrix.pk]))
    incident_matrix.refresh_from_db()
    assert incident_matrix.status == MatrixStatusChoices.DRAFT  # the error blocked it

    client.post(url, {"value": "R"})
    response = client.post(reverse("raci:racimatrix_approve", args=[incident_matrix.pk]))
    incident_matrix.refresh_from_db()
    assert incident_matrix.status == MatrixStatusChoices.APPROVED
    assert incident_matrix.approved_by == world.integrator_admin and incident_matrix.approved_at
    page = client.get(response.url).content.decode()
    assert "frozen" in page and 'hx-post="' not in page

    assert client.post(url, {"value": "C"}).status_code == 403  # frozen
    response = client.post(reverse("raci:racimatrix_new_version", args=[incident_matrix.pk]))
    draft = RaciMatrix.objects.get(lineage=incident_matrix.lineage, version=2)
    assert response.url == draft.get_absolute_url()
    again = client.post(reverse("raci:racimatrix_new_version", args=[incident_matrix.pk]))
    assert again.url == draft.get_absolute_url()  # one draft at a time

    client.post(cell_url(draft, "Investigate and resolve", "Business Owner"), {"value": "I"})
    client.post(cell_url(draft, "Keep all tools in sync", "Provider Resolver Team"), {"value": "R"})
    client.post(cell_url(draft, "Prioritise (impact x urgency)", "Business Owner"), {"value": ""})
    diff = client.get(reverse("raci:racimatrix_compare", args=[draft.pk])).content.decode()
    assert 'id="count-added">1<' in diff and 'id="count-changed">1<' in diff
    assert 'id="count-removed">1<' in diff
    assert '<del class="text-secondary">C</del> → <strong>R</strong>' in diff
    assert diff.count('data-state="added"') == 1 and diff.count('data-state="removed"') == 1


def test_workload_analysis(world, client_for, incident_matrix, provider_person):
    client = client_for(world.integrator_admin)
    html = client.get(
        reverse("raci:racimatrix_analysis", args=[incident_matrix.pk])
    ).content.decode()
    assert "<svg" in html and "Load per role in Incident management" in html
    assert "Every activity has an owner." in html
    assert "Pat Provider" in html  # holds two provider roles: their load is the sum
    analysis = analyse(services.load(incident_matrix, holders=True))
    pat = next(row for row in analysis.per_person if row[0] == provider_person)
    per_role = {c.role.name: counts for c, counts, _ in analysis.per_column}
    for letter in "RACI":
        expected = (
            per_role["Provider Service Manager"][letter]
            + per_role["Provider Resolver Team"][letter]
        )
        assert pat[1][letter] == expected
    assert analysis.owners_by_layer == {"customer": 0, "integrator": 7, "provider": 0}

    activity = incident_matrix.activities.get(name="Investigate and resolve")
    RaciAssignment.objects.filter(activity=activity, letters__contains="A").delete()
    html = client.get(
        reverse("raci:racimatrix_analysis", args=[incident_matrix.pk])
    ).content.decode()
    assert 'id="unowned"' in html and "Investigate and resolve</a>" in html


def test_role_holders_acknowledge_their_assignments(
    world, client_for, incident_matrix, provider_person
):
    services.approve(incident_matrix, world.integrator_admin)
    client = client_for(world.provider1_editor)
    page = client.get(incident_matrix.get_absolute_url()).content.decode()
    mine = RaciAssignment.objects.filter(
        activity__matrix=incident_matrix, column__role__holders=provider_person
    ).count()
    assert f"You have {mine} assignments to acknowledge" in page
    client.post(reverse("raci:racimatrix_acknowledge", args=[incident_matrix.pk]))
    acknowledged = RaciAssignment.objects.filter(
        activity__matrix=incident_matrix, acknowledged_at__isnull=False
    )
    assert acknowledged.count() == mine and {a.acknowledged_by for a in acknowledged} == {
        provider_person
    }
    total = RaciAssignment.objects.filter(activity__matrix=incident_matrix).count()
    assert len(services.unacknowledged(incident_matrix)) == total - mine
    assert (
        "acknowledged all your assignments"
        in client.get(incident_matrix.get_absolute_url()).content.decode()
    )
    mine_page = client.get(reverse("raci:my_assignments")).content.decode()
    assert mine_page.count("raci-legend letters-") == mine and "Pending" not in mine_page

    # Someone who holds no role cannot acknowledge for others.
    other = client_for(world.integrator_admin)
    other.post(reverse("raci:racimatrix_acknowledge", args=[incident_matrix.pk]))
    assert len(services.unacknowledged(incident_matrix)) == total - mine

    # A new version keeps acknowledgements of unchanged letters only.
    draft = services.new_version(incident_matrix)
    activity = draft.activities.get(name="Investigate and resolve")
    column = draft.columns.get(role__name="Provider Resolver Team")
    services.set_cell(draft, activity, column, "AR")
    kept = RaciAssignment.objects.filter(
        activity__matrix=draft, acknowledged_at__isnull=False
    ).count()
    assert kept == mine - 1


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_and_import_through_the_pages(world, client_for, incident_matrix, fmt):
    client = client_for(world.integrator_admin)
    exported = client.get(reverse("raci:racimatrix_export", args=[incident_matrix.pk, fmt]))
    assert exported.status_code == 200 and "attachment" in exported["Content-Disposition"]
    before = services.load(incident_matrix).keyed_cells()
    RaciAssignment.objects.filter(activity__matrix=incident_matrix).delete()
    upload = io.BytesIO(exported.content)
    upload.name = f"matrix.{fmt}"
    response = client.post(
        reverse("raci:racimatrix_import", args=[incident_matrix.pk]), {"file": upload}
    )
    assert response.status_code == 302
    assert services.load(incident_matrix).keyed_cells() == before


def test_a_bad_import_lists_row_errors_and_changes_nothing(world, client_for, incident_matrix):
    client = client_for(world.integrator_admin)
    before = services.load(incident_matrix).keyed_cells()
    data = exchange.export_dataset(incident_matrix)
    rows = [list(r) for r in data]
    rows[2][5] = "Q"
    upload = io.BytesIO(tablib.Dataset(*rows, headers=data.headers).export("csv").encode())
    upload.name = "bad.csv"
    response = client.post(
        reverse("raci:racimatrix_import", args=[incident_matrix.pk]), {"file": upload}
    )
    html = response.content.decode()
    assert response.status_code == 422 and "Row 4," in html and "not a RACI value" in html
    assert services.load(incident_matrix).keyed_cells() == before
    garbage = io.BytesIO(b"PK\x03\x04 not really a workbook")
    garbage.name = "broken.xlsx"
    response = client.post(
        reverse("raci:racimatrix_import", args=[incident_matrix.pk]), {"file": garbage}
    )
    assert response.status_code == 422 and "could not be read" in response.content.decode()


def test_the_pdf_is_one_page_with_legend_version_and_approval(world, client_for, matrix_of_size):
    matrix = matrix_of_size(60, 15)
    services.approve(matrix, world.integrator_admin)
    response = client_for(world.integrator_admin).get(
        reverse("raci:racimatrix_export", args=[matrix.pk, "pdf"])
    )
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "Version 1" in text and "Approved by integrator_admin" in text
    assert "Responsible" in text and "Accountable" in text and "Activity 59" in text


def test_save_as_template_and_start_from_it(world, client_for, incident_matrix):
    client = client_for(world.integrator_admin)
    response = client.post(
        reverse("raci:racimatrix_save_template", args=[incident_matrix.pk]),
        {"name": "Our incident RACI", "description": "Tuned"},
    )
    template = RaciTemplate.objects.get(name="Our incident RACI")
    assert response.url == template.get_absolute_url() and template.owner == world.integrator
    assert (
        client.post(
            reverse("raci:racimatrix_save_template", args=[incident_matrix.pk]),
            {"name": "Our incident RACI"},
        ).status_code
        == 422
    )
    listing = client.get(reverse("raci:racitemplate_list")).content.decode()
    assert "Our incident RACI" in listing and "Cross-company integration project" in listing
    assert (
        "Our incident RACI"
        not in client_for(world.b_admin).get(reverse("raci:racitemplate_list")).content.decode()
    )


def test_activities_and_columns_are_added_and_removed(world, client_for, incident_matrix):
    client = client_for(world.integrator_admin)
    client.post(
        reverse("raci:raciactivity_add", args=[incident_matrix.pk]),
        {"phase": "Resolve", "name": "Escalate to the vendor", "process": "incident", "must_be_owned_by": ["integrator"]},
    )  # fmt: skip
    names = list(incident_matrix.activities.values_list("name", flat=True))
    assert (
        names.index("Escalate to the vendor") == names.index("Keep all tools in sync") + 1
    )  # end of its phase
    duplicate = client.post(
        reverse("raci:raciactivity_add", args=[incident_matrix.pk]),
        {"name": "Escalate to the vendor"},
    )
    assert duplicate.status_code == 422 and "already has an activity" in duplicate.content.decode()

    role = Role.objects.create(ecosystem=world.a, organisation=world.provider2, name="Vendor Desk")
    client.post(reverse("raci:racicolumn_add", args=[incident_matrix.pk]), {"role": role.pk})
    column = incident_matrix.columns.get(role=role)
    assert "Vendor Desk" in client.get(incident_matrix.get_absolute_url()).content.decode()
    client.post(reverse("raci:racicolumn_delete", args=[incident_matrix.pk, column.pk]))
    assert not incident_matrix.columns.filter(role=role).exists()

    # A named person can be a column too; their organisation gives the layer.
    client.post(
        reverse("raci:racicolumn_add", args=[incident_matrix.pk]), {"person": world.person.pk}
    )
    person_column = incident_matrix.columns.get(person=world.person)
    assert person_column.label == "Carla Customer (Customer Co)"
    rule_columns = {c.id: c for c in services.load(incident_matrix).rule_data().columns}
    assert rule_columns[person_column.pk].layer == "customer"
    both = client.post(
        reverse("raci:racicolumn_add", args=[incident_matrix.pk]),
        {"role": role.pk, "person": world.person.pk},
        follow=True,
    )
    assert "Choose a role or a person" in both.content.decode()
    activity = incident_matrix.activities.get(name="Escalate to the vendor")
    client.post(reverse("raci:raciactivity_delete", args=[incident_matrix.pk, activity.pk]))
    assert not RaciActivity.objects.filter(pk=activity.pk).exists()


def test_the_identity_access_matrix_flags_providers_writing_confidential_data(world, client_for):
    client = client_for(world.integrator_admin)
    desk = Role.objects.create(ecosystem=world.a, organisation=world.provider1, name="Desk")
    customer_data = DataObject.objects.create(
        ecosystem=world.a, name="Customer data", confidential=True
    )
    tickets = DataObject.objects.create(ecosystem=world.a, name="Tickets")
    response = client.post(
        reverse("raci:accessmatrix_add"), {"ecosystem": world.a.pk, "note": "First"}
    )
    matrix = AccessMatrix.objects.get(ecosystem=world.a)
    assert response.url == matrix.get_absolute_url() and matrix.version == 1

    grant = reverse("raci:accessmatrix_grant", args=[matrix.pk, desk.pk, customer_data.pk])
    html = client.post(grant, {"level": "write"}, HTTP_HX_REQUEST="true").content.decode()
    assert 'data-flags="1"' in html and "is-flagged" in html
    html = client.post(grant, {"level": "read"}).content.decode()
    assert 'data-flags="0"' in html
    client.post(
        reverse("raci:accessmatrix_grant", args=[matrix.pk, desk.pk, tickets.pk]),
        {"level": "write"},
    )
    assert client.post(grant, {"level": "root"}).status_code == 200  # a field error, not a 500
    assert identity.load(matrix).levels == {
        (desk.pk, customer_data.pk): "read",
        (desk.pk, tickets.pk): "write",
    }

    second = client.post(reverse("raci:accessmatrix_add"), {"ecosystem": world.a.pk})
    assert second.status_code == 422 and "is a draft" in second.content.decode()

    client.post(reverse("raci:accessmatrix_approve", args=[matrix.pk]))
    matrix.refresh_from_db()
    assert matrix.status == MatrixStatusChoices.APPROVED
    assert client.post(grant, {"level": "full"}).status_code == 403
    response = client.post(reverse("raci:accessmatrix_new_version", args=[matrix.pk]))
    draft = AccessMatrix.objects.get(ecosystem=world.a, version=2)
    client.post(
        reverse("raci:accessmatrix_grant", args=[draft.pk, desk.pk, customer_data.pk]),
        {"level": "full"},
    )
    client.post(
        reverse("raci:accessmatrix_grant", args=[draft.pk, desk.pk, tickets.pk]), {"level": "none"}
    )
    diff = client.get(reverse("raci:accessmatrix_compare", args=[draft.pk])).content.decode()
    assert (
        '<tr class="diff-changed"><td>Changed</td><td>Provider One — Desk</td><td>Customer data</td><td>read</td><td>full</td>'
        in diff
    )
    assert '<tr class="diff-removed"><td>Revoked</td>' in diff
    export = client.get(
        reverse("raci:accessmatrix_export", args=[draft.pk, "csv"])
    ).content.decode()
    assert "role,organisation,layer,Customer data,Tickets" in export.splitlines()[0]
    assert "Desk,Provider One,provider,full,none" in export


def test_lists_render(world, client_for, incident_matrix):
    client = client_for(world.integrator_admin)
    for name in (
        "racimatrix_list",
        "role_list",
        "racitemplate_list",
        "dataobject_list",
        "accessmatrix_list",
        "my_assignments",
    ):
        assert client.get(reverse(f"raci:{name}")).status_code == 200, name
