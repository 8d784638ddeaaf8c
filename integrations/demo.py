"""Ingestion in the demo ecosystem (the seed's point: each party keeps its tool).

Feeds from Infinity's Jira and ServiceNow, Mercuri's Zendesk and Global's Azure
DevOps, each with the tool's standard data dictionary and its assignment groups
mapped to the parties; a day of webhook traffic through the real receiving path
(applied events, a re-delivery, an event whose status the dictionary does not know
yet — failed, to fix and replay — and a request with a wrong signature); a
ServiceNow audit export imported; and an outbound subscription, switched off until
Mercuri's relay exists.
"""

from __future__ import annotations

import base64
import csv
import io
import json
from datetime import timedelta

from django.utils import timezone

from siam.demo import DemoResult
from siam.models import ConnectedSystem, Ecosystem, IntegrationFlow, Organisation, Service

from . import services, signatures
from .choices import AuthMethodChoices, ImportFormatChoices, UnknownGroupChoices
from .dictionaries import standard_flow
from .importers import SERVICENOW_COLUMNS, import_lines
from .models import (
    AssignmentGroup,
    FieldMapping,
    ImportRun,
    TicketFeed,
    ValueMapping,
    WebhookSubscription,
)
from .samples import servicenow_rows

GROUPS = {
    "Infinity ServiceNow": (("Service Desk", "infinity"), ("Global Network", "global"), ("Mercuri customer service", "mercuri"), ("Platform team", "infinity")),
    "Infinity Jira": (("Architecture", "infinity"), ("Global developers", "global")),
    "Mercuri Zendesk": (("Mercuri customer service", "mercuri"), ("Escalations", "infinity")),
    "Global Azure DevOps": (("Global\\Network", "global"), ("Global\\Web shop", "global")),
}  # fmt: skip


def load(actor) -> DemoResult:
    result = DemoResult()
    eco = Ecosystem.objects.filter(slug="infinity-ecommerce").first()
    if eco is None or TicketFeed.objects.filter(ecosystem=eco).exists():
        return result
    _flow_dictionaries(eco)
    feeds, secrets = _feeds(eco, result)
    now = timezone.now().replace(second=0, microsecond=0)
    _webhook_traffic(_sender(feeds, secrets, now, result), start=now - timedelta(hours=6))
    _servicenow_import(eco, feeds["Infinity ServiceNow"], now, result)
    _subscription(eco, result)
    return result


def _feeds(eco, result) -> tuple[dict, dict]:
    """One feed per tool, with the tool's standard dictionary and its groups; the plain
    secrets are kept to sign the demo's webhooks."""
    orgs = {o.slug: o for o in Organisation.objects.filter(pk__in=eco.party_ids())}
    service = Service.objects.get(ecosystem=eco, name="Online store")
    secrets = {}
    feeds = {}
    for system in ConnectedSystem.objects.filter(ecosystem=eco, name__in=GROUPS):
        feed = TicketFeed(
            ecosystem=eco,
            system=system,
            auth_method=AuthMethodChoices.HMAC
            if system.kind in ("jira", "zendesk")
            else AuthMethodChoices.TOKEN,
            flow=standard_flow(system),
            service=service,
            default_holder=orgs["infinity"],
            time_zone="Europe/Amsterdam",
            unknown_groups=UnknownGroupChoices.REPORT,
            description=f"Ticket events from {system.organisation}'s {system.get_kind_display()}.",
        )
        secrets[system.name] = feed.set_secret()
        feed.save()
        for name, slug in GROUPS[system.name]:
            AssignmentGroup.objects.create(feed=feed, name=name, organisation=orgs[slug])
        feeds[system.name] = feed
        result.created += 1 + len(GROUPS[system.name])
    return feeds, secrets


