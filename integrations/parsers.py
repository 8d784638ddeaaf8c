"""What each tool sends, read into one shape: a ``TicketEvent`` (pure, no ORM).

A parser knows the tool's payload, not the ecosystem: it keeps the tool's own field
names and display values in ``values``; the data dictionary of the feed later says
what they mean here (``integrations.mapping``). A payload that lacks what every event
needs (the ticket, the instant) raises ``ParseError``: the request is answered 400
and kept as failed.

Formats, from each vendor's public documentation:

- Jira Cloud webhooks ``jira:issue_created``, ``jira:issue_updated`` (with its
  ``changelog``; a comment arrives as ``issue_commented`` or ``comment_created``).
- ServiceNow outbound REST message: the incident record as JSON, bare or inside
  ``result`` / ``record``; a field is a plain value or ``{"value", "display_value"}``.
- Zendesk: ticket events of event-subscribed webhooks (``zen:event-type:ticket.*``),
  or the JSON body of a trigger's webhook as given in ``docs/integrations.md``.
- Azure DevOps service hooks ``workitem.created``, ``workitem.updated``,
  ``workitem.commented``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from html import unescape


class ParseError(ValueError):
    """The body is not an event of the tool it was sent to."""


@dataclass(frozen=True)
class TicketEvent:
    ticket: str  # the tool's key of the ticket (INF-42, INC0010012, 5158, 42)
    event_id: str  # unique among the ticket's events in the tool: the idempotency key
    at: datetime  # when it happened in the tool, aware
    sequence: int  # the tool's own order among events of the same instant
    created: bool  # the ticket's creation
    opened_at: datetime | None
    title: str = ""
    values: dict[str, str] = field(default_factory=dict)
    comment: str = ""
    #: The tool's own figures, kept for comparison with ours (made_sla, reopen_count …).
    extra: dict = field(default_factory=dict)

    def __post_init__(self):
        # What the database keeps of a key: refused here, not failed there.
        if not self.ticket or len(self.ticket) > MAX_TICKET_KEY:
            raise ParseError(f"A ticket key must have 1 to {MAX_TICKET_KEY} characters.")
        if len(self.event_id) > MAX_EVENT_ID:
            raise ParseError(f"An event id must have at most {MAX_EVENT_ID} characters.")


MAX_TICKET_KEY = 100
MAX_EVENT_ID = 200


# --- Small readers ---------------------------------------------------------------------------

_FRACTION = re.compile(r"(\.\d{6})\d+")


def parse_instant(value, *, naive_zone: tzinfo = UTC) -> datetime:
    """An ISO 8601 instant (any fraction, ``Z`` or offset) or epoch milliseconds."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(value / 1000, tz=UTC)
    if not isinstance(value, str) or not value.strip():
        raise ParseError(f"{value!r} is not a date and time.")
    text = _FRACTION.sub(r"\1", value.strip())  # nanoseconds (Zendesk) -> microseconds
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ParseError(f"{value!r} is not a date and time.") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=naive_zone)
    return moment.astimezone(UTC)


def _text(value) -> str:
    """A field's display value, whatever the tool wraps it in."""
    if value is None:
        return ""
    if isinstance(value, dict):
        for key in ("display_value", "displayName", "name", "value", "newValue"):
            if key in value and not isinstance(value[key], dict):
                return _text(value[key])
        return ""
    if isinstance(value, list):
        return ", ".join(t for t in (_text(v) for v in value) if t)
    if isinstance(value, bool):
        return "true" if value else "false"
    # NUL is no character a database text column takes.
    return str(value).replace("\x00", "").strip()


def _require(mapping, *path):
    node = mapping
    for key in path:
        if not isinstance(node, dict) or node.get(key) in (None, ""):
            raise ParseError(f"The body has no {'.'.join(path)}.")
        node = node[key]
    return node


def _int(value, default: int = 0) -> int:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return default


def _object(body) -> dict:
    if not isinstance(body, dict):
        raise ParseError("The body is not a JSON object.")
    return body


# --- Jira ------------------------------------------------------------------------------------

JIRA_EVENTS = ("jira:issue_created", "jira:issue_updated", "comment_created", "comment_updated")


