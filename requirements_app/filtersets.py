import django_filters

from core.filtersets import CHECKBOXES, BaseFilterSet, RestrictedModelChoiceFilter
from siam.models import Ecosystem, IntegrationFlow

from .choices import (
    MoscowChoices,
    QuestionCategoryChoices,
    QuestionStatusChoices,
    RequirementStatusChoices,
    SeverityChoices,
)
from .models import BusinessRule, DesignQuestion, PainPoint, Requirement, UseCase, UserStory, Vision


class PainPointFilterSet(BaseFilterSet):
    search_fields = ("title", "description", "affected")
    ecosystem = RestrictedModelChoiceFilter(model=Ecosystem)
    severity = django_filters.MultipleChoiceFilter(
        choices=SeverityChoices.choices, widget=CHECKBOXES
    )

    class Meta(BaseFilterSet.Meta):
        model = PainPoint
        fields = ("q", "ecosystem", "severity")


class VisionFilterSet(BaseFilterSet):
    search_fields = ("statement", "goals")
    ecosystem = RestrictedModelChoiceFilter(model=Ecosystem)

    class Meta(BaseFilterSet.Meta):
        model = Vision
        fields = ("q", "ecosystem")


class RequirementFilterSet(BaseFilterSet):
    search_fields = ("code", "title", "statement", "rationale")
    ecosystem = RestrictedModelChoiceFilter(model=Ecosystem)
    status = django_filters.MultipleChoiceFilter(
        choices=RequirementStatusChoices.choices, widget=CHECKBOXES
    )
    priority = django_filters.MultipleChoiceFilter(choices=MoscowChoices.choices, widget=CHECKBOXES)
    suspect = django_filters.BooleanFilter(method="filter_suspect", label="Has suspect links")

    class Meta(BaseFilterSet.Meta):
        model = Requirement
        fields = ("q", "ecosystem", "status", "priority", "suspect")

    def filter_suspect(self, queryset, name, value):
        if value is None:
            return queryset
        condition = {"story_links__suspect": True}
        suspect = queryset.filter(**condition) | queryset.filter(use_case_links__suspect=True)
        ids = suspect.values("pk")
        return queryset.filter(pk__in=ids) if value else queryset.exclude(pk__in=ids)


class UserStoryFilterSet(BaseFilterSet):
    search_fields = ("code", "role", "goal", "benefit")
    ecosystem = RestrictedModelChoiceFilter(model=Ecosystem)
    requirement = RestrictedModelChoiceFilter(model=Requirement, field_name="requirements")

    class Meta(BaseFilterSet.Meta):
        model = UserStory
        fields = ("q", "ecosystem", "requirement")


class UseCaseFilterSet(BaseFilterSet):
    search_fields = ("code", "title", "actors")
    ecosystem = RestrictedModelChoiceFilter(model=Ecosystem)
    requirement = RestrictedModelChoiceFilter(model=Requirement, field_name="requirements")

    class Meta(BaseFilterSet.Meta):
        model = UseCase
        fields = ("q", "ecosystem", "requirement")


class DesignQuestionFilterSet(BaseFilterSet):
    search_fields = ("question", "answer")
    ecosystem = RestrictedModelChoiceFilter(model=Ecosystem)
    category = django_filters.MultipleChoiceFilter(
        choices=QuestionCategoryChoices.choices, widget=CHECKBOXES
    )
    status = django_filters.MultipleChoiceFilter(
        choices=QuestionStatusChoices.choices, widget=CHECKBOXES
    )

    class Meta(BaseFilterSet.Meta):
        model = DesignQuestion
        fields = ("q", "ecosystem", "category", "status")


class BusinessRuleFilterSet(BaseFilterSet):
    search_fields = ("name", "statement")
    ecosystem = RestrictedModelChoiceFilter(model=Ecosystem)
    flow = RestrictedModelChoiceFilter(model=IntegrationFlow, field_name="flows")

    class Meta(BaseFilterSet.Meta):
        model = BusinessRule
        fields = ("q", "ecosystem", "flow")
