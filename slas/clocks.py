"""The SLA clocks as stored: every clock of a batch of incidents evaluated from its
timeline (``slas.clock`` is pure; this loads what it needs in a constant number of
queries per batch — events, targets, calendars with their holidays) and the result
stored (clocks, the incident's summary, ownership gaps); and the live view of one
incident. ``now`` is the present for every SLA computation (one place for tests to
pin it)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from django.db import transaction
from django.utils import timezone

from core.bulk import update_rows

from . import rollups
from .calendar import WorkingCalendar
from .choices import (
    STOP_STATUSES,
    MetricChoices,
    SlaStateChoices,
)
from .clock import (
    ANY_HOLDER,
    ClockResult,
    ClockState,
    TimelinePoint,
    evaluate,
    ownership_gaps,
)
from .governing import (
    Applicable,
    CalendarCache,
    applicable_targets,
    targets_by_ecosystem,
    years_around,
)
from .models import (
    Incident,
    IncidentEvent,
    IncidentSla,
    ServiceLevelTarget,
)


def now() -> datetime:
    """The present, for every SLA computation (one place for tests to pin it)."""
    return timezone.now()


# --- Evaluating ------------------------------------------------------------------------------


def timeline_points(events: Iterable[IncidentEvent]) -> list[TimelinePoint]:
    return [
        TimelinePoint(e.at, e.status, e.holder_id)
        for e in sorted(events, key=lambda e: (e.at, e.sequence, e.pk or 0))
    ]


def ola_response_at(points: list[TimelinePoint], provider_id: int) -> datetime | None:
    """A provider responds with the first timeline event after it received the incident."""
    received = None
    for point in points:
        if received is None:
            if point.holder == provider_id:
                received = point.at
        elif point.holder == provider_id or point.at > received:
            return point.at
    return None


def evaluate_clock(
    incident: Incident,
    points: list[TimelinePoint],
    applicable: Applicable,
    metric: str,
    calendar: WorkingCalendar,
    now: datetime,
) -> ClockResult | None:
    target = applicable.target
    minutes = target.minutes_for(metric)
    if minutes is None:
        return None
    start_at = incident.clock_start
    if start_at is None:  # a change request still waiting for approval
        return ClockResult(ClockState.NOT_STARTED, 0.0, minutes * 60, None, {}, None, None)
    holder = ANY_HOLDER if applicable.provider_id is None else applicable.provider_id
    stop_at = None
    if metric == MetricChoices.RESPONSE:
        stop_at = (
            incident.responded_at
            if applicable.provider_id is None
            else ola_response_at(points, applicable.provider_id)
        )
    return evaluate(
        points,
        calendar,
        minutes * 60,
        now=now,
        pause_states=set(target.pause_states),
        stop_states=STOP_STATUSES,
        start_at=start_at,
        stop_at=stop_at,
        holder=holder,
        thresholds=target.thresholds,
    )


def recompute_incidents(incidents: Iterable[Incident | int], at: datetime | None = None) -> int:
    """Recompute and store the SLA state of ``incidents`` (incidents or their ids) from
    their timelines.

    Recorded warnings and breaches are history: a later change of target, calendar
    or timeline never undoes them. Returns the number of clocks stored.
    """
    # Ids are enough: the incidents are read again under lock below, and a model
    # instance made only to carry its id cost a tenth of a recompute.
    incident_ids = sorted(i if isinstance(i, int) else i.pk for i in incidents)
    if not incident_ids:
        return 0
    with transaction.atomic():
        # The same lock every timeline write takes: a live event waits until this
        # recompute has stored its result, then recomputes on top of it; without it a
        # recompute could store clocks of a timeline that changed meanwhile. Taken in
        # id order, so two recomputes never deadlock.
        list(
            Incident.objects.select_for_update()
            .filter(pk__in=incident_ids)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        # Timelines and holders as plain rows: a clock needs four columns of each event,
        # and building a model instance per event was most of a recompute's time.
        events: dict[int, list[TimelineRow]] = defaultdict(list)
        for row in (
            IncidentEvent.objects.filter(incident_id__in=incident_ids)
            .order_by("incident_id", "at", "sequence", "id")
            .values_list("incident_id", "at", "sequence", "id", "status", "holder_id")
        ):
            events[row[0]].append(TimelineRow(*row[1:]))
        holders: dict[int, set[int]] = defaultdict(set)
        for incident_id, organisation_id in Incident.holders.through.objects.filter(
            incident_id__in=incident_ids
        ).values_list("incident_id", "organisation_id"):
            holders[incident_id].add(organisation_id)
        loaded = Incident.objects.filter(pk__in=incident_ids).only(*CLOCK_INPUTS)
        return store_clocks([(i, events[i.pk], holders[i.pk]) for i in loaded], at)


#: What the clocks, the stored summary and the roll-ups read of an incident: a recompute
#: loads only these (not the title, description and the rest of each row).
CLOCK_INPUTS = (
    "pk", "ecosystem_id", "service_id", "classification", "priority", "opened_at",
    "responded_at", "change_approved_at", "sla_state", "next_due_at",
)  # fmt: skip


class TimelineRow(NamedTuple):
    """What the clock reads of a timeline event (``IncidentEvent`` has the same names)."""

    at: datetime
    sequence: int
    pk: int
    status: str
    holder_id: int | None


def store_clocks(
    timelines: list[tuple[Incident, list[IncidentEvent], set[int]]], at: datetime | None = None
) -> int:
    """``recompute_incidents`` for incidents whose timeline (ordered events) and holder
    ids the caller has in hand already (ingestion: no second read of what it wrote)."""
    moment = at or now()
    incidents = [incident for incident, _, _ in timelines]
    incident_ids = [i.pk for i in incidents]
    if not incident_ids:
        return 0
    targets = targets_by_ecosystem({i.ecosystem_id for i in incidents})
    calendars = CalendarCache(years_around([i.opened_at for i in incidents] + [moment]))
    existing = _stored_clocks(incident_ids)
    to_create, to_update, summaries, keep = [], [], [], set()
    gaps: dict[int, list] = {}
    for incident, events, holder_ids in timelines:
        points = timeline_points(events)
        found = applicable_targets(incident, targets.get(incident.ecosystem_id, []), holder_ids)
        gaps[incident.pk] = ownership_gaps(
            points, _gap_calendar(found, calendars), now=moment, stop_states=STOP_STATUSES
        )
        for applicable in found:
            target = applicable.target
            calendar = calendars.get(target.calendar)
            for metric in (MetricChoices.RESPONSE, MetricChoices.RESOLUTION):
                result = evaluate_clock(incident, points, applicable, metric, calendar, moment)
                if result is None:
                    continue
                key = (incident.pk, target.pk, metric)
                keep.add(key)
                stored = existing.get(key)
                figures = _figures(
                    result, target, applicable.provider_id, stored is not None and stored[1]
                )
                summaries.append(
                    _Summary(incident.pk, metric, applicable.provider_id, figures[0], figures[3])
                )
                values = dict(zip(_CLOCK_FIGURES, figures, strict=True))
                if stored is None:
                    to_create.append(
                        IncidentSla(
                            incident=incident,
                            target=target,
                            metric=metric,
                            computed_at=moment,
                            **values,
                        )
                    )
                elif _changed(stored[3], figures):
                    to_update.append(IncidentSla(pk=stored[0], computed_at=moment, **values))
    with transaction.atomic():
        _write_clocks(to_create, to_update, existing, keep)
        store_gaps(gaps, moment)
        store_summaries(incidents, summaries)
        rollups.mark_incidents(incidents)
    return len(to_create) + len(to_update)


def _stored_clocks(incident_ids: list[int]) -> dict[tuple, tuple]:
    """The stored clocks by (incident, target, metric): (pk, breach recorded, warning
    recorded, figures)."""
    # Plain rows: most come out unchanged, and a model instance per stored clock was a
    # third of a recompute's time. Instances are made only for the rows that are written.
    # Unordered: the model's ordering (by incident date and provider name) joins two
    # tables and sorts; at a million incidents that join read every incident per batch.
    stored_rows = (
        IncidentSla.objects.filter(incident_id__in=incident_ids)
        .order_by()
        .values_list(*_CLOCK_KEY, *_CLOCK_FIGURES)
    )
    return {
        (incident_id, target_id, metric): (pk, breach_recorded, warning_recorded, tuple(stored))
        for incident_id, target_id, metric, pk, breach_recorded, warning_recorded, *stored in (
            stored_rows
        )
    }


def _write_clocks(to_create: list, to_update: list, existing: dict, keep: set) -> None:
    IncidentSla.objects.bulk_create(to_create, batch_size=1000)
    update_rows(IncidentSla, to_update, (*_CLOCK_FIGURES, "computed_at"))
    # A clock whose target no longer applies goes, unless it already recorded a
    # warning or breach: that is history.
    stale = [
        pk
        for key, (pk, breach_recorded, warning_recorded, _) in existing.items()
        if key not in keep and breach_recorded is None and warning_recorded is None
    ]
    if stale:
        IncidentSla.objects.filter(pk__in=stale).delete()


#: What a recompute may change on a stored clock (attribute names, in the order of
#: ``_figures``). A row whose figures come out the same is not written (its
#: ``computed_at`` stays: the time its figures were last written).
_CLOCK_FIGURES = (
    "state", "counted_seconds", "target_seconds", "due_at", "warning_1_at", "warning_2_at",
    "breach_at", "provider_id", "party_seconds", "recompute_pending_since",
)  # fmt: skip


_CLOCK_KEY = (
    "incident_id", "target_id", "metric", "pk", "breach_recorded_at", "warning_1_recorded_at",
)  # fmt: skip


class _Summary(NamedTuple):
    """What an incident's stored summary reads of each of its clocks."""

    incident_id: int
    metric: str
    provider_id: int | None
    state: str
    due_at: datetime | None


