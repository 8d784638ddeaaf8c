"""The one write path for what people (and jobs) do to an incident.

Each action of ``slas.lifecycle`` is taken through ``perform``: the incident page, the
API (``POST /api/slas/incidents/<id>/actions/<action>/``, and the older ``events/``
endpoint, which maps onto these actions), the escalation job and the demo all call
it, so they share the rules, the errors and what is written. ``authorize`` is the
access side, shared by the page and the API; jobs act as the system and skip it.

Ingested tickets: a tool's events are facts about a ticket the tool owns, so
``integrations`` projects them onto the timeline as they are rather than refusing
them, and marks those the same lifecycle would refuse (``lifecycle.outside_lifecycle``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from core.querysets import CHANGE
from siam.models import Organisation, Person

from . import clocks, lifecycle, services
from .lifecycle import SPECS, Action
from .models import Incident, IncidentEvent, KnownError, PriorityMatrix

__all__ = ["Action", "allowed_actions", "approvers", "authorize", "perform", "why_forbidden"]


def reopen_window() -> timedelta:
    return timedelta(days=getattr(settings, "SIAM_REOPEN_WINDOW_DAYS", 10))


def facts_of(incident: Incident) -> lifecycle.Facts:
    return lifecycle.Facts(
        status=incident.status,
        classification=incident.classification,
        change_approved=incident.change_approved_at is not None,
        done_at=incident.resolved_at or incident.closed_at,
        priority=incident.priority,
    )


# --- Who may ---------------------------------------------------------------------------------


def approvers(incident: Incident):
    """The people who may approve the incident's change: holders of a customer role of
    its ecosystem marked "approves change requests". An ecosystem that marks no role
    keeps the earlier rule: anyone of the customer organisation."""
    from raci.models import Role

    roles = Role.objects.filter(ecosystem_id=incident.ecosystem_id, approves_changes=True)
    customer = incident.ecosystem.customer_id
    if roles.exists():
        return Person.objects.filter(raci_roles__in=roles, organisation_id=customer).distinct()
    return Person.objects.filter(organisation_id=customer)


def _approver_person(user, incident: Incident) -> Person | None:
    """The user's own person record when it is one of the approvers."""
    if user is None or not user.is_authenticated:
        return None
    return approvers(incident).filter(user=user).first()


def _may_change(user, incident: Incident) -> bool:
    return Incident.objects.restrict(user, CHANGE).filter(pk=incident.pk).exists()


def why_forbidden(user, incident: Incident, action: Action) -> str | None:
    """Why ``user`` (who can see the incident) may not take ``action``; None if they may."""
    if _may_change(user, incident):
        return None
    if action is Action.APPROVE_CHANGE and _approver_person(user, incident) is not None:
        return None
    return "You may view this incident but not act on it."


def authorize(user, incident: Incident, action: Action) -> None:
    """``PermissionDenied`` (403) unless the user may take the action. The caller has
    already looked the incident up among those the user may *see* (404 otherwise)."""
    reason = why_forbidden(user, incident, action)
    if reason:
        raise PermissionDenied(reason)


def allowed_actions(incident: Incident, user) -> list[Action]:
    """What the incident page and ``GET …/actions/`` offer: allowed now, and to the user."""
    found = lifecycle.allowed_actions(
        facts_of(incident), now=clocks.now(), reopen_window=reopen_window()
    )
    if not found:
        return []
    may_change = _may_change(user, incident)
    if may_change:
        return found
    if Action.APPROVE_CHANGE in found and _approver_person(user, incident) is not None:
        return [Action.APPROVE_CHANGE]
    return []


# --- Doing it --------------------------------------------------------------------------------


def _clean(values: Mapping) -> dict:
    """Empty inputs are absent inputs (a form's blank field, JSON null)."""
    return {k: v for k, v in values.items() if v is not None and v != ""}


def perform(incident: Incident, action: Action | str, values: Mapping, *, user) -> IncidentEvent:
    """Take ``action`` on ``incident`` with ``values`` (the inputs the action's spec
    names); ``ValidationError`` with field errors when it may not be taken so."""
    action = Action(action)
    values = _clean(values)
    with transaction.atomic():
        # The lock every timeline write takes (record_event, ingestion, recompute).
        incident = (
            Incident.objects.select_for_update().select_related("ecosystem").get(pk=incident.pk)
        )
        moment = clocks.now()
        facts = facts_of(incident)
        errors = lifecycle.check(facts, action, values, now=moment, reopen_window=reopen_window())
        if not errors:
            errors = _check_references(incident, action, values, user)
        at = values.get("at") or moment
        if not errors and at < incident.opened_at:
            errors = {"at": ["An event cannot be earlier than the opening of the incident."]}
        if errors:
            raise ValidationError(errors)
        note = WRITERS[action](incident, values, user, at)
        holder = values.get("holder") if action is Action.HAND_OFF else services.UNCHANGED
        return services.record_event(
            incident,
            kind=SPECS[action].kind,
            at=at,
            status=lifecycle.next_status(facts, action, values),
            holder=holder,
            note=note,
            author=user,
        )


