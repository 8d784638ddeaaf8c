"""Ingestion: receive a webhook, translate a tool's event, and fold a ticket's source
events into its incident's timeline and SLA state.

One path for webhooks and CSV imports: ``Ingestor.apply`` takes a batch of parsed
events, keeps each new one once as a ``SourceEvent`` (unique per ticket and key, so a
duplicate is a no-op), locks the touched tickets (``select_for_update`` on their
``TicketLink``: concurrent deliveries for one ticket wait for each other) and folds
every touched ticket from *all* its source events (``integrations.timeline``). The
timeline rows of an ingested ticket are that fold's projection: when a late, older
event arrives, the rows after it are restated (status and holder after each) and the
SLA state recomputed, so any order of arrival ends in the in-order timeline.
"""

from __future__ import annotations

import itertools
import logging
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction

from core import bulk
from siam.choices import SystemKindChoices
from siam.models import Organisation
from slas import timelines
from slas.choices import EventKindChoices, IncidentStatusChoices
from slas.models import Incident, IncidentEvent, IncidentToolKey, PriorityMatrix

from . import dictionaries
from .batch import Conflict, Outcome, Pending, differences, kept_content
from .choices import UnknownGroupChoices
from .mapping import MappingError
from .models import (
    AssignmentGroup,
    SourceEvent,
    TicketFeed,
    TicketLink,
)
from .parsers import TicketEvent
from .timeline import SourceChange, TicketState, fold

logger = logging.getLogger(__name__)

TOOL_LABELS = dict(SystemKindChoices.choices)
#: The tools whose ticket key an incident keeps as its own (``IncidentToolKey``).
TOOLS_WITH_KEYS = frozenset(IncidentToolKey.INPUTS.values())


@dataclass(eq=False)
class _Ticket:
    """One ticket of a batch: its link, the plan handed to the SLA context, and which
    source event each timeline row stands for (written back once the rows exist)."""

    link: TicketLink
    plan: timelines.TimelinePlan
    source_links: list[tuple[SourceEvent, IncidentEvent]]


#: What an event typed in the app sets, by its kind (the rest it carries forward).
STATUS_KINDS = {
    EventKindChoices.STATUS,
    EventKindChoices.RESOLVED,
    EventKindChoices.REOPENED,
    EventKindChoices.KNOWN_ERROR,
}


def typed_change(event: IncidentEvent) -> dict:
    if event.kind == EventKindChoices.HANDOFF:
        return {"holder": event.holder_id}
    if event.kind in STATUS_KINDS:
        return {"status": event.status}
    return {}


