from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    AssignmentGroup,
    FieldMapping,
    ImportRun,
    InboundEvent,
    TicketFeed,
    TicketLink,
    ValueMapping,
    WebhookDelivery,
    WebhookSubscription,
)


class AssignmentGroupInline(admin.TabularInline):
    model = AssignmentGroup
    extra = 0


@admin.register(TicketFeed)
class TicketFeedAdmin(SimpleHistoryAdmin):
    list_display = ("system", "ecosystem", "auth_method", "unknown_groups", "active")
    list_filter = ("active", "auth_method")
    list_select_related = ("system", "ecosystem")
    readonly_fields = ("endpoint", "secret_set_at")
    exclude = ("secret_encrypted", "token_hash")
    inlines = [AssignmentGroupInline]


@admin.register(InboundEvent)
class InboundEventAdmin(admin.ModelAdmin):
    list_display = ("pk", "received_at", "feed", "ticket_key", "event_key", "state", "signature")
    list_filter = ("state", "signature")
    list_select_related = ("feed__system",)
    search_fields = ("ticket_key", "event_key", "error")
    readonly_fields = [f.name for f in InboundEvent._meta.fields]


@admin.register(TicketLink)
class TicketLinkAdmin(admin.ModelAdmin):
    list_display = ("key", "feed", "incident")
    list_select_related = ("feed__system", "incident")
    search_fields = ("key",)
    raw_id_fields = ("incident",)


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ("file_name", "feed", "state", "rows_read", "rows_rejected", "created")
    list_filter = ("state", "format")
    list_select_related = ("feed__system",)


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(SimpleHistoryAdmin):
    list_display = ("name", "ecosystem", "url", "active")
    exclude = ("secret_encrypted",)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ("pk", "created", "subscription", "event", "status", "attempts", "response_code")
    list_filter = ("status",)
    list_select_related = ("subscription",)


class ValueInline(admin.TabularInline):
    model = ValueMapping
    extra = 0


@admin.register(FieldMapping)
class FieldMappingAdmin(admin.ModelAdmin):
    list_display = ("flow", "source_field", "target_field")
    inlines = (ValueInline,)

    def get_queryset(self, request):
        return super().get_queryset(request).restrict(request.user)
