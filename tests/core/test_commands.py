"""One write path: the edit pages and the API hand the same ``Write`` to the model's
save command, which re-checks the result against the access rule."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse

from core import commands
from core.api.views import RestrictedModelViewSet
from core.commands import Write, run_save
from core.views.generic import ObjectEditView
from governance.models import ImprovementItem, ScoringModel
from siam import services as siam_services
from siam.models import Organisation, Service


def _all_subclasses(cls):
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub, *_all_subclasses(sub)}
    return found


def test_no_edit_view_or_viewset_decides_what_a_save_means(client):
    """What a save means lives in the model's command, not in one of its doors: no
    subclass of the two bases overrides their save hooks."""
    # Importing the URL configuration imports every view and viewset.
    reverse("home")
    views = _all_subclasses(ObjectEditView)
    viewsets = _all_subclasses(RestrictedModelViewSet)
    assert len(views) > 30 and len(viewsets) > 40
    for view in views:
        for hook in ("save_form", "after_save", "build_write"):
            assert hook not in vars(view), f"{view.__qualname__} overrides {hook}"
    for viewset in viewsets:
        for hook in ("perform_create", "perform_update", "perform_save"):
            assert hook not in vars(viewset), f"{viewset.__qualname__} overrides {hook}"


@pytest.fixture
def spy(monkeypatch):
    """Wraps the organisation's command and records each ``Write`` it receives."""
    seen = []

    def command(write):
        seen.append(write)
        return siam_services.save_organisation(write)

    monkeypatch.setitem(commands._commands, Organisation, command)
    return seen


def test_the_edit_page_and_the_api_hand_the_same_write_to_the_command(
    world, client_for, api_client_for, spy
):
    user = world.integrator_admin
    client_for(user).post(
        reverse("siam:organisation_add"), {"name": "Delta", "slug": "delta", "country": "DE"}
    )
    api_client_for(user).post(
        "/api/siam/organisations/",
        {"name": "Epsilon", "slug": "epsilon", "country": "NL"},
        format="json",
    )
    page, api = spy
    for write, name in ((page, "Delta"), (api, "Epsilon")):
        assert (write.model, write.user, write.creating, write.changed) == (
            Organisation,
            user,
            True,
            [],
        )
        assert write.values["name"] == name
        # The command's rule held through both doors: the recording organisation keeps it.
        assert Organisation.objects.get(name=name).registered_by == world.integrator

    spy.clear()
    delta = Organisation.objects.get(name="Delta")
    client_for(user).post(
        reverse("siam:organisation_edit", args=[delta.pk]),
        {"name": "Delta Services", "slug": "delta", "country": "DE"},
    )
    api_client_for(user).patch(
        f"/api/siam/organisations/{delta.pk}/", {"country": "BE"}, format="json"
    )
    assert [(w.creating, w.changed) for w in spy] == [(False, ["name"]), (False, ["country"])]
    delta.refresh_from_db()
    assert (delta.name, delta.country) == ("Delta Services", "BE")


def test_a_command_refusal_is_a_field_error_on_the_page_and_a_400_in_the_api(
    world, client_for, api_client_for, monkeypatch
):
    from django.core.exceptions import ValidationError

    def refuse(write):
        write.save()
        raise ValidationError({"name": "Taken by a sister company."})

    monkeypatch.setitem(commands._commands, Organisation, refuse)
    user = world.integrator_admin
    page = client_for(user).post(
        reverse("siam:organisation_add"), {"name": "Zeta", "slug": "zeta", "country": "DE"}
    )
    api = api_client_for(user).post(
        "/api/siam/organisations/", {"name": "Eta", "slug": "eta", "country": "DE"}, format="json"
    )
    assert page.status_code == 422 and "Taken by a sister company." in page.content.decode()
    assert api.status_code == 400 and api.json() == {"name": ["Taken by a sister company."]}
    # Saved inside the command, then refused: nothing is kept.
    assert not Organisation.objects.filter(slug__in=["zeta", "eta"]).exists()


def test_run_save_refuses_an_object_outside_what_the_user_may_write(world):
    """Whatever the input allowed, the saved object is re-checked; the caller's
    transaction undoes it."""
    write = Write(
        model=Service,
        user=world.provider1_editor,
        creating=True,
        values={},
        save=lambda: Service.objects.create(ecosystem=world.b, name="Smuggled"),
        build=lambda: Service(ecosystem=world.b, name="Smuggled"),
    )
    with pytest.raises(PermissionDenied), transaction.atomic():
        run_save(write)
    assert not Service.objects.filter(name="Smuggled").exists()


def test_a_background_job_saves_through_the_same_command_without_a_request(world):
    """A command is a function of a ``Write``: new weights rescore the register
    whoever saves them (here no user, as a job would)."""
    items = [
        ImprovementItem.objects.create(
            ecosystem=world.a, title=title, business_impact=impact, complexity=1, cost=1, risk=1
        )
        for title, impact in (("Connector", 5), ("Encrypt", 1))
    ]
    weights = {"business_impact": 100, "complexity": 0, "cost": 0, "risk": 0}
    write = Write(
        model=ScoringModel,
        user=None,
        creating=True,
        values=weights,
        save=lambda: ScoringModel.objects.create(ecosystem=world.a, **weights),
        build=lambda: ScoringModel(ecosystem=world.a, **weights),
    )
    with transaction.atomic():
        run_save(write)
    for item in items:
        item.refresh_from_db()
    assert [item.score for item in items] == [100.0, 0.0]


def test_a_model_has_one_save_command():
    with pytest.raises(RuntimeError, match="has a save command already"):
        commands.save_command(Organisation)(lambda write: write.save())
