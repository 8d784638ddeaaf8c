"""What a finished clock is and how the report sums clocks: one definition for the live
report (``slas.reports``), the stored roll-ups (``slas.rollups``) and the governance
measures, so that each shows the same number for the same month."""

from django.db.models import Count, F, Q, Sum

from .choices import SlaStateChoices

FINISHED = Q(state__in=[SlaStateChoices.MET, SlaStateChoices.BREACHED]) | Q(
    breach_recorded_at__isnull=False
)
#: A clock counts as breached once its breach is recorded, whatever a later edit says.
BREACHED = Q(state=SlaStateChoices.BREACHED) | Q(breach_recorded_at__isnull=False)


def clock_sums() -> dict:
    """Sums and counts (never means) of IncidentSla rows, so any roll-up stays exact."""
    return {
        "clocks": Count("pk"),
        "met": Count("pk", filter=~BREACHED),
        "breached": Count("pk", filter=BREACHED),
        "counted_sum": Sum("counted_seconds"),
        "target_sum": Sum("target_seconds"),
        "goal_sum": Sum(F("target__goal_resolution_minutes") * 60.0),
        "goal_count": Count("target__goal_resolution_minutes"),
    }


SUM_FIELDS = ("clocks", "met", "breached", "counted_sum", "target_sum", "goal_sum", "goal_count")
