"""The RACI matrix: its list and edit pages, the grid editor (cells saved in place with
htmx), approval and versions, acknowledgements, activities and columns."""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from core.db import subquery_count
from core.history import history_entries
from core.querysets import ADD, CHANGE, VIEW
from core.views import (
    ObjectActionMixin,
    ObjectActionView,
    ObjectDeleteView,
    ObjectEditView,
    ObjectListView,
)

from .. import filtersets, forms, rules, services, tables
from ..choices import MatrixStatusChoices
from ..models import (
    RaciActivity,
    RaciAssignment,
    RaciColumn,
    RaciMatrix,
)
from .common import DocumentApproveView, DocumentNewVersionView, _person_of

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


class ApproveView(DocumentApproveView, MatrixMixin):
    approve = staticmethod(services.approve)


class NewVersionView(DocumentNewVersionView, MatrixMixin):
    new_version = staticmethod(services.new_version)


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
