from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views import View
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from core.db import subquery_count
from core.models import WorkerHeartbeat


class HomeView(View):
    """The user's ecosystems, with the figures that matter at a glance."""

    def get(self, request):
        from siam.models import (
            ConnectedSystem,
            Contract,
            Ecosystem,
            IntegrationFlow,
            Service,
            ServiceProvider,
        )

        user = request.user
        ecosystems = (
            Ecosystem.objects.restrict(user)
            .select_related("customer", "integrator")
            .annotate(
                provider_count=subquery_count(ServiceProvider.objects.all(), ecosystem_id="pk"),
                service_count=subquery_count(Service.objects.all(), ecosystem_id="pk"),
                contract_count=subquery_count(Contract.objects.restrict(user), ecosystem_id="pk"),
                system_count=subquery_count(ConnectedSystem.objects.all(), ecosystem_id="pk"),
                flow_count=subquery_count(IntegrationFlow.objects.all(), ecosystem_id="pk"),
            )
        )
        from siam.access import get_access_context

        may_add = user.is_superuser or Ecosystem.may_add(get_access_context(user))
        return render(request, "home.html", {"ecosystems": ecosystems, "may_add": may_add})


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
def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says; resolved per request
    because the hashed static name exists only after collectstatic."""
    from django.templatetags.static import static

    return HttpResponsePermanentRedirect(static("siam/favicon.svg"))


@login_not_required
def health(request):
    """Liveness probe for load balancers: answers without a session, touches the database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


class APIRootView(APIView):
    """Entry point of the REST API: one link per application."""

    schema = None  # a table of links, not an endpoint worth documenting

    def get(self, request, format=None):
        return Response(
            {
                "siam": reverse("siam-api:api-root", request=request, format=format),
                "slas": reverse("slas-api:api-root", request=request, format=format),
                "raci": reverse("raci-api:api-root", request=request, format=format),
                "requirements": reverse(
                    "requirements_app-api:api-root", request=request, format=format
                ),
                "governance": reverse("governance-api:api-root", request=request, format=format),
                "integrations": reverse(
                    "integrations-api:api-root", request=request, format=format
                ),
                "schema": reverse("api-schema", request=request, format=format),
                "docs": reverse("api-docs", request=request, format=format),
            }
        )
