from django.contrib import admin, messages

from core.admin import RestrictedAdmin

from . import clocks
from .models import (
    BusinessCalendar,
    CustomHoliday,
    EscalationRule,
    Incident,
    IncidentEvent,
    IncidentSla,
    KnownError,
    Notification,
    PriorityMatrix,
    ServiceLevelTarget,
    SlaAlert,
    WorkingPeriod,
)


class WorkingPeriodInline(admin.TabularInline):
    model = WorkingPeriod
    extra = 0


class CustomHolidayInline(admin.TabularInline):
    model = CustomHoliday
    extra = 0


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(RestrictedAdmin):
    list_display = ("name", "ecosystem", "time_zone", "always_open", "holiday_country")
    search_fields = ("name", "time_zone")
    list_filter = ("always_open", "holiday_country", "ecosystem")
    inlines = (WorkingPeriodInline, CustomHolidayInline)


@admin.register(PriorityMatrix)
class PriorityMatrixAdmin(RestrictedAdmin):
    list_display = ("ecosystem",)
    search_fields = ("ecosystem__name",)


class EscalationRuleInline(admin.TabularInline):
    model = EscalationRule
    extra = 0


@admin.register(ServiceLevelTarget)
class ServiceLevelTargetAdmin(RestrictedAdmin):
    list_display = ("contract", "priority", "response_minutes", "resolution_minutes", "calendar")
    search_fields = ("contract__reference", "priority")
    list_filter = ("priority", "contract__ecosystem")
    list_select_related = ("contract", "calendar")
    inlines = (EscalationRuleInline,)


@admin.register(KnownError)
class KnownErrorAdmin(RestrictedAdmin):
    list_display = ("reference", "symptom", "category", "ecosystem")
    search_fields = ("reference", "symptom", "workaround")
    list_filter = ("category", "ecosystem")


class IncidentEventInline(admin.TabularInline):
    model = IncidentEvent
    extra = 0
    can_delete = False
    readonly_fields = ("at", "kind", "status", "holder", "note", "author")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Incident)
class IncidentAdmin(RestrictedAdmin):
    list_display = ("reference", "title", "priority", "status", "holder", "opened_at", "ecosystem")
    search_fields = ("reference", "title", "tool_keys__key")
    list_filter = ("status", "priority", "classification", "ecosystem")
    list_select_related = ("holder", "ecosystem")
    inlines = (IncidentEventInline,)
    actions = ("repair_sla",)

    @admin.action(description="Recompute the SLA state from the timeline (repair, closed ones too)")
    def repair_sla(self, request, queryset):
        stored = clocks.recompute_incidents(list(queryset))
        self.message_user(
            request,
            f"Recomputed {stored} clocks of {queryset.count()} incidents.",
            messages.SUCCESS,
        )


@admin.register(IncidentSla)
class IncidentSlaAdmin(admin.ModelAdmin):
    list_display = ("incident", "metric", "provider", "state", "due_at", "breach_recorded_at")
    list_filter = ("state", "metric")
    search_fields = ("incident__reference",)
    list_select_related = ("incident", "provider")

    def get_queryset(self, request):
        return super().get_queryset(request).restrict(request.user)


@admin.register(SlaAlert)
class SlaAlertAdmin(admin.ModelAdmin):
    list_display = ("incident_sla", "level", "crossed_at", "recorded_at", "handled_at")
    list_filter = ("level",)
    search_fields = ("incident_sla__incident__reference",)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("user", "message", "created", "read_at")
    search_fields = ("message", "user__username")
