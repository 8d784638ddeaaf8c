from django.urls import path
from rest_framework.routers import DefaultRouter

from . import views

app_name = "slas-api"

router = DefaultRouter()
router.register("calendars", views.BusinessCalendarViewSet)
router.register("priority-matrices", views.PriorityMatrixViewSet)
router.register("targets", views.ServiceLevelTargetViewSet)
router.register("known-errors", views.KnownErrorViewSet)
router.register("incidents", views.IncidentViewSet)
router.register("incident-slas", views.IncidentSlaViewSet)
router.register("ownership-gaps", views.OwnershipGapViewSet)

urlpatterns = [*router.urls, path("report/", views.ServiceLevelReportView.as_view(), name="report")]
