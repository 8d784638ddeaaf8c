"""The closed-form calendar against an independent reference that steps minute by minute.

The reference knows nothing of spans or indexes: for each UTC minute it asks the time
zone for the local wall time and checks the weekday's periods and the holidays. Spans
go up to five years, start at any minute of any year between 2021 and 2030, and cross
DST changes, holidays and split shifts.
"""

from datetime import UTC, datetime, timedelta

import holidays as holidays_lib
from hypothesis import example, given, settings
from hypothesis import strategies as st

from slas.calendar import WorkingCalendar

MINUTE = timedelta(minutes=1)


def reference_minutes(calendar: WorkingCalendar, start: datetime, end: datetime) -> int:
    """Working minutes in [start, end), by looking at every minute (start, end on whole minutes)."""
    offsets: dict[int, timedelta] = {}
    count = 0
    at = start
    week = calendar.week
    while at < end:
        hour = int(at.timestamp()) // 3600
        offset = offsets.get(hour)
        if offset is None:
            offset = offsets[hour] = at.astimezone(calendar.tz).utcoffset()
        local = (at + offset).replace(tzinfo=None)
        day = local.date()
        if day not in calendar.holidays:
            minute = local.hour * 60 + local.minute
            for lo, hi in week[local.weekday()]:
                if lo <= minute < hi:
                    count += 1
                    break
        at += MINUTE
    return count


def nl_holidays():
    return frozenset(holidays_lib.country_holidays("NL", years=range(2020, 2037)).keys())


CALENDARS = [
    WorkingCalendar.office_hours(
        "Europe/Amsterdam", periods=((8 * 60, 18 * 60),), holidays=nl_holidays()
    ),
    WorkingCalendar.office_hours(
        "America/New_York",
        periods=((8 * 60, 12 * 60), (13 * 60, 20 * 60)),
        days=(0, 1, 2, 3, 4, 5),
        holidays=frozenset(
            holidays_lib.country_holidays("US", subdiv="NY", years=range(2020, 2037))
        ),
    ),
    WorkingCalendar.office_hours("Asia/Kolkata", periods=((0, 2 * 60), (22 * 60, 24 * 60))),
]


@settings(max_examples=8, deadline=None)
# Hypothesis favours small numbers: the long spans are asked for explicitly as well.
@example(0, datetime(2021, 3, 1, 5, 17), 5 * 366 * 24 * 60)
@example(1, datetime(2025, 10, 30, 23, 59), 4 * 366 * 24 * 60 + 17)
@example(2, datetime(2026, 12, 31, 20, 30), 2 * 366 * 24 * 60)
@given(
    st.sampled_from(range(len(CALENDARS))),
    st.datetimes(min_value=datetime(2021, 1, 1), max_value=datetime(2030, 12, 31)),
    st.integers(min_value=0, max_value=5 * 366 * 24 * 60),
)
def test_working_time_equals_minute_stepping_over_spans_up_to_five_years(which, start, minutes):
    calendar = CALENDARS[which]
    start = start.replace(second=0, microsecond=0, tzinfo=UTC)
    end = start + timedelta(minutes=minutes)
    expected = reference_minutes(calendar, start, end)
    assert calendar.working_seconds(start, end) == expected * 60
    if expected:
        # advance is working_seconds' inverse: the deadline of that much working time
        # is the end of the last working minute, at or before ``end``
        reached = calendar.advance(start, expected * 60)
        assert reached <= end
        assert calendar.working_seconds(start, reached) == expected * 60


@settings(max_examples=40, deadline=None)
@given(
    st.sampled_from(range(len(CALENDARS))),
    st.datetimes(min_value=datetime(2021, 1, 1), max_value=datetime(2030, 12, 31)),
    st.integers(min_value=0, max_value=20 * 24 * 60),
    st.integers(min_value=1, max_value=3 * 24 * 60),
)
def test_one_calendar_answers_old_and_new_instants_in_any_order(which, start, minutes, step):
    """The index grows in both directions as instants outside it are asked about."""
    calendar = CALENDARS[which]
    start = start.replace(second=0, microsecond=0, tzinfo=UTC)
    later = start + timedelta(minutes=minutes)
    earlier = start - timedelta(minutes=step * 20)
    for a, b in ((start, later), (earlier, start), (earlier, later)):
        assert calendar.working_seconds(a, b) == reference_minutes(calendar, a, b) * 60


def fresh(calendar: WorkingCalendar) -> WorkingCalendar:
    """The same calendar with nothing laid out yet."""
    return WorkingCalendar(calendar.tz, calendar.week, calendar.holidays, calendar.always_open)


@settings(max_examples=40, deadline=None)
@given(
    st.sampled_from(range(len(CALENDARS))),
    st.lists(
        st.tuples(
            st.datetimes(min_value=datetime(2021, 1, 1), max_value=datetime(2030, 12, 31)),
            st.integers(min_value=-60, max_value=400 * 24 * 60),
            st.booleans(),
        ),
        min_size=1,
        max_size=8,
    ),
)
def test_working_time_of_many_spans_at_once_equals_one_at_a_time(which, raw):
    """``working_seconds_of`` (what the clock asks, once per timeline) gives each span's
    working time, whether the spans follow one another or lie years apart in any order,
    on a calendar that has laid out nothing yet or only other years."""
    calendar = CALENDARS[which]
    spans = []
    for start, minutes, follows in raw:
        start = start.replace(second=0, microsecond=0, tzinfo=UTC)
        if follows and spans:
            start = spans[-1][1]
        spans.append((start, start + timedelta(minutes=minutes)))
    expected = [fresh(calendar).working_seconds(a, b) for a, b in spans]
    assert fresh(calendar).working_seconds_of(spans) == expected
    warmed = fresh(calendar)
    warmed.working_seconds(spans[0][0], spans[0][0] + timedelta(days=3))
    assert warmed.working_seconds_of(spans) == expected
    assert WorkingCalendar.twenty_four_seven().working_seconds_of(spans) == [
        max((b - a).total_seconds(), 0.0) for a, b in spans
    ]


def test_holidays_and_deadlines_years_ahead():
    calendar = CALENDARS[0]
    christmas = datetime(2028, 12, 25, 7, tzinfo=UTC)  # a Monday, and a Dutch holiday
    assert calendar.working_seconds(christmas, christmas + timedelta(hours=12)) == 0
    start = datetime(2026, 1, 5, 7, tzinfo=UTC)  # 08:00 in Amsterdam
    deadline = calendar.advance(start, 2000 * 3600)  # 200 working days ahead
    assert calendar.working_seconds(start, deadline) == 2000 * 3600
    assert reference_minutes(calendar, start, deadline) == 2000 * 60
