"""Reading a RACI matrix another way: two versions compared, the workload analysis,
export (CSV, XLSX, PDF), import, and saving it as a template."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.views import View

from core.charts import heatmap
from core.imports import read_table
from core.pdf import render_pdf
from core.querysets import ADD, CHANGE

from .. import exchange, forms, rules, services
from ..analysis import analyse
from ..models import (
    RaciMatrix,
)
from .common import EXPORT_TYPES, _download
from .matrices import MatrixMixin, grid_context


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
        analysis = analyse(services.load(matrix, holders=True))
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
        data = exchange.export_dataset(matrix)
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
                result = exchange.import_dataset(matrix, data)
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
