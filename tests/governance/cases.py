"""One description per governance model, driving the generic CRUD, isolation and
query-count tests of ``tests.generic.harness``. The context is the ``gov`` fixture."""

from datetime import date

from governance.models import (
    Action,
    Assessment,
    Board,
    Decision,
    ImprovementItem,
    Kpi,
    Meeting,
    Pod,
    ScoringModel,
)
from tests import factories as f
from tests.generic.harness import ModelCase, ids, spare_ecosystem


def _decision(gov):
    return Decision.objects.get_or_create(
        ecosystem=gov.world.a, meeting=gov.meeting, title="Adopt one major-incident bridge"
    )[0]


def _action(gov):
    return Action.objects.get_or_create(
        ecosystem=gov.world.a, meeting=gov.meeting, title="Share the on-call rota",
        defaults={"owner": gov.provider_rep, "due_date": date(2026, 12, 15)},
    )[0]  # fmt: skip


def _kpi(gov):
    return Kpi.objects.get_or_create(
        ecosystem=gov.world.a,
        name="First-time fix rate",
        defaults={"target": 80, "measured_from": date(2026, 6, 1)},
    )[0]


def _improvement(gov):
    return ImprovementItem.objects.get_or_create(
        ecosystem=gov.world.a, title="Automate the hand-off to provider one",
        defaults={"business_impact": 4, "complexity": 2, "cost": 2, "risk": 1},
    )[0]  # fmt: skip


def _pod(gov):
    return Pod.objects.get_or_create(
        ecosystem=gov.world.a, name="Network pod", defaults={"head": gov.integrator_rep}
    )[0]


def _assessment(gov):
    return Assessment.objects.get_or_create(
        ecosystem=gov.world.a, title="Autumn health check", defaults={"assessed_on": date(2026, 11, 1)}
    )[0]  # fmt: skip


def _scoring_model(gov):
    return ScoringModel.objects.get_or_create(ecosystem=gov.world.a)[0]


def _scoring_models(gov, n):
    # One scoring model per ecosystem: more of them are more ecosystems of the integrator.
    for _ in range(n):
        eco = f.EcosystemFactory(customer=gov.world.customer, integrator=gov.world.integrator)
        ScoringModel.objects.create(ecosystem=eco, business_impact=50, complexity=20)


def _meetings(gov, n):
    # Each with its attendees: the list and the API show them.
    for i in range(n):
        meeting = Meeting.objects.create(
            ecosystem=gov.world.a, board=gov.board, title=f"Review {i}",
            scheduled_at=f"2026-10-{1 + i % 28:02d}T09:00:00Z",
        )  # fmt: skip
        meeting.attendees.add(gov.customer_rep, gov.provider_rep)


def _many(model, make):
    def bulk(gov, n):
        start = model.objects.count()
        for i in range(n):
            make(gov, start + i)

    return bulk


