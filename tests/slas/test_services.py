"""Incidents, their timeline and the stored SLA state, against the database."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from slas import clocks, crossings
from slas.choices import EventKindChoices, IncidentStatusChoices, MetricChoices, SlaStateChoices
from slas.models import AppendOnlyError, IncidentSla, Notification, SlaAlert
from slas.notifications import dispatch_alerts

from .conftest import at

pytestmark = pytest.mark.django_db


def clock(incident, metric=MetricChoices.RESOLUTION, provider=None):
    return IncidentSla.objects.get(incident=incident, metric=metric, provider=provider)


def test_priority_comes_from_the_matrix_and_the_e2e_clock_starts(sla):
    incident = sla.open()
    assert incident.priority == "P1" and incident.reference == "INC-000001"
    state = clock(incident)
    assert state.state == SlaStateChoices.RUNNING
    assert state.due_at == at(0, 13)
    assert (state.warning_1_at, state.warning_2_at, state.breach_at) == (
        at(0, 11),
        at(0, 12),
        at(0, 13),
    )
    assert incident.events.get().kind == EventKindChoices.OPENED


def test_a_four_level_matrix_is_configurable(sla):
    matrix = sla.world.a.priority_matrix
    levels = ["1-Critical", "2-High", "3-Moderate", "4-Low"]
    matrix.impact_levels = matrix.urgency_levels = levels
    matrix.priorities = ["1-Critical", "2-High", "3-Moderate", "4-Low"]
    matrix.cells = {
        f"{i}|{u}": levels[max(a, b)] for a, i in enumerate(levels) for b, u in enumerate(levels)
    }
    matrix.full_clean()
    matrix.save()
    assert matrix.priority_for("4-Low", "4-Low") == "4-Low"
    matrix.cells.pop("4-Low|4-Low")
    with pytest.raises(ValidationError, match="every cell"):
        matrix.full_clean()


def test_hand_off_starts_the_provider_ola_and_pauses_stop_both(sla):
    incident = sla.open()
    provider = sla.world.provider1
    sla.event(
        incident, at(0, 10), kind=EventKindChoices.HANDOFF, holder=provider, status="in_progress"
    )
    ola = clock(incident, provider=provider.pk)
    assert ola.state == SlaStateChoices.RUNNING and ola.due_at == at(0, 12)
    sla.event(incident, at(0, 10, 30), kind=EventKindChoices.STATUS, status="awaiting_customer")
    assert clock(incident, provider=provider.pk).state == SlaStateChoices.PAUSED
    assert clock(incident).state == SlaStateChoices.PAUSED and clock(incident).due_at is None
    sla.event(incident, at(0, 11, 30), kind=EventKindChoices.STATUS, status="in_progress")
    assert clock(incident, provider=provider.pk).due_at == at(0, 13)
    assert clock(incident).due_at == at(0, 14)
    # the provider's first event after receiving it (at 10:30) is its response: 30 min > 15
    response = clock(incident, MetricChoices.RESPONSE, provider.pk)
    assert response.state == SlaStateChoices.BREACHED and response.counted_seconds == 30 * 60
    # end to end, the first response came with the hand-off at 10:00: 60 min > 30
    assert clock(incident, MetricChoices.RESPONSE).state == SlaStateChoices.BREACHED


def test_resolve_and_reopen(sla):
    incident = sla.open()
    sla.act(incident, at(0, 11), "resolve", note="Restarted the payment service")
    incident.refresh_from_db()
    assert incident.resolved_at == at(0, 11) and clock(incident).state == SlaStateChoices.MET
    with pytest.raises(ValidationError):
        sla.act(incident, at(0, 12), "resolve", note="again")
    sla.act(incident, at(1, 9), "reopen", note="Fails again")
    incident.refresh_from_db()
    assert incident.reopen_count == 1 and incident.resolved_at is None
    assert clock(incident).state == SlaStateChoices.RUNNING and clock(incident).due_at == at(1, 11)


def test_the_timeline_is_append_only(sla):
    event = sla.open().events.get()
    event.note = "rewritten"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()


def test_a_late_event_is_placed_in_order(sla):
    incident = sla.open()
    sla.event(incident, at(0, 12), kind=EventKindChoices.STATUS, status="in_progress")
    sla.event(incident, at(0, 10), kind=EventKindChoices.STATUS, status="awaiting_customer")
    # 09-10 counted, 10-12 paused, 12-> counted again: due 15:00
    assert clock(incident).due_at == at(0, 15)
    incident.refresh_from_db()
    assert incident.status == "in_progress"


def test_change_request_clock_waits_for_business_owner_approval(sla):
    incident = sla.open(classification="change_request")
    assert clock(incident).state == SlaStateChoices.NOT_STARTED
    with pytest.raises(ValidationError, match="approval"):
        sla.act(incident, at(0, 10), "pause", waiting_for="awaiting_vendor")
    owner = sla.world.person  # a person of the customer (no role of it approves: any may)
    sla.act(incident, at(0, 11), "approve-change", approver=owner, on_behalf_reason="By e-mail")
    incident.refresh_from_db()
    assert incident.change_approved_by == owner and incident.change_approved_at == at(0, 11)
    assert incident.change_approval_on_behalf and incident.change_approval_reason == "By e-mail"
    assert clock(incident).due_at == at(0, 15)
    other = sla.world.provider1.people.create(name="Not the owner")
    with pytest.raises(ValidationError, match="approving role"):
        sla.act(
            sla.open(classification="change_request"), at(0, 12), "approve-change",
            approver=other, on_behalf_reason="x",
        )  # fmt: skip


def test_priority_override_keeps_reason_and_author(sla):
    incident = sla.open()
    with pytest.raises(ValidationError):
        sla.act(incident, at(0, 9, 5), "override-priority", priority="P2", note=" ")
    sla.frozen.moment = at(0, 9, 5)
    from slas import actions

    actions.perform(
        incident, "override-priority", {"priority": "P2", "note": "Customer agreed"},
        user=sla.world.integrator_admin,
    )  # fmt: skip
    incident.refresh_from_db()
    assert (
        incident.priority_overridden and incident.priority_override_by == sla.world.integrator_admin
    )
    # the P2 target now applies
    assert clock(incident).target == sla.e2e["P2"]


def test_beat_records_each_warning_and_breach_once_and_notifies(
    sla, django_capture_on_commit_callbacks
):
    incident = sla.open()
    sla.event(
        incident, at(0, 9, 5), kind=EventKindChoices.STATUS, status="in_progress"
    )  # responded in time
    assert crossings.record_crossings(at=at(0, 10)) == []
    first = crossings.record_crossings(at=at(0, 11, 1))
    assert SlaAlert.objects.filter(level="warning_1").count() == len(first) >= 1
    assert crossings.record_crossings(at=at(0, 11, 2)) == []
    crossings.record_crossings(at=at(0, 16))
    assert crossings.record_crossings(at=at(0, 16)) == []
    state = clock(incident)
    assert state.state == SlaStateChoices.BREACHED and state.breach_recorded_at == at(0, 13)
    assert SlaAlert.objects.filter(incident_sla=state).count() == 3
    alert_ids = list(SlaAlert.objects.values_list("pk", flat=True))
    with django_capture_on_commit_callbacks(execute=True):
        assert dispatch_alerts(alert_ids) == len(alert_ids)
    assert dispatch_alerts(alert_ids) == 0
    assert Notification.objects.filter(user=sla.world.integrator_admin).count() == len(alert_ids)
    assert not Notification.objects.filter(user=sla.world.integrator_viewer).exists()
    assert len(mail.outbox) == len(alert_ids)


def test_a_recorded_breach_survives_a_later_target_change(sla):
    incident = sla.open()
    crossings.record_crossings(at=at(0, 16))
    target = sla.e2e["P1"]
    target.resolution_minutes = 24 * 60
    target.save()
    clocks.recompute_incidents([incident], at=at(0, 16))
    state = clock(incident)
    assert state.state == SlaStateChoices.BREACHED and state.breach_recorded_at == at(0, 13)


def test_escalation_actions_raise_priority_and_hand_to_integrator(sla):
    from slas.models import EscalationRule

    incident = sla.open()
    provider = sla.world.provider1
    sla.event(
        incident, at(0, 9, 10), kind=EventKindChoices.HANDOFF, holder=provider, status="in_progress"
    )
    EscalationRule.objects.create(
        target=sla.e2e["P1"], level="warning_2", action="hand_to_integrator"
    )
    ids = crossings.record_crossings(at=at(0, 12, 1))
    dispatch_alerts(ids)
    incident.refresh_from_db()
    assert incident.holder == sla.world.integrator
    assert (
        incident.events.filter(
            kind=EventKindChoices.HANDOFF, note__contains="Escalation: handed"
        ).count()
        == 1
    )


def test_repair_recomputes_open_incidents_and_leaves_closed_ones(sla):
    open_one = sla.open()
    closed = sla.open()
    sla.event(closed, at(0, 10), kind=EventKindChoices.STATUS, status=IncidentStatusChoices.CLOSED)
    before_closed = clock(closed).counted_seconds
    sla.calendar.always_open = True
    sla.calendar.save()  # the signal schedules a repair (eager in tests)
    assert clock(open_one).due_at == at(0, 13)  # 24x7 from 09:00 Monday: 4 h later
    assert clock(closed).counted_seconds == before_closed
    crossings.repair([sla.world.a.pk], include_closed=True)
    assert clock(closed).counted_seconds == before_closed  # closed at 10:00: one hour either way


def test_known_error_applies_workaround_resolves_and_counts_usage(sla):
    from django.db.models import Count

    from slas.models import KnownError

    known = KnownError.objects.create(
        ecosystem=sla.world.a,
        reference="KE-1",
        symptom="Payment page blank",
        workaround="Clear the CDN cache",
    )
    incident = sla.open()
    sla.frozen.moment = at(0, 10)
    from slas import actions

    actions.perform(incident, "apply-known-error", {"known_error": known}, user=None)
    incident.refresh_from_db()
    assert incident.status == "resolved"
    assert "Clear the CDN cache" in incident.events.last().note
    assert KnownError.objects.annotate(used=Count("incidents")).get().used == 1


def test_providers_see_only_incidents_they_held(sla):
    from slas.models import Incident

    mine, other = sla.open(), sla.open()
    sla.event(mine, at(0, 10), kind=EventKindChoices.HANDOFF, holder=sla.world.provider1)
    sla.event(mine, at(0, 11), kind=EventKindChoices.HANDOFF, holder=sla.world.integrator)
    visible = set(
        Incident.objects.restrict(sla.world.provider1_editor).values_list("pk", flat=True)
    )
    assert visible == {mine.pk}
    assert set(
        Incident.objects.restrict(sla.world.customer_viewer).values_list("pk", flat=True)
    ) == {mine.pk, other.pk}
    assert not Incident.objects.restrict(sla.world.b_admin).exists()
