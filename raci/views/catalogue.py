"""Roles, matrix templates and data objects: the generic list / detail / edit / delete."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.urls import reverse

from core.db import subquery_count
from core.views import (
    ObjectDeleteView,
    ObjectEditView,
    ObjectListView,
    ObjectView,
)

from .. import filtersets, forms, tables
from ..models import (
    DataObject,
    RaciColumn,
    RaciMatrix,
    RaciTemplate,
    Role,
)

# --- Roles -------------------------------------------------------------------------------------


class RoleListView(ObjectListView):
    queryset = Role.objects.select_related("organisation", "ecosystem")
    filterset = filtersets.RoleFilterSet
    table = tables.RoleTable

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                holder_count=subquery_count(Role.holders.through.objects.all(), role_id="pk"),
                column_count=subquery_count(RaciColumn.objects.all(), role_id="pk"),
            )
        )


class RoleView(ObjectView):
    queryset = Role.objects.select_related("organisation", "ecosystem")
    template_name = "raci/role.html"

    def get_extra_context(self, request, instance):
        return {
            "holders": instance.holders.select_related("organisation"),
            "matrices": RaciMatrix.objects.restrict(request.user)
            .filter(columns__role=instance)
            .order_by("name", "-version"),
        }


class RoleEditView(ObjectEditView):
    queryset = Role.objects.all()
    form = forms.RoleForm


class RoleDeleteView(ObjectDeleteView):
    queryset = Role.objects.all()


# --- Templates ----------------------------------------------------------------------------------


class RaciTemplateListView(ObjectListView):
    queryset = RaciTemplate.objects.select_related("owner")
    filterset = filtersets.RaciTemplateFilterSet
    table = tables.RaciTemplateTable

    def may_add(self):
        return False  # templates are saved from a matrix ("save as template")


class RaciTemplateView(ObjectView):
    queryset = RaciTemplate.objects.select_related("owner")
    template_name = "raci/racitemplate.html"

    def get_extra_context(self, request, instance):
        content = instance.content or {}
        columns = [c["name"] for c in content.get("columns", [])]
        rows = [
            (a.get("phase", ""), a["name"], [a.get("cells", {}).get(c, "") for c in columns])
            for a in content.get("activities", [])
        ]
        layers = [c.get("layer", "") for c in content.get("columns", [])]
        return {
            "template_columns": list(zip(columns, layers, strict=True)),
            "template_rows": rows,
            "use_url": f"{reverse('raci:racimatrix_add')}?start_from={instance.pk}&name={instance.name}",
        }


class RaciTemplateEditView(ObjectEditView):
    queryset = RaciTemplate.objects.all()
    form = forms.RaciTemplateForm

    def get_object(self, pk):
        if pk is None:
            raise PermissionDenied("Save a matrix as a template to add one.")
        return super().get_object(pk)


class RaciTemplateDeleteView(ObjectDeleteView):
    queryset = RaciTemplate.objects.all()


# --- Data objects and the identity access matrix ----------------------------------------------


class DataObjectListView(ObjectListView):
    queryset = DataObject.objects.select_related("ecosystem")
    filterset = filtersets.DataObjectFilterSet
    table = tables.DataObjectTable


class DataObjectView(ObjectView):
    queryset = DataObject.objects.select_related("ecosystem")


class DataObjectEditView(ObjectEditView):
    queryset = DataObject.objects.all()
    form = forms.DataObjectForm


class DataObjectDeleteView(ObjectDeleteView):
    queryset = DataObject.objects.all()