class Ingestor:
    """Applies one feed's events; build it once per request, task or import."""

    def __init__(self, feed: TicketFeed, *, unknown_groups: str | None = None):
        self.feed = feed
        self.ecosystem = feed.ecosystem
        self.dictionary = dictionaries.dictionary_for(feed)
        self.unknown_groups = unknown_groups or feed.unknown_groups
        self.groups = {g.name.lower(): g.organisation_id for g in feed.groups.all()}
        self.tool = TOOL_LABELS.get(feed.system.kind, feed.system.kind)
        self.default_holder_id = feed.default_holder_id or feed.system.organisation_id
        self.matrix = (
            PriorityMatrix.objects.filter(ecosystem=self.ecosystem).first() or PriorityMatrix()
        )
        self.organisation_names = dict(
            Organisation.objects.filter(pk__in=self.ecosystem.party_ids()).values_list("pk", "name")
        )
        self.labels = {
            "status": dict(IncidentStatusChoices.choices),
            "holder": self.organisation_names,
        }

    # Translation -------------------------------------------------------------------------

    def translate(self, event: TicketEvent) -> Pending:
        """``MappingError`` when a value is not in the data dictionary."""
        translation = self.dictionary.translate(event.values)
        if translation.unresolved_group:
            translation.changes["holder"] = self._group_holder(translation.group)
        return Pending(event, translation)

    def _group_holder(self, name: str) -> int:
        known = self.groups.get(name.lower())
        if known is not None:
            return known
        if self.unknown_groups != UnknownGroupChoices.CREATE:
            raise MappingError(
                [
                    f"Unknown assignment group {name!r}: map it in the data dictionary "
                    f"or in the feed's groups."
                ]
            )
        group, _ = AssignmentGroup.objects.get_or_create(
            feed=self.feed,
            name=name[:200],
            defaults={
                "organisation_id": self.ecosystem.integrator_id,
                "created_by_import": True,
            },
        )
        self.groups[name.lower()] = group.organisation_id
        return group.organisation_id

    # Applying ----------------------------------------------------------------------------

    @transaction.atomic
    def apply(self, batch: list[Pending], *, import_run=None) -> Outcome:
        outcome = Outcome()
        if not batch:
            return outcome
        keys = {p.event.ticket for p in batch}
        TicketLink.objects.bulk_create(
            # Sorted: concurrent batches insert (and so lock) in the same order.
            [TicketLink(feed=self.feed, key=key) for key in sorted(keys)],
            ignore_conflicts=True,
        )
        links = {
            link.key: link
            for link in TicketLink.objects.select_for_update()
            .filter(feed=self.feed, key__in=keys)
            .order_by("pk")  # one lock order for every worker: no deadlock
        }
        outcome.links = links
        kept = self._kept(links, batch)
        rows = []
        for pending in batch:
            event = pending.event
            identity = (event.ticket, event.event_id)
            content = kept_content(pending)
            if identity in kept:
                differs = differences(kept[identity], content)
                if differs:
                    outcome.conflicts.append(Conflict(pending, differs))
                else:
                    outcome.duplicates.append(identity)
                continue
            kept[identity] = content
            at, changes, group, title, comment = content
            rows.append(
                SourceEvent(
                    ticket=links[event.ticket],
                    key=event.event_id,
                    at=at,
                    sequence=event.sequence,
                    created_ticket=event.created,
                    opened_at=event.opened_at,
                    changes=changes,
                    group=group,
                    title=title,
                    comment=comment,
                    extra=event.extra,
                    inbound_id=pending.inbound_id,
                    import_run=import_run,
                )
            )
        outcome.applied = len(rows)
        touched = {row.ticket.key: row.ticket for row in rows}
        if touched:
            self._rebuild(list(touched.values()), rows, outcome)
        return outcome

    @staticmethod
    def _kept(links: dict, batch: list[Pending]) -> dict[tuple, tuple]:
        """What is stored of the batch's events: (ticket key, event id) → content."""
        # Unordered (read into a dict): the model's ordering joins the feed and its
        # ecosystem to sort by their names.
        stored = (
            SourceEvent.objects.filter(
                ticket__in=links.values(), key__in={p.event.event_id for p in batch}
            )
            .order_by()
            .values_list("ticket__key", "key", "at", "changes", "group", "title", "comment")
        )
        return {(ticket, key): tuple(content) for ticket, key, *content in stored}

    def _rebuild(self, links: list[TicketLink], new_rows: list[SourceEvent], outcome) -> None:
        """Fold each ticket from all its source events and hand the result to the SLA
        context (``slas.timelines``), which stores the incidents, their timeline rows,
        holders and SLA state. What is this context's own is written here: the source
        events pointing at their timeline rows (``new_rows`` saved last, already
        pointing: no second write) and the ticket links."""
        sources = self._sources(links, new_rows)
        incidents, events_by_incident = self._locked_incidents(links)
        tickets = [
            self._project(
                link,
                sources[link.pk],
                incidents.get(link.incident_id),
                events_by_incident.get(link.incident_id, []),
            )
            for link in links
        ]
        refigured = [link for link in links if self._refigure(link, sources[link.pk])]
        new = [ticket for ticket in tickets if ticket.plan.incident is None]
        references = self._references([ticket.link.key for ticket in new])
        kind = self.feed.system.kind
        for ticket in new:
            ticket.plan.reference = references[ticket.link.key]
            if kind in TOOLS_WITH_KEYS:
                ticket.plan.tool_key = (kind, ticket.link.key)

        stored = timelines.store_timelines(
            [ticket.plan for ticket in tickets],
            ecosystem=self.ecosystem,
            service_id=self.feed.service_id,
            matrix=self.matrix,
            untitled=self.tool,
        )
        outcome.incidents_created += stored.opened
        outcome.incidents_updated += stored.updated

        for ticket in new:
            ticket.link.incident = ticket.plan.incident
        self._store_links(tickets, new, refigured, new_rows)

    @staticmethod
    def _locked_incidents(links: list[TicketLink]) -> tuple[dict, dict]:
        """The linked incidents by id and their timeline rows by incident id."""
        # Locked like record_event locks them: an event typed in the app meanwhile waits.
        incidents = {
            i.pk: i
            for i in Incident.objects.select_for_update()
            .filter(pk__in=[link.incident_id for link in links if link.incident_id])
            .order_by("pk")
        }
        events_by_incident = defaultdict(list)
        for event in IncidentEvent.objects.filter(incident_id__in=incidents):
            events_by_incident[event.incident_id].append(event)
        return incidents, events_by_incident

    @staticmethod
    def _store_links(tickets: list, new: list, refigured: list, new_rows: list) -> None:
        """This context's own rows: source events pointing at their timeline rows
        (``new_rows`` saved last, already pointing: no second write) and the links."""
        relinked = []
        for ticket in tickets:
            for row, event in ticket.source_links:
                if row.timeline_event_id != event.pk:
                    row.timeline_event_id = event.pk
                    if row.pk:
                        relinked.append(row)
        SourceEvent.objects.bulk_update(relinked, ["timeline_event"], batch_size=1000)
        bulk.insert_rows(new_rows)
        refigured_keys = {link.key for link in refigured}
        bulk.update_rows(
            TicketLink,
            [ticket.link for ticket in new if ticket.link.key not in refigured_keys] + refigured,
            ["incident", "source_figures"],
        )

    @staticmethod
    def _sources(links: list[TicketLink], new_rows: list[SourceEvent]) -> dict[int, list]:
        """Every ticket's source events, stored and new, in the order they happened."""
        sources = defaultdict(list)
        for row in SourceEvent.objects.filter(ticket__in=links).order_by():  # sorted below
            sources[row.ticket_id].append(row)
        for row in new_rows:
            sources[row.ticket_id].append(row)
        for rows in sources.values():
            rows.sort(key=lambda r: (r.at, r.sequence, r.key))
        return sources

    def _project(
        self,
        link: TicketLink,
        rows: list[SourceEvent],
        incident: Incident | None,
        existing: list[IncidentEvent],
    ) -> _Ticket:
        """The fold of one ticket as timeline rows: the stored rows it keeps (restated
        where the fold moved them), the ones it adds, and which source event each
        row stands for."""
        by_id = {event.pk: event for event in existing}
        opened = next((e for e in existing if e.kind == EventKindChoices.OPENED), None)
        linked = {row.timeline_event_id for row in rows} | {getattr(opened, "pk", None)}
        typed = {f"typed-{e.pk}": e for e in existing if e.pk not in linked}
        entries, state, opened_at = self._fold(rows, typed)
        rows_by_key = {row.key: row for row in rows}
        projected, created, restated, source_links = [], [], [], []
        for position, entry in enumerate(entries):
            if entry.key in typed:
                # Typed in the app: its own facts stay; its state after is the fold's.
                event = typed[entry.key]
                if (event.status, event.holder_id) != (entry.status, entry.holder):
                    event.status, event.holder_id = entry.status, entry.holder
                    restated.append(event)
                projected.append(event)
                continue
            row = rows_by_key.get(entry.key)
            event = opened if row is None else by_id.get(row.timeline_event_id)
            event = _restate(event, entry, position, created, restated)
            projected.append(event)
            if row is None:
                source_links.extend((r, event) for r in rows if r.created_ticket)
            else:
                source_links.append((row, event))
        facts = timelines.TicketFacts(
            title=state.title,
            classification=state.classification,
            impact=state.impact,
            urgency=state.urgency,
            priority=state.priority,
            opened_at=opened_at,
        )
        plan = timelines.TimelinePlan(
            facts=facts,
            timeline=sorted(projected, key=lambda e: (e.at, e.sequence, e.pk or float("inf"))),
            created=created,
            restated=restated,
            incident=incident,
        )
        return _Ticket(link, plan, source_links)

    @staticmethod
    def _refigure(link: TicketLink, rows: list[SourceEvent]) -> bool:
        """Keep the tool's own SLA figures of its latest event that has any on the
        link; whether they changed."""
        latest = max((r for r in rows if r.extra), key=lambda r: (r.at, r.sequence), default=None)
        if latest is None or link.source_figures == latest.extra:
            return False
        link.source_figures = latest.extra
        return True

    def _fold(self, rows: list[SourceEvent], typed: dict[str, IncidentEvent]):
        creations = [row for row in rows if row.created_ticket]
        opened_candidates = [row.opened_at for row in creations if row.opened_at] or [
            row.at for row in creations
        ]
        if not opened_candidates:
            opened_candidates = [row.opened_at for row in rows if row.opened_at] or [
                min(row.at for row in rows)
            ]
        opened_at = min(opened_candidates)
        changes = [
            SourceChange(
                key=row.key,
                at=row.at,
                sequence=row.sequence,
                created=row.created_ticket,
                changes=row.changes,
                group=row.group,
                title=row.title,
                comment=row.comment,
            )
            for row in rows
        ]
        changes += [
            # First among the events of its instant, as its row sorts (sequence 0).
            SourceChange(
                key=key, at=event.at, sequence=-1, created=False, changes=typed_change(event)
            )
            for key, event in typed.items()
        ]
        initial = TicketState(holder=self.default_holder_id)
        entries, state = fold(
            changes, opened_at=opened_at, initial=initial, tool=self.tool, labels=self.labels
        )
        return entries, state, opened_at

    def _references(self, keys: list[str]) -> dict[str, str]:
        """The tool's key is the incident's reference, unless it is taken (by another
        tool's ticket, or by a longer key cut to the same 30 characters)."""
        limit = Incident._meta.get_field("reference").max_length
        wanted = {key: key[:limit] for key in keys}
        taken = set(
            Incident.objects.filter(
                ecosystem=self.ecosystem, reference__in=set(wanted.values())
            ).values_list("reference", flat=True)
        )
        references = {}
        for key in sorted(keys):
            suffixes = (f"-{self.feed.pk}" + (f".{n}" if n > 1 else "") for n in range(1, 1000))
            candidates = itertools.chain(
                [wanted[key]], (f"{key[: limit - len(sfx)]}{sfx}" for sfx in suffixes)
            )
            reference = next(
                candidate
                for position, candidate in enumerate(candidates)
                if candidate not in taken
                # The first candidate was looked up with the others; a suffixed one, rarely
                # needed, is looked up alone.
                and (
                    position == 0
                    or not Incident.objects.filter(
                        ecosystem=self.ecosystem, reference=candidate
                    ).exists()
                )
            )
            taken.add(reference)
            references[key] = reference
        return references


def _restate(event: IncidentEvent | None, entry, position: int, created: list, restated: list):
    """The timeline row for a folded entry: a new one (added to ``created``), or the
    stored one, changed to match (added to ``restated``) where it differs."""
    desired = {
        "at": entry.at,
        "kind": entry.kind,
        "status": entry.status,
        "holder_id": entry.holder,
        "note": entry.note,
        "sequence": position,
    }
    if event is None:
        event = IncidentEvent(**desired)
        created.append(event)
    elif any(getattr(event, name) != value for name, value in desired.items()):
        for name, value in desired.items():
            setattr(event, name, value)
        restated.append(event)
    return event
