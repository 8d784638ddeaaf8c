"""The generic tests every app's models get: create, read, update and delete through
the UI and the API, field errors for bad input, isolation between ecosystems and
constant query counts (the idea of NetBox's ``utilities/testing``).

An app describes each model once as a :class:`ModelCase`; its test modules then call
the ``check_*`` functions below from thin parametrised tests. A case's callables take
the app's test context (``world`` for siam, ``gov`` for governance, …), so a case can
name whatever objects that context builds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.urls import NoReverseMatch, reverse


@dataclass
class ModelCase:
    model: type
    api_path: str
    existing: Callable[[Any], Any]  # context -> an object of ecosystem A
    create: Callable[[Any], dict] | None  # context -> form/API data creating a valid object
    update: dict  # fields to change on ``existing``
    bulk: Callable[[Any, int], None]  # context, n -> n more rows in ecosystem A
    api_create: bool = True
    #: How a field's API value is written in a form (e.g. a list as one line each).
    ui_values: Callable[[dict], dict] = lambda data: data
    #: What the list page shows of an object (e.g. a link to it, when the list shows
    #: its reference and title in columns of their own rather than its name).
    listed: Callable[[Any], str] = str
    #: The add page's answer to a valid form: a redirect, or a page of its own (such as
    #: a secret shown once).
    ui_created_status: int = 302
    #: Whether the API has a detail address (``<api_path><pk>/``) for it.
    api_detail: bool = True

    @property
    def id(self) -> str:
        return self.model._meta.model_name


def spare_ecosystem(ctx, slug: str = "gamma"):
    """Another ecosystem of the integrator of ``ctx.world``: for a model held once per
    ecosystem (a priority matrix, a scoring model, a vision, a draft access matrix),
    whose new one cannot go into ecosystem ``a``."""
    from siam.models import Ecosystem

    return Ecosystem.objects.get_or_create(
        slug=slug,
        defaults={"name": slug.title(), "customer": ctx.world.customer, "integrator": ctx.world.integrator},
    )[0]  # fmt: skip


def ids(cases: list[ModelCase]) -> list[str]:
    return [case.id for case in cases]


def _field_value(field, value):
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return field.prepare_value(value) if hasattr(field, "prepare_value") else value


def _form_fields(form, prefix: str = "") -> dict:
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if value is None or isinstance(field, forms.FileField):
            continue  # a browser does not post a file it was not given
        data[f"{prefix}{name}"] = _field_value(field, value)
    return data


def _typed(field, value):
    """A value as a person types it into the field: a list in a textarea is one item
    per line (posted as a list, the test client would send it as repeated values, and
    the form would read only the last)."""
    if isinstance(value, list | tuple) and isinstance(
        getattr(field, "widget", None), forms.Textarea
    ):
        return "\n".join(str(item) for item in value)
    return value


def page_post_data(context, **overrides) -> dict:
    """What a browser would post for the edit page as rendered (its form and the
    formsets under it), with some of the form's fields changed."""
    form = context["form"]
    data = _form_fields(form)
    for formset in (context.get("formsets") or {}).values():
        data.update(_form_fields(formset.management_form, f"{formset.prefix}-"))
        for child in formset.forms:
            data.update(_form_fields(child, f"{child.prefix}-"))
    data.update({name: _typed(form.fields.get(name), value) for name, value in overrides.items()})
    return data


