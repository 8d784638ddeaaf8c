"""Each integration flow's data dictionary: which source field feeds which target field,
and how their values translate. The integrator edits it; ingestion reads it
(``integrations.dictionaries``) and ``integrations.dictionary_checks`` says what would
go wrong in a sync."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models

from core.querysets import RestrictedQuerySet
from siam.models import IntegrationFlow

from ..choices import MappingDirectionChoices, ValueRuleChoices


class FieldMapping(models.Model):
    """One row of a flow's data dictionary: a source field and the target field it feeds."""

    flow = models.ForeignKey(
        IntegrationFlow, on_delete=models.CASCADE, related_name="field_mappings"
    )
    position = models.PositiveIntegerField(default=0)
    source_field = models.CharField(max_length=100, blank=True, help_text="e.g. short_description")
    target_field = models.CharField(max_length=100, blank=True, help_text="e.g. summary")
    semantics = models.TextField(blank=True, help_text="What the field means on both sides.")
    sample_values = models.CharField(max_length=300, blank=True)
    source_type = models.CharField(max_length=50, blank=True)
    source_max_length = models.PositiveIntegerField(null=True, blank=True)
    target_type = models.CharField(max_length=50, blank=True)
    target_max_length = models.PositiveIntegerField(null=True, blank=True)
    source_values = models.TextField(
        blank=True, help_text="For a list field: the values the source can hold, one per line."
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ("flow", "position", "id")
        verbose_name = "field mapping"

    def __str__(self):
        return f"{self.source_field or '?'} → {self.target_field or '?'}"

    @classmethod
    def access_filter(cls, context, action):
        return context.ecosystem_scoped(action, prefix="flow__ecosystem")


class ValueMapping(models.Model):
    field = models.ForeignKey(FieldMapping, on_delete=models.CASCADE, related_name="value_mappings")
    direction = models.CharField(
        max_length=10,
        choices=MappingDirectionChoices.choices,
        default=MappingDirectionChoices.FORWARD,
    )
    source_value = models.CharField(max_length=200, blank=True, help_text="e.g. 1 - Critical")
    target_value = models.CharField(max_length=200, blank=True, help_text="e.g. Highest")
    rule = models.CharField(
        max_length=10, choices=ValueRuleChoices.choices, default=ValueRuleChoices.MAP
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ("field", "direction", "source_value")
        verbose_name = "value mapping"

    def __str__(self):
        return f"{self.source_value} → {self.target_value} ({self.rule})"

    @classmethod
    def access_filter(cls, context, action):
        return context.ecosystem_scoped(action, prefix="field__flow__ecosystem")

    def clean(self):
        super().clean()
        if self.rule == ValueRuleChoices.MAP and not (self.source_value and self.target_value):
            raise ValidationError("A mapping needs a source value and a target value.")
        if self.rule == ValueRuleChoices.DEFAULT and not self.target_value:
            raise ValidationError({"target_value": "A default needs the target value to use."})
