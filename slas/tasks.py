"""Scheduled and background SLA work. Every task is idempotent."""

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from core.tasks import enqueue_on_commit

from . import crossings, notifications, rollups


@shared_task(ignore_result=True)
def scan_sla_thresholds():
    """Every minute: record the warnings and breaches whose instant has passed, and
    alert the integrator to incidents nobody has owned for too long."""
    alert_ids = crossings.record_crossings()
    if alert_ids:
        enqueue_on_commit(dispatch_sla_alerts, alert_ids)
    notifications.alert_ownership_gaps()
    return len(alert_ids)


@shared_task(ignore_result=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def dispatch_sla_alerts(alert_ids):
    return notifications.dispatch_alerts(alert_ids)


@shared_task(ignore_result=True)
def repair_sla(ecosystem_ids, include_closed=False, after=0):
    """Recompute open incidents after a target, calendar or holiday changed. A repair
    longer than the bulk queue's time limit hands the rest to a new task (queued behind
    whatever else waits) rather than holding a worker."""
    done = {"last": after}
    try:
        return crossings.repair(
            ecosystem_ids,
            include_closed=include_closed,
            after=after,
            on_chunk=lambda last: done.update(last=last),
        )
    except SoftTimeLimitExceeded:
        repair_sla.delay(ecosystem_ids, include_closed, done["last"])
        return None


@shared_task(ignore_result=True)
def refresh_sla_rollups(everything=False):
    """Rebuild the stored monthly sums whose months changed (``slas.rollups``); each
    night, all of them."""
    return rollups.refresh(everything=everything)
