"""The demo scenario: Infinity Solutions, a
clothing retailer going digital, is its own (internal) service integrator; Mercuri
Inc. runs its outsourced customer service on Zendesk; Global Pvt Ltd develops and
operates the platform on Azure DevOps. John (solutions architect) works in Jira and
Elaine (project manager) in ServiceNow, as the scenario first introduces them.

A second, smaller ecosystem (Northwind Retail, integrated by an external firm and
also served by Global) shows that parties of one ecosystem see nothing of another.

The records are data (``RECORDS``, ``PEOPLE``): each names the record it points at by
its key (``Ref``), and ``load`` makes them in order, each once (``core.system.ensure``),
so loading again changes nothing.
"""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

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


@dataclass(frozen=True)
class Ref:
    """The record made under this key earlier in ``RECORDS``."""

    key: str


@dataclass(frozen=True)
class Row:
    key: str
    model: type
    lookup: dict
    defaults: dict = field(default_factory=dict)


SERVICES = (
    "Online store",
    "Online payments",
    "Online kiosk",
    "Customer service desk",
    "Network and connectivity",
)
#: What Global delivers: every service but Mercuri's customer service desk.
GLOBAL_SERVICES = tuple(name for name in SERVICES if name != "Customer service desk")
SYNCED_FIELDS = ["summary", "description", "priority", "status", "comments", "attachments"]


def _service(name, criticality, provider, description) -> Row:
    return Row(
        f"service:{name}", Service, {"ecosystem": Ref("eco"), "name": name},
        {"criticality": criticality, "description": description, "delivered_by": [Ref(provider)]},
    )  # fmt: skip


def _flow(name, source, target, direction, fields, description) -> Row:
    return Row(
        f"flow:{name}", IntegrationFlow, {"ecosystem": Ref("eco"), "name": name},
        {"source": Ref(source), "target": Ref(target), "direction": direction,
         "trigger": FlowTriggerChoices.AUTOMATIC, "status": FlowStatusChoices.LIVE,
         "exchanged_fields": fields, "description": description},
    )  # fmt: skip


