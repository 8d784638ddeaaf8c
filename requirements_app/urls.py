from django.urls import path

from core.urls import crud

from . import views

app_name = "requirements_app"

urlpatterns = [
    *crud("pain-points", views, "PainPoint"),
    *crud("visions", views, "Vision"),
    *crud("requirements", views, "Requirement"),
    path("requirements/<int:pk>/transition/", views.RequirementTransitionView.as_view(), name="requirement_transition"),
    path("links/<slug:kind>/<int:pk>/confirm/", views.ConfirmLinkView.as_view(), name="link_confirm"),
    *crud("stories", views, "UserStory"),
    *crud("use-cases", views, "UseCase"),
    *crud("design-questions", views, "DesignQuestion"),
    path("ecosystems/<int:pk>/design/", views.DesignCatalogueView.as_view(), name="design_catalogue"),
    path("ecosystems/<int:pk>/specification.pdf", views.SpecificationView.as_view(), name="specification"),
    *crud("business-rules", views, "BusinessRule"),
    path("traceability/", views.TraceabilityView.as_view(), name="traceability"),
    path("import/<slug:kind>/", views.ImportView.as_view(), name="import"),
    path("export/<slug:kind>/<slug:fmt>/", views.ExportView.as_view(), name="export"),
]  # fmt: skip
