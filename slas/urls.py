from django.urls import path

from . import views

app_name = "slas"

urlpatterns = [
    path("calendars/", views.BusinessCalendarListView.as_view(), name="businesscalendar_list"),
    path("calendars/add/", views.BusinessCalendarEditView.as_view(), name="businesscalendar_add"),
    path("calendars/<int:pk>/", views.BusinessCalendarView.as_view(), name="businesscalendar"),
    path(
        "calendars/<int:pk>/edit/",
        views.BusinessCalendarEditView.as_view(),
        name="businesscalendar_edit",
    ),
    path(
        "calendars/<int:pk>/delete/",
        views.BusinessCalendarDeleteView.as_view(),
        name="businesscalendar_delete",
    ),
    path("priority-matrices/", views.PriorityMatrixListView.as_view(), name="prioritymatrix_list"),
    path(
        "priority-matrices/add/", views.PriorityMatrixEditView.as_view(), name="prioritymatrix_add"
    ),
    path("priority-matrices/<int:pk>/", views.PriorityMatrixView.as_view(), name="prioritymatrix"),
    path(
        "priority-matrices/<int:pk>/edit/",
        views.PriorityMatrixEditView.as_view(),
        name="prioritymatrix_edit",
    ),
    path(
        "priority-matrices/<int:pk>/delete/",
        views.PriorityMatrixDeleteView.as_view(),
        name="prioritymatrix_delete",
    ),
    path("targets/", views.ServiceLevelTargetListView.as_view(), name="serviceleveltarget_list"),
    path("targets/add/", views.ServiceLevelTargetEditView.as_view(), name="serviceleveltarget_add"),
    path("targets/<int:pk>/", views.ServiceLevelTargetView.as_view(), name="serviceleveltarget"),
    path(
        "targets/<int:pk>/edit/",
        views.ServiceLevelTargetEditView.as_view(),
        name="serviceleveltarget_edit",
    ),
    path(
        "targets/<int:pk>/delete/",
        views.ServiceLevelTargetDeleteView.as_view(),
        name="serviceleveltarget_delete",
    ),
    path("known-errors/", views.KnownErrorListView.as_view(), name="knownerror_list"),
    path("known-errors/add/", views.KnownErrorEditView.as_view(), name="knownerror_add"),
    path("known-errors/<int:pk>/", views.KnownErrorView.as_view(), name="knownerror"),
    path("known-errors/<int:pk>/edit/", views.KnownErrorEditView.as_view(), name="knownerror_edit"),
    path(
        "known-errors/<int:pk>/delete/",
        views.KnownErrorDeleteView.as_view(),
        name="knownerror_delete",
    ),
    path("incidents/", views.IncidentListView.as_view(), name="incident_list"),
    path("incidents/add/", views.IncidentEditView.as_view(), name="incident_add"),
    path("incidents/<int:pk>/", views.IncidentView.as_view(), name="incident"),
    path("incidents/<int:pk>/edit/", views.IncidentEditView.as_view(), name="incident_edit"),
    path("incidents/<int:pk>/delete/", views.IncidentDeleteView.as_view(), name="incident_delete"),
    path(
        "incidents/<int:pk>/<slug:kind>/",
        views.IncidentActionView.as_view(),
        name="incident_action",
    ),
    path("notifications/", views.NotificationListView.as_view(), name="notification_list"),
    path("report/", views.ServiceLevelReportView.as_view(), name="report"),
]
