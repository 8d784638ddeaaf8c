from django.db.models import Prefetch

from core.api.views import RestrictedModelViewSet

from .. import filtersets
from ..models import (
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
from . import serializers


class OrganisationViewSet(RestrictedModelViewSet):
    queryset = Organisation.objects.select_related("registered_by")
    serializer_class = serializers.OrganisationSerializer
    filterset_class = filtersets.OrganisationFilterSet
    ordering_fields = ("name", "created")


class EcosystemViewSet(RestrictedModelViewSet):
    queryset = Ecosystem.objects.select_related("customer", "integrator")
    serializer_class = serializers.EcosystemSerializer
    filterset_class = filtersets.EcosystemFilterSet
    ordering_fields = ("name", "created")


class ServiceProviderViewSet(RestrictedModelViewSet):
    queryset = ServiceProvider.objects.select_related("ecosystem", "organisation")
    serializer_class = serializers.ServiceProviderSerializer
    filterset_class = filtersets.ServiceProviderFilterSet


class ServiceViewSet(RestrictedModelViewSet):
    queryset = Service.objects.select_related("ecosystem").prefetch_related(
        Prefetch(
            "delivered_by", ServiceProvider.objects.select_related("organisation", "ecosystem")
        )
    )
    serializer_class = serializers.ServiceSerializer
    filterset_class = filtersets.ServiceFilterSet
    ordering_fields = ("name", "criticality")


class ContractViewSet(RestrictedModelViewSet):
    queryset = Contract.objects.select_related(
        "ecosystem", "supplier", "consumer"
    ).prefetch_related("services")
    serializer_class = serializers.ContractSerializer
    filterset_class = filtersets.ContractFilterSet
    ordering_fields = ("reference", "start_date", "end_date")


class ConnectedSystemViewSet(RestrictedModelViewSet):
    queryset = ConnectedSystem.objects.select_related("ecosystem", "organisation")
    serializer_class = serializers.ConnectedSystemSerializer
    filterset_class = filtersets.ConnectedSystemFilterSet


class IntegrationFlowViewSet(RestrictedModelViewSet):
    queryset = IntegrationFlow.objects.select_related("ecosystem", "source", "target")
    serializer_class = serializers.IntegrationFlowSerializer
    filterset_class = filtersets.IntegrationFlowFilterSet


class PersonViewSet(RestrictedModelViewSet):
    queryset = Person.objects.select_related("organisation", "user")
    serializer_class = serializers.PersonSerializer
    filterset_class = filtersets.PersonFilterSet


class MembershipViewSet(RestrictedModelViewSet):
    queryset = Membership.objects.select_related("organisation", "user")
    serializer_class = serializers.MembershipSerializer
    filterset_class = filtersets.MembershipFilterSet
    http_method_names = ["get", "head", "options", "put", "patch", "delete"]
