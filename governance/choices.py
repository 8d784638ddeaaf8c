from django.db import models


class BoardLevelChoices(models.TextChoices):
    STRATEGIC = "strategic", "Strategic"
    TACTICAL = "tactical", "Tactical"
    OPERATIONAL = "operational", "Operational"


class BoardElementChoices(models.TextChoices):
    BOARD = "board", "Board"
    PROCESS_FORUM = "process_forum", "Process forum"
    WORKING_GROUP = "working_group", "Working group"


class CadenceChoices(models.TextChoices):
    DAILY = "daily", "Daily stand-up"
    WEEKLY = "weekly", "Weekly"
    FORTNIGHTLY = "fortnightly", "Fortnightly"
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"
    AD_HOC = "ad_hoc", "As needed"


class MemberRoleChoices(models.TextChoices):
    CHAIR = "chair", "Chair"
    MEMBER = "member", "Member"
    SECRETARY = "secretary", "Secretary"
    ADVISER = "adviser", "Adviser (no vote)"


class MeetingStatusChoices(models.TextChoices):
    PLANNED = "planned", "Planned"
    HELD = "held", "Held"
    CLOSED = "closed", "Closed"
    CANCELLED = "cancelled", "Cancelled"


class DecisionStatusChoices(models.TextChoices):
    NEEDED = "needed", "Decision needed"
    TAKEN = "taken", "Taken"
    DEFERRED = "deferred", "Deferred"
    REJECTED = "rejected", "Rejected"


class ActionStatusChoices(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


OPEN_ACTION_STATES = (ActionStatusChoices.OPEN, ActionStatusChoices.IN_PROGRESS)


class KpiKindChoices(models.TextChoices):
    KPI = "kpi", "Key performance indicator"
    CSF = "csf", "Critical success factor"


class DirectionChoices(models.TextChoices):
    HIGHER = "higher", "Higher is better"
    LOWER = "lower", "Lower is better"


class FrequencyChoices(models.TextChoices):
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"


class KpiSourceChoices(models.TextChoices):
    MANUAL = "manual", "Entered by hand"
    SLA_ATTAINMENT = "sla_attainment", "SLA attainment % (end to end, resolution)"
    MTTR = "mttr", "Mean time to resolve (business hours)"
    BREACHES = "breaches", "SLA breaches (count)"
    REOPEN_RATE = "reopen_rate", "Reopen rate %"


class TrendChoices(models.TextChoices):
    IMPROVING = "improving", "Improving"
    STABLE = "stable", "Stable"
    DEGRADING = "degrading", "Degrading"
    NOT_ENOUGH_DATA = "not_enough_data", "Not enough data"


class RegisterChoices(models.TextChoices):
    IMPROVEMENT = "improvement", "Continual improvement register"
    BACKLOG = "backlog", "Integration backlog"


class ImprovementStatusChoices(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    APPROVED = "approved", "Approved"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    REJECTED = "rejected", "Rejected"


class PodRoleChoices(models.TextChoices):
    LEAD = "lead", "Integration lead"
    TECHNOLOGIST = "technologist", "Integration technologist"
    ANALYST = "analyst", "Integration analyst"
    SME = "sme", "Subject matter expert"
    QA = "qa", "Quality assurance"
