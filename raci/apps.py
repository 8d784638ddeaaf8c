from django.apps import AppConfig
from django.db.models.signals import post_migrate


class RaciConfig(AppConfig):
    """RACI matrices and the identity access matrix (see docs/raci.md)."""

    name = "raci"
    verbose_name = "RACI"

    def ready(self):
        from .services import sync_built_in_templates

        post_migrate.connect(sync_built_in_templates, sender=self)
