"""Incident operations and the derived SLA state: the ORM side of the clock.

``slas.clock`` is pure; this module loads what it needs in a constant number of
queries per batch (events, targets, calendars with their holidays — each calendar
built once per computation), evaluates every clock and stores the result.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple

import holidays as holidays_lib
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from core.bulk import update_rows
from core.codes import allocate_number
from core.commands import Write, save_command
from siam.choices import ContractKindChoices, ContractStatusChoices

from . import rollups
from .calendar import WorkingCalendar
from .choices import (
    STOP_STATUSES,
    AlertLevelChoices,
    EventKindChoices,
    IncidentStatusChoices,
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
from .models import (
    BusinessCalendar,
    Incident,
    IncidentEvent,
    IncidentSla,
    IncidentToolKey,
    ServiceLevelTarget,
)


def now() -> datetime:
    """The present, for every SLA computation (one place for tests to pin it)."""
    return timezone.now()


# --- Calendars -------------------------------------------------------------------------------


def build_working_calendar(calendar: BusinessCalendar, years: Iterable[int]) -> WorkingCalendar:
    """The pure calendar for a model instance whose periods and holidays are prefetched."""
    if calendar.always_open:
        return WorkingCalendar.twenty_four_seven(calendar.time_zone)
    from zoneinfo import ZoneInfo

    week: list[list[tuple[int, int]]] = [[] for _ in range(7)]
    for period in calendar.working_periods.all():
        week[period.weekday].append(period.minutes)
    days = set()
    if calendar.holiday_country:
        days.update(
            holidays_lib.country_holidays(
                calendar.holiday_country,
                subdiv=calendar.holiday_subdivision or None,
                years=list(years),
            ).keys()
        )
    days.update(h.date for h in calendar.custom_holidays.all())
    return WorkingCalendar(
        tz=ZoneInfo(calendar.time_zone),
        week=tuple(tuple(sorted(p)) for p in week),
        holidays=frozenset(days),
    )


class CalendarCache:
    """Each calendar turned into a ``WorkingCalendar`` once per computation."""

    def __init__(self, years: Iterable[int]):
        self.years = list(years)
        self._built: dict[int, WorkingCalendar] = {}

    def get(self, calendar: BusinessCalendar) -> WorkingCalendar:
        if calendar.pk not in self._built:
            self._built[calendar.pk] = shared_working_calendar(calendar, self.years)
        return self._built[calendar.pk]


#: Working calendars kept between computations, per thread (a calendar lays out its
#: working spans lazily, and that is not safe to share across threads). Laying out five
#: years of days is most of a small recompute's cost; an edited calendar has another
#: fingerprint, so it is built again.
_kept_calendars = threading.local()
#: How many years back a kept calendar knows its holidays without being built again.
HISTORY_YEARS = 6


def _calendar_fingerprint(calendar: BusinessCalendar) -> tuple:
    return (
        calendar.time_zone, calendar.always_open, calendar.holiday_country,
        calendar.holiday_subdivision,
        tuple(sorted((p.weekday, p.minutes) for p in calendar.working_periods.all())),
        tuple(sorted(h.date for h in calendar.custom_holidays.all())),
    )  # fmt: skip


def shared_working_calendar(calendar: BusinessCalendar, years: list[int]) -> WorkingCalendar:
    kept = getattr(_kept_calendars, "by_pk", None)
    if kept is None:
        kept = _kept_calendars.by_pk = {}
    fingerprint = _calendar_fingerprint(calendar)
    entry = kept.get(calendar.pk)
    if entry is not None and entry[0] == fingerprint and set(years) <= entry[1]:
        return entry[2]
    asked = range(min(years), max(years) + 1)
    # Holidays for the history a recompute may reach as well: a batch reaching one year
    # further back would otherwise build the calendar (and lay out its spans) again.
    this_year = timezone.now().year
    wanted = set(years) | set(range(this_year - HISTORY_YEARS, this_year + 4))
    if entry is not None and entry[0] == fingerprint:
        wanted |= entry[1]
    wanted = range(min(wanted), max(wanted) + 1)
    built = build_working_calendar(calendar, wanted)
    # Laid out over the years asked at once: growing the spans piece by piece as the
    # instants of a five-year recompute arrive rebuilds them a dozen times.
    # (``_years_around`` pads a year before and two after the instants it was given.)
    built.lay_out(date(asked[0] + 1, 1, 1), date(max(asked[-1] - 1, asked[0] + 2), 1, 1))
    years = wanted
    kept[calendar.pk] = (fingerprint, frozenset(years), built)
    return built


def _years_around(moments: Iterable[datetime]) -> range:
    years = [m.year for m in moments] or [timezone.now().year]
    return range(min(years) - 1, max(years) + 3)


# --- Which targets apply ---------------------------------------------------------------------


@dataclass(frozen=True)
class Applicable:
    target: ServiceLevelTarget
    provider_id: int | None  # None: the end-to-end SLA


def _targets_by_ecosystem(ecosystem_ids) -> dict[int, list[ServiceLevelTarget]]:
    targets = (
        ServiceLevelTarget.objects.filter(
            contract__ecosystem_id__in=ecosystem_ids, contract__status=ContractStatusChoices.ACTIVE
        )
        .select_related("contract__supplier", "calendar")
        .prefetch_related(
            "contract__services", "calendar__working_periods", "calendar__custom_holidays"
        )
    )
    result = defaultdict(list)
    for target in targets:
        result[target.contract.ecosystem_id].append(target)
    return result


def _covered_services(contract) -> frozenset[int]:
    """The services a contract names (none: all), read once per loaded contract."""
    covered = getattr(contract, "_covered_service_ids", None)
    if covered is None:
        covered = frozenset(s.pk for s in contract.services.all())
        contract._covered_service_ids = covered
    return covered


def applicable_targets(
    incident: Incident, targets: list[ServiceLevelTarget], holder_ids: set[int]
) -> list[Applicable]:
    """Per contract, the most specific target for the incident's priority: one for its
    service and kind of ticket, else its kind, else its service, else the
    priority-only one (docs/sla.md, "Which target applies")."""
    best: dict[int, ServiceLevelTarget] = {}
    for target in targets:
        contract = target.contract
        if target.priority != incident.priority:
            continue
        if target.classification and target.classification != incident.classification:
            continue
        if target.service_id and target.service_id != incident.service_id:
            continue
        covered = _covered_services(contract)
        if covered and incident.service_id not in covered:
            continue
        current = best.get(contract.pk)
        if current is None or target.specificity > current.specificity:
            best[contract.pk] = target
    found = []
    for target in best.values():
        contract = target.contract
        if contract.kind == ContractKindChoices.SLA:
            found.append(Applicable(target, None))
        elif contract.supplier_id in holder_ids:
            found.append(Applicable(target, contract.supplier_id))
    return found


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


def recompute_incidents(incidents: Iterable[Incident], at: datetime | None = None) -> int:
    """Recompute and store the SLA state of ``incidents`` from their timelines.

    Recorded warnings and breaches are history: a later change of target, calendar
    or timeline never undoes them. Returns the number of clocks stored.
    """
    incident_ids = sorted(i.pk for i in incidents)
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
    targets = _targets_by_ecosystem({i.ecosystem_id for i in incidents})
    calendars = CalendarCache(_years_around([i.opened_at for i in incidents] + [moment]))
    # Stored clocks as plain rows: most come out unchanged, and a model instance per
    # stored clock was a third of a recompute's time. Instances are made only for the
    # rows that are written.
    stored_rows = IncidentSla.objects.filter(incident_id__in=incident_ids).values_list(
        *_CLOCK_KEY, *_CLOCK_FIGURES
    )
    existing = {
        (incident_id, target_id, metric): (pk, breach_recorded, warning_recorded, tuple(stored))
        for incident_id, target_id, metric, pk, breach_recorded, warning_recorded, *stored in (
            stored_rows
        )
    }
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
        store_gaps(gaps, moment)
        store_summaries(incidents, summaries)
        rollups.mark_incidents(incidents)
    return len(to_create) + len(to_update)


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
        ).values_list("incident_id", "start", "pk", *_GAP_FIGURES)
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


# --- Incident operations --------------------------------------------------------------------


def _highest_reference_number(ecosystem_id: int) -> int:
    numbers = [
        int(ref[4:])
        for ref in Incident.objects.filter(
            ecosystem_id=ecosystem_id, reference__startswith="INC-"
        ).values_list("reference", flat=True)
        if ref[4:].isdigit()
    ]
    return max(numbers, default=0)


def next_reference(ecosystem_id: int) -> str:
    """A provisional reference for validation only; ``open_incident`` allocates the real one."""
    return f"INC-{_highest_reference_number(ecosystem_id) + 1:06d}"


def allocate_reference(ecosystem_id: int) -> str:
    number = allocate_number(
        "slas.incident", ecosystem_id, lambda: _highest_reference_number(ecosystem_id)
    )
    return f"INC-{number:06d}"


def compute_priority(incident: Incident) -> str:
    from .models import PriorityMatrix

    matrix = (
        PriorityMatrix.objects.filter(ecosystem_id=incident.ecosystem_id).first()
        or PriorityMatrix()
    )
    priority = matrix.priority_for(incident.impact, incident.urgency)
    if priority is None:
        raise ValidationError(
            {
                "urgency": f"No priority for impact {incident.impact!r} and urgency {incident.urgency!r} in the matrix."
            }
        )
    return priority


@transaction.atomic
def open_incident(incident: Incident, *, author=None, at: datetime | None = None) -> Incident:
    """Save a new incident with its first timeline event; the integrator holds it."""
    at = at or incident.opened_at or now()
    incident.opened_at = at
    if not incident.reference:
        incident.reference = allocate_reference(incident.ecosystem_id)
    if not incident.priority_overridden:
        incident.priority = compute_priority(incident)
    if incident.holder_id is None:
        incident.holder_id = incident.ecosystem.integrator_id
    incident.status = IncidentStatusChoices.NEW
    incident._history_user = author
    incident.full_clean()
    incident.save()
    incident.holders.add(incident.holder_id)
    IncidentEvent.objects.create(
        incident=incident,
        at=at,
        kind=EventKindChoices.OPENED,
        status=incident.status,
        holder_id=incident.holder_id,
        author=author,
        note="Opened",
    )
    recompute_incidents([incident])
    return incident


@save_command(Incident)
def save_incident(write: Write) -> Incident:
    """Open a new incident, or correct an open one's details: its priority follows the
    impact and urgency (unless overridden) and its clocks are recomputed."""
    incident = write.build()
    keys = {
        tool: write.values[name]
        for name, tool in IncidentToolKey.INPUTS.items()
        if name in write.values
    }
    if write.creating:
        open_incident(incident, author=write.user, at=incident.opened_at)
        set_tool_keys(incident, keys, author=write.user)
        return incident
    if not incident.priority_overridden:
        incident.priority = compute_priority(incident)
    incident.save()
    set_tool_keys(incident, keys, author=write.user)
    recompute_incidents([incident])
    return incident


def set_tool_keys(incident: Incident, keys: Mapping[str, str], *, author=None) -> None:
    """Set the incident's key in each tool named (a blank key removes it); the tools
    not named keep theirs."""
    stored = {row.tool: row for row in incident.tool_keys.all()}
    for tool, key in keys.items():
        key = (key or "").strip()
        row = stored.get(tool) or IncidentToolKey(incident=incident, tool=tool)
        if row.key == key:
            continue
        row._history_user = author
        if not key:
            row.delete()
        else:
            row.key = key
            row.save()


#: ``record_event(holder=...)`` default: the holder stays as it is (None is nobody).
UNCHANGED = object()


@transaction.atomic
def record_event(
    incident: Incident,
    *,
    kind: str,
    at: datetime | None = None,
    status: str | None = None,
    holder=UNCHANGED,
    note: str = "",
    author=None,
) -> IncidentEvent:
    """Append an event to the timeline, update the incident and its SLA state.

    The timeline primitive under ``slas.actions``, which decides *whether* an action
    may happen; nothing else writes a typed event. ``status`` is the value after the
    event (unchanged when None), ``holder`` too (``UNCHANGED`` by default; None hands
    it to nobody). Events may arrive late (an older instant): the timeline is re-read
    in order.
    """
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    at = at or now()
    last = incident.events.order_by("-at", "-sequence", "-id").first()
    new_status = status or (last.status if last else incident.status)
    if holder is UNCHANGED:
        new_holder_id = last.holder_id if last else incident.holder_id
    else:
        new_holder_id = holder.pk if hasattr(holder, "pk") else holder
    if at < incident.opened_at:
        raise ValidationError(
            {"at": "An event cannot be earlier than the opening of the incident."}
        )
    event = IncidentEvent.objects.create(
        incident=incident,
        at=at,
        kind=kind,
        status=new_status,
        holder_id=new_holder_id,
        note=note,
        author=author,
    )
    if new_holder_id:
        incident.holders.add(new_holder_id)
    _refresh_incident(incident, author)
    recompute_incidents([incident])
    return event


def _refresh_incident(incident: Incident, author) -> None:
    """Derive the incident's current fields from its (ordered) timeline."""
    derive_from_timeline(incident, list(incident.events.order_by("at", "sequence", "id")))
    incident._history_user = author
    incident.save()


