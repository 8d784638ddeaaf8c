"""Service levels of the demo ecosystem: calendars, the ITIL matrix, targets on the
seed's contracts (end-to-end P1 resolution 2 h, P2 12 h …), a handbook, and a few
hundred incidents with realistic timelines — generated from a fixed seed, relative
to today, some breached, some paused, some still running."""

from datetime import time, timedelta

from siam.demo import DemoResult
from siam.models import Contract, Ecosystem, Organisation, Service

from . import clocks, services
from .choices import (
    AlertLevelChoices,
    EscalationActionChoices,
)
from .demo_incidents import generate_incidents
from .models import (
    BusinessCalendar,
    EscalationRule,
    Incident,
    KnownError,
    PriorityMatrix,
    ServiceLevelTarget,
    WorkingPeriod,
)

#: name, time zone, holiday country and subdivision, working weekdays, daily periods
CALENDARS = (
    ("Infinity office hours", "Europe/London", "GB", "ENG", range(5), [(time(8), time(18))]),
    ("Mercuri support hours", "America/New_York", "US", "NY", range(6),
     [(time(8), time(12)), (time(13), time(20))]),
    ("Global operations", "Asia/Kolkata", "IN", "", range(6), [(time(9), time(18))]),
)  # fmt: skip

#: contract -> (its calendar, {priority: (response, resolution) in business minutes})
TARGETS = {
    "SLA-001": ("Infinity office hours", {
        "P1": (15, 120), "P2": (30, 720), "P3": (120, 1440), "P4": (240, 2400), "P5": (480, 4800),
    }),
    "UC-MER-001": ("Mercuri support hours", {
        "P1": (10, 60), "P2": (20, 360), "P3": (60, 720), "P4": (120, 1440), "P5": (240, 2400),
    }),
    "UC-GLB-001": ("Global operations", {
        "P1": (15, 90), "P2": (30, 480), "P3": (120, 960), "P4": (240, 1920), "P5": (480, 3600),
    }),
}  # fmt: skip

#: The end-to-end P1 runs round the clock, with a goal below its target.
E2E_P1 = {"goal_resolution_minutes": 90, "goal_note": "Average P1 resolution 2 h -> 1.5 h"}

KNOWN_ERRORS = (
    ("KE-001", "Payment page shows a blank frame", "Payments",
     "Purge the CDN cache for /checkout and retry the payment."),
    ("KE-002", "Kiosk cannot reach the catalogue", "Network",
     "Restart the store VPN tunnel from the kiosk admin menu."),
    ("KE-003", "Order confirmation e-mail not received", "Customer service",
     "Resend from the order page; check the customer's spam folder."),
)  # fmt: skip


def load(actor) -> DemoResult:
    from core.system import ensure

    result = DemoResult()

    def make(model, lookup, defaults=None):
        obj, created = ensure(model, lookup, defaults, actor=actor)
        result.created += int(created)
        return obj, created

    eco = Ecosystem.objects.filter(slug="infinity-ecommerce").first()
    if eco is None:
        return result
    make(PriorityMatrix, {"ecosystem": eco})
    calendars = _calendars(make, eco)
    _targets(make, eco, calendars)
    for reference, symptom, category, workaround in KNOWN_ERRORS:
        make(
            KnownError,
            {"ecosystem": eco, "reference": reference},
            {"symptom": symptom, "category": category, "workaround": workaround},
        )
    if not Incident.objects.filter(ecosystem=eco).exists():
        result.created += generate_incidents(eco, actor)
        result.created += _stories(eco, actor)
    return result


def _calendars(make, eco) -> dict:
    calendars = {}
    for name, tz, country, subdiv, days, periods in CALENDARS:
        calendar, created = make(
            BusinessCalendar, {"ecosystem": eco, "name": name},
            {"time_zone": tz, "holiday_country": country, "holiday_subdivision": subdiv},
        )  # fmt: skip
        if created:
            WorkingPeriod.objects.bulk_create(
                WorkingPeriod(calendar=calendar, weekday=d, start=s, end=e)
                for d in days
                for s, e in periods
            )
        calendars[name] = calendar
    calendars["24x7"], _ = make(
        BusinessCalendar,
        {"ecosystem": eco, "name": "24x7"},
        {"always_open": True, "time_zone": "Europe/London"},
    )
    return calendars