def check_ui_crud(case: ModelCase, ctx, client, user) -> None:
    """``user`` (who may change ecosystem A) lists, opens, creates, edits and deletes."""
    model = case.model
    existing = case.existing(ctx)

    # the list and the detail page show the object
    response = client.get(reverse(model.url_name("list")))
    assert response.status_code == 200
    assert case.listed(existing) in response.content.decode()
    response = client.get(existing.get_absolute_url())
    assert response.status_code == 200
    assert "Change history" in response.content.decode()

    # creating one through the form, as the add page renders it
    before = model.objects.count()
    add_url = reverse(model.url_name("add"))
    page = client.get(add_url)
    assert page.status_code == 200
    data = page_post_data(page.context, **case.ui_values(case.create(ctx)))
    response = client.post(add_url, data)
    assert response.status_code == case.ui_created_status, (
        response.context["form"].errors if response.context else response
    )
    assert model.objects.count() == before + 1
    created = model.objects.order_by("-pk").first()

    # editing the existing one
    edit_url = reverse(model.url_name("edit"), kwargs={"pk": existing.pk})
    page = client.get(edit_url)
    response = client.post(edit_url, page_post_data(page.context, **case.ui_values(case.update)))
    assert response.status_code == 302, (
        response.context["form"].errors if response.context else response
    )
    existing.refresh_from_db()
    for field, value in case.update.items():
        assert getattr(existing, field) == value

    # the change is in the audit trail, with who made it
    last = existing.history.order_by("-history_date").first()
    assert last.history_type == "~" and last.history_user == user
    assert user.username in client.get(existing.get_absolute_url()).content.decode()

    # deleting asks for confirmation, then deletes
    delete_url = reverse(model.url_name("delete"), kwargs={"pk": created.pk})
    assert client.get(delete_url).status_code == 200
    assert client.post(delete_url).status_code == 302
    assert not model.objects.filter(pk=created.pk).exists()
    assert created.history.filter(history_type="-").exists()


def check_ui_invalid_input(case: ModelCase, ctx, client) -> None:
    """Blank required fields give 422 with errors tied to their fields, never a 500."""
    add_url = reverse(case.model.url_name("add"))
    page = client.get(add_url)
    blanks = {key: "" for key in case.create(ctx)}
    response = client.post(add_url, page_post_data(page.context, **blanks))
    assert response.status_code == 422
    assert response.context["form"].errors
    assert 'aria-invalid="true"' in response.content.decode()


def check_api_crud(case: ModelCase, ctx, api) -> None:
    existing = case.existing(ctx)
    response = api.get(case.api_path)
    assert response.status_code == 200
    assert response.json()["count"] >= 1
    detail = f"{case.api_path}{existing.pk}/"
    body = api.get(detail).json()
    assert body["id"] == existing.pk and body["display"] == str(existing)

    if case.api_create:
        response = api.post(case.api_path, case.create(ctx), format="json")
        assert response.status_code == 201, response.json()
        created_pk = response.json()["id"]
    else:
        assert api.post(case.api_path, case.create(ctx), format="json").status_code == 405
        created_pk = None

    response = api.patch(detail, case.update, format="json")
    assert response.status_code == 200, response.json()
    existing.refresh_from_db()
    for field, value in case.update.items():
        assert getattr(existing, field) == value

    if created_pk is not None:
        assert api.delete(f"{case.api_path}{created_pk}/").status_code == 204
        assert not case.model.objects.filter(pk=created_pk).exists()


def check_api_invalid_input(case: ModelCase, ctx, api) -> None:
    """Blank or unknown values give 400 with field errors."""
    data = {
        key: ("" if not isinstance(value, list) else ["not-a-pk"])
        for key, value in case.create(ctx).items()
    }
    response = api.post(case.api_path, data, format="json")
    assert response.status_code == 400
    assert set(response.json()) & set(data), response.json()