def derive_from_timeline(incident: Incident, events: list[IncidentEvent]) -> None:
    """Set status, holder, response, resolution, closure and reopen count from the
    ordered timeline (not saved: ingestion stores a batch of incidents at once)."""
    last = events[-1]
    incident.status = last.status
    incident.holder_id = last.holder_id
    incident.responded_at = next(
        (e.at for e in events if e.status != IncidentStatusChoices.NEW), None
    )
    incident.reopen_count = sum(1 for e in events if e.kind == EventKindChoices.REOPENED)
    # When it last became resolved: a later comment on the resolved incident (which
    # carries the status) does not move it.
    resolved_at = None
    previous = None
    for event in events:
        if event.status == IncidentStatusChoices.RESOLVED and previous != event.status:
            resolved_at = event.at
        previous = event.status
    incident.resolved_at = resolved_at if last.status in STOP_STATUSES else None
    incident.closed_at = last.at if last.status == IncidentStatusChoices.CLOSED else None


# --- Thresholds crossing (the beat task) -----------------------------------------------------

LEVELS = (
    (AlertLevelChoices.WARNING_1, "warning_1_at", "warning_1_recorded_at"),
    (AlertLevelChoices.WARNING_2, "warning_2_at", "warning_2_recorded_at"),
    (AlertLevelChoices.BREACH, "breach_at", "breach_recorded_at"),
)


