"""KPIs (and computing them), the improvement register with score overrides, and the
scoring model."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse

from core import charts
from core.views import (
    ObjectActionView,
    ObjectDeleteView,
    ObjectEditView,
    ObjectListView,
    ObjectView,
)
from siam.models import Ecosystem

from .. import filtersets, forms, services, tables
from ..models import (
    ImprovementItem,
    Kpi,
    ScoringModel,
)

# --- KPIs -------------------------------------------------------------------------------------


class KpiListView(ObjectListView):
    queryset = services.kpis_with_measurements(Kpi.objects.all())
    filterset = filtersets.KpiFilterSet
    table = tables.KpiTable


class KpiView(ObjectView):
    queryset = services.kpis_with_measurements(Kpi.objects.all()).prefetch_related("requirements")
    template_name = "governance/kpi.html"

    def get_extra_context(self, request, instance):
        status = services.kpi_status(instance)
        labels = [period.strftime("%Y-%m") for period, _ in status.values]
        return {
            "status": status,
            "chart": charts.line_chart(
                labels,
                [(instance.name, [v for _, v in status.values])],
                f"{instance.name} by period",
                unit=instance.unit,
                target=instance.target,
            ),
            "measurements": list(instance.measurements.all())[::-1],
        }


class KpiEditView(ObjectEditView):
    queryset = Kpi.objects.all()
    form = forms.KpiForm
    formsets = {"measurements": forms.MeasurementFormSet}


class KpiDeleteView(ObjectDeleteView):
    queryset = Kpi.objects.all()


class KpiComputeView(ObjectActionView):
    """Measure the ecosystem's computed KPIs for a month now (the schedule does it on
    the 1st for the month before)."""

    queryset = Ecosystem.objects.all()

    def denied_message(self, instance, action):
        return "You may view this ecosystem's KPIs but not compute them."

    def perform(self, request, ecosystem):
        back = redirect(reverse("governance:kpi_list") + f"?ecosystem={ecosystem.pk}")
        month = request.POST.get("month") or services.last_complete_period().strftime("%Y-%m")
        try:
            period = forms.ReportForm.base_fields["month"].clean(month)
        except ValidationError:
            messages.error(request, f"“{month}” is not a month (YYYY-MM).")
            return back
        written = services.compute_kpis(ecosystem.pk, period)
        messages.success(
            request, f"{written} KPI values computed for {period:%B %Y} from the SLA data."
        )
        return back


# --- Improvement register ---------------------------------------------------------------------


class ImprovementItemListView(ObjectListView):
    queryset = ImprovementItem.objects.select_related("ecosystem", "owner")
    filterset = filtersets.ImprovementItemFilterSet
    table = tables.ImprovementItemTable
    template_name = "governance/improvement_list.html"

    def get_queryset(self, request):
        return services.ranked(super().get_queryset(request))


class ImprovementItemView(ObjectView):
    queryset = ImprovementItem.objects.select_related(
        "ecosystem", "owner", "requirement", "override_by"
    )
    template_name = "governance/improvementitem.html"

    def get_extra_context(self, request, instance):
        ranked = services.ranked(
            ImprovementItem.objects.filter(ecosystem=instance.ecosystem, register=instance.register)
        )
        weights = ScoringModel.weights_for(instance.ecosystem_id)
        return {
            # A finished item has no rank, here as in the list and the API.
            "rank": next((i.rank for i in ranked if i.pk == instance.pk and not i.closed), None),
            "weights": weights,
            "override_form": forms.OverrideForm(
                initial={
                    "override_score": instance.override_score,
                    "override_reason": instance.override_reason,
                }
            ),
        }


class ImprovementItemEditView(ObjectEditView):
    queryset = ImprovementItem.objects.all()
    form = forms.ImprovementItemForm


class ImprovementItemDeleteView(ObjectDeleteView):
    queryset = ImprovementItem.objects.all()


class ImprovementOverrideView(ObjectActionView):
    queryset = ImprovementItem.objects.all()

    def perform(self, request, item):
        form = forms.OverrideForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
            return None
        services.override(
            item,
            form.cleaned_data["override_score"],
            form.cleaned_data["override_reason"],
            request.user,
        )
        messages.success(
            request,
            "Override saved."
            if item.override_score is not None
            else "Override removed: ranked by its computed score.",
        )
        return None


class ScoringModelListView(ObjectListView):
    queryset = ScoringModel.objects.select_related("ecosystem")
    filterset = filtersets.ScoringModelFilterSet
    table = tables.ScoringModelTable


class ScoringModelView(ObjectView):
    queryset = ScoringModel.objects.select_related("ecosystem")


class ScoringModelEditView(ObjectEditView):
    queryset = ScoringModel.objects.all()
    form = forms.ScoringModelForm


class ScoringModelDeleteView(ObjectDeleteView):
    queryset = ScoringModel.objects.all()