def _pk(value):
    return value.pk if hasattr(value, "pk") else value


def _check_references(incident: Incident, action: Action, values: dict, user) -> dict:
    """The rules that need the database: the values must belong to this ecosystem."""
    if action is Action.HAND_OFF:
        holder = _pk(values.get("holder"))
        if holder is not None and holder not in incident.ecosystem.party_ids():
            return {"holder": ["Not a party of this incident's ecosystem."]}
        if holder == incident.holder_id:
            return {"holder": ["It is already with them." if holder else "Nobody owns it already."]}
        values["holder"] = holder
    if action is Action.APPLY_KNOWN_ERROR:
        known = KnownError.objects.filter(
            pk=_pk(values["known_error"]), ecosystem_id=incident.ecosystem_id
        ).first()
        if known is None:
            return {"known_error": ["Choose a known error of this incident's ecosystem."]}
        values["known_error"] = known
    if action is Action.OVERRIDE_PRIORITY:
        matrix = PriorityMatrix.objects.filter(ecosystem_id=incident.ecosystem_id).first()
        priorities = (matrix or PriorityMatrix()).priorities
        if values["priority"] not in priorities:
            return {"priority": [f"Choose one of {', '.join(priorities)}."]}
    if action is Action.APPROVE_CHANGE:
        return _check_approval(incident, values, user)
    return {}


def _check_approval(incident: Incident, values: dict, user) -> dict:
    own = _approver_person(user, incident)
    chosen = _pk(values.get("approver"))
    if own is not None and chosen in (None, own.pk):
        values["approver"] = own
        values.pop("on_behalf_reason", None)
        return {}
    people = approvers(incident)
    if chosen is None:
        return {"approver": ["Choose the business owner who approved it."]}
    approver = people.filter(pk=chosen).first()
    if approver is None:
        return {"approver": ["Only a holder of the customer's approving role can approve."]}
    if not values.get("on_behalf_reason", "").strip():
        return {
            "on_behalf_reason": [
                f"You record this on {approver}'s behalf: say how they approved it (e.g. by e-mail)."
            ]
        }
    values["approver"] = approver
    return {}


# Each writer applies what the action changes besides the timeline and returns the
# event's note. They run inside ``perform``'s transaction, on the locked incident.


def _write_plain(incident, values, user, at) -> str:
    return values.get("note", "")


def _write_hand_off(incident, values, user, at) -> str:
    holder = values.get("holder")
    name = Organisation.objects.filter(pk=holder).values_list("name", flat=True).first()
    head = f"Handed to {name}" if name else "Back in the queue: nobody owns it"
    return _joined(head, values.get("note", ""))


def _write_pause(incident, values, user, at) -> str:
    label = lifecycle.S(values["waiting_for"]).label
    return _joined(label, values.get("note", ""))


def _write_approval(incident, values, user, at) -> str:
    approver = values["approver"]
    reason = values.get("on_behalf_reason", "")
    incident.change_approved_by = approver
    incident.change_approved_at = at
    incident.change_approval_recorded_by = user
    incident.change_approval_on_behalf = bool(reason)
    incident.change_approval_reason = reason
    incident._history_user = user
    incident.save()
    if reason:
        return f"Approved by {approver}, recorded on their behalf by {_name(user)}: {reason}"
    return f"Approved by {approver}"


def _write_priority(incident, values, user, at) -> str:
    previous = incident.priority
    incident.priority = values["priority"]
    incident.priority_overridden = True
    incident.priority_override_reason = values["note"][:300]
    incident.priority_override_by = user
    incident._history_user = user
    incident.save()
    return f"Priority {previous} → {incident.priority}: {values['note']}"


def _write_known_error(incident, values, user, at) -> str:
    known = values["known_error"]
    incident.known_error = known
    incident._history_user = user
    incident.save()
    return _joined(
        f"Workaround of {known.reference} applied: {known.workaround}", values.get("note", "")
    )


def _joined(head: str, note: str) -> str:
    return f"{head}. {note}" if note else head


def _name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else "the system"


WRITERS = {
    Action.HAND_OFF: _write_hand_off,
    Action.PAUSE: _write_pause,
    Action.RESUME: _write_plain,
    Action.RESOLVE: _write_plain,
    Action.REOPEN: _write_plain,
    Action.CLOSE: _write_plain,
    Action.APPROVE_CHANGE: _write_approval,
    Action.OVERRIDE_PRIORITY: _write_priority,
    Action.APPLY_KNOWN_ERROR: _write_known_error,
    Action.COMMENT: _write_plain,
}
