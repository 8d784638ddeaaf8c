from django.urls import path

from . import webhooks

app_name = "integrations"

urlpatterns = [
    path("hooks/<uuid:endpoint>/", webhooks.receive, name="hook"),
]
