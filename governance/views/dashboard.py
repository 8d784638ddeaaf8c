"""The ecosystem dashboard."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from core import charts
from core.querysets import CHANGE
from requirements_app.choices import RequirementStatusChoices
from siam.models import Ecosystem

from .. import services
from ..models import (
    SteeringReport,
)

REQUIREMENT_STATUSES = RequirementStatusChoices.choices


# --- Dashboard --------------------------------------------------------------------------------


LAST_DASHBOARD = "governance.last_dashboard"


def home_ecosystem(request):
    """The dashboard a user lands on: the one they looked at last, else one their own
    organisation runs (as integrator), else one it is the customer of, else one it
    provides to; alphabetical within each."""
    from siam.access import get_access_context
    from siam.choices import LayerChoices

    visible = Ecosystem.objects.restrict(request.user).order_by("name")
    last = request.session.get(LAST_DASHBOARD)
    if last and visible.filter(pk=last).exists():
        return last
    if not request.user.is_superuser:
        context = get_access_context(request.user)
        for layer in (LayerChoices.INTEGRATOR, LayerChoices.CUSTOMER, LayerChoices.PROVIDER):
            own = visible.filter(pk__in=context.ecosystem_ids(layer)).first()
            if own is not None:
                return own.pk
    first = visible.first()
    return first.pk if first else None


class DashboardIndexView(View):
    def get(self, request):
        pk = home_ecosystem(request)
        if pk is None:
            raise Http404("You take part in no ecosystem yet.")
        return redirect("governance:dashboard", pk=pk)


class DashboardView(View):
    def get(self, request, pk):
        ecosystem = get_object_or_404(Ecosystem.objects.restrict(request.user), pk=pk)
        request.session[LAST_DASHBOARD] = ecosystem.pk
        data = services.dashboard(request.user, ecosystem)
        months = [m.strftime("%b %Y") for m in data["months"]]
        raci_errors = sum(1 for _m, errors, _w in data["raci"] if errors)
        context = {
            "ecosystem": ecosystem,
            "ecosystems": Ecosystem.objects.restrict(request.user).order_by("name"),
            "d": data,
            "raci_errors": raci_errors,
            "raci_warnings": sum(
                1 for _m, errors, warnings in data["raci"] if warnings and not errors
            ),
            "attainment_chart": charts.line_chart(
                months,
                [("End-to-end attainment", data["attainment"])],
                "SLA attainment by month",
                unit="%",
                target=data["attainment_target"],
                y_max=100,
            ),
            "breach_chart": charts.bar_chart(
                [(f.label, f.count) for f in data["breaches_by_provider"]],
                "Incidents whose resolution clock breached, by clock",
                colour="#d63939",
                width=340,
                label_width=130,
                bar=20,
            ),
            "age_chart": charts.heatmap(
                [p for p, _ in data["open_by_priority_age"]],
                data["age_labels"],
                [counts for _, counts in data["open_by_priority_age"]],
                "Open tickets by priority and age",
                label_width=60,
                cell=64,
            ),
            "requirement_chart": charts.bar_chart(
                [
                    (label, data["requirements"].get(value, 0))
                    for value, label in REQUIREMENT_STATUSES
                ],
                "Requirements by status",
            ),
            "requirement_statuses": REQUIREMENT_STATUSES,
            "reports": SteeringReport.objects.restrict(request.user)
            .filter(ecosystem=ecosystem, superseded_at__isnull=True)
            .defer("snapshot")[:3],
            "may_report": SteeringReport.ecosystems_for(request.user, CHANGE)
            .filter(pk=ecosystem.pk)
            .exists(),
        }
        return render(request, "governance/dashboard.html", context)
