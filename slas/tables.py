import django_tables2 as tables
from django.db.models import F
from django.utils.html import format_html

from core.tables import BaseTable, ChoiceBadgeColumn, DateTimeColumn

from .charts import duration
from .models import (
    BusinessCalendar,
    Incident,
    IncidentSla,
    KnownError,
    OwnershipGap,
    PriorityMatrix,
    ServiceLevelTarget,
)

NUMBER = {"td": {"class": "text-end"}, "th": {"class": "text-end"}}

SLA_COLOURS = {
    "running": "blue",
    "paused": "yellow",
    "met": "green",
    "breached": "red",
    "not_started": "secondary",
}
STATUS_COLOURS = {
    "new": "azure", "in_progress": "blue", "awaiting_customer": "yellow", "awaiting_user_info": "yellow",
    "awaiting_vendor": "yellow", "awaiting_evidence": "yellow", "resolved": "green", "closed": "secondary",
}  # fmt: skip


class BusinessCalendarTable(BaseTable):
    name = tables.Column(linkify=True)
    ecosystem = tables.Column(linkify=True)
    always_open = tables.BooleanColumn(verbose_name="24x7")
    period_count = tables.Column(
        verbose_name="Working periods", attrs={"td": {"class": "text-end"}}
    )

    class Meta(BaseTable.Meta):
        model = BusinessCalendar
        fields = (
            "name",
            "ecosystem",
            "time_zone",
            "always_open",
            "holiday_country",
            "period_count",
            "actions",
        )


class PriorityMatrixTable(BaseTable):
    # Linked by its own name: the ecosystem column is hidden for a user of one ecosystem.
    matrix = tables.Column(
        empty_values=(),
        linkify=lambda record: record.get_absolute_url(),
        orderable=False,
        verbose_name="Matrix",
    )
    ecosystem = tables.Column(linkify=lambda record: record.ecosystem.get_absolute_url())
    size = tables.Column(empty_values=(), orderable=False, verbose_name="Size")
    priorities = tables.Column(orderable=False)

    class Meta(BaseTable.Meta):
        model = PriorityMatrix
        fields = ("matrix", "ecosystem", "size", "priorities", "actions")

    def render_matrix(self, record):
        return str(record)

    def render_size(self, record):
        return f"{len(record.impact_levels)} × {len(record.urgency_levels)}"

    def render_priorities(self, value):
        return ", ".join(value)


class ServiceLevelTargetTable(BaseTable):
    target = tables.Column(
        empty_values=(),
        linkify=lambda record: record.get_absolute_url(),
        orderable=False,
        verbose_name="Target",
    )
    contract = tables.Column(linkify=True)
    response_minutes = tables.Column(verbose_name="Response")
    resolution_minutes = tables.Column(verbose_name="Resolution")
    goal_resolution_minutes = tables.Column(verbose_name="Goal")
    calendar = tables.Column(linkify=True)

    class Meta(BaseTable.Meta):
        model = ServiceLevelTarget
        fields = (
            "target",
            "contract",
            "priority",
            "response_minutes",
            "resolution_minutes",
            "goal_resolution_minutes",
            "calendar",
            "actions",
        )

    def render_target(self, record):
        return str(record)

    def render_response_minutes(self, value):
        return duration(value * 60)

    def render_resolution_minutes(self, value):
        return duration(value * 60)

    def render_goal_resolution_minutes(self, value):
        return duration(value * 60)


class KnownErrorTable(BaseTable):
    reference = tables.Column(linkify=True)
    ecosystem = tables.Column(linkify=True)
    service = tables.Column(linkify=True)
    times_used = tables.Column(verbose_name="Used", attrs={"td": {"class": "text-end"}})

    class Meta(BaseTable.Meta):
        model = KnownError
        fields = (
            "reference",
            "symptom",
            "category",
            "service",
            "ecosystem",
            "times_used",
            "actions",
        )


