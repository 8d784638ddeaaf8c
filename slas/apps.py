from django.apps import AppConfig


class SlasConfig(AppConfig):
    """Calendars, priority matrix, service-level targets, incidents and the SLA clock."""

    name = "slas"
    verbose_name = "Service levels"

    def ready(self):
        from . import signals  # noqa: F401
