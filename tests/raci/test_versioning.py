"""The RACI matrix and the identity access matrix are one versioned document
(``raci.versioning``): the same life, the same freeze, the same draft-aware access."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from raci import identity, services, versioning
from raci.choices import MatrixStatusChoices
from raci.models import (
    AccessGrant,
    AccessMatrix,
    RaciActivity,
    RaciAssignment,
    RaciColumn,
    RaciMatrix,
)

DOCUMENTS = {
    "raci": (services, lambda world, matrix: matrix, "raci:racimatrix"),
    "access": (
        identity,
        lambda world, matrix: identity.start_version(world.a),
        "raci:accessmatrix",
    ),
}


@pytest.fixture(params=sorted(DOCUMENTS))
def document(request, world, incident_matrix):
    module, make, url_prefix = DOCUMENTS[request.param]
    return module, make(world, incident_matrix), url_prefix


def test_both_matrices_are_versioned_documents_with_draft_children():
    assert issubclass(RaciMatrix, versioning.VersionedDocument)
    assert issubclass(AccessMatrix, versioning.VersionedDocument)
    paths = {
        model: model.document_path
        for model in (RaciActivity, RaciColumn, RaciAssignment, AccessGrant)
        if issubclass(model, versioning.DraftChild)
    }
    assert paths == {
        RaciActivity: "matrix",
        RaciColumn: "matrix",
        RaciAssignment: "activity__matrix",
        AccessGrant: "matrix",
    }


def test_one_life_approve_freeze_supersede_and_one_draft(document, world):
    module, first, _ = document
    user = world.integrator_admin
    module.approve(first, user)
    first.refresh_from_db()
    assert (first.status, first.approved_by, first.is_frozen) == ("approved", user, True)
    with pytest.raises(ValidationError, match="is frozen: start a new version"):
        module.approve(first, user)

    second = module.new_version(first, user)
    assert (second.version, second.status) == (first.version + 1, MatrixStatusChoices.DRAFT)
    assert set(second.versions()) == {first, second}
    with pytest.raises(versioning.DraftExists) as refused:
        module.new_version(first, user)
    assert refused.value.draft == second

    module.approve(second, user)
    first.refresh_from_db()
    assert first.status == MatrixStatusChoices.SUPERSEDED


def test_approving_one_document_leaves_other_lineages_alone(world, incident_matrix):
    other = RaciMatrix.objects.create(ecosystem=world.a, name="Change management")
    services.approve(other, world.integrator_admin)
    services.approve(incident_matrix, world.integrator_admin)
    other.refresh_from_db()
    assert other.status == MatrixStatusChoices.APPROVED


def test_the_same_pages_govern_both_documents(document, world, client_for):
    """Approve and new version are one pair of generic views: a viewer is refused with
    a reason, an editor approves, and a second "new version" click goes to the draft."""
    _, draft, prefix = document
    approve = reverse(f"{prefix}_approve", args=[draft.pk])
    new_version = reverse(f"{prefix}_new_version", args=[draft.pk])
    # One test client: each client_for logs it in as that user.
    assert client_for(world.b_admin).post(approve).status_code == 404
    assert client_for(world.integrator_viewer).post(approve).status_code == 403
    editor = client_for(world.integrator_admin)
    assert editor.post(approve).status_code == 302
    draft.refresh_from_db()
    assert draft.is_frozen

    first = editor.post(new_version)
    second = editor.post(new_version, follow=True)
    started = type(draft).objects.get(**draft.lineage_lookup(), version=draft.version + 1)
    assert first.url == started.get_absolute_url()
    assert second.redirect_chain[-1][0] == started.get_absolute_url()
    assert "is already a draft: edit it" in second.content.decode()
    assert type(draft).objects.filter(**draft.lineage_lookup()).count() == 2


def test_the_same_api_actions_govern_both_documents(document, world, api_client_for):
    _, draft, prefix = document
    path = {
        "raci:racimatrix": "/api/raci/matrices/",
        "raci:accessmatrix": "/api/raci/access-matrices/",
    }[prefix]
    api = api_client_for(world.integrator_admin)
    assert api.post(f"{path}{draft.pk}/approve/").json()["status"] == "approved"
    started = api.post(f"{path}{draft.pk}/new-version/")
    assert started.status_code == 201 and started.json()["version"] == draft.version + 1
    again = api.post(f"{path}{draft.pk}/new-version/")
    assert again.status_code == 400 and "is still a draft" in str(again.json())
    viewer = api_client_for(world.integrator_viewer)
    assert viewer.post(f"{path}{started.json()['id']}/approve/").status_code == 403