RECORDS = (
    Row("infinity", Organisation, {"slug": "infinity"}, {
        "name": "Infinity Solutions", "country": "GB", "website": "https://infinity.example",
        "description": "Sales and distribution of clothing, digitalising its business: web orders, payments and an online kiosk.",
    }),
    Row("mercuri", Organisation, {"slug": "mercuri"}, {
        "name": "Mercuri Inc.", "country": "US", "registered_by": Ref("infinity"),
        "description": "Outsourced customer service for Infinity, on Zendesk.",
    }),
    Row("global", Organisation, {"slug": "global"}, {
        "name": "Global Pvt Ltd", "country": "IN", "registered_by": Ref("infinity"),
        "description": "Development and operations of the e-commerce platform, on Azure DevOps.",
    }),
    Row("eco", Ecosystem, {"slug": "infinity-ecommerce"}, {
        "name": "Infinity e-commerce", "customer": Ref("infinity"), "integrator": Ref("infinity"),
        "description": "Infinity's digital sales channel. To-be vision: frictionless, flexible collaboration across internal teams and company borders.",
    }),
    Row("sp:mercuri", ServiceProvider, {"ecosystem": Ref("eco"), "organisation": Ref("mercuri")}, {
        "since": date(2025, 1, 1),
        "scope": "First-line customer service: all incoming customer requests, in Zendesk.",
    }),
    Row("sp:global", ServiceProvider, {"ecosystem": Ref("eco"), "organisation": Ref("global")}, {
        "since": date(2025, 3, 1),
        "scope": "Development, infrastructure and network operations of the platform, in Azure DevOps.",
    }),
    _service("Online store", ServiceCriticalityChoices.CRITICAL, "sp:global", "Browse the collection and order on the website."),
    _service("Online payments", ServiceCriticalityChoices.CRITICAL, "sp:global", "Card and wallet payments for web orders."),
    _service("Online kiosk", ServiceCriticalityChoices.HIGH, "sp:global", "In-store kiosk to browse the collection."),
    _service("Customer service desk", ServiceCriticalityChoices.HIGH, "sp:mercuri", "Complaints, questions and order issues from end customers."),
    _service("Network and connectivity", ServiceCriticalityChoices.HIGH, "sp:global", "Connectivity of stores, kiosks and the platform."),
    Row("SLA-001", Contract, {"ecosystem": Ref("eco"), "reference": "SLA-001"}, {
        "kind": ContractKindChoices.SLA, "name": "End-to-end e-commerce service levels",
        "supplier": Ref("infinity"), "consumer": Ref("infinity"), "status": ContractStatusChoices.ACTIVE,
        "start_date": date(2025, 4, 1),
        "description": "P1 resolved within 2 business hours, P2 within 12, measured end to end across all providers.",
        "services": [Ref(f"service:{name}") for name in SERVICES],
    }),
    Row("UC-MER-001", Contract, {"ecosystem": Ref("eco"), "reference": "UC-MER-001"}, {
        "kind": ContractKindChoices.UNDERPINNING, "name": "Customer service underpinning contract",
        "supplier": Ref("mercuri"), "consumer": Ref("infinity"), "status": ContractStatusChoices.ACTIVE,
        "start_date": date(2025, 1, 1), "end_date": date(2027, 12, 31),
        "services": [Ref("service:Customer service desk")],
    }),
    Row("UC-GLB-001", Contract, {"ecosystem": Ref("eco"), "reference": "UC-GLB-001"}, {
        "kind": ContractKindChoices.UNDERPINNING, "name": "Development and operations underpinning contract",
        "supplier": Ref("global"), "consumer": Ref("infinity"), "status": ContractStatusChoices.ACTIVE,
        "start_date": date(2025, 3, 1), "end_date": date(2028, 2, 29),
        "services": [Ref(f"service:{name}") for name in GLOBAL_SERVICES],
    }),
    Row("jira", ConnectedSystem, {"ecosystem": Ref("eco"), "name": "Infinity Jira"}, {
        "organisation": Ref("infinity"), "kind": SystemKindChoices.JIRA,
        "base_url": "https://infinity.atlassian.example", "description": "John's (solutions architecture) work.",
    }),
    Row("servicenow", ConnectedSystem, {"ecosystem": Ref("eco"), "name": "Infinity ServiceNow"}, {
        "organisation": Ref("infinity"), "kind": SystemKindChoices.SERVICENOW,
        "base_url": "https://infinity.service-now.example", "description": "Elaine's (project management) work.",
    }),
    Row("zendesk", ConnectedSystem, {"ecosystem": Ref("eco"), "name": "Mercuri Zendesk"}, {
        "organisation": Ref("mercuri"), "kind": SystemKindChoices.ZENDESK, "base_url": "https://mercuri.zendesk.example",
    }),
    Row("azure", ConnectedSystem, {"ecosystem": Ref("eco"), "name": "Global Azure DevOps"}, {
        "organisation": Ref("global"), "kind": SystemKindChoices.AZURE_DEVOPS, "base_url": "https://dev.azure.example/global",
    }),
    _flow("Customer escalations", "zendesk", "jira", FlowDirectionChoices.UNIDIRECTIONAL,
          ["summary", "description", "priority", "requester", "attachments"],
          "A ticket Mercuri cannot resolve creates an issue in Infinity's Jira automatically."),
    _flow("Status back to customer service", "jira", "zendesk", FlowDirectionChoices.UNIDIRECTIONAL,
          ["status", "public comments"], "Mercuri's agents see the current status and can inform the customer."),
    _flow("Architecture and project collaboration", "jira", "servicenow", FlowDirectionChoices.BIDIRECTIONAL,
          SYNCED_FIELDS, "Design issues and change requests shared between John and Elaine."),
    _flow("Development and network hand-off", "jira", "azure", FlowDirectionChoices.BIDIRECTIONAL,
          SYNCED_FIELDS, "Bugs, incidents and network issues forwarded to Global; status kept in sync."),
    # A second ecosystem, integrated by an external firm, sharing one provider.
    Row("northwind", Organisation, {"slug": "northwind"}, {"name": "Northwind Retail", "country": "NL"}),
    Row("orbit", Organisation, {"slug": "orbit"}, {"name": "Orbit Integration Services", "country": "NL"}),
    Row("eco2", Ecosystem, {"slug": "northwind-stores"}, {
        "name": "Northwind stores", "customer": Ref("northwind"), "integrator": Ref("orbit"),
        "description": "Store systems of Northwind, integrated by Orbit.",
    }),
    Row("sp:eco2:global", ServiceProvider, {"ecosystem": Ref("eco2"), "organisation": Ref("global")},
        {"scope": "Point-of-sale platform operations."}),
    Row("service:Point of sale", Service, {"ecosystem": Ref("eco2"), "name": "Point of sale"},
        {"criticality": ServiceCriticalityChoices.CRITICAL}),
    Row("orbit-servicenow", ConnectedSystem, {"ecosystem": Ref("eco2"), "name": "Orbit ServiceNow"},
        {"organisation": Ref("orbit"), "kind": SystemKindChoices.SERVICENOW}),
)  # fmt: skip

#: username, first name, job title, organisation (key in ``RECORDS``), role, what the login shows
PEOPLE = (
    ("john", "John", "Solutions Architect", "infinity", MembershipRoleChoices.ADMIN, "Infinity Solutions — integrator administrator"),
    ("elaine", "Elaine", "Project Manager", "infinity", MembershipRoleChoices.EDITOR, "Infinity Solutions — integrator editor"),
    ("sophie", "Sophie", "Head of E-commerce (business owner)", "infinity", MembershipRoleChoices.VIEWER, "Infinity Solutions — customer business owner, read only"),
    ("maria", "Maria", "Customer Service Lead", "mercuri", MembershipRoleChoices.EDITOR, "Mercuri Inc. — service provider"),
    ("david", "David", "DevOps Engineer", "global", MembershipRoleChoices.EDITOR, "Global Pvt Ltd — service provider (in two ecosystems)"),
    ("marco", "Marco", "Sys Admin", "global", MembershipRoleChoices.VIEWER, "Global Pvt Ltd — service provider, read only"),
    ("olivia", "Olivia", "Service Integration Manager", "orbit", MembershipRoleChoices.ADMIN, "Orbit — integrator of the other ecosystem"),
)  # fmt: skip


def _resolve(value: Any, made: dict) -> Any:
    if isinstance(value, Ref):
        return made[value.key]
    if isinstance(value, list):
        return [_resolve(item, made) for item in value]
    return value


def load(actor) -> DemoResult:
    result = DemoResult()

    def make(model, lookup, defaults=None):
        obj, created = ensure(model, lookup, defaults, actor=actor)
        result.created += int(created)
        return obj

    made: dict[str, Any] = {}
    for row in RECORDS:
        lookup = {name: _resolve(value, made) for name, value in row.lookup.items()}
        defaults = {name: _resolve(value, made) for name, value in row.defaults.items()}
        made[row.key] = make(row.model, lookup, defaults)

    user_model = get_user_model()
    for username, first_name, title, org_key, role, description in PEOPLE:
        org = made[org_key]
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
