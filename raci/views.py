"""RACI views: the generic list / detail / edit / delete for roles, matrices, templates,
data objects and access matrices, plus the matrix's own pages — the grid editor (cells
saved in place with htmx), approval and versions, comparison, workload analysis,
acknowledgements, import and export (CSV, XLSX, PDF)."""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views import View

from core.charts import heatmap
from core.db import subquery_count
from core.history import history_entries
from core.imports import read_table
from core.pdf import render_pdf
from core.querysets import ADD, CHANGE, VIEW
from core.views import (
    ObjectActionMixin,
    ObjectActionView,
    ObjectDeleteView,
    ObjectEditView,
    ObjectListView,
    ObjectView,
)
from siam.models import Person

from . import filtersets, forms, identity, rules, services, tables
from .choices import AccessLevelChoices, MatrixStatusChoices
from .models import (
    AccessGrant,
    AccessMatrix,
    DataObject,
    RaciActivity,
    RaciAssignment,
    RaciColumn,
    RaciMatrix,
    RaciTemplate,
    Role,
)
from .versioning import DraftExists

EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _download(content, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _person_of(user):
    return Person.objects.filter(user=user).first() if user.is_authenticated else None


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


# --- Matrices: list, create, edit, delete ----------------------------------------------------


class RaciMatrixListView(ObjectListView):
    queryset = RaciMatrix.objects.select_related("ecosystem", "approved_by")
    filterset = filtersets.RaciMatrixFilterSet
    table = tables.RaciMatrixTable

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                activity_count=subquery_count(RaciActivity.objects.all(), matrix_id="pk"),
                column_count=subquery_count(RaciColumn.objects.all(), matrix_id="pk"),
            )
        )


class RaciMatrixEditView(ObjectEditView):
    queryset = RaciMatrix.objects.all()
    form = forms.RaciMatrixForm


class RaciMatrixDeleteView(ObjectDeleteView):
    queryset = RaciMatrix.objects.all()


# --- Matrices: the grid ----------------------------------------------------------------------


def grid_context(loaded: services.LoadedMatrix, editable: bool) -> dict:
    """Rows grouped by phase, each cell with its letters, and every finding attached to
    its row, its column or the cell it is about. Pure work on the loaded matrix."""
    findings = loaded.findings()
    by_row, by_column, by_cell = defaultdict(list), defaultdict(list), set()
    for f in findings:
        if f.activity_id is not None:
            by_row[f.activity_id].append(f)
            if f.column_id is not None:
                by_cell.add((f.activity_id, f.column_id))
        elif f.column_id is not None:
            by_column[f.column_id].append(f)
    eco = loaded.matrix.ecosystem
    columns = [
        {
            "column": c,
            "layer": services.column_layer(c, eco),
            "findings": by_column[c.pk],
            "has_error": any(f.level == rules.Level.ERROR for f in by_column[c.pk]),
        }
        for c in loaded.columns
    ]
    phases, current = [], None
    for a in loaded.activities:
        if current is None or current["phase"] != a.phase:
            current = {"phase": a.phase, "rows": []}
            phases.append(current)
        cells = []
        for c in loaded.columns:
            cell = loaded.cells.get((a.pk, c.pk))
            cells.append(
                {
                    "activity": a,
                    "column": c,
                    "letters": cell.letters if cell else "",
                    "acknowledged": bool(cell and cell.acknowledged_at),
                    "flagged": (a.pk, c.pk) in by_cell,
                }
            )
        current["rows"].append(
            {
                "activity": a,
                "cells": cells,
                "findings": by_row[a.pk],
                "has_error": any(f.level == rules.Level.ERROR for f in by_row[a.pk]),
            }
        )
    variant = loaded.variant
    return {
        "matrix": loaded.matrix,
        "editable": editable,
        "phases": phases,
        "columns": columns,
        "errors": [f for f in findings if f.level == rules.Level.ERROR],
        "warnings": [f for f in findings if f.level == rules.Level.WARNING],
        "legend": list(variant.letters.items()),
        "allowed_values": variant.values,
        "activity_names": {a.pk: a.name for a in loaded.activities},
    }


class MatrixMixin(ObjectActionMixin):
    """Resolve the matrix of the URL by the one 404/403 rule.

    ``required_action``: VIEW (anyone who sees it), CHANGE (its content: drafts, by
    the integrator's editors) or ADD (govern it: approve, start a version, save as
    template).
    """

    queryset = RaciMatrix.objects.select_related("ecosystem", "approved_by")
    required_action = VIEW

    def denied_message(self, instance, action):
        if action == CHANGE and instance.is_frozen:
            return "This version is approved and frozen: start a new version to change it."
        return super().denied_message(instance, action)

    def may(self, matrix, action) -> bool:
        return self.restricted(action).filter(pk=matrix.pk).exists()


