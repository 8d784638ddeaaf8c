"""The priority matrix, the service level targets and their escalation rules."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from core.models import PrimaryModel
from siam.models import Contract, EcosystemScopedModel, Service

from ..choices import (
    AlertLevelChoices,
    ClassificationChoices,
    EscalationActionChoices,
    EscalationClockChoices,
    IncidentStatusChoices,
    MetricChoices,
)
from .calendars import BusinessCalendar, default_pause_states

# --- Priority ---------------------------------------------------------------------------


ITIL_LEVELS = ["High", "Medium", "Low"]
ITIL_PRIORITIES = ["P1", "P2", "P3", "P4", "P5"]
ITIL_CELLS = {
    "High|High": "P1", "High|Medium": "P2", "High|Low": "P3",
    "Medium|High": "P2", "Medium|Medium": "P3", "Medium|Low": "P4",
    "Low|High": "P3", "Low|Medium": "P4", "Low|Low": "P5",
}  # fmt: skip


def itil_levels():
    return list(ITIL_LEVELS)


def itil_priorities():
    return list(ITIL_PRIORITIES)


def itil_cells():
    return dict(ITIL_CELLS)


class PriorityMatrix(EcosystemScopedModel):
    """Priority = matrix(impact, urgency); ITIL's 3x3 -> P1..P5 unless configured."""

    ecosystem = models.OneToOneField(
        "siam.Ecosystem", on_delete=models.CASCADE, related_name="priority_matrix"
    )
    impact_levels = models.JSONField(default=itil_levels, help_text="Highest first.")
    urgency_levels = models.JSONField(default=itil_levels, help_text="Highest first.")
    priorities = models.JSONField(default=itil_priorities, help_text="Most urgent first.")
    cells = models.JSONField(default=itil_cells, help_text='"impact|urgency" -> priority.')

    history = HistoricalRecords()

    class Meta:
        ordering = ("ecosystem__name",)
        verbose_name = "priority matrix"
        verbose_name_plural = "priority matrices"

    def __str__(self):
        return f"Priority matrix of {self.ecosystem}"

    @staticmethod
    def key(impact: str, urgency: str) -> str:
        return f"{impact}|{urgency}"

    def priority_for(self, impact: str, urgency: str) -> str | None:
        return self.cells.get(self.key(impact, urgency))

    def raised(self, priority: str) -> str:
        """One level more urgent (the escalation action)."""
        index = self.priorities.index(priority) if priority in self.priorities else 0
        return self.priorities[max(index - 1, 0)]

    def clean(self):
        super().clean()
        errors = {}
        for name in ("impact_levels", "urgency_levels", "priorities"):
            values = getattr(self, name)
            if (
                not isinstance(values, list)
                or not values
                or not all(isinstance(v, str) and v.strip() for v in values)
            ):
                errors[name] = "Give at least one level, each a non-empty name."
            elif len(set(values)) != len(values):
                errors[name] = "Levels must be distinct."
        if not errors:
            missing = [
                f"{i} x {u}"
                for i in self.impact_levels
                for u in self.urgency_levels
                if self.cells.get(self.key(i, u)) not in self.priorities
            ]
            if missing:
                errors["cells"] = "Choose a priority for every cell: " + ", ".join(missing) + "."
        if errors:
            raise ValidationError(errors)


# --- Targets -----------------------------------------------------------------------------


