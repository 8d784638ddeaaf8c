"""The incident write path (slas.actions) and the SLA semantics built on it: approval
by the customer's approving role, hand-offs to nobody and the ownership gaps they
leave, escalation per metric, targets per kind of ticket, who used the budget, and
clocks awaiting a recompute."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from raci.models import Role
from slas import actions, clocks, crossings, notifications
from slas.choices import SlaStateChoices
from slas.models import EscalationRule, IncidentSla, Notification, OwnershipGap, ServiceLevelTarget
from tests.slas.conftest import at

pytestmark = pytest.mark.django_db


def clock(incident, metric="resolution", provider=None):
    return IncidentSla.objects.get(incident=incident, metric=metric, provider=provider)


@pytest.fixture
def owner_role(sla):
    """The customer's business owner, holding the role that approves changes, with a login."""
    world = sla.world
    world.person.user = world.customer_viewer
    world.person.save()
    role = Role.objects.create(
        ecosystem=world.a,
        organisation=world.customer,
        name="Business Owner",
        approves_changes=True,
    )
    role.holders.add(world.person)
    return role


def test_the_business_owner_approves_in_their_own_name(sla, owner_role):
    world = sla.world
    change = sla.open(classification="change_request")
    # A read-only customer account may not act on incidents, but may approve changes.
    assert actions.allowed_actions(change, world.customer_viewer) == [actions.Action.APPROVE_CHANGE]
    actions.authorize(world.customer_viewer, change, actions.Action.APPROVE_CHANGE)
    with pytest.raises(PermissionDenied):
        actions.authorize(world.customer_viewer, change, actions.Action.COMMENT)
    sla.act(change, at(0, 10), "approve-change", user=world.customer_viewer)
    change.refresh_from_db()
    assert change.change_approved_by == world.person and not change.change_approval_on_behalf
    assert change.change_approval_recorded_by == world.customer_viewer
    assert change.events.last().note == f"Approved by {world.person}"


def test_the_integrator_records_an_approval_only_on_behalf_and_with_a_reason(sla, owner_role):
    world = sla.world
    change = sla.open(classification="change_request")
    integrator_person = world.integrator.people.create(
        name="Ian Integrator", user=world.integrator_admin
    )
    with pytest.raises(ValidationError) as refused:
        sla.act(
            change, at(0, 10), "approve-change", approver=integrator_person, on_behalf_reason="me"
        )
    assert "approving role" in str(refused.value)
    with pytest.raises(ValidationError) as refused:
        sla.act(change, at(0, 10), "approve-change", approver=world.person)
    assert "on_behalf_reason" in refused.value.message_dict
    sla.act(
        change, at(0, 10), "approve-change", approver=world.person,
        on_behalf_reason="Approved by e-mail on 2 March",
    )  # fmt: skip
    change.refresh_from_db()
    assert (
        change.change_approval_on_behalf
        and change.change_approval_recorded_by == world.integrator_admin
    )
    assert "recorded on their behalf" in change.events.last().note
    # approved once: the action is gone
    assert actions.Action.APPROVE_CHANGE not in actions.allowed_actions(
        change, world.integrator_admin
    )


def test_an_outsider_may_not_approve(sla, owner_role):
    change = sla.open(classification="change_request")
    with pytest.raises(PermissionDenied):
        actions.authorize(sla.world.provider1_editor, change, actions.Action.APPROVE_CHANGE)


def test_a_hand_off_to_nobody_is_an_ownership_gap_with_who_left_it(sla):
    world = sla.world
    incident = sla.open()
    sla.act(incident, at(0, 10), "hand-off", holder=world.provider1)
    sla.act(incident, at(0, 11), "hand-off", note="Wrong team")
    incident.refresh_from_db()
    assert incident.holder is None and incident.status == "in_progress"
    gap = OwnershipGap.objects.get(incident=incident)
    assert gap.is_open and gap.handed_over_by == world.provider1
    sla.act(incident, at(0, 13), "hand-off", holder=world.provider2)
    gap.refresh_from_db()
    assert (gap.end, gap.taken_by, gap.business_seconds) == (at(0, 13), world.provider2, 2 * 3600)
    # the end-to-end resolution clock names who used its budget, nobody included
    seconds = clock(incident).party_seconds
    assert seconds == {str(world.integrator.pk): 3600, str(world.provider1.pk): 3600, "none": 7200}


