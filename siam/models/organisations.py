"""Organisations, the ecosystems they form, and the base of every record scoped to
one ecosystem."""

from __future__ import annotations

from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from core.models import PrimaryModel

from ..choices import (
    EcosystemStatusChoices,
    IntegratorModelChoices,
    LayerChoices,
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
