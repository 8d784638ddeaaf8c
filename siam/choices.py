from django.db import models


class LayerChoices(models.TextChoices):
    """The three SIAM layers an organisation can play in an ecosystem."""

    CUSTOMER = "customer", "Customer"
    INTEGRATOR = "integrator", "Service integrator"
    PROVIDER = "provider", "Service provider"


class IntegratorModelChoices(models.TextChoices):
    # Internal: the customer itself plays the integrator; external: a third party does.
    INTERNAL = "internal", "Internal"
    EXTERNAL = "external", "External"


class MembershipRoleChoices(models.TextChoices):
    """What a user may do for the organisation they belong to."""

    VIEWER = "viewer", "Viewer"
    EDITOR = "editor", "Editor"
    ADMIN = "admin", "Administrator"


class EcosystemStatusChoices(models.TextChoices):
    PLANNED = "planned", "Planned"
    ACTIVE = "active", "Active"
    RETIRED = "retired", "Retired"


class ServiceCriticalityChoices(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    CRITICAL = "critical", "Business critical"


class ContractKindChoices(models.TextChoices):
    SLA = "sla", "End-to-end SLA"
    OLA = "ola", "Operational level agreement"
    UNDERPINNING = "uc", "Underpinning contract"


class ContractStatusChoices(models.TextChoices):
    DRAFT = "draft", "Draft"
    ACTIVE = "active", "Active"
    EXPIRED = "expired", "Expired"
    TERMINATED = "terminated", "Terminated"


class SystemKindChoices(models.TextChoices):
    JIRA = "jira", "Jira"
    SERVICENOW = "servicenow", "ServiceNow"
    ZENDESK = "zendesk", "Zendesk"
    AZURE_DEVOPS = "azure_devops", "Azure DevOps"
    #: This application: the integrator's end-to-end view, fed by the other tools.
    SIAM = "siam", "SIAM hub (this application)"
    OTHER = "other", "Other"

    @classmethod
    def default_entity(cls, kind: str) -> str:
        """What each tool calls the ticket it tracks."""
        return {
            cls.JIRA: "issue",
            cls.SERVICENOW: "incident",
            cls.ZENDESK: "ticket",
            cls.AZURE_DEVOPS: "work item",
            cls.SIAM: "incident",
        }.get(kind, "ticket")


class FlowDirectionChoices(models.TextChoices):
    UNIDIRECTIONAL = "uni", "Unidirectional (source → target)"
    BIDIRECTIONAL = "bi", "Bidirectional (source ↔ target)"


class FlowTriggerChoices(models.TextChoices):
    AUTOMATIC = "automatic", "Automatic"
    MANUAL = "manual", "Manual"


class FlowStatusChoices(models.TextChoices):
    PLANNED = "planned", "Planned"
    IN_DEVELOPMENT = "in_development", "In development"
    LIVE = "live", "Live"
    RETIRED = "retired", "Retired"
