from django.contrib import admin

from core.admin import RestrictedAdmin

from .models import (
    AccessGrant,
    AccessMatrix,
    DataObject,
    RaciActivity,
    RaciColumn,
    RaciMatrix,
    RaciTemplate,
    Role,
)


@admin.register(Role)
class RoleAdmin(RestrictedAdmin):
    list_display = ("name", "organisation", "ecosystem")
    list_filter = ("ecosystem",)
    search_fields = ("name", "organisation__name")
    filter_horizontal = ("holders",)
    list_select_related = ("organisation", "ecosystem")


class ActivityInline(admin.TabularInline):
    model = RaciActivity
    extra = 0
    fields = ("position", "phase", "name", "process", "must_be_owned_by")


class ColumnInline(admin.TabularInline):
    model = RaciColumn
    extra = 0
    raw_id_fields = ("role", "person")


@admin.register(RaciMatrix)
class RaciMatrixAdmin(RestrictedAdmin):
    """The grid is edited in the app; the admin shows structure and approval for support."""

    list_display = (
        "name",
        "version",
        "ecosystem",
        "variant",
        "status",
        "approved_by",
        "approved_at",
    )
    list_filter = ("status", "variant", "ecosystem")
    search_fields = ("name",)
    readonly_fields = ("lineage", "version", "status", "approved_by", "approved_at")
    inlines = (ActivityInline, ColumnInline)
    list_select_related = ("ecosystem", "approved_by")


@admin.register(RaciTemplate)
class RaciTemplateAdmin(RestrictedAdmin):
    list_display = ("name", "variant", "owner")
    search_fields = ("name",)


@admin.register(DataObject)
class DataObjectAdmin(RestrictedAdmin):
    list_display = ("name", "ecosystem", "confidential")
    list_filter = ("confidential", "ecosystem")


class GrantInline(admin.TabularInline):
    model = AccessGrant
    extra = 0
    raw_id_fields = ("role", "data_object")


@admin.register(AccessMatrix)
class AccessMatrixAdmin(RestrictedAdmin):
    list_display = ("ecosystem", "version", "status", "approved_by", "approved_at")
    list_filter = ("status", "ecosystem")
    readonly_fields = ("version", "status", "approved_by", "approved_at")
    inlines = (GrantInline,)
