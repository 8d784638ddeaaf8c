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

urlpatterns = [
    *router.urls,
    path(
        "links/<slug:kind>/<int:pk>/confirm/", views.LinkConfirmView.as_view(), name="link-confirm"
    ),
]
