"""Service levels: calendars, the priority matrix, targets, incidents with their
append-only timeline, and the SLA state derived from them (see docs/sla.md)."""

from __future__ import annotations

import zoneinfo
from datetime import time

import holidays
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from core.models import PrimaryModel, UrlNameMixin
from core.querysets import RestrictedQuerySet
from siam.choices import LayerChoices, SystemKindChoices
from siam.models import Contract, EcosystemScopedModel, Organisation, Person, Service

from .choices import (
    DEFAULT_PAUSE_STATUSES,
    WEEKDAYS,
    AlertLevelChoices,
    ClassificationChoices,
    EscalationActionChoices,
    EscalationClockChoices,
    EventKindChoices,
    IncidentStatusChoices,
    MetricChoices,
    SlaStateChoices,
)

TIME_ZONES = sorted(zoneinfo.available_timezones())


def validate_time_zone(value):
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"{value!r} is not a known time zone (e.g. Europe/Amsterdam).")


def default_pause_states():
    return list(DEFAULT_PAUSE_STATUSES)


# --- Calendars -------------------------------------------------------------------------


class BusinessCalendar(EcosystemScopedModel):
    """Weekly working hours in a time zone, minus public and custom holidays."""

    ecosystem = models.ForeignKey(
        "siam.Ecosystem",
        on_delete=models.CASCADE,
        related_name="calendars",
        db_index=False,
    )
    name = models.CharField(max_length=100)
    time_zone = models.CharField(max_length=64, validators=[validate_time_zone], default="UTC")
    always_open = models.BooleanField(
        "24x7", default=False, help_text="All time counts, holidays included."
    )
    holiday_country = models.CharField(
        max_length=2,
        blank=True,
        help_text="Public holidays of this country (ISO code, e.g. NL), from the holidays library.",
    )
    holiday_subdivision = models.CharField(
        max_length=10, blank=True, help_text="State or province, e.g. NY."
    )
    description = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ("ecosystem__name", "name")
        verbose_name = "business calendar"
        constraints = [
            models.UniqueConstraint(
                fields=("ecosystem", "name"),
                name="slas_calendar_unique_name_per_ecosystem",
                violation_error_message="The ecosystem already has a calendar with this name.",
            )
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.holiday_country:
            try:
                holidays.country_holidays(
                    self.holiday_country, subdiv=self.holiday_subdivision or None, years=2026
                )
            except NotImplementedError as exc:
                # How the holidays library says it knows no such country or subdivision.
                field = "holiday_subdivision" if "subdivision" in str(exc) else "holiday_country"
                raise ValidationError({field: str(exc)}) from None


class WorkingPeriod(models.Model):
    calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.CASCADE, related_name="working_periods"
    )
    weekday = models.PositiveSmallIntegerField(choices=WEEKDAYS)
    start = models.TimeField()
    end = models.TimeField(help_text="00:00 means midnight at the end of the day.")

    class Meta:
        ordering = ("calendar", "weekday", "start")
        verbose_name = "working period"

    def __str__(self):
        return f"{self.get_weekday_display()} {self.start:%H:%M}-{self.end:%H:%M}"

    @property
    def minutes(self) -> tuple[int, int]:
        end = self.end.hour * 60 + self.end.minute
        return self.start.hour * 60 + self.start.minute, end or 24 * 60

    def clean(self):
        if (
            self.start is not None
            and self.end is not None
            and self.end != time(0)
            and self.end <= self.start
        ):
            raise ValidationError({"end": "The period must end after it starts."})


class CustomHoliday(models.Model):
    calendar = models.ForeignKey(
        BusinessCalendar,
        on_delete=models.CASCADE,
        related_name="custom_holidays",
        db_index=False,
    )
    date = models.DateField()
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ("calendar", "date")
        constraints = [
            models.UniqueConstraint(
                fields=("calendar", "date"), name="slas_customholiday_unique_date"
            )
        ]

    def __str__(self):
        return f"{self.date}: {self.name}"


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


# --- Operation handbook -------------------------------------------------------------------


