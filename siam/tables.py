import django_tables2 as tables

from core.tables import BaseTable, ChoiceBadgeColumn

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

STATUS_COLORS = {
    "active": "green",
    "live": "green",
    "planned": "blue",
    "in_development": "yellow",
    "draft": "yellow",
    "retired": "secondary",
    "expired": "secondary",
    "terminated": "red",
}


class OrganisationTable(BaseTable):
    name = tables.Column(linkify=True)
    ecosystem_count = tables.Column(verbose_name="Ecosystems", attrs={"td": {"class": "text-end"}})
    people_count = tables.Column(verbose_name="People", attrs={"td": {"class": "text-end"}})

    class Meta(BaseTable.Meta):
        model = Organisation
        fields = ("name", "country", "website", "ecosystem_count", "people_count", "actions")


class EcosystemTable(BaseTable):
    name = tables.Column(linkify=True)
    status = ChoiceBadgeColumn(colors=STATUS_COLORS)
    customer = tables.Column(linkify=True)
    integrator = tables.Column(linkify=True)
    integrator_model = tables.Column(
        verbose_name="Integrator model", orderable=False, accessor="get_integrator_model_display"
    )
    provider_count = tables.Column(verbose_name="Providers", attrs={"td": {"class": "text-end"}})
    service_count = tables.Column(verbose_name="Services", attrs={"td": {"class": "text-end"}})

    class Meta(BaseTable.Meta):
        model = Ecosystem
        fields = (
            "name",
            "status",
            "customer",
            "integrator",
            "integrator_model",
            "provider_count",
            "service_count",
            "actions",
        )


class ServiceProviderTable(BaseTable):
    organisation = tables.Column(linkify=lambda record: record.get_absolute_url())
    ecosystem = tables.Column(linkify=True)
    service_count = tables.Column(verbose_name="Services", attrs={"td": {"class": "text-end"}})

    class Meta(BaseTable.Meta):
        model = ServiceProvider
        fields = ("organisation", "ecosystem", "since", "service_count", "scope", "actions")


class ServiceTable(BaseTable):
    name = tables.Column(linkify=True)
    ecosystem = tables.Column(linkify=True)
    criticality = ChoiceBadgeColumn(
        colors={"critical": "red", "high": "orange", "medium": "yellow", "low": "green"}
    )
    delivered_by = tables.ManyToManyColumn(
        transform=lambda provider: provider.organisation.name, verbose_name="Delivered by"
    )

    class Meta(BaseTable.Meta):
        model = Service
        fields = ("name", "ecosystem", "criticality", "delivered_by", "actions")


class ContractTable(BaseTable):
    reference = tables.Column(linkify=True)
    name = tables.Column(linkify=True)
    ecosystem = tables.Column(linkify=True)
    kind = ChoiceBadgeColumn(colors={"sla": "purple", "ola": "azure", "uc": "teal"})
    supplier = tables.Column(linkify=True)
    consumer = tables.Column(linkify=True)
    status = ChoiceBadgeColumn(colors=STATUS_COLORS)

    class Meta(BaseTable.Meta):
        model = Contract
        fields = (
            "reference",
            "name",
            "kind",
            "ecosystem",
            "supplier",
            "consumer",
            "status",
            "start_date",
            "end_date",
            "actions",
        )


class ConnectedSystemTable(BaseTable):
    name = tables.Column(linkify=True)
    ecosystem = tables.Column(linkify=True)
    organisation = tables.Column(linkify=True)
    kind = tables.Column(verbose_name="Tool")

    class Meta(BaseTable.Meta):
        model = ConnectedSystem
        fields = ("name", "kind", "entity_name", "organisation", "ecosystem", "base_url", "actions")


class IntegrationFlowTable(BaseTable):
    name = tables.Column(linkify=True)
    ecosystem = tables.Column(linkify=True)
    source = tables.Column(linkify=True)
    direction = tables.Column(verbose_name="", attrs={"td": {"class": "text-center"}})
    target = tables.Column(linkify=True)
    status = ChoiceBadgeColumn(colors=STATUS_COLORS)

    class Meta(BaseTable.Meta):
        model = IntegrationFlow
        fields = (
            "name",
            "source",
            "direction",
            "target",
            "trigger",
            "status",
            "ecosystem",
            "actions",
        )

    def render_direction(self, record):
        return "↔" if record.is_bidirectional else "→"


class PersonTable(BaseTable):
    name = tables.Column(linkify=True)
    organisation = tables.Column(linkify=True)
    email = tables.EmailColumn()
    user = tables.Column(verbose_name="Login")

    class Meta(BaseTable.Meta):
        model = Person
        fields = ("name", "job_title", "organisation", "email", "phone", "user", "actions")


class MembershipTable(BaseTable):
    user = tables.Column(linkify=lambda record: record.get_absolute_url())
    organisation = tables.Column(linkify=True)
    role = ChoiceBadgeColumn(colors={"admin": "red", "editor": "blue", "viewer": "secondary"})

    class Meta(BaseTable.Meta):
        model = Membership
        fields = ("user", "organisation", "role", "created", "actions")
