from django.db import models


class ClassificationChoices(models.TextChoices):
    INCIDENT = "incident", "Incident (bug / issue)"
    SERVICE_REQUEST = "service_request", "Service request"
    CHANGE_REQUEST = "change_request", "Change request"


class IncidentStatusChoices(models.TextChoices):
    NEW = "new", "New"
    IN_PROGRESS = "in_progress", "In progress"
    AWAITING_CUSTOMER = "awaiting_customer", "Awaiting customer"
    AWAITING_USER_INFO = "awaiting_user_info", "Awaiting user info"
    AWAITING_VENDOR = "awaiting_vendor", "Awaiting vendor"
    AWAITING_EVIDENCE = "awaiting_evidence", "Awaiting evidence"
    AWAITING_PROBLEM = "awaiting_problem", "Awaiting problem"
    RESOLVED = "resolved", "Resolved"
    CLOSED = "closed", "Closed"


#: Statuses in which the resolution clock stops (a reopen resumes it).
STOP_STATUSES = frozenset({IncidentStatusChoices.RESOLVED, IncidentStatusChoices.CLOSED})
#: The usual pause states, offered as the default of a new target.
DEFAULT_PAUSE_STATUSES = [
    IncidentStatusChoices.AWAITING_CUSTOMER,
    IncidentStatusChoices.AWAITING_USER_INFO,
]


class EventKindChoices(models.TextChoices):
    OPENED = "opened", "Opened"
    STATUS = "status", "Status change"
    HANDOFF = "handoff", "Hand-off"
    COMMENT = "comment", "Comment"
    RESOLVED = "resolved", "Resolved"
    REOPENED = "reopened", "Reopened"
    PRIORITY = "priority", "Priority change"
    APPROVAL = "approval", "Change approved"
    KNOWN_ERROR = "known_error", "Known error applied"


class MetricChoices(models.TextChoices):
    RESPONSE = "response", "Response"
    RESOLUTION = "resolution", "Resolution"


class SlaStateChoices(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    RUNNING = "running", "Running"
    PAUSED = "paused", "Paused"
    MET = "met", "Met"
    BREACHED = "breached", "Breached"


class AlertLevelChoices(models.TextChoices):
    WARNING_1 = "warning_1", "First warning"
    WARNING_2 = "warning_2", "Second warning"
    BREACH = "breach", "Breach"


class EscalationClockChoices(models.TextChoices):
    END_TO_END = "end_to_end", "End-to-end SLA"
    OLA = "ola", "Provider OLAs"


class EscalationActionChoices(models.TextChoices):
    NOTIFY = "notify", "Notify"
    RAISE_PRIORITY = "raise_priority", "Raise priority one level"
    HAND_TO_INTEGRATOR = "hand_to_integrator", "Hand to the integrator"


WEEKDAYS = [
    (0, "Monday"),
    (1, "Tuesday"),
    (2, "Wednesday"),
    (3, "Thursday"),
    (4, "Friday"),
    (5, "Saturday"),
    (6, "Sunday"),
]