def _sender(feeds, secrets, now, result):
    """Sends a tool's webhook through the real receiving path, signed as that tool signs."""

    def send(name, data, *, secret=None):
        feed = feeds[name]
        body = json.dumps(data).encode()
        secret = secret or secrets[name]
        if feed.auth_method == AuthMethodChoices.HMAC and feed.system.kind == "jira":
            headers = {"X-Hub-Signature": signatures.sign(secret, body)}
        elif feed.auth_method == AuthMethodChoices.HMAC:
            stamp = now.isoformat()
            headers = {
                "X-Zendesk-Webhook-Signature": signatures.sign_zendesk(secret, stamp, body),
                "X-Zendesk-Webhook-Signature-Timestamp": stamp,
            }
        elif feed.system.kind == "azure_devops":
            token = base64.b64encode(f"global:{secret}".encode()).decode()
            headers = {"Authorization": f"Basic {token}"}
        else:
            headers = {"Authorization": f"Bearer {secret}"}
        headers["User-Agent"] = f"{feed.system.get_kind_display()} (demo)"
        inbound, status = services.receive(feed, body, headers, remote_addr="192.0.2.10")
        if status == 202:
            services.process(inbound.pk)
        result.created += 1
        return inbound

    return send


def _webhook_traffic(send, *, start) -> None:
    """A day of webhooks: applied events, a re-delivery, a status the dictionary does not
    know yet (failed, to map and replay) and a request with a wrong signature."""

    def stamp(minutes):
        return (start + timedelta(minutes=minutes)).isoformat()

    def millis(minutes):
        return int((start + timedelta(minutes=minutes)).timestamp() * 1000)

    # Mercuri's customer service cannot solve a login problem and escalates it.
    zendesk_ticket = {
        "id": "5158", "subject": "Customer cannot log in after password reset", "status": "NEW",
        "priority": "HIGH", "type": "INCIDENT", "group_id": "Mercuri customer service",
        "created_at": stamp(0), "updated_at": stamp(0),
    }  # fmt: skip
    send("Mercuri Zendesk", {"type": "zen:event-type:ticket.created", "id": "5d2f7b1e-0001", "time": stamp(0), "subject": "zen:ticket:5158", "detail": zendesk_ticket, "event": {}})  # fmt: skip
    send("Mercuri Zendesk", {"type": "zen:event-type:ticket.status_changed", "id": "5d2f7b1e-0002", "time": stamp(12), "subject": "zen:ticket:5158", "detail": {**zendesk_ticket, "status": "OPEN", "updated_at": stamp(12)}, "event": {"previous": "NEW", "current": "OPEN"}})  # fmt: skip
    escalation = {"type": "zen:event-type:ticket.group_assignment_changed", "id": "5d2f7b1e-0003", "time": stamp(40), "subject": "zen:ticket:5158", "detail": {**zendesk_ticket, "status": "OPEN", "group_id": "Escalations", "updated_at": stamp(40)}, "event": {"previous": "Mercuri customer service", "current": "Escalations"}}  # fmt: skip
    send("Mercuri Zendesk", escalation)
    send("Mercuri Zendesk", escalation)  # Zendesk retried: kept once

    # John's Jira issue for the same problem, with an unknown status: failed until mapped.
    issue = {"key": "INF-214", "id": "10214", "fields": {"summary": "Login fails after password reset (from Zendesk 5158)", "created": stamp(45), "status": {"name": "To Do"}, "priority": {"name": "High"}, "issuetype": {"name": "Bug"}}}  # fmt: skip
    send("Infinity Jira", {"timestamp": millis(45), "webhookEvent": "jira:issue_created", "issue": issue})  # fmt: skip
    send("Infinity Jira", {"timestamp": millis(50), "webhookEvent": "jira:issue_updated", "issue": issue, "changelog": {"id": "30101", "items": [{"field": "status", "fromString": "To Do", "toString": "In Progress"}]}})  # fmt: skip
    send("Infinity Jira", {"timestamp": millis(95), "webhookEvent": "jira:issue_updated", "issue": issue, "changelog": {"id": "30102", "items": [{"field": "status", "fromString": "In Progress", "toString": "Waiting for Global"}]}})  # fmt: skip
    send("Infinity Jira", {"timestamp": millis(96), "webhookEvent": "jira:issue_updated", "issue": issue}, secret="an-old-secret")  # fmt: skip

    # Global's network work item, created and resolved in Azure DevOps.
    fields = {"System.Title": "Packet loss between the data centre and the payment provider", "System.WorkItemType": "Bug", "System.State": "New", "System.AreaPath": "Global\\Network", "System.CreatedDate": stamp(60), "System.ChangedDate": stamp(60), "Microsoft.VSTS.Common.Priority": 2}  # fmt: skip
    send("Global Azure DevOps", {"eventType": "workitem.created", "resource": {"id": 4711, "rev": 1, "fields": fields}})  # fmt: skip
    send("Global Azure DevOps", {"eventType": "workitem.updated", "resource": {"workItemId": 4711, "rev": 2, "fields": {"System.State": {"oldValue": "New", "newValue": "Active"}}, "revision": {"id": 4711, "rev": 2, "fields": {**fields, "System.State": "Active", "System.ChangedDate": stamp(75)}}}})  # fmt: skip
    send("Global Azure DevOps", {"eventType": "workitem.updated", "resource": {"workItemId": 4711, "rev": 3, "fields": {"System.State": {"oldValue": "Active", "newValue": "Resolved"}, "System.History": {"newValue": "<div>Faulty transceiver replaced.</div>"}}, "revision": {"id": 4711, "rev": 3, "fields": {**fields, "System.State": "Resolved", "System.ChangedDate": stamp(190)}}}})  # fmt: skip


