from core import registry
from core.registry import MenuGroup


class SiamConfig(registry.FeatureConfig):
    name = "siam"
    verbose_name = "Ecosystem"
    menu = MenuGroup(
        "Ecosystem",
        "ti-topology-star-3",
        (
            ("Ecosystems", "siam:ecosystem_list"),
            ("Organisations", "siam:organisation_list"),
            ("Service providers", "siam:serviceprovider_list"),
            ("Services", "siam:service_list"),
            ("Contracts", "siam:contract_list"),
            ("Connected systems", "siam:connectedsystem_list"),
            ("Integration flows", "siam:integrationflow_list"),
            ("People", "siam:person_list"),
            ("Memberships", "siam:membership_list"),
        ),
        weight=10,
    )
    api_path = "siam"
    demo = "siam.demo"
    commands = ("siam.services",)
