"""Thresholds crossing: the beat task that records warnings and breaches as their
deadlines pass (an index scan, not a recompute), and the repair that recomputes the
clocks of whole ecosystems."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.db.models import F

from . import clocks, rollups
from .choices import (
    STOP_STATUSES,
    AlertLevelChoices,
    SlaStateChoices,
)
from .models import (
    Incident,
    IncidentSla,
)

# --- Thresholds crossing (the beat task) -----------------------------------------------------

LEVELS = (
    (AlertLevelChoices.WARNING_1, "warning_1_at", "warning_1_recorded_at"),
    (AlertLevelChoices.WARNING_2, "warning_2_at", "warning_2_recorded_at"),
    (AlertLevelChoices.BREACH, "breach_at", "breach_recorded_at"),
)


def record_crossings(
    at: datetime | None = None, batch_size: int = 500, *, recompute_breached: bool = True
) -> list[int]:
    """Record every threshold crossed by ``now`` exactly once; return the new alerts' ids.

    ``recompute_breached=False`` when the clocks were just computed at ``at`` (generated
    data): their budget split is final already.

    An index lookup per level (``<deadline> <= now`` among rows not yet recorded);
    rows are locked with SKIP LOCKED, so two workers running this at once share the
    work instead of doing it twice, and a rerun finds nothing left to record.
    """
    from django.db import connection

    from .models import SlaAlert

    moment = at or clocks.now()
    created: list[int] = []
    breached_incidents: set[int] = set()
    if connection.vendor == "postgresql":
        while True:
            with transaction.atomic():
                marked, alert_ids, breached = _record_batch(moment, batch_size)
            created.extend(alert_ids)
            breached_incidents.update(breached)
            if marked < batch_size:
                break
        _finalise_breached(breached_incidents, moment, batch_size, recompute_breached)
        return created
    for level, deadline, recorded in LEVELS:
        while True:
            with transaction.atomic():
                rows = list(
                    IncidentSla.objects.select_for_update(skip_locked=True)
                    .filter(**{f"{deadline}__lte": moment, f"{recorded}__isnull": True})
                    .order_by(deadline)[:batch_size]
                )
                if not rows:
                    break
                # One UPDATE per batch: the recorded instant is the deadline itself.
                updates = {recorded: F(deadline)}
                if level == AlertLevelChoices.BREACH:
                    updates["state"] = SlaStateChoices.BREACHED
                IncidentSla.objects.filter(pk__in=[row.pk for row in rows]).update(**updates)
                alerts = [
                    SlaAlert(incident_sla=row, level=level, crossed_at=getattr(row, deadline))
                    for row in rows
                ]
                SlaAlert.objects.bulk_create(alerts, ignore_conflicts=True)
                if level == AlertLevelChoices.BREACH:
                    breached_incidents.update(row.incident_id for row in rows)
                ids = list(
                    SlaAlert.objects.filter(
                        incident_sla__in=rows, level=level, handled_at__isnull=True
                    ).values_list("pk", flat=True)
                )
                created.extend(ids)
    _finalise_breached(breached_incidents, moment, batch_size, recompute_breached)
    return created


def _finalise_breached(
    incident_ids: set[int], moment: datetime, batch_size: int, recompute: bool
) -> None:
    """At its breach a clock's budget is spent: recomputed now (after the scan's locks
    are released), its per-party split is final and the report can rely on it. Either
    way the months of these incidents have new figures (``slas.rollups``)."""
    ordered = sorted(incident_ids)
    if not recompute:
        for start in range(0, len(ordered), batch_size):
            rollups.mark_incidents(
                Incident.objects.filter(pk__in=ordered[start : start + batch_size]).only(
                    "ecosystem_id", "opened_at"
                )
            )
        return
    for start in range(0, len(ordered), batch_size):
        clocks.recompute_incidents(
            [Incident(pk=pk) for pk in ordered[start : start + batch_size]], moment
        )


#: The whole scan of one batch as one statement (PostgreSQL): pick the clocks with a
#: threshold due and not yet recorded (each level's partial index on its own, gathered
#: into an array: the planner cannot estimate the OR of the three and then walks the
#: whole table in id order; the array's length it knows), lock them
#: skipping those another worker holds, record every level crossed, and insert one
#: alert per level crossed. Returns the clocks marked, so the caller knows whether
#: another batch is left.
SCAN_SQL = """
WITH due AS (
    SELECT id FROM {sla}
    WHERE id = ANY(ARRAY(
        SELECT id FROM {sla} WHERE warning_1_at <= %(now)s AND warning_1_recorded_at IS NULL
        UNION SELECT id FROM {sla} WHERE warning_2_at <= %(now)s AND warning_2_recorded_at IS NULL
        UNION SELECT id FROM {sla} WHERE breach_at <= %(now)s AND breach_recorded_at IS NULL
    ))
      AND ((warning_1_at <= %(now)s AND warning_1_recorded_at IS NULL)
       OR (warning_2_at <= %(now)s AND warning_2_recorded_at IS NULL)
       OR (breach_at <= %(now)s AND breach_recorded_at IS NULL))
    ORDER BY id LIMIT %(batch)s FOR UPDATE SKIP LOCKED
), crossed AS (
    SELECT s.id,
           (s.warning_1_at <= %(now)s AND s.warning_1_recorded_at IS NULL) AS w1,
           (s.warning_2_at <= %(now)s AND s.warning_2_recorded_at IS NULL) AS w2,
           (s.breach_at <= %(now)s AND s.breach_recorded_at IS NULL) AS br
    FROM {sla} s JOIN due ON due.id = s.id
), marked AS (
    UPDATE {sla} s SET
        warning_1_recorded_at = CASE WHEN c.w1 THEN s.warning_1_at ELSE s.warning_1_recorded_at END,
        warning_2_recorded_at = CASE WHEN c.w2 THEN s.warning_2_at ELSE s.warning_2_recorded_at END,
        breach_recorded_at = CASE WHEN c.br THEN s.breach_at ELSE s.breach_recorded_at END,
        state = CASE WHEN c.br THEN %(breached)s ELSE s.state END
    FROM crossed c WHERE s.id = c.id
    RETURNING s.id, s.incident_id, c.w1, c.w2, c.br, s.warning_1_at, s.warning_2_at, s.breach_at
), alerts AS (
    INSERT INTO {alert} (incident_sla_id, level, crossed_at, recorded_at)
    SELECT id, %(w1)s, warning_1_at, now() FROM marked WHERE w1
    UNION ALL SELECT id, %(w2)s, warning_2_at, now() FROM marked WHERE w2
    UNION ALL SELECT id, %(br)s, breach_at, now() FROM marked WHERE br
    ON CONFLICT (incident_sla_id, level) DO NOTHING
    RETURNING id, incident_sla_id, level
)
SELECT (SELECT count(*) FROM marked),
       alerts.id, alerts.level, (SELECT m.incident_id FROM marked m WHERE m.id = alerts.incident_sla_id)
