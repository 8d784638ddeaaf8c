"""Template helpers shared by every page."""

from django import template
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join

register = template.Library()

_HIDDEN = {"id", "created", "last_updated"}
#: Never on a page, whatever the model: secrets at rest, even encrypted or hashed.
_SECRET = {"secret_encrypted", "token_hash"}


def _link(obj):
    url = obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else None
    return format_html('<a href="{}">{}</a>', url, obj) if url else format_html("{}", obj)


def _visible(related_model, user, pks) -> set:
    """Which of ``pks`` the user may see; one query per relation field, not per row."""
    if not pks or not hasattr(related_model.objects, "restrict") or user is None:
        return set(pks)
    return set(related_model.objects.restrict(user).filter(pk__in=pks).values_list("pk", flat=True))


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
    skipped = _HIDDEN | _SECRET | {name.strip() for name in exclude.split(",") if name.strip()}
    rows = []
    for field in obj._meta.get_fields():
        if field.name in skipped or field.auto_created or not getattr(field, "concrete", False):
            continue
        label = field.verbose_name[:1].upper() + field.verbose_name[1:]
        if field.many_to_many:
            related = list(getattr(obj, field.name).all())
            shown = _visible(field.related_model, user, [item.pk for item in related])
            related = [item for item in related if item.pk in shown]
            value = (
                format_html_join(", ", "{}", ((_link(item),) for item in related))
                if related
                else None
            )
        elif field.is_relation:
            related = getattr(obj, field.name)
            if related is not None and not _visible(field.related_model, user, [related.pk]):
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
