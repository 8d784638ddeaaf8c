"""Governance pages: the generic list / detail / edit / delete for every record, plus
the ecosystem dashboard, closing a meeting, overriding a score, computing KPIs, the
self-assessment radar and the steering-report archive with generation and download."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.db.models.fields.json import KT
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views import View

from core import charts
from core.db import subquery_count
from core.querysets import CHANGE
from core.views import (
    ObjectActionView,
    ObjectDeleteView,
    ObjectEditView,
    ObjectListView,
    ObjectView,
)
from requirements_app.choices import RequirementStatusChoices
from siam.models import Ecosystem

from . import assessment, filtersets, forms, rules, services, steering, tables
from .choices import OPEN_ACTION_STATES
from .models import (
    Action,
    Assessment,
    Board,
    Decision,
    ImprovementItem,
    Kpi,
    Meeting,
    Pod,
    ScoringModel,
    SteeringReport,
)

REQUIREMENT_STATUSES = RequirementStatusChoices.choices

# --- Boards and meetings ----------------------------------------------------------------------


class BoardListView(ObjectListView):
    queryset = Board.objects.select_related("ecosystem").annotate(member_count=Count("members"))
    filterset = filtersets.BoardFilterSet
    table = tables.BoardTable


class BoardView(ObjectView):
    queryset = Board.objects.select_related("ecosystem")
    template_name = "governance/board.html"

    def get_extra_context(self, request, instance):
        return {
            "members": instance.members.select_related("person__organisation"),
            "meetings": instance.meetings.annotate(attendee_count=Count("attendees"))[:12],
        }


class BoardEditView(ObjectEditView):
    queryset = Board.objects.all()
    form = forms.BoardForm
    formsets = {"members": forms.BoardMemberFormSet}


class BoardDeleteView(ObjectDeleteView):
    queryset = Board.objects.all()


class MeetingListView(ObjectListView):
    queryset = Meeting.objects.select_related("ecosystem", "board").annotate(
        attendee_count=Count("attendees", distinct=True),
        open_action_count=subquery_count(
            Action.objects.filter(status__in=OPEN_ACTION_STATES), meeting_id="pk"
        ),
    )
    filterset = filtersets.MeetingFilterSet
    table = tables.MeetingTable


class MeetingView(ObjectView):
    queryset = Meeting.objects.select_related("ecosystem", "board", "closed_by").prefetch_related(
        "board__members__person__organisation", "attendees__organisation"
    )
    template_name = "governance/meeting.html"

    def get_extra_context(self, request, instance):
        decisions = list(instance.decisions.select_related("owner"))
        actions = list(instance.actions.select_related("owner"))
        instance._prefetched_objects_cache.update({"decisions": decisions, "actions": actions})
        members = {m.person_id for m in instance.board.members.all()}
        return {
            "quorum": instance.quorum(),
            "decisions": decisions,
            "actions": actions,
            "closure_problems": instance.closure_problems(),
            "guests": [p for p in instance.attendees.all() if p.pk not in members],
            "present": {p.pk for p in instance.attendees.all()},
        }


class MeetingEditView(ObjectEditView):
    queryset = Meeting.objects.all()
    form = forms.MeetingForm
    formsets = {"decisions": forms.MeetingDecisionFormSet, "actions": forms.MeetingActionFormSet}


class MeetingDeleteView(ObjectDeleteView):
    queryset = Meeting.objects.all()


class MeetingCloseView(ObjectActionView):
    queryset = Meeting.objects.all()
    refused_prefix = "Not closed: "

    def perform(self, request, meeting):
        services.close_meeting(meeting, request.user)
        messages.success(request, f"Closed “{meeting}”.")


class DecisionListView(ObjectListView):
    queryset = Decision.objects.select_related("ecosystem", "owner", "meeting__board")
    filterset = filtersets.DecisionFilterSet
    table = tables.DecisionTable


class DecisionView(ObjectView):
    queryset = Decision.objects.select_related("ecosystem", "owner", "meeting")


class DecisionEditView(ObjectEditView):
    queryset = Decision.objects.all()
    form = forms.DecisionForm


class DecisionDeleteView(ObjectDeleteView):
    queryset = Decision.objects.all()


class ActionListView(ObjectListView):
    queryset = Action.objects.select_related("ecosystem", "owner", "meeting__board")
    filterset = filtersets.ActionFilterSet
    table = tables.ActionTable


class ActionView(ObjectView):
    queryset = Action.objects.select_related("ecosystem", "owner", "meeting")


class ActionEditView(ObjectEditView):
    queryset = Action.objects.all()
    form = forms.ActionForm


class ActionDeleteView(ObjectDeleteView):
    queryset = Action.objects.all()


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


# --- Pods -------------------------------------------------------------------------------------


class PodListView(ObjectListView):
    queryset = Pod.objects.select_related("ecosystem", "head").prefetch_related("members")
    filterset = filtersets.PodFilterSet
    table = tables.PodTable
    template_name = "governance/pod_list.html"


class PodView(ObjectView):
    queryset = Pod.objects.select_related("ecosystem", "head").prefetch_related(
        "members__person__organisation"
    )
    template_name = "governance/pod.html"

    def get_extra_context(self, request, instance):
        siblings = (
            Pod.objects.restrict(request.user).filter(head=instance.head_id).exclude(pk=instance.pk)
            if instance.head_id
            else Pod.objects.none()
        )
        warnings = instance.warnings()
        pods_here = Pod.objects.filter(ecosystem=instance.ecosystem_id).count()
        head_warning = rules.head_of_integration_warning(pods_here, instance.head_id is not None)
        if head_warning:
            warnings.append(head_warning)
        return {"warnings": warnings, "members": list(instance.members.all()), "siblings": siblings}


class PodEditView(ObjectEditView):
    queryset = Pod.objects.all()
    form = forms.PodForm
    formsets = {"members": forms.PodMemberFormSet}


class PodDeleteView(ObjectDeleteView):
    queryset = Pod.objects.all()


# --- Self-assessments -------------------------------------------------------------------------


class AssessmentListView(ObjectListView):
    queryset = Assessment.objects.select_related("ecosystem", "assessed_by")
    filterset = filtersets.AssessmentFilterSet
    table = tables.AssessmentTable


class AssessmentView(ObjectView):
    queryset = Assessment.objects.select_related("ecosystem", "assessed_by")
    template_name = "governance/assessment.html"

    def get_extra_context(self, request, instance):
        others = (
            Assessment.objects.restrict(request.user)
            .filter(ecosystem=instance.ecosystem)
            .exclude(pk=instance.pk)
        )
        chosen = request.GET.get("with")
        other = (
            others.filter(pk=chosen).first()
            if chosen and chosen.isdigit()
            else others.filter(assessed_on__lt=instance.assessed_on)
            .order_by("-assessed_on")
            .first()
        )
        dimensions = list(assessment.DIMENSIONS)
        labels = [assessment.DIMENSIONS[d][0] for d in dimensions]
        series = [(str(instance), [instance.scores[d] for d in dimensions])]
        if other:
            series.insert(0, (str(other), [other.scores[d] for d in dimensions]))
        delta = assessment.compare(other.scores, instance.scores) if other else {}
        return {
            "radar": charts.radar(labels, series, f"SIAM health: {instance}"),
            "other": other,
            "others": others,
            "rows": [
                (
                    assessment.DIMENSIONS[d][0],
                    instance.scores[d],
                    other.scores[d] if other else None,
                    delta.get(d),
                    [
                        (text, instance.answers.get(key))
                        for key, text in assessment.DIMENSIONS[d][1]
                    ],
                )
                for d in dimensions
            ],
        }


class AssessmentEditView(ObjectEditView):
    queryset = Assessment.objects.all()
    form = forms.AssessmentForm
    template_name = "governance/assessment_edit.html"


class AssessmentDeleteView(ObjectDeleteView):
    queryset = Assessment.objects.all()


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
