"""People of the parties, and the users' memberships that give them access."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from core.models import PrimaryModel

from ..choices import (
    LayerChoices,
    MembershipRoleChoices,
)
from .organisations import Organisation


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
