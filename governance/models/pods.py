"""Integration pods and health self-assessments."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from simple_history.models import HistoricalRecords

from siam.models import Ecosystem, EcosystemScopedModel, Person

from .. import assessment, rules
from ..choices import (
    PodRoleChoices,
)
from .common import EcosystemChild


class Pod(EcosystemScopedModel):
    ecosystem = models.ForeignKey(Ecosystem, on_delete=models.CASCADE, related_name="pods")
    name = models.CharField(max_length=200)
    focus = models.TextField(blank=True, help_text="The problem domain the pod owns.")
    head = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="pods_headed",
        verbose_name="head of integration", help_text="Coordinates the leads of several pods.",
    )  # fmt: skip

    history = HistoricalRecords()

    class Meta:
        ordering = ("ecosystem__name", "name")
        verbose_name = "integration pod"

    def __str__(self):
        return self.name

    def warnings(self) -> list[str]:
        """Needs ``members`` prefetched."""
        return rules.pod_warnings([rules.PodSeat(m.role, m.part_time) for m in self.members.all()])


class PodMember(EcosystemChild):
    parent_path = "pod__ecosystem"

    pod = models.ForeignKey(Pod, on_delete=models.CASCADE, related_name="members", db_index=False)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="pod_seats")
    role = models.CharField(max_length=20, choices=PodRoleChoices.choices)
    part_time = models.BooleanField(
        default=False, help_text="Helps the pod without owning its deliverables."
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ("pod", "part_time", "role", "person__name")
        constraints = [
            models.UniqueConstraint(fields=("pod", "person"), name="gov_podmember_unique")
        ]

    def __str__(self):
        return f"{self.person} — {self.get_role_display()}"

    def clean(self):
        # As on a board: a pod's members come from the parties of its ecosystem, whoever
        # else the user adding them can see (the API offers every person they see).
        if not (self.pod_id and self.person_id):
            return
        ecosystem = self.pod.ecosystem
        if self.person.organisation_id not in ecosystem.party_ids():
            raise ValidationError({"person": f"{self.person} is not with a party of {ecosystem}."})


# --- Self-assessment --------------------------------------------------------------------------


class Assessment(EcosystemScopedModel):
    ecosystem = models.ForeignKey(Ecosystem, on_delete=models.CASCADE, related_name="assessments")
    title = models.CharField(max_length=200)
    assessed_on = models.DateField(default=timezone.localdate)
    assessed_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="assessments"
    )
    answers = models.JSONField(default=dict, blank=True, help_text="question key -> rating 0–5")
    notes = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ("ecosystem__name", "-assessed_on")
        verbose_name = "health self-assessment"

    def __str__(self):
        return self.title

    def clean(self):
        unknown = set(self.answers) - assessment.QUESTION_KEYS
        bad = [
            k
            for k, v in self.answers.items()
            if v is not None and not (isinstance(v, int) and 0 <= v <= 5)
        ]
        if unknown:
            raise ValidationError({"answers": f"Unknown questions: {', '.join(sorted(unknown))}."})
        if bad:
            raise ValidationError(
                {"answers": f"Ratings run from 0 to 5 ({', '.join(sorted(bad))})."}
            )

    @cached_property
    def scores(self) -> dict[str, float | None]:
        return assessment.dimension_scores(self.answers)

    @property
    def overall(self) -> float | None:
        return assessment.overall(self.scores)
