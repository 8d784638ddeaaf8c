from django.db import models


class InboundStateChoices(models.TextChoices):
    RECEIVED = "received", "Received"
    APPLIED = "applied", "Applied"
    DUPLICATE = "duplicate", "Duplicate"
    FAILED = "failed", "Failed"
    #: Not authenticated: kept for the record, never processed nor replayable.
    REJECTED = "rejected", "Rejected (signature)"


class SignatureResultChoices(models.TextChoices):
    VALID = "valid", "Valid"
    INVALID = "invalid", "Invalid"
    MISSING = "missing", "Missing"


class AuthMethodChoices(models.TextChoices):
    HMAC = "hmac", "HMAC signature of the body"
    TOKEN = "token", "Token (bearer or basic-auth password)"


class UnknownGroupChoices(models.TextChoices):
    CREATE = "create", "Create it as a team of the integrator"
    REPORT = "report", "Report the event or row as failed"


class ImportFormatChoices(models.TextChoices):
    SERVICENOW = "servicenow", "ServiceNow incident audit export (CSV)"
    JIRA = "jira", "Jira issue export (CSV)"


class ImportStateChoices(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class DeliveryStatusChoices(models.TextChoices):
    PENDING = "pending", "Pending"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Failed"


class SubscriptionEventChoices(models.TextChoices):
    WARNING = "warning", "Warnings"
    BREACH = "breach", "Breaches"


#: The incident fields a data dictionary may feed, by the name its target field uses.
class ValueRuleChoices(models.TextChoices):
    MAP = "map", "Map to the target value"
    SAME = "same", "Same value on both sides"
    DEFAULT = "default", "Default for any unmapped value"
    SKIP = "skip", "Skip (do not synchronise)"


class MappingDirectionChoices(models.TextChoices):
    FORWARD = "forward", "Source → target"
    BACKWARD = "backward", "Target → source"


TRACKED_FIELDS = ("status", "priority", "impact", "urgency", "holder", "classification")
