from django.db import models


class SeverityChoices(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    CRITICAL = "critical", "Critical"


class MoscowChoices(models.TextChoices):
    MUST = "must", "Must have"
    SHOULD = "should", "Should have"
    COULD = "could", "Could have"
    WONT = "wont", "Won't have (this time)"


class RequirementStatusChoices(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    APPROVED = "approved", "Approved"
    IMPLEMENTED = "implemented", "Implemented"
    VALIDATED = "validated", "Validated"
    REJECTED = "rejected", "Rejected"


class QuestionCategoryChoices(models.TextChoices):
    TECHNICAL = "technical", "Technical"
    DATA = "data", "Data"
    ERROR_HANDLING = "error_handling", "Error handling"
    DEPLOYMENT = "deployment", "Deployment"


class QuestionStatusChoices(models.TextChoices):
    OPEN = "open", "Open"
    ANSWERED = "answered", "Answered"
    AGREED = "agreed", "Agreed"


class StepKindChoices(models.TextChoices):
    MAIN = "main", "Main flow"
    ALTERNATIVE = "alternative", "Alternative flow"
