"""Boards and their members, meetings, decisions and actions."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from core.querysets import RestrictedQuerySet
from siam.choices import LayerChoices
from siam.models import Ecosystem, EcosystemScopedModel, Person

from .. import rules
from ..choices import (
    OPEN_ACTION_STATES,
    ActionStatusChoices,
    BoardElementChoices,
    BoardLevelChoices,
    CadenceChoices,
    DecisionStatusChoices,
    MeetingStatusChoices,
    MemberRoleChoices,
)
from .common import EcosystemChild


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
