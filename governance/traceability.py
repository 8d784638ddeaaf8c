"""Governance's part of the requirements' traceability matrix: the KPIs that show a
requirement met (registered with ``requirements_app.services.measured_by``, so the
requirements context names no governance table)."""

from __future__ import annotations

from collections import defaultdict

from requirements_app.services import measured_by

from .models import Kpi


@measured_by
def kpis_measuring(requirement_ids: list[int]) -> dict[int, list[Kpi]]:
    """requirement id -> the KPIs that measure it, by name; one query."""
    through = Kpi.requirements.through
    found = defaultdict(list)
    links = (
        through.objects.filter(requirement_id__in=requirement_ids)
        .select_related("kpi")
        .order_by("kpi__name", "kpi_id")
    )
    for link in links:
        found[link.requirement_id].append(link.kpi)
    return found
