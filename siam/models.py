"""The ecosystem: organisations, the SIAM layers they play, services, contracts,
connected tools and the integration flows between them (see docs/access.md)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from core.models import PrimaryModel

from .choices import (
    ContractKindChoices,
    ContractStatusChoices,
    EcosystemStatusChoices,
    FlowDirectionChoices,
    FlowStatusChoices,
    FlowTriggerChoices,
    IntegratorModelChoices,
    LayerChoices,
    MembershipRoleChoices,
    ServiceCriticalityChoices,
    SystemKindChoices,
)


class Organisation(PrimaryModel):
    """A company or team. It may take part in several ecosystems, in different layers."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    website = models.URLField(blank=True)
    country = models.CharField(
        max_length=2, blank=True, help_text="ISO 3166 country code of its head office, e.g. NL."
    )
    registered_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="registered_organisations",
        help_text="The organisation whose staff recorded it; they keep seeing it before it joins an ecosystem.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ("name",)
        verbose_name = "organisation"

    def __str__(self):
        return self.name

    @classmethod
    def access_filter(cls, context, action):
        if action == "view":
            return (
                Q(pk__in=context.organisation_ids)
                | Q(pk__in=context.partner_organisation_ids())
                | Q(registered_by_id__in=context.organisation_ids)
            )
        # An organisation's own editors, whoever registered it, and the integrators
        # of ecosystems it takes part in may maintain it.
        return (
            Q(pk__in=context.editor_organisation_ids)
            | Q(registered_by_id__in=context.editor_organisation_ids)
            | Q(pk__in=context.partner_organisation_ids(context.governed_ecosystem_ids))
        )


class Ecosystem(PrimaryModel):
    """A SIAM programme: one customer, one integrator, several service providers."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    logo = models.FileField(
        upload_to="logos/", blank=True,
        validators=[FileExtensionValidator(["png", "jpg", "jpeg", "svg"])],
        help_text="PNG, JPEG or SVG; shown on steering reports.",
    )  # fmt: skip
    status = models.CharField(
        max_length=20, choices=EcosystemStatusChoices.choices, default=EcosystemStatusChoices.ACTIVE
    )
    customer = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="ecosystems_as_customer"
    )
    integrator = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="ecosystems_as_integrator",
        help_text="The service integrator. Choose the customer itself for an internal integrator.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ("name",)
        verbose_name = "ecosystem"

    def __str__(self):
        return self.name

    @property
    def integrator_model(self) -> str:
        if self.integrator_id == self.customer_id:
            return IntegratorModelChoices.INTERNAL
        return IntegratorModelChoices.EXTERNAL

    def layer_of(self, organisation_id) -> str:
        """The layer an organisation plays here; the integrator wins when it is also the
        customer (an internal integrator sits on boards and in matrices as integrator)."""
        if organisation_id == self.integrator_id:
            return LayerChoices.INTEGRATOR
        if organisation_id == self.customer_id:
            return LayerChoices.CUSTOMER
        return LayerChoices.PROVIDER

    def party_ids(self) -> set[int]:
        """Every organisation taking part: customer, integrator and each provider."""
        return {
            self.customer_id,
            self.integrator_id,
            *self.service_providers.values_list("organisation_id", flat=True),
        }

    def get_integrator_model_display(self) -> str:
        return IntegratorModelChoices(self.integrator_model).label

    @classmethod
    def access_filter(cls, context, action):
        if action == "view":
            return Q(pk__in=context.visible_ecosystem_ids)
        # Whoever runs the integration governs the ecosystem record itself.
        return Q(integrator_id__in=context.editor_organisation_ids)


class EcosystemScopedModel(PrimaryModel):
    """A record that belongs to exactly one ecosystem and is shared within it."""

    ecosystem = models.ForeignKey(Ecosystem, on_delete=models.CASCADE, related_name="+")

    class Meta:
        abstract = True

    @classmethod
    def access_filter(cls, context, action):
        return context.ecosystem_scoped(action)

    @classmethod
    def may_add(cls, context) -> bool:
        return bool(context.governed_ecosystem_ids)

    def party_ids(self) -> set[int]:
        return self.ecosystem.party_ids()


class ServiceProvider(EcosystemScopedModel):
    """An organisation's engagement as a service provider in an ecosystem."""

    ecosystem = models.ForeignKey(
        Ecosystem,
        on_delete=models.CASCADE,
        related_name="service_providers",
        db_index=False,
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="provider_engagements"
    )
    scope = models.TextField(blank=True, help_text="What this provider is engaged to deliver.")
    since = models.DateField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ("ecosystem__name", "organisation__name")
        verbose_name = "service provider"
        constraints = [
            models.UniqueConstraint(
                fields=("ecosystem", "organisation"),
                name="siam_serviceprovider_unique_per_ecosystem",
                violation_error_message="This organisation is already a service provider of the ecosystem.",
            )
        ]

    def __str__(self):
        return f"{self.organisation} in {self.ecosystem}"


