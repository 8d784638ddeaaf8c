"""The seed scenario (cross-company-integration-siam-itil4): Infinity Solutions, a
clothing retailer going digital, is its own (internal) service integrator; Mercuri
Inc. runs its outsourced customer service on Zendesk; Global Pvt Ltd develops and
operates the platform on Azure DevOps. John (solutions architect) works in Jira and
Elaine (project manager) in ServiceNow, as the scenario first introduces them.

A second, smaller ecosystem (Northwind Retail, integrated by an external firm and
also served by Global) shows that parties of one ecosystem see nothing of another.
"""

from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth import get_user_model

from core.system import ensure

from .choices import (
    ContractKindChoices,
    ContractStatusChoices,
    FlowDirectionChoices,
    FlowStatusChoices,
    FlowTriggerChoices,
    MembershipRoleChoices,
    ServiceCriticalityChoices,
    SystemKindChoices,
)
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

DEMO_PASSWORD = "siam-demo-2026"


@dataclass
class DemoResult:
    created: int = 0
    logins: list[tuple[str, str, str]] = field(default_factory=list)


def load(actor) -> DemoResult:
    result = DemoResult()

    def make(model, lookup, defaults=None):
        obj, created = ensure(model, lookup, defaults, actor=actor)
        result.created += int(created)
        return obj

    infinity = make(
        Organisation,
        {"slug": "infinity"},
        {
            "name": "Infinity Solutions",
            "country": "GB",
            "website": "https://infinity.example",
            "description": "Sales and distribution of clothing, digitalising its business: web orders, payments and an online kiosk.",
        },
    )
    mercuri = make(
        Organisation,
        {"slug": "mercuri"},
        {
            "name": "Mercuri Inc.",
            "country": "US",
            "description": "Outsourced customer service for Infinity, on Zendesk.",
            "registered_by": infinity,
        },
    )
    global_ = make(
        Organisation,
        {"slug": "global"},
        {
            "name": "Global Pvt Ltd",
            "country": "IN",
            "description": "Development and operations of the e-commerce platform, on Azure DevOps.",
            "registered_by": infinity,
        },
    )

    eco = make(
        Ecosystem,
        {"slug": "infinity-ecommerce"},
        {
            "name": "Infinity e-commerce",
            "customer": infinity,
            "integrator": infinity,
            "description": "Infinity's digital sales channel. To-be vision: frictionless, flexible collaboration across internal teams and company borders.",
        },
    )
    sp_mercuri = make(
        ServiceProvider,
        {"ecosystem": eco, "organisation": mercuri},
        {
            "since": date(2025, 1, 1),
            "scope": "First-line customer service: all incoming customer requests, in Zendesk.",
        },
    )
    sp_global = make(
        ServiceProvider,
        {"ecosystem": eco, "organisation": global_},
        {
            "since": date(2025, 3, 1),
            "scope": "Development, infrastructure and network operations of the platform, in Azure DevOps.",
        },
    )

    services = {}
    for name, criticality, providers, description in (
        (
            "Online store",
            ServiceCriticalityChoices.CRITICAL,
            [sp_global],
            "Browse the collection and order on the website.",
        ),
        (
            "Online payments",
            ServiceCriticalityChoices.CRITICAL,
            [sp_global],
            "Card and wallet payments for web orders.",
        ),
        (
            "Online kiosk",
            ServiceCriticalityChoices.HIGH,
            [sp_global],
            "In-store kiosk to browse the collection.",
        ),
        (
            "Customer service desk",
            ServiceCriticalityChoices.HIGH,
            [sp_mercuri],
            "Complaints, questions and order issues from end customers.",
        ),
        (
            "Network and connectivity",
            ServiceCriticalityChoices.HIGH,
            [sp_global],
            "Connectivity of stores, kiosks and the platform.",
        ),
    ):
        services[name] = make(
            Service,
            {"ecosystem": eco, "name": name},
            {"criticality": criticality, "description": description, "delivered_by": providers},
        )

    make(
        Contract,
        {"ecosystem": eco, "reference": "SLA-001"},
        {
            "kind": ContractKindChoices.SLA,
            "name": "End-to-end e-commerce service levels",
            "supplier": infinity,
            "consumer": infinity,
            "status": ContractStatusChoices.ACTIVE,
            "start_date": date(2025, 4, 1),
            "description": "P1 resolved within 2 business hours, P2 within 12, measured end to end across all providers.",
            "services": list(services.values()),
        },
    )
    make(
        Contract,
        {"ecosystem": eco, "reference": "UC-MER-001"},
        {
            "kind": ContractKindChoices.UNDERPINNING,
            "name": "Customer service underpinning contract",
            "supplier": mercuri,
            "consumer": infinity,
            "status": ContractStatusChoices.ACTIVE,
            "start_date": date(2025, 1, 1),
            "end_date": date(2027, 12, 31),
            "services": [services["Customer service desk"]],
        },
    )
    make(
        Contract,
        {"ecosystem": eco, "reference": "UC-GLB-001"},
        {
            "kind": ContractKindChoices.UNDERPINNING,
            "name": "Development and operations underpinning contract",
            "supplier": global_,
            "consumer": infinity,
            "status": ContractStatusChoices.ACTIVE,
            "start_date": date(2025, 3, 1),
            "end_date": date(2028, 2, 29),
            "services": [
                services[n]
                for n in (
                    "Online store",
                    "Online payments",
                    "Online kiosk",
                    "Network and connectivity",
                )
            ],
        },
    )

    jira = make(
        ConnectedSystem,
        {"ecosystem": eco, "name": "Infinity Jira"},
        {
            "organisation": infinity,
            "kind": SystemKindChoices.JIRA,
            "base_url": "https://infinity.atlassian.example",
            "description": "John's (solutions architecture) work.",
        },
    )
    servicenow = make(
        ConnectedSystem,
        {"ecosystem": eco, "name": "Infinity ServiceNow"},
        {
            "organisation": infinity,
            "kind": SystemKindChoices.SERVICENOW,
            "base_url": "https://infinity.service-now.example",
            "description": "Elaine's (project management) work.",
        },
    )
    zendesk = make(
        ConnectedSystem,
        {"ecosystem": eco, "name": "Mercuri Zendesk"},
        {
            "organisation": mercuri,
            "kind": SystemKindChoices.ZENDESK,
            "base_url": "https://mercuri.zendesk.example",
        },
    )
    azure = make(
        ConnectedSystem,
        {"ecosystem": eco, "name": "Global Azure DevOps"},
        {
            "organisation": global_,
            "kind": SystemKindChoices.AZURE_DEVOPS,
            "base_url": "https://dev.azure.example/global",
        },
    )

    for name, source, target, direction, fields, description in (
        (
            "Customer escalations",
            zendesk,
            jira,
            FlowDirectionChoices.UNIDIRECTIONAL,
            ["summary", "description", "priority", "requester", "attachments"],
            "A ticket Mercuri cannot resolve creates an issue in Infinity's Jira automatically.",
        ),
        (
            "Status back to customer service",
            jira,
            zendesk,
            FlowDirectionChoices.UNIDIRECTIONAL,
            ["status", "public comments"],
            "Mercuri's agents see the current status and can inform the customer.",
        ),
        (
            "Architecture and project collaboration",
            jira,
            servicenow,
            FlowDirectionChoices.BIDIRECTIONAL,
            ["summary", "description", "priority", "status", "comments", "attachments"],
            "Design issues and change requests shared between John and Elaine.",
        ),
        (
            "Development and network hand-off",
            jira,
            azure,
            FlowDirectionChoices.BIDIRECTIONAL,
            ["summary", "description", "priority", "status", "comments", "attachments"],
            "Bugs, incidents and network issues forwarded to Global; status kept in sync.",
        ),
    ):
        make(
            IntegrationFlow,
            {"ecosystem": eco, "name": name},
            {
                "source": source,
                "target": target,
                "direction": direction,
                "trigger": FlowTriggerChoices.AUTOMATIC,
                "status": FlowStatusChoices.LIVE,
                "exchanged_fields": fields,
                "description": description,
            },
        )

    # A second ecosystem, integrated by an external firm, sharing one provider.
    northwind = make(
        Organisation, {"slug": "northwind"}, {"name": "Northwind Retail", "country": "NL"}
    )
    orbit = make(
        Organisation, {"slug": "orbit"}, {"name": "Orbit Integration Services", "country": "NL"}
    )
    eco2 = make(
        Ecosystem,
        {"slug": "northwind-stores"},
        {
            "name": "Northwind stores",
            "customer": northwind,
            "integrator": orbit,
            "description": "Store systems of Northwind, integrated by Orbit.",
        },
    )
    make(
        ServiceProvider,
        {"ecosystem": eco2, "organisation": global_},
        {"scope": "Point-of-sale platform operations."},
    )
    make(
        Service,
        {"ecosystem": eco2, "name": "Point of sale"},
        {"criticality": ServiceCriticalityChoices.CRITICAL},
    )
    make(
        ConnectedSystem,
        {"ecosystem": eco2, "name": "Orbit ServiceNow"},
        {"organisation": orbit, "kind": SystemKindChoices.SERVICENOW},
    )

    people = (
        (
            "john",
            "John",
            "Solutions Architect",
            infinity,
            MembershipRoleChoices.ADMIN,
            "Infinity Solutions — integrator administrator",
        ),
        (
            "elaine",
            "Elaine",
            "Project Manager",
            infinity,
            MembershipRoleChoices.EDITOR,
            "Infinity Solutions — integrator editor",
        ),
        (
            "sophie",
            "Sophie",
            "Head of E-commerce (business owner)",
            infinity,
            MembershipRoleChoices.VIEWER,
            "Infinity Solutions — customer business owner, read only",
        ),
        (
            "maria",
            "Maria",
            "Customer Service Lead",
            mercuri,
            MembershipRoleChoices.EDITOR,
            "Mercuri Inc. — service provider",
        ),
        (
            "david",
            "David",
            "DevOps Engineer",
            global_,
            MembershipRoleChoices.EDITOR,
            "Global Pvt Ltd — service provider (in two ecosystems)",
        ),
        (
            "marco",
            "Marco",
            "Sys Admin",
            global_,
            MembershipRoleChoices.VIEWER,
            "Global Pvt Ltd — service provider, read only",
        ),
        (
            "olivia",
            "Olivia",
            "Service Integration Manager",
            orbit,
            MembershipRoleChoices.ADMIN,
            "Orbit — integrator of the other ecosystem",
        ),
    )
    user_model = get_user_model()
    for username, first_name, title, org, role, description in people:
        user = user_model.objects.filter(username=username).first()
        if user is None:
            user = user_model(
                username=username, first_name=first_name, email=f"{username}@{org.slug}.example"
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
            result.created += 1
        make(Membership, {"user": user, "organisation": org}, {"role": role})
        make(
            Person,
            {"organisation": org, "name": first_name},
            {"job_title": title, "email": user.email, "user": user},
        )
        result.logins.append((username, description, DEMO_PASSWORD))

    if not user_model.objects.filter(username="admin").exists():
        user_model.objects.create_superuser("admin", "admin@example.com", DEMO_PASSWORD)
        result.created += 1
    result.logins.insert(0, ("admin", "superuser: sees everything, Django admin", DEMO_PASSWORD))
    return result
