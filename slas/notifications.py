"""Who is told about a warning or breach, and the escalation actions that follow."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mass_mail
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from core.system import get_system_user
from raci.choices import ProcessChoices
from raci.services import accountable_users
from siam.choices import MembershipRoleChoices

from .choices import AlertLevelChoices, ClassificationChoices, EscalationActionChoices
from .models import EscalationRule, Notification, PriorityMatrix, SlaAlert

#: Which RACI process decides who hears about an incident of each classification.
PROCESS_FOR_CLASSIFICATION = {
    ClassificationChoices.INCIDENT: ProcessChoices.INCIDENT,
    ClassificationChoices.SERVICE_REQUEST: ProcessChoices.REQUEST,
    ClassificationChoices.CHANGE_REQUEST: ProcessChoices.CHANGE,
}


#: Sent once per alert when it is handled (``alert``): outbound webhooks listen.
alert_dispatched = Signal()


def recipients_for(alert: SlaAlert):
    """Who is told of a warning or breach: the matrix decides, access still applies.

    When the ecosystem has an approved RACI matrix with activities for the incident's
    process (incident, request or change management), the people holding R or A there
    are told — restricted to those whose organisation may see the incident (the
    integrator, the customer, and providers that hold or held it), so nobody is sent
    a link they cannot open. Without such a matrix, the integrator's editors and
    administrators and those of the party holding the incident are told.
    """
    incident = alert.incident_sla.incident
    users = get_user_model().objects.filter(is_active=True)
    process = PROCESS_FOR_CLASSIFICATION.get(incident.classification, ProcessChoices.INCIDENT)
    from_matrix = accountable_users([incident.ecosystem_id], process).get(incident.ecosystem_id)
    if from_matrix:
        eco = incident.ecosystem
        may_see = {eco.integrator_id, eco.customer_id, incident.holder_id}
        may_see |= set(incident.holders.values_list("pk", flat=True))
        return users.filter(pk__in=from_matrix, memberships__organisation_id__in=may_see).distinct()
    orgs = {incident.ecosystem.integrator_id}
    if incident.holder_id:
        orgs.add(incident.holder_id)
    return users.filter(
        memberships__organisation_id__in=orgs,
        memberships__role__in=[MembershipRoleChoices.EDITOR, MembershipRoleChoices.ADMIN],
    ).distinct()


def message_for(alert: SlaAlert) -> str:
    sla = alert.incident_sla
    incident = sla.incident
    scope = f"OLA of {sla.provider}" if sla.provider_id else "end-to-end SLA"
    what = (
        "breached"
        if alert.level == AlertLevelChoices.BREACH
        else f"{alert.get_level_display().lower()} reached"
    )
    return (
        f"{incident.reference} ({incident.priority}) {sla.get_metric_display().lower()} {scope}: {what} at "
        f"{timezone.localtime(alert.crossed_at):%Y-%m-%d %H:%M}. {incident.title}"
    )


def dispatch_alerts(alert_ids: list[int]) -> int:
    """Notify and escalate each alert once; safe to run twice or concurrently."""
    handled = 0
    for alert_id in alert_ids:
        with transaction.atomic():
            alert = (
                SlaAlert.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related(
                    "incident_sla__incident__ecosystem",
                    "incident_sla__provider",
                    "incident_sla__target",
                )
                .filter(pk=alert_id, handled_at__isnull=True)
                .first()
            )
            if alert is None:
                continue
            _notify(alert)
            _escalate(alert)
            alert_dispatched.send(sender=SlaAlert, alert=alert)
            alert.handled_at = timezone.now()
            alert.save(update_fields=["handled_at"])
            handled += 1
    return handled


def _notify(alert: SlaAlert) -> None:
    incident = alert.incident_sla.incident
    text = message_for(alert)
    users = list(recipients_for(alert))
    Notification.objects.bulk_create(
        [
            Notification(user=user, incident=incident, alert=alert, message=text[:500])
            for user in users
        ],
        ignore_conflicts=True,
    )
    mail_on_commit(users, text)


def mail_on_commit(users, text: str) -> None:
    """E-mail ``text`` to each user with an address, once the transaction commits."""
    mails = [
        (f"[SIAM] {text[:120]}", text, settings.DEFAULT_FROM_EMAIL, [user.email])
        for user in users
        if user.email
    ]
    if mails:
        transaction.on_commit(lambda: send_mass_mail(mails, fail_silently=True))


def _escalate(alert: SlaAlert) -> None:
    """Take the actions of the rules that follow this clock (metric and end-to-end or
    OLA) at this level, through the same write path as a person would."""
    from django.core.exceptions import ValidationError

    from .actions import Action, perform

    sla = alert.incident_sla
    incident = sla.incident
    rules = EscalationRule.objects.filter(target_id=sla.target_id, level=alert.level)
    actions = {rule.action for rule in rules if rule.follows(sla.metric, sla.is_end_to_end)}
    system = get_system_user()
    what = f"{alert.get_level_display().lower()} of the {sla}"
    steps = []
    if EscalationActionChoices.RAISE_PRIORITY in actions and incident.is_open:
        matrix = (
            PriorityMatrix.objects.filter(ecosystem_id=incident.ecosystem_id).first()
            or PriorityMatrix()
        )
        raised = matrix.raised(incident.priority)
        if raised != incident.priority:
            steps.append(
                (Action.OVERRIDE_PRIORITY, {"priority": raised, "note": f"Escalation: {what}"})
            )
    if EscalationActionChoices.HAND_TO_INTEGRATOR in actions and incident.is_open:
        integrator = incident.ecosystem.integrator_id
        if incident.holder_id != integrator:
            steps.append(
                (
                    Action.HAND_OFF,
                    {
                        "holder": integrator,
                        "note": f"Escalation: handed to the integrator after the {what}",
                    },
                )
            )
    for action, values in steps:
        try:
            perform(incident, action, values, user=system)
        except ValidationError:
            # The incident moved on meanwhile (resolved, already handed back): the
            # lifecycle refuses the step, and the alert is still notified.
            continue
        incident.refresh_from_db()


def gap_alert_seconds() -> float:
    return getattr(settings, "SIAM_OWNERSHIP_GAP_ALERT_MINUTES", 60) * 60


def alert_ownership_gaps(at=None) -> int:
    """Tell the integrator about each open incident nobody has owned for longer than
    ``SIAM_OWNERSHIP_GAP_ALERT_MINUTES`` business minutes; once per gap.

    Only gaps whose wall-clock length already passes the threshold are candidates
    (business time never exceeds it); those are recomputed now, so the business time
    compared is today's, not the last recompute's.
    """
    from . import clocks
    from .models import OwnershipGap

    moment = at or clocks.now()
    threshold = gap_alert_seconds()
    candidates = OwnershipGap.objects.filter(
        end__isnull=True,
        alerted_at__isnull=True,
        start__lte=moment - timedelta(seconds=threshold),
    ).values_list("incident_id", flat=True)[:500]
    incident_ids = sorted(set(candidates))
    if not incident_ids:
        return 0
    clocks.recompute_incidents(incident_ids, at=moment)
    sent = 0
    with transaction.atomic():
        due = list(
            OwnershipGap.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("incident__ecosystem", "handed_over_by")
            .filter(
                incident_id__in=incident_ids,
                end__isnull=True,
                alerted_at__isnull=True,
                business_seconds__gte=threshold,
            )
        )
        for gap in due:
            _notify_gap(gap)
            gap.alerted_at = moment
            sent += 1
        OwnershipGap.objects.bulk_update(due, ["alerted_at"])
    return sent


def _notify_gap(gap) -> None:
    from .charts import duration

    incident = gap.incident
    left_by = f" since {gap.handed_over_by} let it go" if gap.handed_over_by_id else ""
    text = (
        f"{incident.reference} ({incident.priority}) has had no owner for "
        f"{duration(gap.business_seconds)} of business time{left_by}. {incident.title}"
    )[:500]
    users = list(
        get_user_model()
        .objects.filter(
            is_active=True,
            memberships__organisation_id=incident.ecosystem.integrator_id,
            memberships__role__in=[MembershipRoleChoices.EDITOR, MembershipRoleChoices.ADMIN],
        )
        .distinct()
    )
    Notification.objects.bulk_create(
        [Notification(user=user, incident=incident, message=text) for user in users]
    )
    mail_on_commit(users, text)
