"""The SLA clock: a pure function of (timeline, calendar, target, pause states).

No database, no request: given the incident's timeline as a list of points (from
each point's instant the incident had that status and that holder, until the next
point), it returns counted business time, the state, the due time, the instants at
which each threshold was or will be crossed, and the timeline cut into per-party
segments (``ownership_gaps`` finds the stretches nobody held). docs/sla.md fixes the meaning; the
choices it leaves open are documented on ``evaluate``.

Everything is closed form over calendar intervals (``WorkingCalendar.spans``):
one step per timeline segment and per working period, never per minute.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from operator import attrgetter
from typing import NamedTuple

from .calendar import WorkingCalendar

ANY_HOLDER = object()
_AT = attrgetter("at")


class ClockState(StrEnum):
    NOT_STARTED = "not_started"
    RUNNING = "running"
    PAUSED = "paused"
    MET = "met"
    BREACHED = "breached"


# Points and segments are named tuples rather than frozen dataclasses: a recompute
# builds millions of them, and a tuple is built several times faster.
class TimelinePoint(NamedTuple):
    at: datetime
    status: str
    holder: int | None  # the party (organisation id) holding the incident, None when nobody does


class Segment(NamedTuple):
    start: datetime
    end: datetime
    status: str
    holder: int | None
    counting: bool  # whether this clock counted it
    business_seconds: float  # working time in the segment, counted or not (0 when stopped)
    paused: bool


@dataclass
class ClockResult:
    state: ClockState
    counted_seconds: float
    target_seconds: float
    due_at: datetime | None
    #: threshold percentage -> instant it was (past) or will be (projected) crossed;
    #: None when it cannot be known (paused, stopped before reaching it).
    crossings: dict[int, datetime | None]
    breached_at: datetime | None
    stopped_at: datetime | None
    segments: list[Segment] = field(default_factory=list)
    party_seconds: dict[int | None, float] = field(default_factory=dict)
    #: Of the target's budget, the business seconds each holder (None: nobody) used
    #: while this clock counted — up to the breach, so a breached clock's shares add
    #: up to its target: "who used the SLA budget".
    budget_by_party: dict[int | None, float] = field(default_factory=dict)

    @property
    def elapsed_fraction(self) -> float:
        return self.counted_seconds / self.target_seconds if self.target_seconds else 0.0


def evaluate(
    points: Sequence[TimelinePoint],
    calendar: WorkingCalendar,
    target_seconds: float,
    *,
    now: datetime,
    pause_states: Collection[str] = (),
    stop_states: Collection[str] = (),
    start_at: datetime | None = None,
    stop_at: datetime | None = None,
    holder=ANY_HOLDER,
    thresholds: Sequence[int] = (50, 75),
) -> ClockResult:
    """Evaluate one clock of one incident at ``now``.

    - The clock starts at ``start_at`` (default: the first point; for a change request
      the caller passes the business owner's approval) and stops for good at
      ``stop_at`` (for a response clock: the first response).
    - It counts working time of ``calendar`` while the status is neither a pause
      state nor a stop state (e.g. resolved); a later point leaving the stop state
      (a reopen) resumes it.
    - ``holder`` restricts counting to segments that party held: the OLA of a
      provider counts only from when it received the incident, and while it holds it.
      When the party no longer holds it, that clock is stopped (met or breached on
      what it counted); when the incident comes back, it resumes.
    - Breach is the instant counted time reaches the target while the clock runs;
      stopping exactly at that instant is met. Warnings are the same for their share.
    - While paused, no deadline can be known: ``due_at`` and future crossings are None.
    """
    crossings: dict[int, datetime | None] = dict.fromkeys(sorted(set(thresholds) | {100}))
    ordered = sorted(points, key=_AT)
    if not ordered:
        return ClockResult(ClockState.NOT_STARTED, 0.0, target_seconds, None, crossings, None, None)
    clock_start = start_at if start_at is not None else ordered[0].at
    clock_end = min(now, stop_at) if stop_at is not None else now

    # The timeline cut into stretches first, then the working time of every stretch that
    # can count in one call: consecutive stretches share their boundary, so each instant
    # is placed in the calendar once. A stopped stretch (resolved, closed) never counts
    # and is not evaluated at all, so a ticket closed years ago costs nothing for the
    # time since.
    stretches = _stretches(ordered, clock_start, clock_end, stop_states)
    business_times = iter(
        calendar.working_seconds_of([(a, b) for a, b, _, stopped in stretches if not stopped])
    )

    walk = _walk(
        stretches, business_times, calendar, target_seconds, crossings, pause_states, holder
    )
    position = _where_it_is(
        ordered[-1], now, clock_start, stop_at, stop_states, pause_states, holder
    )
    return _result(walk, position, crossings, calendar, target_seconds, now, clock_start)


def _result(walk, position, crossings, calendar, target_seconds, now, clock_start) -> ClockResult:
    """The clock's state and instants once its timeline has been walked up to ``now``."""
    running = position.started and not position.stopped and not position.paused
    if running:
        _project_crossings(crossings, calendar, max(now, clock_start), target_seconds, walk.counted)
    elif (
        position.stopped and crossings[100] is not None and crossings[100] == walk.last_counting_end
    ):
        # Stopped at the very instant the target was reached: met, not breached.
        crossings[100] = None
    # A breach (or warning) has happened only once its instant has passed.
    breached_at = crossings[100] if crossings[100] is not None and crossings[100] <= now else None
    return ClockResult(
        state=_state(
            started=position.started,
            breached=breached_at is not None,
            stopped=position.stopped,
            paused=position.paused,
        ),
        counted_seconds=walk.counted,
        target_seconds=target_seconds,
        due_at=crossings[100] if running else None,
        crossings=crossings,
        breached_at=breached_at,
        stopped_at=position.stopped_at,
        segments=walk.segments,
        party_seconds=dict(walk.party_seconds),
        budget_by_party=dict(walk.budget),
    )


@dataclass(slots=True)
class _Position:
    started: bool
    stopped: bool
    paused: bool
    stopped_at: datetime | None


def _where_it_is(last, now, clock_start, stop_at, stop_states, pause_states, holder) -> _Position:
    """Where the clock is at ``now``, from the timeline's last point."""
    started = now >= clock_start
    stopped_for_good = stop_at is not None and stop_at <= now
    holder_left = holder is not ANY_HOLDER and last.holder != holder
    stopped = started and (stopped_for_good or last.status in stop_states or holder_left)
    paused = started and not stopped and last.status in pause_states
    if stopped_for_good:
        stopped_at = stop_at
    elif stopped:
        stopped_at = max(last.at, clock_start)
    else:
        stopped_at = None
    return _Position(started, stopped, paused, stopped_at)


@dataclass(slots=True)
class _Walk:
    counted: float
    last_counting_end: datetime | None
    segments: list
    party_seconds: dict
    budget: dict


def _walk(
    stretches, business_times, calendar, target_seconds, crossings, pause_states, holder
) -> _Walk:
    """Walk the stretches once: what the clock counted, when it last counted, the
    segments, each party's working time and share of the budget; the crossings that
    fall inside a counting stretch are filled in ``crossings``."""
    segments: list[Segment] = []
    party_seconds: dict[int | None, float] = defaultdict(float)
    budget: dict[int | None, float] = defaultdict(float)
    counted = 0.0
    last_counting_end = None
    any_holder = holder is ANY_HOLDER
    for seg_start, seg_end, point, stopped in stretches:
        paused = point.status in pause_states
        business = 0.0 if stopped else next(business_times)
        counting = (any_holder or point.holder == holder) and not paused and not stopped
        if not paused and not stopped:
            party_seconds[point.holder] += business
        if counting:
            within_budget = max(0.0, min(business, target_seconds - counted))
            if within_budget:
                budget[point.holder] += within_budget
            for percent in crossings:
                needed = target_seconds * percent / 100
                if crossings[percent] is None and counted < needed <= counted + business:
                    crossings[percent] = calendar.advance(seg_start, needed - counted)
            counted += business
            last_counting_end = seg_end
        segments.append(
            Segment(seg_start, seg_end, point.status, point.holder, counting, business, paused)
        )
    return _Walk(counted, last_counting_end, segments, party_seconds, budget)


def _stretches(ordered, clock_start, clock_end, stop_states) -> list[tuple]:
    """The timeline cut at its points and at the clock's start and end: (start, end,
    the point it follows, whether that point stopped the clock), empty stretches left
    out."""
    stretches = []
    last_index = len(ordered) - 1
    for index, point in enumerate(ordered):
        seg_start = point.at if point.at > clock_start else clock_start
        seg_end = ordered[index + 1].at if index < last_index else clock_end
        if seg_end > clock_end:
            seg_end = clock_end
        if seg_end > seg_start:
            stretches.append((seg_start, seg_end, point, point.status in stop_states))
    return stretches


def _project_crossings(crossings, calendar, start, target_seconds, counted) -> None:
    """A running clock's thresholds not crossed yet: when they will be, counting on
    from ``start``."""
    for percent, crossed in crossings.items():
        if crossed is None:
            crossings[percent] = calendar.advance(start, target_seconds * percent / 100 - counted)


def _state(*, started: bool, breached: bool, stopped: bool, paused: bool) -> ClockState:
    if not started:
        return ClockState.NOT_STARTED
    if breached:
        return ClockState.BREACHED
    if stopped:
        return ClockState.MET
    if paused:
        return ClockState.PAUSED
    return ClockState.RUNNING


@dataclass(frozen=True)
class OwnerGap:
    """A stretch in which nobody owned the open ticket; ``end`` None while it lasts."""

    start: datetime
    end: datetime | None
    handed_over_by: int | None
    taken_by: int | None
    business_seconds: float


def ownership_gaps(
    points: Sequence[TimelinePoint],
    calendar: WorkingCalendar,
    *,
    now: datetime,
    stop_states: Collection[str] = (),
) -> list[OwnerGap]:
    """Every stretch of the timeline in which the ticket was open and nobody held it.

    It starts at the point that left it with nobody (or at the opening, when it was
    opened unassigned) and ends at the first point that gives it to a party or stops
    it (resolved, closed). Waiting statuses do not end a gap: nobody owns the wait
    either. Business time is measured in ``calendar``, up to ``now`` while it lasts.
    """
    ordered = sorted(points, key=lambda p: p.at)
    gaps: list[OwnerGap] = []
    start = None
    before = None
    previous_holder = None
    for point in ordered:
        open_now = point.status not in stop_states
        if start is None:
            if point.holder is None and open_now:
                start, before = point.at, previous_holder
        elif point.holder is not None or not open_now:
            gaps.append(
                OwnerGap(
                    start, point.at, before, point.holder, calendar.working_seconds(start, point.at)
                )
            )
            start = None
        if point.holder is not None:
            previous_holder = point.holder
    if start is not None:
        gaps.append(
            OwnerGap(start, None, before, None, calendar.working_seconds(start, max(now, start)))
        )
    return gaps
