"""The identity access matrix: which role may do what with each data object, its grants, approval, versions,
comparison and export."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.views import View

from core.db import subquery_count
from core.history import history_entries
from core.querysets import ADD, CHANGE
from core.views import (
    ObjectDeleteView,
    ObjectEditView,
    ObjectListView,
)

from .. import filtersets, forms, identity, tables
from ..choices import AccessLevelChoices
from ..models import (
    AccessGrant,
    AccessMatrix,
    DataObject,
    Role,
)
from .common import EXPORT_TYPES, DocumentApproveView, DocumentNewVersionView, _download
from .matrices import MatrixMixin


class AccessMatrixListView(ObjectListView):
    queryset = AccessMatrix.objects.select_related("ecosystem", "approved_by")
    filterset = filtersets.AccessMatrixFilterSet
    table = tables.AccessMatrixTable

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                grant_count=subquery_count(
                    AccessGrant.objects.exclude(level="none"), matrix_id="pk"
                )
            )
        )


class AccessMatrixEditView(ObjectEditView):
    queryset = AccessMatrix.objects.all()
    form = forms.AccessMatrixForm


class AccessMatrixDeleteView(ObjectDeleteView):
    queryset = AccessMatrix.objects.all()


class AccessMatrixMixin(MatrixMixin):
    queryset = AccessMatrix.objects.select_related("ecosystem", "approved_by")


class AccessMatrixView(AccessMatrixMixin, View):
    def get(self, request, pk):

        matrix = self.get_object(pk)
        grid = identity.load(matrix)
        restricted = AccessMatrix.objects.restrict
        versions = list(
            restricted(request.user).filter(ecosystem=matrix.ecosystem).order_by("-version")
        )
        context = {
            "object": matrix,
            "grid": grid,
            "rows": list(grid.rows()),
            "flags": grid.flags(),
            "levels": AccessLevelChoices.choices,
            "may_change": restricted(request.user, CHANGE).filter(pk=pk).exists(),
            "may_govern": restricted(request.user, ADD).filter(pk=pk).exists(),
            "versions": versions,
            "history": history_entries(matrix),
        }
        return render(request, "raci/accessmatrix.html", context)


class GrantView(AccessMatrixMixin, View):
    required_action = CHANGE

    def post(self, request, pk, role, data_object):
        matrix = self.get_object(pk)
        role = get_object_or_404(
            Role.objects.select_related("ecosystem"), pk=role, ecosystem_id=matrix.ecosystem_id
        )
        obj = get_object_or_404(DataObject, pk=data_object, ecosystem_id=matrix.ecosystem_id)
        form = forms.GrantForm(request.POST)
        error = None
        level = request.POST.get("level", "")
        if form.is_valid():
            level = identity.set_level(matrix, role, obj, form.cleaned_data["level"])
        else:
            error = " ".join(form.errors["level"])
        grid = identity.load(matrix)
        context = {
            "object": matrix,
            "role": role,
            "data_object": obj,
            "level": level,
            "levels": AccessLevelChoices.choices,
            "flagged": any(r == role and o == obj for r, o, _ in grid.flags()),
            "flags": grid.flags(),
            "error": error,
        }
        return render(request, "raci/inc/grant_response.html", context)


class AccessApproveView(DocumentApproveView, AccessMatrixMixin):
    approve = staticmethod(identity.approve)


class AccessNewVersionView(DocumentNewVersionView, AccessMatrixMixin):
    new_version = staticmethod(identity.new_version)


class AccessCompareView(AccessMatrixMixin, View):
    def get(self, request, pk):
        matrix = self.get_object(pk)
        versions = list(
            AccessMatrix.objects.restrict(request.user)
            .filter(ecosystem=matrix.ecosystem)
            .order_by("-version")
        )
        others = [v for v in versions if v.pk != matrix.pk]
        if not others:
            messages.info(request, "The access matrix has only one version.")
            return redirect(matrix.get_absolute_url())
        other = next((v for v in others if str(v.pk) == request.GET.get("with")), others[0])
        old, new = sorted((matrix, other), key=lambda m: m.version)
        changes = identity.compare(old, new)
        return render(
            request,
            "raci/access_compare.html",
            {"object": matrix, "old": old, "new": new, "versions": versions, "changes": changes},
        )


class AccessExportView(AccessMatrixMixin, View):
    def get(self, request, pk, fmt):
        matrix = self.get_object(pk)
        if fmt not in EXPORT_TYPES:
            raise Http404("Unknown export format")
        data = identity.export_dataset(matrix)
        name = f"access-matrix-{slugify(matrix.ecosystem.name)}-v{matrix.version}.{fmt}"
        return _download(data.export(fmt), name, EXPORT_TYPES[fmt])
