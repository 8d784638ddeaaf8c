"""The access matrix, generated: every record page and API object, as every demo user.

Nobody lists the URLs: they come from the models (every model with pages and an access
rule) and from the API routers, so a new model or endpoint is covered the day it is
added. What each kind of user must get is stated once, in ``EXPECTED``.

Writes are generated the same way: every writable relation field of every API
serializer is sent an id the user may not see, and must be refused without the
record changing and without the answer naming the hidden record.
"""

import importlib
from collections import Counter

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import NoReverseMatch, reverse
from rest_framework.relations import ManyRelatedField, RelatedField
from rest_framework.test import APIClient, APIRequestFactory

from core.querysets import CHANGE, VIEW, restrict_choices

from .conftest import DEMO_USERS

APPS = ("siam", "raci", "requirements_app", "slas", "governance", "integrations")

#: (what the user may do with the record, which URL) -> the answer.
#: Hidden records do not exist for the user (404, never 403: existence does not leak);
#: read-only records open, their edit and delete pages are refused, and API writes to
#: them are 404 like NetBox's (the API does not reveal which objects are read-only).
EXPECTED = {
    ("hidden", "page"): {404},
    ("hidden", "edit"): {404},
    ("hidden", "delete"): {404},
    ("hidden", "api"): {404},
    ("hidden", "api_patch"): {404, 405},  # 405: a read-only endpoint (logs, reports)
    ("read_only", "page"): {200},
    ("read_only", "edit"): {403},
    ("read_only", "delete"): {403},
    ("read_only", "api"): {200},
    ("read_only", "api_patch"): {404, 405},
}


def restricted_models():
    for app in APPS:
        for model in apps.get_app_config(app).get_models():
            if hasattr(model.objects, "restrict") and hasattr(model, "url_name"):
                yield model


def urls_for(model, pk):
    meta = model._meta
    names = {
        "page": model.url_name(),
        "edit": model.url_name("edit"),
        "delete": model.url_name("delete"),
        "api": f"{meta.app_label}-api:{meta.model_name}-detail",
        "api_patch": f"{meta.app_label}-api:{meta.model_name}-detail",
    }
    for kind, name in names.items():
        try:
            yield kind, reverse(name, kwargs={"pk": pk})
        except NoReverseMatch:
            continue


def samples(model, user):
    visible = model.objects.restrict(user, VIEW)
    hidden = model._base_manager.exclude(pk__in=visible.values("pk")).order_by("pk")
    read_only = visible.exclude(pk__in=model.objects.restrict(user, CHANGE).values("pk"))
    for label, queryset in (("hidden", hidden), ("read_only", read_only.order_by("pk"))):
        obj = queryset.first()
        if obj is not None:
            yield label, obj


@pytest.mark.django_db
@pytest.mark.parametrize("username", [u for u in DEMO_USERS if u != "admin"])
def test_every_record_url_answers_as_the_matrix_says(demo, username):
    user = get_user_model().objects.get(username=username)
    client = Client(raise_request_exception=False)
    client.force_login(user)
    tried, wrong = Counter(), []
    for model in restricted_models():
        for label, obj in samples(model, user):
            for kind, url in urls_for(model, obj.pk):
                if kind == "api_patch":
                    response = client.patch(url, data="{}", content_type="application/json")
                else:
                    response = client.get(url)
                tried[label] += 1
                if response.status_code not in EXPECTED[(label, kind)]:
                    wrong.append((model.__name__, label, kind, url, response.status_code))
    assert tried["hidden"] > 20, tried  # the demo really has records this user may not see
    assert not wrong, wrong


def api_viewsets():
    for app in APPS:
        module = importlib.import_module(f"{app}.api.urls")
        router = getattr(module, "router", None)
        for prefix, viewset, basename in router.registry if router else ():
            yield app, prefix, viewset, basename


def writable_relations(serializer):
    for name, field in serializer.fields.items():
        relation = field.child_relation if isinstance(field, ManyRelatedField) else field
        if isinstance(relation, RelatedField) and not field.read_only:
            yield name, field, relation


def _serializer_for(viewset, user, method="patch"):
    request = APIRequestFactory().generic(method.upper(), "/")
    request.user = user
    view = viewset()
    view.request, view.format_kwarg, view.action = request, None, "partial_update"
    view.kwargs = {}
    return view.get_serializer_class()(context={"request": request, "view": view})


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["john", "maria", "olivia"])
def test_no_relation_field_accepts_a_hidden_record(demo, username):
    user = get_user_model().objects.get(username=username)
    client = APIClient()
    client.force_authenticate(user)
    tried, wrong = 0, []
    for _app, _prefix, viewset, _basename in api_viewsets():
        model = viewset.queryset.model
        target = model.objects.restrict(user, CHANGE).order_by("pk").first()
        if target is None or not hasattr(viewset, "partial_update"):
            continue
        serializer = _serializer_for(viewset, user)
        for name, field, relation in writable_relations(serializer):
            related_model = relation.queryset.model
            allowed = restrict_choices(related_model.objects.all(), user)
            foreign = related_model._base_manager.exclude(pk__in=allowed.values("pk")).first()
            if foreign is None:
                continue
            value = [foreign.pk] if isinstance(field, ManyRelatedField) else foreign.pk
            meta = model._meta
            url = reverse(
                f"{meta.app_label}-api:{meta.model_name}-detail", kwargs={"pk": target.pk}
            )
            before = serializer.__class__(target, context=serializer.context).data.get(name)
            response = client.patch(url, {name: value}, format="json")
            tried += 1
            after = serializer.__class__(
                model._base_manager.get(pk=target.pk), context=serializer.context
            ).data.get(name)
            if response.status_code != 400 or before != after:
                wrong.append(
                    (model.__name__, name, response.status_code, "changed" * (before != after))
                )
            elif str(foreign) in response.content.decode():
                wrong.append((model.__name__, name, "names the hidden record", str(foreign)))
    assert tried > 0, tried
    assert not wrong, wrong


def test_every_writable_relation_is_restricted():
    """A relation to a model without an access rule would accept any id: none may exist."""
    user_model = get_user_model()
    unrestricted = []
    for app, prefix, viewset, _ in api_viewsets():
        serializer = viewset.serializer_class()
        for name, _field, relation in writable_relations(serializer):
            model = relation.queryset.model
            if not hasattr(model.objects, "restrict") and model is not user_model:
                unrestricted.append(f"{app}/{prefix}.{name} -> {model.__name__}")
    assert not unrestricted, unrestricted


@pytest.mark.django_db
def test_a_record_cannot_move_to_another_ecosystem(demo):
    """David's company serves both demo ecosystems: he sees both, yet cannot move a record."""
    from siam.models import ConnectedSystem, Ecosystem

    user = get_user_model().objects.get(username="david")
    system = ConnectedSystem.objects.restrict(user, CHANGE).first()
    other = Ecosystem.objects.restrict(user).exclude(pk=system.ecosystem_id).first()
    assert system is not None and other is not None
    client = APIClient()
    client.force_authenticate(user)
    url = reverse("siam-api:connectedsystem-detail", kwargs={"pk": system.pk})
    response = client.patch(url, {"ecosystem": other.pk}, format="json")
    assert response.status_code == 400
    assert response.json() == {"ecosystem": ["Fixed once the record exists."]}
    system.refresh_from_db()
    assert system.ecosystem_id != other.pk

    page = Client()
    page.force_login(user)
    edit = reverse("siam:connectedsystem_edit", kwargs={"pk": system.pk})
    form = page.get(edit).context["form"]
    assert form.fields["ecosystem"].disabled
