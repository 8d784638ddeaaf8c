from rest_framework import serializers

from core.api.serializers import ValidatedModelSerializer

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

COMMON = ("id", "url", "display")
STAMPS = ("created", "last_updated")


class OrganisationSerializer(ValidatedModelSerializer):
    class Meta:
        model = Organisation
        fields = (
            *COMMON,
            "name",
            "slug",
            "country",
            "website",
            "description",
            "registered_by",
            *STAMPS,
        )
        read_only_fields = ("registered_by",)

    def to_representation(self, instance):
        # The registering organisation may lie outside the reader's ecosystems: then it
        # is not named (the page leaves it out too). The context is cached: no query.
        data = super().to_representation(instance)
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is not None and not user.is_superuser and instance.registered_by_id:
            from ..access import get_access_context

            context = get_access_context(user)
            if instance.registered_by_id not in (
                context.organisation_ids | context.partner_organisation_ids()
            ):
                data["registered_by"] = None
        return data


class EcosystemSerializer(ValidatedModelSerializer):
    integrator_model = serializers.CharField(read_only=True)

    class Meta:
        model = Ecosystem
        fields = (
            *COMMON,
            "name",
            "slug",
            "status",
            "customer",
            "integrator",
            "integrator_model",
            "description",
            *STAMPS,
        )


class ServiceProviderSerializer(ValidatedModelSerializer):
    class Meta:
        model = ServiceProvider
        fields = (*COMMON, "ecosystem", "organisation", "since", "scope", *STAMPS)


class ServiceSerializer(ValidatedModelSerializer):
    class Meta:
        model = Service
        fields = (
            *COMMON,
            "ecosystem",
            "name",
            "criticality",
            "delivered_by",
            "description",
            *STAMPS,
        )

    def validate(self, attrs):
        attrs = super().validate(attrs)
        _check_same_ecosystem(self, attrs, "delivered_by")
        return attrs


class ContractSerializer(ValidatedModelSerializer):
    class Meta:
        model = Contract
        fields = (
            *COMMON,
            "ecosystem",
            "kind",
            "reference",
            "name",
            "supplier",
            "consumer",
            "status",
            "start_date",
            "end_date",
            "services",
            "description",
            *STAMPS,
        )

    def validate(self, attrs):
        attrs = super().validate(attrs)
        _check_same_ecosystem(self, attrs, "services")
        return attrs


class ConnectedSystemSerializer(ValidatedModelSerializer):
    class Meta:
        model = ConnectedSystem
        fields = (
            *COMMON,
            "ecosystem",
            "organisation",
            "name",
            "kind",
            "entity_name",
            "base_url",
            "description",
            *STAMPS,
        )


class IntegrationFlowSerializer(ValidatedModelSerializer):
    exchanged_fields = serializers.ListField(
        child=serializers.CharField(max_length=100), required=False
    )

    class Meta:
        model = IntegrationFlow
        fields = (
            *COMMON,
            "ecosystem",
            "name",
            "source",
            "target",
            "direction",
            "trigger",
            "status",
            "source_entity",
            "target_entity",
            "exchanged_fields",
            "description",
            *STAMPS,
        )


class PersonSerializer(ValidatedModelSerializer):
    class Meta:
        model = Person
        fields = (*COMMON, "organisation", "name", "job_title", "email", "phone", "user", *STAMPS)
        extra_kwargs = {"user": {"read_only": True}}


class MembershipSerializer(ValidatedModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)

    class Meta:
        model = Membership
        fields = (*COMMON, "user", "username", "organisation", "role", *STAMPS)
        extra_kwargs = {"user": {"read_only": True}}


def _check_same_ecosystem(serializer, attrs, field):
    ecosystem = attrs.get("ecosystem") or getattr(serializer.instance, "ecosystem", None)
    chosen = attrs.get(field) or []
    stray = [
        str(obj) for obj in chosen if ecosystem is not None and obj.ecosystem_id != ecosystem.pk
    ]
    if stray:
        raise serializers.ValidationError(
            {field: [f"Not part of {ecosystem}: {', '.join(stray)}."]}
        )