def _changed(stored: tuple, figures: tuple) -> bool:
    return stored != figures


def _figures(
    result: ClockResult, target: ServiceLevelTarget, provider_id: int | None, breach_recorded
) -> tuple:
    """The stored figures of a clock (``_CLOCK_FIGURES``) from its evaluation."""
    w1, w2 = target.thresholds
    crossings = result.crossings
    return (
        # A recorded breach is never undone by a later edit of the target or calendar.
        SlaStateChoices.BREACHED if breach_recorded else SlaStateChoices(result.state.value),
        result.counted_seconds,
        result.target_seconds,
        result.due_at,
        crossings.get(w1),
        crossings.get(w2),
        crossings.get(100),
        provider_id,
        {
            ("none" if party is None else str(party)): round(seconds, 3)
            for party, seconds in result.budget_by_party.items()
            if seconds
        },
        None,  # recompute_pending_since: recomputed now
    )


def store_summaries(incidents: list[Incident], rows: list[_Summary]) -> None:
    """Write each incident's ``sla_state`` and ``next_due_at`` from its clocks, only
    where they changed (most recomputes change neither)."""
    state: dict[int, str] = {}
    due: dict[int, datetime] = {}
    for row in rows:
        if row.provider_id is None and row.metric == MetricChoices.RESOLUTION:
            state[row.incident_id] = row.state
        if row.state == SlaStateChoices.RUNNING and row.due_at is not None:
            current = due.get(row.incident_id)
            due[row.incident_id] = row.due_at if current is None else min(current, row.due_at)
    changed = []
    for incident in incidents:
        summary = (state.get(incident.pk, ""), due.get(incident.pk))
        if (incident.sla_state, incident.next_due_at) != summary:
            incident.sla_state, incident.next_due_at = summary
            changed.append(incident)
    update_rows(Incident, changed, ("sla_state", "next_due_at"))


