"""The steering-report archive, with generation and download."""

from __future__ import annotations

from django.contrib import messages
from django.db.models.fields.json import KT
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from core.querysets import CHANGE
from core.views import (
    ObjectDeleteView,
    ObjectListView,
    ObjectView,
)

from .. import filtersets, forms, services, steering, tables
from ..models import (
    SteeringReport,
)

# --- Steering reports -------------------------------------------------------------------------


class SteeringReportListView(ObjectListView):
    # The snapshot stays in the database; the list needs only its overall status.
    queryset = (
        SteeringReport.objects.select_related("ecosystem", "generated_by")
        .defer("snapshot")
        .annotate(overall_status=KT("snapshot__status"))
    )
    filterset = filtersets.SteeringReportFilterSet
    table = tables.SteeringReportTable
    template_name = "governance/report_list.html"


class SteeringReportView(ObjectView):
    queryset = SteeringReport.objects.select_related("ecosystem", "generated_by")
    template_name = "governance/steeringreport.html"

    def get_extra_context(self, request, instance):
        return {"s": instance.snapshot, "charts": steering.charts_for(instance.snapshot)}


class SteeringReportDeleteView(ObjectDeleteView):
    queryset = SteeringReport.objects.all()


class SteeringReportDownloadView(View):
    def get(self, request, pk):
        report = get_object_or_404(SteeringReport.objects.restrict(request.user), pk=pk)
        if not report.pdf:
            raise Http404("This report has no PDF.")
        try:
            handle = report.pdf.open("rb")
        except FileNotFoundError as exc:
            raise Http404("The PDF file is missing from the report store.") from exc
        filename = f"{report.ecosystem.slug}-steering-report-{report.period_start:%Y-%m}.pdf"
        return FileResponse(
            handle, as_attachment=True, filename=filename, content_type="application/pdf"
        )


class SteeringReportGenerateView(View):
    """Generate a report now for an ecosystem and month, archive it and download it."""

    def ecosystems(self, request):
        return SteeringReport.ecosystems_for(request.user, CHANGE).order_by("name")

    def get(self, request):
        initial = {
            "month": services.last_complete_period().strftime("%Y-%m"),
            "ecosystem": request.GET.get("ecosystem"),
        }
        form = forms.ReportForm(initial=initial, ecosystems=self.ecosystems(request))
        return render(request, "governance/report_generate.html", {"form": form})

    def post(self, request):
        form = forms.ReportForm(request.POST, ecosystems=self.ecosystems(request))
        if not form.is_valid():
            return render(request, "governance/report_generate.html", {"form": form}, status=422)
        report = steering.generate(
            form.cleaned_data["ecosystem"], form.cleaned_data["month"], user=request.user
        )
        replaced = (
            " It replaces the earlier report of that month, kept in the archive as superseded."
            if report.replaced
            else ""
        )
        messages.success(
            request,
            f"Generated the {report.period_start:%B %Y} report in {report.render_seconds:g} s.{replaced}",
        )
        return redirect("governance:steeringreport_download", pk=report.pk)
