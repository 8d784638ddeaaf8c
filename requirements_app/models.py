"""Requirements of an ecosystem's integration programme (see docs/requirements.md):
pain points and the to-be vision, business requirements with acceptance criteria and a
review workflow, user stories and use cases traced to them, the design-question
catalogue and business rules (the data dictionary of each flow is the integrations
app's)."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from core.codes import allocate_number
from core.querysets import RestrictedQuerySet
from siam.models import EcosystemScopedModel, IntegrationFlow, Organisation, Person

from .choices import (
    MoscowChoices,
    QuestionCategoryChoices,
    QuestionStatusChoices,
    RequirementStatusChoices,
    SeverityChoices,
    StepKindChoices,
)


class CodedModel(EcosystemScopedModel):
    """An item with a stable code per ecosystem (REQ-001 …), assigned on first save."""

    code_prefix = ""
    code = models.CharField(max_length=20, editable=False)

    class Meta:
        abstract = True

    def __str__(self):
        return self.code

    def save(self, *args, **kwargs):
        if self.code:
            return super().save(*args, **kwargs)
        # Two people adding requirements to one ecosystem at once must not get the same
        # number: the shared allocator's counter row serialises them.
        with transaction.atomic():
            number = allocate_number(
                self._meta.label_lower, self.ecosystem_id, self._highest_code_number
            )
            self.code = f"{self.code_prefix}-{number:03d}"
            super().save(*args, **kwargs)

    def _highest_code_number(self) -> int:
        codes = (
            type(self)
            ._base_manager.filter(ecosystem_id=self.ecosystem_id)
            .values_list("code", flat=True)
        )
        numbers = [int(m.group(1)) for c in codes if (m := re.search(r"(\d+)$", c))]
        return max(numbers, default=0)


class PainPoint(EcosystemScopedModel):
    ecosystem = models.ForeignKey(
        "siam.Ecosystem", on_delete=models.CASCADE, related_name="pain_points"
    )
    title = models.CharField(max_length=200, help_text="What hurts, in a sentence.")
    description = models.TextField(blank=True, help_text="How it happens today and what it costs.")
    affected = models.CharField(
        max_length=300,
        blank=True,
        help_text="Who feels it, e.g. Mercuri's customer service agents.",
    )
    parties = models.ManyToManyField(
        Organisation, blank=True, related_name="pain_points", help_text="The parties involved."
    )
    severity = models.CharField(
        max_length=10, choices=SeverityChoices.choices, default=SeverityChoices.MEDIUM
    )

    history = HistoricalRecords(m2m_fields=[parties])

    class Meta:
        ordering = ("ecosystem__name", "title")
        verbose_name = "pain point"

    def __str__(self):
        return self.title

    @staticmethod
    def outsiders(ecosystem, organisations) -> list[str]:
        """Organisations named as parties that take no part in ``ecosystem`` (the
        many-to-many is checked by forms and the API; a model's clean cannot see it)."""
        ids = ecosystem.party_ids()
        return [str(o) for o in organisations if o.pk not in ids]

    def clean(self):
        super().clean()
        if self.ecosystem_id and not self.title.strip():
            raise ValidationError({"title": "Say what hurts."})


class Vision(EcosystemScopedModel):
    """The ecosystem's to-be vision: one statement per ecosystem."""

    ecosystem = models.OneToOneField(
        "siam.Ecosystem", on_delete=models.CASCADE, related_name="vision"
    )
    statement = models.TextField(help_text="Where the ecosystem is going, in the customer's words.")
    goals = models.TextField(blank=True, help_text="One goal per line.")

    history = HistoricalRecords()

    class Meta:
        verbose_name = "to-be vision"

    def __str__(self):
        return f"Vision of {self.ecosystem}"


class Requirement(CodedModel):
    code_prefix = "REQ"

    ecosystem = models.ForeignKey(
        "siam.Ecosystem",
        on_delete=models.CASCADE,
        related_name="requirements",
        db_index=False,
    )
    title = models.CharField(max_length=200)
    statement = models.TextField(help_text="What the solution shall do, verifiably.")
    rationale = models.TextField(
        blank=True, help_text="Why: the pain it removes or the goal it serves."
    )
    priority = models.CharField(
        max_length=10, choices=MoscowChoices.choices, default=MoscowChoices.SHOULD
    )
    owner = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="requirements_owned"
    )
    pain_points = models.ManyToManyField(PainPoint, blank=True, related_name="requirements")
    status = models.CharField(
        max_length=20, choices=RequirementStatusChoices.choices, default=RequirementStatusChoices.DRAFT,
        editable=False,
    )  # fmt: skip

    history = HistoricalRecords(m2m_fields=[pain_points])

    class Meta:
        ordering = ("ecosystem__name", "code")
        verbose_name = "business requirement"
        constraints = [
            models.UniqueConstraint(
                fields=("ecosystem", "code"), name="req_requirement_unique_code"
            )
        ]

    def __str__(self):
        return f"{self.code} {self.title}"