_ALWAYS = WorkingCalendar.twenty_four_seven("UTC")


def _gap_calendar(found: list[Applicable], calendars: CalendarCache) -> WorkingCalendar:
    """Gaps are measured in the end-to-end SLA's calendar (the customer's hours), in a
    provider's when only OLAs apply, around the clock when no target applies."""
    ordered = sorted(found, key=lambda a: a.provider_id is not None)
    return calendars.get(ordered[0].target.calendar) if ordered else _ALWAYS


def store_gaps(gaps: dict[int, list], moment: datetime) -> None:
    """Store the ownership gaps of these incidents: a gap keeps its row (and id, and
    whether it was alerted) while it keeps its start; gaps the timeline no longer
    has are removed."""
    from .models import OwnershipGap

    # Stored gaps as plain rows, as the clocks are: instances only for what is written.
    existing = {
        (incident_id, start): (pk, tuple(stored))
        for incident_id, start, pk, *stored in OwnershipGap.objects.filter(
            incident_id__in=list(gaps)
        )
        .order_by()
        .values_list("incident_id", "start", "pk", *_GAP_FIGURES)
    }
    to_create, to_update, kept = [], [], set()
    for incident_id, found in gaps.items():
        for gap in found:
            key = (incident_id, gap.start)
            kept.add(key)
            figures = (gap.end, gap.business_seconds, gap.handed_over_by, gap.taken_by)
            stored = existing.get(key)
            if stored is not None and stored[1] == figures:
                continue
            row = OwnershipGap(
                pk=stored[0] if stored else None,
                incident_id=incident_id,
                start=gap.start,
                computed_at=moment,
                **dict(zip(_GAP_FIGURES, figures, strict=True)),
            )
            (to_update if stored else to_create).append(row)
    gone = [pk for key, (pk, _) in existing.items() if key not in kept]
    if gone:
        OwnershipGap.objects.filter(pk__in=gone).delete()
    OwnershipGap.objects.bulk_create(to_create, batch_size=1000)
    update_rows(OwnershipGap, to_update, (*_GAP_FIGURES, "computed_at"))


