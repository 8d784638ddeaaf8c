"""What governs an incident's clocks: the working calendars (each built once per
calendar and kept while its rules are unchanged) and the targets that apply (by
ecosystem, service, contract and priority)."""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

import holidays as holidays_lib
from django.utils import timezone

from siam.choices import ContractKindChoices, ContractStatusChoices

from .calendar import WorkingCalendar
from .models import (
    BusinessCalendar,
    Incident,
    ServiceLevelTarget,
)

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
    # (``years_around`` pads a year before and two after the instants it was given.)
    built.lay_out(date(asked[0] + 1, 1, 1), date(max(asked[-1] - 1, asked[0] + 2), 1, 1))
    years = wanted
    kept[calendar.pk] = (fingerprint, frozenset(years), built)
    return built


def years_around(moments: Iterable[datetime]) -> range:
    years = [m.year for m in moments] or [timezone.now().year]
    return range(min(years) - 1, max(years) + 3)


# --- Which targets apply ---------------------------------------------------------------------


@dataclass(frozen=True)
class Applicable:
    target: ServiceLevelTarget
    provider_id: int | None  # None: the end-to-end SLA


def targets_by_ecosystem(ecosystem_ids) -> dict[int, list[ServiceLevelTarget]]:
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
