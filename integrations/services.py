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
import json
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F, Prefetch
from django.db.utils import InterfaceError, OperationalError
from django.utils import timezone

from core.commands import Write, save_command
from core.tasks import enqueue_on_commit
from requirements_app.models import FieldMapping, ValueMapping
from siam.choices import SystemKindChoices
from siam.models import Organisation
from slas import timelines
from slas.choices import ClassificationChoices, EventKindChoices, IncidentStatusChoices
from slas.models import Incident, IncidentEvent, IncidentToolKey, PriorityMatrix

from .choices import InboundStateChoices, SignatureResultChoices, UnknownGroupChoices
from .mapping import Dictionary, MappingError, Translation, Vocabulary
from .models import (
    AssignmentGroup,
    InboundEvent,
    SourceEvent,
    TicketFeed,
    TicketLink,
    WebhookSubscription,
)
from .parsers import ParseError, TicketEvent, parse
from .signatures import kept_headers
from .timeline import SourceChange, TicketState, fold

logger = logging.getLogger(__name__)

TOOL_LABELS = dict(SystemKindChoices.choices)
#: The tools whose ticket key an incident keeps as its own (``IncidentToolKey``).
TOOLS_WITH_KEYS = frozenset(IncidentToolKey.INPUTS.values())


# --- The ecosystem's vocabulary and the feed's dictionary ------------------------------------


def vocabulary_for(ecosystem) -> Vocabulary:
    matrix = PriorityMatrix.objects.filter(ecosystem=ecosystem).first() or PriorityMatrix()
    statuses = {}
    for value, label in IncidentStatusChoices.choices:
        statuses[value] = value
        statuses[str(label).lower()] = value
    classifications = {}
    for value, label in ClassificationChoices.choices:
        classifications[value] = value
        classifications[str(label).lower()] = value
    organisations = {}
    for org_id, slug, name in Organisation.objects.filter(pk__in=ecosystem.party_ids()).values_list(
        "pk", "slug", "name"
    ):
        organisations[slug.lower()] = org_id
        organisations[name.lower()] = org_id
    return Vocabulary(
        statuses=statuses,
        priorities={p.lower(): p for p in matrix.priorities},
        levels={level.lower(): level for level in [*matrix.impact_levels, *matrix.urgency_levels]},
        classifications=classifications,
        organisations=organisations,
    )


def dictionary_for(feed: TicketFeed) -> Dictionary:
    mappings = FieldMapping.objects.filter(flow_id=feed.flow_id).prefetch_related(
        Prefetch("value_mappings", ValueMapping.objects.order_by("pk"))
    )
    return Dictionary.build(mappings, vocabulary_for(feed.ecosystem), feed.flow.name)


# --- Applying events --------------------------------------------------------------------------


@dataclass
class Pending:
    """A parsed event with its translation, ready to apply."""

    event: TicketEvent
    translation: Translation
    inbound_id: int | None = None
    #: The line of the file it was read from (imports), to name it in a report.
    line: int | None = None


@dataclass(eq=False)
class _Ticket:
    """One ticket of a batch: its link, the plan handed to the SLA context, and which
    source event each timeline row stands for (written back once the rows exist)."""

    link: TicketLink
    plan: timelines.TimelinePlan
    source_links: list[tuple[SourceEvent, IncidentEvent]]


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


def _kept_content(pending: Pending) -> tuple:
    """An event as it would be kept (the stored fields are cut to their lengths)."""
    event = pending.event
    group = (pending.translation.group or "")[:200] or None
    return (event.at, pending.translation.changes, group, event.title[:300], event.comment)


def _differences(kept: tuple, new: tuple) -> list[str]:
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
        self.dictionary = dictionary_for(feed)
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
        stored = SourceEvent.objects.filter(
            ticket__in=links.values(), key__in={p.event.event_id for p in batch}
        ).values_list("ticket__key", "key", "at", "changes", "group", "title", "comment")
        kept = {(ticket, key): tuple(content) for ticket, key, *content in stored}
        rows = []
        for pending in batch:
            event = pending.event
            identity = (event.ticket, event.event_id)
            content = _kept_content(pending)
            if identity in kept:
                differs = _differences(kept[identity], content)
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

    def _rebuild(self, links: list[TicketLink], new_rows: list[SourceEvent], outcome) -> None:
        """Fold each ticket from all its source events and hand the result to the SLA
        context (``slas.timelines``), which stores the incidents, their timeline rows,
        holders and SLA state. What is this context's own is written here: the source
        events pointing at their timeline rows (``new_rows`` saved last, already
        pointing: no second write) and the ticket links."""
        sources = self._sources(links, new_rows)
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
        relinked = []
        for ticket in tickets:
            for row, event in ticket.source_links:
                if row.timeline_event_id != event.pk:
                    row.timeline_event_id = event.pk
                    if row.pk:
                        relinked.append(row)
        SourceEvent.objects.bulk_update(relinked, ["timeline_event"], batch_size=1000)
        insert_rows(new_rows)
        refigured_keys = {link.key for link in refigured}
        update_rows(
            [ticket.link for ticket in new if ticket.link.key not in refigured_keys] + refigured,
            ["incident", "source_figures"],
        )

    @staticmethod
    def _sources(links: list[TicketLink], new_rows: list[SourceEvent]) -> dict[int, list]:
        """Every ticket's source events, stored and new, in the order they happened."""
        sources = defaultdict(list)
        for row in SourceEvent.objects.filter(ticket__in=links):
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


