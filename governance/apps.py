from core import registry
from core.registry import MenuGroup


class GovernanceConfig(registry.FeatureConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "governance"
    verbose_name = "Governance"
    menu = MenuGroup(
        "Governance",
        "ti-building-bank",
        (
            ("Dashboard", "governance:dashboard_index"),
            ("Steering reports", "governance:steeringreport_list"),
            ("Boards", "governance:board_list"),
            ("Meetings", "governance:meeting_list"),
            ("Decision log", "governance:decision_list"),
            ("Actions", "governance:action_list"),
            ("KPIs and CSFs", "governance:kpi_list"),
            ("Improvement register", "governance:improvementitem_list"),
            ("Scoring models", "governance:scoringmodel_list"),
            ("Integration pods", "governance:pod_list"),
            ("Health self-assessments", "governance:assessment_list"),
        ),
        weight=50,
    )
    api_path = "governance"
    demo = "governance.demo"
    commands = ("governance.services",)

    def ready(self):
        super().ready()
        from . import traceability  # noqa: F401 - registers the KPIs as measures