def _targets(make, eco, calendars) -> None:
    """Each contract's targets, with their escalation rules: notify at the second warning
    and at a breach; a provider's breach also hands the ticket back to the integrator."""
    for reference, (calendar, per_priority) in TARGETS.items():
        contract = Contract.objects.get(ecosystem=eco, reference=reference)
        for priority, (response, resolution) in per_priority.items():
            e2e_p1 = reference == "SLA-001" and priority == "P1"
            target, created = make(
                ServiceLevelTarget,
                {"contract": contract, "priority": priority},
                {
                    "response_minutes": response,
                    "resolution_minutes": resolution,
                    "calendar": calendars["24x7" if e2e_p1 else calendar],
                    "goal_resolution_minutes": E2E_P1["goal_resolution_minutes"]
                    if e2e_p1
                    else None,
                    "goal_note": E2E_P1["goal_note"] if e2e_p1 else "",
                },
            )
            if not created:
                continue
            rules = [
                (AlertLevelChoices.BREACH, EscalationActionChoices.NOTIFY),
                (AlertLevelChoices.WARNING_2, EscalationActionChoices.NOTIFY),
            ]
            if reference != "SLA-001":
                rules.append((AlertLevelChoices.BREACH, EscalationActionChoices.HAND_TO_INTEGRATOR))
            EscalationRule.objects.bulk_create(
                EscalationRule(target=target, level=lvl, action=act) for lvl, act in rules
            )


def _stories(eco, actor) -> int:
    """Three tickets taken through the write path as people would: a change the
    business owner approved herself, one still awaiting her, and an incident a provider
    sent back to the queue, which nobody has owned since (an ownership gap)."""
    from django.contrib.auth import get_user_model

    now = clocks.now().replace(second=0, microsecond=0)
    users = {
        u.username: u for u in get_user_model().objects.filter(username__in=["john", "sophie"])
    }
    john, sophie = users.get("john", actor), users.get("sophie")
    service = {s.name: s for s in Service.objects.filter(ecosystem=eco)}

    def open_(title, service_name, classification, opened, impact="Medium", urgency="Medium"):
        incident = Incident(
            ecosystem=eco, title=title, service=service[service_name], classification=classification,
            impact=impact, urgency=urgency, opened_at=opened,
        )  # fmt: skip
        return services.open_incident(incident, author=john, at=opened)

    _approved_change(open_, now, john, sophie)
    open_(
        "Extend the returns window to 60 days",
        "Online store",
        "change_request",
        now - timedelta(hours=4),
    )
    _sent_back_to_the_queue(open_, now, john)
    return 3


def _approved_change(open_, now, john, sophie) -> None:
    from . import actions

    approved = open_(
        "Add Apple Pay to the checkout",
        "Online payments",
        "change_request",
        now - timedelta(days=3),
    )
    if sophie is not None:
        actions.perform(
            approved, "approve-change", {"at": now - timedelta(days=3, hours=-2)}, user=sophie
        )
    else:  # the RACI demo did not run: the integrator records it, saying how
        owner = actions.approvers(approved).first()
        actions.perform(
            approved, "approve-change",
            {"approver": owner, "on_behalf_reason": "Approved in the steering meeting",
             "at": now - timedelta(days=3, hours=-2)},
            user=john,
        )  # fmt: skip
    actions.perform(
        approved, "hand-off",
        {"holder": Organisation.objects.get(slug="global"), "note": "Build and test in the payment gateway",
         "at": now - timedelta(days=3, hours=-3)},
        user=john,
    )  # fmt: skip


def _sent_back_to_the_queue(open_, now, john) -> None:
    from . import actions

    # Six days back, so that whatever the day and hour the demo is loaded, business hours
    # have passed since (weekends and holidays included) and the clock broke while
    # nobody owned the ticket: the report shows a share of the budget for "Nobody".
    opened = now - timedelta(days=6)
    queue = open_(
        "Vouchers rejected at the kiosk", "Online kiosk", "incident", opened, impact="High",
    )  # fmt: skip
    mercuri = Organisation.objects.get(slug="mercuri")
    actions.perform(
        queue, "hand-off", {"holder": mercuri, "at": opened + timedelta(minutes=10)}, user=john
    )
    actions.perform(
        queue, "hand-off",
        {"note": "Not a customer-service issue: back to the queue", "at": opened + timedelta(minutes=40)},
        user=john,
    )  # fmt: skip
