"""One description per governance model, driving the generic CRUD, isolation and
query-count tests of ``tests.generic.harness``. The context is the ``gov`` fixture."""

from datetime import date

from governance.models import Action, Assessment, Board, Decision, ImprovementItem, Kpi, Pod
from tests.generic.harness import ModelCase, ids


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
