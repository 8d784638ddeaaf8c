from django.urls import path

from core.urls import crud

from . import views

app_name = "governance"

urlpatterns = [
    path("", views.DashboardIndexView.as_view(), name="dashboard_index"),
    path("ecosystems/<int:pk>/dashboard/", views.DashboardView.as_view(), name="dashboard"),
    path("ecosystems/<int:pk>/compute-kpis/", views.KpiComputeView.as_view(), name="compute_kpis"),
    *crud("boards", views, "Board"),
    *crud("meetings", views, "Meeting"),
    path("meetings/<int:pk>/close/", views.MeetingCloseView.as_view(), name="meeting_close"),
    *crud("decisions", views, "Decision"),
    *crud("actions", views, "Action"),
    *crud("kpis", views, "Kpi"),
    *crud("improvements", views, "ImprovementItem"),
    path("improvements/<int:pk>/override/", views.ImprovementOverrideView.as_view(), name="improvementitem_override"),
    *crud("scoring-models", views, "ScoringModel"),
    *crud("pods", views, "Pod"),
    *crud("assessments", views, "Assessment"),
    path("reports/", views.SteeringReportListView.as_view(), name="steeringreport_list"),
    path("reports/generate/", views.SteeringReportGenerateView.as_view(), name="steeringreport_add"),
    path("reports/<int:pk>/", views.SteeringReportView.as_view(), name="steeringreport"),
    path("reports/<int:pk>/download/", views.SteeringReportDownloadView.as_view(), name="steeringreport_download"),
    path("reports/<int:pk>/delete/", views.SteeringReportDeleteView.as_view(), name="steeringreport_delete"),
]  # fmt: skip