def insert_rows(rows: list) -> None:
    """``bulk_create`` for rows whose keys are not needed back, as one prepared INSERT
    run per row (``executemany``): cheaper than Django's per-value SQL compilation
    for the source event every imported row adds (bench/ingest.py)."""
    if not rows:
        return
    from django.db import connection

    model = type(rows[0])
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    ops = connection.ops
    columns = ", ".join(ops.quote_name(f.column) for f in fields)
    sql = (
        f"INSERT INTO {ops.quote_name(model._meta.db_table)} ({columns}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    params = [
        [f.get_db_prep_save(f.pre_save(row, True), connection) for f in fields] for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def update_rows(rows: list, field_names: list[str]) -> None:
    """``bulk_update`` as one prepared UPDATE run per row (``executemany``): Django's
    bulk_update builds a CASE expression per row, which costs more than the update
    itself for the hundreds of rows an import batch touches (bench/ingest.py)."""
    if not rows:
        return
    from django.db import connection

    model = type(rows[0])
    fields = [model._meta.get_field(name) for name in field_names]
    ops = connection.ops
    assignments = ", ".join(f"{ops.quote_name(f.column)} = %s" for f in fields)
    sql = (
        f"UPDATE {ops.quote_name(model._meta.db_table)} SET {assignments} "
        f"WHERE {ops.quote_name(model._meta.pk.column)} = %s"
    )
    params = [
        [f.get_db_prep_save(getattr(row, f.attname), connection) for f in fields] + [row.pk]
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


# --- Webhooks ---------------------------------------------------------------------------------


def parse_body(feed: TicketFeed, body: bytes) -> TicketEvent:
    """``ParseError`` for a body that is not JSON or not an event of the feed's tool."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ParseError(f"The body is not JSON: {exc}.") from None
    return parse(feed.system.kind, data)


#: What is kept of a request that failed authentication: enough to see what it was,
#: not a free store for whoever learnt a feed's address.
REJECTED_BODY_BYTES = 4096


#: Rejected requests kept per feed as samples; the rest are only counted on the feed.
REJECTED_SAMPLES = 20
#: Once the samples are full, a new one replaces the oldest at most this often.
REJECTED_SAMPLE_EVERY = timedelta(minutes=10)


def receive(feed: TicketFeed, body: bytes, headers, remote_addr=None) -> tuple[InboundEvent, int]:
    """Judge a request, store it, and return it with the HTTP status.

    Authenticated requests are always stored before anything else can fail. Rejected
    ones (anyone who learnt the address can send them) are counted on the feed and
    kept only as a bounded sample, so a flood costs a counter update, not a row each.
    """
    signature = feed.verify(body, headers)
    if signature != SignatureResultChoices.VALID:
        return _reject(feed, body, headers, remote_addr, signature), 401
    inbound = InboundEvent.objects.create(
        feed=feed,
        body=body,
        headers=kept_headers(headers),
        remote_addr=remote_addr,
        signature=signature,
    )
    try:
        event = parse_body(feed, body)
    except ParseError as exc:
        inbound.state = InboundStateChoices.FAILED
        inbound.error = str(exc)
        inbound.save()
        return inbound, 400
    inbound.ticket_key = event.ticket[:100]
    inbound.event_key = event.event_id[:200]
    inbound.event_at = event.at
    try:
        # The partial unique constraint decides between two concurrent deliveries.
        with transaction.atomic():
            inbound.save()
    except IntegrityError:
        return _mark_duplicate(inbound), 200
    from .tasks import process_inbound_event

    enqueue_on_commit(process_inbound_event, inbound.pk)
    return inbound, 202


def _mark_duplicate(inbound: InboundEvent) -> InboundEvent:
    original = (
        InboundEvent.objects.filter(
            feed=inbound.feed_id,
            ticket_key=inbound.ticket_key,
            event_key=inbound.event_key,
            duplicate_of__isnull=True,
            state__in=[InboundStateChoices.RECEIVED, InboundStateChoices.APPLIED],
        )
        .order_by("pk")
        .first()
    )
    inbound.state = InboundStateChoices.DUPLICATE
    inbound.duplicate_of = original
    inbound.ticket_id = original.ticket_id if original else None
    inbound.processed_at = timezone.now()
    inbound.save()
    return inbound


def _reject(feed, body, headers, remote_addr, signature) -> InboundEvent:
    now = timezone.now()
    TicketFeed.objects.filter(pk=feed.pk).update(
        rejected_count=F("rejected_count") + 1, last_rejected_at=now
    )
    inbound = InboundEvent(
        feed=feed,
        body=body[:REJECTED_BODY_BYTES],
        headers=kept_headers(headers),
        remote_addr=remote_addr,
        signature=signature,
        state=InboundStateChoices.REJECTED,
    )
    inbound.error = (
        f"Signature {inbound.get_signature_display().lower()}: the request is not authenticated."
    )
    if len(body) > REJECTED_BODY_BYTES:
        inbound.error += f" Only the first {REJECTED_BODY_BYTES} of {len(body)} bytes are kept."
    samples = InboundEvent.objects.filter(feed=feed, state=InboundStateChoices.REJECTED)
    kept = list(
        samples.order_by("-received_at").values_list("pk", "received_at")[:REJECTED_SAMPLES]
    )
    if len(kept) >= REJECTED_SAMPLES:
        if now - kept[0][1] < REJECTED_SAMPLE_EVERY:
            return inbound  # counted, not stored
        samples.exclude(pk__in=[pk for pk, _ in kept[: REJECTED_SAMPLES - 1]]).delete()
    inbound.save()
    return inbound


def process(inbound_id: int) -> str | None:
    """Apply one received event; its state says how it ended. Transient database
    errors propagate (the task retries); anything about the event itself is recorded."""
    with transaction.atomic():
        inbound = (
            # Only the event's row: locking the joined feed would serialise the whole feed.
            InboundEvent.objects.select_for_update(of=("self",))
            .select_related("feed__system", "feed__ecosystem", "feed__flow")
            .filter(pk=inbound_id, state=InboundStateChoices.RECEIVED)
            .first()
        )
        if inbound is None:
            return None  # processed already, or replayed elsewhere
        inbound.attempts += 1
        inbound.processed_at = timezone.now()
        try:
            with transaction.atomic():
                event = parse_body(inbound.feed, bytes(inbound.body))
                ingestor = Ingestor(inbound.feed)
                pending = ingestor.translate(event)
                pending.inbound_id = inbound.pk
                outcome = ingestor.apply([pending])
        except (ParseError, MappingError) as exc:
            inbound.state = InboundStateChoices.FAILED
            inbound.error = str(exc)
        except (OperationalError, InterfaceError):
            raise  # transient: the task retries
        except Exception as exc:
            # Kept and reported like any failure, replayable once the cause is fixed;
            # the traceback goes to the log.
            logger.exception("Inbound event %s could not be applied", inbound_id)
            inbound.state = InboundStateChoices.FAILED
            inbound.error = f"Unexpected error ({exc.__class__.__name__}): {exc}"[:2000]
        else:
            inbound.ticket = outcome.links.get(event.ticket)
            inbound.error = ""
            if outcome.conflicts:
                inbound.state = InboundStateChoices.FAILED
                inbound.error = outcome.conflicts[0].reason
            elif outcome.duplicates:
                inbound.state = InboundStateChoices.DUPLICATE
                inbound.duplicate_of = (
                    InboundEvent.objects.filter(
                        feed=inbound.feed,
                        ticket_key=inbound.ticket_key,
                        event_key=inbound.event_key,
                        state=InboundStateChoices.APPLIED,
                    )
                    .order_by("pk")
                    .first()
                )
            else:
                inbound.state = InboundStateChoices.APPLIED
        inbound.save()
        return inbound.state


def replay(inbound: InboundEvent) -> bool:
    """Queue a failed event again (after its mapping was fixed).

    If the tool meanwhile delivered the same event again and that copy is live, the
    unique constraint refuses a second original: this one stays failed (nothing lost,
    the copy carries the event)."""
    try:
        with transaction.atomic():
            updated = InboundEvent.objects.filter(
                pk=inbound.pk,
                state=InboundStateChoices.FAILED,
                signature=SignatureResultChoices.VALID,
            ).update(state=InboundStateChoices.RECEIVED, error="")
    except IntegrityError:
        return False
    if updated:
        from .tasks import process_inbound_event

        enqueue_on_commit(process_inbound_event, inbound.pk)
    return bool(updated)


# --- Feeds and subscriptions --------------------------------------------------------------


def _issue_secret(write: Write, obj):
    """A new feed or subscription gets its secret now; the door shows it this once."""
    write.outputs["secret"] = obj.set_secret()
    obj.save(update_fields=[*obj.secret_fields, "secret_set_at"])


@save_command(TicketFeed)
def save_feed(write: Write) -> TicketFeed:
    if not write.creating:
        return write.save()
    if write.values.get("flow") is None:
        from .dictionaries import standard_flow

        # The tool's standard dictionary, made once per system, to edit like any other.
        feed = write.save(flow=standard_flow(write.values["system"]))
        feed.full_clean()
    else:
        feed = write.save()
    _issue_secret(write, feed)
    return feed


@save_command(WebhookSubscription)
def save_subscription(write: Write) -> WebhookSubscription:
    subscription = write.save()
    if write.creating:
        _issue_secret(write, subscription)
    return subscription
