"""Business calendars as a pure value: working time as UTC intervals.

A calendar is weekly working hours in its own time zone minus holidays. Everything is
computed per *local* day (holidays are local dates; a working day of 08:00-18:00 is
ten hours even on the day clocks change), never minute by minute: a day contributes
its few working periods as whole intervals. Holidays are given as a container of
dates loaded once by the caller (a ``holidays`` object or a frozenset), never looked
up in a database while walking days.

``working_seconds`` and ``advance`` are closed form: the calendar's working spans are
laid out once, a year at a time around the instants asked about, as integer UTC
microseconds with the cumulative working time before each span (``_SpanIndex``).
Both are then two bisections, so their cost does not depend on how long the interval
is or how old its start (a five-year-old ticket costs what a new one does).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Container, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from operator import itemgetter
from zoneinfo import ZoneInfo

MINUTES_PER_DAY = 24 * 60
#: How far ahead a deadline is searched before giving up (a calendar with no
#: working time at all would otherwise never reach it).
MAX_SEARCH_DAYS = 3 * 366

Period = tuple[int, int]  # minutes since local midnight: [start, end), end <= 1440

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)
ONE_DAY = timedelta(days=1)
_START, _END = itemgetter(0), itemgetter(1)


def _micros(moment: datetime) -> int:
    return (moment - EPOCH) // MICROSECOND


def _instant_of(micros: int) -> datetime:
    return EPOCH + timedelta(microseconds=micros)


@dataclass(frozen=True)
class WorkingCalendar:
    tz: ZoneInfo
    #: Monday..Sunday, each a sorted tuple of non-overlapping periods.
    week: tuple[tuple[Period, ...], ...] = ((),) * 7
    holidays: Container[date] = field(default_factory=frozenset)
    always_open: bool = False  # 24x7: all time counts, holidays included
    _index: _SpanIndex = field(init=False, repr=False, compare=False, hash=False, default=None)

    def __post_init__(self):
        # The index is a cache of what the (frozen) calendar implies, not part of it.
        object.__setattr__(self, "_index", _SpanIndex(self))

    @classmethod
    def twenty_four_seven(cls, tz: str = "UTC") -> WorkingCalendar:
        return cls(tz=ZoneInfo(tz), always_open=True)

    @classmethod
    def office_hours(
        cls,
        tz: str,
        periods: Sequence[Period] = ((9 * 60, 17 * 60),),
        days: Sequence[int] = (0, 1, 2, 3, 4),
        holidays: Container[date] = frozenset(),
    ) -> WorkingCalendar:
        week = tuple(tuple(sorted(periods)) if weekday in days else () for weekday in range(7))
        return cls(tz=ZoneInfo(tz), week=week, holidays=holidays)

    @property
    def has_working_time(self) -> bool:
        return self.always_open or any(self.week)

    def _instant(self, day: date, minute: int) -> datetime:
        if minute >= MINUTES_PER_DAY:
            day, minute = day + timedelta(days=1), minute - MINUTES_PER_DAY
        local = datetime(day.year, day.month, day.day, minute // 60, minute % 60, tzinfo=self.tz)
        return local.astimezone(UTC)

    def _day_spans(self, day: date) -> Iterator[tuple[datetime, datetime]]:
        if day in self.holidays:
            return
        for start, end in self.week[day.weekday()]:
            yield self._instant(day, start), self._instant(day, end)

    def spans(
        self, start: datetime, end: datetime | None = None
    ) -> Iterator[tuple[datetime, datetime]]:
        """Working intervals within [start, end) in order (unbounded when end is None)."""
        if end is not None and end <= start:
            return
        if self.always_open:
            yield start, end if end is not None else datetime.max.replace(tzinfo=UTC)
            return
        # The day before too: a period of the previous local day may reach past midnight UTC.
        day = start.astimezone(self.tz).date() - timedelta(days=1)
        last = (
            end.astimezone(self.tz).date()
            if end is not None
            else day + timedelta(days=MAX_SEARCH_DAYS)
        )
        while day <= last:
            for span_start, span_end in self._day_spans(day):
                lo = max(span_start, start)
                hi = span_end if end is None else min(span_end, end)
                if lo < hi:
                    yield lo, hi
            day += timedelta(days=1)

    def working_seconds(self, start: datetime, end: datetime) -> float:
        if end <= start:
            return 0.0
        if self.always_open:
            return (end - start).total_seconds()
        index = self._index
        a, b = _micros(start), _micros(end)
        index.cover(start, a)
        index.cover(end, b)
        return (index.cumulative(b) - index.cumulative(a)) / 1_000_000

    def lay_out(self, first: date, end: date) -> None:
        """Lay out the working spans of the local days [first, end) now (answers stay
        the same; instants outside are still laid out when asked about)."""
        if not self.always_open:
            self._index.lay_out(first, end)

    def working_seconds_of(self, spans: list[tuple[datetime, datetime]]) -> list[float]:
        """``working_seconds`` of each (start, end) span, in order; spans that follow one
        another (one's end the next one's start, as the stretches of a timeline do) place
        their shared instant in the calendar once."""
        if self.always_open:
            return [max((end - start).total_seconds(), 0.0) for start, end in spans]
        if not spans:
            return []
        index = self._index
        # The earliest instant first: laying out days backwards renumbers the
        # cumulative time, laying them out forwards does not, so after these two calls
        # every cumulative figure below is on the same footing.
        index.cover(min(spans, key=_START)[0])
        index.cover(max(spans, key=_END)[1])
        cumulative = index.cumulative
        result = []
        previous_end = None
        previous_total = 0
        for start, end in spans:
            if end <= start:
                result.append(0.0)
                continue
            before = previous_total if start == previous_end else cumulative(_micros(start))
            previous_end, previous_total = end, cumulative(_micros(end))
            result.append((previous_total - before) / 1_000_000)
        return result

    def advance(self, start: datetime, seconds: float) -> datetime | None:
        """The instant at which ``seconds`` of working time have passed since ``start``.

        None when the calendar never accumulates that much (no working time at all, or
        not within ``MAX_SEARCH_DAYS``).
        """
        if seconds <= 0:
            return start
        if self.always_open:
            return start + timedelta(seconds=seconds)
        if not self.has_working_time:
            return None
        index = self._index
        at = _micros(start)
        index.cover(start, at)
        target = index.cumulative(at) + round(seconds * 1_000_000)
        limit = start + timedelta(days=MAX_SEARCH_DAYS)
        while True:
            found = index.reach(target)
            if found is not None:
                return _instant_of(found)
            if index.end_instant > limit:
                return None
            index.extend_forward()


class _SpanIndex:
    """The working spans of one calendar over a range of local days, as sorted integer
    UTC microseconds, with the working time of all spans before each one. It grows in
    either direction as instants outside it are asked about, by chunks that double (six
    weeks first: a calendar built for one live incident lays out little; a five-year
    span costs a handful of extensions)."""

    FIRST_CHUNK_DAYS = 42
    MAX_CHUNK_DAYS = 4 * 366

    def __init__(self, calendar: WorkingCalendar):
        self.calendar = calendar
        self.chunk = timedelta(days=self.FIRST_CHUNK_DAYS)
        # Instants (UTC microseconds) certainly inside the laid-out days, margin kept.
        self.safe_low = self.safe_high = 0
        self.first_day: date | None = None  # local days laid out: [first_day, end_day)
        self.end_day: date | None = None
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.before: list[int] = []  # working microseconds of the spans before each
        self.after: list[int] = []  # ... up to the end of each

    @property
    def end_instant(self) -> datetime:
        return self.calendar._instant(self.end_day, 0)

    def _lay_out(self, first: date, end: date) -> list[tuple[int, int]]:
        spans = []
        day = first
        while day < end:
            for lo, hi in self.calendar._day_spans(day):
                if lo < hi:
                    spans.append((_micros(lo), _micros(hi)))
            day += ONE_DAY
        return spans

    def _set(self, spans: list[tuple[int, int]]) -> None:
        self.starts = [lo for lo, _ in spans]
        self.ends = [hi for _, hi in spans]
        total = 0
        before, after = [], []
        for lo, hi in spans:
            before.append(total)
            total += hi - lo
            after.append(total)
        self.before, self.after = before, after

    def cover(self, moment: datetime, micros: int | None = None) -> None:
        """Lay out the local days around ``moment`` if they are not yet.

        A day's periods lie within that local day, so spans of different days never
        overlap and laying out day after day keeps them sorted; one day of margin on
        each side covers an instant near a local midnight. Inside the laid-out range
        (the usual case) this is two integer comparisons, no time-zone conversion.
        """
        if micros is None:
            micros = _micros(moment)
        if self.safe_low <= micros < self.safe_high:
            return
        self._cover_day(moment.astimezone(self.calendar.tz).date())
        self._refresh_bounds()

    def _refresh_bounds(self) -> None:
        calendar = self.calendar
        self.safe_low = _micros(calendar._instant(self.first_day + ONE_DAY, 0))
        self.safe_high = _micros(calendar._instant(self.end_day - ONE_DAY, 0))

    def _cover_day(self, day: date) -> None:
        if self.first_day is None:
            self.first_day = day - ONE_DAY
            self.end_day = day + self.chunk
            self._set(self._lay_out(self.first_day, self.end_day))
            return
        if day - ONE_DAY < self.first_day:
            first = min(day - ONE_DAY, self.first_day - self._next_chunk())
            spans = self._lay_out(first, self.first_day)
            self.first_day = first
            self._set(spans + list(zip(self.starts, self.ends, strict=True)))
        if day + ONE_DAY >= self.end_day:
            self.extend_forward(until=day + 2 * ONE_DAY)

    def lay_out(self, first: date, end: date) -> None:
        if self.first_day is None:
            self.first_day, self.end_day = first, end
            self._set(self._lay_out(first, end))
            self._refresh_bounds()
            return
        if first < self.first_day:
            self._cover_day(first + ONE_DAY)
        if end > self.end_day:
            self.extend_forward(until=end)
        self._refresh_bounds()

    def _next_chunk(self) -> timedelta:
        self.chunk = min(self.chunk * 2, timedelta(days=self.MAX_CHUNK_DAYS))
        return self.chunk

    def extend_forward(self, until: date | None = None) -> None:
        end = max(until or self.end_day, self.end_day + self._next_chunk())
        spans = self._lay_out(self.end_day, end)
        self.end_day = end
        total = self.after[-1] if self.after else 0
        for lo, hi in spans:
            self.starts.append(lo)
            self.ends.append(hi)
            self.before.append(total)
            total += hi - lo
            self.after.append(total)
        self._refresh_bounds()

    def cumulative(self, at: int) -> int:
        """Working microseconds from the first laid-out day up to ``at``."""
        i = bisect_right(self.starts, at) - 1
        if i < 0:
            return 0
        return self.before[i] + min(at, self.ends[i]) - self.starts[i]

    def reach(self, target: int) -> int | None:
        """The instant at which the cumulative working time reaches ``target``; None
        when it lies beyond the laid-out days."""
        j = bisect_left(self.after, target)
        if j == len(self.after):
            return None
        return self.starts[j] + (target - self.before[j])
