import socket

from celery import shared_task
from django.db.models import F
from django.utils import timezone

from .models import WorkerHeartbeat


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
