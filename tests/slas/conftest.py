from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from siam.choices import ContractStatusChoices
from slas import clocks, services
from slas.models import Incident
from tests import factories as f

AMS = ZoneInfo("Europe/Amsterdam")


def at(day, hour, minute=0):
    """A moment in Amsterdam in the week of Monday 23 November 2026 (day 0 = Monday)."""
    return datetime(2026, 11, 23 + day, hour, minute, tzinfo=AMS).astimezone(UTC)


class FrozenClock:
    """The SLA clocks' notion of "now" (``slas.clocks.now``), pinned by the tests."""

    def __init__(self, moment):
        self.moment = moment

    def __call__(self):
        return self.moment


@pytest.fixture
def frozen(monkeypatch):
    clock = FrozenClock(at(0, 9))
    monkeypatch.setattr(clocks, "now", clock)
    return clock


@dataclass
class SlaWorld:
    world: object
    calendar: object
    e2e: object  # targets by priority
    ola1: object
    frozen: FrozenClock

    def event(self, incident, when, **kwargs):
        """Record an event at ``when``, as it happens (the clock is then ``when``)."""
        self.frozen.moment = max(self.frozen.moment, when)
        return services.record_event(incident, at=when, **kwargs)

    def act(self, incident, when, action, user=None, **values):
        """Take an action at ``when`` through the write path, as the integrator admin."""
        from slas import actions

        self.frozen.moment = max(self.frozen.moment, when)
        return actions.perform(
            incident, action, {"at": when, **values}, user=user or self.world.integrator_admin
        )

    def open(self, *, priority_cells=("High", "High"), opened=None, service=None, **extra):
        impact, urgency = priority_cells
        self.frozen.moment = max(self.frozen.moment, opened or at(0, 9))
        incident = Incident(
            ecosystem=self.world.a,
            title="Checkout fails",
            service=service or self.world.service,
            impact=impact,
            urgency=urgency,
            opened_at=opened or at(0, 9),
            **extra,
        )
        return services.open_incident(
            incident, author=self.world.integrator_admin, at=opened or at(0, 9)
        )


@pytest.fixture
def sla(world, frozen):
    for contract in (world.sla, world.ola1, world.ola2):
        contract.status = ContractStatusChoices.ACTIVE
        contract.save()
    f.PriorityMatrixFactory(ecosystem=world.a)
    calendar = f.BusinessCalendarFactory(ecosystem=world.a, name="Amsterdam office")
    e2e = {
        "P1": f.ServiceLevelTargetFactory(
            contract=world.sla,
            priority="P1",
            response_minutes=30,
            resolution_minutes=240,
            calendar=calendar,
        ),
        "P2": f.ServiceLevelTargetFactory(
            contract=world.sla,
            priority="P2",
            response_minutes=60,
            resolution_minutes=720,
            calendar=calendar,
        ),
    }
    ola1 = f.ServiceLevelTargetFactory(
        contract=world.ola1,
        priority="P1",
        response_minutes=15,
        resolution_minutes=120,
        calendar=calendar,
    )
    return SlaWorld(world, calendar, e2e, ola1, frozen)