def parse_jira(body) -> TicketEvent:
    body = _object(body)
    kind = body.get("webhookEvent")
    if kind not in JIRA_EVENTS:
        raise ParseError(f"Jira event {kind!r} is not a ticket event ({', '.join(JIRA_EVENTS)}).")
    issue = _require(body, "issue")
    key = _text(_require(issue, "key"))
    fields = issue.get("fields") or {}
    opened_at = parse_instant(fields["created"]) if fields.get("created") else None
    values = {
        name: _text(value)
        for name, value in fields.items()
        if name not in ("summary", "description", "created", "updated", "comment") and _text(value)
    }
    changelog = body.get("changelog") or {}
    for item in changelog.get("items") or []:
        if isinstance(item, dict) and item.get("field"):
            values[str(item["field"])] = _text(item.get("toString"))
    comment = body.get("comment") if isinstance(body.get("comment"), dict) else None
    created = kind == "jira:issue_created"
    if created:
        event_id, sequence = "created", 0
        at = opened_at or parse_instant(_require(body, "timestamp"))
    elif changelog.get("id"):
        event_id, sequence = f"changelog-{changelog['id']}", _int(changelog["id"])
        at = parse_instant(_require(body, "timestamp"))
    elif comment and comment.get("id"):
        event_id, sequence = f"comment-{comment['id']}", _int(comment["id"])
        at = parse_instant(comment.get("updated") or comment.get("created") or body["timestamp"])
    else:
        at = parse_instant(_require(body, "timestamp"))
        event_id, sequence = f"update-{body['timestamp']}", 0
    return TicketEvent(
        ticket=key,
        event_id=event_id,
        at=at,
        sequence=sequence,
        created=created,
        opened_at=opened_at,
        title=_text(fields.get("summary")),
        values=values,
        comment=_text(comment.get("body")) if comment else "",
    )


# --- ServiceNow ------------------------------------------------------------------------------


#: ServiceNow's REST API gives instants as UTC without an offset.
def parse_servicenow(body, *, naive_zone: tzinfo = UTC) -> TicketEvent:
    body = _object(body)
    record = body.get("result") or body.get("record") or body
    record = _object(record)
    number = _text(_require(record, "number"))
    updated = record.get("sys_updated_on") or record.get("sys_updated_at")
    if not updated:
        raise ParseError("The body has no sys_updated_on.")
    at = parse_instant(_text(updated), naive_zone=naive_zone)
    opened = record.get("opened_at") or record.get("sys_created_on")
    mod_count = record.get("sys_mod_count")
    values = {
        name: _text(value)
        for name, value in record.items()
        if name not in ("short_description", "description", "comments", "work_notes")
        and _text(value)
    }
    if "assignment_group" in record and "assignment_group" not in values:
        values["assignment_group"] = ""  # cleared: nobody owns it from here
    return TicketEvent(
        ticket=number,
        event_id=f"mod-{_int(_text(mod_count))}"
        if mod_count not in (None, "")
        else f"updated-{at:%Y%m%dT%H%M%S}",
        at=at,
        sequence=_int(_text(mod_count)),
        created=_text(mod_count) == "0",
        opened_at=parse_instant(_text(opened), naive_zone=naive_zone) if opened else None,
        title=_text(record.get("short_description")),
        values=values,
        comment=_text(record.get("comments")),
        extra={k: _text(record[k]) for k in ("made_sla", "reopen_count") if k in record},
    )


# --- Zendesk ---------------------------------------------------------------------------------