def check_isolation(case: ModelCase, ctx, client, api) -> None:
    """``client`` and ``api`` belong to a user of ecosystem B only: every page and API
    address of an object of ecosystem A is a 404, and no list mentions it."""
    target = case.existing(ctx)
    pk = {"pk": target.pk}
    assert client.get(reverse(case.model.url_name(), kwargs=pk)).status_code == 404
    for name in ("edit", "delete"):
        url = reverse(case.model.url_name(name), kwargs=pk)
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"name": "hijacked"}).status_code == 404, url
    detail = f"{case.api_path}{target.pk}/"
    assert api.get(detail).status_code == 404
    assert api.patch(detail, {"name": "hijacked"}, format="json").status_code == 404
    assert api.put(detail, {"name": "hijacked"}, format="json").status_code == 404
    assert api.delete(detail).status_code == 404
    assert case.model.objects.filter(pk=target.pk).exists()

    listed = [row["id"] for row in api.get(case.api_path, {"limit": 1000}).json()["results"]]
    assert target.pk not in listed
    page = client.get(reverse(case.model.url_name("list"))).content.decode()
    assert f'href="{target.get_absolute_url()}"' not in page


def _some_rows(case: ModelCase, ctx) -> None:
    # An empty list skips its prefetches: the baseline must have rows to be fair.
    case.existing(ctx)
    case.bulk(ctx, 2)


def check_list_queries(case: ModelCase, ctx, client, query_count) -> None:
    _some_rows(case, ctx)
    url = reverse(case.model.url_name("list"))
    client.get(url)  # warm the session
    query_count.constant(lambda: client.get(url), grow=lambda: case.bulk(ctx, 20))


def check_api_list_queries(case: ModelCase, ctx, api, query_count) -> None:
    _some_rows(case, ctx)
    response = query_count.constant(lambda: api.get(case.api_path), grow=lambda: case.bulk(ctx, 20))
    assert response.json()["count"] >= 20


# --- Records the system writes (logs, derived rows): listed and read, never edited -------


def _record_pages(case: ModelCase, pk) -> dict[str, str]:
    """The record's own pages that exist: a record may have a detail or a delete page,
    or be shown only in its list (and on its parent's page)."""
    urls = {}
    for name in ("", "edit", "delete"):
        try:
            urls[name] = reverse(case.model.url_name(name), kwargs={"pk": pk})
        except NoReverseMatch:
            continue
    return urls


def check_api_read(case: ModelCase, ctx, api) -> None:
    """A record is listed and read through the API; writing it there is refused (4xx)
    and changes nothing."""
    existing = case.existing(ctx)
    response = api.get(case.api_path, {"limit": 1000})
    assert response.status_code == 200
    assert existing.pk in [row["id"] for row in response.json()["results"]]
    detail = f"{case.api_path}{existing.pk}/"
    if case.api_detail:
        body = api.get(detail).json()
        assert body["id"] == existing.pk and body["display"] == str(existing)
    stored = case.model.objects.filter(pk=existing.pk).values().get()
    count = case.model.objects.count()
    for method in (api.patch, api.put):
        answer = method(detail, {"id": existing.pk}, format="json")
        assert answer.status_code == (405 if case.api_detail else 404), answer
    answer = api.post(case.api_path, {}, format="json")
    assert 400 <= answer.status_code < 500, answer
    assert case.model.objects.filter(pk=existing.pk).values().get() == stored
    assert case.model.objects.count() == count


def check_record_isolation(case: ModelCase, ctx, client, api) -> None:
    """``check_isolation`` for a record: each of its pages that exists and its API
    address are a 404 (or a 405 for a method no one may use), and no list shows it."""
    target = case.existing(ctx)
    for name, url in _record_pages(case, target.pk).items():
        assert client.get(url).status_code == 404, url
        if name:  # the edit and delete pages take a POST
            assert client.post(url).status_code == 404, url
    detail = f"{case.api_path}{target.pk}/"
    assert api.get(detail).status_code == 404
    for method in (api.patch, api.put, api.delete):
        assert method(detail, {}, format="json").status_code in (404, 405)
    assert case.model.objects.filter(pk=target.pk).exists()

    listed = [row["id"] for row in api.get(case.api_path, {"limit": 1000}).json()["results"]]
    assert target.pk not in listed
    page = client.get(reverse(case.model.url_name("list"))).content.decode()
    assert f'href="{target.get_absolute_url()}"' not in page