class Service(EcosystemScopedModel):
    """What the customer receives; delivered by one or more providers."""

    ecosystem = models.ForeignKey(
        Ecosystem, on_delete=models.CASCADE, related_name="services", db_index=False
    )
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    criticality = models.CharField(
        max_length=20,
        choices=ServiceCriticalityChoices.choices,
        default=ServiceCriticalityChoices.MEDIUM,
    )
    delivered_by = models.ManyToManyField(
        ServiceProvider,
        related_name="services",
        blank=True,
        help_text="Providers of this ecosystem that deliver it.",
    )

    history = HistoricalRecords(m2m_fields=[delivered_by])

    class Meta:
        ordering = ("ecosystem__name", "name")
        verbose_name = "service"
        constraints = [
            models.UniqueConstraint(
                fields=("ecosystem", "name"),
                name="siam_service_unique_name_per_ecosystem",
                violation_error_message="The ecosystem already has a service with this name.",
            )
        ]

    def __str__(self):
        return self.name


class Contract(EcosystemScopedModel):
    """The end-to-end SLA (integrator → customer) or an OLA / underpinning contract
    (provider → integrator)."""

    ecosystem = models.ForeignKey(
        Ecosystem, on_delete=models.CASCADE, related_name="contracts", db_index=False
    )
    kind = models.CharField(max_length=10, choices=ContractKindChoices.choices)
    reference = models.CharField(
        max_length=50, help_text="Contract number, unique in the ecosystem."
    )
    name = models.CharField(max_length=200)
    supplier = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="contracts_supplied",
        help_text="The party that commits to the service levels.",
    )
    consumer = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="contracts_consumed",
        help_text="The party the service levels are owed to.",
    )
    services = models.ManyToManyField(Service, related_name="contracts", blank=True)
    status = models.CharField(
        max_length=20, choices=ContractStatusChoices.choices, default=ContractStatusChoices.DRAFT
    )
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    description = models.TextField(blank=True)

    history = HistoricalRecords(m2m_fields=[services])

    class Meta:
        ordering = ("ecosystem__name", "kind", "reference")
        verbose_name = "contract"
        constraints = [
            models.UniqueConstraint(
                fields=("ecosystem", "reference"),
                name="siam_contract_unique_reference_per_ecosystem",
                violation_error_message="The ecosystem already has a contract with this reference.",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="siam_contract_ends_after_start",
                violation_error_message="The end date must not be before the start date.",
            ),
        ]

    def __str__(self):
        return f"{self.reference} — {self.name}"

    @classmethod
    def access_filter(cls, context, action):
        if action != "view":
            return context.ecosystem_scoped(action)
        # Providers see the end-to-end SLA they underpin and their own agreements,
        # never another provider's commercial terms.
        provider_only = context.ecosystem_ids(LayerChoices.PROVIDER) - context.ecosystem_ids(
            LayerChoices.CUSTOMER, LayerChoices.INTEGRATOR
        )
        full = context.visible_ecosystem_ids - provider_only
        return Q(ecosystem_id__in=full) | (
            Q(ecosystem_id__in=provider_only)
            & (Q(kind=ContractKindChoices.SLA) | Q(supplier_id__in=context.organisation_ids))
        )

    def clean(self):
        super().clean()
        errors = {}
        if self.end_date and self.start_date and self.end_date < self.start_date:
            errors["end_date"] = "The end date must not be before the start date."
        if not self.ecosystem_id or not self.supplier_id or not self.consumer_id:
            if errors:
                raise ValidationError(errors)
            return
        eco = self.ecosystem
        if self.kind == ContractKindChoices.SLA:
            if self.supplier_id != eco.integrator_id:
                errors["supplier"] = (
                    f"The end-to-end SLA is supplied by the integrator, {eco.integrator}."
                )
            if self.consumer_id != eco.customer_id:
                errors["consumer"] = f"The end-to-end SLA is owed to the customer, {eco.customer}."
        elif self.kind in (ContractKindChoices.OLA, ContractKindChoices.UNDERPINNING):
            if not eco.service_providers.filter(organisation_id=self.supplier_id).exists():
                errors["supplier"] = (
                    "OLAs and underpinning contracts are supplied by a service provider of this ecosystem."
                )
            if self.consumer_id != eco.integrator_id:
                errors["consumer"] = (
                    f"OLAs and underpinning contracts are owed to the integrator, {eco.integrator}."
                )
        if errors:
            raise ValidationError(errors)


