"""Repair: when a target, a calendar or its holidays change, the open incidents they
govern are recomputed in the background (closed ones keep their outcome)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from core.tasks import enqueue_on_commit
from siam.models import ServiceProvider

from . import rollups
from .models import BusinessCalendar, CustomHoliday, Incident, ServiceLevelTarget, WorkingPeriod


def _schedule(ecosystem_id):
    """Mark the open incidents' clocks as awaiting the repair (UI and API say so until
    it has stored new figures), then queue it."""
    from django.utils import timezone

    from .choices import STOP_STATUSES
    from .models import IncidentSla
    from .tasks import repair_sla

    IncidentSla.objects.filter(incident__ecosystem_id=ecosystem_id).exclude(
        incident__status__in=STOP_STATUSES
    ).update(recompute_pending_since=timezone.now())
    enqueue_on_commit(repair_sla, [ecosystem_id])


@receiver([post_save, post_delete], sender=ServiceLevelTarget)
def target_changed(sender, instance, **kwargs):
    from siam.models import Contract

    ecosystem_id = (
        Contract.objects.filter(pk=instance.contract_id)
        .values_list("ecosystem_id", flat=True)
        .first()
    )
    if ecosystem_id:
        # Closed clocks keep their outcome, but the report reads their goal from the target.
        rollups.mark_ecosystem(ecosystem_id)
        _schedule(ecosystem_id)


@receiver([post_save, post_delete], sender=ServiceProvider)
def provider_changed(sender, instance, **kwargs):
    # The roll-ups store each provider's share of a month: a new provider has none yet.
    rollups.mark_ecosystem(instance.ecosystem_id)


@receiver([post_save, post_delete], sender=BusinessCalendar)
def calendar_changed(sender, instance, **kwargs):
    _schedule(instance.ecosystem_id)


@receiver([post_save, post_delete], sender=WorkingPeriod)
@receiver([post_save, post_delete], sender=CustomHoliday)
def calendar_detail_changed(sender, instance, **kwargs):
    # Looked up rather than followed: on a cascade delete the calendar is gone already.
    ecosystem_id = (
        BusinessCalendar.objects.filter(pk=instance.calendar_id)
        .values_list("ecosystem_id", flat=True)
        .first()
    )
    if ecosystem_id:
        _schedule(ecosystem_id)


@receiver(post_delete, sender=Incident)
def incident_deleted(sender, instance, **kwargs):
    """Its clocks went with it: the month it was opened in has other figures now. Only
    months already entered are marked: when the whole ecosystem is being deleted, a
    month entered now would outlive it."""
    rollups.mark_incidents([instance], enter=False)
