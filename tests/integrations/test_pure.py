"""Parsers, signatures, the data dictionary and the fold: pure code, no database."""

import base64
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from integrations import signatures
from integrations.mapping import Dictionary, MappingError, Vocabulary
from integrations.parsers import ParseError, parse, parse_servicenow
from integrations.timeline import SourceChange, TicketState, fold
from slas.choices import EventKindChoices, IncidentStatusChoices

from .conftest import payload

T0 = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


# --- Parsers ---------------------------------------------------------------------------------


def test_jira_issue_created():
    event = parse("jira", payload("jira_issue_created.json"))
    assert (event.ticket, event.event_id, event.created) == ("INF-42", "created", True)
    assert event.at == event.opened_at == T0
    assert event.title == "Checkout fails with error 500"
    assert event.values["status"] == "To Do"
    assert event.values["priority"] == "High"
    assert event.values["issuetype"] == "Bug"


def test_jira_issue_updated_reads_its_changelog():
    event = parse("jira", payload("jira_issue_updated.json"))
    assert (event.event_id, event.sequence, event.created) == ("changelog-10417", 10417, False)
    assert event.at == T0 + timedelta(minutes=15)
    assert event.values["status"] == "In Progress"
    assert event.values["priority"] == "Highest"


def test_servicenow_record_with_display_values():
    event = parse("servicenow", payload("servicenow_incident.json"))
    assert (event.ticket, event.event_id, event.sequence) == ("INC0010012", "mod-3", 3)
    assert event.at == T0 + timedelta(minutes=20)
    assert event.opened_at == T0
    assert event.values["state"] == "In Progress"
    assert event.values["impact"] == "2 - Medium"
    assert event.values["assignment_group"] == "Global Network"
    assert event.comment == "Forwarded to Global's network team."
    assert event.extra == {"made_sla": "true", "reopen_count": "0"}


def test_zendesk_ticket_event():
    event = parse("zendesk", payload("zendesk_status_changed.json"))
    assert event.ticket == "5158"
    assert event.event_id == "cbe4028c-7239-495d-b020-f22348516046"
    assert event.at == datetime(2026, 11, 25, 8, 45, 0, 672717, tzinfo=UTC)
    assert event.values["status"] == "OPEN"
    assert event.values["group_id"] == "8447320466430"
    assert event.title == "Customer cannot log in"


def test_zendesk_trigger_body():
    event = parse("zendesk", payload("zendesk_trigger.json"))
    assert event.ticket == "5160"
    assert event.values["group"] == "Mercuri customer service"
    assert event.comment == "We asked the customer for the invoice number."
    assert not event.created


def test_azure_devops_work_item_updated():
    event = parse("azure_devops", payload("azure_devops_workitem_updated.json"))
    assert (event.ticket, event.event_id, event.sequence) == ("42", "rev-3", 3)
    # revisedDate 9999-01-01 marks the latest revision: the change date is what counts.
    assert event.at == datetime(2026, 11, 25, 11, 30, 0, 130000, tzinfo=UTC)
    assert event.values["System.State"] == "Resolved"
    assert event.values["System.AreaPath"] == "Global\\Network"
    assert event.comment == "Router firmware rolled back."


def test_azure_devops_work_item_created_and_jira_comment():
    created = parse(
        "azure_devops",
        {
            "eventType": "workitem.created",
            "resource": {
                "id": 4711,
                "rev": 1,
                "fields": {
                    "System.Title": "Packet loss",
                    "System.State": "New",
                    "System.CreatedDate": "2026-11-25T09:00:00Z",
                    "System.ChangedDate": "2026-11-25T09:00:00Z",
                },
            },
        },
    )
    assert (created.ticket, created.event_id, created.created, created.at) == (
        "4711",
        "rev-1",
        True,
        T0,
    )
    assert created.values["System.State"] == "New" and created.title == "Packet loss"
    comment = parse(
        "jira",
        {
            "timestamp": 1795598100000,
            "webhookEvent": "comment_created",
            "issue": {"key": "INF-42", "fields": {}},
            "comment": {
                "id": "20001",
                "body": "Logs attached",
                "created": "2026-11-25T09:20:00.000+0000",
            },
        },
    )
    assert (comment.event_id, comment.comment, comment.at) == (
        "comment-20001",
        "Logs attached",
        T0 + timedelta(minutes=20),
    )


