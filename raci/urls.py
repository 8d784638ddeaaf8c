from django.urls import path

from core.urls import crud

from . import views

app_name = "raci"


m = "matrices/<int:pk>"
a = "access-matrices/<int:pk>"

urlpatterns = [
    *crud("roles", views, "Role"),
    *crud("matrices", views, "RaciMatrix"),
    path(f"{m}/cells/<int:activity>/<int:column>/", views.CellView.as_view(), name="racimatrix_cell"),
    path(f"{m}/approve/", views.ApproveView.as_view(), name="racimatrix_approve"),
    path(f"{m}/new-version/", views.NewVersionView.as_view(), name="racimatrix_new_version"),
    path(f"{m}/compare/", views.CompareView.as_view(), name="racimatrix_compare"),
    path(f"{m}/analysis/", views.AnalysisView.as_view(), name="racimatrix_analysis"),
    path(f"{m}/export/<slug:fmt>/", views.ExportView.as_view(), name="racimatrix_export"),
    path(f"{m}/import/", views.ImportView.as_view(), name="racimatrix_import"),
    path(f"{m}/save-as-template/", views.SaveAsTemplateView.as_view(), name="racimatrix_save_template"),
    path(f"{m}/acknowledge/", views.AcknowledgeView.as_view(), name="racimatrix_acknowledge"),
    path(f"{m}/activities/add/", views.ActivityEditView.as_view(), name="raciactivity_add"),
    path(f"{m}/activities/<int:activity>/edit/", views.ActivityEditView.as_view(), name="raciactivity_edit"),
    path(f"{m}/activities/<int:activity>/delete/", views.ActivityDeleteView.as_view(), name="raciactivity_delete"),
    path(f"{m}/columns/add/", views.ColumnAddView.as_view(), name="racicolumn_add"),
    path(f"{m}/columns/<int:column>/delete/", views.ColumnDeleteView.as_view(), name="racicolumn_delete"),
    path("my-assignments/", views.MyAssignmentsView.as_view(), name="my_assignments"),
    *crud("templates", views, "RaciTemplate"),
    *crud("data-objects", views, "DataObject"),
    *crud("access-matrices", views, "AccessMatrix"),
    path(f"{a}/grants/<int:role>/<int:data_object>/", views.GrantView.as_view(), name="accessmatrix_grant"),
    path(f"{a}/approve/", views.AccessApproveView.as_view(), name="accessmatrix_approve"),
    path(f"{a}/new-version/", views.AccessNewVersionView.as_view(), name="accessmatrix_new_version"),
    path(f"{a}/compare/", views.AccessCompareView.as_view(), name="accessmatrix_compare"),
    path(f"{a}/export/<slug:fmt>/", views.AccessExportView.as_view(), name="accessmatrix_export"),
]  # fmt: skip
