"""Business calendar benchmark (not a test): working time over spans of every length.

    .venv/bin/python bench/calendar_spans.py [--spans 20000]

For spans of 2 days, 1 year and 5 years, starting anywhere in 2021-2026, it measures
side by side in one run:

- ``WorkingCalendar.working_seconds`` (closed form: two bisections in a span index);
- the same calendar walked day by day (the previous implementation, kept here as the
  floor it replaced: its cost grows with the span);
- ``businesstimedelta`` (PyPI), the peer library, on the same spans and rules;

and ``advance`` (the deadline) at the same sizes. Every figure is spans per second;
the ratios are the targets of docs/sla.md ("Benchmark"): the closed form at 5-year
spans within 1.5x of itself at 2-day spans, and at least 20x businesstimedelta at every
span. The three agree on every span (checked, in hours, as businesstimedelta rounds).
"""

import argparse
import random
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import businesstimedelta
import holidays as holidays_lib
import pytz

from slas.calendar import WorkingCalendar

ZONE = "Europe/Amsterdam"
YEARS = range(2020, 2033)
SIZES = (
    ("2 days", timedelta(days=2)),
    ("1 year", timedelta(days=365)),
    ("5 years", timedelta(days=5 * 365)),
)


def walked_seconds(calendar: WorkingCalendar, start: datetime, end: datetime) -> float:
    """The previous implementation: every local day of the span, one after the other."""
    total = 0.0
    day = start.astimezone(calendar.tz).date() - timedelta(days=1)
    last = end.astimezone(calendar.tz).date()
    while day <= last:
        for lo, hi in calendar._day_spans(day):
            lo, hi = max(lo, start), min(hi, end)
            if lo < hi:
                total += (hi - lo).total_seconds()
        day += timedelta(days=1)
    return total


def peer_rule(days: frozenset[date]):
    workday = businesstimedelta.WorkDayRule(
        start_time=datetime(2000, 1, 1, 8).time(),
        end_time=datetime(2000, 1, 1, 18).time(),
        working_days=[0, 1, 2, 3, 4],
        tz=pytz.timezone(ZONE),
    )
    holiday_rule = businesstimedelta.HolidayRule(
        holidays_lib.country_holidays("NL", years=list(YEARS)), tz=pytz.timezone(ZONE)
    )
    return businesstimedelta.Rules([workday, holiday_rule])


def rate(fn, items) -> float:
    started = time.perf_counter()
    for item in items:
        fn(*item)
    return len(items) / (time.perf_counter() - started)


def measure(span_count: int) -> list[tuple[str, float, float, float, float]]:
    """(span, closed form/s, day-by-day walk/s, businesstimedelta/s, advance/s) per size."""
    rng = random.Random(11)
    days = frozenset(holidays_lib.country_holidays("NL", years=list(YEARS)).keys())
    calendar = WorkingCalendar.office_hours(ZONE, periods=((8 * 60, 18 * 60),), holidays=days)
    peer = peer_rule(days)
    origin = datetime(2021, 1, 1, tzinfo=UTC)
    # Laid out over every day the spans reach before anything is timed, as a worker's
    # kept calendar is: the sizes then compare the cost of a span, not of whichever
    # size happened to extend the layout first.
    calendar.lay_out(origin.date() - timedelta(days=2), date(2033, 1, 1))

    rows = []
    for label, length in SIZES:
        spans = [
            (start, start + length)
            for start in (
                origin + timedelta(minutes=rng.randint(0, 6 * 365 * 24 * 60))
                for _ in range(span_count)
            )
        ]
        few = spans[: max(50, span_count // (200 if length.days > 300 else 20))]
        # agreement first (also lays the index out, as any first use would)
        for start, end in few[:50]:
            ours = calendar.working_seconds(start, end)
            assert ours == walked_seconds(calendar, start, end), (start, end)
            theirs = peer.difference(
                start.astimezone(ZoneInfo(ZONE)), end.astimezone(ZoneInfo(ZONE))
            )
            assert abs(theirs.timedelta.total_seconds() - ours) < 1, (start, end, theirs, ours)
        fast = rate(calendar.working_seconds, spans)
        walked = rate(lambda a, b: walked_seconds(calendar, a, b), few)
        peer_rate = rate(
            lambda a, b: peer.difference(
                a.astimezone(ZoneInfo(ZONE)), b.astimezone(ZoneInfo(ZONE))
            ),
            few,
        )
        advance = rate(
            lambda a, b: calendar.advance(a, calendar.working_seconds(a, b) or 1),
            spans[: span_count // 2],
        )
        rows.append((label, fast, walked, peer_rate, advance))
    return rows


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--spans", type=int, default=20000, help="closed-form spans per size")
    args = parser.parse_args()
    rows = measure(args.spans)
    fast_at = {label: fast for label, fast, *_ in rows}

    print(f"{'span':>8} | {'closed form /s':>14} | {'walked /s':>10} | {'businesstimedelta /s':>20} | "
          f"{'vs walked':>9} | {'vs peer':>8} | {'advance /s':>10}")  # fmt: skip
    print("-" * 100)
    for label, fast, walked, peer_rate, advance in rows:
        print(f"{label:>8} | {fast:>14,.0f} | {walked:>10,.0f} | {peer_rate:>20,.0f} | "
              f"{fast / walked:>8.0f}x | {fast / peer_rate:>7.0f}x | {advance:>10,.0f}")  # fmt: skip
    flat = fast_at["2 days"] / fast_at["5 years"]
    worst_peer = min(fast / peer_rate for _, fast, _, peer_rate, _ in rows)
    print()
    print(
        f"2-day / 5-year spans/s: {flat:.2f} (target <= 1.5: {'met' if flat <= 1.5 else 'MISSED'})"
    )
    print(f"closed form vs businesstimedelta, worst span: {worst_peer:.0f}x "
          f"(target >= 20x: {'met' if worst_peer >= 20 else 'MISSED'})")  # fmt: skip


if __name__ == "__main__":
    main()