def record_crossings(
    at: datetime | None = None, batch_size: int = 500, *, recompute_breached: bool = True
) -> list[int]:
    """Record every threshold crossed by ``now`` exactly once; return the new alerts' ids.

    ``recompute_breached=False`` when the clocks were just computed at ``at`` (generated
    data): their budget split is final already.

    An index lookup per level (``<deadline> <= now`` among rows not yet recorded);
    rows are locked with SKIP LOCKED, so two workers running this at once share the
    work instead of doing it twice, and a rerun finds nothing left to record.
    """
    from django.db import connection

    from .models import SlaAlert

    moment = at or now()
    created: list[int] = []
    breached_incidents: set[int] = set()
    if connection.vendor == "postgresql":
        while True:
            with transaction.atomic():
                marked, alert_ids, breached = _record_batch(moment, batch_size)
            created.extend(alert_ids)
            breached_incidents.update(breached)
            if marked < batch_size:
                break
        _finalise_breached(breached_incidents, moment, batch_size, recompute_breached)
        return created
    for level, deadline, recorded in LEVELS:
        while True:
            with transaction.atomic():
                rows = list(
                    IncidentSla.objects.select_for_update(skip_locked=True)
                    .filter(**{f"{deadline}__lte": moment, f"{recorded}__isnull": True})
                    .order_by(deadline)[:batch_size]
                )
                if not rows:
                    break
                # One UPDATE per batch: the recorded instant is the deadline itself.
                updates = {recorded: F(deadline)}
                if level == AlertLevelChoices.BREACH:
                    updates["state"] = SlaStateChoices.BREACHED
                IncidentSla.objects.filter(pk__in=[row.pk for row in rows]).update(**updates)
                alerts = [
                    SlaAlert(incident_sla=row, level=level, crossed_at=getattr(row, deadline))
                    for row in rows
                ]
                SlaAlert.objects.bulk_create(alerts, ignore_conflicts=True)
                if level == AlertLevelChoices.BREACH:
                    breached_incidents.update(row.incident_id for row in rows)
                ids = list(
                    SlaAlert.objects.filter(
                        incident_sla__in=rows, level=level, handled_at__isnull=True
                    ).values_list("pk", flat=True)
                )
                created.extend(ids)
    _finalise_breached(breached_incidents, moment, batch_size, recompute_breached)
    return created


