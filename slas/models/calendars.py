"""Business calendars: weekly working hours in a time zone, public and custom holidays."""

from __future__ import annotations

import zoneinfo
from datetime import time

import holidays
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from siam.models import EcosystemScopedModel

from ..choices import (
    DEFAULT_PAUSE_STATUSES,
    WEEKDAYS,
)

TIME_ZONES = sorted(zoneinfo.available_timezones())


def validate_time_zone(value):
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"{value!r} is not a known time zone (e.g. Europe/Amsterdam).")


def default_pause_states():
    return list(DEFAULT_PAUSE_STATUSES)


# --- Calendars -------------------------------------------------------------------------


class BusinessCalendar(EcosystemScopedModel):
    """Weekly working hours in a time zone, minus public and custom holidays."""

    ecosystem = models.ForeignKey(
        "siam.Ecosystem",
        on_delete=models.CASCADE,
        related_name="calendars",
        db_index=False,
    )
    name = models.CharField(max_length=100)
    time_zone = models.CharField(max_length=64, validators=[validate_time_zone], default="UTC")
    always_open = models.BooleanField(
        "24x7", default=False, help_text="All time counts, holidays included."
    )
    holiday_country = models.CharField(
        max_length=2,
        blank=True,
        help_text="Public holidays of this country (ISO code, e.g. NL), from the holidays library.",
    )
    holiday_subdivision = models.CharField(
        max_length=10, blank=True, help_text="State or province, e.g. NY."
    )
    description = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ("ecosystem__name", "name")
        verbose_name = "business calendar"
        constraints = [
            models.UniqueConstraint(
                fields=("ecosystem", "name"),
                name="slas_calendar_unique_name_per_ecosystem",
                violation_error_message="The ecosystem already has a calendar with this name.",
            )
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.holiday_country:
            try:
                holidays.country_holidays(
                    self.holiday_country, subdiv=self.holiday_subdivision or None, years=2026
                )
            except NotImplementedError as exc:
                # How the holidays library says it knows no such country or subdivision.
                field = "holiday_subdivision" if "subdivision" in str(exc) else "holiday_country"
                raise ValidationError({field: str(exc)}) from None


class WorkingPeriod(models.Model):
    calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.CASCADE, related_name="working_periods"
    )
    weekday = models.PositiveSmallIntegerField(choices=WEEKDAYS)
    start = models.TimeField()
    end = models.TimeField(help_text="00:00 means midnight at the end of the day.")

    class Meta:
        ordering = ("calendar", "weekday", "start")
        verbose_name = "working period"

    def __str__(self):
        return f"{self.get_weekday_display()} {self.start:%H:%M}-{self.end:%H:%M}"

    @property
    def minutes(self) -> tuple[int, int]:
        end = self.end.hour * 60 + self.end.minute
        return self.start.hour * 60 + self.start.minute, end or 24 * 60

    def clean(self):
        if (
            self.start is not None
            and self.end is not None
            and self.end != time(0)
            and self.end <= self.start
        ):
            raise ValidationError({"end": "The period must end after it starts."})


class CustomHoliday(models.Model):
    calendar = models.ForeignKey(
        BusinessCalendar,
        on_delete=models.CASCADE,
        related_name="custom_holidays",
        db_index=False,
    )
    date = models.DateField()
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ("calendar", "date")
        constraints = [
            models.UniqueConstraint(
                fields=("calendar", "date"), name="slas_customholiday_unique_date"
            )
        ]

    def __str__(self):
        return f"{self.date}: {self.name}"
