from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import WorkerHeartbeat


class RestrictedAdmin(SimpleHistoryAdmin):
    """Admin lists go through the same access rule as the UI and the API."""

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if hasattr(queryset, "restrict"):
            return queryset.restrict(request.user)
        return queryset

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if allowed and obj is not None and not request.user.is_superuser:
            return type(obj).objects.restrict(request.user, "change").filter(pk=obj.pk).exists()
        return allowed

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        if allowed and obj is not None and not request.user.is_superuser:
            return type(obj).objects.restrict(request.user, "delete").filter(pk=obj.pk).exists()
        return allowed


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ("name", "hostname", "last_seen", "runs")
    readonly_fields = ("name", "hostname", "last_seen", "runs")
