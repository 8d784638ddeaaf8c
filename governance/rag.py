"""The steering status (red, amber, green) and how report figures are written into a
snapshot: pure functions over numbers and rows, no ORM (docs/governance.md,
"Steering status")."""

from __future__ import annotations

from datetime import UTC, datetime

from django.conf import settings

DEFAULT_ATTAINMENT_TARGET = 95.0
TREND_MONTHS = 6


def iso(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    return value.isoformat()


def hours(seconds: float | None) -> float | None:
    return round(seconds / 3600, 2) if seconds is not None else None


def report_row(row) -> dict:
    return {
        "key": row.key, "clocks": row.clocks, "met": row.met, "breached": row.breached,
        "attainment": row.attainment, "mean_hours": hours(row.mean_seconds),
        "mean_target_hours": hours(row.mean_target_seconds),
    }  # fmt: skip


RAG_ORDER = ("grey", "green", "amber", "red")


def rag(attainment: float | None, target: float, amber_margin: float = 5.0) -> str:
    """Green at or above target, amber within ``amber_margin`` points below, red under."""
    if attainment is None:
        return "grey"
    if attainment >= target:
        return "green"
    return "amber" if attainment >= target - amber_margin else "red"


def worst(*statuses: str) -> str:
    return max(statuses, key=RAG_ORDER.index, default="grey")


def priority_rag(row: dict, target: float, *, major: bool, amber_margin: float) -> str:
    """One priority's status: its attainment against the target, and for the major
    priorities (P1 by default) any breach at all makes it at least amber."""
    status = rag(row["attainment"], target, amber_margin)
    if major and row["breached"] and status in ("green", "grey"):
        return "amber"
    return status


def overall_rag(overall: float | None, rows: list[dict], target: float) -> str:
    """The report's status: the worst of the overall attainment's and every priority's
    (docs/governance.md, "Steering status"). A red P1 is never hidden by a green mean."""
    return worst(rag(overall, target, amber_margin()), *(row["status"] for row in rows))


def amber_margin() -> float:
    return float(getattr(settings, "SIAM_STEERING_AMBER_MARGIN", 5))


def major_priorities(priorities: list[str]) -> list[str]:
    """The priorities where any breach counts (the most urgent ones)."""
    count = int(getattr(settings, "SIAM_STEERING_MAJOR_PRIORITIES", 1))
    return priorities[:count]