class ConnectedSystem(EcosystemScopedModel):
    """A tool an organisation works in (Jira, ServiceNow, …), connected to the ecosystem."""

    ecosystem = models.ForeignKey(
        Ecosystem, on_delete=models.CASCADE, related_name="systems", db_index=False
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="systems")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=SystemKindChoices.choices)
    entity_name = models.CharField(
        max_length=50,
        blank=True,
        help_text='What the tool calls a ticket ("issue", "incident", "ticket", "work item"). Left blank, the tool\'s usual name.',
    )
    base_url = models.URLField(blank=True, verbose_name="base URL")
    description = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ("ecosystem__name", "name")
        verbose_name = "connected system"
        constraints = [
            models.UniqueConstraint(
                fields=("ecosystem", "name"),
                name="siam_connectedsystem_unique_name_per_ecosystem",
                violation_error_message="The ecosystem already has a system with this name.",
            )
        ]

    def __str__(self):
        return self.name

    @classmethod
    def may_add(cls, context) -> bool:
        return bool(context.governed_ecosystem_ids) or bool(
            context.editor_organisation_ids and context.visible_ecosystem_ids
        )

    @classmethod
    def access_filter(cls, context, action):
        if action == "view":
            return context.ecosystem_scoped(action)
        # An organisation knows its own tools: its editors may maintain them too.
        return context.ecosystem_scoped(action) | (
            Q(ecosystem_id__in=context.visible_ecosystem_ids)
            & Q(organisation_id__in=context.editor_organisation_ids)
        )

    def save(self, *args, **kwargs):
        if not self.entity_name:
            self.entity_name = SystemKindChoices.default_entity(self.kind)
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        if (
            self.ecosystem_id
            and self.organisation_id
            and self.organisation_id not in self.party_ids()
        ):
            raise ValidationError(
                {"organisation": "This organisation takes no part in the ecosystem."}
            )