_GAP_FIGURES = ("end", "business_seconds", "handed_over_by_id", "taken_by_id")


# --- Live view of one incident ----------------------------------------------------------------


@dataclass
class LiveClock:
    applicable: Applicable
    metric: str
    result: ClockResult

    @property
    def label(self) -> str:
        target = self.applicable.target
        scope = (
            "End-to-end SLA"
            if self.applicable.provider_id is None
            else f"OLA {target.contract.supplier}"
        )
        return f"{scope} · {MetricChoices(self.metric).label.lower()} ({target.contract.reference} {target.priority})"


def live_clocks(incident: Incident, at: datetime | None = None) -> list[LiveClock]:
    """Every clock of one incident evaluated now, for the detail page (nothing stored)."""
    moment = at or now()
    points = timeline_points(incident.events.all())
    holder_ids = {h.pk for h in incident.holders.all()}
    targets = targets_by_ecosystem([incident.ecosystem_id]).get(incident.ecosystem_id, [])
    calendars = CalendarCache(years_around([incident.opened_at, moment]))
    clocks = []
    for applicable in applicable_targets(incident, targets, holder_ids):
        for metric in (MetricChoices.RESPONSE, MetricChoices.RESOLUTION):
            result = evaluate_clock(
                incident,
                points,
                applicable,
                metric,
                calendars.get(applicable.target.calendar),
                moment,
            )
            if result is not None:
                clocks.append(LiveClock(applicable, metric, result))
    clocks.sort(
        key=lambda c: (c.applicable.provider_id is not None, c.metric != MetricChoices.RESOLUTION)
    )
    return clocks
