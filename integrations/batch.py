"""A batch of a tool's events to apply, and what applying it did: the events with their
translations, the count of what was applied, the duplicates and the conflicts (an
event id kept before with other content), said in the words an import report uses.
No ORM here: ``integrations.ingest`` fills these."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC

from .mapping import Translation
from .parsers import TicketEvent


@dataclass
class Pending:
    """A parsed event with its translation, ready to apply."""

    event: TicketEvent
    translation: Translation
    inbound_id: int | None = None
    #: The line of the file it was read from (imports), to name it in a report.
    line: int | None = None


@dataclass
class Outcome:
    applied: int = 0
    duplicates: list = field(default_factory=list)  # (ticket, event key) already kept, per event
    #: Events whose id was kept before with other content: refused, never "unchanged".
    conflicts: list = field(default_factory=list)  # of Conflict
    incidents_created: int = 0
    incidents_updated: int = 0
    links: dict = field(default_factory=dict)  # ticket key -> TicketLink


@dataclass
class Conflict:
    pending: Pending
    differs: list[str]  # what differs from the stored event, in words

    @property
    def reason(self) -> str:
        event = self.pending.event
        return (
            f"Conflicts with the event already kept for {event.ticket} under the same id "
            f"({event.event_id}): its {', '.join(self.differs)} differ. The kept event stays; "
            "check the export."
        )


#: What makes two deliveries of one event id the same event, in the words a report uses.
CONTENT_FIELDS = ("time", "values", "assignment group", "title", "comment")


def kept_content(pending: Pending) -> tuple:
    """An event as it would be kept (the stored fields are cut to their lengths)."""
    event = pending.event
    group = (pending.translation.group or "")[:200] or None
    return (event.at, pending.translation.changes, group, event.title[:300], event.comment)


def differences(kept: tuple, new: tuple) -> list[str]:
    """What differs between two contents of one event id; only called on a collision."""

    def normal(content):
        at, changes, group, title, comment = content
        values = json.loads(json.dumps(changes or {}, default=str))
        return [
            at.astimezone(UTC) if at else None,
            values,
            group or None,
            title or "",
            comment or "",
        ]

    old, fresh = normal(kept), normal(new)
    differs = [name for name, a, b in zip(CONTENT_FIELDS, old, fresh, strict=True) if a != b]
    if "values" in differs:
        differs.remove("values")
        differs += sorted(k for k in {*old[1], *fresh[1]} if old[1].get(k) != fresh[1].get(k))
    return differs
