"""RACI matrices (activities x roles, versioned, approved) and the identity access
matrix (see docs/raci.md). The rules live in ``raci.rules``; these models store
what the rules are applied to."""

import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from core.models import PrimaryModel
from core.querysets import RestrictedQuerySet
from siam.choices import LayerChoices
from siam.models import EcosystemScopedModel, Organisation, Person

from .choices import AccessLevelChoices, MatrixStatusChoices, ProcessChoices, VariantChoices
from .rules import VARIANTS
from .versioning import DraftChild, VersionedDocument


def layers_of(organisation_id, ecosystem) -> set[str]:
    layers = set()
    if organisation_id == ecosystem.integrator_id:
        layers.add(LayerChoices.INTEGRATOR)
    if organisation_id == ecosystem.customer_id:
        layers.add(LayerChoices.CUSTOMER)
    if ecosystem.service_providers.filter(organisation_id=organisation_id).exists():
        layers.add(LayerChoices.PROVIDER)
    return layers


class Role(EcosystemScopedModel):
    """A role of one organisation in the ecosystem, held by people (so a matrix stays
    valid when people change)."""

    ecosystem = models.ForeignKey(
        "siam.Ecosystem",
        on_delete=models.CASCADE,
        related_name="raci_roles",
        db_index=False,
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="raci_roles"
    )
    name = models.CharField(max_length=200, help_text="e.g. Service Desk Lead")
    acts_as = models.CharField(
        max_length=20,
        choices=LayerChoices.choices,
        blank=True,
        help_text="The layer the role acts for, when its organisation plays several (an "
        "internal integrator is also the customer). Empty: derived from the organisation.",
    )
    description = models.TextField(blank=True)
    holders = models.ManyToManyField(Person, related_name="raci_roles", blank=True)
    approves_changes = models.BooleanField(
        "Approves change requests",
        default=False,
        help_text="Its holders approve change requests before work starts (a customer role, "
        "e.g. the business owner). The integrator can only record an approval on their behalf.",
    )

    history = HistoricalRecords(m2m_fields=[holders])

    class Meta:
        ordering = ("ecosystem__name", "organisation__name", "name")
        verbose_name = "role"
        constraints = [
            models.UniqueConstraint(
                fields=("ecosystem", "organisation", "name"),
                name="raci_role_unique",
                violation_error_message="This organisation already has a role with this name in the ecosystem.",
            )
        ]

    def __str__(self):
        return f"{self.organisation} — {self.name}"

    @property
    def layer(self) -> str:
        return self.acts_as or self.ecosystem.layer_of(self.organisation_id)

    def clean(self):
        super().clean()
        if not (self.ecosystem_id and self.organisation_id):
            return
        if self.organisation_id not in self.party_ids():
            raise ValidationError(
                {"organisation": "This organisation takes no part in the ecosystem."}
            )
        if self.acts_as and self.acts_as not in layers_of(self.organisation_id, self.ecosystem):
            raise ValidationError(
                {"acts_as": f"{self.organisation} is not the {self.acts_as} of this ecosystem."}
            )
        if self.approves_changes and self.layer != LayerChoices.CUSTOMER:
            raise ValidationError(
                {"approves_changes": "Only a role of the customer approves changes."}
            )


