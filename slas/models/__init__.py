"""Service levels: calendars, the priority matrix, targets, incidents with their
append-only timeline, and the SLA state derived from them (see docs/sla.md).

One module per part; everything is importable from ``slas.models`` as before (the
migrations name ``slas.models.validate_time_zone`` and the matrix's defaults).
"""

from .calendars import (
    TIME_ZONES,
    BusinessCalendar,
    CustomHoliday,
    WorkingPeriod,
    default_pause_states,
    validate_time_zone,
)
from .incidents import (
    AppendOnlyError,
    Incident,
    IncidentEvent,
    IncidentToolKey,
    KnownError,
    incident_child_filter,
)
from .rollups import SlaRollup, SlaRollupBudget, SlaRollupGap, SlaRollupMonth, SlaRollupSeen
from .state import IncidentSla, Notification, OwnershipGap, SlaAlert
from .targets import (
    ITIL_CELLS,
    ITIL_LEVELS,
    ITIL_PRIORITIES,
    EscalationRule,
    PriorityMatrix,
    ServiceLevelTarget,
    itil_cells,
    itil_levels,
    itil_priorities,
)

__all__ = [
    "ITIL_CELLS", "ITIL_LEVELS", "ITIL_PRIORITIES", "TIME_ZONES", "AppendOnlyError", "BusinessCalendar",
    "CustomHoliday", "EscalationRule", "Incident", "IncidentEvent", "IncidentSla", "IncidentToolKey",
    "KnownError", "Notification", "OwnershipGap", "PriorityMatrix", "ServiceLevelTarget", "SlaAlert",
    "SlaRollup", "SlaRollupBudget", "SlaRollupGap", "SlaRollupMonth", "SlaRollupSeen", "WorkingPeriod",
    "default_pause_states", "incident_child_filter", "itil_cells", "itil_levels", "itil_priorities",
    "validate_time_zone",
]  # fmt: skip
