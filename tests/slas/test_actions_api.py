"""The incident actions through the API: the same rules and errors as the page, no
fabricated events, read-only fields and unknown filters refused by name."""

import pytest

from raci.models import Role
from tests.slas.conftest import at

pytestmark = pytest.mark.django_db


def url(incident, action=""):
    base = f"/api/slas/incidents/{incident.pk}/actions/"
    return f"{base}{action}/" if action else base


def test_each_action_through_the_api_with_the_pages_rules(sla, api_client_for):
    api = api_client_for(sla.world.integrator_admin)
    incident = sla.open()
    sla.frozen.moment = at(0, 10)
    offered = {a["action"] for a in api.get(url(incident)).json()}
    assert {"hand-off", "resolve", "comment"} <= offered and not {"resume", "close"} & offered

    response = api.post(url(incident, "resume"), {}, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "action": ["Only a waiting incident can be resumed; this one is “New”."]
    }

    response = api.post(
        url(incident, "hand-off"), {"holder": sla.world.provider1.pk}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["holder"] == sla.world.provider1.pk
    assert response.json()["status"] == "in_progress"

    # back to the queue: nobody owns it, and the gap is listed
    response = api.post(
        url(incident, "hand-off"), {"holder": None, "note": "Wrong team"}, format="json"
    )
    assert response.status_code == 201 and response.json()["holder"] is None
    gaps = api.get("/api/slas/ownership-gaps/", {"open": "true"}).json()["results"]
    assert [g["incident"] for g in gaps] == [incident.pk]
    assert gaps[0]["handed_over_by"] == sla.world.provider1.pk

    response = api.post(url(incident, "resolve"), {}, format="json")
    assert response.status_code == 400 and response.json() == {"note": ["Write a note."]}
    response = api.post(
        url(incident, "pause"), {"waiting_for": "awaiting_vendor", "holder": 3}, format="json"
    )
    assert response.status_code == 400 and "holder" in response.json()
    response = api.post(url(incident, "teleport"), {}, format="json")
    assert response.status_code == 404

    response = api.post(
        url(incident, "override-priority"),
        {"priority": "P2", "note": "One store only"},
        format="json",
    )
    assert response.status_code == 201
    incident.refresh_from_db()
    assert incident.priority == "P2" and incident.priority_override_by == sla.world.integrator_admin

    response = api.post(url(incident, "resolve"), {"note": "Restarted"}, format="json")
    assert response.status_code == 201 and set(response.json()["allowed_actions"]) == {
        "reopen",
        "close",
        "comment",
    }


def test_who_may_act_404_for_hidden_403_for_read_only(sla, api_client_for):
    incident = sla.open()
    hidden = api_client_for(sla.world.b_admin).post(
        url(incident, "comment"), {"note": "x"}, format="json"
    )
    assert hidden.status_code == 404
    viewer = api_client_for(sla.world.integrator_viewer)
    assert viewer.post(url(incident, "comment"), {"note": "x"}, format="json").status_code == 403
    assert viewer.get(url(incident)).json() == []


def test_the_business_owner_approves_through_the_api(sla, api_client_for):
    world = sla.world
    world.person.user = world.customer_viewer
    world.person.save()
    role = Role.objects.create(
        ecosystem=world.a, organisation=world.customer, name="Business Owner", approves_changes=True
    )
    role.holders.add(world.person)
    change = sla.open(classification="change_request")
    owner = api_client_for(world.customer_viewer)
    assert [a["action"] for a in owner.get(url(change)).json()] == ["approve-change"]
    assert owner.post(url(change, "comment"), {"note": "x"}, format="json").status_code == 403
    response = owner.post(url(change, "approve-change"), {}, format="json")
    assert response.status_code == 201, response.json()
    body = api_client_for(world.integrator_admin).get(f"/api/slas/incidents/{change.pk}/").json()
    assert body["change_approved_by"]["id"] == world.person.pk
    assert body["change_approval_on_behalf"] is False


def test_the_events_endpoint_cannot_fabricate_approvals_or_known_errors(sla, api_client_for):
    api = api_client_for(sla.world.integrator_admin)
    change = sla.open(classification="change_request")
    events = f"/api/slas/incidents/{change.pk}/events/"
    for kind in ("approval", "known_error", "priority"):
        response = api.post(events, {"kind": kind}, format="json")
        assert response.status_code == 400 and "kind" in response.json()
    assert change.events.count() == 1
    # a bare event goes through its action's rules: resume on a new incident is refused
    incident = sla.open()
    response = api.post(
        f"/api/slas/incidents/{incident.pk}/events/",
        {"kind": "status", "status": "in_progress"},
        format="json",
    )
    assert response.status_code == 400
    # and a resolved incident cannot be paused without a reopen
    sla.act(incident, at(0, 9), "resolve", note="Fixed")
    response = api.post(
        f"/api/slas/incidents/{incident.pk}/events/",
        {"kind": "status", "status": "awaiting_customer"},
        format="json",
    )
    assert response.status_code == 400 and "resolved" in str(response.json())


def test_a_read_only_field_in_a_patch_is_a_400_naming_it(sla, api_client_for):
    api = api_client_for(sla.world.integrator_admin)
    incident = sla.open()
    detail = f"/api/slas/incidents/{incident.pk}/"
    for field, value in (
        ("priority", "P4"),
        ("change_approved_by", sla.world.person.pk),
        ("status", "closed"),
    ):
        response = api.patch(detail, {field: value}, format="json")
        assert response.status_code == 400, (field, response.json())
        assert field in response.json() and "Read only" in response.json()[field][0]
    response = api.patch(detail, {"titel": "typo"}, format="json")
    assert response.status_code == 400 and "titel" in response.json()
    # what GET gave, sent back unchanged, is accepted (clients PUT what they read)
    body = api.get(detail).json()
    response = api.patch(
        detail,
        {"title": "Checkout fails for everyone", "priority": body["priority"], "id": body["id"]},
        format="json",
    )
    assert response.status_code == 200, response.json()


def test_an_unknown_filter_is_a_400_naming_the_known_ones(sla, api_client_for):
    api = api_client_for(sla.world.integrator_admin)
    sla.open()
    response = api.get("/api/slas/incidents/", {"stauts": "new"})
    assert response.status_code == 400
    message = response.json()["stauts"][0]
    assert "Unknown filter" in message and "status" in message and "limit" in message
    assert (
        api.get(
            "/api/slas/incidents/", {"status": "new", "limit": 5, "ordering": "-opened_at"}
        ).status_code
        == 200
    )
    assert api.get("/api/slas/ownership-gaps/", {"started_after": "2026-01-01"}).status_code == 200
