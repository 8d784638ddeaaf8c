from csp.decorators import csp_update
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path, re_path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

from config import views as project_views
from core import views as core_views
from core.forms import LoginForm, PasswordChangeForm
from core.registry import api_apps

api_patterns = [
    path("", project_views.APIRootView.as_view(), name="api-root"),
    *(path(f"{app.api_path}/", include(f"{app.name}.api.urls")) for app in api_apps()),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Swagger UI sets a few inline styles; allow them on this page only.
    path(
        "docs/",
        csp_update({"style-src": ["'unsafe-inline'"]})(
            SpectacularSwaggerSplitView.as_view(url_name="api-schema")
        ),
        name="api-docs",
    ),
    path("redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
]

#: Addresses that moved with their model (the data dictionary, from requirements to
#: integrations, in December 2026): kept working with a 308 to the new one.
moved = [
    re_path(
        r"^requirements/flows/\d+/dictionary/",
        project_views.MovedView.as_view(old="/requirements/flows/", new="/integrations/flows/"),
    ),
    re_path(
        r"^api/requirements/(field-mappings|value-mappings|flows/\d+/dictionary-checks)/",
        project_views.MovedView.as_view(old="/api/requirements/", new="/api/integrations/"),
    ),
]

urlpatterns = [
    *moved,
    path("", project_views.HomeView.as_view(), name="home"),
    path("status/", core_views.StatusView.as_view(), name="status"),
    path("healthz/", core_views.health, name="health"),
    path("favicon.ico", project_views.favicon),
    path(
        "login/",
        login_not_required(
            auth_views.LoginView.as_view(
                redirect_authenticated_user=True, authentication_form=LoginForm
            )
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "account/password/",
        auth_views.PasswordChangeView.as_view(form_class=PasswordChangeForm),
        name="password_change",
    ),
    path(
        "account/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("siam/", include("siam.urls")),
    path("slas/", include("slas.urls")),
    path("raci/", include("raci.urls")),
    path("requirements/", include("requirements_app.urls")),
    path("governance/", include("governance.urls")),
    path("integrations/", include("integrations.urls")),
    path("api/", include(api_patterns)),
    path("admin/", admin.site.urls),
]

admin.site.site_header = "SIAM governance — administration"
admin.site.site_title = "SIAM governance"

handler400 = "core.views.errors.bad_request"
handler403 = "core.views.errors.permission_denied"
handler404 = "core.views.errors.page_not_found"
handler500 = "core.views.errors.server_error"