def parse_zendesk(body) -> TicketEvent:
    body = _object(body)
    kind = str(body.get("type") or "")
    if kind.startswith("zen:event-type:ticket."):
        detail = _object(_require(body, "detail"))
        event = body.get("event") if isinstance(body.get("event"), dict) else {}
        ticket = _text(_require(detail, "id"))
        values = {
            name: _text(value)
            for name, value in detail.items()
            if name not in ("subject", "description", "created_at", "updated_at") and _text(value)
        }
        comment = event.get("comment") if isinstance(event.get("comment"), dict) else {}
        return TicketEvent(
            ticket=ticket,
            event_id=_text(_require(body, "id")),
            at=parse_instant(_require(body, "time")),
            sequence=0,
            created=kind == "zen:event-type:ticket.created",
            opened_at=parse_instant(detail["created_at"]) if detail.get("created_at") else None,
            title=_text(detail.get("subject")),
            values=values,
            comment=_text(comment.get("body")),
        )
    if kind:
        raise ParseError(f"Zendesk event {kind!r} is not a ticket event.")
    ticket_data = _object(_require(body, "ticket"))
    ticket = _text(_require(ticket_data, "id"))
    updated = _text(_require(ticket_data, "updated_at"))
    created_at = ticket_data.get("created_at")
    at = parse_instant(updated)
    values = {
        name: _text(value)
        for name, value in ticket_data.items()
        if name not in ("subject", "description", "created_at", "updated_at") and _text(value)
    }
    opened_at = parse_instant(_text(created_at)) if created_at else None
    return TicketEvent(
        ticket=ticket,
        event_id=f"update-{at:%Y%m%dT%H%M%S.%f}",
        at=at,
        sequence=0,
        created=opened_at is not None and opened_at == at,
        opened_at=opened_at,
        title=_text(ticket_data.get("subject")),
        values=values,
        comment=_text(body.get("comment")),
    )


# --- Azure DevOps ----------------------------------------------------------------------------

ADO_EVENTS = ("workitem.created", "workitem.updated", "workitem.commented")
_TAGS = re.compile(r"<[^>]+>")


def parse_azure_devops(body) -> TicketEvent:
    body = _object(body)
    kind = body.get("eventType")
    if kind not in ADO_EVENTS:
        raise ParseError(
            f"Azure DevOps event {kind!r} is not a work item event ({', '.join(ADO_EVENTS)})."
        )
    resource = _object(_require(body, "resource"))
    if kind in ("workitem.created", "workitem.commented") and "revision" not in resource:
        # These hooks send the work item itself, not a revision with its changes.
        item_id = _require(resource, "id")
        snapshot = resource.get("fields") or {}
        delta = {}
        rev = _int(resource.get("rev"), 1)
    else:
        item_id = resource.get("workItemId") or _require(resource, "revision", "id")
        revision = resource.get("revision") or {}
        snapshot = revision.get("fields") or {}
        delta = resource.get("fields") or {}
        rev = _int(resource.get("rev") or revision.get("rev"))
    values = {
        name: _text(value)
        for name, value in snapshot.items()
        if name not in ("System.Title", "System.Description", "System.History") and _text(value)
    }
    for name, change in delta.items():
        if isinstance(change, dict) and "newValue" in change:
            values[name] = _text(change["newValue"])
    changed = (delta.get("System.ChangedDate") or {}).get("newValue") or snapshot.get(
        "System.ChangedDate"
    )
    at_value = changed or resource.get("revisedDate") or body.get("createdDate")
    if not at_value:
        raise ParseError("The body has no resource.revisedDate nor System.ChangedDate.")
    created_at = snapshot.get("System.CreatedDate")
    history = (delta.get("System.History") or {}).get("newValue") or (
        snapshot.get("System.History") if kind == "workitem.commented" else ""
    )
    return TicketEvent(
        ticket=str(item_id),
        event_id=f"rev-{rev}",
        at=parse_instant(at_value),
        sequence=rev,
        created=kind == "workitem.created",
        opened_at=parse_instant(created_at) if created_at else None,
        title=_text(snapshot.get("System.Title")),
        values=values,
        comment=unescape(_TAGS.sub("", _text(history))).strip(),
    )


PARSERS = {
    "jira": parse_jira,
    "servicenow": parse_servicenow,
    "zendesk": parse_zendesk,
    "azure_devops": parse_azure_devops,
}


def parse(kind: str, body, *, naive_zone: tzinfo = UTC) -> TicketEvent:
    """The event in ``body``; ``ParseError`` for anything that is not one, however odd
    its shape (a list where an object belongs, a number where a date does)."""
    try:
        parser = PARSERS[kind]
    except KeyError:
        raise ParseError(f"Events from a {kind!r} system cannot be read.") from None
    try:
        if kind == "servicenow":
            return parser(body, naive_zone=naive_zone)
        return parser(body)
    except ParseError:
        raise
    except (AttributeError, TypeError, KeyError, ValueError, OverflowError) as exc:
        raise ParseError(
            f"The body is not a well-formed {kind} event ({exc.__class__.__name__}: {exc})."
        ) from None
