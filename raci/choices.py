from django.db import models

from .rules import VARIANTS


class VariantChoices(models.TextChoices):
    RACI = "raci", "RACI"
    RASCI = "rasci", "RASCI (S = support)"
    RACI_VS = "raci_vs", "RACI-VS (V = verify, S = sign-off)"
    DACI = "daci", "DACI (driver, approver, contributor, informed)"


assert set(VariantChoices.values) == set(VARIANTS)


class MatrixStatusChoices(models.TextChoices):
    DRAFT = "draft", "Draft"
    APPROVED = "approved", "Approved"
    SUPERSEDED = "superseded", "Superseded"


class ProcessChoices(models.TextChoices):
    INCIDENT = "incident", "Incident management"
    CHANGE = "change", "Change management"
    REQUEST = "request", "Service request"
    PROBLEM = "problem", "Problem management"
    INTEGRATION = "integration", "Integration project"
    OTHER = "other", "Other"


class AccessLevelChoices(models.TextChoices):
    NONE = "none", "None"
    READ = "read", "Read"
    WRITE = "write", "Write"
    FULL = "full", "Full"
