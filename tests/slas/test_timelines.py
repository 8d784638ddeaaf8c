"""The SLA context's service for timelines folded elsewhere (``slas.timelines``): what
storing a plan means for incidents, their rows, holders and clocks, without a tool."""

from slas import timelines
from slas.choices import EventKindChoices, IncidentStatusChoices
from slas.models import Incident, IncidentEvent, IncidentSla, PriorityMatrix
from tests.slas.conftest import at


def _event(when, kind, status, holder, sequence):
    return IncidentEvent(at=when, kind=kind, status=status, holder_id=holder, sequence=sequence)


def _plan(world, *, priority=None, title="", incident=None, timeline=None, created=None):
    facts = timelines.TicketFacts(
        title=title,
        classification=None,
        impact="High",
        urgency="High",
        priority=priority,
        opened_at=at(0, 9),
    )
    timeline = timeline or [
        _event(
            at(0, 9), EventKindChoices.OPENED, IncidentStatusChoices.NEW, world.integrator.pk, 0
        ),
        _event(
            at(0, 10),
            EventKindChoices.HANDOFF,
            IncidentStatusChoices.IN_PROGRESS,
            world.provider1.pk,
            1,
        ),
    ]
    return timelines.TimelinePlan(
        facts=facts,
        timeline=timeline,
        created=list(timeline) if created is None else created,
        incident=incident,
        reference="INC-7",
    )


def _store(world, plans):
    return timelines.store_timelines(
        plans,
        ecosystem=world.a,
        service_id=world.service.pk,
        matrix=PriorityMatrix.objects.get(ecosystem=world.a),
        untitled="Zendesk",
    )


def test_a_new_plan_opens_its_incident_with_rows_holders_clocks_and_history(sla):
    world = sla.world
    plan = _plan(world)
    stored = _store(world, [plan])

    assert (stored.opened, stored.updated) == (1, 0)
    incident = Incident.objects.get(pk=plan.incident.pk)
    assert incident.reference == "INC-7"
    assert incident.title == "Zendesk INC-7"  # the tool gave no title
    assert incident.service_id == world.service.pk
    # No priority from the tool: the ecosystem's matrix decides from impact and urgency.
    matrix = PriorityMatrix.objects.get(ecosystem=world.a)
    assert incident.priority == matrix.priority_for("High", "High")
    assert incident.status == IncidentStatusChoices.IN_PROGRESS
    assert incident.holder_id == world.provider1.pk
    assert incident.responded_at is not None
    assert set(incident.holders.values_list("pk", flat=True)) == {
        world.integrator.pk,
        world.provider1.pk,
    }
    assert list(incident.events.order_by("sequence").values_list("kind", flat=True)) == [
        EventKindChoices.OPENED,
        EventKindChoices.HANDOFF,
    ]
    assert IncidentSla.objects.filter(incident=incident).exists()
    assert incident.history.count() == 1


def test_a_restated_plan_updates_the_rows_and_an_override_in_the_app_outranks_the_tool(sla):
    world = sla.world
    first = _plan(world)
    _store(world, [first])
    incident = Incident.objects.get(pk=first.incident.pk)
    incident.priority, incident.priority_overridden = "P4", True
    incident.save()

    # The hand-off moved an hour later (a late event restated it); the tool now says P1.
    handoff = incident.events.get(kind=EventKindChoices.HANDOFF)
    handoff.at = at(0, 11)
    opened = incident.events.get(kind=EventKindChoices.OPENED)
    again = _plan(
        world,
        priority="P1",
        title="Checkout fails",
        incident=Incident.objects.select_for_update().get(pk=incident.pk),
        timeline=[opened, handoff],
        created=[],
    )
    again.restated = [handoff]
    stored = _store(world, [again])

    assert (stored.opened, stored.updated) == (0, 1)
    incident.refresh_from_db()
    assert incident.priority == "P4"
    assert incident.title == "Checkout fails"
    assert incident.events.get(kind=EventKindChoices.HANDOFF).at == at(0, 11)
    assert incident.events.count() == 2


def test_an_unchanged_plan_writes_no_history(sla):
    world = sla.world
    first = _plan(world)
    _store(world, [first])
    incident = Incident.objects.get(pk=first.incident.pk)
    events = list(incident.events.order_by("sequence"))
    _store(world, [_plan(world, incident=incident, timeline=events, created=[])])
    assert incident.history.count() == 1