class RaciMatrix(VersionedDocument):
    """One version of a RACI matrix. Versions of the same matrix share ``lineage``."""

    lineage_fields = ("lineage",)

    ecosystem = models.ForeignKey(
        "siam.Ecosystem", on_delete=models.CASCADE, related_name="raci_matrices"
    )
    name = models.CharField(max_length=200)
    variant = models.CharField(
        max_length=10, choices=VariantChoices.choices, default=VariantChoices.RACI
    )
    description = models.TextField(blank=True)
    lineage = models.UUIDField(
        default=uuid.uuid4, help_text="Shared by every version of this matrix.", editable=False
    )
    owner_share_limit = models.PositiveSmallIntegerField(
        default=50,
        help_text="Warn when one column is accountable for more than this % of activities.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ("ecosystem__name", "name", "-version")
        verbose_name = "RACI matrix"
        verbose_name_plural = "RACI matrices"
        constraints = [
            models.UniqueConstraint(
                fields=("lineage", "version"), name="raci_matrix_unique_version"
            ),
            # Two drafts of one matrix would fork it: whichever is approved second
            # silently discards the other's edits.
            models.UniqueConstraint(
                fields=("lineage",),
                condition=Q(status=MatrixStatusChoices.DRAFT),
                name="raci_matrix_one_draft",
                violation_error_message="A draft version of this matrix exists: edit it.",
            ),
        ]

    def __str__(self):
        return f"{self.name} v{self.version}"


class RaciActivity(DraftChild, models.Model):
    matrix = models.ForeignKey(
        RaciMatrix, on_delete=models.CASCADE, related_name="activities", db_index=False
    )
    position = models.PositiveIntegerField(default=0)
    phase = models.CharField(
        max_length=100, blank=True, help_text="Group, e.g. a phase or a practice."
    )
    name = models.CharField(max_length=300)
    process = models.CharField(max_length=20, choices=ProcessChoices.choices, blank=True)
    must_be_owned_by = models.JSONField(
        default=list,
        blank=True,
        help_text="Layers that must hold the A (customer, integrator, provider); empty: any.",
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ("matrix", "position", "id")
        verbose_name = "activity"
        verbose_name_plural = "activities"
        constraints = [
            models.UniqueConstraint(fields=("matrix", "name"), name="raci_activity_unique_name")
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        unknown = set(self.must_be_owned_by or ()) - set(LayerChoices.values)
        if not isinstance(self.must_be_owned_by, list) or unknown:
            raise ValidationError(
                {"must_be_owned_by": f"Use a list of layers: {', '.join(LayerChoices.values)}."}
            )


class RaciColumn(DraftChild, models.Model):
    """A column: a role, or a named person."""

    matrix = models.ForeignKey(
        RaciMatrix, on_delete=models.CASCADE, related_name="columns", db_index=False
    )
    position = models.PositiveIntegerField(default=0)
    role = models.ForeignKey(
        Role, on_delete=models.PROTECT, null=True, blank=True, related_name="columns"
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="raci_columns"
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ("matrix", "position", "id")
        verbose_name = "column"
        constraints = [
            models.CheckConstraint(
                condition=(Q(role__isnull=False) & Q(person__isnull=True))
                | (Q(role__isnull=True) & Q(person__isnull=False)),
                name="raci_column_role_or_person",
                violation_error_message="A column is either a role or a person.",
            ),
            models.UniqueConstraint(
                fields=("matrix", "role"),
                name="raci_column_unique_role",
                violation_error_message="This role is already a column of the matrix.",
            ),
            models.UniqueConstraint(
                fields=("matrix", "person"),
                name="raci_column_unique_person",
                violation_error_message="This person is already a column of the matrix.",
            ),
        ]

    def __str__(self):
        return str(self.role.name if self.role_id else self.person)

    @property
    def label(self) -> str:
        return str(self.role) if self.role_id else f"{self.person} ({self.person.organisation})"

    @property
    def organisation_id(self) -> int:
        return self.role.organisation_id if self.role_id else self.person.organisation_id

    def clean(self):
        super().clean()
        if not self.matrix_id:
            return
        if self.role_id and self.role.ecosystem_id != self.matrix.ecosystem_id:
            raise ValidationError({"role": "This role belongs to another ecosystem."})
        if self.person_id and self.person.organisation_id not in self.matrix.party_ids():
            raise ValidationError(
                {"person": "This person's organisation takes no part in the ecosystem."}
            )


class RaciAssignment(DraftChild, models.Model):
    """One cell: the letters a column holds for an activity."""

    document_path = "activity__matrix"

    activity = models.ForeignKey(
        RaciActivity, on_delete=models.CASCADE, related_name="assignments", db_index=False
    )
    column = models.ForeignKey(RaciColumn, on_delete=models.CASCADE, related_name="assignments")
    letters = models.CharField(max_length=4)
    acknowledged_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ("activity", "column")
        constraints = [
            models.UniqueConstraint(
                fields=("activity", "column"), name="raci_assignment_unique_cell"
            )
        ]

    def __str__(self):
        return f"{self.activity} / {self.column}: {self.letters}"

    def clean(self):
        super().clean()
        if not (self.activity_id and self.column_id):
            return
        matrix = self.activity.matrix
        if self.column.matrix_id != matrix.pk:
            raise ValidationError({"column": "This column belongs to another matrix."})
        try:
            self.letters = VARIANTS[matrix.variant].normalise(self.letters)
        except ValueError as exc:
            raise ValidationError({"letters": str(exc)}) from exc
        if not self.letters:
            raise ValidationError({"letters": "A cell needs letters; delete it to empty it."})


class RaciTemplate(PrimaryModel):
    """A saved starting point: activities, column names and letters, as data."""

    name = models.CharField(max_length=200, unique=True)
    variant = models.CharField(
        max_length=10, choices=VariantChoices.choices, default=VariantChoices.RACI
    )
    description = models.TextField(blank=True)
    content = models.JSONField(
        help_text='{"columns": [{"name", "layer"}], "activities": [{"name", "phase", "process", "must_be_owned_by", "cells": {column: letters}}]}'
    )
    owner = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="raci_templates"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ("name",)
        verbose_name = "RACI template"

    def __str__(self):
        return self.name

    @classmethod
    def access_filter(cls, context, action):
        if action == "view":
            return Q(owner__isnull=True) | Q(owner_id__in=context.organisation_ids)
        return Q(owner_id__in=context.editor_organisation_ids)


# --- Identity access matrix ----------------------------------------------------------------


class DataObject(EcosystemScopedModel):
    ecosystem = models.ForeignKey(
        "siam.Ecosystem",
        on_delete=models.CASCADE,
        related_name="data_objects",
        db_index=False,
    )
    name = models.CharField(
        max_length=200, help_text="e.g. tickets, attachments, customer data, financials"
    )
    confidential = models.BooleanField(default=False, help_text="Providers should not write it.")

    history = HistoricalRecords()

    class Meta:
        ordering = ("ecosystem__name", "name")
        verbose_name = "data object"
        constraints = [
            models.UniqueConstraint(fields=("ecosystem", "name"), name="raci_dataobject_unique")
        ]

    def __str__(self):
        return self.name


class AccessMatrix(VersionedDocument):
    """One version of the identity access matrix: roles x data objects -> level."""

    lineage_fields = ("ecosystem",)

    ecosystem = models.ForeignKey(
        "siam.Ecosystem",
        on_delete=models.CASCADE,
        related_name="access_matrices",
        db_index=False,
    )
    note = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ("ecosystem__name", "-version")
        verbose_name = "identity access matrix"
        verbose_name_plural = "identity access matrices"
        constraints = [
            models.UniqueConstraint(
                fields=("ecosystem", "version"), name="raci_accessmatrix_unique_version"
            ),
            models.UniqueConstraint(
                fields=("ecosystem",),
                condition=Q(status=MatrixStatusChoices.DRAFT),
                name="raci_accessmatrix_one_draft",
                violation_error_message="The ecosystem's access matrix has a draft: edit it.",
            ),
        ]

    def __str__(self):
        return f"Access matrix of {self.ecosystem} v{self.version}"


class AccessGrant(DraftChild, models.Model):
    matrix = models.ForeignKey(
        AccessMatrix, on_delete=models.CASCADE, related_name="grants", db_index=False
    )
    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="grants")
    data_object = models.ForeignKey(DataObject, on_delete=models.CASCADE, related_name="grants")
    level = models.CharField(
        max_length=10, choices=AccessLevelChoices.choices, default=AccessLevelChoices.NONE
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ("matrix", "role", "data_object")
        constraints = [
            models.UniqueConstraint(
                fields=("matrix", "role", "data_object"), name="raci_grant_unique"
            )
        ]

    def __str__(self):
        return f"{self.role} / {self.data_object}: {self.level}"

    def clean(self):
        super().clean()
        eco = self.matrix.ecosystem_id if self.matrix_id else None
        if self.role_id and self.role.ecosystem_id != eco:
            raise ValidationError({"role": "This role belongs to another ecosystem."})
        if self.data_object_id and self.data_object.ecosystem_id != eco:
            raise ValidationError({"data_object": "This data object belongs to another ecosystem."})

    @property
    def flagged(self) -> bool:
        """A provider may write a confidential data object: shown as a warning."""
        return (
            self.data_object.confidential
            and self.level in (AccessLevelChoices.WRITE, AccessLevelChoices.FULL)
            and self.role.layer == LayerChoices.PROVIDER
        )