class RaciMatrixView(MatrixMixin, View):
    def get(self, request, pk):
        matrix = self.get_object(pk)
        loaded = services.load(matrix, holders=True)
        may_change = self.may(matrix, CHANGE)
        may_govern = self.may(matrix, ADD)
        versions = list(
            RaciMatrix.objects.restrict(request.user)
            .filter(lineage=matrix.lineage)
            .select_related("approved_by")
            .order_by("-version")
        )
        person = _person_of(request.user)
        mine = services.holder_columns(loaded, person)
        my_pending = [
            cell
            for (a, c), cell in loaded.cells.items()
            if c in mine and cell.acknowledged_at is None
        ]
        context = {
            **grid_context(loaded, editable=may_change),
            "object": matrix,
            "may_change": may_change,
            "may_govern": may_govern,
            "versions": versions,
            "latest_version": versions[0].version if versions else matrix.version,
            "my_pending": len(my_pending),
            "holds_roles": bool(mine),
            "unacknowledged": services.unacknowledged(matrix)
            if matrix.status == MatrixStatusChoices.APPROVED
            else [],
            "activity_form": forms.ActivityForm(matrix=matrix) if may_change else None,
            "column_form": forms.ColumnForm(matrix=matrix, user=request.user)
            if may_change
            else None,
            "history": history_entries(matrix),
        }
        return render(request, "raci/racimatrix.html", context)


class CellView(MatrixMixin, View):
    """POST one cell's letters; answers with the cell and, out of band, every row's and
    column's findings and the summary, so the page stays in step without a reload."""

    required_action = CHANGE

    def post(self, request, pk, activity, column):
        matrix = self.get_object(pk)
        activity = get_object_or_404(RaciActivity, pk=activity, matrix=matrix)
        column = get_object_or_404(
            RaciColumn.objects.select_related("role", "person"), pk=column, matrix=matrix
        )
        value = request.POST.get("value", "")
        error = None
        try:
            value = services.set_cell(matrix, activity, column, value)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        loaded = services.load(matrix)
        context = grid_context(loaded, editable=True)
        cell = {
            "activity": activity,
            "column": column,
            "letters": value,
            "acknowledged": False,
            "flagged": False,
        }
        context.update(cell=cell, cell_error=error, oob=True)
        if not error:
            context["flash"] = f"Saved {activity.name} × {column}: {value or 'empty'}."
        return render(request, "raci/inc/cell_response.html", context)


class DocumentApproveView(ObjectActionView):
    """Approve a draft version of a versioned document (``raci.versioning``) through
    its service; refusals (rule errors, frozen) come back as messages."""

    required_action = ADD
    approve = None  # the service: (document, user) -> document

    def perform(self, request, document):
        type(self).approve(document, request.user)
        messages.success(request, f"Approved {document}: this version is now frozen.")


class DocumentNewVersionView(ObjectActionView):
    """Start the next version as a draft; while one is a draft, go there instead."""

    required_action = ADD
    new_version = None  # the service: (document, user) -> draft, or DraftExists

    def perform(self, request, document):
        try:
            draft = type(self).new_version(document, request.user)
        except DraftExists as exc:
            messages.info(request, f"Version {exc.draft.version} is already a draft: edit it.")
            return redirect(exc.draft.get_absolute_url())
        messages.success(request, f"Started version {draft.version} as a draft.")
        return redirect(draft.get_absolute_url())


class ApproveView(DocumentApproveView, MatrixMixin):
    approve = staticmethod(services.approve)


class NewVersionView(DocumentNewVersionView, MatrixMixin):
    new_version = staticmethod(services.new_version)


class CompareView(MatrixMixin, View):
    def get(self, request, pk):
        matrix = self.get_object(pk)
        versions = list(
            RaciMatrix.objects.restrict(request.user)
            .filter(lineage=matrix.lineage)
            .order_by("-version")
        )
        other_pk = request.GET.get("with")
        others = [v for v in versions if v.pk != matrix.pk]
        if not others:
            messages.info(request, "This matrix has only one version.")
            return redirect(matrix.get_absolute_url())
        other = next((v for v in others if str(v.pk) == other_pk), others[0])
        old, new = sorted((matrix, other), key=lambda m: m.version)
        old_loaded, new_loaded = services.load(old), services.load(new)
        old_cells, new_cells = old_loaded.keyed_cells(), new_loaded.keyed_cells()
        changes = rules.diff(old_cells, new_cells)
        activities = list(
            dict.fromkeys(
                [a.name for a in new_loaded.activities] + [a.name for a in old_loaded.activities]
            )
        )
        columns = list(
            dict.fromkeys(
                [c.label for c in new_loaded.columns] + [c.label for c in old_loaded.columns]
            )
        )
        new_activities = {a.name for a in new_loaded.activities}
        old_activities = {a.name for a in old_loaded.activities}
        rows = []
        for name in activities:
            cells = []
            for label in columns:
                before, after = old_cells.get((name, label), ""), new_cells.get((name, label), "")
                state = (
                    "same" if before == after
                    else "added" if not before
                    else "removed" if not after
                    else "changed"
                )  # fmt: skip
                cells.append({"before": before, "after": after, "state": state})
            row_state = (
                "added" if name not in old_activities
                else "removed" if name not in new_activities
                else ""
            )  # fmt: skip
            rows.append({"name": name, "cells": cells, "state": row_state})
        context = {
            "object": matrix,
            "old": old,
            "new": new,
            "versions": versions,
            "columns": columns,
            "rows": rows,
            "counts": {key: len(value) for key, value in changes.items()},
        }
        return render(request, "raci/compare.html", context)


