"""Repair: when a target, a calendar or its holidays change, the open incidents they
govern are recomputed in the background (closed ones keep their outcome)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from core.tasks import enqueue_on_commit

from .models import BusinessCalendar, CustomHoliday, ServiceLevelTarget, WorkingPeriod


def _schedule(ecosystem_id):
    from .tasks import repair_sla

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
        _schedule(ecosystem_id)


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
