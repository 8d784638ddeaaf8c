from django.urls import path

from core.urls import crud

from . import views

app_name = "slas"

urlpatterns = [
    *crud("calendars", views, "BusinessCalendar"),
    *crud("priority-matrices", views, "PriorityMatrix"),
    *crud("targets", views, "ServiceLevelTarget"),
    *crud("known-errors", views, "KnownError"),
    *crud("incidents", views, "Incident"),
    path(
        "incidents/<int:pk>/actions/<slug:kind>/",
        views.IncidentActionView.as_view(),
        name="incident_action",
    ),
    path("ownership-gaps/", views.OwnershipGapListView.as_view(), name="ownershipgap_list"),
    path("notifications/", views.NotificationListView.as_view(), name="notification_list"),
    path("report/", views.ServiceLevelReportView.as_view(), name="report"),
]
