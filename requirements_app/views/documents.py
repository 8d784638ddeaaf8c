"""What is read across the items: the traceability matrix, import and export, and the
PDF specification."""

from __future__ import annotations

import tablib
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.views import View

from core.imports import read_table
from core.params import id_param
from core.pdf import render_pdf
from siam.models import Ecosystem

from .. import filtersets, imports, services
from ..choices import RequirementStatusChoices
from ..models import (
    BusinessRule,
    DesignQuestion,
    PainPoint,
    Requirement,
    UseCase,
    UserStory,
    Vision,
)

# --- Traceability, import, specification ------------------------------------------------------


class TraceabilityView(View):
    def get(self, request):
        requirements = Requirement.objects.restrict(request.user).select_related(
            "ecosystem", "owner"
        )
        filterset = filtersets.RequirementFilterSet(
            request.GET or None, queryset=requirements, request=request
        )
        if filterset.is_bound and filterset.is_valid():
            requirements = filterset.qs
        rows = services.traceability(requirements)
        gaps = sum(1 for row in rows if row.gaps)
        return render(
            request,
            "requirements_app/traceability.html",
            {"rows": rows, "filter_form": filterset.form, "gap_count": gaps},
        )


class ImportView(View):
    """Import requirements or user stories (CSV / XLSX) into one ecosystem, all or nothing."""

    KINDS = {"requirements": imports.import_requirements, "stories": imports.import_stories}

    def get_context(self, request, kind, form, problems=(), result=None):
        return {"kind": kind, "form": form, "problems": problems, "result": result}

    def get(self, request, kind):
        if kind not in self.KINDS:
            return HttpResponse(status=404)
        form = imports.ImportForm(user=request.user)
        return render(
            request, "requirements_app/import.html", self.get_context(request, kind, form)
        )

    def post(self, request, kind):
        if kind not in self.KINDS:
            return HttpResponse(status=404)
        form = imports.ImportForm(request.POST, request.FILES, user=request.user)
        problems = []
        if form.is_valid():
            try:
                data = read_table(form.cleaned_data["file"])
            except ValidationError as exc:
                form.add_error("file", exc)
            else:
                result = self.KINDS[kind](form.cleaned_data["ecosystem"], data, request.user)
                if not result.errors:
                    messages.success(
                        request, f"Imported: {result.created} created, {result.updated} updated."
                    )
                    return redirect(
                        f"requirements_app:{'requirement' if kind == 'requirements' else 'userstory'}_list"
                    )
                problems = result.errors
        return render(
            request,
            "requirements_app/import.html",
            self.get_context(request, kind, form, problems),
            status=422,
        )


class ExportView(View):
    """Requirements or stories in the import format, so an export imports back unchanged."""

    def get(self, request, kind, fmt):
        if kind not in ("requirements", "stories") or fmt not in ("csv", "xlsx"):
            return HttpResponse(status=404)
        ecosystem = get_object_or_404(
            Ecosystem.objects.restrict(request.user), pk=id_param(request.GET.get("ecosystem")) or 0
        )
        data: tablib.Dataset = (
            imports.export_requirements(ecosystem, request.user)
            if kind == "requirements"
            else imports.export_stories(ecosystem, request.user)
        )
        content_type = (
            "text/csv; charset=utf-8"
            if fmt == "csv"
            else ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        )
        response = HttpResponse(data.export(fmt), content_type=content_type)
        response["Content-Disposition"] = (
            f'attachment; filename="{slugify(ecosystem.name)}-{kind}.{fmt}"'
        )
        return response


class SpecificationView(View):
    """The requirements specification of an ecosystem as a PDF."""

    def get(self, request, pk):
        ecosystem = get_object_or_404(
            Ecosystem.objects.restrict(request.user).select_related("customer", "integrator"), pk=pk
        )
        user = request.user
        requirements = (
            Requirement.objects.restrict(user).filter(ecosystem=ecosystem).select_related("owner")
        )
        context = {
            "ecosystem": ecosystem,
            "generated_at": timezone.now(),
            "vision": Vision.objects.restrict(user).filter(ecosystem=ecosystem).first(),
            "pain_points": PainPoint.objects.restrict(user).filter(ecosystem=ecosystem),
            "rows": services.traceability(requirements),
            "stories": UserStory.objects.restrict(user)
            .filter(ecosystem=ecosystem)
            .prefetch_related("criteria", "links__requirement"),
            "use_cases": UseCase.objects.restrict(user)
            .filter(ecosystem=ecosystem)
            .prefetch_related("steps"),
            "groups": services.question_progress(
                DesignQuestion.objects.restrict(user)
                .filter(ecosystem=ecosystem)
                .select_related("answered_by")
            ),
            "rules": BusinessRule.objects.restrict(user)
            .filter(ecosystem=ecosystem)
            .prefetch_related("flows"),
            "status_counts": dict(
                requirements.values_list("status").annotate(n=Count("pk")).order_by()
            ),
            "statuses": RequirementStatusChoices.choices,
            # Sections other apps contribute (the flows' data dictionaries) read the
            # user from the request (``core.registry.Panel``).
            "request": request,
        }
        pdf = render_pdf("requirements_app/specification_pdf.html", context)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="{slugify(ecosystem.name)}-requirements.pdf"'
        )
        return response