class AnalysisView(MatrixMixin, View):
    def get(self, request, pk):
        matrix = self.get_object(pk)
        analysis = services.analyse(services.load(matrix, holders=True))
        letters = list(analysis.letters)
        role_chart = heatmap(
            [c.label for c, _, _ in analysis.per_column],
            letters,
            [[counts[letter] for letter in letters] for _, counts, _ in analysis.per_column],
            f"Load per role in {matrix}",
            maximum=analysis.max_load,
        )
        person_chart = (
            heatmap(
                [f"{p} ({p.organisation})" for p, _, _ in analysis.per_person],
                letters,
                [[counts[letter] for letter in letters] for _, counts, _ in analysis.per_person],
                f"Load per person in {matrix}",
                maximum=analysis.max_load,
            )
            if analysis.per_person
            else ""
        )
        owned_total = sum(analysis.owners_by_layer.values()) or 1
        context = {
            "object": matrix,
            "analysis": analysis,
            "letters": letters,
            "role_chart": role_chart,
            "person_chart": person_chart,
            "owner_shares": [
                (layer, count, round(100 * count / owned_total))
                for layer, count in analysis.owners_by_layer.items()
            ],
            "owner_letter": rules.VARIANTS[matrix.variant].owner_letter,
        }
        return render(request, "raci/analysis.html", context)


class ExportView(MatrixMixin, View):
    def get(self, request, pk, fmt):
        matrix = self.get_object(pk)
        name = f"{slugify(matrix.name)}-v{matrix.version}"
        if fmt == "pdf":
            loaded = services.load(matrix)
            grid = grid_context(loaded, editable=False)
            # One page: pick A4 or A3 landscape and shrink the type so every row fits.
            lines = len(loaded.activities) + len(grid["phases"]) + 4
            page, height = ("A4", 595) if lines <= 40 else ("A3", 842)
            per_line = (height - 150) / lines  # points left for each table line
            font_pt = max(4.5, min(9.0, (per_line - 2.6) / 1.25))
            context = {
                **grid,
                "object": matrix,
                "generated_at": timezone.now(),
                "variant_name": loaded.variant.name,
                "font_pt": round(font_pt, 1),
                "page_size": page,
                "head_pt": round(max(4.5, min(font_pt, 8.0)), 1),
            }
            return _download(
                render_pdf("raci/matrix_pdf.html", context), f"{name}.pdf", "application/pdf"
            )
        if fmt not in EXPORT_TYPES:
            raise Http404("Unknown export format")
        data = services.export_dataset(matrix)
        return _download(data.export(fmt), f"{name}.{fmt}", EXPORT_TYPES[fmt])


class ImportView(MatrixMixin, View):
    required_action = CHANGE

    def get(self, request, pk):
        matrix = self.get_object(pk)
        return render(request, "raci/import.html", {"object": matrix, "form": forms.ImportForm()})

    def post(self, request, pk):
        matrix = self.get_object(pk)
        form = forms.ImportForm(request.POST, request.FILES)
        problems = []
        if form.is_valid():
            try:
                data = read_table(form.cleaned_data["file"])
            except ValidationError as exc:
                form.add_error("file", exc)
            else:
                result = services.import_dataset(matrix, data)
                if not result.errors:
                    messages.success(
                        request,
                        f"Imported {result.activities} activities and {result.cells} cells.",
                    )
                    return redirect(matrix.get_absolute_url())
                problems = result.errors
        context = {"object": matrix, "form": form, "problems": problems}
        return render(request, "raci/import.html", context, status=422)