def _servicenow_import(eco, sn_feed, now, result) -> None:
    # Elaine's ServiceNow export of last month, imported (the demo's groups).
    rows = servicenow_rows(
        240,
        seed=11,
        groups=[name for name, _ in GROUPS["Infinity ServiceNow"]],
        start=(now - timedelta(days=62)).replace(tzinfo=None),
    )
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=SERVICENOW_COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    text.seek(0)
    run = ImportRun.objects.create(
        ecosystem=eco,
        feed=sn_feed,
        format=ImportFormatChoices.SERVICENOW,
        file_name="incident_audit_export.csv",
        unknown_groups=UnknownGroupChoices.REPORT,
    )
    import_lines(run, text)
    result.created += 1 + run.events_applied


def _subscription(eco, result) -> None:
    """An outbound subscription, switched off until Mercuri's relay exists."""
    subscription = WebhookSubscription(
        ecosystem=eco,
        name="Mercuri Zendesk relay",
        url="https://relay.mercuri.example/siam/notifications",
        active=False,
    )
    subscription.set_secret()
    subscription.save()
    result.created += 1


def _flow_dictionaries(eco) -> None:
    """The data dictionaries of two flows between the parties' tools."""
    flows = {f.name: f for f in IntegrationFlow.objects.filter(ecosystem=eco)}
    escalations = flows.get("Customer escalations")
    if escalations:
        _fields(escalations, (
            ("subject", "string", 255, "summary", "string", 255, "One-line description of the problem", "Checkout fails with error 500"),
            ("description", "text", 65535, "description", "text", 32767, "Full description from the customer", "Since 10:00 customers cannot pay…"),
            ("priority", "enum", None, "priority", "enum", None, "How urgent the ticket is", "urgent / high / normal / low"),
        ), values={"priority": (("urgent", "Highest"), ("high", "High"), ("normal", "Medium"))}, source_values={"priority": "urgent\nhigh\nnormal\nlow"})  # fmt: skip
    collaboration = flows.get("Architecture and project collaboration")
    if collaboration:
        _fields(collaboration, (
            ("summary", "string", 255, "short_description", "string", 160, "“Summary” in Jira is the “short description” in ServiceNow", "Checkout fails with error 500"),
            ("priority", "enum", None, "severity", "enum", None, "Jira priority and ServiceNow severity", "Highest / 1 - High"),
        ), values={"priority": (("Highest", "1 - High"), ("High", "2 - Medium"), ("Medium", "3 - Low"))},
           back={"priority": (("1 - High", "Highest"), ("2 - Medium", "High"))})  # fmt: skip


def _fields(flow, rows, values=None, back=None, source_values=None):
    for n, (src, src_type, src_len, dst, dst_type, dst_len, semantics, samples) in enumerate(rows):
        field = FieldMapping.objects.create(
            flow=flow, position=n, source_field=src, source_type=src_type, source_max_length=src_len,
            target_field=dst, target_type=dst_type, target_max_length=dst_len, semantics=semantics,
            sample_values=samples, source_values=(source_values or {}).get(src, ""),
        )  # fmt: skip
        for source, target in (values or {}).get(src, ()):
            ValueMapping.objects.create(field=field, source_value=source, target_value=target)
        for source, target in (back or {}).get(src, ()):
            ValueMapping.objects.create(
                field=field, direction="backward", source_value=source, target_value=target
            )
