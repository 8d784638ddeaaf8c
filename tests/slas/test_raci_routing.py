"""SLA warnings and breaches are told to the R and A of the incident's process in the
ecosystem's approved RACI matrix (issue 4, item 9) — within what each may see."""

import pytest

from raci import services as raci
from raci.models import RaciTemplate, Role
from slas import crossings
from slas.choices import ClassificationChoices, EventKindChoices
from slas.models import SlaAlert
from slas.notifications import recipients_for
from tests import factories as f

from .conftest import at

pytestmark = pytest.mark.django_db


def hold(world, role_name, user, organisation):
    person = f.PersonFactory(organisation=organisation, name=user.username, user=user)
    Role.objects.get(ecosystem=world.a, name=role_name).holders.add(person)


@pytest.fixture
def incident_raci(world):
    template = RaciTemplate.objects.get(name="Incident management")
    matrix = raci.create_from_template(world.a, "IM", template.content, template.variant)
    # Provider Two also resolves (R) in this ecosystem, but never held this incident.
    column = matrix.columns.create(
        position=9,
        role=Role.objects.create(
            ecosystem=world.a, organisation=world.provider2, name="Resolvers 2"
        ),
    )
    raci.set_cell(matrix, matrix.activities.get(name="Investigate and resolve"), column, "R")
    hold(world, "Service Integration Manager", world.integrator_admin, world.integrator)  # A
    hold(world, "Service Desk Lead", world.integrator_viewer, world.integrator)  # R
    hold(world, "Provider Resolver Team", world.provider1_editor, world.provider1)  # R
    hold(world, "Resolvers 2", world.provider2_editor, world.provider2)  # R, cannot see it
    hold(world, "Business Owner", world.customer_viewer, world.customer)  # only C and I
    return matrix


def alerts_for(sla, **extra):
    incident = sla.open(**extra)
    sla.event(incident, at(0, 9, 5), kind=EventKindChoices.HANDOFF, holder=sla.world.provider1)
    crossings.record_crossings(at=at(0, 16))
    return list(SlaAlert.objects.filter(incident_sla__incident=incident))


def test_the_approved_matrix_decides_who_is_told(sla, incident_raci):
    world = sla.world
    raci.approve(incident_raci, world.integrator_admin)
    alerts = alerts_for(sla)
    assert alerts
    told = set(recipients_for(alerts[0]))
    # R and A of incident management, whatever their membership role (a viewer holds
    # the desk role), but not Provider Two (never held it) nor the customer (only I/C).
    assert told == {world.integrator_admin, world.integrator_viewer, world.provider1_editor}


def test_a_draft_matrix_does_not_route_and_the_default_applies(sla, incident_raci):
    world = sla.world
    alerts = alerts_for(sla)
    told = set(recipients_for(alerts[0]))
    assert told == {
        world.integrator_admin,
        world.provider1_editor,
    }  # editors of integrator and holder


def test_the_process_follows_the_classification(sla, incident_raci):
    world = sla.world
    raci.approve(incident_raci, world.integrator_admin)
    # A service request is routed by the request-fulfilment matrix: none is approved
    # here, so the default applies (the desk's viewer is not told).
    alerts = alerts_for(sla, classification=ClassificationChoices.SERVICE_REQUEST)
    assert alerts
    assert set(recipients_for(alerts[0])) == {world.integrator_admin, world.provider1_editor}
    template = RaciTemplate.objects.get(name="Service request")
    requests = raci.create_from_template(world.a, "SR", template.content, template.variant)
    raci.approve(requests, world.integrator_admin)
    told = set(recipients_for(alerts[0]))
    assert world.integrator_admin in told and world.integrator_viewer in told
