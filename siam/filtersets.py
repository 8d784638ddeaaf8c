import django_filters
from django.db.models import Q

from core.filtersets import CHECKBOXES, BaseFilterSet, RestrictedModelChoiceFilter

from .choices import (
    ContractKindChoices,
    ContractStatusChoices,
    EcosystemStatusChoices,
    FlowDirectionChoices,
    FlowStatusChoices,
    FlowTriggerChoices,
    MembershipRoleChoices,
    ServiceCriticalityChoices,
    SystemKindChoices,
)
from .models import (
    ConnectedSystem,
    Contract,
    Ecosystem,
    IntegrationFlow,
    Membership,
    Organisation,
    Person,
    Service,
    ServiceProvider,
)


def ecosystem_filter():
    return RestrictedModelChoiceFilter(model=Ecosystem, field_name="ecosystem", label="Ecosystem")


def organisation_filter(field_name="organisation", label="Organisation"):
    return RestrictedModelChoiceFilter(model=Organisation, field_name=field_name, label=label)


class OrganisationFilterSet(BaseFilterSet):
    search_fields = ("name", "description", "country")
    ecosystem = RestrictedModelChoiceFilter(
        model=Ecosystem, method="filter_ecosystem", label="Takes part in"
    )

    class Meta(BaseFilterSet.Meta):
        model = Organisation
        fields = ("q", "ecosystem", "country")

    def filter_ecosystem(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(
            Q(ecosystems_as_customer=value)
            | Q(ecosystems_as_integrator=value)
            | Q(provider_engagements__ecosystem=value)
        ).distinct()


class EcosystemFilterSet(BaseFilterSet):
    search_fields = ("name", "description")
    status = django_filters.MultipleChoiceFilter(
        choices=EcosystemStatusChoices.choices, widget=CHECKBOXES
    )
    customer = organisation_filter("customer", "Customer")
    integrator = organisation_filter("integrator", "Integrator")

    class Meta(BaseFilterSet.Meta):
        model = Ecosystem
        fields = ("q", "status", "customer", "integrator")


class ServiceProviderFilterSet(BaseFilterSet):
    search_fields = ("organisation__name", "scope")
    ecosystem = ecosystem_filter()
    organisation = organisation_filter()

    class Meta(BaseFilterSet.Meta):
        model = ServiceProvider
        fields = ("q", "ecosystem", "organisation")


class ServiceFilterSet(BaseFilterSet):
    search_fields = ("name", "description")
    ecosystem = ecosystem_filter()
    criticality = django_filters.MultipleChoiceFilter(
        choices=ServiceCriticalityChoices.choices, widget=CHECKBOXES
    )
    provider = RestrictedModelChoiceFilter(
        model=Organisation,
        field_name="delivered_by__organisation",
        label="Delivered by",
        distinct=True,
    )

    class Meta(BaseFilterSet.Meta):
        model = Service
        fields = ("q", "ecosystem", "criticality", "provider")


class ContractFilterSet(BaseFilterSet):
    search_fields = ("reference", "name", "description")
    ecosystem = ecosystem_filter()
    kind = django_filters.MultipleChoiceFilter(
        choices=ContractKindChoices.choices, widget=CHECKBOXES
    )
    status = django_filters.MultipleChoiceFilter(
        choices=ContractStatusChoices.choices, widget=CHECKBOXES
    )
    supplier = organisation_filter("supplier", "Supplier")
    consumer = organisation_filter("consumer", "Consumer")

    class Meta(BaseFilterSet.Meta):
        model = Contract
        fields = ("q", "ecosystem", "kind", "status", "supplier", "consumer")


class ConnectedSystemFilterSet(BaseFilterSet):
    search_fields = ("name", "entity_name", "base_url", "description")
    ecosystem = ecosystem_filter()
    organisation = organisation_filter()
    kind = django_filters.MultipleChoiceFilter(choices=SystemKindChoices.choices, widget=CHECKBOXES)

    class Meta(BaseFilterSet.Meta):
        model = ConnectedSystem
        fields = ("q", "ecosystem", "organisation", "kind")


class IntegrationFlowFilterSet(BaseFilterSet):
    search_fields = ("name", "description", "source__name", "target__name")
    ecosystem = ecosystem_filter()
    system = RestrictedModelChoiceFilter(
        model=ConnectedSystem, method="filter_system", label="Connects system"
    )
    direction = django_filters.ChoiceFilter(choices=FlowDirectionChoices.choices)
    trigger = django_filters.ChoiceFilter(choices=FlowTriggerChoices.choices)
    status = django_filters.MultipleChoiceFilter(
        choices=FlowStatusChoices.choices, widget=CHECKBOXES
    )

    class Meta(BaseFilterSet.Meta):
        model = IntegrationFlow
        fields = ("q", "ecosystem", "system", "direction", "trigger", "status")

    def filter_system(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(Q(source=value) | Q(target=value))


class PersonFilterSet(BaseFilterSet):
    search_fields = ("name", "job_title", "email")
    organisation = organisation_filter()

    class Meta(BaseFilterSet.Meta):
        model = Person
        fields = ("q", "organisation")


class MembershipFilterSet(BaseFilterSet):
    search_fields = ("user__username", "user__first_name", "user__last_name", "organisation__name")
    organisation = organisation_filter()
    role = django_filters.MultipleChoiceFilter(
        choices=MembershipRoleChoices.choices, widget=CHECKBOXES
    )

    class Meta(BaseFilterSet.Meta):
        model = Membership
        fields = ("q", "organisation", "role")
