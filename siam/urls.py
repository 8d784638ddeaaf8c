from core.urls import crud

from . import views

app_name = "siam"

urlpatterns = [
    *crud("organisations", views, "Organisation"),
    *crud("ecosystems", views, "Ecosystem"),
    *crud("service-providers", views, "ServiceProvider"),
    *crud("services", views, "Service"),
    *crud("contracts", views, "Contract"),
    *crud("systems", views, "ConnectedSystem"),
    *crud("flows", views, "IntegrationFlow"),
    *crud("people", views, "Person"),
    *crud("memberships", views, "Membership"),
]
