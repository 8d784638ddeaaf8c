from rest_framework.routers import DefaultRouter

from . import views

app_name = "siam-api"

router = DefaultRouter()
router.register("organisations", views.OrganisationViewSet)
router.register("ecosystems", views.EcosystemViewSet)
router.register("service-providers", views.ServiceProviderViewSet)
router.register("services", views.ServiceViewSet)
router.register("contracts", views.ContractViewSet)
router.register("systems", views.ConnectedSystemViewSet)
router.register("flows", views.IntegrationFlowViewSet)
router.register("people", views.PersonViewSet)
router.register("memberships", views.MembershipViewSet)

urlpatterns = router.urls
