from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views import View

from core.models import WorkerHeartbeat


class StatusView(View):
    """Is the background worker alive? Beat records a heartbeat every minute."""

    def get(self, request):
        beats = list(WorkerHeartbeat.objects.all())
        now = timezone.now()
        for beat in beats:
            beat.age_seconds = int((now - beat.last_seen).total_seconds())
            beat.healthy = beat.age_seconds < 180
        context = {
            "beats": beats,
            "database": connection.vendor,
            "broker": settings.CELERY_BROKER_URL.split("://", 1)[0],
        }
        return render(request, "status.html", context)


@login_not_required
def health(request):
    """Liveness probe for load balancers: answers without a session, touches the database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
