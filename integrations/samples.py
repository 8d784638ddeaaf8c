"""Synthetic ServiceNow incident audit exports, shaped like the real thing (one row
per audited update, day-first dates, ``?`` for empty, ``2 - Medium`` levels), for
the demo, the tests and the import benchmark. Deterministic for a given seed."""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator
from datetime import datetime, timedelta

from .importers import SERVICENOW_COLUMNS

LEVELS = ["1 - High", "2 - Medium", "3 - Low"]
PRIORITY = {  # ServiceNow's 3 x 3 matrix to its 4 priorities
    ("1 - High", "1 - High"): "1 - Critical", ("1 - High", "2 - Medium"): "2 - High",
    ("2 - Medium", "1 - High"): "2 - High", ("1 - High", "3 - Low"): "3 - Moderate",
    ("2 - Medium", "2 - Medium"): "3 - Moderate", ("3 - Low", "1 - High"): "3 - Moderate",
    ("2 - Medium", "3 - Low"): "4 - Low", ("3 - Low", "2 - Medium"): "4 - Low",
    ("3 - Low", "3 - Low"): "4 - Low",
}  # fmt: skip
PAUSES = ["Awaiting User Info", "Awaiting Vendor", "Awaiting Problem", "Awaiting Evidence"]


def _date(moment: datetime) -> str:
    return f"{moment.day}/{moment.month}/{moment.year} {moment:%H:%M}"


def _states(rng: random.Random, groups: list[str]) -> list[tuple[str, str]]:
    """(state, assignment group) of each audit row: worked, paused and handed between
    groups one to three times, then resolved and usually closed."""
    group = rng.choice(groups)
    steps = [("New", group)]
    for _ in range(rng.randrange(1, 4)):
        steps.append(("Active", group))
        if rng.random() < 0.3:
            steps.append((rng.choice(PAUSES), group))
        if rng.random() < 0.4:
            group = rng.choice(groups)
            steps.append(("Active", group))
    steps.append(("Resolved", group))
    if rng.random() < 0.7:
        steps.append(("Closed", group))
    return steps


def incident_rows(
    number: int, rng: random.Random, start: datetime, groups: list[str], spread_days: int = 60
):
    """The audit rows of one incident, in the export's order, opened within
    ``spread_days`` of ``start`` (real exports hold tickets opened years ago)."""
    opened = start + timedelta(minutes=rng.randrange(0, spread_days * 24 * 60))
    impact, urgency = rng.choice(LEVELS), rng.choice(LEVELS)
    steps = _states(rng, groups)
    moment = opened
    reopen = reassignment = 0
    previous_group = steps[0][1]
    resolved_at = None
    made_sla = "true" if rng.random() < 0.85 else "false"
    for mod, (state, current_group) in enumerate(steps):
        if mod:
            moment += timedelta(minutes=rng.randrange(5, 600))
        if current_group != previous_group:
            reassignment += 1
            previous_group = current_group
        if state == "Resolved":
            resolved_at = moment
        yield {
            "number": f"INC{number:07d}",
            "incident_state": state,
            "active": "false" if state in ("Resolved", "Closed") else "true",
            "reassignment_count": str(reassignment),
            "reopen_count": str(reopen),
            "sys_mod_count": str(mod),
            "made_sla": made_sla,
            "caller_id": f"Caller {rng.randrange(1, 5000)}",
            "opened_by": f"Opened by {rng.randrange(1, 200)}",
            "opened_at": _date(opened),
            "sys_created_by": "?",
            "sys_created_at": "?",
            "sys_updated_by": f"Updated by {rng.randrange(1, 900)}",
            "sys_updated_at": _date(moment),
            "contact_type": rng.choice(["Phone", "Email", "Self service"]),
            "location": f"Location {rng.randrange(1, 200)}",
            "category": f"Category {rng.randrange(1, 60)}",
            "subcategory": f"Subcategory {rng.randrange(1, 250)}",
            "u_symptom": f"Symptom {rng.randrange(1, 500)}",
            "cmdb_ci": "?",
            "impact": impact,
            "urgency": urgency,
            "priority": PRIORITY[(impact, urgency)],
            "assignment_group": current_group,
            "assigned_to": f"Resolver {rng.randrange(1, 230)}",
            "knowledge": rng.choice(["true", "false"]),
            "u_priority_confirmation": rng.choice(["true", "false"]),
            "notify": "Do Not Notify",
            "problem_id": "?",
            "rfc": "?",
            "vendor": "?",
            "caused_by": "?",
            "closed_code": f"code {rng.randrange(1, 17)}" if state == "Closed" else "?",
            "resolved_by": f"Resolved by {rng.randrange(1, 200)}" if resolved_at else "?",
            "resolved_at": _date(resolved_at) if resolved_at else "?",
            "closed_at": _date(moment) if state == "Closed" else "?",
        }


def servicenow_rows(
    rows: int,
    *,
    seed: int = 7,
    groups: list[str] | None = None,
    start: datetime | None = None,
    spread_days: int = 60,
) -> Iterator[dict]:
    """About ``rows`` audit rows (whole incidents; stops at ``rows``)."""
    rng = random.Random(seed)
    groups = groups or [f"Group {n}" for n in range(1, 71)]
    start = start or datetime(2026, 6, 1, 8, 0)
    written, number = 0, 1
    while written < rows:
        for row in incident_rows(number, rng, start, groups, spread_days):
            if written >= rows:
                return
            yield row
            written += 1
        number += 1


def write_servicenow_csv(path, rows: int, **kwargs) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=SERVICENOW_COLUMNS)
        writer.writeheader()
        for row in servicenow_rows(rows, **kwargs):
            writer.writerow(row)
