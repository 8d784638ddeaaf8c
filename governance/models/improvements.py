"""The improvement register and integration backlog, with the weighted scoring model."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from siam.models import Ecosystem, EcosystemScopedModel, Person

from .. import scoring
from ..choices import (
    ImprovementStatusChoices,
    RegisterChoices,
)
from .common import RATING


class ScoringModel(EcosystemScopedModel):
    """The weights of the playbook's scoring model for one ecosystem (default 40/30/20/10)."""

    ecosystem = models.OneToOneField(
        Ecosystem, on_delete=models.CASCADE, related_name="scoring_model"
    )
    business_impact = models.PositiveSmallIntegerField(default=40)
    complexity = models.PositiveSmallIntegerField("technical complexity", default=30)
    cost = models.PositiveSmallIntegerField(default=20)
    risk = models.PositiveSmallIntegerField(default=10)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "scoring model"

    def __str__(self):
        return f"Scoring model of {self.ecosystem}"

    @property
    def weights(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in scoring.CRITERIA}

    def clean(self):
        problems = scoring.validate_weights(self.weights)
        if problems:
            raise ValidationError(problems)

    @classmethod
    def weights_for(cls, ecosystem_id) -> dict[str, int]:
        model = cls.objects.filter(ecosystem_id=ecosystem_id).first()
        return model.weights if model else dict(scoring.DEFAULT_WEIGHTS)


class ImprovementItem(EcosystemScopedModel):
    ecosystem = models.ForeignKey(
        Ecosystem, on_delete=models.CASCADE, related_name="improvement_items"
    )
    register = models.CharField(
        max_length=20, choices=RegisterChoices.choices, default=RegisterChoices.IMPROVEMENT
    )
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    business_impact = models.PositiveSmallIntegerField(
        validators=RATING, help_text="1 = little, 5 = transforms the business outcome."
    )
    complexity = models.PositiveSmallIntegerField(
        "technical complexity", validators=RATING, help_text="1 = simple, 5 = very complex."
    )
    cost = models.PositiveSmallIntegerField(
        validators=RATING, help_text="1 = cheap, 5 = very expensive."
    )
    risk = models.PositiveSmallIntegerField(
        validators=RATING, help_text="1 = safe, 5 = security or data risks."
    )
    score = models.FloatField(default=0, editable=False, help_text="Weighted score, 0–100.")
    override_score = models.FloatField(
        null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="Replaces the computed score in the ranking (e.g. regulatory compliance).",
    )  # fmt: skip
    override_reason = models.CharField(max_length=300, blank=True)
    override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        editable=False, related_name="+",
    )  # fmt: skip
    override_at = models.DateTimeField(null=True, blank=True, editable=False)
    status = models.CharField(
        max_length=20, choices=ImprovementStatusChoices.choices,
        default=ImprovementStatusChoices.PROPOSED,
    )  # fmt: skip
    owner = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="improvements_owned"
    )
    requirement = models.ForeignKey(
        "requirements_app.Requirement", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="improvements",
    )  # fmt: skip

    history = HistoricalRecords()

    class Meta:
        ordering = ("ecosystem__name", "register", "-score")
        verbose_name = "improvement item"

    def __str__(self):
        return self.title

    @property
    def ratings(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in scoring.CRITERIA}

    @property
    def effective_score(self) -> float:
        return self.override_score if self.override_score is not None else self.score

    def clean(self):
        if self.override_score is not None and not self.override_reason.strip():
            raise ValidationError({"override_reason": "Say why the ranking is overridden."})
        if self.override_score is None:
            self.override_reason = ""

    def save(self, *args, weights=None, **kwargs):
        ratings = self.ratings
        if all(isinstance(v, int) and 1 <= v <= 5 for v in ratings.values()):
            self.score = scoring.score(
                ratings, weights or ScoringModel.weights_for(self.ecosystem_id)
            )
        super().save(*args, **kwargs)
