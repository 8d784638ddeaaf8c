"""Webhooks end to end: signed requests in, incidents and timelines out."""

import base64
import copy
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from integrations import signatures, tasks
from integrations.choices import InboundStateChoices, UnknownGroupChoices
from integrations.models import (
    AssignmentGroup,
    FieldMapping,
    InboundEvent,
    SourceEvent,
    TicketLink,
    ValueMapping,
)
from slas.choices import EventKindChoices, IncidentStatusChoices
from slas.models import Incident, IncidentSla

from .conftest import body_of, payload

T0 = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)  # a Wednesday, 10:00 in Amsterdam


@pytest.fixture
def deliver(client, feeds, django_capture_on_commit_callbacks):
    """POST a body to a feed, signed or authenticated as its tool does."""

    def post(kind, data, *, secret=None, headers=None, raw=None):
        feed = feeds[kind]
        body = raw if raw is not None else body_of(data)
        secret = secret or feeds.secrets[kind]
        if headers is None:
            if kind == "jira":
                headers = {"X-Hub-Signature": signatures.sign(secret, body)}
            elif kind == "zendesk":
                stamp = "2026-11-25T09:00:00Z"
                headers = {
                    "X-Zendesk-Webhook-Signature": signatures.sign_zendesk(secret, stamp, body),
                    "X-Zendesk-Webhook-Signature-Timestamp": stamp,
                }
            elif kind == "azure_devops":
                token = base64.b64encode(f"azure:{secret}".encode()).decode()
                headers = {"Authorization": f"Basic {token}"}
            else:
                headers = {"Authorization": f"Bearer {secret}"}
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                f"/integrations/hooks/{feed.endpoint}/",
                body,
                content_type="application/json",
                headers=headers,
            )
        return response

    return post


def timeline(incident):
    return [
        (e.at, e.kind, e.status, e.holder_id, e.note)
        for e in incident.events.order_by("at", "sequence", "id")
    ]


def sn_event(number, mod, minutes, **fields):
    record = {
        "number": number,
        "short_description": "Order e-mails not sent",
        "opened_at": "2026-11-25 09:00:00",
        "sys_updated_on": (T0 + timedelta(minutes=minutes)).strftime("%Y-%m-%d %H:%M:%S"),
        "sys_mod_count": str(mod),
        "priority": "1 - Critical",
        **fields,
    }
    return {"result": record}


def sn_history(number):
    return [
        sn_event(number, 0, 0, state="New", assignment_group="Service Desk"),
        sn_event(number, 1, 10, state="In Progress", assignment_group="Service Desk"),
        sn_event(number, 2, 30, state="In Progress", assignment_group="Global Network"),
        sn_event(number, 3, 60, state="Awaiting User Info", assignment_group="Global Network"),
        sn_event(
            number,
            4,
            120,
            state="In Progress",
            assignment_group="Global Network",
            comments="Logs received",
        ),
        sn_event(number, 5, 180, state="Resolved", assignment_group="Global Network"),
    ]


# --- Each tool -----------------------------------------------------------------------------------


def test_jira_events_open_and_update_an_incident(deliver, feeds, sla):
    sla.frozen.moment = T0 + timedelta(hours=2)
    assert deliver("jira", payload("jira_issue_created.json")).status_code == 202
    assert deliver("jira", payload("jira_issue_updated.json")).status_code == 202
    incident = Incident.objects.get(tool_keys__key="INF-42")
    assert (incident.reference, incident.title) == ("INF-42", "Checkout fails with error 500")
    assert (incident.priority, incident.status, incident.holder) == (
        "P1",
        "in_progress",
        sla.world.integrator,
    )
    assert timeline(incident) == [
        (T0, "opened", "new", sla.world.integrator.pk, "Opened in Jira"),
        (
            T0 + timedelta(minutes=15),
            "status",
            "in_progress",
            sla.world.integrator.pk,
            "Jira: status New → In progress; priority P2 → P1",
        ),
    ]
    assert incident.responded_at == T0 + timedelta(minutes=15)
    assert set(IncidentSla.objects.filter(incident=incident).values_list("metric", "state")) == {
        ("response", "met"),
        ("resolution", "running"),
    }
    assert list(InboundEvent.objects.values_list("state", flat=True)) == ["applied", "applied"]


