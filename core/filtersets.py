"""FilterSet machinery shared by UI lists and API lists."""

from functools import reduce
from operator import or_

import django_filters
from django import forms
from django.db.models import Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from core.forms.base import StyledFormMixin


class CheckboxList(forms.CheckboxSelectMultiple):
    """Multiple choices as a short list of Bootstrap checkboxes rather than a list box."""

    template_name = "forms/checkbox_list.html"
    option_template_name = "forms/checkbox_option.html"


CHECKBOXES = CheckboxList()


def restricted_queryset(model, select_related=()):
    """Choices for a related-object filter: only what the requesting user may see.

    Without this, a filter's drop-down would list every ecosystem in the database.
    ``select_related`` names what the choices' labels read (one query for them all).
    """

    def queryset(request):
        user = getattr(request, "user", None)
        return model.objects.restrict(user).select_related(*select_related)

    return queryset


@extend_schema_field(OpenApiTypes.INT)
class RestrictedModelChoiceFilter(django_filters.ModelChoiceFilter):
    def __init__(self, *args, model=None, select_related=(), **kwargs):
        kwargs.setdefault("queryset", restricted_queryset(model, select_related))
        super().__init__(*args, **kwargs)


@extend_schema_field({"type": "array", "items": {"type": "integer"}})
class RestrictedModelMultipleChoiceFilter(django_filters.ModelMultipleChoiceFilter):
    def __init__(self, *args, model=None, **kwargs):
        kwargs.setdefault("queryset", restricted_queryset(model))
        super().__init__(*args, **kwargs)


class FilterForm(StyledFormMixin, forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style_widgets()


class BaseFilterSet(django_filters.FilterSet):
    """``q`` searches the model's ``search_fields``; every other filter is declared per model."""

    search_fields: tuple[str, ...] = ()

    q = django_filters.CharFilter(method="search", label="Search")

    class Meta:
        form = FilterForm

    def search(self, queryset, name, value):
        value = value.strip()
        condition = self.search_condition(value) if value else None
        return queryset if condition is None else queryset.filter(condition)

    def search_condition(self, value: str) -> Q | None:
        """What ``q`` matches; a filter set extends it for what its fields cannot say
        (a child row matching, without joining one result row per child)."""
        if not self.search_fields:
            return None
        return reduce(or_, (Q(**{f"{f}__icontains": value}) for f in self.search_fields))
