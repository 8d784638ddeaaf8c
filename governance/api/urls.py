from django.urls import path
from rest_framework.routers import DefaultRouter

from . import views

app_name = "governance-api"

router = DefaultRouter()
router.register("boards", views.BoardViewSet)
router.register("board-members", views.BoardMemberViewSet)
router.register("meetings", views.MeetingViewSet)
router.register("decisions", views.DecisionViewSet)
router.register("actions", views.ActionViewSet)
router.register("kpis", views.KpiViewSet)
router.register("measurements", views.MeasurementViewSet)
router.register("improvement-items", views.ImprovementItemViewSet)
router.register("scoring-models", views.ScoringModelViewSet)
router.register("pods", views.PodViewSet)
router.register("pod-members", views.PodMemberViewSet)
router.register("assessments", views.AssessmentViewSet)
router.register("steering-reports", views.SteeringReportViewSet)

urlpatterns = [
    *router.urls,
    path("ecosystems/<int:pk>/dashboard/", views.DashboardView.as_view(), name="dashboard"),
]
