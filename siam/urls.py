from django.urls import path

from . import views

app_name = "siam"

urlpatterns = [
    path("organisations/", views.OrganisationListView.as_view(), name="organisation_list"),
    path("organisations/add/", views.OrganisationEditView.as_view(), name="organisation_add"),
    path("organisations/<int:pk>/", views.OrganisationView.as_view(), name="organisation"),
    path(
        "organisations/<int:pk>/edit/",
        views.OrganisationEditView.as_view(),
        name="organisation_edit",
    ),
    path(
        "organisations/<int:pk>/delete/",
        views.OrganisationDeleteView.as_view(),
        name="organisation_delete",
    ),
    path("ecosystems/", views.EcosystemListView.as_view(), name="ecosystem_list"),
    path("ecosystems/add/", views.EcosystemEditView.as_view(), name="ecosystem_add"),
    path("ecosystems/<int:pk>/", views.EcosystemView.as_view(), name="ecosystem"),
    path("ecosystems/<int:pk>/edit/", views.EcosystemEditView.as_view(), name="ecosystem_edit"),
    path(
        "ecosystems/<int:pk>/delete/", views.EcosystemDeleteView.as_view(), name="ecosystem_delete"
    ),
    path(
        "service-providers/", views.ServiceProviderListView.as_view(), name="serviceprovider_list"
    ),
    path(
        "service-providers/add/",
        views.ServiceProviderEditView.as_view(),
        name="serviceprovider_add",
    ),
    path(
        "service-providers/<int:pk>/", views.ServiceProviderView.as_view(), name="serviceprovider"
    ),
    path(
        "service-providers/<int:pk>/edit/",
        views.ServiceProviderEditView.as_view(),
        name="serviceprovider_edit",
    ),
    path(
        "service-providers/<int:pk>/delete/",
        views.ServiceProviderDeleteView.as_view(),
        name="serviceprovider_delete",
    ),
    path("services/", views.ServiceListView.as_view(), name="service_list"),
    path("services/add/", views.ServiceEditView.as_view(), name="service_add"),
    path("services/<int:pk>/", views.ServiceView.as_view(), name="service"),
    path("services/<int:pk>/edit/", views.ServiceEditView.as_view(), name="service_edit"),
    path("services/<int:pk>/delete/", views.ServiceDeleteView.as_view(), name="service_delete"),
    path("contracts/", views.ContractListView.as_view(), name="contract_list"),
    path("contracts/add/", views.ContractEditView.as_view(), name="contract_add"),
    path("contracts/<int:pk>/", views.ContractView.as_view(), name="contract"),
    path("contracts/<int:pk>/edit/", views.ContractEditView.as_view(), name="contract_edit"),
    path("contracts/<int:pk>/delete/", views.ContractDeleteView.as_view(), name="contract_delete"),
    path("systems/", views.ConnectedSystemListView.as_view(), name="connectedsystem_list"),
    path("systems/add/", views.ConnectedSystemEditView.as_view(), name="connectedsystem_add"),
    path("systems/<int:pk>/", views.ConnectedSystemView.as_view(), name="connectedsystem"),
    path(
        "systems/<int:pk>/edit/",
        views.ConnectedSystemEditView.as_view(),
        name="connectedsystem_edit",
    ),
    path(
        "systems/<int:pk>/delete/",
        views.ConnectedSystemDeleteView.as_view(),
        name="connectedsystem_delete",
    ),
    path("flows/", views.IntegrationFlowListView.as_view(), name="integrationflow_list"),
    path("flows/add/", views.IntegrationFlowEditView.as_view(), name="integrationflow_add"),
    path("flows/<int:pk>/", views.IntegrationFlowView.as_view(), name="integrationflow"),
    path(
        "flows/<int:pk>/edit/", views.IntegrationFlowEditView.as_view(), name="integrationflow_edit"
    ),
    path(
        "flows/<int:pk>/delete/",
        views.IntegrationFlowDeleteView.as_view(),
        name="integrationflow_delete",
    ),
    path("people/", views.PersonListView.as_view(), name="person_list"),
    path("people/add/", views.PersonEditView.as_view(), name="person_add"),
    path("people/<int:pk>/", views.PersonView.as_view(), name="person"),
    path("people/<int:pk>/edit/", views.PersonEditView.as_view(), name="person_edit"),
    path("people/<int:pk>/delete/", views.PersonDeleteView.as_view(), name="person_delete"),
    path("memberships/", views.MembershipListView.as_view(), name="membership_list"),
    path("memberships/add/", views.MembershipEditView.as_view(), name="membership_add"),
    path("memberships/<int:pk>/", views.MembershipView.as_view(), name="membership"),
    path("memberships/<int:pk>/edit/", views.MembershipEditView.as_view(), name="membership_edit"),
    path(
        "memberships/<int:pk>/delete/",
        views.MembershipDeleteView.as_view(),
        name="membership_delete",
    ),
]
