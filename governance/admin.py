from django.contrib import admin

from core.admin import RestrictedAdmin

from .models import (
    Action,
    Assessment,
    Board,
    BoardMember,
    Decision,
    ImprovementItem,
    Kpi,
    Measurement,
    Meeting,
    Pod,
    PodMember,
    ScoringModel,
    SteeringReport,
)


class BoardMemberInline(admin.TabularInline):
    model = BoardMember
    extra = 0


class MeasurementInline(admin.TabularInline):
    model = Measurement
    extra = 0


class PodMemberInline(admin.TabularInline):
    model = PodMember
    extra = 0


@admin.register(Board)
class BoardAdmin(RestrictedAdmin):
    list_display = ("name", "ecosystem", "level", "element", "cadence", "quorum")
    list_filter = ("level", "element")
    inlines = [BoardMemberInline]


@admin.register(Meeting)
class MeetingAdmin(RestrictedAdmin):
    list_display = ("__str__", "board", "scheduled_at", "status")
    list_filter = ("status",)


@admin.register(Decision)
class DecisionAdmin(RestrictedAdmin):
    list_display = ("title", "ecosystem", "status", "owner", "decided_on")
    list_filter = ("status",)


@admin.register(Action)
class ActionAdmin(RestrictedAdmin):
    list_display = ("title", "ecosystem", "owner", "due_date", "status")
    list_filter = ("status",)


@admin.register(Kpi)
class KpiAdmin(RestrictedAdmin):
    list_display = ("name", "ecosystem", "kind", "source", "target")
    inlines = [MeasurementInline]


@admin.register(ImprovementItem)
class ImprovementItemAdmin(RestrictedAdmin):
    list_display = ("title", "ecosystem", "register", "score", "override_score", "status")
    list_filter = ("register", "status")


@admin.register(ScoringModel)
class ScoringModelAdmin(RestrictedAdmin):
    list_display = ("ecosystem", "business_impact", "complexity", "cost", "risk")


@admin.register(Pod)
class PodAdmin(RestrictedAdmin):
    list_display = ("name", "ecosystem", "head")
    inlines = [PodMemberInline]


@admin.register(Assessment)
class AssessmentAdmin(RestrictedAdmin):
    list_display = ("title", "ecosystem", "assessed_on")


@admin.register(SteeringReport)
class SteeringReportAdmin(RestrictedAdmin):
    list_display = ("__str__", "generated_at", "scheduled", "pages")
    readonly_fields = ("snapshot",)
