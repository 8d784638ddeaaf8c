"""Ecosystem views: configuration of the generic views, plus the ecosystem overview."""

from django.db.models import OuterRef, Prefetch, Q

from core.db import subquery_count
from core.querysets import VIEW
from core.views import ObjectDeleteView, ObjectEditView, ObjectListView, ObjectView

from . import filtersets, forms, tables
from .choices import SystemKindChoices
from .diagram import ecosystem_diagram
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

# --- Organisations -------------------------------------------------------------------


class OrganisationListView(ObjectListView):
    queryset = Organisation.objects.all()
    filterset = filtersets.OrganisationFilterSet
    table = tables.OrganisationTable

    def get_queryset(self, request):
        user = request.user
        taking_part = Ecosystem.objects.restrict(user).filter(
            Q(customer_id=OuterRef("pk"))
            | Q(integrator_id=OuterRef("pk"))
            | Q(service_providers__organisation_id=OuterRef("pk"))
        )
        return (
            super()
            .get_queryset(request)
            .annotate(
                ecosystem_count=subquery_count(taking_part),
                people_count=subquery_count(Person.objects.restrict(user), organisation_id="pk"),
            )
        )


class OrganisationView(ObjectView):
    queryset = Organisation.objects.all()

    def get_extra_context(self, request, instance):
        user = request.user
        ecosystems = (
            Ecosystem.objects.restrict(user)
            .filter(
                Q(customer=instance)
                | Q(integrator=instance)
                | Q(service_providers__organisation=instance)
            )
            .select_related("customer", "integrator")
            .distinct()
        )
        roles = []
        for eco in ecosystems:
            layers = []
            if eco.customer_id == instance.pk:
                layers.append("Customer")
            if eco.integrator_id == instance.pk:
                layers.append("Service integrator")
            if eco.customer_id != instance.pk and eco.integrator_id != instance.pk:
                layers.append("Service provider")
            roles.append((eco, layers))
        return {
            "ecosystem_roles": roles,
            "people": Person.objects.restrict(user)
            .filter(organisation=instance)
            .select_related("user"),
            "systems": ConnectedSystem.objects.restrict(user)
            .filter(organisation=instance)
            .select_related("ecosystem"),
            "memberships": Membership.objects.restrict(user)
            .filter(organisation=instance)
            .select_related("user"),
        }


class OrganisationEditView(ObjectEditView):
    queryset = Organisation.objects.all()
    form = forms.OrganisationForm


class OrganisationDeleteView(ObjectDeleteView):
    queryset = Organisation.objects.all()


# --- Ecosystems ----------------------------------------------------------------------


class EcosystemListView(ObjectListView):
    queryset = Ecosystem.objects.select_related("customer", "integrator")
    filterset = filtersets.EcosystemFilterSet
    table = tables.EcosystemTable

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                provider_count=subquery_count(ServiceProvider.objects.all(), ecosystem_id="pk"),
                service_count=subquery_count(Service.objects.all(), ecosystem_id="pk"),
            )
        )


class EcosystemView(ObjectView):
    """The ecosystem overview: parties, services, contracts, systems and flows at a glance."""

    queryset = Ecosystem.objects.select_related("customer", "integrator")

    def get_extra_context(self, request, instance):
        user = request.user
        providers = list(
            ServiceProvider.objects.restrict(user)
            .filter(ecosystem=instance)
            .select_related("organisation")
        )
        systems = list(
            ConnectedSystem.objects.restrict(user)
            .filter(ecosystem=instance)
            .select_related("organisation")
        )
        flows = list(
            IntegrationFlow.objects.restrict(user)
            .filter(ecosystem=instance)
            .select_related("source", "target")
        )
        services = (
            Service.objects.restrict(user)
            .filter(ecosystem=instance)
            .prefetch_related(
                Prefetch("delivered_by", ServiceProvider.objects.select_related("organisation"))
            )
        )
        contracts = (
            Contract.objects.restrict(user)
            .filter(ecosystem=instance)
            .select_related("supplier", "consumer")
        )
        return {
            "providers": providers,
            "services": services,
            "contracts": contracts,
            "systems": systems,
            "flows": flows,
            "diagram": ecosystem_diagram(
                instance, [p.organisation for p in providers], systems, flows
            ),
            "has_hub": any(s.kind == SystemKindChoices.SIAM for s in systems),
        }


class EcosystemEditView(ObjectEditView):
    queryset = Ecosystem.objects.all()
    form = forms.EcosystemForm


class EcosystemDeleteView(ObjectDeleteView):
    queryset = Ecosystem.objects.all()


# --- Service providers ---------------------------------------------------------------


class ServiceProviderListView(ObjectListView):
    queryset = ServiceProvider.objects.select_related("ecosystem", "organisation")
    filterset = filtersets.ServiceProviderFilterSet
    table = tables.ServiceProviderTable

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(service_count=subquery_count(Service.objects.all(), delivered_by="pk"))
        )


