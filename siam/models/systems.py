"""The parties' connected tools and the integration flows between them."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from ..choices import (
    FlowDirectionChoices,
    FlowStatusChoices,
    FlowTriggerChoices,
    SystemKindChoices,
)
from .organisations import Ecosystem, EcosystemScopedModel, Organisation


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
