from django.urls import path

from core.urls import crud

from . import views, webhooks
from .models import TicketFeed, WebhookSubscription

app_name = "integrations"

urlpatterns = [
    path("hooks/<uuid:endpoint>/", webhooks.receive, name="hook"),
    *crud("feeds", views, "TicketFeed"),
    path("feeds/<int:pk>/secret/", views.SecretRotateView.as_view(queryset=TicketFeed.objects.all()), name="ticketfeed_secret"),
    path("feeds/<int:pk>/replay-failed/", views.ReplayFailedView.as_view(), name="ticketfeed_replay"),
    path("events/", views.InboundEventListView.as_view(), name="inboundevent_list"),
    path("events/<int:pk>/", views.InboundEventView.as_view(), name="inboundevent"),
    path("events/<int:pk>/replay/", views.InboundEventReplayView.as_view(), name="inboundevent_replay"),
    path("tickets/", views.TicketLinkListView.as_view(), name="ticketlink_list"),
    path("imports/", views.ImportRunListView.as_view(), name="importrun_list"),
    path("imports/add/", views.ImportRunUploadView.as_view(), name="importrun_add"),
    path("imports/<int:pk>/", views.ImportRunView.as_view(), name="importrun"),
    path("imports/<int:pk>/delete/", views.ImportRunDeleteView.as_view(), name="importrun_delete"),
    *crud("subscriptions", views, "WebhookSubscription"),
    path("subscriptions/<int:pk>/secret/", views.SecretRotateView.as_view(queryset=WebhookSubscription.objects.all()), name="webhooksubscription_secret"),
    path("subscriptions/<int:pk>/ping/", views.WebhookPingView.as_view(), name="webhooksubscription_ping"),
    path("deliveries/", views.WebhookDeliveryListView.as_view(), name="webhookdelivery_list"),
    path("flows/<int:pk>/dictionary/", views.DataDictionaryView.as_view(), name="dictionary"),
    path("flows/<int:pk>/dictionary/edit/", views.DataDictionaryEditView.as_view(), name="dictionary_edit"),
]  # fmt: skip