def test_servicenow_record_hands_off_to_the_group_party(deliver, feeds, sla):
    sla.frozen.moment = T0 + timedelta(hours=1)
    assert deliver("servicenow", payload("servicenow_incident.json")).status_code == 202
    incident = Incident.objects.get(tool_keys__key="INC0010012")
    assert (incident.priority, incident.impact, incident.urgency) == ("P2", "Medium", "High")
    assert incident.holder == sla.world.provider1
    [opened, update] = incident.events.order_by("at", "sequence")
    assert opened.holder == sla.world.integrator
    assert update.kind == EventKindChoices.STATUS
    assert "group — → Global Network" in update.note and "comment: Forwarded" in update.note
    assert incident.ticket_link.source_figures == {"made_sla": "true", "reopen_count": "0"}
    assert set(incident.holders.all()) == {sla.world.integrator, sla.world.provider1}


def test_zendesk_event_and_trigger_bodies(deliver, feeds, sla):
    assert deliver("zendesk", payload("zendesk_status_changed.json")).status_code == 202
    assert deliver("zendesk", payload("zendesk_trigger.json")).status_code == 202
    login = Incident.objects.get(tool_keys__key="5158")
    assert (login.status, login.priority, login.holder) == (
        "in_progress",
        "P2",
        sla.world.provider2,
    )
    vat = Incident.objects.get(tool_keys__key="5160")
    assert (vat.status, vat.classification) == ("awaiting_customer", "service_request")


def test_azure_devops_update_resolves_the_work_item(deliver, feeds, sla):
    assert deliver("azure_devops", payload("azure_devops_workitem_updated.json")).status_code == 202
    incident = Incident.objects.get(tool_keys__key="42")
    assert (incident.status, incident.priority, incident.holder) == (
        "resolved",
        "P1",
        sla.world.provider1,
    )
    assert incident.resolved_at == datetime(2026, 11, 25, 11, 30, 0, 130000, tzinfo=UTC)
    resolved = incident.events.get(kind=EventKindChoices.RESOLVED)
    assert resolved.note.endswith("comment: Router firmware rolled back.")


# --- Refused, malformed, duplicate, unmapped -----------------------------------------------------


def test_a_bad_signature_is_401_and_logged(deliver, feeds):
    response = deliver("jira", payload("jira_issue_created.json"), secret="not-the-secret")
    assert response.status_code == 401
    missing = deliver("servicenow", payload("servicenow_incident.json"), headers={})
    assert missing.status_code == 401
    rejected = InboundEvent.objects.order_by("pk")
    assert [(e.state, e.signature) for e in rejected] == [
        ("rejected", "invalid"),
        ("rejected", "missing"),
    ]
    assert b"INF-42" in bytes(rejected[0].body)
    assert "X-Hub-Signature" in rejected[0].headers
    assert not Incident.objects.exists()
    assert not rejected[0].replayable


def test_unknown_endpoint_is_404(client, db):
    response = client.post(
        "/integrations/hooks/00000000-0000-0000-0000-000000000000/",
        b"{}",
        content_type="application/json",
    )
    assert response.status_code == 404


def test_a_malformed_body_is_400_and_kept_as_failed(deliver, feeds):
    response = deliver("jira", None, raw=b'{"webhookEvent": "jira:issue_updated", "issue": ')
    assert response.status_code == 400
    assert "not JSON" in response.json()["error"]
    not_an_event = deliver("azure_devops", {"eventType": "workitem.updated", "resource": {}})
    assert not_an_event.status_code == 400
    failed = list(InboundEvent.objects.order_by("pk"))
    assert [e.state for e in failed] == ["failed", "failed"]
    assert bytes(failed[0].body) == b'{"webhookEvent": "jira:issue_updated", "issue": '
    assert not Incident.objects.exists()


