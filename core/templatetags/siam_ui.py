"""Template helpers shared by every page."""

from collections import defaultdict

from django import template
from django.db import models
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from core.registry import panels_for

register = template.Library()

_HIDDEN = {"id", "created", "last_updated"}


def _link(obj):
    url = obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else None
    return format_html('<a href="{}">{}</a>', url, obj) if url else format_html("{}", obj)


def _visible_related(obj, fields, user) -> dict:
    """related model -> pks of ``obj``'s related records the user may see.

    One query per related model (not per field or row), none for a superuser or for
    models without an access rule.
    """
    wanted = defaultdict(set)
    for field in fields:
        if field.many_to_many:
            wanted[field.related_model].update(item.pk for item in getattr(obj, field.name).all())
        elif field.is_relation and getattr(obj, field.attname) is not None:
            wanted[field.related_model].add(getattr(obj, field.attname))
    checked = user is not None and not user.is_superuser
    return {
        model: (
            set(model.objects.restrict(user).filter(pk__in=pks).values_list("pk", flat=True))
            if checked and pks and hasattr(model.objects, "restrict")
            else pks
        )
        for model, pks in wanted.items()
    }


@register.simple_tag(takes_context=True)
def object_fields(context, obj, exclude=""):
    """(label, value) pairs for a detail page, in model order.

    Related objects must already be loaded by the view (select_related /
    prefetch_related); this tag only reads them. A related record the user may not see
    (an organisation outside their ecosystems that registered this one) is left out:
    a page never names what the access rule hides.
    """
    request = context.get("request")
    user = getattr(request, "user", None)
    # A model names its secrets at rest (even encrypted or hashed): never on a page.
    secrets = set(getattr(type(obj), "secret_fields", ()))
    skipped = _HIDDEN | secrets | {name.strip() for name in exclude.split(",") if name.strip()}
    fields = [
        f
        for f in obj._meta.get_fields()
        if f.name not in skipped and not f.auto_created and getattr(f, "concrete", False)
    ]
    visible = _visible_related(obj, fields, user)
    rows = []
    for field in fields:
        label = field.verbose_name[:1].upper() + field.verbose_name[1:]
        if field.many_to_many:
            related = list(getattr(obj, field.name).all())
            related = [item for item in related if item.pk in visible[field.related_model]]
            value = (
                format_html_join(", ", "{}", ((_link(item),) for item in related))
                if related
                else None
            )
        elif field.is_relation:
            related = getattr(obj, field.name)
            if related is not None and related.pk not in visible[field.related_model]:
                related = None
            value = _link(related) if related is not None else None
        elif field.choices:
            value = getattr(obj, f"get_{field.name}_display")()
        elif isinstance(field, models.URLField):
            raw = getattr(obj, field.name)
            value = format_html('<a href="{}" rel="noopener">{}</a>', raw, raw) if raw else None
        elif isinstance(field, models.JSONField):
            raw = getattr(obj, field.name)
            value = ", ".join(map(str, raw)) if isinstance(raw, list) else raw
        else:
            value = getattr(obj, field.name)
        rows.append((label, value, field.help_text))
    return rows


@register.simple_tag
def model_url(model_or_obj, suffix="", pk=None):
    name = model_or_obj.url_name(suffix)
    try:
        return reverse(name, kwargs={"pk": pk}) if pk is not None else reverse(name)
    except NoReverseMatch:
        return ""


@register.simple_tag(takes_context=True)
def querystring_without(context, *keys):
    params = context["request"].GET.copy()
    for key in keys:
        params.pop(key, None)
    return params.urlencode()


@register.filter
def verbose_plural(model):
    return model._meta.verbose_name_plural


@register.simple_tag
def pdf_static(path):
    """A static file as a local ``file:`` URL, for PDF templates (see ``core.pdf``)."""
    from core.pdf import static_file_url

    return static_file_url(path)


@register.simple_tag(takes_context=True)
def panels(context, instance, slot):
    """The panels other apps contribute to this page's ``slot`` (``core.registry.Panel``)."""
    request = context.get("request")
    rendered = []
    for panel, panel_context in panels_for(instance._meta.label_lower, slot):
        values = panel_context(request, instance)
        if values is not None:
            rendered.append(
                render_to_string(panel.template, {"object": instance, **values}, request=request)
            )
    return mark_safe("".join(rendered))