class SaveAsTemplateView(MatrixMixin, View):
    required_action = ADD

    def render_form(self, request, matrix, form, status=200):
        return render(
            request, "raci/save_template.html", {"object": matrix, "form": form}, status=status
        )

    def get(self, request, pk):
        matrix = self.get_object(pk)
        return self.render_form(
            request, matrix, forms.SaveAsTemplateForm(initial={"name": matrix.name})
        )

    def post(self, request, pk):
        matrix = self.get_object(pk)
        form = forms.SaveAsTemplateForm(request.POST)
        if not form.is_valid():
            return self.render_form(request, matrix, form, status=422)
        template = services.save_as_template(
            matrix,
            form.cleaned_data["name"],
            owner=matrix.ecosystem.integrator,
            description=form.cleaned_data["description"],
        )
        messages.success(request, f"Saved “{template}” as a template.")
        return redirect(template.get_absolute_url())


class AcknowledgeView(MatrixMixin, ObjectActionView):
    """Anyone who sees an approved matrix acknowledges what they hold in it; the
    service refuses those who hold nothing."""

    required_action = VIEW

    def perform(self, request, matrix):
        ids = request.POST.getlist("assignment") or None
        count = services.acknowledge(matrix, _person_of(request.user), ids)
        messages.success(request, f"Acknowledged {count} assignment{'s' if count != 1 else ''}.")


class MyAssignmentsView(View):
    """What the signed-in person holds in approved matrices, and what awaits their
    acknowledgement."""

    def get(self, request):
        person = _person_of(request.user)
        cells = RaciAssignment.objects.none()
        if person is not None:
            visible = RaciMatrix.objects.restrict(request.user).filter(
                status=MatrixStatusChoices.APPROVED
            )
            cells = (
                RaciAssignment.objects.filter(activity__matrix__in=visible)
                .filter(Q(column__person=person) | Q(column__role__holders=person))
                .select_related("activity__matrix__ecosystem", "column__role", "column__person")
                .order_by("activity__matrix__name", "activity__position")
                .distinct()
            )
        return render(request, "raci/my_assignments.html", {"cells": cells, "person": person})


# --- Matrices: activities and columns ---------------------------------------------------------


class ActivityEditView(MatrixMixin, View):
    required_action = CHANGE

    def get_activity(self, matrix, activity):
        if activity is None:
            return RaciActivity(matrix=matrix, position=matrix.activities.count())
        return get_object_or_404(RaciActivity, pk=activity, matrix=matrix)

    def get(self, request, pk, activity=None):
        matrix = self.get_object(pk)
        instance = self.get_activity(matrix, activity)
        form = forms.ActivityForm(instance=instance, matrix=matrix)
        return render(
            request,
            "raci/activity_edit.html",
            {"object": matrix, "activity": instance, "form": form},
        )

    def post(self, request, pk, activity=None):
        matrix = self.get_object(pk)
        instance = self.get_activity(matrix, activity)
        form = forms.ActivityForm(request.POST, instance=instance, matrix=matrix)
        if not form.is_valid():
            context = {"object": matrix, "activity": instance, "form": form}
            return render(request, "raci/activity_edit.html", context, status=422)
        if instance.pk:
            form.save()
        else:
            services.place_activity(form.save(commit=False))
        messages.success(request, f"Saved the activity “{form.instance.name}”.")
        return redirect(f"{matrix.get_absolute_url()}#activity-{form.instance.pk}")


class ActivityDeleteView(MatrixMixin, View):
    required_action = CHANGE

    def post(self, request, pk, activity):
        matrix = self.get_object(pk)
        instance = get_object_or_404(RaciActivity, pk=activity, matrix=matrix)
        instance.delete()
        messages.success(request, f"Removed the activity “{instance.name}”.")
        return redirect(matrix.get_absolute_url())


class ColumnAddView(MatrixMixin, View):
    required_action = CHANGE

    def post(self, request, pk):
        matrix = self.get_object(pk)
        form = forms.ColumnForm(request.POST, matrix=matrix, user=request.user)
        if form.is_valid():
            position = (
                matrix.columns.order_by("-position").values_list("position", flat=True).first() or 0
            ) + 1
            column = RaciColumn(matrix=matrix, position=position, **form.cleaned_data)
            column.full_clean()
            column.save()
            messages.success(request, f"Added the column {column.label}.")
        else:
            for errors in form.errors.values():
                messages.error(request, " ".join(errors))
        return redirect(matrix.get_absolute_url())


class ColumnDeleteView(MatrixMixin, View):
    required_action = CHANGE

    def post(self, request, pk, column):
        matrix = self.get_object(pk)
        instance = get_object_or_404(
            RaciColumn.objects.select_related("role__organisation", "person__organisation"),
            pk=column,
            matrix=matrix,
        )
        label = instance.label
        instance.delete()
        messages.success(request, f"Removed the column {label} and its letters.")
        return redirect(matrix.get_absolute_url())


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