class ServiceLevelTarget(PrimaryModel):
    """Per priority, the response and resolution time a contract commits to; optionally
    only for one classification (a change request is not an incident) and one service.
    The most specific target of a contract applies (docs/sla.md, "Which target applies")."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="targets")
    priority = models.CharField(max_length=30)
    classification = models.CharField(
        max_length=20,
        choices=ClassificationChoices.choices,
        blank=True,
        help_text="Only for tickets of this kind. Empty: any kind without a target of its own.",
    )
    service = models.ForeignKey(
        Service,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="service_level_targets",
        help_text="Only for this service. Empty: every service the contract covers.",
    )
    response_minutes = models.PositiveIntegerField(
        null=True, blank=True, help_text="Business minutes to first response."
    )
    resolution_minutes = models.PositiveIntegerField(help_text="Business minutes to resolution.")
    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.PROTECT, related_name="targets")
    pause_states = models.JSONField(default=default_pause_states, blank=True)
    warning_1_percent = models.PositiveSmallIntegerField(default=50)
    warning_2_percent = models.PositiveSmallIntegerField(default=75)
    goal_resolution_minutes = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Improvement goal for the average resolution, e.g. 90 for 2 h -> 1.5 h.",
    )
    goal_note = models.CharField(max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ("contract__reference", "priority", "classification")
        verbose_name = "service-level target"
        constraints = [
            models.UniqueConstraint(
                fields=("contract", "priority", "classification"),
                condition=Q(service__isnull=True),
                name="slas_target_unique_priority_per_contract",
                violation_error_message="This contract already has a target for this priority and kind of ticket.",
            ),
            models.UniqueConstraint(
                fields=("contract", "priority", "classification", "service"),
                condition=Q(service__isnull=False),
                name="slas_target_unique_priority_per_service",
                violation_error_message="This contract already has a target for this priority, kind of ticket and service.",
            ),
            models.CheckConstraint(
                condition=Q(warning_1_percent__lt=models.F("warning_2_percent"))
                & Q(warning_2_percent__lt=100),
                name="slas_target_warnings_ordered",
                violation_error_message="Warnings must be ordered and below 100 %%.",
            ),
        ]

    def __str__(self):
        scope = [self.get_classification_display()] if self.classification else []
        if self.service_id:
            scope.append(str(self.service))
        return f"{self.contract.reference} {self.priority}" + (
            f" ({', '.join(scope)})" if scope else ""
        )

    @property
    def specificity(self) -> int:
        """How narrowly it applies: a service-specific target beats a kind-specific one,
        which beats the priority-only one."""
        return (2 if self.service_id else 0) + (1 if self.classification else 0)

    @classmethod
    def access_filter(cls, context, action):
        return Q(
            contract_id__in=Contract.objects.filter(Contract.access_filter(context, action)).values(
                "pk"
            )
        )

    @classmethod
    def may_add(cls, context) -> bool:
        return bool(context.governed_ecosystem_ids)

    @property
    def thresholds(self) -> tuple[int, int]:
        return (self.warning_1_percent, self.warning_2_percent)

    def minutes_for(self, metric: str) -> int | None:
        return (
            self.response_minutes if metric == MetricChoices.RESPONSE else self.resolution_minutes
        )

    def clean(self):
        super().clean()
        errors = {}
        valid = set(IncidentStatusChoices.values)
        if not isinstance(self.pause_states, list) or not set(self.pause_states) <= valid:
            errors["pause_states"] = "Choose pause states among the incident statuses."
        elif set(self.pause_states) & {
            IncidentStatusChoices.RESOLVED,
            IncidentStatusChoices.CLOSED,
        }:
            errors["pause_states"] = "Resolved and closed stop the clock; they are not pauses."
        if (
            self.calendar_id
            and self.contract_id
            and self.calendar.ecosystem_id != self.contract.ecosystem_id
        ):
            errors["calendar"] = "Choose a calendar of the contract's ecosystem."
        if self.service_id and self.contract_id:
            covered = set(self.contract.services.values_list("pk", flat=True))
            if self.service.ecosystem_id != self.contract.ecosystem_id or (
                covered and self.service_id not in covered
            ):
                errors["service"] = "Choose a service the contract covers."
        if errors:
            raise ValidationError(errors)


class EscalationRule(models.Model):
    """What happens when one clock of a target crosses a threshold.

    A rule names the metric (response or resolution) and the clock (the end-to-end SLA
    or a provider's OLA) it follows; empty means either. A new rule follows the
    resolution clock: a late first response is no reason to take the ticket away
    from the provider working on it.
    """

    target = models.ForeignKey(
        ServiceLevelTarget,
        on_delete=models.CASCADE,
        related_name="escalations",
        db_index=False,
    )
    level = models.CharField(max_length=20, choices=AlertLevelChoices.choices)
    metric = models.CharField(
        max_length=20,
        choices=MetricChoices.choices,
        blank=True,
        default=MetricChoices.RESOLUTION,
        help_text="The clock's metric. Empty: response and resolution.",
    )
    clock = models.CharField(
        max_length=20,
        choices=EscalationClockChoices.choices,
        blank=True,
        help_text="Empty: the end-to-end SLA and the providers' OLAs.",
    )
    action = models.CharField(max_length=30, choices=EscalationActionChoices.choices)

    class Meta:
        ordering = ("target", "level", "metric", "clock", "action")
        constraints = [
            models.UniqueConstraint(
                fields=("target", "level", "metric", "clock", "action"),
                name="slas_escalation_unique",
            )
        ]

    def __str__(self):
        metric = self.get_metric_display().lower() if self.metric else "any"
        clock = self.get_clock_display() if self.clock else "any clock"
        return f"{self.get_level_display()} ({metric}, {clock}): {self.get_action_display()}"

    def follows(self, metric: str, is_end_to_end: bool) -> bool:
        if self.metric and self.metric != metric:
            return False
        if self.clock == EscalationClockChoices.END_TO_END and not is_end_to_end:
            return False
        return not (self.clock == EscalationClockChoices.OLA and is_end_to_end)
