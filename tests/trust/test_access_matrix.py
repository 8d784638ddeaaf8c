"""The access matrix, generated: every record page and API object, as every demo user.

Nobody lists the URLs: they come from the models (every model with pages and an access
rule) and from the API routers, so a new model or endpoint is covered the day it is
added. What each kind of user must get is stated once, in ``EXPECTED``.

Writes are generated the same way: every writable relation field of every API
serializer is sent an id the user may not see, and must be refused without the
record changing and without the answer naming the hidden record.

What a user reaches by walking the app is checked page by page (links, every form's
choices, exports), as are every API list and every route keyed by a record id
(actions, downloads, PDFs, dashboards), by GET and POST.
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


# --- Everything a user can reach by walking the app ---------------------------------------


def detail_routes() -> dict:
    """Route name of each record page (detail, edit, delete) -> its model."""
    routes = {}
    for model in restricted_models():
        for suffix in ("", "edit", "delete"):
            routes[model.url_name(suffix)] = model
    return routes


def forms_in(context):
    """Every form a page was rendered with: forms, formsets (alone or by name), their
    blank "add another" form."""
    from django.forms import BaseForm, BaseFormSet

    found, seen = [], set()

    def add(value):
        if id(value) in seen:
            return
        seen.add(id(value))
        if isinstance(value, BaseForm):
            found.append(value)
        elif isinstance(value, BaseFormSet):
            for form in [*value.forms, value.empty_form]:
                add(form)
        elif isinstance(value, dict):
            for item in value.values():
                add(item)

    for each in context if isinstance(context, list) else [context]:
        for key, value in each.flatten().items():
            if key not in ("request", "user", "perms", "view"):
                add(value)
    return found


class AccessWalk:
    """Checks each page a user reaches: no link to, no choice of, no exported row of a
    record the user may not see."""

    def __init__(self, user, client):
        self.user, self.client = user, client
        self.routes = detail_routes()
        self.visible = {}
        self.wrong = []
        self.checked = Counter()

    def visible_pks(self, model):
        if model not in self.visible:
            allowed = restrict_choices(model._base_manager.all(), self.user)
            self.visible[model] = set(allowed.values_list("pk", flat=True))
        return self.visible[model]

    def __call__(self, url, response):
        from .crawling import links_of, route_of

        for href in links_of(response):
            match = route_of(href.split("?")[0])
            model = self.routes.get(match.view_name) if match else None
            if model is not None and "pk" in match.kwargs:
                self.checked["links"] += 1
                if int(match.kwargs["pk"]) not in self.visible_pks(model):
                    self.wrong.append((url, "links to a hidden record", href))
        if response.context is None:
            return
        for form in forms_in(response.context):
            self.check_choices(url, form)
        model = response.context.get("model")
        if response.context.get("table") is not None and model is not None and "?" not in url:
            self.check_export(url, model)

    def check_choices(self, url, form):
        for name, field in form.fields.items():
            queryset = getattr(field, "queryset", None)
            if queryset is None:
                continue
            self.checked["choice fields"] += 1
            allowed = restrict_choices(queryset.model._base_manager.all(), self.user)
            leaked = queryset.exclude(pk__in=allowed.values("pk"))
            if (type(form).__name__, name) == ("MembershipForm", "user"):
                # Onboarding: an administrator takes in accounts of no organisation yet.
                from siam.access import unassigned_accounts

                leaked = leaked.exclude(pk__in=unassigned_accounts().values("pk"))
            leaked = list(leaked[:3])
            if leaked:
                self.wrong.append((url, f"{type(form).__name__}.{name} offers", leaked))
            # A record of one ecosystem offers nothing of another, even to a user who
            # sees both (a provider serving two integrators).
            eco_id = getattr(getattr(form, "instance", None), "ecosystem_id", None)
            if eco_id and name != "ecosystem" and hasattr(queryset.model, "ecosystem_id"):
                self.checked["same-ecosystem choices"] += 1
                elsewhere = list(queryset.exclude(ecosystem_id=eco_id)[:3])
                if elsewhere:
                    self.wrong.append(
                        (url, f"{type(form).__name__}.{name} offers another ecosystem's", elsewhere)
                    )

    def check_export(self, url, model):
        import csv
        import io

        response = self.client.get(f"{url}?_export=csv")
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))[1:]
        self.checked["exports"] += 1
        if len(rows) > len(self.visible_pks(model)):
            self.wrong.append((url, "exports more rows than the user may see", len(rows)))


@pytest.mark.django_db
@pytest.mark.parametrize("username", [u for u in DEMO_USERS if u != "admin"])
def test_no_page_links_offers_or_exports_a_hidden_record(demo, username):
    """Walking the app from the menu: every link to a record page, every choice of every
    form (formsets and their blank rows included) and every list export stays within
    what the user may see."""
    from .crawling import crawl

    user = get_user_model().objects.get(username=username)
    client = Client(raise_request_exception=False)
    client.force_login(user)
    walk = AccessWalk(user, client)
    crawl(client, visits_per_route=1, max_requests=600, on_response=walk)
    assert walk.checked["links"] > 50 and walk.checked["exports"] >= 10, walk.checked
    assert walk.checked["choice fields"] > 0 or username == "olivia", walk.checked
    assert walk.checked["same-ecosystem choices"] > 0 or username != "john", walk.checked
    assert not walk.wrong, walk.wrong


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["john", "maria", "olivia", "marco"])
def test_api_lists_hold_only_visible_records(demo, username):
    from django.conf import settings

    user = get_user_model().objects.get(username=username)
    client = APIClient()
    client.force_authenticate(user)
    wrong, tried = [], 0
    for app, _prefix, viewset, basename in api_viewsets():
        if not hasattr(viewset, "list"):
            continue
        model = viewset.queryset.model
        url = reverse(f"{app}-api:{basename}-list")
        response = client.get(url, {"limit": settings.API_MAX_PAGE_SIZE})
        tried += 1
        if response.status_code != 200:
            wrong.append((url, response.status_code))
            continue
        body = response.json()
        ids = {row["id"] for row in body.get("results", body) if "id" in row}
        visible = set(
            restrict_choices(model._base_manager.all(), user).values_list("pk", flat=True)
        )
        if ids - visible:
            wrong.append((url, "lists hidden ids", sorted(ids - visible)[:5]))
    assert tried > 40, tried
    assert not wrong, wrong


def pk_routes():
    """Every page route keyed by a record id, with the model that id names.

    A record's pages and actions live under its page (``raci/matrices/<pk>/approve/``);
    pages of a whole ecosystem take its id in ``ecosystems/<pk>/``. A route neither
    rule names must be added to ``explicit`` below, so a new one cannot go unchecked.
    """
    from django.urls import URLResolver, get_resolver

    from siam.models import Ecosystem, IntegrationFlow

    explicit = {
        "integrations:dictionary": IntegrationFlow,
        "integrations:dictionary_edit": IntegrationFlow,
    }

    def walk(patterns, prefix="", namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(
                    pattern.url_patterns, prefix + str(pattern.pattern),
                    pattern.namespace or namespace,
                )  # fmt: skip
            else:
                yield f"{namespace}:{pattern.name}", prefix + str(pattern.pattern), pattern

    every = list(walk(get_resolver().url_patterns))
    detail_paths = {model.url_name(): model for model in restricted_models()}
    by_path = sorted(
        ((path, detail_paths[name]) for name, path, _ in every if name in detail_paths),
        key=lambda item: -len(item[0]),
    )
    routes, unmapped = [], []
    for name, path, pattern in every:
        if "<int:pk>" not in path or path.startswith("api/"):
            continue
        model = next((m for prefix, m in by_path if path.startswith(prefix)), None)
        if model is None and "ecosystems/<int:pk>/" in path:
            model = Ecosystem
        model = model or explicit.get(name)
        if model is None:
            unmapped.append(name)
        else:
            routes.append((name, pattern, model))
    return routes, unmapped


#: A value for each other part of a record route (an action's kind, a cell's column):
#: the record's id is looked up first, so any well-formed value will do.
FILLERS = {"SlugConverter": "resolve", "IntConverter": 1}


def _url(name, pattern, pk):
    kwargs = {"pk": pk}
    for key, converter in pattern.pattern.converters.items():
        if key != "pk":
            kwargs[key] = FILLERS.get(type(converter).__name__, "x")
    return reverse(name, kwargs=kwargs)


def test_every_route_with_a_record_id_names_its_model():
    # A link-confirmation route takes the id of one of several kinds of link: its view
    # looks the record up through the kind (tests/requirements cover it).
    _routes, unmapped = pk_routes()
    assert unmapped == ["requirements_app:link_confirm"], unmapped


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["john", "maria", "olivia"])
def test_every_action_download_and_report_of_a_hidden_record_is_404(demo, username):
    """Not only record pages: approve, compare, export, PDF, download, replay, dashboard…
    of a record the user may not see, by GET and by POST, answer as if it did not exist."""
    user = get_user_model().objects.get(username=username)
    client = Client(raise_request_exception=False)
    client.force_login(user)
    routes, _ = pk_routes()
    wrong, tried = [], 0
    for name, pattern, model in routes:
        visible = model.objects.restrict(user, VIEW).values("pk")
        hidden = model._base_manager.exclude(pk__in=visible).order_by("pk").first()
        if hidden is None:
            continue
        url = _url(name, pattern, hidden.pk)
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            tried += 1
            if response.status_code not in (404, 405):
                wrong.append((method.upper(), url, response.status_code))
    assert tried > 40, tried
    assert not wrong, wrong
