"""Service-level views: generic configuration, plus the incident page, its actions,
notifications and the service-level report."""

from django.contrib import messages
from django.db.models import Exists, OuterRef, Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views import View

from core.db import subquery_count
from core.querysets import VIEW
from core.views import (
    ObjectActionView,
    ObjectDeleteView,
    ObjectEditView,
    ObjectListView,
    ObjectView,
)

from . import actions, charts, clocks, filtersets, forms, reports, tables
from .models import (
    BusinessCalendar,
    Incident,
    IncidentEvent,
    IncidentSla,
    KnownError,
    Notification,
    OwnershipGap,
    PriorityMatrix,
    ServiceLevelTarget,
)

# --- Calendars ------------------------------------------------------------------------------


class BusinessCalendarListView(ObjectListView):
    queryset = BusinessCalendar.objects.select_related("ecosystem")
    filterset = filtersets.BusinessCalendarFilterSet
    table = tables.BusinessCalendarTable

    def get_queryset(self, request):
        from .models import WorkingPeriod

        return (
            super()
            .get_queryset(request)
            .annotate(period_count=subquery_count(WorkingPeriod.objects.all(), calendar_id="pk"))
        )


class BusinessCalendarView(ObjectView):
    queryset = BusinessCalendar.objects.select_related("ecosystem").prefetch_related(
        "working_periods", "custom_holidays"
    )

    def get_extra_context(self, request, instance):
        upcoming = []
        if instance.holiday_country:
            import holidays

            today = timezone.localdate()
            public = holidays.country_holidays(
                instance.holiday_country,
                subdiv=instance.holiday_subdivision or None,
                years=[today.year, today.year + 1],
            )
            upcoming = sorted((d, name) for d, name in public.items() if d >= today)[:8]
        return {"upcoming_holidays": upcoming}


class BusinessCalendarEditView(ObjectEditView):
    queryset = BusinessCalendar.objects.all()
    form = forms.BusinessCalendarForm
    formsets = {"periods": forms.WorkingPeriodFormSet, "holidays": forms.CustomHolidayFormSet}
    template_name = "slas/businesscalendar_edit.html"

    def get_extra_context(self, request, instance):
        from .models import TIME_ZONES

        return {"time_zones": TIME_ZONES}


class BusinessCalendarDeleteView(ObjectDeleteView):
    queryset = BusinessCalendar.objects.all()


# --- Priority matrices -----------------------------------------------------------------------


class PriorityMatrixListView(ObjectListView):
    queryset = PriorityMatrix.objects.select_related("ecosystem")
    filterset = filtersets.PriorityMatrixFilterSet
    table = tables.PriorityMatrixTable


class PriorityMatrixView(ObjectView):
    queryset = PriorityMatrix.objects.select_related("ecosystem")
    template_name = "slas/prioritymatrix.html"

    def get_extra_context(self, request, instance):
        grid = [
            (
                impact,
                [instance.priority_for(impact, urgency) for urgency in instance.urgency_levels],
            )
            for impact in instance.impact_levels
        ]
        return {"grid": grid}


class PriorityMatrixEditView(ObjectEditView):
    queryset = PriorityMatrix.objects.all()
    form = forms.PriorityMatrixForm
    template_name = "slas/prioritymatrix_edit.html"


class PriorityMatrixDeleteView(ObjectDeleteView):
    queryset = PriorityMatrix.objects.all()


# --- Targets ---------------------------------------------------------------------------------


class ServiceLevelTargetListView(ObjectListView):
    queryset = ServiceLevelTarget.objects.select_related("contract", "calendar", "service")
    filterset = filtersets.ServiceLevelTargetFilterSet
    table = tables.ServiceLevelTargetTable


class ServiceLevelTargetView(ObjectView):
    queryset = ServiceLevelTarget.objects.select_related(
        "contract__ecosystem", "calendar"
    ).prefetch_related("escalations")


class ServiceLevelTargetEditView(ObjectEditView):
    queryset = ServiceLevelTarget.objects.all()
    form = forms.ServiceLevelTargetForm


class ServiceLevelTargetDeleteView(ObjectDeleteView):
    queryset = ServiceLevelTarget.objects.all()


# --- Operation handbook -------------------------------------------------------------------------


class KnownErrorListView(ObjectListView):
    queryset = KnownError.objects.select_related("ecosystem", "service")
    filterset = filtersets.KnownErrorFilterSet
    table = tables.KnownErrorTable

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(times_used=subquery_count(Incident.objects.all(), known_error_id="pk"))
        )


class KnownErrorView(ObjectView):
    queryset = KnownError.objects.select_related("ecosystem", "service")

    def get_extra_context(self, request, instance):
        used = (
            Incident.objects.restrict(request.user)
            .filter(known_error=instance)
            .order_by("-opened_at")
        )
        return {"used_by": used[:20], "times_used": used.count()}


class KnownErrorEditView(ObjectEditView):
    queryset = KnownError.objects.all()
    form = forms.KnownErrorForm


class KnownErrorDeleteView(ObjectDeleteView):
    queryset = KnownError.objects.all()


# --- Incidents ---------------------------------------------------------------------------------


class IncidentListView(ObjectListView):
    queryset = Incident.objects.select_related("ecosystem", "service", "holder")
    filterset = filtersets.IncidentFilterSet
    table = tables.IncidentTable

    def get_queryset(self, request):
        # The SLA state and next deadline are columns of the incident (kept with its
        # clocks): sorting by due is an index scan, whatever the number of incidents.
        return (
            super()
            .get_queryset(request)
            .annotate(
                sla_pending=Exists(
                    IncidentSla.objects.filter(
                        incident_id=OuterRef("pk"), recompute_pending_since__isnull=False
                    )
                ),
            )
        )


