from django.urls import path

from . import views

app_name = "raci"


def crud(prefix, name, list_view, detail_view, edit_view, delete_view):
    """The four generic pages of a model, named like NetBox's: ``<model>_list`` …"""
    return [
        path(f"{prefix}/", list_view.as_view(), name=f"{name}_list"),
        path(f"{prefix}/add/", edit_view.as_view(), name=f"{name}_add"),
        path(f"{prefix}/<int:pk>/", detail_view.as_view(), name=name),
        path(f"{prefix}/<int:pk>/edit/", edit_view.as_view(), name=f"{name}_edit"),
        path(f"{prefix}/<int:pk>/delete/", delete_view.as_view(), name=f"{name}_delete"),
    ]


m = "matrices/<int:pk>"
a = "access-matrices/<int:pk>"

urlpatterns = [
    *crud("roles", "role", views.RoleListView, views.RoleView, views.RoleEditView, views.RoleDeleteView),
    *crud(
        "matrices", "racimatrix", views.RaciMatrixListView, views.RaciMatrixView,
        views.RaciMatrixEditView, views.RaciMatrixDeleteView,
    ),
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
    *crud(
        "templates", "racitemplate", views.RaciTemplateListView, views.RaciTemplateView,
        views.RaciTemplateEditView, views.RaciTemplateDeleteView,
    ),
    *crud(
        "data-objects", "dataobject", views.DataObjectListView, views.DataObjectView,
        views.DataObjectEditView, views.DataObjectDeleteView,
    ),
    *crud(
        "access-matrices", "accessmatrix", views.AccessMatrixListView, views.AccessMatrixView,
        views.AccessMatrixEditView, views.AccessMatrixDeleteView,
    ),
    path(f"{a}/grants/<int:role>/<int:data_object>/", views.GrantView.as_view(), name="accessmatrix_grant"),
    path(f"{a}/approve/", views.AccessApproveView.as_view(), name="accessmatrix_approve"),
    path(f"{a}/new-version/", views.AccessNewVersionView.as_view(), name="accessmatrix_new_version"),
    path(f"{a}/compare/", views.AccessCompareView.as_view(), name="accessmatrix_compare"),
    path(f"{a}/export/<slug:fmt>/", views.AccessExportView.as_view(), name="accessmatrix_export"),
]  # fmt: skip