class IncidentTable(BaseTable):
    reference = tables.Column(linkify=True, attrs={"td": {"class": "text-nowrap"}})
    title = tables.Column(linkify=True)
    priority = tables.Column()
    status = ChoiceBadgeColumn(colors=STATUS_COLOURS)
    classification = tables.Column(verbose_name="Type")
    service = tables.Column()
    holder = tables.Column(verbose_name="Held by")
    sla_state = tables.Column(verbose_name="SLA", orderable=True)
    next_due_at = DateTimeColumn(
        verbose_name="Due", format="j M H:i", orderable=True, attrs={"td": {"class": "text-nowrap"}}
    )
    opened_at = DateTimeColumn(
        format="j M Y H:i", verbose_name="Opened", attrs={"td": {"class": "text-nowrap"}}
    )

    class Meta(BaseTable.Meta):
        model = Incident
        fields = (
            "reference",
            "ecosystem",
            "title",
            "priority",
            "classification",
            "status",
            "service",
            "holder",
            "sla_state",
            "next_due_at",
            "opened_at",
            "actions",
        )
        order_by = ("next_due_at",)

    def order_next_due_at(self, queryset, is_descending):
        # Incidents with a deadline first, soonest first; the rest by opening date.
        due = (
            F("next_due_at").desc(nulls_last=True)
            if is_descending
            else F("next_due_at").asc(nulls_last=True)
        )
        return queryset.order_by(due, "-opened_at", "-pk"), True

    def render_classification(self, value, record):
        return {
            "incident": "Incident",
            "service_request": "Request",
            "change_request": "Change",
        }.get(record.classification, value)

    def render_sla_state(self, value, record):
        if not value:
            return "—"
        badge = format_html(
            '<span class="badge bg-{}-lt">{}</span>',
            SLA_COLOURS.get(value, "secondary"),
            value.replace("_", " "),
        )
        if getattr(record, "sla_pending", False):
            return format_html(
                '{} <span class="badge bg-azure-lt" title="A target or calendar changed: '
                'being recomputed">recomputing</span>',
                badge,
            )
        return badge


class IncidentSlaTable(tables.Table):
    incident = tables.Column(linkify=lambda record: record.incident.get_absolute_url())
    metric = tables.Column()
    provider = tables.Column(verbose_name="OLA of", default="end to end")
    state = ChoiceBadgeColumn(colors=SLA_COLOURS)
    due_at = DateTimeColumn(format="j M H:i")
    breach_recorded_at = DateTimeColumn(format="j M H:i", verbose_name="Breached at")

    class Meta:
        model = IncidentSla
        fields = ("incident", "metric", "provider", "state", "due_at", "breach_recorded_at")
        attrs = {"class": "table table-vcenter card-table"}


class OwnershipGapTable(BaseTable):
    incident = tables.Column(linkify=lambda record: record.incident.get_absolute_url())
    title = tables.Column(accessor="incident__title", verbose_name="Title", orderable=False)
    ecosystem = tables.Column(accessor="incident__ecosystem", verbose_name="Ecosystem")
    start = DateTimeColumn(format="j M Y H:i", verbose_name="Nobody's from")
    end = DateTimeColumn(format="j M Y H:i", verbose_name="Until", default="still nobody's")
    business_seconds = tables.Column(verbose_name="Business time", attrs=NUMBER)
    handed_over_by = tables.Column(verbose_name="Left by", default="— (opened unassigned)")
    taken_by = tables.Column(verbose_name="Taken on by", default="—")

    class Meta(BaseTable.Meta):
        model = OwnershipGap
        fields = (
            "incident", "title", "ecosystem", "start", "end", "business_seconds", "handed_over_by", "taken_by",
        )  # fmt: skip
        order_by = ("-start",)
        exclude = ("actions",)

    def render_incident(self, record):
        return record.incident.reference

    def render_business_seconds(self, value):
        return duration(value)