def test_an_ownership_gap_past_the_threshold_alerts_the_integrator_once(
    sla, settings, django_capture_on_commit_callbacks
):
    settings.SIAM_OWNERSHIP_GAP_ALERT_MINUTES = 90
    world = sla.world
    incident = sla.open()
    sla.act(incident, at(0, 10), "hand-off", holder=world.provider1)
    sla.act(incident, at(0, 10, 30), "hand-off")
    assert notifications.alert_ownership_gaps(at=at(0, 11, 30)) == 0  # 60 min only
    with django_capture_on_commit_callbacks(execute=True):
        assert notifications.alert_ownership_gaps(at=at(0, 12, 1)) == 1
    assert notifications.alert_ownership_gaps(at=at(0, 13)) == 0  # once per gap
    note = Notification.objects.get(user=world.integrator_admin, incident=incident)
    assert "no owner for 1 h 31 min" in note.message or "no owner for" in note.message
    assert not Notification.objects.filter(user=world.provider1_editor).exists()
    assert (
        any(incident.reference in m.subject for m in mail.outbox)
        or not world.integrator_admin.email
    )


def test_hand_back_follows_the_resolution_breach_not_the_response_breach(sla):
    from slas.notifications import dispatch_alerts

    world = sla.world
    incident = sla.open()
    sla.act(incident, at(0, 9, 10), "hand-off", holder=world.provider1)
    # the default: the hand-back follows the resolution clock only
    rule = EscalationRule.objects.create(
        target=sla.ola1, level="breach", action="hand_to_integrator"
    )
    assert rule.metric == "resolution"
    # nothing from the provider in 15 minutes: its OLA response is breached at 09:25
    dispatch_alerts(crossings.record_crossings(at=at(0, 9, 30)))
    assert clock(incident, "response", world.provider1.pk).state == SlaStateChoices.BREACHED
    incident.refresh_from_db()
    assert incident.holder == world.provider1  # still with the provider working on it
    # its 2 h OLA resolution is breached at 11:10: handed back
    dispatch_alerts(crossings.record_crossings(at=at(0, 11, 11)))
    incident.refresh_from_db()
    assert incident.holder == world.integrator
    assert "Escalation" in incident.events.last().note


def test_a_rule_may_follow_the_response_clock_of_the_olas_only(sla):
    rule = EscalationRule(
        target=sla.e2e["P1"], level="breach", action="notify", metric="response", clock="ola"
    )
    assert rule.follows("response", is_end_to_end=False)
    assert not rule.follows("response", is_end_to_end=True)
    assert not rule.follows("resolution", is_end_to_end=False)
    either = EscalationRule(
        target=sla.e2e["P1"], level="breach", action="notify", metric="", clock=""
    )
    assert either.follows("response", True) and either.follows("resolution", False)


def test_a_change_request_has_its_own_target_and_falls_back_to_the_priority_one(sla):
    base = sla.e2e["P1"]
    ServiceLevelTarget.objects.create(
        contract=base.contract, priority="P1", classification="change_request",
        resolution_minutes=8 * 60, calendar=base.calendar,
    )  # fmt: skip
    incident = sla.open()
    assert clock(incident).target == base
    change = sla.open(classification="change_request")
    sla.act(
        change, at(0, 9), "approve-change", approver=sla.world.person, on_behalf_reason="By phone"
    )
    assert clock(change).target.classification == "change_request"
    assert clock(change).target_seconds == 8 * 3600
    # a service-specific target beats the kind-specific one
    service_target = ServiceLevelTarget.objects.create(
        contract=base.contract, priority="P1", classification="change_request",
        service=sla.world.service, resolution_minutes=16 * 60, calendar=base.calendar,
    )  # fmt: skip
    clocks.recompute_incidents([change])
    assert clock(change).target == service_target


