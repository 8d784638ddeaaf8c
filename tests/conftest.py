"""Shared fixtures: a small world of two ecosystems that must not see each other."""

from dataclasses import dataclass

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from siam.choices import ContractKindChoices, MembershipRoleChoices, SystemKindChoices

from . import factories as f


@dataclass
class World:
    """Ecosystem ``a`` with an external integrator and two providers; ecosystem ``b``
    with parties of its own. Users named after what they are."""

    a: object
    b: object
    customer: object
    integrator: object
    provider1: object
    provider2: object
    sp1: object
    sp2: object
    spare_org: object
    service: object
    sla: object
    ola1: object
    ola2: object
    system_customer: object
    system_provider: object
    flow: object
    person: object
    integrator_admin: object
    integrator_viewer: object
    customer_viewer: object
    provider1_editor: object
    provider2_editor: object
    b_admin: object
    newcomer: object
    b_objects: dict


def build_world() -> World:
    customer = f.OrganisationFactory(name="Customer Co", slug="customer-co")
    integrator = f.OrganisationFactory(name="Integrator Ltd", slug="integrator-ltd")
    provider1 = f.OrganisationFactory(name="Provider One", slug="provider-one")
    provider2 = f.OrganisationFactory(name="Provider Two", slug="provider-two")
    spare_org = f.OrganisationFactory(name="Spare Org", slug="spare-org", registered_by=integrator)
    a = f.EcosystemFactory(name="Alpha", slug="alpha", customer=customer, integrator=integrator)
    sp1 = f.ServiceProviderFactory(ecosystem=a, organisation=provider1)
    sp2 = f.ServiceProviderFactory(ecosystem=a, organisation=provider2)
    service = f.ServiceFactory(ecosystem=a, name="Web shop")
    service.delivered_by.set([sp1])
    sla = f.ContractFactory(ecosystem=a, reference="SLA-1")
    sla.services.set([service])
    ola1 = f.ContractFactory(
        ecosystem=a,
        reference="OLA-1",
        kind=ContractKindChoices.OLA,
        supplier=provider1,
        consumer=integrator,
    )
    ola2 = f.ContractFactory(
        ecosystem=a,
        reference="OLA-2",
        kind=ContractKindChoices.OLA,
        supplier=provider2,
        consumer=integrator,
    )
    system_customer = f.ConnectedSystemFactory(
        ecosystem=a, organisation=customer, name="Customer Jira"
    )
    system_provider = f.ConnectedSystemFactory(
        ecosystem=a, organisation=provider1, name="Provider Zendesk", kind=SystemKindChoices.ZENDESK
    )
    flow = f.IntegrationFlowFactory(
        ecosystem=a, name="Escalations", source=system_provider, target=system_customer
    )
    person = f.PersonFactory(organisation=customer, name="Carla Customer")

    def member(username, org, role):
        user = f.UserFactory(username=username)
        f.MembershipFactory(user=user, organisation=org, role=role)
        return user

    integrator_admin = member("integrator_admin", integrator, MembershipRoleChoices.ADMIN)
    integrator_viewer = member("integrator_viewer", integrator, MembershipRoleChoices.VIEWER)
    customer_viewer = member("customer_viewer", customer, MembershipRoleChoices.VIEWER)
    provider1_editor = member("provider1_editor", provider1, MembershipRoleChoices.EDITOR)
    provider2_editor = member("provider2_editor", provider2, MembershipRoleChoices.EDITOR)

    b_org = f.OrganisationFactory(name="Beta Corp", slug="beta-corp")
    b = f.EcosystemFactory(name="Beta", slug="beta", customer=b_org, integrator=b_org)
    b_admin = member("b_admin", b_org, MembershipRoleChoices.ADMIN)
    b_system1 = f.ConnectedSystemFactory(ecosystem=b, organisation=b_org, name="Beta Jira")
    b_system2 = f.ConnectedSystemFactory(
        ecosystem=b, organisation=b_org, name="Beta SNOW", kind=SystemKindChoices.SERVICENOW
    )
    b_objects = {
        "service": f.ServiceFactory(ecosystem=b, name="Beta service"),
        "system": b_system1,
        "flow": f.IntegrationFlowFactory(
            ecosystem=b, name="Beta flow", source=b_system1, target=b_system2
        ),
    }
    newcomer = f.UserFactory(username="newcomer")
    return World(
        a=a,
        b=b,
        customer=customer,
        integrator=integrator,
        provider1=provider1,
        provider2=provider2,
        sp1=sp1,
        sp2=sp2,
        spare_org=spare_org,
        service=service,
        sla=sla,
        ola1=ola1,
        ola2=ola2,
        system_customer=system_customer,
        system_provider=system_provider,
        flow=flow,
        person=person,
        integrator_admin=integrator_admin,
        integrator_viewer=integrator_viewer,
        customer_viewer=customer_viewer,
        provider1_editor=provider1_editor,
        provider2_editor=provider2_editor,
        b_admin=b_admin,
        newcomer=newcomer,
        b_objects=b_objects,
    )


@pytest.fixture
def world(db) -> World:
    return build_world()


@pytest.fixture
def api_client_for():
    """An API client authenticated by token, as a real integration would be."""

    def make(user):
        token, _ = Token.objects.get_or_create(user=user)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make


@pytest.fixture
def client_for(client):
    def make(user):
        client.force_login(user)
        return client

    return make


class QueryCount:
    """The one way the suite measures queries: ``count(fetch)`` is how many queries a
    request takes (checking its status); ``constant(fetch, grow)`` asserts that the
    same request takes no more once ``grow()`` has added rows, and returns it."""

    def __init__(self, assert_max):
        self.assert_max = assert_max

    def count(self, fetch, ok=(200,)) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            response = fetch()
        assert response.status_code in ok, response
        return len(captured)

    def constant(self, fetch, grow, ok=(200,)):
        small = self.count(fetch, ok)
        grow()
        with self.assert_max(small):
            response = fetch()
        assert response.status_code in ok, response
        return response


@pytest.fixture
def query_count(django_assert_max_num_queries) -> QueryCount:
    return QueryCount(django_assert_max_num_queries)
