from core import registry
from core.registry import MenuGroup, Panel


class IntegrationsConfig(registry.FeatureConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "integrations"
    verbose_name = "Integrations"
    menu = MenuGroup(
        "Integrations",
        "ti-plug-connected",
        (
            ("Ticket feeds", "integrations:ticketfeed_list"),
            ("Inbound events", "integrations:inboundevent_list"),
            ("Tracked tickets", "integrations:ticketlink_list"),
            ("CSV imports", "integrations:importrun_list"),
            ("Webhook subscriptions", "integrations:webhooksubscription_list"),
            ("Webhook deliveries", "integrations:webhookdelivery_list"),
        ),
        weight=60,
    )
    api_path = "integrations"
    demo = "integrations.demo"
    commands = ("integrations.services",)
    panels = (
        Panel(
            model="slas.incident",
            slot="facts",
            template="integrations/panels/incident_ticket.html",
            context="integrations.panels.incident_ticket",
        ),
        Panel(
            model="siam.integrationflow",
            slot="side",
            template="integrations/panels/flow_dictionary.html",
            context="integrations.panels.flow_dictionary",
        ),
        Panel(
            model="siam.ecosystem",
            slot="specification_contents",
            template="integrations/panels/specification_contents.html",
            context="integrations.panels.specification_contents",
        ),
        Panel(
            model="siam.ecosystem",
            slot="specification",
            template="integrations/panels/specification_dictionary.html",
            context="integrations.panels.specification_dictionaries",
        ),
    )

    def ready(self):
        super().ready()
        from . import signals  # noqa: F401
