"""Calendar months in the server's time zone, as the roll-ups count them."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache

from django.utils import timezone


def _zone():
    return timezone.get_default_timezone()


@lru_cache(maxsize=4096)
def _month_start(year: int, month: int, zone) -> datetime:
    return datetime(year, month, 1, tzinfo=zone)


def month_start(month: date) -> datetime:
    """The instant a month begins in the server's time zone (asked for thousands of
    times per report: the rows of each stored month)."""
    return _month_start(month.year, month.month, _zone())


def next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def month_of(instant: datetime) -> date:
    return instant.astimezone(_zone()).date().replace(day=1)


def current_month() -> date:
    return month_of(timezone.now())