class Transition(models.Model):
    """Who moved a requirement from one status to another, and when (append-only)."""

    requirement = models.ForeignKey(
        Requirement, on_delete=models.CASCADE, related_name="transitions"
    )
    source = models.CharField(max_length=20, choices=RequirementStatusChoices.choices)
    target = models.CharField(max_length=20, choices=RequirementStatusChoices.choices)
    # Empty once its author's account is deleted: the transition stays, and stays valid.
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField()
    note = models.TextField(blank=True)

    class Meta:
        ordering = ("requirement", "at", "id")

    def __str__(self):
        return f"{self.requirement.code}: {self.source} → {self.target}"


class UserStory(CodedModel):
    code_prefix = "US"

    ecosystem = models.ForeignKey(
        "siam.Ecosystem",
        on_delete=models.CASCADE,
        related_name="user_stories",
        db_index=False,
    )
    role = models.CharField(
        "As a …", max_length=200, help_text="Who wants it, e.g. customer service agent at Mercuri."
    )
    goal = models.TextField("I want …", help_text="What they want to do.")
    benefit = models.TextField("so that …", help_text="Why it matters to them.")
    requirements = models.ManyToManyField(
        Requirement, through="StoryLink", blank=True, related_name="stories"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ("ecosystem__name", "code")
        verbose_name = "user story"
        verbose_name_plural = "user stories"
        constraints = [
            models.UniqueConstraint(fields=("ecosystem", "code"), name="req_story_unique_code")
        ]

    def __str__(self):
        return f"{self.code} As a {self.role}, I want {self.goal}"

    @property
    def sentence(self) -> str:
        return f"As a {self.role}, I want {self.goal}, so that {self.benefit}."

    #: the three parts of the sentence, with what each one says
    STORY_PARTS = (("role", "who (As a …)"), ("goal", "what (I want …)"), ("benefit", "why (so that …)"))  # fmt: skip

    def clean(self):
        super().clean()
        # Each missing part is reported on its own field, so the form (and the API)
        # says exactly which part of the sentence is absent.
        missing = {
            name: f"A user story says {label}: “As a <role>, I want <goal>, so that <benefit>”."
            for name, label in self.STORY_PARTS
            if not (getattr(self, name) or "").strip()
        }
        if missing:
            raise ValidationError(missing)


class UseCase(CodedModel):
    code_prefix = "UC"

    ecosystem = models.ForeignKey(
        "siam.Ecosystem",
        on_delete=models.CASCADE,
        related_name="use_cases",
        db_index=False,
    )
    title = models.CharField(max_length=200)
    actors = models.CharField(
        max_length=300, help_text="Comma-separated, e.g. Elaine (Jira), Zendesk."
    )
    preconditions = models.TextField(blank=True)
    postconditions = models.TextField(blank=True)
    requirements = models.ManyToManyField(
        Requirement, through="UseCaseLink", blank=True, related_name="use_cases"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ("ecosystem__name", "code")
        verbose_name = "use case"
        constraints = [
            models.UniqueConstraint(fields=("ecosystem", "code"), name="req_usecase_unique_code")
        ]

    def __str__(self):
        return f"{self.code} {self.title}"


class TraceLink(models.Model):
    """A trace from an item to a requirement; suspect when the requirement changed
    after approval, until someone re-confirms the item still holds."""

    suspect = models.BooleanField(default=False)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        abstract = True

    def __str__(self):
        return f"{getattr(self, self.item_field)} → {self.requirement}"

    def clean(self):
        super().clean()
        item = getattr(self, self.item_field, None)
        if (
            item is not None
            and self.requirement_id
            and item.ecosystem_id != self.requirement.ecosystem_id
        ):
            raise ValidationError({"requirement": "This requirement belongs to another ecosystem."})


class StoryLink(TraceLink):
    item_field = "story"
    story = models.ForeignKey(
        UserStory, on_delete=models.CASCADE, related_name="links", db_index=False
    )
    requirement = models.ForeignKey(
        Requirement, on_delete=models.CASCADE, related_name="story_links"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("story", "requirement"), name="req_storylink_unique")
        ]

    @classmethod
    def access_filter(cls, context, action):
        return context.ecosystem_scoped(action, prefix="story__ecosystem")


class UseCaseLink(TraceLink):
    item_field = "use_case"
    use_case = models.ForeignKey(
        UseCase, on_delete=models.CASCADE, related_name="links", db_index=False
    )
    requirement = models.ForeignKey(
        Requirement, on_delete=models.CASCADE, related_name="use_case_links"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("use_case", "requirement"), name="req_uclink_unique")
        ]

    @classmethod
    def access_filter(cls, context, action):
        return context.ecosystem_scoped(action, prefix="use_case__ecosystem")


