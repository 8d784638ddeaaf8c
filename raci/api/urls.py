from rest_framework.routers import DefaultRouter

from . import views

app_name = "raci-api"

router = DefaultRouter()
router.register("roles", views.RoleViewSet)
router.register("matrices", views.RaciMatrixViewSet)
router.register("activities", views.RaciActivityViewSet)
router.register("columns", views.RaciColumnViewSet)
router.register("assignments", views.RaciAssignmentViewSet)
router.register("templates", views.RaciTemplateViewSet)
router.register("data-objects", views.DataObjectViewSet)
router.register("access-matrices", views.AccessMatrixViewSet)
router.register("access-grants", views.AccessGrantViewSet)

urlpatterns = router.urls
