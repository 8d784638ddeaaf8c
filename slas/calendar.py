"""Business calendars as a pure value: working time as UTC intervals.

A calendar is weekly working hours in its own time zone minus holidays. Everything is
computed per *local* day (holidays are local dates; a working day of 08:00-18:00 is
ten hours even on the day clocks change), never minute by minute: a day contributes
its few working periods as whole intervals. Holidays are given as a container of
dates loaded once by the caller (a ``holidays`` object or a frozenset), never looked
up in a database while walking days.
"""

from __future__ import annotations

from collections.abc import Container, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

MINUTES_PER_DAY = 24 * 60
#: How far ahead a deadline is searched before giving up (a calendar with no
#: working time at all would otherwise never reach it).
MAX_SEARCH_DAYS = 3 * 366

Period = tuple[int, int]  # minutes since local midnight: [start, end), end <= 1440


@dataclass(frozen=True)
class WorkingCalendar:
    tz: ZoneInfo
    #: Monday..Sunday, each a sorted tuple of non-overlapping periods.
    week: tuple[tuple[Period, ...], ...] = ((),) * 7
    holidays: Container[date] = field(default_factory=frozenset)
    always_open: bool = False  # 24x7: all time counts, holidays included

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
        return sum((hi - lo).total_seconds() for lo, hi in self.spans(start, end))

    def advance(self, start: datetime, seconds: float) -> datetime | None:
        """The instant at which ``seconds`` of working time have passed since ``start``.

        None when the calendar never accumulates that much (no working time at all).
        """
        if seconds <= 0:
            return start
        if self.always_open:
            return start + timedelta(seconds=seconds)
        if not self.has_working_time:
            return None
        remaining = seconds
        for lo, hi in self.spans(start):
            length = (hi - lo).total_seconds()
            if length >= remaining:
                return lo + timedelta(seconds=remaining)
            remaining -= length
        return None
