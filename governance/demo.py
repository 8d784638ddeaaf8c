"""Governance of the demo ecosystem (seed steps 2, 3 and 8, the playbook, the
team-structure article): the monthly steering board, the weekly service review and the
daily stand-up with their meetings, decisions and actions; KPIs measured from the SLA
data and by hand; the improvement register and integration backlog (one item ranked
by override for regulatory compliance); two integration pods under a head of
integration; two health self-assessments; and last month's steering report."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

from requirements_app.models import Requirement
from siam.demo import DemoResult
from siam.models import Ecosystem, Person

from . import services, steering
from .choices import ActionStatusChoices, DecisionStatusChoices, MeetingStatusChoices
from .kpis import add_months
from .models import (
    Action,
    Assessment,
    Board,
    BoardMember,
    Decision,
    ImprovementItem,
    Kpi,
    Measurement,
    Meeting,
    Pod,
    PodMember,
)

INFINITY_LOGO = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 220 60"><path d="M30 30c-9-12-24-12-24 0s15 12 24 0 '
    '15-12 24-12 24 12-15 12-24 0z" fill="none" stroke="#206bc4" stroke-width="6"/>'
    '<text x="70" y="40" font-family="Inter, sans-serif" font-size="26" font-weight="700" fill="#1d273b">Infinity</text></svg>'
)

KPIS = (
    # name, kind, source, priority, unit, direction, baseline, target, requirement titles
    ("End-to-end SLA attainment", "kpi", "sla_attainment", "", "%", "higher", 88, 95, ("Holistic view of tickets end to end",)),
    ("Mean time to resolve P1", "kpi", "mttr", "P1", "hours", "lower", 2, 1.5, ("Consistent information in real time",)),
    ("Mean time to resolve P2", "kpi", "mttr", "P2", "hours", "lower", 12, 10, ("Consistent information in real time",)),
    ("SLA breaches", "kpi", "breaches", "", "", "lower", 12, 5, ()),
    ("Reopen rate", "kpi", "reopen_rate", "", "%", "lower", 10, 5, ()),
    ("Customer satisfaction (Mercuri survey)", "csf", "manual", "", "/ 5", "higher", 3.1, 4.2, ("Holistic view of tickets end to end",)),
    ("Tickets exchanged without e-mail", "csf", "manual", "", "%", "higher", 0, 90, ("Autonomy / loose coupling", "Consistent information in real time")),
)  # fmt: skip
MANUAL_VALUES = {
    "Customer satisfaction (Mercuri survey)": (3.2, 3.4, None, 3.9, 4.0),
    "Tickets exchanged without e-mail": (20, 45, 70, 82, 88),
}
IMPROVEMENTS = (
    # register, title, impact, complexity, cost, risk, status, owner, override
    ("backlog", "Zendesk → Jira escalation connector", 5, 3, 3, 2, "in_progress", "David", None),
    ("backlog", "Jira ↔ ServiceNow two-way sync", 5, 4, 3, 3, "approved", "John", None),
    ("backlog", "Azure DevOps link for Global's developers", 3, 3, 2, 2, "proposed", "David", None),
    ("improvement", "Page the on-call engineer on every P1", 4, 2, 2, 2, "approved", "Elaine", None),
    ("improvement", "Encrypt attachments at rest", 3, 3, 3, 4, "proposed", "John", (90, "Regulatory compliance: GDPR audit finding due next quarter")),
    ("improvement", "Weekly breach review with each provider", 3, 1, 1, 1, "done", "Elaine", None),
)  # fmt: skip


def _at(day, hour=10):
    return timezone.make_aware(datetime.combine(day, time(hour)))


def load(actor) -> DemoResult:
    result = DemoResult()
    eco = Ecosystem.objects.filter(slug="infinity-ecommerce").first()
    if eco is None or Board.objects.filter(ecosystem=eco).exists():
        return result
    people = {p.name: p for p in Person.objects.filter(organisation_id__in=eco.party_ids())}
    this_month = timezone.localdate().replace(day=1)
    steering_board = _boards(eco, people)
    _meetings(eco, steering_board, people, actor)
    _kpis(eco, actor, this_month)
    _improvements(eco, people, actor)
    _pods(eco, people)
    _assessments(eco, people, this_month)
    if not eco.logo:
        eco._history_user = actor  # the audit trail names who changed it
        eco.logo.save("infinity.svg", ContentFile(INFINITY_LOGO.encode()), save=True)
    steering.generate(eco, add_months(this_month, -1), user=actor, scheduled=True)
    result.created += 40
    return result


def _boards(eco, people) -> Board:
    """The three boards, their members; the steering board is returned."""
    steering_board = Board.objects.create(
        ecosystem=eco, name="Monthly steering board", level="strategic", element="board", cadence="monthly",
        quorum=3, quorum_every_layer=True,
        terms_of_reference="Tracks the integration effort and the end-to-end service levels, decides on "
        "continual-improvement priorities and funding, and resolves escalations between the parties.",
    )  # fmt: skip
    for name, layer, role in (("Sophie", "customer", "chair"), ("John", "integrator", "member"), ("Elaine", "integrator", "secretary"), ("Maria", "provider", "member"), ("David", "provider", "member")):  # fmt: skip
        BoardMember.objects.create(
            board=steering_board, person=people[name], layer=layer, role=role
        )
    review = Board.objects.create(
        ecosystem=eco, name="Weekly service review", level="tactical", element="process_forum", cadence="weekly",
        quorum=2, quorum_every_layer=False, terms_of_reference="Reviews breaches, hand-offs and known errors with each provider.",
    )  # fmt: skip
    for name, layer in (("Elaine", "integrator"), ("Maria", "provider"), ("David", "provider")):
        BoardMember.objects.create(board=review, person=people[name], layer=layer)
    standup = Board.objects.create(
        ecosystem=eco, name="Daily integration stand-up", level="operational", element="working_group", cadence="daily",
        quorum=2, quorum_every_layer=False, terms_of_reference="Day-to-day operation of the integrations.",
    )  # fmt: skip
    for name, layer in (("John", "integrator"), ("David", "provider"), ("Marco", "provider")):
        BoardMember.objects.create(board=standup, person=people[name], layer=layer)

    return steering_board


def _meetings(eco, steering_board, people, actor) -> None:
    today = timezone.localdate()
    this_month = today.replace(day=1)
    # Steering meetings: three months held and closed, last month held (not closed yet:
    # one action still lacks a due date), this month planned.
    meetings = []
    for back in (3, 2, 1):
        month = add_months(this_month, -back)
        meeting = Meeting.objects.create(
            ecosystem=eco, board=steering_board, scheduled_at=_at(month + timedelta(days=6)),
            agenda="Service levels and breaches\nKPI trends\nImprovement register\nDecisions needed",
            minutes=f"Reviewed the {month:%B} figures with every party.", status=MeetingStatusChoices.HELD,
        )  # fmt: skip
        meeting.attendees.set([people[n] for n in ("Sophie", "John", "Elaine", "Maria", "David")])
        meetings.append(meeting)
    planned = Meeting.objects.create(
        ecosystem=eco, board=steering_board, scheduled_at=_at(this_month + timedelta(days=6)),
        agenda="Service levels and breaches\nKPI trends\nEncrypting attachments (decision)",
    )  # fmt: skip
    planned.attendees.set([people["Sophie"], people["John"]])

    Decision.objects.create(ecosystem=eco, meeting=meetings[0], title="Adopt a hub integration platform; no point-to-point links", owner=people["John"], status=DecisionStatusChoices.TAKEN, decided_on=meetings[0].scheduled_at.date())  # fmt: skip
    Decision.objects.create(ecosystem=eco, meeting=meetings[1], title="Fund the Zendesk → Jira connector this quarter", owner=people["Sophie"], status=DecisionStatusChoices.TAKEN, decided_on=meetings[1].scheduled_at.date())  # fmt: skip
    Decision.objects.create(ecosystem=eco, meeting=meetings[2], title="Mercuri reports P2 breaches within one business day", owner=people["Maria"], status=DecisionStatusChoices.TAKEN, decided_on=meetings[2].scheduled_at.date())  # fmt: skip
    Decision.objects.create(ecosystem=eco, title="Extend provider support hours to Saturdays", description="Weekend tickets wait until Monday; Global quotes the cost of Saturday cover.", owner=people["Sophie"])  # fmt: skip
    Decision.objects.create(ecosystem=eco, title="Encrypt attachments at rest before the GDPR audit", owner=people["John"])  # fmt: skip

    for meeting, title, owner, due, status in (
        (meetings[0], "Publish the integration architecture to every party", "John", meetings[0].scheduled_at.date() + timedelta(days=14), ActionStatusChoices.DONE),
        (meetings[1], "Map Zendesk priorities to Jira", "Elaine", meetings[1].scheduled_at.date() + timedelta(days=10), ActionStatusChoices.DONE),
        (meetings[1], "Quote Saturday support cover", "David", meetings[1].scheduled_at.date() + timedelta(days=21), ActionStatusChoices.OPEN),
        (meetings[2], "Root-cause the October P2 breaches", "Maria", today - timedelta(days=3), ActionStatusChoices.IN_PROGRESS),
        (meetings[2], "Agree reopen criteria with Mercuri", "Elaine", today + timedelta(days=10), ActionStatusChoices.OPEN),
        (meetings[2], "Draft the attachment-encryption design", "John", None, ActionStatusChoices.OPEN),
    ):  # fmt: skip
        action = Action(
            ecosystem=eco,
            meeting=meeting,
            title=title,
            owner=people[owner],
            due_date=due,
            status=status,
        )
        action.full_clean()
        action.save()
    for meeting in meetings[:2]:
        services.close_meeting(meeting, actor)


def _kpis(eco, actor, this_month) -> None:
    # KPIs, computed from the SLA data for the months the demo has, or entered by hand.
    first = add_months(this_month, -5)
    requirements = {r.title: r for r in Requirement.objects.filter(ecosystem=eco)}
    for name, kind, source, priority, unit, direction, baseline, target, reqs in KPIS:
        kpi = Kpi.objects.create(
            ecosystem=eco, name=name, kind=kind, source=source, priority=priority, unit=unit,
            direction=direction, baseline=baseline, target=target,
            # The SLA data starts a month after the survey did.
            measured_from=first if source == "manual" else add_months(first, 1),
        )  # fmt: skip
        kpi.requirements.set([requirements[t] for t in reqs if t in requirements])
        for offset, value in enumerate(MANUAL_VALUES.get(name, ())):
            if value is not None:
                Measurement.objects.create(
                    kpi=kpi, period_start=add_months(first, offset), value=value, recorded_by=actor
                )
    for offset in range(5):
        services.compute_kpis(eco.pk, add_months(first, offset))


def _improvements(eco, people, actor) -> None:
    for register, title, impact, complexity, cost, risk, status, owner, override in IMPROVEMENTS:
        item = ImprovementItem.objects.create(
            ecosystem=eco, register=register, title=title, business_impact=impact, complexity=complexity,
            cost=cost, risk=risk, status=status, owner=people[owner],
        )  # fmt: skip
        if override:
            services.override(item, override[0], override[1], people["Sophie"].user or actor)


def _pods(eco, people) -> None:
    head = people["John"]
    connectors = Pod.objects.create(ecosystem=eco, name="Customer-facing integrations", focus="Zendesk ↔ Jira escalations for Mercuri.", head=head)  # fmt: skip
    for name, role, part_time in (("Elaine", "lead", False), ("David", "technologist", False), ("Maria", "analyst", False), ("Marco", "qa", True)):  # fmt: skip
        PodMember.objects.create(
            pod=connectors, person=people[name], role=role, part_time=part_time
        )
    devops = Pod.objects.create(ecosystem=eco, name="Developer tooling integrations", focus="Jira ↔ ServiceNow ↔ Azure DevOps for Global.", head=head)  # fmt: skip
    for name, role in (("David", "technologist"), ("Marco", "analyst")):
        PodMember.objects.create(pod=devops, person=people[name], role=role)


def _assessments(eco, people, this_month) -> None:
    baseline = {"gov_boards": 2, "gov_decisions": 1, "gov_contracts": 2, "mea_kpis": 1, "mea_e2e": 1, "mea_reports": 2, "peo_roles": 2, "peo_pods": 1, "peo_culture": 2, "pro_handoffs": 1, "pro_improvement": 1, "pro_knowledge": 2, "tec_integration": 0, "tec_mapping": 1, "tec_monitoring": 1}  # fmt: skip
    now = {**baseline, "gov_boards": 4, "gov_decisions": 4, "mea_kpis": 4, "mea_e2e": 4, "mea_reports": 3, "peo_roles": 4, "peo_pods": 3, "pro_handoffs": 3, "pro_improvement": 4, "tec_integration": 3, "tec_mapping": 4, "tec_monitoring": 2}  # fmt: skip
    Assessment.objects.create(ecosystem=eco, title="Baseline before the integration", assessed_on=add_months(this_month, -5), assessed_by=people["John"], answers=baseline)  # fmt: skip
    Assessment.objects.create(ecosystem=eco, title="After the Zendesk → Jira go-live", assessed_on=add_months(this_month, -1) + timedelta(days=20), assessed_by=people["John"], answers=now)  # fmt: skip
