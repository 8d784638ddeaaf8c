"""One description per siam model, driving the generic CRUD, isolation and
query-count tests of ``tests.generic.harness``."""

from siam.choices import ContractKindChoices, SystemKindChoices
from siam.models import (
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
from tests import factories as f
from tests.generic.harness import ModelCase, ids


def _orgs(world, n):
    for _ in range(n):
        f.OrganisationFactory(registered_by=world.integrator)


def _ecosystems(world, n):
    for _ in range(n):
        eco = f.EcosystemFactory(customer=world.customer, integrator=world.integrator)
        f.ServiceProviderFactory(ecosystem=eco, organisation=world.provider1)


def _providers(world, n):
    for _ in range(n):
        f.ServiceProviderFactory(ecosystem=world.a, organisation=f.OrganisationFactory())


def _services(world, n):
    for _ in range(n):
        service = f.ServiceFactory(ecosystem=world.a)
        service.delivered_by.set([world.sp1, world.sp2])


def _contracts(world, n):
    for _ in range(n):
        contract = f.ContractFactory(ecosystem=world.a)
        contract.services.set([world.service])


def _systems(world, n):
    for _ in range(n):
        f.ConnectedSystemFactory(ecosystem=world.a, organisation=world.provider2)


def _flows(world, n):
    for _ in range(n):
        f.IntegrationFlowFactory(ecosystem=world.a)


def _people(world, n):
    for _ in range(n):
        f.PersonFactory(organisation=world.provider1, user=f.UserFactory())


def _memberships(world, n):
    for _ in range(n):
        f.MembershipFactory(organisation=world.integrator)


CASES = [
    ModelCase(
        Organisation,
        "/api/siam/organisations/",
        existing=lambda w: w.customer,
        create=lambda w: {"name": "Delta Services", "slug": "delta-services", "country": "DE"},
        update={"name": "Customer Company"},
        bulk=_orgs,
    ),
    ModelCase(
        Ecosystem,
        "/api/siam/ecosystems/",
        existing=lambda w: w.a,
        create=lambda w: {
            "name": "Gamma",
            "slug": "gamma",
            "status": "planned",
            "customer": w.spare_org.pk,
            "integrator": w.integrator.pk,
        },
        update={"name": "Alpha programme"},
        bulk=_ecosystems,
    ),
    ModelCase(
        ServiceProvider,
        "/api/siam/service-providers/",
        existing=lambda w: w.sp1,
        create=lambda w: {"ecosystem": w.a.pk, "organisation": w.spare_org.pk, "scope": "Hosting"},
        update={"scope": "Everything web"},
        bulk=_providers,
    ),
    ModelCase(
        Service,
        "/api/siam/services/",
        existing=lambda w: w.service,
        create=lambda w: {
            "ecosystem": w.a.pk,
            "name": "Payments",
            "criticality": "critical",
            "delivered_by": [w.sp1.pk, w.sp2.pk],
        },
        update={"name": "Online shop"},
        bulk=_services,
    ),
    ModelCase(
        Contract,
        "/api/siam/contracts/",
        existing=lambda w: w.ola1,
        create=lambda w: {
            "ecosystem": w.a.pk,
            "kind": ContractKindChoices.UNDERPINNING,
            "reference": "UC-7",
            "name": "Hosting contract",
            "supplier": w.provider2.pk,
            "consumer": w.integrator.pk,
            "status": "active",
            "start_date": "2026-02-01",
            "end_date": "2027-01-31",
            "services": [w.service.pk],
        },
        update={"name": "Provider one OLA"},
        bulk=_contracts,
    ),
    ModelCase(
        ConnectedSystem,
        "/api/siam/systems/",
        existing=lambda w: w.system_provider,
        create=lambda w: {
            "ecosystem": w.a.pk,
            "organisation": w.provider2.pk,
            "name": "Provider Two DevOps",
            "kind": SystemKindChoices.AZURE_DEVOPS,
        },
        update={"name": "Provider One Zendesk"},
        bulk=_systems,
    ),
    ModelCase(
        IntegrationFlow,
        "/api/siam/flows/",
        existing=lambda w: w.flow,
        create=lambda w: {
            "ecosystem": w.a.pk,
            "name": "Status sync",
            "source": w.system_customer.pk,
            "target": w.system_provider.pk,
            "direction": "bi",
            "trigger": "automatic",
            "status": "planned",
            "exchanged_fields": ["status", "comments"],
        },
        update={"name": "Customer escalations"},
        bulk=_flows,  # the exchanged fields are typed one per line (the harness posts them so)
    ),
    ModelCase(
        Person,
        "/api/siam/people/",
        existing=lambda w: w.person,
        create=lambda w: {
            "organisation": w.provider1.pk,
            "name": "Paul Provider",
            "email": "paul@provider.example",
        },
        update={"job_title": "Service owner"},
        bulk=_people,
    ),
    ModelCase(
        Membership,
        "/api/siam/memberships/",
        existing=lambda w: w.integrator_viewer.memberships.get(),
        create=lambda w: {"user": w.newcomer.pk, "organisation": w.integrator.pk, "role": "viewer"},
        update={"role": "editor"},
        bulk=_memberships,
        api_create=False,
    ),
]

CASE_IDS = ids(CASES)
