from django.apps import AppConfig


class RequirementsConfig(AppConfig):
    """Pain points, requirements, stories, use cases, design questions, data dictionary."""

    name = "requirements_app"
    verbose_name = "Requirements"

    def ready(self):
        from . import signals  # noqa: F401