def _finalise_breached(
    incident_ids: set[int], moment: datetime, batch_size: int, recompute: bool
) -> None:
    """At its breach a clock's budget is spent: recomputed now (after the scan's locks
    are released), its per-party split is final and the report can rely on it. Either
    way the months of these incidents have new figures (``slas.rollups``)."""
    ordered = sorted(incident_ids)
    if not recompute:
        for start in range(0, len(ordered), batch_size):
            rollups.mark_incidents(
                Incident.objects.filter(pk__in=ordered[start : start + batch_size]).only(
                    "ecosystem_id", "opened_at"
                )
            )
        return
    for start in range(0, len(ordered), batch_size):
        recompute_incidents([Incident(pk=pk) for pk in ordered[start : start + batch_size]], moment)


#: The whole scan of one batch as one statement (PostgreSQL): pick the clocks with a
#: threshold due and not yet recorded (each level's partial index on its own, gathered
#: into an array: the planner cannot estimate the OR of the three and then walks the
#: whole table in id order; the array's length it knows), lock them
#: skipping those another worker holds, record every level crossed, and insert one
#: alert per level crossed. Returns the clocks marked, so the caller knows whether
#: another batch is left.
SCAN_SQL = """
WITH due AS (
    SELECT id FROM {sla}
    WHERE id = ANY(ARRAY(
        SELECT id FROM {sla} WHERE warning_1_at <= %(now)s AND warning_1_recorded_at IS NULL
        UNION SELECT id FROM {sla} WHERE warning_2_at <= %(now)s AND warning_2_recorded_at IS NULL
        UNION SELECT id FROM {sla} WHERE breach_at <= %(now)s AND breach_recorded_at IS NULL
    ))
      AND ((warning_1_at <= %(now)s AND warning_1_recorded_at IS NULL)
       OR (warning_2_at <= %(now)s AND warning_2_recorded_at IS NULL)
       OR (breach_at <= %(now)s AND breach_recorded_at IS NULL))
    ORDER BY id LIMIT %(batch)s FOR UPDATE SKIP LOCKED
), crossed AS (
    SELECT s.id,
           (s.warning_1_at <= %(now)s AND s.warning_1_recorded_at IS NULL) AS w1,
           (s.warning_2_at <= %(now)s AND s.warning_2_recorded_at IS NULL) AS w2,
           (s.breach_at <= %(now)s AND s.breach_recorded_at IS NULL) AS br
    FROM {sla} s JOIN due ON due.id = s.id
), marked AS (
    UPDATE {sla} s SET
        warning_1_recorded_at = CASE WHEN c.w1 THEN s.warning_1_at ELSE s.warning_1_recorded_at END,
        warning_2_recorded_at = CASE WHEN c.w2 THEN s.warning_2_at ELSE s.warning_2_recorded_at END,
        breach_recorded_at = CASE WHEN c.br THEN s.breach_at ELSE s.breach_recorded_at END,
        state = CASE WHEN c.br THEN %(breached)s ELSE s.state END
    FROM crossed c WHERE s.id = c.id
    RETURNING s.id, s.incident_id, c.w1, c.w2, c.br, s.warning_1_at, s.warning_2_at, s.breach_at
), alerts AS (
    INSERT INTO {alert} (incident_sla_id, level, crossed_at, recorded_at)
    SELECT id, %(w1)s, warning_1_at, now() FROM marked WHERE w1
    UNION ALL SELECT id, %(w2)s, warning_2_at, now() FROM marked WHERE w2
    UNION ALL SELECT id, %(br)s, breach_at, now() FROM marked WHERE br
    ON CONFLICT (incident_sla_id, level) DO NOTHING
    RETURNING id, incident_sla_id, level
)
SELECT (SELECT count(*) FROM marked),
       alerts.id, alerts.level, (SELECT m.incident_id FROM marked m WHERE m.id = alerts.incident_sla_id)
FROM alerts RIGHT JOIN (SELECT 1) AS one ON true
"""