class KnownError(EcosystemScopedModel):
    """An entry of the operation handbook: a symptom and its workaround."""

    ecosystem = models.ForeignKey(
        "siam.Ecosystem",
        on_delete=models.CASCADE,
        related_name="known_errors",
        db_index=False,
    )
    reference = models.CharField(max_length=30)
    symptom = models.CharField(max_length=300)
    category = models.CharField(max_length=100, blank=True)
    workaround = models.TextField()
    service = models.ForeignKey(
        Service, on_delete=models.SET_NULL, null=True, blank=True, related_name="known_errors"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ("ecosystem__name", "reference")
        verbose_name = "known error"
        constraints = [
            models.UniqueConstraint(
                fields=("ecosystem", "reference"),
                name="slas_knownerror_unique_reference",
                violation_error_message="The ecosystem already has a known error with this reference.",
            )
        ]

    def __str__(self):
        return f"{self.reference} — {self.symptom}"


# --- Incidents ----------------------------------------------------------------------------


class Incident(EcosystemScopedModel):
    """The ticket the integrator tracks end to end, across the parties' tools."""

    ecosystem = models.ForeignKey(
        "siam.Ecosystem",
        on_delete=models.CASCADE,
        related_name="incidents",
        db_index=False,
    )
    reference = models.CharField(
        max_length=30, help_text="Left blank, the next INC number of the ecosystem."
    )
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="incidents")
    classification = models.CharField(
        max_length=20, choices=ClassificationChoices.choices, default=ClassificationChoices.INCIDENT
    )
    impact = models.CharField(max_length=50)
    urgency = models.CharField(max_length=50)
    priority = models.CharField(max_length=30, db_index=True)
    priority_overridden = models.BooleanField(default=False)
    priority_override_reason = models.CharField(max_length=300, blank=True)
    priority_override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        max_length=30, choices=IncidentStatusChoices.choices, default=IncidentStatusChoices.NEW
    )
    holder = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="held_incidents",
        help_text="The party working on it now.",
    )
    #: Every party that held it, now or earlier: what a provider may see (docs/access.md).
    holders = models.ManyToManyField(Organisation, related_name="incidents_held", blank=True)
    opened_at = models.DateTimeField()
    responded_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    reopen_count = models.PositiveIntegerField(default=0)
    change_approved_by = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="approved_changes",
        help_text="The customer's business owner who approved the change.",
    )
    change_approved_at = models.DateTimeField(null=True, blank=True)
    change_approval_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who recorded the approval: the approver, or the integrator on their behalf.",
    )
    change_approval_on_behalf = models.BooleanField(default=False)
    change_approval_reason = models.CharField(
        max_length=300,
        blank=True,
        help_text="Why the integrator recorded it on the approver's behalf.",
    )
    known_error = models.ForeignKey(
        KnownError, on_delete=models.SET_NULL, null=True, blank=True, related_name="incidents"
    )
    #: Kept by ``services.store_clocks`` with the clocks (never typed): the end-to-end
    #: resolution clock's state and the soonest deadline of a running clock, so the
    #: incident list sorts and filters by an index instead of a subquery per row.
    sla_state = models.CharField(
        "SLA state", max_length=20, choices=SlaStateChoices.choices, blank=True, editable=False
    )
    next_due_at = models.DateTimeField(null=True, blank=True, editable=False)

    history = HistoricalRecords(excluded_fields=["holders", "sla_state", "next_due_at"])

    class Meta:
        ordering = ("-opened_at",)
        verbose_name = "incident"
        constraints = [
            models.UniqueConstraint(
                fields=("ecosystem", "reference"),
                name="slas_incident_unique_reference",
                violation_error_message="The ecosystem already has an incident with this reference.",
            )
        ]
        indexes = [
            models.Index(fields=("ecosystem", "status")),
            models.Index(fields=("opened_at",)),
            # Reports and dashboards read one ecosystem over a window of months.
            models.Index(fields=("ecosystem", "opened_at"), name="slas_incident_eco_opened"),
            # The list's default order (due, soonest first; then newest), with the
            # primary key its pages are cut on: an index walk that stops after one page.
            models.Index(
                fields=("ecosystem", "next_due_at", "-opened_at", "-id"),
                name="slas_incident_eco_due",
            ),
            models.Index(fields=("next_due_at", "-opened_at", "-id"), name="slas_incident_due"),
            # A party's queue: its open incidents by time left (most incidents are closed).
            models.Index(
                fields=("holder", "next_due_at"),
                condition=~models.Q(status__in=("resolved", "closed")),
                name="slas_incident_open_queue",
            ),
        ]

    def __str__(self):
        return f"{self.reference} {self.title}"

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # The month it was stored under: moving ``opened_at`` to another month (a late
        # event of an imported ticket) must refresh the old month's roll-up too.
        instance._stored_opened_at = instance.__dict__.get("opened_at")
        return instance

    @staticmethod
    def wholly_visible_ecosystem_ids(context) -> frozenset[int]:
        """Ecosystems whose every incident the user sees (as customer or integrator)."""
        return context.ecosystem_ids(LayerChoices.CUSTOMER, LayerChoices.INTEGRATOR)

    @classmethod
    def access_filter(cls, context, action):
        if action != "view":
            return context.ecosystem_scoped(action)
        # Providers see the incidents assigned to them now or earlier, nothing else.
        full = cls.wholly_visible_ecosystem_ids(context)
        provider_only = context.ecosystem_ids(LayerChoices.PROVIDER) - full
        held = Incident.holders.through.objects.filter(
            organisation_id__in=context.organisation_ids
        ).values("incident_id")
        return Q(ecosystem_id__in=full) | (Q(ecosystem_id__in=provider_only) & Q(pk__in=held))

    @property
    def is_open(self) -> bool:
        return self.status not in (IncidentStatusChoices.RESOLVED, IncidentStatusChoices.CLOSED)

    @property
    def clock_start(self):
        """A change request's clock starts only when the business owner approved it."""
        if self.classification == ClassificationChoices.CHANGE_REQUEST:
            return self.change_approved_at
        return self.opened_at