@pytest.mark.parametrize(
    "kind, body, message",
    [
        ("jira", [], "not a JSON object"),
        ("jira", {"webhookEvent": "jira:issue_deleted"}, "not a ticket event"),
        ("jira", {"webhookEvent": "jira:issue_updated", "timestamp": 1}, "no issue"),
        ("servicenow", {"result": {"state": "2"}}, "no number"),
        ("servicenow", {"number": "INC1", "sys_updated_on": "yesterday"}, "not a date"),
        ("zendesk", {"type": "zen:event-type:user.created"}, "not a ticket event"),
        ("zendesk", {"ticket": {"id": "1"}}, "no updated_at"),
        ("azure_devops", {"eventType": "build.complete"}, "not a work item event"),
        ("other", {}, "cannot be read"),
        (
            "jira",
            {
                "webhookEvent": "jira:issue_updated",
                "issue": {"key": "A-1", "fields": [1]},
                "timestamp": 1,
            },
            "not a well-formed jira event",
        ),
        (
            "azure_devops",
            {"eventType": "workitem.updated", "resource": {"workItemId": 1, "fields": [1]}},
            "not a well-formed",
        ),
        ("zendesk", {"ticket": {"id": "1", "updated_at": 12}}, "not a date"),
        (
            "servicenow",
            {"number": "X" * 101, "sys_updated_on": "2026-11-25 10:00:00"},
            "1 to 100 characters",
        ),
        (
            "servicenow",
            {"number": "INC1", "sys_updated_on": "2026-11-25 10:00:00", "sys_mod_count": "9" * 300},
            "at most 200",
        ),
    ],
)
def test_malformed_bodies_are_refused_with_the_reason(kind, body, message):
    with pytest.raises(ParseError, match=message):
        parse(kind, body)


def test_nul_characters_are_dropped():
    record = {"number": "INC1", "sys_updated_on": "2026-11-25 10:00:00", "comments": "a\x00b"}
    assert parse_servicenow(record).comment == "ab"


def test_servicenow_naive_instants_are_utc_unless_told():
    from zoneinfo import ZoneInfo

    record = {"number": "INC1", "sys_updated_on": "2026-11-25 10:00:00", "sys_mod_count": "0"}
    assert parse_servicenow(record).at == T0 + timedelta(hours=1)
    assert parse_servicenow(record, naive_zone=ZoneInfo("Europe/Amsterdam")).at == T0


# --- Signatures -----------------------------------------------------------------------------


def test_hmac_signatures_of_jira_and_zendesk():
    body = b'{"a": 1}'
    assert (
        signatures.verify_hmac("s3cret", body, {"X-Hub-Signature": signatures.sign("s3cret", body)})
        == "valid"
    )
    assert (
        signatures.verify_hmac(
            "s3cret", body + b" ", {"X-Hub-Signature": signatures.sign("s3cret", body)}
        )
        == "invalid"
    )
    assert signatures.verify_hmac("s3cret", body, {"X-Hub-Signature": "sha1=abc"}) == "invalid"
    assert signatures.verify_hmac("s3cret", body, {}) == "missing"
    zendesk = {
        "X-Zendesk-Webhook-Signature": signatures.sign_zendesk(
            "s3cret", "2026-11-25T09:00:00Z", body
        ),
        "X-Zendesk-Webhook-Signature-Timestamp": "2026-11-25T09:00:00Z",
    }
    assert signatures.verify_hmac("s3cret", body, zendesk) == "valid"
    zendesk["X-Zendesk-Webhook-Signature-Timestamp"] = "2026-11-25T09:00:01Z"
    assert signatures.verify_hmac("s3cret", body, zendesk) == "invalid"


def test_tokens_as_bearer_basic_or_header():
    import hashlib

    digest = hashlib.sha256(b"tok").hexdigest()
    basic = base64.b64encode(b"azure:tok").decode()
    assert signatures.verify_token(digest, {"Authorization": "Bearer tok"}) == "valid"
    assert signatures.verify_token(digest, {"Authorization": f"Basic {basic}"}) == "valid"
    assert signatures.verify_token(digest, {"X-SIAM-Token": "tok"}) == "valid"
    assert signatures.verify_token(digest, {"Authorization": "Bearer nope"}) == "invalid"
    assert signatures.verify_token(digest, {"Authorization": "Basic %%%"}) == "missing"
    assert signatures.verify_token(digest, {}) == "missing"
    kept = signatures.kept_headers({"Authorization": "Bearer tok", "User-Agent": "ServiceNow"})
    assert kept == {"User-Agent": "ServiceNow", "Authorization": "Bearer (redacted)"}


# --- The data dictionary ---------------------------------------------------------------------


def rules(source, target, *values, same=False, default=None, skip=()):
    rows = [
        SimpleNamespace(direction="forward", source_value=s, target_value=t, rule="map")
        for s, t in values
    ]
    if same:
        rows.append(
            SimpleNamespace(direction="forward", source_value="", target_value="", rule="same")
        )
    if default:
        rows.append(
            SimpleNamespace(
                direction="forward", source_value="", target_value=default, rule="default"
            )
        )
    rows += [
        SimpleNamespace(direction="forward", source_value=s, target_value="", rule="skip")
        for s in skip
    ]
    return SimpleNamespace(
        source_field=source, target_field=target, value_mappings=SimpleNamespace(all=lambda: rows)
    )