class IntegrationFlow(EcosystemScopedModel):
    """Data exchanged between two connected systems."""

    ecosystem = models.ForeignKey(
        Ecosystem, on_delete=models.CASCADE, related_name="flows", db_index=False
    )
    name = models.CharField(max_length=200)
    source = models.ForeignKey(
        ConnectedSystem, on_delete=models.PROTECT, related_name="outgoing_flows"
    )
    target = models.ForeignKey(
        ConnectedSystem, on_delete=models.PROTECT, related_name="incoming_flows"
    )
    direction = models.CharField(
        max_length=3,
        choices=FlowDirectionChoices.choices,
        default=FlowDirectionChoices.BIDIRECTIONAL,
    )
    trigger = models.CharField(
        max_length=20, choices=FlowTriggerChoices.choices, default=FlowTriggerChoices.AUTOMATIC
    )
    status = models.CharField(
        max_length=20, choices=FlowStatusChoices.choices, default=FlowStatusChoices.PLANNED
    )
    source_entity = models.CharField(
        max_length=50, blank=True, help_text="Left blank, the source tool's entity name."
    )
    target_entity = models.CharField(
        max_length=50, blank=True, help_text="Left blank, the target tool's entity name."
    )
    exchanged_fields = models.JSONField(
        default=list,
        blank=True,
        help_text="Fields exchanged, e.g. summary, description, priority, status, comments.",
    )
    description = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ("ecosystem__name", "name")
        verbose_name = "integration flow"
        constraints = [
            models.UniqueConstraint(
                fields=("ecosystem", "name"),
                name="siam_integrationflow_unique_name_per_ecosystem",
                violation_error_message="The ecosystem already has a flow with this name.",
            ),
            models.CheckConstraint(
                condition=~Q(source=models.F("target")),
                name="siam_integrationflow_distinct_systems",
                violation_error_message="A flow connects two different systems.",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_bidirectional(self) -> bool:
        return self.direction == FlowDirectionChoices.BIDIRECTIONAL

    def save(self, *args, **kwargs):
        if not self.source_entity and self.source_id:
            self.source_entity = self.source.entity_name
        if not self.target_entity and self.target_id:
            self.target_entity = self.target.entity_name
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        errors = {}
        for side in ("source", "target"):
            system = getattr(self, side) if getattr(self, f"{side}_id") else None
            if (
                system is not None
                and self.ecosystem_id
                and system.ecosystem_id != self.ecosystem_id
            ):
                errors[side] = f"{system} belongs to another ecosystem."
        if self.source_id and self.source_id == self.target_id:
            errors["target"] = "A flow connects two different systems."
        if not isinstance(self.exchanged_fields, list) or not all(
            isinstance(f, str) for f in self.exchanged_fields
        ):
            errors["exchanged_fields"] = "Give the exchanged fields as a list of names."
        if errors:
            raise ValidationError(errors)


class Person(PrimaryModel):
    """Someone working for an organisation; may have a login."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="people")
    name = models.CharField(max_length=200)
    job_title = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=50, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ("name",)
        verbose_name = "person"
        verbose_name_plural = "people"

    def __str__(self):
        return self.name

    @classmethod
    def access_filter(cls, context, action):
        if action == "view":
            return Q(
                organisation_id__in=context.organisation_ids | context.partner_organisation_ids()
            )
        return Q(organisation_id__in=context.editor_organisation_ids) | Q(
            organisation_id__in=context.partner_organisation_ids(context.governed_ecosystem_ids)
        )


class Membership(PrimaryModel):
    """A user's role in an organisation: what they may do on its behalf."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        db_index=False,
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(
        max_length=20, choices=MembershipRoleChoices.choices, default=MembershipRoleChoices.VIEWER
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ("organisation__name", "user__username")
        verbose_name = "membership"
        constraints = [
            models.UniqueConstraint(
                fields=("user", "organisation"),
                name="siam_membership_unique_user_organisation",
                violation_error_message="This user already belongs to the organisation.",
            )
        ]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} at {self.organisation}"

    @classmethod
    def may_add(cls, context) -> bool:
        return bool(context.admin_organisation_ids)

    @classmethod
    def access_filter(cls, context, action):
        if action == "view":
            return Q(organisation_id__in=context.organisation_ids) | Q(
                organisation_id__in=context.partner_organisation_ids(
                    context.ecosystem_ids(LayerChoices.INTEGRATOR)
                )
            )
        return Q(organisation_id__in=context.admin_organisation_ids)
