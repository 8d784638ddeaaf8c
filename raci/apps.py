from django.db.models.signals import post_migrate

from core import registry
from core.registry import MenuGroup


class RaciConfig(registry.FeatureConfig):
    """RACI matrices and the identity access matrix (see docs/raci.md)."""

    name = "raci"
    verbose_name = "RACI"
    menu = MenuGroup(
        "Ownership",
        "ti-users-group",
        (
            ("RACI matrices", "raci:racimatrix_list"),
            ("My assignments", "raci:my_assignments"),
            ("Roles", "raci:role_list"),
            ("Templates", "raci:racitemplate_list"),
            ("Identity access matrices", "raci:accessmatrix_list"),
            ("Data objects", "raci:dataobject_list"),
        ),
        weight=40,
    )
    api_path = "raci"
    demo = "raci.demo"
    commands = ("raci.services", "raci.identity")

    def ready(self):
        super().ready()
        from .services import sync_built_in_templates

        post_migrate.connect(sync_built_in_templates, sender=self)