class IncidentToolKey(models.Model):
    """The incident's own number in one party's tool (its Jira key, its ServiceNow
    number): typed on the incident's form, or given by the ticket it was opened from.

    One row per tool rather than one column per tool on ``Incident``: a tool added to
    ``SystemKindChoices`` needs no new column, and the context that feeds tickets
    (``integrations``) hands the key over in its plan instead of naming columns here.
    """

    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="tool_keys", db_index=False
    )
    tool = models.CharField(max_length=20, choices=SystemKindChoices.choices)
    key = models.CharField(max_length=100)

    history = HistoricalRecords()

    #: The input fields that carry a key, on the incident's form and in its API.
    INPUTS = {
        "jira_key": SystemKindChoices.JIRA,
        "servicenow_number": SystemKindChoices.SERVICENOW,
        "zendesk_id": SystemKindChoices.ZENDESK,
        "azure_devops_id": SystemKindChoices.AZURE_DEVOPS,
    }
    LABELS = {
        SystemKindChoices.JIRA: "Jira key",
        SystemKindChoices.SERVICENOW: "ServiceNow number",
        SystemKindChoices.ZENDESK: "Zendesk ticket number",
        SystemKindChoices.AZURE_DEVOPS: "Azure DevOps work item",
    }

    class Meta:
        ordering = ("incident", "tool")
        verbose_name = "tool key"
        constraints = [
            models.UniqueConstraint(fields=("incident", "tool"), name="slas_tool_key_unique")
        ]
        # Finding the incident a ticket number names (search, "jump to ticket").
        indexes = [models.Index(fields=("key",), name="slas_tool_key_key")]

    def __str__(self):
        return f"{self.get_tool_display()} {self.key}"


def incident_child_filter(context, action) -> Q:
    """The access rule of a record that belongs to one incident: that incident's."""
    return Q(
        incident_id__in=Incident.objects.filter(Incident.access_filter(context, action)).values(
            "pk"
        )
    )


class AppendOnlyError(Exception):
    pass


