"""Pages, API, access and outbound webhooks of the integrations app."""

import hashlib
import hmac
import io
import json
import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.urls import reverse

from integrations import signatures
from integrations.choices import DeliveryStatusChoices, InboundStateChoices
from integrations.dictionaries import standard_flow
from integrations.models import (
    AssignmentGroup,
    ImportRun,
    InboundEvent,
    TicketFeed,
    WebhookDelivery,
    WebhookSubscription,
)
from integrations.samples import write_servicenow_csv
from slas import crossings as sla_crossings
from slas.models import IncidentSla, SlaAlert
from slas.notifications import dispatch_alerts
from tests import factories as f

from .conftest import body_of, payload

LISTS = [
    "ticketfeed_list",
    "inboundevent_list",
    "ticketlink_list",
    "importrun_list",
    "webhooksubscription_list",
    "webhookdelivery_list",
]


def traffic(feeds, n, start=0):
    """``n`` ServiceNow tickets received over the webhook, one failed event, one delivery."""
    from integrations import services

    feed = feeds["servicenow"]
    for k in range(start, start + n):
        record = {
            "number": f"INC{k:07d}",
            "state": "New",
            "priority": "2 - High",
            "assignment_group": "Service Desk",
            "sys_updated_on": "2026-11-25 09:00:00",
            "opened_at": "2026-11-25 09:00:00",
            "sys_mod_count": "0",
        }
        inbound, _ = services.receive(
            feed, body_of(record), {"Authorization": f"Bearer {feeds.secrets['servicenow']}"}
        )
        services.process(inbound.pk)
    bad = {
        "number": f"INC{start + n:07d}",
        "state": "Parked",
        "sys_updated_on": "2026-11-25 09:00:00",
        "sys_mod_count": "0",
    }
    inbound, _ = services.receive(
        feed, body_of(bad), {"Authorization": f"Bearer {feeds.secrets['servicenow']}"}
    )
    services.process(inbound.pk)
    subscription = WebhookSubscription.objects.create(
        ecosystem=feeds.world.a, name=f"Relay {start}", url="https://relay.example/x"
    )
    WebhookDelivery.objects.create(
        subscription=subscription, event="ping", payload={"event": "ping"}
    )
    for clock in IncidentSla.objects.filter(alerts__isnull=True)[:n]:
        alert = SlaAlert.objects.create(
            incident_sla=clock, level="breach", crossed_at=datetime(2026, 11, 25, tzinfo=UTC)
        )
        WebhookDelivery.objects.create(
            subscription=subscription, alert=alert, event="sla.breach", payload={}
        )
    ImportRun.objects.create(
        ecosystem=feeds.world.a,
        feed=feed,
        format="servicenow",
        file_name=f"f{start}.csv",
        created_by=feeds.world.integrator_admin,
    )
    for k in range(2 if start else 0):  # more feeds, each with a group
        system = f.ConnectedSystemFactory(
            ecosystem=feeds.world.a, organisation=feeds.world.provider2, name=f"Jira {start}-{k}"
        )
        extra = TicketFeed(
            ecosystem=feeds.world.a,
            system=system,
            auth_method="hmac",
            flow=standard_flow(system),
            service=feeds.world.service,
            default_holder=feeds.world.provider2,
        )
        extra.set_secret()
        extra.save()
        AssignmentGroup.objects.create(
            feed=extra, name=f"Team {k}", organisation=feeds.world.provider2
        )


@pytest.mark.parametrize("name", LISTS)
def test_lists_take_constant_queries(feeds, client_for, name, query_count):
    client = client_for(feeds.world.integrator_admin)
    traffic(feeds, 2)
    url = reverse(f"integrations:{name}")
    query_count.constant(lambda: client.get(url), grow=lambda: traffic(feeds, 12, start=100))


API_LISTS = [
    "feeds",
    "assignment-groups",
    "inbound-events",
    "tickets",
    "imports",
    "subscriptions",
    "deliveries",
]


@pytest.mark.parametrize("name", API_LISTS)
def test_api_lists_take_constant_queries(feeds, api_client_for, name, query_count):
    api = api_client_for(feeds.world.integrator_admin)
    traffic(feeds, 2)
    url = f"/api/integrations/{name}/"
    response = query_count.constant(
        lambda: api.get(url), grow=lambda: traffic(feeds, 12, start=100)
    )
    assert response.json()["count"] >= 2


