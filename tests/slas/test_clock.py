"""The SLA clock, tested directly: worked examples and properties (no database)."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import holidays
from hypothesis import given, settings
from hypothesis import strategies as st

from slas.calendar import WorkingCalendar
from slas.clock import ANY_HOLDER, ClockState, TimelinePoint, evaluate, ownership_gaps

AMS = ZoneInfo("Europe/Amsterdam")
NY = ZoneInfo("America/New_York")
PAUSE = {"awaiting_customer"}
STOP = {"resolved", "closed"}
H = 3600


def local(tz, *args):
    return datetime(*args, tzinfo=tz).astimezone(UTC)


def office(tz="Europe/Amsterdam", **kwargs):
    return WorkingCalendar.office_hours(tz, **kwargs)


def run(points, calendar, target_hours, now, **kwargs):
    kwargs.setdefault("pause_states", PAUSE)
    kwargs.setdefault("stop_states", STOP)
    return evaluate(points, calendar, target_hours * H, now=now, **kwargs)


def P(at, status="in_progress", holder=1):
    return TimelinePoint(at, status, holder)


# --- worked examples -------------------------------------------------------------------


def test_business_hours_across_a_weekend():
    opened = local(AMS, 2026, 11, 20, 16, 0)  # Friday 16:00
    result = run([P(opened, "new")], office(), 2, now=opened)
    assert result.due_at == local(AMS, 2026, 11, 23, 10, 0)  # Monday 10:00
    assert result.state == ClockState.RUNNING
    later = run([P(opened, "new")], office(), 2, now=local(AMS, 2026, 11, 22, 12, 0))  # Sunday
    assert later.counted_seconds == 1 * H


def test_a_public_holiday_does_not_count():
    cal = office(holidays=holidays.country_holidays("NL", years=2026))
    opened = local(AMS, 2026, 4, 24, 16, 0)  # Friday before King's Day (Monday 27 April)
    result = run([P(opened)], cal, 2, now=opened)
    assert result.due_at == local(AMS, 2026, 4, 28, 10, 0)


def test_holidays_are_local_dates_not_utc_dates():
    # Known failure elsewhere: Thanksgiving starting at 19:00 New York time, because
    # the holiday was looked up by the UTC date. Here the evening still counts.
    cal = WorkingCalendar.office_hours(
        "America/New_York",
        periods=((8 * 60, 22 * 60),),
        holidays=holidays.country_holidays("US", years=2026),
    )
    opened = local(NY, 2026, 11, 25, 18, 0)  # Wednesday 18:00 EST = Thursday 00:00 UTC... minus 1h
    result = run([P(opened)], cal, 3, now=opened)
    assert result.due_at == local(NY, 2026, 11, 25, 21, 0)
    # and the holiday itself is skipped in full: 4 h from Wed 20:00 ends Fri 10:00
    late = run([P(local(NY, 2026, 11, 25, 20, 0))], cal, 4, now=local(NY, 2026, 11, 25, 20, 0))
    assert late.due_at == local(NY, 2026, 11, 27, 10, 0)


def test_deadline_across_dst_start_in_amsterdam():
    opened = local(AMS, 2026, 3, 27, 16, 0)  # Friday, CET; clocks go forward on Sunday
    result = run([P(opened)], office(), 2, now=opened)
    assert result.due_at == local(AMS, 2026, 3, 30, 10, 0)
    assert result.due_at == datetime(2026, 3, 30, 8, 0, tzinfo=UTC)  # CEST is UTC+2


def test_deadline_across_dst_end_in_new_york():
    opened = local(NY, 2026, 10, 30, 16, 0)  # Friday, EDT; clocks go back on Sunday
    result = run([P(opened)], office("America/New_York"), 2, now=opened)
    assert result.due_at == datetime(2026, 11, 2, 15, 0, tzinfo=UTC)  # Monday 10:00 EST


def test_a_full_local_day_lasts_25_hours_when_clocks_go_back():
    cal = WorkingCalendar.office_hours("Europe/Amsterdam", periods=((0, 24 * 60),), days=(6,))
    day_start, day_end = local(AMS, 2026, 10, 25, 0, 0), local(AMS, 2026, 10, 26, 0, 0)
    assert cal.working_seconds(day_start, day_end) == 25 * H


def test_pauses_stop_the_clock_and_move_the_due_time():
    t = lambda h, m=0: local(AMS, 2026, 11, 23, h, m)  # noqa: E731 - a Monday
    points = [P(t(9), "new"), P(t(10), "awaiting_customer"), P(t(11), "in_progress")]
    result = run(points, office(), 4, now=t(12))
    assert result.counted_seconds == 2 * H
    assert result.due_at == t(14)
    paused = run(points[:2], office(), 4, now=t(10, 30))
    assert paused.state == ClockState.PAUSED and paused.due_at is None
    assert paused.counted_seconds == 1 * H


def test_a_pause_survives_a_change_of_target():
    t = lambda h: local(AMS, 2026, 11, 23, h)  # noqa: E731
    points = [P(t(9), "new"), P(t(10), "awaiting_customer"), P(t(13), "in_progress")]
    for target in (4, 8):
        assert run(points, office(), target, now=t(14)).counted_seconds == 2 * H


def test_resolution_stops_and_a_reopen_resumes():
    mon = lambda h: local(AMS, 2026, 11, 23, h)  # noqa: E731
    tue = lambda h: local(AMS, 2026, 11, 24, h)  # noqa: E731
    points = [P(mon(9), "new"), P(mon(11), "resolved")]
    done = run(points, office(), 4, now=tue(12))
    assert (
        done.state == ClockState.MET
        and done.counted_seconds == 2 * H
        and done.stopped_at == mon(11)
    )
    reopened = run([*points, P(tue(9), "in_progress")], office(), 4, now=tue(10))
    assert reopened.state == ClockState.RUNNING and reopened.counted_seconds == 3 * H
    assert reopened.due_at == tue(10) + timedelta(hours=1)


def test_breach_is_recorded_when_it_happens_with_warnings_before():
    t = lambda h: local(AMS, 2026, 11, 23, h)  # noqa: E731
    result = run([P(t(9), "new")], office(), 4, now=t(16))
    assert result.state == ClockState.BREACHED
    assert result.breached_at == t(13)
    assert result.crossings[50] == t(11) and result.crossings[75] == t(12)


def test_resolved_exactly_at_the_deadline_is_met():
    t = lambda h: local(AMS, 2026, 11, 23, h)  # noqa: E731
    result = run([P(t(9), "new"), P(t(13), "resolved")], office(), 4, now=t(15))
    assert result.state == ClockState.MET and result.breached_at is None


def test_response_clock_stops_at_the_first_response():
    t = lambda h: local(AMS, 2026, 11, 23, h)  # noqa: E731
    points = [P(t(9), "new"), P(t(10), "in_progress")]
    result = run(points, office(), 2, now=t(15), stop_at=t(10))
    assert result.state == ClockState.MET and result.counted_seconds == 1 * H


def test_change_request_clock_starts_at_approval():
    t = lambda h: local(AMS, 2026, 11, 23, h)  # noqa: E731
    points = [P(t(9), "new")]
    waiting = run(points, office(), 2, now=t(10), start_at=t(11))
    assert waiting.state == ClockState.NOT_STARTED and waiting.counted_seconds == 0
    started = run(points, office(), 2, now=t(12), start_at=t(11))
    assert started.counted_seconds == 1 * H and started.due_at == t(13)


def test_hand_offs_are_cut_into_party_segments_with_no_owner_gaps():
    t = lambda h: local(AMS, 2026, 11, 23, h)  # noqa: E731
    integrator, provider = 1, 2
    points = [
        P(t(9), "new", integrator),
        P(t(10), "in_progress", None),
        P(t(11), "in_progress", provider),
    ]
    result = run(points, office(), 8, now=t(13))
    assert result.party_seconds == {integrator: 1 * H, None: 1 * H, provider: 2 * H}
    assert [s.holder for s in result.segments] == [integrator, None, provider]
    gaps = ownership_gaps(points, office(), now=t(13), stop_states={"resolved", "closed"})
    assert [(g.start, g.end, g.handed_over_by, g.taken_by, g.business_seconds) for g in gaps] == [
        (t(10), t(11), integrator, provider, H)
    ]


def test_a_reassigned_provider_starts_with_its_full_ola():
    t = lambda h: local(AMS, 2026, 11, 23, h)  # noqa: E731
    points = [P(t(9), "new", 1), P(t(11), "in_progress", 2)]
    ola = run(points, office(), 2, now=t(11), holder=2)
    assert ola.counted_seconds == 0 and ola.due_at == t(13)
    # the first provider's OLA stopped when it handed the incident on
    first = run(points, office(), 4, now=t(12), holder=1)
    assert first.state == ClockState.MET and first.counted_seconds == 2 * H


def test_an_ola_does_not_count_while_the_incident_is_paused():
    t = lambda h: local(AMS, 2026, 11, 23, h)  # noqa: E731
    points = [
        P(t(9), "in_progress", 2),
        P(t(10), "awaiting_customer", 2),
        P(t(12), "in_progress", 2),
    ]
    ola = run(points, office(), 4, now=t(13), holder=2)
    assert ola.counted_seconds == 2 * H and ola.due_at == t(15)


def test_twenty_four_seven_counts_all_time():
    cal = WorkingCalendar.twenty_four_seven("Europe/Amsterdam")
    opened = local(AMS, 2026, 11, 20, 16, 0)
    assert run([P(opened)], cal, 2, now=opened).due_at == opened + timedelta(hours=2)


# --- properties -------------------------------------------------------------------------

STATUSES = ["new", "in_progress", "awaiting_customer", "resolved"]
BASE = datetime(2026, 3, 20, 6, 0, tzinfo=UTC)  # spans the Amsterdam DST change

events = st.lists(
    st.tuples(
        st.integers(min_value=1, max_value=3 * 24 * 60),
        st.sampled_from(STATUSES),
        st.sampled_from([1, 2, None]),
    ),
    min_size=0,
    max_size=8,
)
calendars = st.sampled_from(
    [
        WorkingCalendar.twenty_four_seven("Europe/Amsterdam"),
        office(),
        WorkingCalendar.office_hours(
            "America/New_York", periods=((8 * 60, 12 * 60), (13 * 60, 18 * 60))
        ),
    ]
)


def timeline(raw):
    points, at = [P(BASE, "new", 1)], BASE
    for gap, status, holder in raw:
        at = at + timedelta(minutes=gap)
        points.append(P(at, status, holder))
    return points


@settings(max_examples=150, deadline=None)
@given(
    events,
    calendars,
    st.integers(min_value=0, max_value=5 * 24 * 60),
    st.integers(min_value=1, max_value=40),
)
def test_counted_time_never_exceeds_wall_time_and_never_decreases(
    raw, calendar, later, target_hours
):
    points = timeline(raw)
    now = points[-1].at + timedelta(minutes=later)
    result = run(points, calendar, target_hours, now=now)
    assert 0 <= result.counted_seconds <= (now - BASE).total_seconds() + 1e-6
    after = run(points, calendar, target_hours, now=now + timedelta(hours=7))
    assert after.counted_seconds >= result.counted_seconds - 1e-6


@settings(max_examples=150, deadline=None)
@given(events, st.integers(min_value=0, max_value=5 * 24 * 60))
def test_twenty_four_seven_equals_wall_time_minus_pauses(raw, later):
    points = timeline(raw)
    now = points[-1].at + timedelta(minutes=later)
    cal = WorkingCalendar.twenty_four_seven()
    result = run(points, cal, 1000, now=now)
    ends = [p.at for p in points[1:]] + [now]
    expected = sum(
        (end - p.at).total_seconds()
        for p, end in zip(points, ends, strict=True)
        if p.status not in PAUSE | STOP
    )
    assert abs(result.counted_seconds - expected) < 1e-6


@settings(max_examples=150, deadline=None)
@given(
    events,
    calendars,
    st.integers(min_value=0, max_value=len(STATUSES)),
    st.integers(min_value=1, max_value=600),
)
def test_adding_a_pause_never_increases_counted_time(raw, calendar, position, minutes):
    points = timeline(raw)
    now = points[-1].at + timedelta(days=2)
    index = min(position, len(points) - 1)
    segment_end = points[index + 1].at if index + 1 < len(points) else now
    # a pause inside one segment, resuming to that segment's status and holder
    start = points[index].at + timedelta(seconds=30)
    end = min(start + timedelta(minutes=minutes), segment_end - timedelta(seconds=1))
    if end <= start:
        return
    point = points[index]
    paused = sorted(
        [*points, P(start, "awaiting_customer", point.holder), P(end, point.status, point.holder)],
        key=lambda p: p.at,
    )
    base = run(points, calendar, 10, now=now)
    with_pause = run(paused, calendar, 10, now=now)
    assert with_pause.counted_seconds <= base.counted_seconds + 1e-6


@settings(max_examples=150, deadline=None)
@given(
    events,
    calendars,
    st.integers(min_value=1, max_value=30 * 60),
    st.sampled_from([ANY_HOLDER, 1, 2]),
)
def test_due_time_is_where_counted_time_reaches_the_target(raw, calendar, target_minutes, holder):
    points = [p for p in timeline(raw) if p.status != "resolved"]
    now = points[-1].at
    result = evaluate(
        points,
        calendar,
        target_minutes * 60,
        now=now,
        pause_states=PAUSE,
        stop_states=STOP,
        holder=holder,
    )
    if result.state != ClockState.RUNNING:
        return
    at_due = evaluate(
        points,
        calendar,
        target_minutes * 60,
        now=result.due_at,
        pause_states=PAUSE,
        stop_states=STOP,
        holder=holder,
    )
    assert abs(at_due.counted_seconds - target_minutes * 60) < 1e-3
    just_before = evaluate(
        points,
        calendar,
        target_minutes * 60,
        now=result.due_at - timedelta(seconds=1),
        pause_states=PAUSE,
        stop_states=STOP,
        holder=holder,
    )
    assert just_before.state == ClockState.RUNNING
