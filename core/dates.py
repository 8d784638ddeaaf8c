"""Days and instants."""

from datetime import date, datetime, time

from django.utils import timezone


def start_of(day: date) -> datetime:
    """The instant a day begins in the current time zone. Windows are filtered on
    instants: ``opened_at >= start_of(day)`` is an index range, ``opened_at::date >=
    day`` casts every row."""
    return timezone.make_aware(datetime.combine(day, time.min))