def test_detail_pages(feeds, client_for):
    traffic(feeds, 1)
    client = client_for(feeds.world.integrator_admin)
    feed = feeds["servicenow"]
    page = client.get(feed.get_absolute_url()).content.decode()
    assert f"/integrations/hooks/{feed.endpoint}/" in page
    assert "Replay the 1 failed event" in page
    assert feeds.secrets["servicenow"] not in page and feed.token_hash not in page
    failed = InboundEvent.objects.get(state=InboundStateChoices.FAILED)
    page = client.get(failed.get_absolute_url()).content.decode()
    assert "No mapping for state &#x27;Parked&#x27;" in page and "Replay" in page
    applied = InboundEvent.objects.filter(state=InboundStateChoices.APPLIED).first()
    page = client.get(applied.get_absolute_url()).content.decode()
    assert "Read as" in page and "Bearer (redacted)" in page
    incident = applied.ticket.incident
    page = client.get(incident.get_absolute_url()).content.decode()
    assert "Fed by" in page


def test_the_incident_page_shows_the_tools_ticket_from_the_integrations_panel(feeds, client_for):
    """The incident page names no feed: integrations contributes the panel
    (``core.registry.Panel``), and links the feed only for who may see it."""
    traffic(feeds, 1)
    link = InboundEvent.objects.filter(state=InboundStateChoices.APPLIED).first().ticket
    url = link.incident.get_absolute_url()
    page = client_for(feeds.world.integrator_admin).get(url).content.decode()
    # The key is shown once (the incident's own ServiceNow field), the feed linked.
    assert page.count(f">{link.key}</dd>") == 1
    assert link.feed.get_absolute_url() in page

    # The customer sees its incident, fed by the tool, not the integrator's feed.
    response = client_for(feeds.world.customer_viewer).get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'Fed by</dt><dd class="col-7">ServiceNow</dd>' in page
    assert link.feed.get_absolute_url() not in page

    # An incident typed in the app has no such panel.
    link.incident = None
    link.save()
    page = client_for(feeds.world.integrator_admin).get(url).content.decode()
    assert "Fed by" not in page


def test_creating_a_feed_shows_its_secret_once_and_it_works(
    sla, client_for, django_capture_on_commit_callbacks
):
    from tests import factories as f

    world = sla.world
    system = f.ConnectedSystemFactory(
        ecosystem=world.a, organisation=world.provider2, name="P2 Jira"
    )
    client = client_for(world.integrator_admin)
    response = client.post(
        reverse("integrations:ticketfeed_add"),
        {
            "ecosystem": world.a.pk,
            "system": system.pk,
            "service": world.service.pk,
            "time_zone": "UTC",
            "unknown_groups": "report",
            "active": "on",
        },
    )
    assert response.status_code == 200, response.content
    assert response["Cache-Control"] == "no-store"
    feed = TicketFeed.objects.get(system=system)
    assert (
        feed.auth_method == "hmac" and feed.flow.target.kind == "siam"
    )  # standard dictionary made
    secret = response.context["secret"]
    assert secret in response.content.decode()
    assert secret not in client.get(feed.get_absolute_url()).content.decode()
    assert secret not in feed.secret_encrypted
    body = body_of(payload("jira_issue_created.json"))
    with django_capture_on_commit_callbacks(execute=True):
        ok = client.post(
            f"/integrations/hooks/{feed.endpoint}/",
            body,
            content_type="application/json",
            headers={"X-Hub-Signature": signatures.sign(secret, body)},
        )
    assert ok.status_code == 202
    rotated = client.post(reverse("integrations:ticketfeed_secret", args=[feed.pk]))
    assert rotated.context["secret"] != secret
    stale = client.post(
        f"/integrations/hooks/{feed.endpoint}/",
        body,
        content_type="application/json",
        headers={"X-Hub-Signature": signatures.sign(secret, body)},
    )
    assert stale.status_code == 401


def test_feed_form_errors_are_field_errors(feeds, client_for):
    client = client_for(feeds.world.integrator_admin)
    other = feeds.world.b_objects["system"]
    response = client.post(
        reverse("integrations:ticketfeed_add"),
        {"ecosystem": feeds.world.a.pk, "system": other.pk, "time_zone": "Mars/Olympus"},
    )
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert set(errors) >= {"system", "service", "time_zone"}


def test_only_the_integrator_sees_feeds_and_only_its_editors_replay(feeds, client, client_for):
    traffic(feeds, 1)
    feed = feeds["servicenow"]
    failed = InboundEvent.objects.get(state=InboundStateChoices.FAILED)
    for user in (feeds.world.provider1_editor, feeds.world.customer_viewer, feeds.world.b_admin):
        c = client_for(user)
        assert c.get(feed.get_absolute_url()).status_code == 404
        assert c.get(failed.get_absolute_url()).status_code == 404
        assert (
            "Relay" not in c.get(reverse("integrations:webhooksubscription_list")).content.decode()
        )
    assert (
        client_for(feeds.world.provider1_editor)
        .get(reverse("integrations:importrun_add"))
        .status_code
        == 403
    )
    viewer = client_for(feeds.world.integrator_viewer)
    assert viewer.get(failed.get_absolute_url()).status_code == 200
    assert (
        viewer.post(reverse("integrations:inboundevent_replay", args=[failed.pk])).status_code
        == 403
    )
    assert client.get(reverse("integrations:ticketfeed_list")).status_code in (302, 200)
    client.logout()
    assert client.get(reverse("integrations:ticketfeed_list")).status_code == 302  # login required