CASES = [
    ModelCase(
        Board,
        "/api/governance/boards/",
        existing=lambda g: g.board,
        create=lambda g: {"ecosystem": g.world.a.pk, "name": "Service review", "level": "tactical", "quorum": 2},
        update={"name": "Executive steering"},
        bulk=_many(Board, lambda g, i: Board.objects.create(ecosystem=g.world.a, name=f"Board {i}", level="tactical")),
    ),
    ModelCase(
        Meeting,
        "/api/governance/meetings/",
        existing=lambda g: Meeting.objects.get(pk=g.meeting.pk),  # as stored, not as typed
        # The API takes a meeting's ecosystem from its board; the form asks for it first
        # (it narrows the boards and people offered).
        create=lambda g: {"board": g.board.pk, "title": "December steering", "scheduled_at": "2026-12-07T10:00:00Z",
                          "attendees": [g.customer_rep.pk, g.integrator_rep.pk], "status": "planned"},
        ui_values=lambda data: {"ecosystem": Board.objects.get(pk=data["board"]).ecosystem_id, **data}
        if "board" in data else data,
        update={"title": "November steering", "minutes": "Quorum reached; two decisions."},
        bulk=_meetings,
        listed=lambda m: f'href="{m.get_absolute_url()}"',
    ),
    ModelCase(
        ScoringModel,
        "/api/governance/scoring-models/",
        existing=_scoring_model,
        create=lambda g: {"ecosystem": spare_ecosystem(g).pk, "business_impact": 40, "complexity": 30,
                          "cost": 20, "risk": 10},
        update={"business_impact": 50, "complexity": 20},
        bulk=_scoring_models,
        listed=lambda m: f'href="{m.get_absolute_url()}"',
    ),
    ModelCase(
        Decision,
        "/api/governance/decisions/",
        existing=_decision,
        create=lambda g: {"ecosystem": g.world.a.pk, "meeting": g.meeting.pk, "title": "Retire the old portal",
                          "owner": g.integrator_rep.pk, "decided_on": "2026-11-02"},
        update={"title": "Adopt one bridge for major incidents"},
        bulk=_many(Decision, lambda g, i: Decision.objects.create(
            ecosystem=g.world.a, meeting=g.meeting, title=f"Decision {i}", owner=g.integrator_rep)),
    ),
    ModelCase(
        Action,
        "/api/governance/actions/",
        existing=_action,
        create=lambda g: {"ecosystem": g.world.a.pk, "meeting": g.meeting.pk, "title": "Publish the escalation list",
                          "owner": g.customer_rep.pk, "due_date": "2026-12-20"},
        update={"title": "Share the on-call rota with the customer"},
        bulk=_many(Action, lambda g, i: Action.objects.create(
            ecosystem=g.world.a, meeting=g.meeting, title=f"Action {i}", owner=g.provider_rep,
            due_date=date(2026, 1, 1))),
    ),
    ModelCase(
        Kpi,
        "/api/governance/kpis/",
        existing=_kpi,
        create=lambda g: {"ecosystem": g.world.a.pk, "name": "Mean time to restore", "unit": "hours",
                          "target": 4, "measured_from": "2026-06-01"},
        update={"name": "First-time fix"},
        bulk=_many(Kpi, lambda g, i: Kpi.objects.create(ecosystem=g.world.a, name=f"KPI {i}", target=90,
            measured_from=date(2026, 6, 1))),
    ),
    ModelCase(
        ImprovementItem,
        "/api/governance/improvement-items/",
        existing=_improvement,
        create=lambda g: {"ecosystem": g.world.a.pk, "title": "One status model for all tools",
                          "business_impact": 5, "complexity": 3, "cost": 2, "risk": 2},
        update={"title": "Automate every hand-off to provider one"},
        bulk=_many(ImprovementItem, lambda g, i: ImprovementItem.objects.create(
            ecosystem=g.world.a, title=f"Improvement {i}", business_impact=3, complexity=2, cost=2, risk=1)),
    ),
    ModelCase(
        Pod,
        "/api/governance/pods/",
        existing=_pod,
        create=lambda g: {"ecosystem": g.world.a.pk, "name": "Service desk pod", "head": g.integrator_rep.pk},
        update={"name": "Network and hosting pod"},
        bulk=_many(Pod, lambda g, i: Pod.objects.create(ecosystem=g.world.a, name=f"Pod {i}", head=g.integrator_rep)),
    ),
    ModelCase(
        Assessment,
        "/api/governance/assessments/",
        existing=_assessment,
        create=lambda g: {"ecosystem": g.world.a.pk, "title": "Spring health check", "assessed_on": "2026-04-01"},
        update={"title": "Autumn health check, all providers"},
        bulk=_many(Assessment, lambda g, i: Assessment.objects.create(
            ecosystem=g.world.a, title=f"Assessment {i}", assessed_on=date(2026, 1, 1))),
    ),
]  # fmt: skip

CASE_IDS = ids(CASES)
