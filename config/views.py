"""The project's own pages: the home page over the ecosystems, the API root and the
favicon. They know the apps; ``core``, which every app builds on, does not."""

from importlib import import_module

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponsePermanentRedirect
from django.http.response import HttpResponseRedirectBase
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from core.db import subquery_count
from core.registry import api_apps
from siam.access import get_access_context
from siam.models import (
    ConnectedSystem,
    Contract,
    Ecosystem,
    IntegrationFlow,
    Service,
    ServiceProvider,
)


class HomeView(View):
    """The user's ecosystems, with the figures that matter at a glance."""

    def get(self, request):
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
        may_add = user.is_superuser or Ecosystem.may_add(get_access_context(user))
        return render(request, "home.html", {"ecosystems": ecosystems, "may_add": may_add})


@login_not_required
def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says; resolved per request
    because the hashed static name exists only after collectstatic."""
    from django.templatetags.static import static

    return HttpResponsePermanentRedirect(static("siam/favicon.svg"))


class APIRootView(APIView):
    """Entry point of the REST API: one link per application (each declares where its
    API is mounted on its ``AppConfig``), then the schema and its documentation."""

    schema = None  # a table of links, not an endpoint worth documenting

    def get(self, request, format=None):
        links = {
            config.api_path: reverse(
                f"{import_module(f'{config.name}.api.urls').app_name}:api-root",
                request=request,
                format=format,
            )
            for config in api_apps()
        }
        links["schema"] = reverse("api-schema", request=request, format=format)
        links["docs"] = reverse("api-docs", request=request, format=format)
        return Response(links)


# It only redirects (to an address made from the request's own): the new address checks
# the login, the token and the CSRF token, so an API client's token request follows too.
@method_decorator(login_not_required, name="dispatch")
@method_decorator(csrf_exempt, name="dispatch")
class MovedView(View):
    """An address that moved with its model to another app (the data dictionary went
    from requirements to integrations). A 308 keeps the method and the body, so an API
    client's writes follow as well as a bookmark; see docs/architecture.md."""

    old = ""
    new = ""

    def dispatch(self, request, *args, **kwargs):
        return PermanentRedirectKeepingMethod(
            request.get_full_path().replace(self.old, self.new, 1)
        )


class PermanentRedirectKeepingMethod(HttpResponseRedirectBase):
    status_code = 308
