from datetime import timedelta

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from core.dates import start_of
from core.filtersets import CHECKBOXES, BaseFilterSet, RestrictedModelChoiceFilter
from core.forms.base import NUMBER_LIMIT
from siam.models import Contract, Ecosystem, Organisation, Service

from .choices import (
    STOP_STATUSES,
    ClassificationChoices,
    IncidentStatusChoices,
    MetricChoices,
    SlaStateChoices,
)
from .figures import BREACHED
from .models import (
    BusinessCalendar,
    Incident,
    IncidentSla,
    IncidentToolKey,
    KnownError,
    OwnershipGap,
    PriorityMatrix,
    ServiceLevelTarget,
)


class BusinessCalendarFilterSet(BaseFilterSet):
    search_fields = ("name", "time_zone", "description")
    ecosystem = RestrictedModelChoiceFilter(model=Ecosystem)
    always_open = django_filters.BooleanFilter(label="24x7")

    class Meta(BaseFilterSet.Meta):
        model = BusinessCalendar
        fields = ("q", "ecosystem", "always_open", "time_zone")


class PriorityMatrixFilterSet(BaseFilterSet):
    search_fields = ("ecosystem__name",)
    ecosystem = RestrictedModelChoiceFilter(model=Ecosystem)

    class Meta(BaseFilterSet.Meta):
        model = PriorityMatrix
        fields = ("q", "ecosystem")


class ServiceLevelTargetFilterSet(BaseFilterSet):
    search_fields = ("contract__reference", "contract__name", "priority", "goal_note")
    ecosystem = RestrictedModelChoiceFilter(
        model=Ecosystem, field_name="contract__ecosystem", label="Ecosystem"
    )
    contract = RestrictedModelChoiceFilter(model=Contract)
    calendar = RestrictedModelChoiceFilter(model=BusinessCalendar)
    priority = django_filters.CharFilter()

    class Meta(BaseFilterSet.Meta):
        model = ServiceLevelTarget
        fields = ("q", "ecosystem", "contract", "priority", "calendar")


class KnownErrorFilterSet(BaseFilterSet):
    search_fields = ("reference", "symptom", "category", "workaround")
    ecosystem = RestrictedModelChoiceFilter(model=Ecosystem)
    category = django_filters.CharFilter(lookup_expr="icontains")
    service = RestrictedModelChoiceFilter(model=Service)

    class Meta(BaseFilterSet.Meta):
        model = KnownError
        fields = ("q", "ecosystem", "category", "service")