FROM alerts RIGHT JOIN (SELECT 1) AS one ON true
"""


def _record_batch(moment: datetime, batch_size: int) -> tuple[int, list[int], set[int]]:
    from django.db import connection

    from .models import SlaAlert

    sql = SCAN_SQL.format(sla=IncidentSla._meta.db_table, alert=SlaAlert._meta.db_table)
    params = {
        "now": moment, "batch": batch_size, "breached": SlaStateChoices.BREACHED,
        "w1": AlertLevelChoices.WARNING_1, "w2": AlertLevelChoices.WARNING_2, "br": AlertLevelChoices.BREACH,
    }  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    marked = rows[0][0] if rows else 0
    alert_ids = [alert_id for _, alert_id, _, _ in rows if alert_id is not None]
    breached = {
        incident for _, alert_id, level, incident in rows if level == AlertLevelChoices.BREACH
    }
    return marked, alert_ids, breached


def open_incidents_governed(ecosystem_ids: Iterable[int], include_closed: bool = False):
    queryset = Incident.objects.filter(ecosystem_id__in=list(ecosystem_ids))
    if not include_closed:
        queryset = queryset.exclude(status__in=STOP_STATUSES)
    return queryset


def repair(
    ecosystem_ids: Iterable[int],
    *,
    include_closed: bool = False,
    after: int = 0,
    chunk: int = 500,
    on_chunk=None,
) -> int:
    """Recompute the SLA state of the ecosystems' open incidents (all, when asked), in id
    order from ``after``; ``on_chunk(last_id)`` after each committed chunk lets a caller
    cut short resume where it stopped."""
    ids = list(
        open_incidents_governed(ecosystem_ids, include_closed)
        .filter(pk__gt=after)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    stored = 0
    for start in range(0, len(ids), chunk):
        batch = ids[start : start + chunk]
        stored += clocks.recompute_incidents(batch)
        if on_chunk is not None:
            on_chunk(batch[-1])
    return stored