def test_an_unexpected_error_is_recorded_not_lost(deliver, feeds, monkeypatch):
    from integrations import services

    def broken(self, batch, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(services.Ingestor, "apply", broken)
    assert deliver("jira", payload("jira_issue_created.json")).status_code == 202
    event = InboundEvent.objects.get()
    assert (
        event.state == "failed" and event.error == "Unexpected error (RuntimeError): disk on fire"
    )
    assert event.replayable


def test_the_same_event_twice_is_applied_once(deliver, feeds):
    first = deliver("jira", payload("jira_issue_created.json"))
    again = deliver("jira", payload("jira_issue_created.json"))
    assert (first.status_code, again.status_code) == (202, 200)
    original, duplicate = InboundEvent.objects.order_by("pk")
    assert duplicate.state == InboundStateChoices.DUPLICATE and duplicate.duplicate_of == original
    assert Incident.objects.get().events.count() == 1
    assert SourceEvent.objects.count() == 1


def test_an_unmapped_status_fails_and_replays_once_mapped(deliver, feeds, sla):
    data = copy.deepcopy(payload("jira_issue_updated.json"))
    data["changelog"]["items"][0]["toString"] = "Waiting for Global"
    deliver("jira", payload("jira_issue_created.json"))
    assert deliver("jira", data).status_code == 202  # the tool did nothing wrong
    failed = InboundEvent.objects.get(state=InboundStateChoices.FAILED)
    assert "No mapping for status 'Waiting for Global' (→ status)" in failed.error
    incident = Incident.objects.get()
    assert incident.events.count() == 1

    field = FieldMapping.objects.get(flow=feeds["jira"].flow, source_field="status")
    ValueMapping.objects.create(
        field=field, source_value="Waiting for Global", target_value="awaiting_vendor"
    )
    from django.db import transaction  # noqa: F401

    from integrations.services import replay

    assert replay(failed)
    tasks.process_inbound_event(failed.pk)
    failed.refresh_from_db()
    assert failed.state == InboundStateChoices.APPLIED
    incident.refresh_from_db()
    assert incident.status == IncidentStatusChoices.AWAITING_VENDOR


def test_unknown_groups_are_reported_or_created_by_option(deliver, feeds, sla):
    event = sn_event("INC0000099", 0, 0, state="New", assignment_group="Database team")
    deliver("servicenow", event)
    failed = InboundEvent.objects.get()
    assert failed.state == "failed" and "Unknown assignment group 'Database team'" in failed.error
    feed = feeds["servicenow"]
    feed.unknown_groups = UnknownGroupChoices.CREATE
    feed.save()
    from integrations.services import replay

    replay(failed)
    tasks.process_inbound_event(failed.pk)
    group = AssignmentGroup.objects.get(name="Database team")
    assert group.organisation == sla.world.integrator and group.created_by_import
    assert Incident.objects.get().holder == sla.world.integrator


def test_events_never_processed_are_requeued(feeds, sla, client):
    feed = feeds["servicenow"]
    body = body_of(sn_event("INC0000100", 0, 0, state="New", assignment_group="Service Desk"))
    stuck = InboundEvent.objects.create(
        feed=feed,
        body=body,
        signature="valid",
        ticket_key="INC0000100",
        event_key="mod-0",
        received_at=datetime.now(UTC) - timedelta(minutes=10),
    )
    assert tasks.requeue_received() == 1
    stuck.refresh_from_db()
    assert stuck.state == InboundStateChoices.APPLIED
    assert Incident.objects.filter(tool_keys__key="INC0000100").exists()


def test_a_rejected_body_is_kept_only_in_part(deliver, feeds):
    big = {"padding": "x" * 10000}
    assert deliver("jira", big, secret="wrong").status_code == 401
    event = InboundEvent.objects.get()
    assert len(bytes(event.body)) == 4096 and "Only the first 4096 of" in event.error


def test_azure_devops_comment_hook_sends_the_work_item(deliver, feeds):
    deliver("azure_devops", payload("azure_devops_workitem_updated.json"))
    comment = {
        "eventType": "workitem.commented",
        "resource": {"id": 42, "rev": 4, "fields": {
            "System.State": "Resolved", "System.ChangedDate": "2026-11-25T11:45:00Z",
            "System.History": "<p>Monitoring for a day.</p>", "System.AreaPath": "Global\\Network",
            "Microsoft.VSTS.Common.Priority": 1,
        }},
    }  # fmt: skip
    assert deliver("azure_devops", comment).status_code == 202
    last = Incident.objects.get(tool_keys__key="42").events.order_by("at", "sequence").last()
    assert (last.kind, last.note) == ("comment", "Azure DevOps: comment: Monitoring for a day.")


def test_long_keys_sharing_thirty_characters_get_distinct_references(deliver, feeds):
    first, second = "INC" + "7" * 40 + "1", "INC" + "7" * 40 + "2"
    deliver("servicenow", sn_event(first, 0, 0, state="New", assignment_group="Service Desk"))
    deliver("servicenow", sn_event(second, 0, 0, state="New", assignment_group="Service Desk"))
    references = sorted(Incident.objects.values_list("reference", flat=True))
    assert len(references) == 2 and references[0] != references[1]
    assert all(len(r) <= 30 for r in references)
    assert set(InboundEvent.objects.values_list("state", flat=True)) == {"applied"}


def test_events_typed_in_the_app_take_their_place_in_the_fold(deliver, feeds, sla):
    from slas import services as sla_services

    sla.frozen.moment = T0 + timedelta(hours=4)
    history = sn_history("INC0000300")
    deliver("servicenow", history[0])
    deliver("servicenow", history[1])  # 09:10 in progress
    incident = Incident.objects.get(reference="INC0000300")
    # Typed at 10:00, when the app still showed "in progress".
    sla_services.record_event(
        incident, kind="comment", at=T0 + timedelta(hours=1), note="Called the user"
    )
    # The tool then reports it resolved at 09:50: the comment does not undo that.
    resolved = sn_event("INC0000300", 2, 50, state="Resolved", assignment_group="Service Desk")
    deliver("servicenow", resolved)
    incident.refresh_from_db()
    assert incident.status == "resolved" and incident.resolved_at == T0 + timedelta(minutes=50)
    comment = incident.events.get(kind="comment", note="Called the user")
    assert comment.status == "resolved" and comment.author is None
    # A hand-off typed in the app holds until the tool names another group.
    sla_services.record_event(
        incident, kind="reopened", status="in_progress", at=T0 + timedelta(hours=2),
        holder=sla.world.provider2, note="Reopened: still failing",
    )  # fmt: skip
    deliver(
        "servicenow",
        sn_event("INC0000300", 3, 150, state="Resolved", assignment_group="Service Desk"),
    )
    incident.refresh_from_db()
    assert (incident.status, incident.reopen_count) == ("resolved", 1)


def test_a_manual_priority_override_outlives_tool_events(deliver, feeds, sla):
    sla.frozen.moment = T0 + timedelta(hours=4)
    history = sn_history("INC0000400")
    deliver("servicenow", history[0])
    incident = Incident.objects.get(reference="INC0000400")
    assert incident.priority == "P1"
    from slas import actions

    actions.perform(
        incident, "override-priority", {"priority": "P2", "note": "Only one store affected"},
        user=sla.world.integrator_admin,
    )  # fmt: skip
    deliver("servicenow", history[1])
    incident.refresh_from_db()
    assert (incident.priority, incident.priority_overridden, incident.status) == (
        "P2",
        True,
        "in_progress",
    )


# --- Order of arrival ---------------------------------------------------------------------------


def sla_state(incident):
    return sorted(
        IncidentSla.objects.filter(incident=incident).values_list(
            "metric", "provider_id", "state", "counted_seconds", "due_at"
        ),
        key=lambda row: (row[0], row[1] or 0),
    )


def test_a_late_older_event_is_inserted_and_the_sla_recomputed(deliver, feeds, sla):
    sla.frozen.moment = T0 + timedelta(hours=4)
    in_order = sn_history("INC0000001")
    for event in in_order:
        deliver("servicenow", event)
    expected = Incident.objects.get(reference="INC0000001")

    late = sn_history("INC0000002")
    pause = late.pop(3)  # "Awaiting User Info" arrives last
    for event in late:
        deliver("servicenow", event)
    incident = Incident.objects.get(reference="INC0000002")
    counted_without_pause = dict(
        IncidentSla.objects.filter(incident=incident, provider=None).values_list(
            "metric", "counted_seconds"
        )
    )
    deliver("servicenow", pause)
    counted_with_pause = dict(
        IncidentSla.objects.filter(incident=incident, provider=None).values_list(
            "metric", "counted_seconds"
        )
    )
    # One hour awaiting the user: the resolution clock counts an hour less.
    assert counted_without_pause["resolution"] - counted_with_pause["resolution"] == 3600
    assert [row[1:] for row in timeline(incident)] == [row[1:] for row in timeline(expected)]
    assert [row[1:] for row in sla_state(incident)] == [row[1:] for row in sla_state(expected)]
    assert incident.events.filter(kind=EventKindChoices.RESOLVED).count() == 1


@given(order=st.permutations(range(6)), repeats=st.lists(st.integers(0, 5), max_size=3))
@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_any_order_with_duplicates_ends_in_the_in_order_timeline(
    deliver, feeds, sla, order, repeats
):
    sla.frozen.moment = T0 + timedelta(hours=4)
    reference = "INC-REF"
    if not Incident.objects.filter(reference=reference).exists():
        for event in sn_history(reference):
            deliver("servicenow", event)
    expected = Incident.objects.get(reference=reference)
    number = f"INC{TicketLink.objects.count():07d}"
    history = sn_history(number)
    for index in list(order) + list(repeats):
        deliver("servicenow", history[index])
    incident = Incident.objects.get(reference=number)
    assert [row[1:] for row in timeline(incident)] == [row[1:] for row in timeline(expected)]
    assert [row[1:] for row in sla_state(incident)] == [row[1:] for row in sla_state(expected)]
    for name in ("status", "holder_id", "priority", "responded_at", "resolved_at", "reopen_count"):
        assert getattr(incident, name) == getattr(expected, name)