VOCABULARY = Vocabulary(
    statuses={"new": "new", "in_progress": "in_progress", "resolved": "resolved"},
    priorities={"p1": "P1", "p2": "P2"},
    levels={"high": "High"},
    classifications={"incident": "incident"},
    organisations={"provider-one": 7},
)


def test_dictionary_translates_and_reports_what_it_cannot():
    dictionary = Dictionary.build(
        [
            rules(
                "state", "status", ("Active", "in_progress"), ("Done", "resolved"), skip=["Draft"]
            ),
            rules("priority", "priority", same=True),
            rules("type", "classification", default="incident"),
            rules("group", "holder", ("Network", "provider-one")),
            rules("colour", "nothing"),  # not an incident field: ignored
        ],
        VOCABULARY,
        "Tool → hub",
    )
    result = dictionary.translate(
        {"state": "active", "priority": "p1", "type": "Story", "group": "Network"}
    )
    assert result.changes == {
        "status": "in_progress",
        "priority": "P1",
        "classification": "incident",
        "holder": 7,
    }
    assert dictionary.translate({"state": "Draft"}).changes == {}
    with pytest.raises(MappingError) as error:
        dictionary.translate({"state": "Waiting", "priority": "P9"})
    assert error.value.problems == [
        "No mapping for state 'Waiting' (→ status) in the data dictionary of Tool → hub.",
        "priority 'P9' maps to 'P9', which is no priority here.",
    ]
    unknown = dictionary.translate({"group": "Database team"})
    assert unknown.unresolved_group and unknown.group == "Database team"


# --- The fold: any order of arrival, one timeline ---------------------------------------------

STATUSES = ["new", "in_progress", "awaiting_user_info", "resolved", "closed"]


@st.composite
def histories(draw):
    count = draw(st.integers(min_value=1, max_value=8))
    changes = [SourceChange("created", T0, 0, True, {"status": "new", "holder": 1})]
    for n in range(1, count + 1):
        minute = draw(st.integers(min_value=0, max_value=240))
        fields = {}
        if draw(st.booleans()):
            fields["status"] = draw(st.sampled_from(STATUSES))
        if draw(st.booleans()):
            fields["holder"] = draw(st.sampled_from([1, 2, 3]))
        if draw(st.booleans()):
            fields["priority"] = draw(st.sampled_from(["P1", "P2", "P3"]))
        changes.append(
            SourceChange(
                f"mod-{n}",
                T0 + timedelta(minutes=minute),
                n,
                False,
                fields,
                comment=draw(st.sampled_from(["", "note"])),
            )
        )
    return changes


@given(histories(), st.randoms(use_true_random=False))
@settings(max_examples=300, deadline=None)
def test_fold_is_the_same_for_every_order_of_arrival_and_duplicates(changes, random):
    expected = fold(changes, opened_at=T0, initial=TicketState(), tool="Tool")
    shuffled = list(changes) + random.sample(changes, k=min(3, len(changes)))  # re-deliveries
    random.shuffle(shuffled)
    unique = list({c.key: c for c in shuffled}.values())
    assert fold(unique, opened_at=T0, initial=TicketState(), tool="Tool") == expected


def test_fold_kinds_and_notes():
    changes = [
        SourceChange("c", T0, 0, True, {"status": "new", "holder": 1}),
        SourceChange("1", T0 + timedelta(minutes=5), 1, False, {"status": "in_progress"}),
        SourceChange("2", T0 + timedelta(minutes=6), 2, False, {"holder": 2}, group="Network"),
        SourceChange("3", T0 + timedelta(minutes=7), 3, False, {"priority": "P1"}),
        SourceChange("4", T0 + timedelta(minutes=8), 4, False, {}, comment="Looking"),
        SourceChange("5", T0 + timedelta(minutes=9), 5, False, {"status": "resolved"}),
        SourceChange("6", T0 + timedelta(minutes=10), 6, False, {"status": "in_progress"}),
        SourceChange("7", T0 - timedelta(minutes=10), 7, False, {}),  # before the opening
    ]
    entries, state = fold(
        changes,
        opened_at=T0,
        initial=TicketState(),
        tool="Jira",
        labels={
            "status": dict(IncidentStatusChoices.choices),
            "holder": {1: "Integrator", 2: "Provider"},
        },
    )
    assert [e.kind for e in entries] == [
        EventKindChoices.OPENED,
        EventKindChoices.COMMENT,
        EventKindChoices.STATUS,
        EventKindChoices.HANDOFF,
        EventKindChoices.PRIORITY,
        EventKindChoices.COMMENT,
        EventKindChoices.RESOLVED,
        EventKindChoices.REOPENED,
    ]
    assert entries[1].at == T0  # placed at the opening
    assert entries[1].note == "Jira: updated, no tracked field changed"
    assert entries[3].note == "Jira: group — → Network; holder Integrator → Provider"
    assert entries[5].note == "Jira: comment: Looking"
    assert (state.status, state.holder, state.priority) == ("in_progress", 2, "P1")
