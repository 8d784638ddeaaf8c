import json
from pathlib import Path

import pytest

from integrations.choices import AuthMethodChoices
from integrations.dictionaries import standard_flow
from integrations.models import AssignmentGroup, TicketFeed
from siam.choices import SystemKindChoices
from tests import factories as f
from tests.slas.conftest import frozen, sla  # noqa: F401  (fixtures used here)

FIXTURES = Path(__file__).parent / "fixtures"


def payload(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text())


def body_of(data) -> bytes:
    return json.dumps(data).encode()


class Feeds:
    """One feed per tool in ecosystem ``a``, with the secret each was given."""

    def __init__(self, world):
        self.world = world
        self.secrets = {}
        self.by_kind = {}
        systems = {
            SystemKindChoices.JIRA: world.system_customer,
            SystemKindChoices.ZENDESK: world.system_provider,
            SystemKindChoices.SERVICENOW: f.ConnectedSystemFactory(
                ecosystem=world.a,
                organisation=world.integrator,
                name="Integrator ServiceNow",
                kind=SystemKindChoices.SERVICENOW,
            ),
            SystemKindChoices.AZURE_DEVOPS: f.ConnectedSystemFactory(
                ecosystem=world.a,
                organisation=world.provider1,
                name="Provider DevOps",
                kind=SystemKindChoices.AZURE_DEVOPS,
            ),
        }
        for kind, system in systems.items():
            hmac = kind in (SystemKindChoices.JIRA, SystemKindChoices.ZENDESK)
            feed = TicketFeed(
                ecosystem=world.a,
                system=system,
                auth_method=AuthMethodChoices.HMAC if hmac else AuthMethodChoices.TOKEN,
                flow=standard_flow(system),
                service=world.service,
                default_holder=world.integrator,
            )
            self.secrets[kind] = feed.set_secret()
            feed.full_clean()
            feed.save()
            self.by_kind[kind] = feed
        sn = self.by_kind[SystemKindChoices.SERVICENOW]
        AssignmentGroup.objects.create(feed=sn, name="Global Network", organisation=world.provider1)
        AssignmentGroup.objects.create(feed=sn, name="Service Desk", organisation=world.integrator)
        ado = self.by_kind[SystemKindChoices.AZURE_DEVOPS]
        AssignmentGroup.objects.create(
            feed=ado, name="Global\\Network", organisation=world.provider1
        )
        zd = self.by_kind[SystemKindChoices.ZENDESK]
        for name in ("8447320466430", "Mercuri customer service"):
            AssignmentGroup.objects.create(feed=zd, name=name, organisation=world.provider2)

    def __getitem__(self, kind):
        return self.by_kind[kind]


@pytest.fixture
def feeds(sla):  # noqa: F811
    return Feeds(sla.world)
