from dataclasses import dataclass

import pytest

from requirements_app.models import PainPoint, Requirement


@dataclass
class Req:
    """Ecosystem ``a`` with a pain point and a requirement it traces to (in draft, so
    its plain fields may be edited), for the generic tests of the requirements app."""

    world: object
    pain_point: PainPoint
    requirement: Requirement


@pytest.fixture
def req(world):
    pain_point = PainPoint.objects.create(
        ecosystem=world.a, title="Tickets are re-typed by hand", severity="high"
    )
    pain_point.parties.set([world.customer, world.provider1])
    requirement = Requirement.objects.create(
        ecosystem=world.a,
        title="Synchronise incidents both ways",
        statement="An incident raised in either tool appears in the other within a minute.",
        owner=world.person,
    )
    requirement.pain_points.set([pain_point])
    requirement.criteria.create(position=1, text="Given a new ticket, then it appears within 60s")
    return Req(world, pain_point, requirement)
