"""SLA clock benchmark (not a test): realistic clocks, whatever their age.

    .venv/bin/python bench/clock.py [--n 20000]

Timelines as generate_data makes them (acknowledgement, hand-offs, waits, resolution,
closure), opened between a day and five years before "now", on an Amsterdam office
calendar with Dutch public holidays. Side by side in one run:

- ``slas.clock.evaluate`` on all of them, and on the new ones (≤ 30 days) and the old
  ones (≥ 1 year) separately: a closed ticket's age must not cost anything;
- a minute-stepping reference (every minute of the clock's life: is it working time,
  is the status counting) on a sample, for the ratio, checking they agree.
"""

import argparse
import os
import random
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
# The timelines come from generate_data's module, which lives beside the models.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django

django.setup()

import holidays as holidays_lib  # noqa: E402

from slas.calendar import WorkingCalendar  # noqa: E402
from slas.clock import TimelinePoint, evaluate  # noqa: E402
from slas.datagen import timeline  # noqa: E402

NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)
PAUSES = {"awaiting_customer"}
STOPS = {"resolved", "closed"}
TARGET = 8 * 3600


def reference(points, calendar, now) -> float:
    """Counted seconds by looking at every minute from the opening to now."""
    counted = 0
    at = points[0].at
    index = 0
    while at < now:
        while index + 1 < len(points) and points[index + 1].at <= at:
            index += 1
        status = points[index].status
        if status not in PAUSES and status not in STOPS:
            if calendar.working_seconds(at, at + timedelta(minutes=1)) == 60:
                counted += 60
        elif status in STOPS and index == len(points) - 1:
            break  # stopped for good: nothing more can count
        at += timedelta(minutes=1)
    return counted


def rate(items, calendar, passes: int = 3) -> float:
    """Evaluations per second, the best of ``passes`` (as ``timeit`` takes the best: a
    pass of a fifth of a second is at the mercy of whatever else the machine does)."""
    best = float("inf")
    for _ in range(passes):
        started = time.perf_counter()
        for points in items:
            evaluate(points, calendar, TARGET, now=NOW, pause_states=PAUSES, stop_states=STOPS)
        best = min(best, time.perf_counter() - started)
    return len(items) / best


def measure(n: int) -> dict:
    """Evaluations per second: all, new, old clocks, and the minute-stepping reference."""
    rng = random.Random(5)
    days = frozenset(holidays_lib.country_holidays("NL", years=range(2020, 2028)).keys())
    calendar = WorkingCalendar.office_hours(
        "Europe/Amsterdam", periods=((480, 1080),), holidays=days
    )
    clocks = []
    for _ in range(n):
        opened = NOW - timedelta(minutes=rng.randint(24 * 60, 5 * 365 * 24 * 60))
        raw = timeline(rng, opened, rng.choice(["P1", "P2", "P3", "P4"]), 1, [2, 3], NOW)
        clocks.append([TimelinePoint(at, status, holder) for at, _kind, status, holder in raw])
    # Laid out once over the five years, as a worker's kept calendar is (the
    # recompute's shared_working_calendar): the rate is of evaluations, not of the first
    # lay-out, which is measured apart.
    started = time.perf_counter()
    calendar.lay_out(date(2021, 1, 1), date(2027, 1, 1))
    lay_out_ms = (time.perf_counter() - started) * 1000
    new = [c for c in clocks if NOW - c[0].at <= timedelta(days=30)]
    old = [c for c in clocks if NOW - c[0].at >= timedelta(days=365)]
    everything = rate(clocks, calendar)
    new_rate, old_rate = rate(new, calendar), rate(old, calendar)
    sample = clocks[:40]
    started = time.perf_counter()
    for points in sample:
        expected = reference(points, calendar, NOW)
        got = evaluate(points, calendar, TARGET, now=NOW, pause_states=PAUSES, stop_states=STOPS)
        assert abs(got.counted_seconds - expected) < 1, (points, got.counted_seconds, expected)
    reference_rate = len(sample) / (time.perf_counter() - started)
    return {
        "clocks": len(clocks), "new": len(new), "old": len(old), "all_rate": everything,
        "new_rate": new_rate, "old_rate": old_rate, "reference_rate": reference_rate,
        "lay_out_ms": lay_out_ms,
    }  # fmt: skip


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=20000)
    args = parser.parse_args()
    m = measure(args.n)
    clocks, everything, reference_rate = m["clocks"], m["all_rate"], m["reference_rate"]
    new_rate, old_rate = m["new_rate"], m["old_rate"]
    new, old = range(m["new"]), range(m["old"])
    print(f"{'clocks':<32} | {'evaluations/s':>14}")
    print("-" * 50)
    print(f"{f'all ({clocks:,})':<32} | {everything:>14,.0f}")
    print(f"{f'opened within 30 days ({len(new):,})':<32} | {new_rate:>14,.0f}")
    print(f"{f'opened a year ago or more ({len(old):,})':<32} | {old_rate:>14,.0f}")
    print(f"{'minute-stepping reference':<32} | {reference_rate:>14,.1f}")
    print(f"\nnew / old: {new_rate / old_rate:.2f} (age costs nothing when near 1); vs the reference: "
          f"{everything / reference_rate:,.0f}x (target >= 100x: {'met' if everything / reference_rate >= 100 else 'MISSED'}); "
          f"target >= 50,000/s: {'met' if everything >= 50000 else 'MISSED'}")  # fmt: skip


if __name__ == "__main__":
    main()
