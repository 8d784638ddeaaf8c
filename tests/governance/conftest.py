from dataclasses import dataclass
from datetime import date

import pytest

from governance.models import (
    Action,
    Board,
    BoardMember,
    Decision,
    ImprovementItem,
    Kpi,
    Meeting,
    Pod,
)
from tests import factories as f
from tests.slas.conftest import at, frozen, sla  # noqa: F401 - shared fixtures


@dataclass
class Gov:
    world: object
    customer_rep: object
    integrator_rep: object
    provider_rep: object
    board: Board
    meeting: Meeting


@pytest.fixture
def gov(world):
    customer_rep = f.PersonFactory(organisation=world.customer, name="Cora Customer")
    integrator_rep = f.PersonFactory(organisation=world.integrator, name="Ian Integrator")
    provider_rep = f.PersonFactory(organisation=world.provider1, name="Pia Provider")
    board = Board.objects.create(ecosystem=world.a, name="Steering", level="strategic", quorum=2)
    for person in (customer_rep, integrator_rep, provider_rep):
        member = BoardMember(board=board, person=person)
        member.full_clean()
        member.save()
    meeting = Meeting.objects.create(
        ecosystem=world.a, board=board, scheduled_at="2026-11-02T10:00:00Z", status="held"
    )
    return Gov(world, customer_rep, integrator_rep, provider_rep, board, meeting)


def grow(world, n, person):
    """n more of everything a governance page lists."""
    for i in range(n):
        board = Board.objects.create(
            ecosystem=world.a, name=f"Board {Board.objects.count()}", level="tactical"
        )
        BoardMember.objects.create(board=board, person=person, layer="integrator")
        meeting = Meeting.objects.create(
            ecosystem=world.a, board=board, scheduled_at="2026-10-01T09:00:00Z"
        )
        meeting.attendees.add(person)
        Decision.objects.create(ecosystem=world.a, meeting=meeting, title=f"D{i}", owner=person)
        Action.objects.create(
            ecosystem=world.a,
            meeting=meeting,
            title=f"A{i}",
            owner=person,
            due_date=date(2026, 1, 1),
        )
        kpi = Kpi.objects.create(
            ecosystem=world.a,
            name=f"KPI {Kpi.objects.count()}",
            measured_from=date(2026, 6, 1),
            target=90,
        )
        kpi.measurements.create(period_start=date(2026, 7, 1), value=80 + i)
        kpi.measurements.create(period_start=date(2026, 8, 1), value=85 + i)
        ImprovementItem.objects.create(
            ecosystem=world.a, title=f"I{i}", business_impact=3, complexity=2, cost=2, risk=1
        )
        pod = Pod.objects.create(ecosystem=world.a, name=f"Pod {Pod.objects.count()}", head=person)
        pod.members.create(person=person, role="lead")
