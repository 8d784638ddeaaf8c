from django.urls import path
from rest_framework.routers import DefaultRouter

from . import views

app_name = "integrations-api"

router = DefaultRouter()
router.register("feeds", views.TicketFeedViewSet)
router.register("assignment-groups", views.AssignmentGroupViewSet)
router.register("inbound-events", views.InboundEventViewSet)
router.register("tickets", views.TicketLinkViewSet)
router.register("imports", views.ImportRunViewSet)
router.register("subscriptions", views.WebhookSubscriptionViewSet)
router.register("deliveries", views.WebhookDeliveryViewSet)
router.register("field-mappings", views.FieldMappingViewSet)
router.register("value-mappings", views.ValueMappingViewSet)

urlpatterns = [
    *router.urls,
    path(
        "flows/<int:pk>/dictionary-checks/",
        views.DictionaryCheckView.as_view(),
        name="dictionary-checks",
    ),
]
