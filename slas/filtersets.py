from datetime import timedelta

import django_filters
from django.db.models import Q
from django.utils import timezone

from core.filtersets import CHECKBOXES, BaseFilterSet, RestrictedModelChoiceFilter
from siam.models import Contract, Ecosystem, Organisation, Service

from .choices import ClassificationChoices, IncidentStatusChoices, SlaStateChoices
from .models import (
    BusinessCalendar,
    Incident,
    IncidentSla,
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
    search_fields = (
        "reference",
        "title",
        "jira_key",
        "servicenow_number",
        "zendesk_id",
        "azure_devops_id",
    )
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
    breached = django_filters.BooleanFilter(method="filter_breached", label="Breached (any clock)")
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
            "sla_state", "breached", "ownership_gap", "due_within_hours",
        )  # fmt: skip

    def filter_ownership_gap(self, queryset, name, value):
        gaps = OwnershipGap.objects.all()
        if value == "now":
            gaps = gaps.filter(end__isnull=True)
        return queryset.filter(pk__in=gaps.values("incident_id")) if value else queryset

    def filter_sla_state(self, queryset, name, value):
        if not value:
            return queryset
        e2e = IncidentSla.objects.filter(
            provider__isnull=True, metric="resolution", state__in=value
        )
        return queryset.filter(pk__in=e2e.values("incident_id"))

    def filter_breached(self, queryset, name, value):
        if value is None:
            return queryset
        breached = IncidentSla.objects.filter(
            Q(state=SlaStateChoices.BREACHED) | Q(breach_recorded_at__isnull=False)
        )
        condition = Q(pk__in=breached.values("incident_id"))
        return queryset.filter(condition) if value else queryset.exclude(condition)

    def filter_due_within(self, queryset, name, value):
        if value is None:
            return queryset
        limit = timezone.now() + timedelta(hours=float(value))
        due = IncidentSla.objects.filter(state=SlaStateChoices.RUNNING, due_at__lte=limit)
        return queryset.filter(pk__in=due.values("incident_id"))


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
