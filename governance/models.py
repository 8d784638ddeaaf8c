"""Governance of an ecosystem: boards and their meetings, decisions and actions, KPIs
with their measurements, the improvement register and integration backlog with the
weighted scoring model, integration pods, health self-assessments and the archive of
monthly steering reports.

Every record belongs to one ecosystem and follows its access rule (parties see,
the integrator's editors change); steering reports are for the customer and the
integrator only, because they carry every provider's figures.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property
from simple_history.models import HistoricalRecords

from core.querysets import RestrictedQuerySet
from siam.choices import LayerChoices
from siam.models import Ecosystem, EcosystemScopedModel, Person

from . import assessment, rules, scoring
from .choices import (
    OPEN_ACTION_STATES,
    ActionStatusChoices,
    BoardElementChoices,
    BoardLevelChoices,
    CadenceChoices,
    DecisionStatusChoices,
    DirectionChoices,
    FrequencyChoices,
    ImprovementStatusChoices,
    KpiKindChoices,
    KpiSourceChoices,
    MeetingStatusChoices,
    MemberRoleChoices,
    PodRoleChoices,
    RegisterChoices,
)

RATING = [MinValueValidator(1), MaxValueValidator(5)]


class EcosystemChild(models.Model):
    """A part of an ecosystem-scoped record, seen and changed with its parent."""

    parent_path = ""  # e.g. "board__ecosystem"

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        abstract = True

    @classmethod
    def access_filter(cls, context, action):
        return context.ecosystem_scoped(action, prefix=cls.parent_path)


# --- Boards, meetings, decisions, actions ----------------------------------------------------


class Board(EcosystemScopedModel):
    ecosystem = models.ForeignKey(
        Ecosystem, on_delete=models.CASCADE, related_name="boards", db_index=False
    )
    name = models.CharField(max_length=200)
    level = models.CharField(max_length=20, choices=BoardLevelChoices.choices)
    element = models.CharField(
        max_length=20, choices=BoardElementChoices.choices, default=BoardElementChoices.BOARD
    )
    cadence = models.CharField(
        max_length=20, choices=CadenceChoices.choices, default=CadenceChoices.MONTHLY
    )
    terms_of_reference = models.TextField(
        blank=True, help_text="Purpose, scope, authority and inputs/outputs of the board."
    )
    quorum = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(1)],
        help_text="Voting members who must attend for the meeting's decisions to stand.",
    )  # fmt: skip
    quorum_every_layer = models.BooleanField(
        "every layer present",
        default=True,
        help_text="Quorum also needs a voter from each layer seated on the board.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ("ecosystem__name", "level", "name")
        verbose_name = "board"
        constraints = [
            models.UniqueConstraint(fields=("ecosystem", "name"), name="gov_board_unique_name")
        ]

    def __str__(self):
        return self.name

    def seats(self) -> list[rules.Seat]:
        return [
            rules.Seat(m.person_id, m.layer, m.role != MemberRoleChoices.ADVISER)
            for m in self.members.all()
        ]


class BoardMember(EcosystemChild):
    parent_path = "board__ecosystem"

    board = models.ForeignKey(
        Board, on_delete=models.CASCADE, related_name="members", db_index=False
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="board_seats")
    layer = models.CharField(
        max_length=20, choices=LayerChoices.choices, blank=True,
        help_text="Left empty, it is the layer the person's organisation plays.",
    )  # fmt: skip
    role = models.CharField(
        max_length=20, choices=MemberRoleChoices.choices, default=MemberRoleChoices.MEMBER
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ("board", "layer", "person__name")
        constraints = [
            models.UniqueConstraint(fields=("board", "person"), name="gov_boardmember_unique")
        ]

    def __str__(self):
        return f"{self.person} ({self.get_layer_display()})"

    def clean(self):
        if not (self.board_id and self.person_id):
            return
        ecosystem = self.board.ecosystem
        if self.person.organisation_id not in ecosystem.party_ids():
            raise ValidationError({"person": f"{self.person} is not with a party of {ecosystem}."})
        if not self.layer:
            self.layer = ecosystem.layer_of(self.person.organisation_id)


class Meeting(EcosystemScopedModel):
    ecosystem = models.ForeignKey(Ecosystem, on_delete=models.CASCADE, related_name="meetings")
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="meetings")
    title = models.CharField(max_length=200, blank=True, help_text="Left empty: board and date.")
    scheduled_at = models.DateTimeField()
    agenda = models.TextField(blank=True, help_text="One item per line.")
    minutes = models.TextField(blank=True)
    attendees = models.ManyToManyField(Person, blank=True, related_name="meetings_attended")
    status = models.CharField(
        max_length=20, choices=MeetingStatusChoices.choices, default=MeetingStatusChoices.PLANNED
    )
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        editable=False, related_name="+",
    )  # fmt: skip

    history = HistoricalRecords(m2m_fields=[attendees])

    class Meta:
        ordering = ("-scheduled_at",)
        verbose_name = "meeting"

    def __str__(self):
        return self.title or f"{self.board} — {timezone.localtime(self.scheduled_at):%d %b %Y}"

    def clean(self):
        if self.board_id:
            if self.ecosystem_id and self.ecosystem_id != self.board.ecosystem_id:
                raise ValidationError({"board": "This board belongs to another ecosystem."})
            self.ecosystem_id = self.board.ecosystem_id
        if self.status == MeetingStatusChoices.CLOSED and not self.closed_at:
            raise ValidationError(
                {
                    "status": "Close a meeting with “Close meeting”, which checks its decisions and actions."
                }
            )

    @property
    def agenda_items(self) -> list[str]:
        return [line.strip() for line in self.agenda.splitlines() if line.strip()]

    def quorum(self) -> rules.QuorumResult:
        """Needs ``board__members`` and ``attendees`` prefetched to stay query-free."""
        present = {p.pk for p in self.attendees.all()}
        return rules.quorum(
            self.board.seats(), present, self.board.quorum, self.board.quorum_every_layer
        )

    def closure_problems(self) -> list[str]:
        decisions = [rules.OpenItem(d.title, bool(d.owner_id), True) for d in self.decisions.all()]
        actions = [
            rules.OpenItem(a.title, bool(a.owner_id), bool(a.due_date))
            for a in self.actions.all()
            if a.status != ActionStatusChoices.CANCELLED
        ]
        return rules.closure_problems(decisions, actions)


class Decision(EcosystemScopedModel):
    """The decision log: decisions needed (for the steering report) and taken."""

    ecosystem = models.ForeignKey(Ecosystem, on_delete=models.CASCADE, related_name="decisions")
    meeting = models.ForeignKey(
        Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="decisions"
    )
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    status = models.CharField(
        max_length=20, choices=DecisionStatusChoices.choices, default=DecisionStatusChoices.NEEDED
    )
    owner = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="decisions_owned",
        help_text="Who carries the decision out (or must take it).",
    )  # fmt: skip
    decided_on = models.DateField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ("-decided_on", "-created")
        verbose_name = "decision"

    def __str__(self):
        return self.title

    def clean(self):
        if self.meeting_id:
            self.ecosystem_id = self.ecosystem_id or self.meeting.ecosystem_id
            if self.meeting.ecosystem_id != self.ecosystem_id:
                raise ValidationError({"meeting": "This meeting belongs to another ecosystem."})
        if self.status == DecisionStatusChoices.TAKEN and not self.decided_on:
            self.decided_on = timezone.localdate()


class ActionQuerySet(RestrictedQuerySet):
    def overdue(self, today=None):
        today = today or timezone.localdate()
        return self.filter(status__in=OPEN_ACTION_STATES, due_date__lt=today)

    def open(self):
        return self.filter(status__in=OPEN_ACTION_STATES)


class Action(EcosystemScopedModel):
    ecosystem = models.ForeignKey(Ecosystem, on_delete=models.CASCADE, related_name="actions")
    meeting = models.ForeignKey(
        Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions"
    )
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    owner = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="actions_owned"
    )
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=ActionStatusChoices.choices, default=ActionStatusChoices.OPEN
    )
    completed_on = models.DateField(null=True, blank=True)

    objects = ActionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ("due_date", "pk")
        verbose_name = "action"

    def __str__(self):
        return self.title

    @property
    def is_overdue(self) -> bool:
        return bool(
            self.status in OPEN_ACTION_STATES
            and self.due_date
            and self.due_date < timezone.localdate()
        )

    def clean(self):
        if self.meeting_id:
            self.ecosystem_id = self.ecosystem_id or self.meeting.ecosystem_id
            if self.meeting.ecosystem_id != self.ecosystem_id:
                raise ValidationError({"meeting": "This meeting belongs to another ecosystem."})
        if self.status == ActionStatusChoices.DONE and not self.completed_on:
            self.completed_on = timezone.localdate()
        if self.status != ActionStatusChoices.DONE:
            self.completed_on = None


# --- KPIs -------------------------------------------------------------------------------------


class Kpi(EcosystemScopedModel):
    ecosystem = models.ForeignKey(
        Ecosystem, on_delete=models.CASCADE, related_name="kpis", db_index=False
    )
    name = models.CharField(max_length=200)
    kind = models.CharField(
        max_length=10, choices=KpiKindChoices.choices, default=KpiKindChoices.KPI
    )
    description = models.TextField(blank=True)
    unit = models.CharField(max_length=30, blank=True, help_text="e.g. %, hours, tickets")
    direction = models.CharField(
        max_length=10, choices=DirectionChoices.choices, default=DirectionChoices.HIGHER
    )
    baseline = models.FloatField(null=True, blank=True, help_text="Where we started.")
    target = models.FloatField(null=True, blank=True)
    frequency = models.CharField(
        max_length=20, choices=FrequencyChoices.choices, default=FrequencyChoices.MONTHLY
    )
    source = models.CharField(
        max_length=20, choices=KpiSourceChoices.choices, default=KpiSourceChoices.MANUAL,
        help_text="Computed KPIs are measured from the SLA data every month.",
    )  # fmt: skip
    priority = models.CharField(
        max_length=30, blank=True, help_text="For mean time to resolve: one priority, e.g. P2."
    )
    measured_from = models.DateField(
        help_text="First period a measurement is expected for (missed ones are flagged)."
    )
    requirements = models.ManyToManyField(
        "requirements_app.Requirement", blank=True, related_name="kpis",
        help_text="The requirements this KPI shows are met (traceability).",
    )  # fmt: skip

    history = HistoricalRecords(m2m_fields=[requirements])

    class Meta:
        ordering = ("ecosystem__name", "kind", "name")
        verbose_name = "KPI"
        verbose_name_plural = "KPIs"
        constraints = [
            models.UniqueConstraint(fields=("ecosystem", "name"), name="gov_kpi_unique_name")
        ]

    def __str__(self):
        return self.name

    @property
    def computed(self) -> bool:
        return self.source != KpiSourceChoices.MANUAL

    def clean(self):
        if self.source == KpiSourceChoices.MTTR and not self.priority:
            raise ValidationError({"priority": "Mean time to resolve is measured per priority."})
        if self.measured_from:
            self.measured_from = self.measured_from.replace(day=1)


class Measurement(EcosystemChild):
    parent_path = "kpi__ecosystem"

    kpi = models.ForeignKey(
        Kpi, on_delete=models.CASCADE, related_name="measurements", db_index=False
    )
    period_start = models.DateField(help_text="First day of the period measured.")
    value = models.FloatField()
    computed = models.BooleanField(default=False, editable=False)
    note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ("kpi", "period_start")
        constraints = [
            models.UniqueConstraint(fields=("kpi", "period_start"), name="gov_measurement_unique")
        ]

    def __str__(self):
        return f"{self.kpi} {self.period_start:%Y-%m}: {self.value:g}"

    def get_absolute_url(self):
        return self.kpi.get_absolute_url()

    def clean(self):
        if self.period_start:
            self.period_start = self.period_start.replace(day=1)


# --- Improvement register and integration backlog ---------------------------------------------


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


# --- Integration pods -------------------------------------------------------------------------


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


# --- Steering reports -------------------------------------------------------------------------


def report_storage():
    # Reports are served through an access-checked view, never from MEDIA_URL.
    return FileSystemStorage(location=settings.SIAM_REPORTS_DIR)


class SteeringReport(EcosystemScopedModel):
    ecosystem = models.ForeignKey(
        Ecosystem, on_delete=models.CASCADE, related_name="steering_reports"
    )
    period_start = models.DateField()
    period_end = models.DateField()
    generated_at = models.DateTimeField(default=timezone.now)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    scheduled = models.BooleanField(default=False, help_text="Generated by the monthly schedule.")
    snapshot = models.JSONField(help_text="The figures as they were when the report was generated.")
    pdf = models.FileField(storage=report_storage, upload_to="steering/%Y/%m/", blank=True)
    pages = models.PositiveIntegerField(default=0)
    render_seconds = models.FloatField(default=0)
    #: Set when the month was generated again: the new report replaces this one, whose
    #: PDF stays in the archive, marked as superseded.
    superseded_at = models.DateTimeField(null=True, blank=True)
    superseded_by = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="supersedes"
    )

    class Meta:
        ordering = ("-period_start", "-generated_at")
        verbose_name = "steering report"
        constraints = [
            models.UniqueConstraint(
                fields=("ecosystem", "period_start"),
                condition=Q(superseded_at__isnull=True),
                name="governance_one_current_report_per_month",
                violation_error_message="This month already has a current report.",
            )
        ]

    def __str__(self):
        return f"{self.ecosystem} steering report {self.period_start:%B %Y}"

    @staticmethod
    def ecosystem_ids(context, action: str) -> frozenset[int]:
        # Every provider's figures are in it: the customer and the integrator only.
        if action == "view":
            return context.ecosystem_ids(LayerChoices.CUSTOMER, LayerChoices.INTEGRATOR)
        return context.governed_ecosystem_ids

    @classmethod
    def access_filter(cls, context, action):
        return Q(ecosystem_id__in=cls.ecosystem_ids(context, action))

    @classmethod
    def ecosystems_for(cls, user, action: str):
        """Ecosystems whose reports ``user`` may see (``view``) or generate (``add``)."""
        from siam.access import get_access_context

        ecosystems = Ecosystem.objects.restrict(user)
        if user.is_superuser:
            return ecosystems
        return ecosystems.filter(pk__in=cls.ecosystem_ids(get_access_context(user), action))