def test_upload_form_imports_through_the_worker(
    feeds, client_for, tmp_path, settings, django_capture_on_commit_callbacks
):
    settings.SIAM_IMPORTS_DIR = tmp_path / "imports"
    client = client_for(feeds.world.integrator_admin)
    path = tmp_path / "export.csv"
    write_servicenow_csv(path, 30, seed=4, groups=["Service Desk", "Global Network"])
    with open(path, "rb") as handle, django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("integrations:importrun_add"),
            {"feed": feeds["servicenow"].pk, "file": handle, "unknown_groups": "report"},
        )
    run = ImportRun.objects.get()
    assert response.status_code == 302 and response.url == run.get_absolute_url()
    assert (run.state, run.rows_read, run.rows_rejected) == ("done", 30, 0)
    assert not list((tmp_path / "imports").iterdir())  # the stored upload is removed
    page = client.get(run.get_absolute_url()).content.decode()
    assert "Rows read" in page and ">30<" in page
    bad = client.post(
        reverse("integrations:importrun_add"),
        {"feed": feeds["servicenow"].pk, "file": io.BytesIO(b"x"), "unknown_groups": "report"},
    )
    assert bad.status_code == 422


# --- API ---------------------------------------------------------------------------------------


def test_api_feeds_events_replay_and_imports(
    feeds, api_client_for, tmp_path, settings, django_capture_on_commit_callbacks
):
    settings.SIAM_IMPORTS_DIR = tmp_path
    traffic(feeds, 1)
    api = api_client_for(feeds.world.integrator_admin)
    listed = api.get("/api/integrations/feeds/").json()
    assert listed["count"] == 4
    assert not any(secret in json.dumps(listed) for secret in feeds.secrets.values())
    assert {"secret", "secret_encrypted", "token_hash"}.isdisjoint(listed["results"][0])
    system = f.ConnectedSystemFactory(
        ecosystem=feeds.world.a,
        organisation=feeds.world.provider2,
        name="P2 SNOW",
        kind="servicenow",
    )
    created = api.post(
        "/api/integrations/feeds/",
        {"ecosystem": feeds.world.a.pk, "system": system.pk, "service": feeds.world.service.pk},
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert created.json()["auth_method"] == "token" and len(created.json()["secret"]) > 30
    again = api.get(f"/api/integrations/feeds/{created.json()['id']}/").json()
    assert "secret" not in again
    bad = api.post(
        "/api/integrations/feeds/",
        {
            "ecosystem": feeds.world.a.pk,
            "system": system.pk,
            "service": feeds.world.service.pk,
            "time_zone": "Nowhere",
        },
        format="json",
    )
    assert bad.status_code == 400 and "time_zone" in bad.json()

    failed = InboundEvent.objects.get(state=InboundStateChoices.FAILED)
    event = api.get(f"/api/integrations/inbound-events/{failed.pk}/").json()
    assert event["state"] == "failed" and "Parked" in event["body"]
    assert api.post("/api/integrations/inbound-events/", {}, format="json").status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        replayed = api.post(f"/api/integrations/inbound-events/{failed.pk}/replay/")
    assert replayed.status_code == 202
    failed.refresh_from_db()
    assert failed.state == "failed" and failed.attempts == 2  # the dictionary still lacks it
    path = tmp_path / "sn.csv"
    write_servicenow_csv(path, 20, seed=2, groups=["Service Desk"])
    with open(path, "rb") as handle, django_capture_on_commit_callbacks(execute=True):
        started = api.post(
            "/api/integrations/imports/", {"feed": feeds["servicenow"].pk, "file": handle}
        )
    assert started.status_code == 202, started.json()
    assert ImportRun.objects.get(pk=started.json()["id"]).rows_read == 20
    provider = api_client_for(feeds.world.provider1_editor)
    assert provider.get("/api/integrations/inbound-events/").json()["count"] == 0
    assert provider.post(f"/api/integrations/inbound-events/{failed.pk}/replay/").status_code == 404


def test_api_feed_creation_without_the_right_writes_nothing(feeds, api_client_for):
    from integrations.models import FieldMapping
    from siam.models import ConnectedSystem, IntegrationFlow

    system = f.ConnectedSystemFactory(
        ecosystem=feeds.world.a, organisation=feeds.world.provider1, name="P1 Jira"
    )
    counted = (ConnectedSystem, IntegrationFlow, FieldMapping)
    before = [model.objects.count() for model in counted]
    for user in (
        feeds.world.provider1_editor,
        feeds.world.integrator_viewer,
        feeds.world.customer_viewer,
    ):
        answer = api_client_for(user).post(
            "/api/integrations/feeds/",
            {"ecosystem": feeds.world.a.pk, "system": system.pk, "service": feeds.world.service.pk},
            format="json",
        )
        assert answer.status_code in (400, 403)
    assert [model.objects.count() for model in counted] == before
    assert not TicketFeed.objects.filter(system=system).exists()


def test_openapi_lists_the_integrations_api():
    from django.core.management import call_command

    out = io.StringIO()
    call_command("spectacular", "--fail-on-warn", stdout=out)
    assert "/api/integrations/inbound-events/{id}/replay/" in out.getvalue()


# --- Outbound ----------------------------------------------------------------------------------


class Receiver(BaseHTTPRequestHandler):
    answers: list = []
    received: list = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Receiver.received.append((dict(self.headers), body))
        code = Receiver.answers.pop(0) if Receiver.answers else 200
        self.send_response(code)
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver():
    Receiver.answers, Receiver.received = [], []
    server = HTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Receiver, f"http://127.0.0.1:{server.server_port}/hook"
    server.shutdown()


def breach(sla):
    incident = sla.open()
    alert_ids = sla_crossings.record_crossings(at=datetime(2026, 11, 30, 12, tzinfo=UTC))
    return incident, [a for a in SlaAlert.objects.filter(pk__in=alert_ids)]


def test_breaches_are_posted_signed_to_subscribers(
    sla, receiver, django_capture_on_commit_callbacks
):
    handler, url = receiver
    subscription = WebhookSubscription(
        ecosystem=sla.world.a, name="Relay", url=url, events=["breach"]
    )
    secret = subscription.set_secret()
    subscription.save()
    incident, alerts = breach(sla)
    with django_capture_on_commit_callbacks(execute=True):
        dispatch_alerts([a.pk for a in alerts])
    breaches = [a for a in alerts if a.level == "breach"]
    assert len(handler.received) == len(breaches) > 0  # warnings not subscribed
    headers, body = handler.received[0]
    expected = (
        signatures._hex_hmac(
            secret, headers["X-SIAM-Timestamp"].encode().decode() + "." + body.decode()
        )
        if False
        else None
    )

    digest = hmac.new(
        secret.encode(), headers["X-SIAM-Timestamp"].encode() + b"." + body, hashlib.sha256
    ).hexdigest()
    assert headers["X-SIAM-Signature"] == f"sha256={digest}" and expected is None
    data = json.loads(body)
    assert data["event"] == "sla.breach" and data["incident"]["reference"] == incident.reference
    delivery = WebhookDelivery.objects.get(pk=int(headers["X-SIAM-Delivery"]))
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("delivered", 1, 200)
    # Dispatching again sends nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        dispatch_alerts([a.pk for a in alerts])
    assert len(handler.received) == len(breaches)


def test_failed_deliveries_are_retried_then_given_up(
    sla, receiver, django_capture_on_commit_callbacks
):
    from integrations import outbound

    handler, url = receiver
    handler.answers = [500, 503] + [500] * 10
    subscription = WebhookSubscription(ecosystem=sla.world.a, name="Flaky", url=url)
    subscription.set_secret()
    subscription.save()
    delivery = WebhookDelivery.objects.create(
        subscription=subscription, event="ping", payload={"event": "ping"}
    )
    from integrations.tasks import deliver_webhook

    deliver_webhook(delivery.pk)  # eager: each retry runs at once
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatusChoices.FAILED
    assert delivery.attempts == len(outbound.RETRY_DELAYS) + 1 == len(handler.received)
    assert delivery.last_error == "HTTP 500 Internal Server Error"  # the status, not the body

    handler.answers = [502]
    recovered = WebhookDelivery.objects.create(
        subscription=subscription, event="ping", payload={"event": "ping"}
    )
    deliver_webhook(recovered.pk)
    recovered.refresh_from_db()
    assert (recovered.status, recovered.attempts) == ("delivered", 2)


def test_unreachable_receiver_is_logged(sla):
    from integrations import outbound

    subscription = WebhookSubscription(
        ecosystem=sla.world.a, name="Down", url="http://127.0.0.1:9/none"
    )
    subscription.set_secret()
    subscription.save()
    delivery = WebhookDelivery.objects.create(subscription=subscription, event="ping", payload={})
    assert outbound.attempt(delivery) is False
    assert "ConnectionError" in delivery.last_error and delivery.status == "pending"