class AcceptanceCriterion(models.Model):
    """One checkable criterion of a requirement or of a user story."""

    requirement = models.ForeignKey(
        Requirement, on_delete=models.CASCADE, null=True, blank=True, related_name="criteria"
    )
    story = models.ForeignKey(
        UserStory, on_delete=models.CASCADE, null=True, blank=True, related_name="criteria"
    )
    position = models.PositiveIntegerField(default=0)
    text = models.TextField(help_text="Given … when … then …, or a measurable statement.")
    met = models.BooleanField(default=False, help_text="Checked when verified.")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ("position", "id")
        verbose_name = "acceptance criterion"
        verbose_name_plural = "acceptance criteria"
        constraints = [
            models.CheckConstraint(
                condition=Q(requirement__isnull=False, story__isnull=True)
                | Q(requirement__isnull=True, story__isnull=False),
                name="req_criterion_one_owner",
                violation_error_message="A criterion belongs to a requirement or to a story.",
            )
        ]

    def __str__(self):
        return self.text[:80]

    @classmethod
    def access_filter(cls, context, action):
        return context.ecosystem_scoped(
            action, prefix="requirement__ecosystem"
        ) | context.ecosystem_scoped(action, prefix="story__ecosystem")


class UseCaseStep(models.Model):
    use_case = models.ForeignKey(UseCase, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveIntegerField(default=0)
    kind = models.CharField(
        max_length=20, choices=StepKindChoices.choices, default=StepKindChoices.MAIN
    )
    text = models.TextField()

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ("kind", "position", "id")
        verbose_name = "step"

    def __str__(self):
        return self.text[:80]

    @classmethod
    def access_filter(cls, context, action):
        return context.ecosystem_scoped(action, prefix="use_case__ecosystem")


class DesignQuestion(EcosystemScopedModel):
    ecosystem = models.ForeignKey(
        "siam.Ecosystem", on_delete=models.CASCADE, related_name="design_questions"
    )
    category = models.CharField(max_length=20, choices=QuestionCategoryChoices.choices)
    position = models.PositiveIntegerField(default=0)
    question = models.TextField()
    answer = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True, editable=False)
    status = models.CharField(
        max_length=10, choices=QuestionStatusChoices.choices, default=QuestionStatusChoices.OPEN
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ("ecosystem__name", "category", "position", "id")
        verbose_name = "design question"

    def __str__(self):
        return self.question[:100]

    def save(self, *args, **kwargs):
        if self.status == QuestionStatusChoices.OPEN:
            self.answered_at = None
        elif self.answered_at is None:
            self.answered_at = timezone.now()
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        if self.status != QuestionStatusChoices.OPEN and not self.answer.strip():
            raise ValidationError({"answer": "An answered or agreed question needs its answer."})


class BusinessRule(EcosystemScopedModel):
    ecosystem = models.ForeignKey(
        "siam.Ecosystem", on_delete=models.CASCADE, related_name="business_rules"
    )
    name = models.CharField(max_length=200)
    statement = models.TextField(
        help_text="e.g. No new information may be added to closed tickets."
    )
    flows = models.ManyToManyField(IntegrationFlow, blank=True, related_name="business_rules")

    history = HistoricalRecords(m2m_fields=[flows])

    class Meta:
        ordering = ("ecosystem__name", "name")
        verbose_name = "business rule"

    def __str__(self):
        return self.name
