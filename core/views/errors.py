"""Error answers in the app's layout (pages) or as JSON (API), never Django's bare text.

The 500 and 503 pages are rendered without a request context: the database may be
the reason we are here, so nothing on them may need it (no menu, no user name).
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string

#: Seconds a client is asked to wait while the database is unreachable.
RETRY_AFTER_SECONDS = 30


def wants_json(request) -> bool:
    if request.path.startswith("/api/"):
        return True
    accept = request.headers.get("Accept", "")
    return "application/json" in accept and "text/html" not in accept


def _json(status, detail, **extra):
    return JsonResponse({"detail": detail, **extra}, status=status)


def bad_request(request, exception=None):
    if wants_json(request):
        return _json(400, "The request could not be understood.")
    return render(request, "errors/400.html", status=400)


def permission_denied(request, exception=None):
    # Only messages the app wrote itself are shown; they never name other records.
    message = str(exception) if exception and str(exception) else ""
    if wants_json(request):
        return _json(403, message or "You do not have permission to do this.")
    return render(request, "errors/403.html", {"message": message}, status=403)


def page_not_found(request, exception=None):
    if wants_json(request):
        return _json(404, "Not found.")
    return render(request, "errors/404.html", status=404)


def database_unavailable(exc: BaseException | None) -> bool:
    """Whether the failure means "the database cannot be reached now" rather than a bug.

    Walks the exception's causes: Django wraps the driver's error, and a failed session
    load can surface later as an unrelated error raised while handling it.
    """
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, OperationalError | InterfaceError):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def service_unavailable(request):
    if wants_json(request):
        response = _json(503, "The service is briefly unavailable. Try again shortly.")
    else:
        response = HttpResponse(render_to_string("errors/503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def server_error(request):
    # The one place a database outage becomes a 503: Django calls this from inside its
    # exception handler (the exception is current) for failures in views and in
    # middleware alike, and DRF re-raises what its own handler does not answer.
    exc = sys.exc_info()[1]
    if database_unavailable(exc):
        return service_unavailable(request)
    if wants_json(request):
        return _json(500, "Something went wrong on our side; it has been logged.")
    return HttpResponse(render_to_string("errors/500.html"), status=500)
