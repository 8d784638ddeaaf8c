import logging
import socket

from celery import shared_task
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import WorkerHeartbeat

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def record_heartbeat(name: str = "beat"):
    """Scheduled every minute: proves that beat and a worker are alive.

    An UPDATE of a counter, so two workers running it at once cannot lose a run.
    """
    now = timezone.now()
    updated = WorkerHeartbeat.objects.filter(name=name).update(
        last_seen=now, hostname=socket.gethostname(), runs=F("runs") + 1
    )
    if not updated:
        WorkerHeartbeat.objects.get_or_create(
            name=name, defaults={"last_seen": now, "hostname": socket.gethostname(), "runs": 1}
        )


def enqueue_on_commit(task, *args, **kwargs) -> None:
    """Queue ``task`` once the current transaction commits; never fail the request.

    What is queued is always already stored (an inbound event, an import, a delivery),
    and a sweep on beat queues again whatever is still waiting; so when the broker is
    down the caller still answers (a webhook 202, a page redirect) instead of a 500
    after its data was committed, and the work runs once the broker is back.
    """

    def send():
        try:
            task.delay(*args, **kwargs)
        except Exception:  # kombu raises several unrelated types for "broker down"
            logger.warning("Broker unavailable: %s left for the sweep", task.name, exc_info=True)

    transaction.on_commit(send)