class IncidentEvent(models.Model):
    """One entry of an incident's timeline; never changed or deleted once written.

    Each event records the status and holder *after* it, so the timeline is read
    directly as the clock's points.
    """

    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="events", db_index=False
    )
    at = models.DateTimeField(db_index=True)
    kind = models.CharField(max_length=20, choices=EventKindChoices.choices)
    status = models.CharField(max_length=30, choices=IncidentStatusChoices.choices)
    holder = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    #: Order among events of the same instant (a tool's export has minute resolution);
    #: ingested tickets number their events in source order, events typed here are 0.
    sequence = models.PositiveIntegerField(default=0)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("at", "sequence", "id")
        verbose_name = "incident event"
        # A timeline is read in this order, per incident (clocks, the incident page).
        indexes = [models.Index(fields=("incident", "at", "sequence"), name="slas_event_timeline")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.pop("_allow_update", False):
            raise AppendOnlyError("Timeline events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Timeline events are append-only.")


class IncidentSla(models.Model):
    """Derived SLA state of one incident against one target and metric.

    Recomputed from the timeline by ``slas.services``; the deadline columns are the
    instants each threshold is (or was) crossed, indexed so that the beat task finds
    what crossed with an index lookup, not a recompute.
    """

    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="slas", db_index=False
    )
    target = models.ForeignKey(
        ServiceLevelTarget, on_delete=models.CASCADE, related_name="incident_slas"
    )
    metric = models.CharField(max_length=20, choices=MetricChoices.choices)
    provider = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="The provider whose OLA this is; empty for the end-to-end SLA.",
    )
    state = models.CharField(max_length=20, choices=SlaStateChoices.choices)
    counted_seconds = models.FloatField(default=0)
    target_seconds = models.FloatField()
    due_at = models.DateTimeField(null=True, blank=True)
    warning_1_at = models.DateTimeField(null=True, blank=True)
    warning_2_at = models.DateTimeField(null=True, blank=True)
    breach_at = models.DateTimeField(null=True, blank=True)
    warning_1_recorded_at = models.DateTimeField(null=True, blank=True)
    warning_2_recorded_at = models.DateTimeField(null=True, blank=True)
    breach_recorded_at = models.DateTimeField(null=True, blank=True)
    computed_at = models.DateTimeField()
    #: Business seconds each party held it while the clock could count, keyed by
    #: organisation id ("none": nobody owned it): who used the SLA budget.
    party_seconds = models.JSONField(default=dict, blank=True)
    #: Set when a target or calendar it depends on changed; cleared by the repair
    #: that recomputes it. Until then the figures are those of the old rules.
    recompute_pending_since = models.DateTimeField(null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ("incident", "metric", "provider")
        verbose_name = "incident SLA"
        constraints = [
            models.UniqueConstraint(
                fields=("incident", "target", "metric"), name="slas_incidentsla_unique"
            )
        ]
        indexes = [
            models.Index(
                fields=("warning_1_at",),
                condition=Q(warning_1_recorded_at__isnull=True),
                name="slas_sla_pending_warning_1",
            ),
            models.Index(
                fields=("warning_2_at",),
                condition=Q(warning_2_recorded_at__isnull=True),
                name="slas_sla_pending_warning_2",
            ),
            models.Index(
                fields=("breach_at",),
                condition=Q(breach_recorded_at__isnull=True),
                name="slas_sla_pending_breach",
            ),
            models.Index(fields=("state", "due_at"), name="slas_sla_state_due"),
            # Breached clocks (a few percent of all): the "breached" filters and tiles
            # find them here instead of reading every clock.
            models.Index(
                fields=("incident", "metric", "provider"),
                condition=Q(state="breached") | Q(breach_recorded_at__isnull=False),
                name="slas_sla_breached",
            ),
            # The report's latest breaches: walked newest first until the page is full,
            # instead of sorting every breached clock of the window.
            models.Index(
                fields=("-breach_at",),
                condition=Q(state="breached") | Q(breach_recorded_at__isnull=False),
                name="slas_sla_breached_latest",
            ),
            # "Being recomputed" on the incident list: almost always empty, and without
            # it each list page read every clock to find none.
            models.Index(
                fields=("incident",),
                condition=Q(recompute_pending_since__isnull=False),
                name="slas_sla_recompute_pending",
            ),
        ]

    def __str__(self):
        scope = f"OLA {self.provider}" if self.provider_id else "end-to-end"
        return f"{self.incident.reference} {self.get_metric_display()} ({scope})"

    @classmethod
    def access_filter(cls, context, action):
        return incident_child_filter(context, action)

    @property
    def is_end_to_end(self) -> bool:
        return self.provider_id is None


class OwnershipGap(UrlNameMixin, models.Model):
    """A stretch of time in which nobody owned an open incident (it sat in a queue, or
    the tool cleared its assignment group). Derived from the timeline with the SLA
    state; ``business_seconds`` is measured in the end-to-end SLA's calendar."""

    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="ownership_gaps", db_index=False
    )
    start = models.DateTimeField()
    end = models.DateTimeField(null=True, blank=True, help_text="Empty while nobody owns it.")
    business_seconds = models.FloatField(default=0)
    handed_over_by = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The party that held it before nobody did.",
    )
    taken_by = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The party that took it on afterwards.",
    )
    computed_at = models.DateTimeField()
    alerted_at = models.DateTimeField(null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ("-start",)
        verbose_name = "ownership gap"
        constraints = [
            models.UniqueConstraint(fields=("incident", "start"), name="slas_gap_unique_start")
        ]
        indexes = [
            models.Index(
                fields=("start",),
                condition=Q(end__isnull=True, alerted_at__isnull=True),
                name="slas_gap_open_unalerted",
            )
        ]

    def __str__(self):
        return f"{self.incident.reference}: nobody owned it from {self.start:%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        return self.incident.get_absolute_url()

    @classmethod
    def access_filter(cls, context, action):
        return incident_child_filter(context, action)

    @property
    def is_open(self) -> bool:
        return self.end is None


class SlaAlert(models.Model):
    """A warning or breach, recorded exactly once per clock and level."""

    incident_sla = models.ForeignKey(
        IncidentSla, on_delete=models.CASCADE, related_name="alerts", db_index=False
    )
    level = models.CharField(max_length=20, choices=AlertLevelChoices.choices)
    crossed_at = models.DateTimeField()
    recorded_at = models.DateTimeField(auto_now_add=True)
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-crossed_at",)
        constraints = [
            models.UniqueConstraint(
                fields=("incident_sla", "level"), name="slas_alert_once_per_level"
            )
        ]

    def __str__(self):
        return f"{self.get_level_display()} of {self.incident_sla}"


class Notification(models.Model):
    """An in-app notification for one user."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, null=True, blank=True, related_name="notifications"
    )
    alert = models.ForeignKey(
        SlaAlert, on_delete=models.CASCADE, null=True, blank=True, related_name="notifications"
    )
    message = models.CharField(max_length=500)
    created = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created",)
        constraints = [
            models.UniqueConstraint(
                fields=("user", "alert"),
                condition=Q(alert__isnull=False),
                name="slas_notification_once_per_alert",
            )
        ]

    def __str__(self):
        return self.message


class SlaRollupMonth(models.Model):
    """One ecosystem's month of history in the stored roll-up (``slas.rollups``).

    ``version`` is raised by every write that may change the month's figures (clocks
    stored, a breach recorded, an incident deleted, a target changed); ``built_version``
    is the version the stored sums were computed at. The report reads the sums only
    while the two are equal, and the clocks themselves otherwise, so a stale roll-up is
    slower, never wrong. Not shown to users: read only through the report, which has
    applied the access rule already.
    """

    # The unique (ecosystem, month) constraint is the index the lookups use.
    ecosystem = models.ForeignKey(
        "siam.Ecosystem", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    #: The first day of the month, in the server's time zone (``TIME_ZONE``).
    month = models.DateField()
    version = models.PositiveBigIntegerField(default=1)
    built_version = models.PositiveBigIntegerField(default=0)
    built_at = models.DateTimeField(null=True, blank=True)
    #: Incidents opened in the month and resolved; of those, reopened at least once.
    resolved = models.PositiveIntegerField(default=0)
    reopened = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "SLA roll-up month"
        constraints = [
            models.UniqueConstraint(fields=("ecosystem", "month"), name="slas_rollup_month_unique")
        ]

    def __str__(self):
        return f"{self.ecosystem_id} {self.month:%Y-%m}"

    @property
    def is_fresh(self) -> bool:
        return self.built_version == self.version


class SlaRollup(models.Model):
    """The finished clocks of one month, summed by metric, provider, service and
    priority: what ``slas.reports`` would compute from them, kept as sums and counts so
    that any roll-up of these rows is exact."""

    # The (bucket, metric) index below serves the bucket lookups and the cascade.
    bucket = models.ForeignKey(
        SlaRollupMonth, on_delete=models.CASCADE, related_name="rows", db_index=False
    )
    #: None: the whole ecosystem's figures; an organisation: what its users see as a
    #: provider (the incidents it held, now or earlier).
    seen_by = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    metric = models.CharField(max_length=20, choices=MetricChoices.choices)
    provider = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="+")
    priority = models.CharField(max_length=30)
    clocks = models.PositiveIntegerField()
    met = models.PositiveIntegerField()
    breached = models.PositiveIntegerField()
    counted_sum = models.FloatField()
    target_sum = models.FloatField()
    goal_sum = models.FloatField()
    goal_count = models.PositiveIntegerField()

    class Meta:
        verbose_name = "SLA roll-up row"
        indexes = [models.Index(fields=("bucket", "metric"), name="slas_rollup_bucket_metric")]

    def __str__(self):
        return f"{self.bucket} {self.metric} {self.priority}"


class SlaRollupGap(models.Model):
    """The ownership gaps of one month's incidents (the month they were opened in),
    summed by the month each gap began and the party that let go: the report's
    "nobody owned it" tables."""

    # The (bucket) index below serves the bucket lookups and the cascade.
    bucket = models.ForeignKey(
        SlaRollupMonth, on_delete=models.CASCADE, related_name="gaps", db_index=False
    )
    #: None: the whole ecosystem's figures; an organisation: what its users see as a
    #: provider (the incidents it held, now or earlier).
    seen_by = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    #: The first day of the month the gaps began in (the server's time zone).
    month = models.DateField()
    party = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    gaps = models.PositiveIntegerField()
    still_open = models.PositiveIntegerField()
    seconds = models.FloatField()

    class Meta:
        verbose_name = "SLA roll-up gap row"
        indexes = [models.Index(fields=("bucket",), name="slas_rollup_gap_bucket")]

    def __str__(self):
        return f"{self.bucket} gaps from {self.month:%Y-%m}"


class SlaRollupSeen(models.Model):
    """Of one month's incidents, those a provider held (now or earlier) that were
    resolved, and of those the reopened: the month's counts as its users see them."""

    # The unique (bucket, organisation) constraint is the index the lookups use.
    bucket = models.ForeignKey(
        SlaRollupMonth, on_delete=models.CASCADE, related_name="seen", db_index=False
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    resolved = models.PositiveIntegerField(default=0)
    reopened = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "SLA roll-up provider counts"
        verbose_name_plural = "SLA roll-up provider counts"
        constraints = [
            models.UniqueConstraint(
                fields=("bucket", "organisation"), name="slas_rollup_seen_unique"
            )
        ]

    def __str__(self):
        return f"{self.bucket} as seen by {self.organisation_id}"


class SlaRollupBudget(models.Model):
    """Of one month's breached end-to-end clocks: the business seconds each party held
    them (``IncidentSla.party_seconds`` summed), the report's "who used the budget"."""

    # The (bucket, metric) index below serves the bucket lookups and the cascade.
    bucket = models.ForeignKey(
        SlaRollupMonth, on_delete=models.CASCADE, related_name="budget", db_index=False
    )
    #: None: the whole ecosystem's figures; an organisation: what its users see as a
    #: provider (the incidents it held, now or earlier).
    seen_by = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    metric = models.CharField(max_length=20, choices=MetricChoices.choices)
    #: An organisation id, or "none" for the time nobody owned the incident.
    party = models.CharField(max_length=20)
    clocks = models.PositiveIntegerField()
    seconds = models.FloatField()

    class Meta:
        verbose_name = "SLA roll-up budget row"
        indexes = [models.Index(fields=("bucket", "metric"), name="slas_rollup_budget_metric")]

    def __str__(self):
        return f"{self.bucket} {self.metric} {self.party}"
