from django.urls import path

from raci.urls import crud

from . import views

app_name = "requirements_app"

urlpatterns = [
    *crud("pain-points", "painpoint", views.PainPointListView, views.PainPointView, views.PainPointEditView, views.PainPointDeleteView),
    *crud("visions", "vision", views.VisionListView, views.VisionView, views.VisionEditView, views.VisionDeleteView),
    *crud(
        "requirements", "requirement", views.RequirementListView, views.RequirementView,
        views.RequirementEditView, views.RequirementDeleteView,
    ),
    path("requirements/<int:pk>/transition/", views.RequirementTransitionView.as_view(), name="requirement_transition"),
    path("links/<slug:kind>/<int:pk>/confirm/", views.ConfirmLinkView.as_view(), name="link_confirm"),
    *crud("stories", "userstory", views.UserStoryListView, views.UserStoryView, views.UserStoryEditView, views.UserStoryDeleteView),
    *crud("use-cases", "usecase", views.UseCaseListView, views.UseCaseView, views.UseCaseEditView, views.UseCaseDeleteView),
    *crud(
        "design-questions", "designquestion", views.DesignQuestionListView, views.DesignQuestionView,
        views.DesignQuestionEditView, views.DesignQuestionDeleteView,
    ),
    path("ecosystems/<int:pk>/design/", views.DesignCatalogueView.as_view(), name="design_catalogue"),
    path("ecosystems/<int:pk>/specification.pdf", views.SpecificationView.as_view(), name="specification"),
    *crud(
        "business-rules", "businessrule", views.BusinessRuleListView, views.BusinessRuleView,
        views.BusinessRuleEditView, views.BusinessRuleDeleteView,
    ),
    path("flows/<int:pk>/dictionary/", views.DataDictionaryView.as_view(), name="dictionary"),
    path("flows/<int:pk>/dictionary/edit/", views.DataDictionaryEditView.as_view(), name="dictionary_edit"),
    path("traceability/", views.TraceabilityView.as_view(), name="traceability"),
    path("import/<slug:kind>/", views.ImportView.as_view(), name="import"),
    path("export/<slug:kind>/<slug:fmt>/", views.ExportView.as_view(), name="export"),
]  # fmt: skip
