"""Incidents with their tool keys and append-only timeline, and the operation handbook's
known errors."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from siam.choices import LayerChoices, SystemKindChoices
from siam.models import EcosystemScopedModel, Organisation, Person, Service

from ..choices import (
    ClassificationChoices,
    EventKindChoices,
    IncidentStatusChoices,
    SlaStateChoices,
)

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
    #: Kept by ``slas.clocks.store_clocks`` with the clocks (never typed): the end-to-end
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
