"""What the ecosystem delivers: its service providers, services and contracts."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from ..choices import (
    ContractKindChoices,
    ContractStatusChoices,
    LayerChoices,
    ServiceCriticalityChoices,
)
from .organisations import Ecosystem, EcosystemScopedModel, Organisation


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
