from django.apps import AppConfig


class RaciConfig(AppConfig):
    """RACI matrices and the identity access matrix (DESIGN.md, ``raci/``)."""

    name = "raci"
    verbose_name = "RACI"
