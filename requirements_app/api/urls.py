from django.urls import path
from rest_framework.routers import DefaultRouter

from . import views

app_name = "requirements_app-api"

router = DefaultRouter()
router.register("pain-points", views.PainPointViewSet)
router.register("visions", views.VisionViewSet)
router.register("requirements", views.RequirementViewSet)
router.register("stories", views.UserStoryViewSet)
router.register("use-cases", views.UseCaseViewSet)
router.register("design-questions", views.DesignQuestionViewSet)
router.register("business-rules", views.BusinessRuleViewSet)
router.register("field-mappings", views.FieldMappingViewSet)
router.register("value-mappings", views.ValueMappingViewSet)

urlpatterns = [
    *router.urls,
    path(
        "links/<slug:kind>/<int:pk>/confirm/", views.LinkConfirmView.as_view(), name="link-confirm"
    ),
    path(
        "flows/<int:pk>/dictionary-checks/",
        views.DictionaryCheckView.as_view(),
        name="dictionary-checks",
    ),
]
