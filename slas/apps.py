from core import registry
from core.registry import MenuGroup


class SlasConfig(registry.FeatureConfig):
    """Calendars, priority matrix, service-level targets, incidents and the SLA clock."""

    name = "slas"
    verbose_name = "Service levels"
    menu = MenuGroup(
        "Service levels",
        "ti-clock-exclamation",
        (
            ("Incidents", "slas:incident_list"),
            ("Service-level report", "slas:report"),
            ("Ownership gaps", "slas:ownershipgap_list"),
            ("Targets", "slas:serviceleveltarget_list"),
            ("Business calendars", "slas:businesscalendar_list"),
            ("Priority matrices", "slas:prioritymatrix_list"),
            ("Operation handbook", "slas:knownerror_list"),
            ("My notifications", "slas:notification_list"),
        ),
        weight=20,
    )
    api_path = "slas"
    demo = "slas.demo"
    commands = ("slas.services",)

    def ready(self):
        super().ready()
        from . import signals  # noqa: F401