def _clock_bar(live, names: dict, colours: dict) -> dict:
    """One clock's bar on the incident's page: the counting segments coloured by the
    party holding the ticket, a caption, and who used the budget."""
    result = live.result
    parts = [
        charts.BarPart(
            names.get(segment.holder, "nobody"),
            segment.business_seconds,
            colours.get(segment.holder, "#adb5bd"),
        )
        for segment in result.segments
        if segment.counting
    ]
    due = (
        f" · due {timezone.localtime(result.due_at):%a %d %b %H:%M}"
        if result.due_at and result.state == "running"
        else ""
    )
    caption = (
        f"{result.state.value.replace('_', ' ')}: {charts.duration(result.counted_seconds)} of "
        f"{charts.duration(result.target_seconds)}{due}"
    )
    used = sorted(
        (
            (names.get(party, "nobody") if party is not None else "nobody", seconds)
            for party, seconds in result.budget_by_party.items()
            if seconds
        ),
        key=lambda item: -item[1],
    )
    return {
        "label": live.label,
        "state": result.state.value,
        "budget": [(name, charts.duration(sec)) for name, sec in used],
        "svg": charts.sla_bar(
            parts,
            result.target_seconds,
            live.applicable.target.thresholds,
            result.state.value,
            caption,
        ),
    }


class IncidentView(ObjectView):
    queryset = Incident.objects.select_related(
        "ecosystem",
        "service",
        "holder",
        "known_error",
        "change_approved_by",
        "priority_override_by",
    ).prefetch_related(
        Prefetch(
            "events",
            IncidentEvent.objects.select_related("holder", "author").order_by(
                "at", "sequence", "id"
            ),
        ),
        "holders",
    )
    template_name = "slas/incident.html"

    def get_extra_context(self, request, instance):
        live_clocks = clocks.live_clocks(instance)
        colours = charts.party_colours(
            {p.pk for p in instance.holders.all()} | {instance.ecosystem.integrator_id}
        )
        names = {p.pk: p.name for p in instance.holders.all()}
        bars = [_clock_bar(live, names, colours) for live in live_clocks]
        legend = [
            (names.get(pk, "nobody"), colour) for pk, colour in colours.items() if pk in names
        ]
        stored = list(instance.slas.all())
        return {
            "bars": bars,
            "legend": legend,
            "pending_since": min(
                (row.recompute_pending_since for row in stored if row.recompute_pending_since),
                default=None,
            ),
            "gaps": list(
                instance.ownership_gaps.select_related("handed_over_by", "taken_by").order_by(
                    "start"
                )
            ),
            "events": list(instance.events.all()),
            "action_forms": [
                forms.IncidentActionForm(action=action, incident=instance, user=request.user)
                for action in actions.allowed_actions(instance, request.user)
            ],
        }


class IncidentEditView(ObjectEditView):
    queryset = Incident.objects.all()
    form = forms.IncidentForm


class IncidentDeleteView(ObjectDeleteView):
    queryset = Incident.objects.all()


class IncidentActionView(ObjectActionView):
    """POST one action of the lifecycle (``slas.lifecycle.Action``): 404 when the
    incident is not visible or the action unknown, 403 when the user may not take it
    (the lifecycle's rule: the holding party, the change's approver), field errors as
    messages when the lifecycle refuses it."""

    queryset = Incident.objects.select_related("ecosystem")
    required_action = VIEW

    def authorize(self, incident):
        kind = self.kwargs["kind"]
        if kind not in set(actions.Action):
            raise Http404("No such action.")
        self.lifecycle_action = actions.Action(kind)
        actions.authorize(self.request.user, incident, self.lifecycle_action)

    def perform(self, request, incident, kind):
        form = forms.IncidentActionForm(
            request.POST, action=self.lifecycle_action, incident=incident, user=request.user
        )
        if form.is_valid() and form.apply():
            messages.success(request, f"{form.spec.label}: recorded on the timeline.")
            return None
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label + ': ' if label else ''}{' '.join(errors)}")
        return None


class OwnershipGapListView(ObjectListView):
    """Stretches in which nobody owned an open incident: "no ownership of issues", listed."""

    queryset = OwnershipGap.objects.select_related(
        "incident__ecosystem", "handed_over_by", "taken_by"
    )
    filterset = filtersets.OwnershipGapFilterSet
    table = tables.OwnershipGapTable


# --- Notifications --------------------------------------------------------------------------------


class NotificationListView(View):
    def get(self, request):
        notes = Notification.objects.filter(user=request.user).select_related("incident")[:100]
        return render(request, "slas/notifications.html", {"notifications": notes})

    def post(self, request):
        Notification.objects.filter(user=request.user, read_at__isnull=True).update(
            read_at=timezone.now()
        )
        messages.success(request, "All notifications marked as read.")
        return redirect("slas:notification_list")


# --- Report -----------------------------------------------------------------------------------------


class ServiceLevelReportView(View):
    def get(self, request):
        form = reports.report_form(request.GET, request.user)
        report = reports.build_report(request.user, form.cleaned_data if form.is_valid() else {})
        if request.GET.get("_export") == "csv":
            return reports.report_csv_response(report)
        return render(request, "slas/report.html", {"form": form, "report": report})
