"""The inbound webhook endpoint: one address per feed, authenticated by the feed's
secret instead of a login (the tools have no session), answered fast: the request
is stored as received and processed by a worker."""

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from rest_framework.throttling import SimpleRateThrottle

from . import services
from .models import TicketFeed


class WebhookThrottle(SimpleRateThrottle):
    """Requests per minute per feed address and sender (``WEBHOOK_THROTTLE``)."""

    scope = "webhook"

    def get_cache_key(self, request, view):
        return self.cache_format % {
            "scope": self.scope,
            "ident": f"{view}:{self.get_ident(request)}",
        }


MESSAGES = {
    202: "accepted",
    200: "duplicate: already received",
    400: "malformed",
    401: "signature or token missing or invalid",
}


@csrf_exempt
@login_not_required
@require_POST
def receive(request, endpoint):
    throttle = WebhookThrottle()
    if not throttle.allow_request(request, str(endpoint)):
        response = JsonResponse({"status": "too many requests"}, status=429)
        response["Retry-After"] = str(int(throttle.wait() or 1))
        return response
    feed = get_object_or_404(
        TicketFeed.objects.select_related("system", "ecosystem", "flow"), endpoint=endpoint
    )
    if not feed.active:
        return JsonResponse({"status": "feed inactive"}, status=404)
    try:
        body = request.body
    except RequestDataTooBig:
        return JsonResponse({"status": "body too large"}, status=413)
    inbound, status = services.receive(
        feed, body, request.headers, remote_addr=request.META.get("REMOTE_ADDR")
    )
    data = {"status": MESSAGES[status]}
    if status < 400:
        # The sender is authenticated: the id lets its admin find the event in our log.
        data["event"] = inbound.pk
    elif status == 400:
        data["error"] = inbound.error
    # A rejected sender learns nothing beyond the status: no id, no detail.
    return JsonResponse(data, status=status)
