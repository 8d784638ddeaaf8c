from core import registry
from core.registry import MenuGroup


class RequirementsConfig(registry.FeatureConfig):
    """Pain points, requirements, stories, use cases, design questions, data dictionary."""

    name = "requirements_app"
    verbose_name = "Requirements"
    menu = MenuGroup(
        "Requirements",
        "ti-list-check",
        (
            ("Requirements", "requirements_app:requirement_list"),
            ("Traceability matrix", "requirements_app:traceability"),
            ("User stories", "requirements_app:userstory_list"),
            ("Use cases", "requirements_app:usecase_list"),
            ("Pain points", "requirements_app:painpoint_list"),
            ("To-be visions", "requirements_app:vision_list"),
            ("Design questions", "requirements_app:designquestion_list"),
            ("Business rules", "requirements_app:businessrule_list"),
        ),
        weight=30,
    )
    api_path = "requirements"
    demo = "requirements_app.demo"
    commands = ("requirements_app.services",)

    def ready(self):
        super().ready()
        from . import signals  # noqa: F401
