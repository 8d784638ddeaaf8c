"""KPI arithmetic: periods, trends and missed measurements (pure)."""

from __future__ import annotations

from datetime import date

#: Points needed before a trend means anything.
MIN_POINTS = 3
#: A fitted change smaller than this share of the scale over the window reads as stable.
STABLE_BAND = 0.02


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def period_starts(first: date, last: date, frequency: str) -> list[date]:
    """The first day of each period from ``first``'s to ``last``'s, inclusive."""
    step = 3 if frequency == "quarterly" else 1
    current = month_start(first)
    if step == 3:
        current = current.replace(month=(current.month - 1) // 3 * 3 + 1)
    periods = []
    while current <= last:
        periods.append(current)
        current = add_months(current, step)
    return periods


def missed_periods(expected: list[date], measured: set[date]) -> list[date]:
    return [period for period in expected if period not in measured]


def trend(
    values: list[float], direction: str, baseline: float | None = None, window: int = 6
) -> str:
    """Improving / stable / degrading over the last ``window`` measurements, or
    not_enough_data below three. The least-squares slope over the window, times its
    length, is the fitted change; within 2 % of the scale (the larger of the values'
    magnitude and the baseline) it is stable. Direction says which way is better."""
    points = values[-window:]
    if len(points) < MIN_POINTS:
        return "not_enough_data"
    n = len(points)
    mean_x = (n - 1) / 2
    mean_y = sum(points) / n
    slope = sum((i - mean_x) * (y - mean_y) for i, y in enumerate(points)) / sum(
        (i - mean_x) ** 2 for i in range(n)
    )
    change = slope * (n - 1)
    scale = max(max(abs(v) for v in points), abs(baseline or 0), 1e-9)
    if abs(change) <= STABLE_BAND * scale:
        return "stable"
    better = change > 0 if direction == "higher" else change < 0
    return "improving" if better else "degrading"


def on_target(value: float | None, target: float | None, direction: str) -> bool | None:
    if value is None or target is None:
        return None
    return value >= target if direction == "higher" else value <= target
