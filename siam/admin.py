from django.contrib import admin

from core.admin import RestrictedAdmin

from .models import (
    ConnectedSystem,
    Contract,
    Ecosystem,
    IntegrationFlow,
    Membership,
    Organisation,
    Person,
    Service,
    ServiceProvider,
)


@admin.register(Organisation)
class OrganisationAdmin(RestrictedAdmin):
    list_display = ("name", "slug", "country", "registered_by")
    search_fields = ("name", "slug", "description")
    list_filter = ("country",)
    prepopulated_fields = {"slug": ("name",)}


class ServiceProviderInline(admin.TabularInline):
    model = ServiceProvider
    extra = 0
    autocomplete_fields = ("organisation",)


@admin.register(Ecosystem)
class EcosystemAdmin(RestrictedAdmin):
    list_display = ("name", "status", "customer", "integrator")
    search_fields = ("name", "description", "customer__name", "integrator__name")
    list_filter = ("status",)
    list_select_related = ("customer", "integrator")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("customer", "integrator")
    inlines = (ServiceProviderInline,)


@admin.register(ServiceProvider)
class ServiceProviderAdmin(RestrictedAdmin):
    list_display = ("organisation", "ecosystem", "since")
    search_fields = ("organisation__name", "ecosystem__name", "scope")
    list_filter = ("ecosystem",)
    list_select_related = ("organisation", "ecosystem")


@admin.register(Service)
class ServiceAdmin(RestrictedAdmin):
    list_display = ("name", "ecosystem", "criticality")
    search_fields = ("name", "description")
    list_filter = ("ecosystem", "criticality")
    list_select_related = ("ecosystem",)
    filter_horizontal = ("delivered_by",)


@admin.register(Contract)
class ContractAdmin(RestrictedAdmin):
    list_display = (
        "reference",
        "name",
        "kind",
        "ecosystem",
        "supplier",
        "consumer",
        "status",
        "start_date",
        "end_date",
    )
    search_fields = ("reference", "name", "description")
    list_filter = ("kind", "status", "ecosystem")
    list_select_related = ("ecosystem", "supplier", "consumer")
    filter_horizontal = ("services",)


@admin.register(ConnectedSystem)
class ConnectedSystemAdmin(RestrictedAdmin):
    list_display = ("name", "kind", "entity_name", "organisation", "ecosystem")
    search_fields = ("name", "base_url", "description")
    list_filter = ("kind", "ecosystem")
    list_select_related = ("organisation", "ecosystem")


@admin.register(IntegrationFlow)
class IntegrationFlowAdmin(RestrictedAdmin):
    list_display = ("name", "source", "direction", "target", "trigger", "status", "ecosystem")
    search_fields = ("name", "description", "source__name", "target__name")
    list_filter = ("direction", "trigger", "status", "ecosystem")
    list_select_related = ("source", "target", "ecosystem")


@admin.register(Person)
class PersonAdmin(RestrictedAdmin):
    list_display = ("name", "job_title", "organisation", "email", "user")
    search_fields = ("name", "job_title", "email")
    list_filter = ("organisation",)
    list_select_related = ("organisation", "user")


@admin.register(Membership)
class MembershipAdmin(RestrictedAdmin):
    list_display = ("user", "organisation", "role")
    search_fields = ("user__username", "organisation__name")
    list_filter = ("role", "organisation")
    list_select_related = ("user", "organisation")
