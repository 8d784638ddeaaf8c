import django_filters

from core.filtersets import CHECKBOXES, BaseFilterSet, RestrictedModelChoiceFilter
from siam.models import Ecosystem, Organisation

from .choices import MatrixStatusChoices, VariantChoices
from .models import AccessMatrix, DataObject, RaciMatrix, RaciTemplate, Role


class RoleFilterSet(BaseFilterSet):
    search_fields = ("name", "description", "organisation__name")
    ecosystem = RestrictedModelChoiceFilter(model=Ecosystem)
    organisation = RestrictedModelChoiceFilter(model=Organisation)

    class Meta(BaseFilterSet.Meta):
        model = Role
        fields = ("q", "ecosystem", "organisation")


class RaciMatrixFilterSet(BaseFilterSet):
    search_fields = ("name", "description")
    ecosystem = RestrictedModelChoiceFilter(model=Ecosystem)
    variant = django_filters.MultipleChoiceFilter(choices=VariantChoices.choices, widget=CHECKBOXES)
    status = django_filters.MultipleChoiceFilter(
        choices=MatrixStatusChoices.choices, widget=CHECKBOXES
    )

    class Meta(BaseFilterSet.Meta):
        model = RaciMatrix
        fields = ("q", "ecosystem", "variant", "status")


class RaciTemplateFilterSet(BaseFilterSet):
    search_fields = ("name", "description")
    variant = django_filters.MultipleChoiceFilter(choices=VariantChoices.choices, widget=CHECKBOXES)

    class Meta(BaseFilterSet.Meta):
        model = RaciTemplate
        fields = ("q", "variant")


class DataObjectFilterSet(BaseFilterSet):
    search_fields = ("name",)
    ecosystem = RestrictedModelChoiceFilter(model=Ecosystem)
    confidential = django_filters.BooleanFilter()

    class Meta(BaseFilterSet.Meta):
        model = DataObject
        fields = ("q", "ecosystem", "confidential")


class AccessMatrixFilterSet(BaseFilterSet):
    search_fields = ("ecosystem__name", "note")
    ecosystem = RestrictedModelChoiceFilter(model=Ecosystem)
    status = django_filters.MultipleChoiceFilter(
        choices=MatrixStatusChoices.choices, widget=CHECKBOXES
    )

    class Meta(BaseFilterSet.Meta):
        model = AccessMatrix
        fields = ("q", "ecosystem", "status")