class IncidentFilterSet(BaseFilterSet):
    search_fields = ("reference", "title")
    ecosystem = RestrictedModelChoiceFilter(model=Ecosystem)
    service = RestrictedModelChoiceFilter(model=Service)
    provider = RestrictedModelChoiceFilter(
        model=Organisation, field_name="holders", label="Held by (now or earlier)", distinct=True
    )
    holder = RestrictedModelChoiceFilter(model=Organisation, label="Held by now")
    priority = django_filters.CharFilter()
    classification = django_filters.MultipleChoiceFilter(
        choices=ClassificationChoices.choices, widget=CHECKBOXES
    )
    status = django_filters.MultipleChoiceFilter(
        choices=IncidentStatusChoices.choices, widget=CHECKBOXES
    )
    sla_state = django_filters.MultipleChoiceFilter(
        choices=SlaStateChoices.choices,
        method="filter_sla_state",
        label="SLA state (end to end)",
        widget=CHECKBOXES,
    )
    open = django_filters.BooleanFilter(
        method="filter_open", label="Open (neither resolved nor closed)"
    )
    opened_after = django_filters.DateFilter(
        method="filter_opened_after", label="Opened on or after"
    )
    breached = django_filters.BooleanFilter(method="filter_breached", label="Breached (any clock)")
    breached_metric = django_filters.ChoiceFilter(
        choices=MetricChoices.choices,
        method="filter_breached_metric",
        label="Breached clock: metric",
        empty_label="Any",
    )
    breached_clock = django_filters.CharFilter(
        method="filter_breached_clock",
        label="Breached clock: whose",
        help_text="“end-to-end” for the SLA, or a provider's organisation id for its OLA.",
    )
    ownership_gap = django_filters.ChoiceFilter(
        choices=[("now", "Nobody owns it now"), ("ever", "Nobody owned it at some point")],
        method="filter_ownership_gap",
        label="Ownership gaps",
        empty_label="Any",
    )
    due_within_hours = django_filters.NumberFilter(
        method="filter_due_within",
        label="Due within (hours)",
        min_value=0,
        max_value=24 * 366 * 10,
    )

    class Meta(BaseFilterSet.Meta):
        model = Incident
        fields = (
            "q", "ecosystem", "service", "provider", "holder", "priority", "classification", "status",
            "sla_state", "open", "opened_after", "breached", "breached_metric", "breached_clock", "ownership_gap",
            "due_within_hours",
        )  # fmt: skip

    def search_condition(self, value):
        # A ticket number from any party's tool finds its incident too.
        tool_key = IncidentToolKey.objects.filter(incident=OuterRef("pk"), key__icontains=value)
        return super().search_condition(value) | Q(Exists(tool_key))

    def filter_open(self, queryset, name, value):
        if value is None:
            return queryset
        return (
            queryset.exclude(status__in=STOP_STATUSES)
            if value
            else queryset.filter(status__in=STOP_STATUSES)
        )

    def _breached_clocks(self, metric=None, clock=None):
        # Correlated (EXISTS), not ``pk IN (every breached clock)``: the database then
        # probes the clocks of the incidents already narrowed down (one ecosystem, a
        # window) instead of reading every breach in the table first.
        clocks = IncidentSla.objects.filter(BREACHED, incident_id=OuterRef("pk"))
        if metric:
            clocks = clocks.filter(metric=metric)
        if clock == "end-to-end":
            clocks = clocks.filter(provider__isnull=True)
        elif clock:
            clocks = clocks.filter(provider_id=int(clock))
        return clocks

    def filter_breached_metric(self, queryset, name, value):
        if not value or self.form.cleaned_data.get("breached_clock"):
            return queryset  # applied together with the clock
        return queryset.filter(Exists(self._breached_clocks(value)))

    def filter_breached_clock(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        if value != "end-to-end" and not (value.isdigit() and int(value) <= NUMBER_LIMIT):
            return queryset.none()  # no such clock (a hand-edited address)
        metric = self.form.cleaned_data.get("breached_metric")
        return queryset.filter(Exists(self._breached_clocks(metric, value)))

    def filter_ownership_gap(self, queryset, name, value):
        gaps = OwnershipGap.objects.all()
        if value == "now":
            gaps = gaps.filter(end__isnull=True)
        return queryset.filter(pk__in=gaps.values("incident_id")) if value else queryset

    def filter_sla_state(self, queryset, name, value):
        # The incident's own column, kept with its end-to-end resolution clock.
        return queryset.filter(sla_state__in=value) if value else queryset

    def filter_opened_after(self, queryset, name, value):
        # From the start of that day in the user's time zone, as an instant: an index
        # range on (ecosystem, opened_at), not a cast of every incident to a date.
        return queryset.filter(opened_at__gte=start_of(value)) if value else queryset

    def filter_breached(self, queryset, name, value):
        if value is None:
            return queryset
        condition = Exists(IncidentSla.objects.filter(BREACHED, incident_id=OuterRef("pk")))
        return queryset.filter(condition) if value else queryset.filter(~condition)

    def filter_due_within(self, queryset, name, value):
        if value is None:
            return queryset
        # next_due_at is the soonest deadline of a running clock (indexed).
        return queryset.filter(next_due_at__lte=timezone.now() + timedelta(hours=float(value)))


class IncidentSlaFilterSet(BaseFilterSet):
    search_fields = ("incident__reference", "incident__title")
    ecosystem = RestrictedModelChoiceFilter(
        model=Ecosystem, field_name="incident__ecosystem", label="Ecosystem"
    )
    incident = django_filters.NumberFilter(field_name="incident_id", label="Incident id")
    provider = RestrictedModelChoiceFilter(model=Organisation)
    state = django_filters.MultipleChoiceFilter(choices=SlaStateChoices.choices)

    class Meta(BaseFilterSet.Meta):
        model = IncidentSla
        fields = ("q", "ecosystem", "incident", "metric", "provider", "state")


class OwnershipGapFilterSet(BaseFilterSet):
    search_fields = ("incident__reference", "incident__title")
    ecosystem = RestrictedModelChoiceFilter(
        model=Ecosystem, field_name="incident__ecosystem", label="Ecosystem"
    )
    handed_over_by = RestrictedModelChoiceFilter(
        model=Organisation, label="Left by (who held it before)"
    )
    open = django_filters.BooleanFilter(
        field_name="end", lookup_expr="isnull", label="Still nobody's"
    )
    started_after = django_filters.DateFilter(field_name="start", lookup_expr="date__gte")
    started_before = django_filters.DateFilter(field_name="start", lookup_expr="date__lte")
    min_hours = django_filters.NumberFilter(
        method="filter_min_hours", label="At least (business hours)", min_value=0, max_value=100000
    )

    class Meta(BaseFilterSet.Meta):
        model = OwnershipGap
        fields = (
            "q",
            "ecosystem",
            "handed_over_by",
            "open",
            "started_after",
            "started_before",
            "min_hours",
        )

    def filter_min_hours(self, queryset, name, value):
        return queryset.filter(business_seconds__gte=float(value) * 3600)
