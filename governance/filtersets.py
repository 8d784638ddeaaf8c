import django_filters
from django.utils import timezone

from core.filtersets import CHECKBOXES, BaseFilterSet, RestrictedModelChoiceFilter
from siam.models import Ecosystem, Person

from .choices import (
    OPEN_ACTION_STATES,
    ActionStatusChoices,
    BoardLevelChoices,
    DecisionStatusChoices,
    ImprovementStatusChoices,
    KpiKindChoices,
    KpiSourceChoices,
    MeetingStatusChoices,
    RegisterChoices,
)
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


class EcosystemFilterSet(BaseFilterSet):
    ecosystem = RestrictedModelChoiceFilter(model=Ecosystem)


class BoardFilterSet(EcosystemFilterSet):
    search_fields = ("name", "terms_of_reference")
    level = django_filters.MultipleChoiceFilter(
        choices=BoardLevelChoices.choices, widget=CHECKBOXES
    )

    class Meta(BaseFilterSet.Meta):
        model = Board
        fields = ("q", "ecosystem", "level")


class MeetingFilterSet(EcosystemFilterSet):
    search_fields = ("title", "agenda", "minutes")
    board = RestrictedModelChoiceFilter(model=Board)
    status = django_filters.MultipleChoiceFilter(
        choices=MeetingStatusChoices.choices, widget=CHECKBOXES
    )

    class Meta(BaseFilterSet.Meta):
        model = Meeting
        fields = ("q", "ecosystem", "board", "status")


class DecisionFilterSet(EcosystemFilterSet):
    search_fields = ("title", "description")
    status = django_filters.MultipleChoiceFilter(
        choices=DecisionStatusChoices.choices, widget=CHECKBOXES
    )
    owner = RestrictedModelChoiceFilter(model=Person)

    class Meta(BaseFilterSet.Meta):
        model = Decision
        fields = ("q", "ecosystem", "status", "owner")


class ActionFilterSet(EcosystemFilterSet):
    search_fields = ("title", "description")
    status = django_filters.MultipleChoiceFilter(
        choices=ActionStatusChoices.choices, widget=CHECKBOXES
    )
    owner = RestrictedModelChoiceFilter(model=Person)
    overdue = django_filters.BooleanFilter(method="filter_overdue", label="Overdue")

    class Meta(BaseFilterSet.Meta):
        model = Action
        fields = ("q", "ecosystem", "status", "owner", "overdue")

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = {"status__in": OPEN_ACTION_STATES, "due_date__lt": timezone.localdate()}
        return queryset.filter(**overdue) if value else queryset.exclude(**overdue)


class KpiFilterSet(EcosystemFilterSet):
    search_fields = ("name", "description")
    kind = django_filters.MultipleChoiceFilter(choices=KpiKindChoices.choices, widget=CHECKBOXES)
    source = django_filters.MultipleChoiceFilter(
        choices=KpiSourceChoices.choices, widget=CHECKBOXES
    )

    class Meta(BaseFilterSet.Meta):
        model = Kpi
        fields = ("q", "ecosystem", "kind", "source")


class ImprovementItemFilterSet(EcosystemFilterSet):
    search_fields = ("title", "description", "override_reason")
    register = django_filters.MultipleChoiceFilter(
        choices=RegisterChoices.choices, widget=CHECKBOXES
    )
    status = django_filters.MultipleChoiceFilter(
        choices=ImprovementStatusChoices.choices, widget=CHECKBOXES
    )
    overridden = django_filters.BooleanFilter(
        field_name="override_score", lookup_expr="isnull", exclude=True, label="Overridden"
    )

    class Meta(BaseFilterSet.Meta):
        model = ImprovementItem
        fields = ("q", "ecosystem", "register", "status", "overridden")


class ScoringModelFilterSet(EcosystemFilterSet):
    class Meta(BaseFilterSet.Meta):
        model = ScoringModel
        fields = ("ecosystem",)


class PodFilterSet(EcosystemFilterSet):
    search_fields = ("name", "focus")
    head = RestrictedModelChoiceFilter(model=Person, label="Head of integration")

    class Meta(BaseFilterSet.Meta):
        model = Pod
        fields = ("q", "ecosystem", "head")


class AssessmentFilterSet(EcosystemFilterSet):
    search_fields = ("title", "notes")

    class Meta(BaseFilterSet.Meta):
        model = Assessment
        fields = ("q", "ecosystem")


class SteeringReportFilterSet(EcosystemFilterSet):
    scheduled = django_filters.BooleanFilter()

    class Meta(BaseFilterSet.Meta):
        model = SteeringReport
        fields = ("ecosystem", "scheduled")