class ServiceProviderView(ObjectView):
    queryset = ServiceProvider.objects.select_related("ecosystem", "organisation")

    def get_extra_context(self, request, instance):
        user = request.user
        return {
            "services": Service.objects.restrict(user).filter(delivered_by=instance),
            "contracts": Contract.objects.restrict(user)
            .filter(ecosystem=instance.ecosystem_id, supplier=instance.organisation_id)
            .select_related("consumer"),
        }


class ServiceProviderEditView(ObjectEditView):
    queryset = ServiceProvider.objects.all()
    form = forms.ServiceProviderForm


class ServiceProviderDeleteView(ObjectDeleteView):
    queryset = ServiceProvider.objects.all()


# --- Services ------------------------------------------------------------------------


class ServiceListView(ObjectListView):
    queryset = Service.objects.select_related("ecosystem").prefetch_related(
        Prefetch("delivered_by", ServiceProvider.objects.select_related("organisation"))
    )
    filterset = filtersets.ServiceFilterSet
    table = tables.ServiceTable


class ServiceView(ObjectView):
    queryset = Service.objects.select_related("ecosystem").prefetch_related(
        Prefetch("delivered_by", ServiceProvider.objects.select_related("organisation"))
    )

    def get_extra_context(self, request, instance):
        contracts = (
            Contract.objects.restrict(request.user)
            .filter(services=instance)
            .select_related("supplier", "consumer")
        )
        return {"contracts": contracts}


class ServiceEditView(ObjectEditView):
    queryset = Service.objects.all()
    form = forms.ServiceForm


class ServiceDeleteView(ObjectDeleteView):
    queryset = Service.objects.all()


# --- Contracts -----------------------------------------------------------------------


class ContractListView(ObjectListView):
    queryset = Contract.objects.select_related("ecosystem", "supplier", "consumer")
    filterset = filtersets.ContractFilterSet
    table = tables.ContractTable


class ContractView(ObjectView):
    queryset = Contract.objects.select_related(
        "ecosystem", "supplier", "consumer"
    ).prefetch_related("services")


class ContractEditView(ObjectEditView):
    queryset = Contract.objects.all()
    form = forms.ContractForm


class ContractDeleteView(ObjectDeleteView):
    queryset = Contract.objects.all()


# --- Connected systems ---------------------------------------------------------------


class ConnectedSystemListView(ObjectListView):
    queryset = ConnectedSystem.objects.select_related("ecosystem", "organisation")
    filterset = filtersets.ConnectedSystemFilterSet
    table = tables.ConnectedSystemTable


class ConnectedSystemView(ObjectView):
    queryset = ConnectedSystem.objects.select_related("ecosystem", "organisation")

    def get_extra_context(self, request, instance):
        flows = (
            IntegrationFlow.objects.restrict(request.user, VIEW)
            .filter(Q(source=instance) | Q(target=instance))
            .select_related("source", "target")
        )
        return {"flows": flows}


class ConnectedSystemEditView(ObjectEditView):
    queryset = ConnectedSystem.objects.all()
    form = forms.ConnectedSystemForm


class ConnectedSystemDeleteView(ObjectDeleteView):
    queryset = ConnectedSystem.objects.all()


# --- Integration flows ---------------------------------------------------------------


class IntegrationFlowListView(ObjectListView):
    queryset = IntegrationFlow.objects.select_related("ecosystem", "source", "target")
    filterset = filtersets.IntegrationFlowFilterSet
    table = tables.IntegrationFlowTable


class IntegrationFlowView(ObjectView):
    queryset = IntegrationFlow.objects.select_related(
        "ecosystem", "source__organisation", "target__organisation"
    )


class IntegrationFlowEditView(ObjectEditView):
    queryset = IntegrationFlow.objects.all()
    form = forms.IntegrationFlowForm


class IntegrationFlowDeleteView(ObjectDeleteView):
    queryset = IntegrationFlow.objects.all()


# --- People --------------------------------------------------------------------------


class PersonListView(ObjectListView):
    queryset = Person.objects.select_related("organisation", "user")
    filterset = filtersets.PersonFilterSet
    table = tables.PersonTable


class PersonView(ObjectView):
    queryset = Person.objects.select_related("organisation", "user")


class PersonEditView(ObjectEditView):
    queryset = Person.objects.all()
    form = forms.PersonForm


class PersonDeleteView(ObjectDeleteView):
    queryset = Person.objects.all()


# --- Memberships (users' roles in organisations) ----------------------------------------


class MembershipListView(ObjectListView):
    queryset = Membership.objects.select_related("user", "organisation")
    filterset = filtersets.MembershipFilterSet
    table = tables.MembershipTable


class MembershipView(ObjectView):
    queryset = Membership.objects.select_related("user", "organisation")


class MembershipEditView(ObjectEditView):
    queryset = Membership.objects.all()
    form = forms.MembershipForm


class MembershipDeleteView(ObjectDeleteView):
    queryset = Membership.objects.all()
