import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from core.tables import BaseTable, ChoiceBadgeColumn, DateColumn, DateTimeColumn

from .models import (
    Action,
    Assessment,
    Board,
    Decision,
    ImprovementItem,
    Kpi,
    Meeting,
    Pod,
    ScoringModel,
    SteeringReport,
)
from .templatetags.governance_ui import num

NUMBER = {"td": {"class": "text-end"}, "th": {"class": "text-end"}}
LEVEL_COLOURS = {"strategic": "purple", "tactical": "blue", "operational": "teal"}
MEETING_COLOURS = {"planned": "secondary", "held": "yellow", "closed": "green", "cancelled": "red"}
DECISION_COLOURS = {
    "needed": "orange",
    "taken": "green",
    "deferred": "secondary",
    "rejected": "red",
}
ACTION_COLOURS = {
    "open": "yellow",
    "in_progress": "blue",
    "done": "green",
    "cancelled": "secondary",
}
IMPROVEMENT_COLOURS = {
    "proposed": "secondary",
    "approved": "blue",
    "in_progress": "yellow",
    "done": "green",
    "rejected": "red",
}
TREND_COLOURS = {
    "improving": "green",
    "stable": "secondary",
    "degrading": "red",
    "not_enough_data": "secondary",
}


class BoardTable(BaseTable):
    name = tables.Column(linkify=True)
    ecosystem = tables.Column(linkify=True)
    level = ChoiceBadgeColumn(colors=LEVEL_COLOURS)
    member_count = tables.Column(verbose_name="Members", attrs=NUMBER)

    class Meta(BaseTable.Meta):
        model = Board
        fields = (
            "name",
            "ecosystem",
            "level",
            "element",
            "cadence",
            "quorum",
            "member_count",
            "actions",
        )


class MeetingTable(BaseTable):
    scheduled_at = DateTimeColumn(verbose_name="When", format="j M Y H:i", linkify=True)
    board = tables.Column(linkify=True)
    status = ChoiceBadgeColumn(colors=MEETING_COLOURS)
    attendee_count = tables.Column(verbose_name="Attendees", attrs=NUMBER)
    open_action_count = tables.Column(verbose_name="Open actions", attrs=NUMBER)

    class Meta(BaseTable.Meta):
        model = Meeting
        fields = (
            "scheduled_at",
            "board",
            "ecosystem",
            "status",
            "attendee_count",
            "open_action_count",
            "actions",
        )


class DecisionTable(BaseTable):
    title = tables.Column(linkify=True)
    status = ChoiceBadgeColumn(colors=DECISION_COLOURS)
    owner = tables.Column(default="— no owner —")
    meeting = tables.Column(linkify=True)

    class Meta(BaseTable.Meta):
        model = Decision
        fields = ("title", "ecosystem", "status", "owner", "decided_on", "meeting", "actions")


class ActionTable(BaseTable):
    title = tables.Column(linkify=True)
    status = ChoiceBadgeColumn(colors=ACTION_COLOURS)
    owner = tables.Column(default="— no owner —")
    due_date = DateColumn(format="j M Y", default="— no date —")

    class Meta(BaseTable.Meta):
        model = Action
        fields = ("title", "ecosystem", "owner", "due_date", "status", "meeting", "actions")
        row_attrs = {
            "class": lambda record: "table-danger" if record.is_overdue else "",
            "data-overdue": lambda record: "true" if record.is_overdue else "false",
        }

    def render_due_date(self, value, record):
        if not value:
            return "— no date —"
        if record.is_overdue:
            return format_html(
                '<span class="text-danger fw-bold">{} · overdue</span>', value.strftime("%-d %b %Y")
            )
        return value.strftime("%-d %b %Y")


def _status(kpi):
    # Computed once per row from the prefetched measurements (no query).
    if not hasattr(kpi, "_status"):
        from .services import kpi_status

        kpi._status = kpi_status(kpi)
    return kpi._status


class KpiTable(BaseTable):
    """Needs ``measurements`` prefetched (``services.kpis_with_measurements``)."""

    name = tables.Column(linkify=True)
    ecosystem = tables.Column(linkify=True)
    target = tables.Column(attrs=NUMBER)
    latest = tables.Column(empty_values=(), orderable=False, attrs=NUMBER)
    trend = tables.Column(empty_values=(), orderable=False)
    missed = tables.Column(empty_values=(), orderable=False, verbose_name="Missed")

    class Meta(BaseTable.Meta):
        model = Kpi
        fields = (
            "name",
            "ecosystem",
            "kind",
            "source",
            "baseline",
            "target",
            "latest",
            "trend",
            "missed",
            "actions",
        )

    def render_latest(self, record):
        status = _status(record)
        if status.latest is None:
            return "—"
        colour = (
            "text-green" if status.on_target else ("text-red" if status.on_target is False else "")
        )
        return format_html('<span class="{}">{}</span>', colour, num(status.latest, record.unit))

    def render_trend(self, record):
        status = _status(record)
        return format_html(
            '<span class="badge bg-{}-lt">{}</span>',
            TREND_COLOURS[status.trend],
            status.trend_label,
        )

    def render_missed(self, record):
        missed = _status(record).missed
        if not missed:
            return "—"
        return format_html(
            '<span class="text-danger" title="{}">{}</span>',
            ", ".join(m.strftime("%b %Y") for m in missed),
            len(missed),
        )