def test_a_target_change_marks_open_clocks_pending_until_the_repair(
    sla, monkeypatch, client_for, api_client_for
):
    from slas import tasks

    incident = sla.open()
    ran = []
    monkeypatch.setattr(tasks.repair_sla, "delay", lambda *a, **k: ran.append(a))
    monkeypatch.setattr(tasks.repair_sla, "apply_async", lambda *a, **k: ran.append(a))
    target = sla.e2e["P1"]
    target.resolution_minutes = 120
    target.save()
    row = clock(incident)
    assert row.recompute_pending_since is not None and row.target_seconds == 4 * 3600
    user = sla.world.integrator_admin
    assert "recomputing" in client_for(user).get("/slas/incidents/").content.decode()
    assert "being recomputed" in client_for(user).get(incident.get_absolute_url()).content.decode()
    api = api_client_for(user).get("/api/slas/incident-slas/", {"incident": incident.pk}).json()
    assert all(r["recompute_pending"] for r in api["results"])
    crossings.repair([sla.world.a.pk])
    row.refresh_from_db()
    assert row.recompute_pending_since is None and row.target_seconds == 2 * 3600


def test_resolving_needs_a_note_and_closing_needs_a_resolution(sla):
    incident = sla.open()
    with pytest.raises(ValidationError) as refused:
        sla.act(incident, at(0, 10), "resolve")
    assert refused.value.message_dict == {"note": ["Write a note."]}
    with pytest.raises(ValidationError, match="Only a resolved incident can be closed"):
        sla.act(incident, at(0, 10), "close")
    with pytest.raises(ValidationError, match="Only a waiting incident can be resumed"):
        sla.act(incident, at(0, 10), "resume")
    sla.act(incident, at(0, 10), "resolve", note="Fixed")
    with pytest.raises(ValidationError, match="Not possible on a resolved incident"):
        sla.act(incident, at(0, 11), "hand-off", holder=sla.world.provider1)
    with pytest.raises(ValidationError, match="Not possible on a resolved incident"):
        sla.act(incident, at(0, 11), "pause", waiting_for="awaiting_customer")
    sla.act(incident, at(0, 11), "close")
    incident.refresh_from_db()
    assert incident.status == "closed" and clock(incident).state == SlaStateChoices.MET


def test_the_report_says_who_used_the_budget_and_when_nobody_owned_it(sla, client_for):
    from slas import reports

    world = sla.world
    incident = sla.open()
    sla.act(incident, at(0, 10), "hand-off", holder=world.provider1)
    sla.act(incident, at(0, 11), "hand-off")
    sla.act(incident, at(0, 12), "hand-off", holder=world.provider2)
    sla.frozen.moment = at(0, 14)
    crossings.record_crossings(at=at(0, 14))  # the 4 h end-to-end target broke at 13:00
    assert clock(incident).state == SlaStateChoices.BREACHED
    report = reports.build_report(world.integrator_admin, {})
    used = {row.party: (row.clocks, row.seconds) for row in report.budget_use}
    assert used == {
        "Integrator Ltd": (1, 3600), "Provider One": (1, 3600),
        "Nobody (no owner)": (1, 3600), "Provider Two": (1, 3600),
    }  # fmt: skip
    assert [(r.key, r.gaps, r.open, r.seconds) for r in report.gaps_by_party] == [
        ("Provider One", 1, 0, 3600)
    ]
    assert [(r.gaps, r.seconds) for r in report.gaps_by_month] == [(1, 3600)]
    page = client_for(world.integrator_admin).get("/slas/report/").content.decode()
    assert "Who used the SLA budget" in page and "Nobody (no owner)" in page
    # the incident page names them on the breached clock
    page = client_for(world.integrator_admin).get(incident.get_absolute_url()).content.decode()
    assert "Who used the budget:" in page and "Nobody owned it" in page
    # another ecosystem's administrator sees none of it
    other = reports.build_report(world.b_admin, {})
    assert other.budget_use == [] and other.gaps_by_party == []


def test_the_incident_keeps_its_sla_state_and_next_deadline_with_its_clocks(sla):
    from slas.models import Incident

    incident = sla.open()
    incident.refresh_from_db()
    assert incident.sla_state == "running" and incident.next_due_at == at(0, 9, 30)  # response
    sla.act(incident, at(0, 9, 10), "hand-off", holder=sla.world.provider1)
    incident.refresh_from_db()
    # responded: the soonest running deadline is now the provider's OLA resolution (2 h)
    assert incident.next_due_at == min(
        row.due_at for row in IncidentSla.objects.filter(incident=incident, state="running")
    )
    sla.act(incident, at(0, 10), "pause", waiting_for="awaiting_customer")
    incident.refresh_from_db()
    assert incident.sla_state == "paused" and incident.next_due_at is None
    assert Incident.objects.filter(sla_state="paused").count() == 1