def _record_batch(moment: datetime, batch_size: int) -> tuple[int, list[int], set[int]]:
    from django.db import connection

    from .models import SlaAlert

    sql = SCAN_SQL.format(sla=IncidentSla._meta.db_table, alert=SlaAlert._meta.db_table)
    params = {
        "now": moment, "batch": batch_size, "breached": SlaStateChoices.BREACHED,
        "w1": AlertLevelChoices.WARNING_1, "w2": AlertLevelChoices.WARNING_2, "br": AlertLevelChoices.BREACH,
    }  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    marked = rows[0][0] if rows else 0
    alert_ids = [alert_id for _, alert_id, _, _ in rows if alert_id is not None]
    breached = {
        incident for _, alert_id, level, incident in rows if level == AlertLevelChoices.BREACH
    }
    return marked, alert_ids, breached


def open_incidents_governed(ecosystem_ids: Iterable[int], include_closed: bool = False):
    queryset = Incident.objects.filter(ecosystem_id__in=list(ecosystem_ids))
    if not include_closed:
        queryset = queryset.exclude(status__in=STOP_STATUSES)
    return queryset


def repair(
    ecosystem_ids: Iterable[int],
    *,
    include_closed: bool = False,
    after: int = 0,
    chunk: int = 500,
    on_chunk=None,
) -> int:
    """Recompute the SLA state of the ecosystems' open incidents (all, when asked), in id
    order from ``after``; ``on_chunk(last_id)`` after each committed chunk lets a caller
    cut short resume where it stopped."""
    ids = list(
        open_incidents_governed(ecosystem_ids, include_closed)
        .filter(pk__gt=after)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    stored = 0
    for start in range(0, len(ids), chunk):
        batch = ids[start : start + chunk]
        stored += recompute_incidents([Incident(pk=pk) for pk in batch])
        if on_chunk is not None:
            on_chunk(batch[-1])
    return stored


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
    targets = _targets_by_ecosystem([incident.ecosystem_id]).get(incident.ecosystem_id, [])
    calendars = CalendarCache(_years_around([incident.opened_at, moment]))
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