class ImprovementItemTable(BaseTable):
    rank = tables.Column(attrs=NUMBER, verbose_name="#")
    title = tables.Column(linkify=True)
    register = tables.Column()
    business_impact = tables.Column(attrs=NUMBER, verbose_name="Impact")
    complexity = tables.Column(attrs=NUMBER, verbose_name="Complexity")
    cost = tables.Column(attrs=NUMBER)
    risk = tables.Column(attrs=NUMBER)
    score = tables.Column(attrs=NUMBER, verbose_name="Computed")
    effective = tables.Column(attrs=NUMBER, verbose_name="Ranked by")
    status = ChoiceBadgeColumn(colors=IMPROVEMENT_COLOURS)

    class Meta(BaseTable.Meta):
        model = ImprovementItem
        fields = (
            "rank",
            "title",
            "register",
            "business_impact",
            "complexity",
            "cost",
            "risk",
            "score",
            "effective",
            "status",
            "owner",
            "actions",
        )
        order_by = ("register", "rank")

    def render_rank(self, value, record):
        return "—" if getattr(record, "closed", False) else value

    def render_effective(self, value, record):
        if record.override_score is not None:
            return format_html(
                '<span class="badge bg-orange-lt" title="Override: {}">{} ✎</span>',
                record.override_reason,
                num(value),
            )
        return num(value)


class ScoringModelTable(BaseTable):
    # The model is reached by its own column: the ecosystem column is hidden from a user
    # who sees one ecosystem, and the row must still lead to its page.
    weights = tables.Column(
        accessor="pk", verbose_name="Scoring model", orderable=False,
        linkify=lambda record: record.get_absolute_url(),
    )  # fmt: skip
    ecosystem = tables.Column(linkify=True)

    class Meta(BaseTable.Meta):
        model = ScoringModel
        fields = (
            "weights",
            "ecosystem",
            "business_impact",
            "complexity",
            "cost",
            "risk",
            "actions",
        )

    def render_weights(self, record):
        return "Weights " + " / ".join(str(weight) for weight in record.weights.values())


class PodTable(BaseTable):
    """Needs ``members`` prefetched."""

    name = tables.Column(linkify=True)
    head = tables.Column(verbose_name="Head of integration")
    size = tables.Column(empty_values=(), orderable=False, attrs=NUMBER, verbose_name="Members")
    warnings = tables.Column(empty_values=(), orderable=False)

    class Meta(BaseTable.Meta):
        model = Pod
        fields = ("name", "ecosystem", "head", "size", "warnings", "actions")

    def render_size(self, record):
        members = list(record.members.all())
        part = sum(1 for m in members if m.part_time)
        return f"{len(members) - part} + {part} part-time" if part else str(len(members))

    def render_warnings(self, record):
        warnings = record.warnings()
        if not warnings:
            return format_html('<span class="text-green">{}</span>', "Complete")
        return format_html_join(
            "", '<div class="text-warning small">{}</div>', ((w,) for w in warnings)
        )


class AssessmentTable(BaseTable):
    title = tables.Column(linkify=True)
    overall = tables.Column(empty_values=(), orderable=False, attrs=NUMBER, verbose_name="Overall")

    class Meta(BaseTable.Meta):
        model = Assessment
        fields = ("title", "ecosystem", "assessed_on", "assessed_by", "overall", "actions")

    def render_overall(self, record):
        return "—" if record.overall is None else f"{record.overall:g} %"


class SteeringReportTable(BaseTable):
    period_start = DateColumn(format="F Y", verbose_name="Period", linkify=True)
    status = tables.Column(empty_values=(), orderable=False, verbose_name="Overall")
    download = tables.Column(empty_values=(), orderable=False, verbose_name="")
    actions = None

    class Meta(BaseTable.Meta):
        model = SteeringReport
        fields = (
            "period_start",
            "ecosystem",
            "status",
            "generated_at",
            "generated_by",
            "scheduled",
            "pages",
            "render_seconds",
            "download",
        )

    def render_status(self, record):
        status = getattr(record, "overall_status", None) or "grey"
        colour = {"green": "green", "amber": "yellow", "red": "red"}.get(status, "secondary")
        badge = format_html('<span class="badge bg-{}-lt">{}</span>', colour, status.upper())
        if record.superseded_at:
            return format_html('{} <span class="badge bg-secondary-lt">superseded</span>', badge)
        return badge

    def render_download(self, record):
        return format_html(
            '<a class="btn btn-sm" href="{}"><i class="ti ti-download me-1" aria-hidden="true"></i>PDF</a>',
            reverse("governance:steeringreport_download", args=[record.pk]),
        )
